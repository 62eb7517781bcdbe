// vtensor/sumcheck/detail/pair_sums.hpp — per-chunk accumulators of a sumcheck round.
//
// For pairs (lo, hi) of the folded tables, a round needs Σ g(lo + X (hi − lo)) at
// X = 0 … d (plain) or Σ w · g(…) with an extension weight w (eq-weighted). The
// generic accumulator evaluates g; the products y1·y2 and y² sum lazily
// (field/lazy.hpp) and reduce once per chunk.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>
#include <vector>

#include "vtensor/config.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/field/packed_goldilocks.hpp"
#include "vtensor/sumcheck/composition.hpp"

namespace vtensor::detail {

// Accumulates, for pairs (lo, hi) of the tables, Σ g(lo + X (hi − lo)) at
// X = 0 … d (plain) or Σ w · g(…) with an extension weight w (eq-weighted).
template <Composition G, class T, class E>
struct PairSums {
  static constexpr std::size_t K = G::kArity, d = G::kDegree;
  std::array<T, d + 1> plain;
  std::array<E, d + 1> weighted;
  PairSums() {
    plain.fill(T::zero());
    weighted.fill(E::zero());
  }
  template <class Fn>
  VTENSOR_ALWAYS_INLINE static void for_each_node(const std::array<T, K>& lo, const std::array<T, K>& hi, Fn&& fn) {
    std::array<T, K> cur = lo, diff;
    for (std::size_t j = 0; j < K; ++j) diff[j] = hi[j] - lo[j];
    fn(0, G::eval(cur));
    fn(1, G::eval(hi));
    cur = hi;
    for (std::size_t x = 2; x <= d; ++x) {
      for (std::size_t j = 0; j < K; ++j) cur[j] += diff[j];
      fn(x, G::eval(cur));
    }
  }
  VTENSOR_ALWAYS_INLINE void add(const std::array<T, K>& lo, const std::array<T, K>& hi) {
    for_each_node(lo, hi, [&](std::size_t x, const T& g) { plain[x] += g; });
  }
  VTENSOR_ALWAYS_INLINE void add_weighted(const std::array<T, K>& lo, const std::array<T, K>& hi, const E& w) {
    for_each_node(lo, hi, [&](std::size_t x, const T& g) { weighted[x] += w * g; });
  }
  std::array<E, d + 1> plain_result() const {
    std::array<E, d + 1> r;
    for (std::size_t x = 0; x <= d; ++x) r[x] = E(plain[x]);
    return r;
  }
  std::array<E, d + 1> weighted_result() const { return weighted; }
};

// g = y1·y2, the hot case (inner products, norms, Hadamard, matmul): products are
// summed lazily (field/lazy.hpp) and reduced once per chunk.
template <class T, class E>
  requires(std::is_same_v<E, GoldilocksExt2> &&
           (std::is_same_v<T, Goldilocks> || std::is_same_v<T, GoldilocksExt2>))
struct PairSums<ProductOf<2>, T, E> {
  using Plain = std::conditional_t<std::is_same_v<T, Goldilocks>, LazySum, LazyExtSum>;
  std::array<Plain, 3> plain{};
  std::array<LazyExtSum, 3> weighted{};
  VTENSOR_ALWAYS_INLINE void add(const std::array<T, 2>& lo, const std::array<T, 2>& hi) {
    plain[0].add_product(lo[0], lo[1]);
    plain[1].add_product(hi[0], hi[1]);
    plain[2].add_product(hi[0].doubled() - lo[0], hi[1].doubled() - lo[1]);  // X = 2
  }
  VTENSOR_ALWAYS_INLINE void add_weighted(const std::array<T, 2>& lo, const std::array<T, 2>& hi, const E& w) {
    weighted[0].add_product(w, lo[0] * lo[1]);
    weighted[1].add_product(w, hi[0] * hi[1]);
    weighted[2].add_product(w, (hi[0].doubled() - lo[0]) * (hi[1].doubled() - lo[1]));
  }
  std::array<E, 3> plain_result() const { return {E(plain[0].reduce()), E(plain[1].reduce()), E(plain[2].reduce())}; }
  std::array<E, 3> weighted_result() const { return {weighted[0].reduce(), weighted[1].reduce(), weighted[2].reduce()}; }
};

// g = y², the squared norm: the same lazy sums with both factors equal.
template <class T, class E>
  requires(std::is_same_v<E, GoldilocksExt2> &&
           (std::is_same_v<T, Goldilocks> || std::is_same_v<T, GoldilocksExt2>))
struct PairSums<Square, T, E> {
  using Plain = std::conditional_t<std::is_same_v<T, Goldilocks>, LazySum, LazyExtSum>;
  std::array<Plain, 3> plain{};
  std::array<LazyExtSum, 3> weighted{};
  VTENSOR_ALWAYS_INLINE void add(const std::array<T, 1>& lo, const std::array<T, 1>& hi) {
    const T x2 = hi[0].doubled() - lo[0];
    plain[0].add_product(lo[0], lo[0]);
    plain[1].add_product(hi[0], hi[0]);
    plain[2].add_product(x2, x2);
  }
  VTENSOR_ALWAYS_INLINE void add_weighted(const std::array<T, 1>& lo, const std::array<T, 1>& hi, const E& w) {
    const T x2 = hi[0].doubled() - lo[0];
    weighted[0].add_product(w, lo[0].square());
    weighted[1].add_product(w, hi[0].square());
    weighted[2].add_product(w, x2.square());
  }
  std::array<E, 3> plain_result() const { return {E(plain[0].reduce()), E(plain[1].reduce()), E(plain[2].reduce())}; }
  std::array<E, 3> weighted_result() const { return {weighted[0].reduce(), weighted[1].reduce(), weighted[2].reduce()}; }
};

// Σ a·b at X = 0, 1, 2 over pairs of extension tables (a = b for a square), fed
// either two pairs at a time as packed interleaved registers (c0, c1, c0', c1') or
// one pair at a time (chunk tails). For interleaved a, b:
//   Σ a ⊙ b has lanes (a0 b0, a1 b1, …) and Σ a ⊙ swap(b) lanes (a0 b1, a1 b0, …),
//   so c0 = l0 + l2 + 7 (l1 + l3) of the first and c1 = the sum of the second's lanes.
struct PackedProductSums {
  using E = GoldilocksExt2;
  using P = PackedGoldilocks;
  PackedLazySum same[3], cross[3];
  LazyExtSum tail[3];

