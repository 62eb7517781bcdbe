// Polynomial commitment benchmarks (WHIR, unique-decoding parameters, 100 bits).
#include <benchmark/benchmark.h>

#include "bench_util.hpp"

#include <map>
#include <memory>
#include <random>

#include "vtensor/commit/whir.hpp"

using namespace vtensor;
using E = GoldilocksExt2;

namespace {

WhirParams params_for(unsigned n) { return WhirParams{n, 2, 4, 6, 100}; }

const std::vector<Goldilocks>& table_for(unsigned n) {
  static std::map<unsigned, std::vector<Goldilocks>> cache;
  auto& t = cache[n];
  if (t.empty()) t = bench::random_table(std::size_t{1} << n, n);
  return t;
}

struct Opened {
  WhirCommitment com;
  std::vector<E> z;
  E v;
  std::vector<std::uint8_t> proof;
};

Opened& opened_for(unsigned n) {
  static std::map<unsigned, std::unique_ptr<Opened>> cache;
  auto& o = cache[n];
  if (!o) {
    o = std::make_unique<Opened>();
    auto [com, pd] = Whir::commit(params_for(n), table_for(n));
    o->com = com;
    std::mt19937_64 rng(n + 1);
    for (unsigned i = 0; i < n; ++i) o->z.emplace_back(Goldilocks::from_u64(rng()), Goldilocks::from_u64(rng()));
    o->v = mle_evaluate<E, Goldilocks>(table_for(n), o->z);
    Transcript t("bench/pcs", 1, E::kFieldId);
    o->proof = Whir::open(pd, o->z, o->v, t);
  }
  return *o;
}

void pcs_commit(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto& table = table_for(n);
  for (auto _ : state) {
    auto c = Whir::commit(params_for(n), table);
    benchmark::DoNotOptimize(c.first.root);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) << n);
}

void pcs_open(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto [com, pd] = Whir::commit(params_for(n), table_for(n));
  const Opened& o = opened_for(n);
  std::size_t bytes = 0;
  for (auto _ : state) {
    Transcript t("bench/pcs", 1, E::kFieldId);
    const auto proof = Whir::open(pd, o.z, o.v, t);
    bytes = proof.size();
  }
  state.counters["proof_bytes"] = static_cast<double>(bytes);
}

void pcs_verify(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const Opened& o = opened_for(n);
  for (auto _ : state) {
    Transcript t("bench/pcs", 1, E::kFieldId);
    Whir::verify(params_for(n), o.com, o.z, o.v, o.proof, t);
  }
  state.counters["proof_bytes"] = static_cast<double>(o.proof.size());
  state.counters["security_bits"] = whir_soundness(params_for(n)).bits();
}

// 64 claims on the 2^20-entry tensors of one 2^26-entry model commitment (tensor
// j at the sub-cube with high bits j), one proof.
void pcs_batch(benchmark::State& state) {
  const unsigned n = 26, tensor_vars = 20;
  const std::size_t m = 64;
  const auto [com, pd] = Whir::commit(params_for(n), table_for(n));
  std::mt19937_64 rng(7);
  std::vector<std::vector<E>> pts;
  std::vector<E> vals;
  for (std::size_t j = 0; j < m; ++j) {
    std::vector<E> z;
    for (unsigned i = 0; i < tensor_vars; ++i) z.emplace_back(Goldilocks::from_u64(rng()), Goldilocks::from_u64(rng()));
    for (unsigned b = 0; b < n - tensor_vars; ++b) z.push_back(((j >> b) & 1) ? E::one() : E::zero());
    vals.push_back(mle_evaluate<E, Goldilocks>(table_for(n), z));
    pts.push_back(std::move(z));
  }
  std::size_t bytes = 0;
  for (auto _ : state) {
    Transcript t("bench/pcs", 1, E::kFieldId);
    bytes = Whir::open_many(pd, pts, vals, t).size();
  }
  state.counters["proof_bytes"] = static_cast<double>(bytes);
}

}  // namespace

BENCHMARK(pcs_batch)->Name("pcs_batch/64x20")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(pcs_commit)->Name("pcs_commit")->Arg(20)->Arg(24)->Arg(26)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(pcs_open)->Name("pcs_open")->Arg(20)->Arg(24)->Arg(26)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(pcs_verify)->Name("pcs_verify")->Arg(20)->Arg(24)->Arg(26)->Unit(benchmark::kMicrosecond);
