// vtensor/mle/eq.hpp — the multilinear equality polynomial and its tables.
//
//   eq(r, x) = Π_j ( r_j x_j + (1 - r_j)(1 - x_j) ),
// the multilinear polynomial that is 1 at x = r on the Boolean cube and 0 at every
// other cube point. Convention (docs/sumcheck.md): variable x_j is bit j of the
// hypercube index, so eq_table(r)[i] = eq(r, bits(i)) with bit 0 ↔ r_0.
#pragma once

#include <cstddef>
#include <span>
#include <type_traits>
#include <vector>

#include "vtensor/field/concepts.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/packed_goldilocks.hpp"

namespace vtensor {

// eq(r, s) for two points of equal length: n multiplications.
template <Field E>
E eq_eval(std::span<const E> r, std::span<const E> s) {
  if (r.size() != s.size()) throw ArgumentError("eq_eval: points of different lengths");
  E acc = E::one();
  for (std::size_t j = 0; j < r.size(); ++j) {
    const E rs = r[j] * s[j];
    acc = acc * (rs + rs - r[j] - s[j] + E::one());  // r s + (1-r)(1-s)
  }
  return acc;
}

namespace detail {

// out[i] = c · x[i] (kAdd: out[i] += c · x[i]) for i < n, packed for Goldilocks and
// its quadratic extension: with x = d0 + d1 X, c·x = (c0 d0 + 7 c1 d1) + (c0 d1 + c1 d0) X,
// i.e. two packed products, (c0, c0, …)·(d0, d1, …) + (7c1, c1, …)·(d1, d0, …).
template <bool kAdd = false, class E>
void scale_into(const E& c, const E* VTENSOR_RESTRICT x, E* VTENSOR_RESTRICT out, std::size_t n) noexcept {
  using P = PackedGoldilocks;
  std::size_t i = 0;
  if constexpr (std::is_same_v<E, Goldilocks>) {
    const P cp = P::broadcast(c);
    for (; i + 4 <= n; i += 4) {
      const P y = P::load(x + i) * cp;
      (kAdd ? P::load(out + i) + y : y).store(out + i);
    }
  } else if constexpr (std::is_same_v<E, GoldilocksExt2>) {
    const Goldilocks c7 = GoldilocksExt2::mul_by_nonresidue(c.c1());
    const P a = P::broadcast(c.c0()), b = P::from_array({c7, c.c1(), c7, c.c1()});
    const Goldilocks* xw = reinterpret_cast<const Goldilocks*>(x);
    Goldilocks* ow = reinterpret_cast<Goldilocks*>(out);
    for (; i + 2 <= n; i += 2) {
      const P d = P::load(xw + 2 * i);
      const P y = a * d + b * d.swap_pairs();
      (kAdd ? P::load(ow + 2 * i) + y : y).store(ow + 2 * i);
    }
  }
  for (; i < n; ++i) out[i] = kAdd ? out[i] + c * x[i] : c * x[i];
}

}  // namespace detail

// Writes eq(r, ·) over {0,1}^n into out (size 2^n). Up to 2^10 entries each new
// variable j doubles the table: T[i + 2^j] = T[i]·r_j, T[i] = T[i]·(1 - r_j) =
// T[i] - T[i + 2^j]. Larger tables are the outer product of the tables of the low
// ⌊n/2⌋ and the high coordinates, eq(r, b) = eq(r_lo, b_lo)·eq(r_hi, b_hi), written
// in one parallel pass: one multiplication per entry in both cases.
template <Field E>
void eq_table_into(std::span<const E> r, std::span<E> out) {
  const std::size_t n = r.size();
  if (out.size() != (std::size_t{1} << n)) throw ArgumentError("eq_table_into: output size is not 2^n");
  if (n <= 10) {
    out[0] = E::one();
    for (std::size_t j = 0; j < n; ++j) {
      const std::size_t half = std::size_t{1} << j;
      const E rj = r[j];
      for (std::size_t i = 0; i < half; ++i) {
        const E hi = out[i] * rj;
        out[i + half] = hi;
        out[i] = out[i] - hi;
      }
    }
    return;
  }
  const std::size_t lo_bits = n / 2, nlo = std::size_t{1} << lo_bits;
  std::vector<E> lo(nlo), hi(std::size_t{1} << (n - lo_bits));
  eq_table_into<E>(r.first(lo_bits), lo);
  eq_table_into<E>(r.subspan(lo_bits), hi);
  detail::parallel_chunks(hi.size(), detail::kParallelGrain / nlo + 1, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t bh = b; bh < e; ++bh) detail::scale_into(hi[bh], lo.data(), out.data() + bh * nlo, nlo);
  });
}

template <Field E>
std::vector<E> eq_table(std::span<const E> r) {
  std::vector<E> out(std::size_t{1} << r.size());
  eq_table_into<E>(r, out);
  return out;
}

}  // namespace vtensor
