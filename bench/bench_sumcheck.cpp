// Sumcheck benchmarks: the memory floor, the product sumcheck and Thaler's matmul.
#include <benchmark/benchmark.h>

#include "bench_util.hpp"

#include <random>
#include <vector>

#include "vtensor/sumcheck.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

using bench::random_table;

// One core reads two 2^n-entry Goldilocks arrays once: the floor any prover
// that touches its inputs pays.
void stream_floor(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const auto a = random_table(n, 1), b = random_table(n, 2);
  for (auto _ : state) {
    std::uint64_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (std::size_t i = 0; i < n; i += 2) {
      s0 += a[i].value();
      s1 += b[i].value();
      s2 += a[i + 1].value();
      s3 += b[i + 1].value();
    }
    benchmark::DoNotOptimize(s0 + s1 + s2 + s3);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * n * 8));
}

// Σ_x a(x) b(x) over 2^n entries, base-field tables, extension challenges, full
// transcript: what a norm or inner-product claim costs.
void sumcheck_product(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const auto a = random_table(n, 3), b = random_table(n, 4);
  std::size_t proof_bytes = 0;
  for (auto _ : state) {
    SumcheckProver<ProductOf<2>, F, E> prover({std::span<const F>(a), std::span<const F>(b)});
    Transcript t("bench/sumcheck", 1, E::kFieldId);
    t.absorb_field("claim", prover.claimed_sum());
    t.seal_statement();
    auto out = prover.prove(t);
    proof_bytes = out.proof.to_bytes().size();
    benchmark::DoNotOptimize(out.point.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  state.counters["proof_bytes"] = static_cast<double>(proof_bytes);
}

// Σ_x eq(z, x) a(x) b(x): the Hadamard product claim at a random point.
void hadamard_sumcheck(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const auto a = random_table(n, 5), b = random_table(n, 6);
  std::size_t proof_bytes = 0;
  for (auto _ : state) {
    auto bytes = prove_hadamard<F>(HadamardStatement{n, {}}, a, b);
    proof_bytes = bytes.size();
    benchmark::DoNotOptimize(bytes.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(n));
  state.counters["proof_bytes"] = static_cast<double>(proof_bytes);
}

// C = A·B for d×d matrices at a random point of C's MLE (A, B given; C never formed).
void matmul_sumcheck(benchmark::State& state) {
  const std::size_t d = static_cast<std::size_t>(state.range(0));
  const auto a = random_table(d * d, 7), b = random_table(d * d, 8);
  const MatmulStatement st{d, d, d, {}};
  std::size_t proof_bytes = 0;
  for (auto _ : state) {
    auto bytes = prove_matmul<F>(st, a, b);
    proof_bytes = bytes.size();
    benchmark::DoNotOptimize(bytes.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(2 * d * d));
  state.counters["proof_bytes"] = static_cast<double>(proof_bytes);
}

void sumcheck_verify_product(benchmark::State& state) {
  const std::size_t n = std::size_t{1} << state.range(0);
  const auto a = random_table(n, 3), b = random_table(n, 4);
  SumStatement<E> st;
  st.num_vars = static_cast<std::uint32_t>(state.range(0));
  st.claim = SumcheckProver<ProductOf<2>, F, E>({std::span<const F>(a), std::span<const F>(b)}).claimed_sum();
  const auto bytes = prove_sum<ProductOf<2>, F, E>(st, {std::span<const F>(a), std::span<const F>(b)});
  for (auto _ : state) benchmark::DoNotOptimize(verify_sum<ProductOf<2>, E>(st, bytes));
  state.counters["proof_bytes"] = static_cast<double>(bytes.size());
}

}  // namespace

BENCHMARK(stream_floor)->Name("stream_floor")->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(sumcheck_product)->Name("sumcheck_product")->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(hadamard_sumcheck)->Name("hadamard_sumcheck")->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(matmul_sumcheck)->Name("matmul_sumcheck")->Arg(4096)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(sumcheck_verify_product)->Name("sumcheck_verify")->Arg(24)->Unit(benchmark::kMicrosecond);
