// Shared helpers of the benchmarks: seeded random field tables.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "vtensor/field/goldilocks.hpp"

namespace vtensor::bench {

inline std::vector<Goldilocks> random_table(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Goldilocks> v(n);
  for (auto& x : v) x = Goldilocks::from_u64(rng());
  return v;
}

}  // namespace vtensor::bench