  // lo, hi: the pairs' values at X = 0 and 1 for each factor.
  VTENSOR_ALWAYS_INLINE void add_packed(const P& alo, const P& ahi, const P& blo, const P& bhi) {
    const P a[3] = {alo, ahi, ahi + ahi - alo};
    const P b[3] = {blo, bhi, bhi + bhi - blo};
    for (int t = 0; t < 3; ++t) {
      same[t].add_product(a[t], b[t]);
      cross[t].add_product(a[t], b[t].swap_pairs());
    }
  }
  VTENSOR_ALWAYS_INLINE void add(const E& alo, const E& ahi, const E& blo, const E& bhi) {
    tail[0].add_product(alo, blo);
    tail[1].add_product(ahi, bhi);
    tail[2].add_product(ahi.doubled() - alo, bhi.doubled() - blo);
  }
  std::array<E, 3> result() const {
    std::array<E, 3> out;
    for (int t = 0; t < 3; ++t) {
      const auto sl = same[t].reduce_lanes();
      const auto cl = cross[t].reduce_lanes();
      out[t] = E{(sl[0] + sl[2]) + E::mul_by_nonresidue(sl[1] + sl[3]), (cl[0] + cl[1]) + (cl[2] + cl[3])} +
               tail[t].reduce();
    }
    return out;
  }
};

// Adds per-thread partial round sums.
template <class E, std::size_t N>
std::array<E, N> sum_partials(const std::vector<std::array<E, N>>& part) {
  std::array<E, N> q;
  q.fill(E::zero());
  for (const auto& p : part)
    for (std::size_t x = 0; x < N; ++x) q[x] += p[x];
  return q;
}

}  // namespace vtensor::detail
