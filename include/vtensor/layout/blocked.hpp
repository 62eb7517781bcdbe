// vtensor/layout/blocked.hpp — a matrix stored as tiles (blocked / tiled layout).
//
// An M×N matrix is cut into BM×BN tiles; tiles are stored row-major, one after
// the other, and the elements inside a tile row-major. The element (i, j) lives at
//   offset = ((i / BM)·(N / BN) + j / BN)·BM·BN + (i % BM)·BN + j % BN.
// It is a plain hierarchical StridedLayout, rank 2 at the top:
//   shape  ((M/BM, BM), (N/BN, BN))
//   stride ((BM·N,  BN), (BM·BN, 1))
// because a row coordinate i on the nested mode (M/BM, BM) splits row-major into
// (i / BM, i % BM), and likewise for j. BM | M and BN | N are required (pad first).
#pragma once

#include <tuple>

#include "vtensor/layout/shape.hpp"
#include "vtensor/layout/strided_layout.hpp"

namespace vtensor {

template <IntLike M, IntLike N, IntLike BM, IntLike BN>
constexpr auto blocked_layout(const M& m, const N& n, const BM& bm, const BN& bn) {
  const auto m_ = normalize(m);
  const auto n_ = normalize(n);
  const auto bm_ = normalize(bm);
  const auto bn_ = normalize(bn);
  const auto tiles_m = int_div(m_, bm_);  // throws / fails to compile unless BM | M
  const auto tiles_n = int_div(n_, bn_);
  return make_layout(std::make_tuple(std::make_tuple(tiles_m, bm_), std::make_tuple(tiles_n, bn_)),
                     std::make_tuple(std::make_tuple(int_mul(bm_, n_), bn_),
                                     std::make_tuple(int_mul(bm_, bn_), Int<1>{})));
}

}  // namespace vtensor
