// vtensor/commit/detail/model_stream.hpp — the kernels of a streamed model commitment
// (commit/model.hpp): a Merkle root built from digests arriving in leaf order, the
// root of a block of codeword rows, and phase 2's block transform (chunk codewords →
// fiber rows of the WHIR codeword). Pure functions of their inputs.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/poly/ntt.hpp"
#include "vtensor/poly/reed_solomon.hpp"

namespace vtensor::model_detail {

// The root of a tree of 2^depth nodes pushed left to right (nodes of some level of a
// larger tree, or leaves): pending[l] holds a left child at height l awaiting its
// sibling, so memory is O(depth) digests.
class StreamingMerkle {
 public:
  explicit StreamingMerkle(unsigned depth = 0) : depth_(depth), pending_(depth + 1) {}
  void push(const Digest& d) {
    if (count_ >> depth_) throw ArgumentError("StreamingMerkle: more than 2^depth nodes pushed");
    Digest cur = d;
    unsigned l = 0;
    while (pending_[l]) {
      cur = merkle_node_hash(*pending_[l], cur);
      pending_[l].reset();
      ++l;
    }
    pending_[l] = cur;
    ++count_;
  }
  bool done() const noexcept { return (count_ >> depth_) != 0; }
  const Digest& root() const {
    if (!done()) throw ArgumentError("StreamingMerkle: the tree is not complete");
    return *pending_[depth_];
  }

 private:
  unsigned depth_;
  std::uint64_t count_ = 0;
  std::vector<std::optional<Digest>> pending_;
};

// Root of the subtree over `count` (a power of two) consecutive rows of `width`
// Goldilocks values each (leaf = merkle_row_hash of a row). scratch: count digests.
inline Digest rows_root(const Goldilocks* rows, std::size_t width, std::size_t count, Digest* scratch) {
  static_assert(kFieldBytesInMemory<Goldilocks>, "rows are hashed in place");
  detail::merkle_hash_strided_leaves(reinterpret_cast<const std::uint8_t*>(rows), width * sizeof(Goldilocks), count,
                                     scratch, Sha256Backend::kAuto);
  // Level by level, writing the parents behind the children: parents k ≥ 4 only
  // overwrite children already consumed; the first group of four goes via a copy.
  for (std::size_t w = count / 2; w >= 1; w /= 2) {
    const std::size_t head = std::min<std::size_t>(w, 4);
    Digest first[4];
    detail::merkle_hash_nodes(scratch, first, head, Sha256Backend::kAuto);
    if (w > 4) detail::merkle_hash_nodes(scratch + 8, scratch + 4, w - 4, Sha256Backend::kAuto);
    std::copy_n(first, head, scratch);
  }
  return scratch[0];
}

// Digests of `count` consecutive subtrees, each over `rows_per` rows: out[i] =
// rows_root(rows + i·rows_per·width, …), parallel over the subtrees.
inline void subtree_roots(const Goldilocks* rows, std::size_t width, std::size_t rows_per, std::size_t count,
                          Digest* out) {
  detail::parallel_chunks(count, 1, [&](std::size_t lo, std::size_t hi, int) {
    std::vector<Digest> scratch(rows_per);
    for (std::size_t i = lo; i < hi; ++i) out[i] = rows_root(rows + i * rows_per * width, width, rows_per, scratch.data());
  });
}

// Phase 2 on one block of B = 2^b consecutive y ∈ [y0, y0 + B) (docs/model_commitment.md).
// in[h·B + (y − y0)] = Ĝ'_h(y), h < 2^m (chunk codewords after the local Möbius);
// tr: B·2^m scratch. Writes out[(t·B + (y − y0))·2^k0 + s'] = F(ω^{y + s·2^{c+R}}),
// s = t + s'·2^{m−k0}: for each t, the B fiber rows j = t·2^{c+R} + y, contiguous.
//   G_h(y) = Möbius over the m chunk bits of Ĝ'_·(y);
//   F(ω^{y + s·2^{c+R}}) = Σ_h μ^{hs} · ω^{yh} G_h(y),  μ = ω^{2^{c+R}} (order 2^m).
inline void block_to_fibers(const Goldilocks* in, Goldilocks* tr, Goldilocks* out, unsigned m, unsigned k0,
                            std::size_t B, std::uint64_t y0, Goldilocks omega) {
  const std::size_t H = std::size_t{1} << m, K = std::size_t{1} << k0, T = H >> k0;
  detail::poly::transpose(in, H, B, tr);  // tr[y][h]
  detail::parallel_chunks(B, std::max<std::size_t>(1, detail::kParallelGrain / H), [&](std::size_t lo, std::size_t hi, int) {
    Goldilocks g = omega.pow(y0 + lo);  // ω^y, advanced row by row
    for (std::size_t y = lo; y < hi; ++y, g *= omega) {
      Goldilocks* row = tr + y * H;
      for (unsigned j = 0; j < m; ++j) {  // Möbius: x[i + 2^j] −= x[i]
        const std::size_t half = std::size_t{1} << j;
        for (std::size_t blk = 0; blk < H; blk += 2 * half) detail::poly::axpy_words<false>(row + blk + half, row + blk, half);
      }
      Goldilocks acc = g;  // twist by ω^{y·h}
      for (std::size_t h = 1; h < H; ++h, acc *= g) row[h] *= acc;
    }
  });
  ntt_batch(std::span<Goldilocks>(tr, B * H), H);  // tr[y][s] = F(ω^{y + s·2^{c+R}})
  detail::parallel_chunks(B, std::max<std::size_t>(1, detail::kParallelGrain / H), [&](std::size_t lo, std::size_t hi, int) {
    for (std::size_t y = lo; y < hi; ++y) {
      const Goldilocks* src = tr + y * H;
      for (std::size_t t = 0; t < T; ++t) {
        Goldilocks* dst = out + (t * B + y) * K;
        for (std::size_t s2 = 0; s2 < K; ++s2) dst[s2] = src[s2 * T + t];
      }
    }
  });
}

}  // namespace vtensor::model_detail
