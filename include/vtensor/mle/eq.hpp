// vtensor/mle/eq.hpp — the multilinear equality polynomial and its tables.
//
//   eq(r, x) = Π_j ( r_j x_j + (1 - r_j)(1 - x_j) ),
// the multilinear polynomial that is 1 at x = r on the Boolean cube and 0 at every
// other cube point. Convention (docs/sumcheck.md): variable x_j is bit j of the
// hypercube index, so eq_table(r)[i] = eq(r, bits(i)) with bit 0 ↔ r_0.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "vtensor/field/concepts.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"

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

// Writes eq(r, ·) over {0,1}^n into out (size 2^n). Each new variable j doubles
// the table: T[i + 2^j] = T[i]·r_j, T[i] = T[i]·(1 - r_j) = T[i] - T[i + 2^j];
// one multiplication per entry in all (2^n in total).
template <Field E>
void eq_table_into(std::span<const E> r, std::span<E> out) {
  const std::size_t n = r.size();
  if (out.size() != (std::size_t{1} << n)) throw ArgumentError("eq_table_into: output size is not 2^n");
  out[0] = E::one();
  for (std::size_t j = 0; j < n; ++j) {
    const std::size_t half = std::size_t{1} << j;
    const E rj = r[j];
    detail::parallel_for(half, [&](std::size_t i) {
      const E hi = out[i] * rj;
      out[i + half] = hi;
      out[i] = out[i] - hi;
    });
  }
}

template <Field E>
std::vector<E> eq_table(std::span<const E> r) {
  std::vector<E> out(std::size_t{1} << r.size());
  eq_table_into<E>(r, out);
  return out;
}

}  // namespace vtensor
