// Shared helpers for the test suite: seeded random field data.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "vtensor/field/goldilocks_ext2.hpp"

namespace vtensor::test {

inline Goldilocks random_fp(std::mt19937_64& rng) {
  for (;;) {
    const std::uint64_t w = rng();
    if (w < Goldilocks::kModulus) return Goldilocks::from_canonical(w);
  }
}
inline GoldilocksExt2 random_ext(std::mt19937_64& rng) {
  const Goldilocks a = random_fp(rng);
  return {a, random_fp(rng)};
}
inline std::vector<Goldilocks> random_fps(std::mt19937_64& rng, std::size_t n) {
  std::vector<Goldilocks> v(n);
  for (auto& x : v) x = random_fp(rng);
  return v;
}
inline std::vector<GoldilocksExt2> random_exts(std::mt19937_64& rng, std::size_t n) {
  std::vector<GoldilocksExt2> v(n);
  for (auto& x : v) x = random_ext(rng);
  return v;
}
// Small signed integers, as quantized weights are.
inline std::vector<Goldilocks> random_small(std::mt19937_64& rng, std::size_t n, std::int64_t bound) {
  std::uniform_int_distribution<std::int64_t> d(-bound, bound);
  std::vector<Goldilocks> v(n);
  for (auto& x : v) x = Goldilocks::from_i64(d(rng));
  return v;
}

}  // namespace vtensor::test
