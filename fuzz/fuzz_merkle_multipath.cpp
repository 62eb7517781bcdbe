// libFuzzer target: MerkleMultiPath::from_bytes and merkle_verify_multi
// (docs/fuzzing.md). Input: u8 tree selector (depth 0, 3 or 6) ‖ u8 c ‖
// (c % 8 + 1) leaf-index bytes ‖ multipath bytes. Bit 7 of c replaces the first
// leaf hash with a wrong one (then nothing may verify). Decoded multipaths must
// re-encode to their bytes; merkle_verify_multi accepting anything but the valid
// multipath for those indices is a finding.
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
  const auto& trees = multi_trees();
  const MerkleTree& tree = trees[data[0] % trees.size()];
  const bool corrupt = (data[1] & 0x80) != 0;
  const std::size_t count = data[1] % 8 + 1;
  if (size < 2 + count) return 0;
  std::vector<std::uint64_t> indices(count);
  std::vector<Digest> leaves(count);
  for (std::size_t j = 0; j < count; ++j) {
    indices[j] = data[2 + j] % tree.num_leaves();
    leaves[j] = tree.leaf_hash(indices[j]);
  }
  if (corrupt) leaves[0].bytes[31] ^= 0x80;
  const std::span<const std::uint8_t> in(data + 2 + count, size - 2 - count);
  MerkleMultiPath mp;
  const bool decoded = guarded(raw, [&] {
    mp = MerkleMultiPath::from_bytes(in);
    return true;
  });
  if (!decoded) return 0;
  const Bytes re = mp.to_bytes();
  if (!std::equal(re.begin(), re.end(), in.begin(), in.end()))
    finding("MerkleMultiPath::from_bytes accepted a non-canonical encoding", raw);
  if (merkle_verify_multi(tree.root(), tree.depth(), indices, leaves, mp)) {
    if (corrupt) finding("merkle_verify_multi accepted a wrong leaf hash", raw);
    const Bytes valid = tree.open_multi(indices).to_bytes();
    if (!std::equal(valid.begin(), valid.end(), in.begin(), in.end()))
      finding("merkle_verify_multi accepted a multipath other than the valid one", raw);
  }
  if (merkle_verify_multi(tree.root(), tree.depth() + 1, indices, leaves, mp))
    finding("merkle_verify_multi accepted at depth + 1", raw);
  return 0;
}
