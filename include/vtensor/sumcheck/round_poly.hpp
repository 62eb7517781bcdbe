// vtensor/sumcheck/round_poly.hpp — round polynomials given by their values at 0, 1, …, D.
//
// s(r) = Σ_i s(i) · L_i(r),  L_i(r) = Π_{j≠i} (r − j)/(i − j)  (Lagrange on integer nodes).
// The denominators Π_{j≠i}(i − j) = (−1)^{D−i} i! (D−i)! are base-field constants;
// the numerators come from prefix and suffix products of (r − j): O(D) per call.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "vtensor/field/concepts.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"

namespace vtensor {

template <Field E>
E interpolate_at(std::span<const E> values, const E& r) {
  const std::size_t n = values.size();
  if (n == 0) throw ArgumentError("interpolate_at: no values");
  if (n == 1) return values[0];
  std::vector<E> prefix(n + 1), suffix(n + 1);
  prefix[0] = E::one();
  for (std::size_t j = 0; j < n; ++j) prefix[j + 1] = prefix[j] * (r - E(Goldilocks::from_u64(j)));
  suffix[n] = E::one();
  for (std::size_t j = n; j-- > 0;) suffix[j] = suffix[j + 1] * (r - E(Goldilocks::from_u64(j)));
  // fact[i] = i!
  std::vector<Goldilocks> fact(n);
  fact[0] = Goldilocks::one();
  for (std::size_t i = 1; i < n; ++i) fact[i] = fact[i - 1] * Goldilocks::from_u64(i);
  const std::size_t d = n - 1;
  E acc = E::zero();
  for (std::size_t i = 0; i < n; ++i) {
    Goldilocks denom = fact[i] * fact[d - i];
    if ((d - i) & 1) denom = -denom;
    acc += values[i] * (prefix[i] * suffix[i + 1]) * E(denom.inverse());
  }
  return acc;
}

// Values of a polynomial of degree < n known at 0..n-1, extended to the node n.
template <Field E>
E extrapolate_next(std::span<const E> values) {
  return interpolate_at<E>(values, E(Goldilocks::from_u64(values.size())));
}

}  // namespace vtensor
