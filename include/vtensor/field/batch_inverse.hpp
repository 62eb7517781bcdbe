// vtensor/field/batch_inverse.hpp — Montgomery's batch inversion.
//
// Inverts n elements with one field inversion and 3(n-1) multiplications:
// prefix products p_i = x_0···x_i, inv = p_{n-1}^{-1}, then walk back
// x_i^{-1} = inv · p_{i-1}, inv ← inv · x_i.
#pragma once

#include <span>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/field/concepts.hpp"

namespace vtensor {

// In place. Throws ArgumentError if any element is zero (a zero would poison
// every other inverse; callers that allow zeros filter first).
template <Field F>
void batch_inverse(std::span<F> xs) {
  if (xs.empty()) return;
  std::vector<F> prefix(xs.size());
  F acc = F::one();
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (xs[i].is_zero()) throw ArgumentError("batch_inverse: element " + std::to_string(i) + " is zero");
    prefix[i] = acc;
    acc = acc * xs[i];
  }
  F inv = acc.inverse();
  for (std::size_t i = xs.size(); i-- > 0;) {
    const F x = xs[i];
    xs[i] = inv * prefix[i];
    inv = inv * x;
  }
}

}  // namespace vtensor
