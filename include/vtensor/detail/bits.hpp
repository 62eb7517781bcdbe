// vtensor/detail/bits.hpp — power-of-two helpers shared by the MLE and sumcheck code.
#pragma once

#include <cstddef>
#include <string>

#include "vtensor/error.hpp"

namespace vtensor {

inline constexpr bool is_power_of_two(std::size_t n) noexcept { return n != 0 && (n & (n - 1)) == 0; }

// ⌈log2 n⌉, with log2_ceil(0) = log2_ceil(1) = 0.
inline constexpr unsigned log2_ceil(std::size_t n) noexcept {
  unsigned k = 0;
  while ((std::size_t{1} << k) < n) ++k;
  return k;
}

// log2 n for a power of two; ArgumentError otherwise.
inline unsigned log2_exact(std::size_t n) {
  if (!is_power_of_two(n)) throw ArgumentError("size " + std::to_string(n) + " is not a power of two");
  return log2_ceil(n);
}

}  // namespace vtensor
