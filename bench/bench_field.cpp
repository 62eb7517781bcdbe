// Field throughput. Each multiply benchmark updates an L1-resident array in place,
// x[i] ← x[i]·y[i], over kN independent elements: consecutive products do not
// depend on each other, so this measures throughput (not latency), including the
// loads and stores real kernels pay. items_per_second = multiplications per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <vector>

#include "vtensor/field/goldilocks.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/packed_goldilocks.hpp"

namespace {

using vtensor::Goldilocks;
using vtensor::GoldilocksExt2;
using vtensor::PackedGoldilocks;

constexpr std::size_t kN = 512;  // two arrays of 4 KiB: well inside L1

std::vector<Goldilocks> random_elems(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::vector<Goldilocks> v(n);
  for (auto& x : v) x = Goldilocks::from_u64(g());
  return v;
}

void goldilocks_mul_scalar(benchmark::State& state) {
  auto x = random_elems(kN, 1), y = random_elems(kN, 2);
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) x[i] = x[i] * y[i];
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
}

void goldilocks_mul_packed(benchmark::State& state) {
  auto x = random_elems(kN, 1), y = random_elems(kN, 2);
  constexpr std::size_t w = PackedGoldilocks::kWidth;
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; i += 2 * w) {
      // Two packed products per step: more independent work in flight.
      const auto a0 = PackedGoldilocks::load(&x[i]) * PackedGoldilocks::load(&y[i]);
      const auto a1 = PackedGoldilocks::load(&x[i + w]) * PackedGoldilocks::load(&y[i + w]);
      a0.store(&x[i]);
      a1.store(&x[i + w]);
    }
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
}

void goldilocks_ext2_mul(benchmark::State& state) {
  const auto c = random_elems(4 * kN, 3);
  std::vector<GoldilocksExt2> x(kN), y(kN);
  for (std::size_t i = 0; i < kN; ++i) x[i] = {c[4 * i], c[4 * i + 1]}, y[i] = {c[4 * i + 2], c[4 * i + 3]};
  for (auto _ : state) {
    for (std::size_t i = 0; i < kN; ++i) x[i] = x[i] * y[i];
    benchmark::DoNotOptimize(x.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kN));
}

// Inner product of two vectors of 2^k elements (k = range(0)); items = products.
void goldilocks_inner_product(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const auto a = random_elems(n, 4), b = random_elems(n, 5);
  for (auto _ : state) {
    Goldilocks r = vtensor::inner_product(a, b);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * n));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * n * 2 * sizeof(Goldilocks)));
}

}  // namespace

BENCHMARK(goldilocks_mul_scalar)->Name("goldilocks_mul/scalar");
BENCHMARK(goldilocks_mul_packed)->Name("goldilocks_mul/packed");
BENCHMARK(goldilocks_ext2_mul)->Name("goldilocks_ext2_mul");
BENCHMARK(goldilocks_inner_product)->Name("goldilocks_inner_product")->Arg(10)->Arg(20);
