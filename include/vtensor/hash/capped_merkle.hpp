// vtensor/hash/capped_merkle.hpp — Merkle multipaths for a tree the prover did not keep:
// only its cap (the roots of the aligned subtrees of 2^h leaves) is stored, and the
// subtrees under opened leaves are rehashed from the rows on demand. A streamed model
// commitment (commit/model.hpp) keeps a cap instead of a 2^{n+R−k}-leaf tree.
//
// The tree is the one MerkleTree::from_rows builds over rows of `width` Goldilocks
// values (leaf = merkle_row_hash of a row, node = merkle_node_hash of its children), and
// open_multi returns exactly MerkleTree::open_multi's multipath (same siblings, same
// order), so verifiers cannot tell the two apart. Memory: 2^{D−h+1} digests for the upper
// tree plus 2^{h+1} per subtree an opening touches.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"

namespace vtensor {

// The cap of a Merkle tree: the roots of its aligned subtrees of 2^height leaves, in order.
struct MerkleCap {
  unsigned height = 0;
  std::vector<Digest> digests;
};

class CappedMerkle {
 public:
  // read_rows(first, count, dst): dst receives rows [first, first + count), each `width`
  // canonical Goldilocks values, row-major.
  using RowReader = std::function<void(std::uint64_t first, std::size_t count, std::span<Goldilocks> dst)>;

  CappedMerkle() = default;
  // depth D (2^D leaves), cap height h ≤ D, cap = the 2^{D−h} subtree roots in order.
  CappedMerkle(unsigned depth, unsigned cap_height, std::vector<Digest> cap, std::size_t width, RowReader read)
      : depth_(depth), h_(cap_height), width_(width), read_(std::move(read)) {
    if (h_ > depth_ || depth_ > 62) throw ArgumentError("CappedMerkle: cap height above the depth");
    if (cap.size() != (std::size_t{1} << (depth_ - h_))) throw ArgumentError("CappedMerkle: wrong number of cap digests");
    const std::size_t top = std::size_t{1} << (depth_ - h_);
    upper_.resize(2 * top);
    std::copy(cap.begin(), cap.end(), upper_.begin() + static_cast<std::ptrdiff_t>(top));
    for (std::size_t p = top; p-- > 1;) upper_[p] = merkle_node_hash(upper_[2 * p], upper_[2 * p + 1]);
  }

  const Digest& root() const { return upper_.at(1); }
  unsigned depth() const noexcept { return depth_; }

  // The multipath of `indices` (any order, repeats allowed), as MerkleTree::open_multi.
  MerkleMultiPath open_multi(std::span<const std::uint64_t> indices) const {
    const std::uint64_t n = std::uint64_t{1} << depth_;
    for (auto i : indices)
      if (i >= n) throw ArgumentError("Merkle leaf index " + std::to_string(i) + " >= " + std::to_string(n) + " leaves");
    std::map<std::uint64_t, std::vector<Digest>> subtrees;
    return merkle_open_multi(depth_, indices,
                             [&](std::uint64_t p, unsigned l) -> const Digest& { return node(p, l, subtrees); });
  }

 private:
  // The node at heap position p on level l (0 = leaves).
  const Digest& node(std::uint64_t p, unsigned l, std::map<std::uint64_t, std::vector<Digest>>& subtrees) const {
    if (l >= h_) return upper_[p];
    const std::uint64_t first = std::uint64_t{1} << (depth_ - l);  // first heap position of level l
    const std::uint64_t s = (p - first) >> (h_ - l);
    auto it = subtrees.find(s);
    if (it == subtrees.end()) it = subtrees.emplace(s, subtree(s)).first;
    const std::uint64_t local = (std::uint64_t{1} << (h_ - l)) + ((p - first) & ((std::uint64_t{1} << (h_ - l)) - 1));
    return it->second[local];
  }

  // The local heap of subtree s: leaves at [2^h, 2^{h+1}), root at 1 (checked against the cap).
  std::vector<Digest> subtree(std::uint64_t s) const {
    const std::size_t leaves = std::size_t{1} << h_;
    std::vector<Goldilocks> rows(leaves * width_);
    read_(s << h_, leaves, rows);
    std::vector<Digest> heap(2 * leaves);
    detail::merkle_hash_strided_leaves(reinterpret_cast<const std::uint8_t*>(rows.data()), width_ * sizeof(Goldilocks),
                                       leaves, heap.data() + leaves, Sha256Backend::kAuto);
    for (std::size_t w = leaves / 2; w >= 1; w /= 2)
      detail::merkle_hash_nodes(heap.data() + 2 * w, heap.data() + w, w, Sha256Backend::kAuto);
    if (heap[1] != upper_[(std::uint64_t{1} << (depth_ - h_)) + s])
      throw DecodeError("capped Merkle tree: the rows of subtree " + std::to_string(s) +
                        " do not hash to the committed cap (a damaged codeword file)");
    return heap;
  }

  unsigned depth_ = 0, h_ = 0;
  std::size_t width_ = 0;
  RowReader read_;
  std::vector<Digest> upper_;  // heap positions 1 … 2^{D−h+1} − 1
};

}  // namespace vtensor
