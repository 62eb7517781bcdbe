// libFuzzer target: MerklePath::from_bytes and merkle_verify (docs/fuzzing.md).
// Input: u8 tree selector (depth 0, 1, 4 or 7) ‖ u8 leaf index ‖ path bytes.
// Decoded paths must re-encode to their bytes; merkle_verify accepting anything
// but the leaf's valid path is a finding. The same bytes are also verified
// against a wrong leaf hash and against depth ± 1, which must never accept.
#include <algorithm>

#include "fuzz_common.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  self_check_merkle();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);  // what findings print
  if (size < 2) return 0;
  const auto& trees = path_trees();
  const MerkleTree& tree = trees[data[0] % trees.size()];
  const std::uint64_t index = data[1] % tree.num_leaves();
  const std::span<const std::uint8_t> in(data + 2, size - 2);
  MerklePath path;
  const bool decoded = guarded(raw, [&] {
    path = MerklePath::from_bytes(in);
    return true;
  });
  if (!decoded) return 0;
  const Bytes re = path.to_bytes();
  if (!std::equal(re.begin(), re.end(), in.begin(), in.end()))
    finding("MerklePath::from_bytes accepted a non-canonical encoding", raw);
  const unsigned depth = tree.depth();
  if (merkle_verify(tree.root(), depth, index, tree.leaf_hash(index), path)) {
    const Bytes valid = tree.open(index).to_bytes();
    if (!std::equal(valid.begin(), valid.end(), in.begin(), in.end()))
      finding("merkle_verify accepted a path other than the valid one", raw);
  }
  Digest wrong = tree.leaf_hash(index);
  wrong.bytes[0] ^= 1;
  if (merkle_verify(tree.root(), depth, index, wrong, path)) finding("merkle_verify accepted a wrong leaf", raw);
  if (merkle_verify(tree.root(), depth + 1, index, tree.leaf_hash(index), path))
    finding("merkle_verify accepted at depth + 1", raw);
  if (depth > 0 && merkle_verify(tree.root(), depth - 1, index >> 1, tree.leaf_hash(index), path))
    finding("merkle_verify accepted at depth - 1", raw);
  return 0;
}
