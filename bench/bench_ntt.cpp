// NTT and Reed–Solomon benchmarks (docs/ntt.md). Items are transform points
// (input elements); multi-threaded ones use wall-clock time.
#include <benchmark/benchmark.h>

#include "bench_util.hpp"

#include <random>
#include <vector>

#include "vtensor/poly/ntt.hpp"
#include "vtensor/poly/reed_solomon.hpp"

using namespace vtensor;
using F = Goldilocks;
using E = GoldilocksExt2;

namespace {

using bench::random_table;

// One in-place forward transform of 2^k points (both cores: four-step).
void ntt_single(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  auto v = random_table(n, 1);
  for (auto _ : state) {
    ntt(v);
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

// The same over GoldilocksExt2 data (two base transforms side by side).
void ntt_ext2(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const auto a = random_table(n, 2), b = random_table(n, 3);
  std::vector<E> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = E(a[i], b[i]);
  for (auto _ : state) {
    ntt(v);
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

// 2^r rows of 2^c points, each row transformed on its own.
void ntt_batch_rows(benchmark::State& state, unsigned log_rows, unsigned log_cols) {
  const std::size_t cols = std::size_t{1} << log_cols, n = cols << log_rows;
  auto v = random_table(n, 4);
  for (auto _ : state) {
    ntt_batch(v, cols);
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

// 2^k coefficients at rate 1/2: one zero-padded ntt of 2^{k+1} points. Items are
// message coefficients.
void rs_encode_bench(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const auto m = random_table(n, 5);
  std::vector<F> cw(2 * n);
  for (auto _ : state) {
    rs_encode_into<F>(m, 1, cw);
    benchmark::DoNotOptimize(cw.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

// Evaluations on the hypercube → multilinear monomial coefficients (Möbius).
void mle_to_coeffs(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  auto v = random_table(n, 6);
  for (auto _ : state) {
    mle_evals_to_coeffs(v);
    benchmark::DoNotOptimize(v.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
}

}  // namespace

BENCHMARK(ntt_single)->Name("ntt")->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(ntt_ext2)->Name("ntt_ext2")->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(ntt_batch_rows, 12x12, 12, 12)->Name("ntt_batch/12x12")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(rs_encode_bench)->Name("rs_encode")->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(mle_to_coeffs)->Name("mle_evals_to_coeffs")->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();
