// Polynomial commitment benchmarks (WHIR; default Johnson-bound parameters, 100 bits;
// unique decoding and hiding mode for comparison).
#include <benchmark/benchmark.h>

#include "bench_util.hpp"

#include <chrono>
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

// The same opening in the unique-decoding regime (proof size and time).
void pcs_open_ud(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  WhirParams p = params_for(n);
  p.regime = WhirRegime::kUniqueDecoding;
  const auto [com, pd] = Whir::commit(p, table_for(n));
  const Opened& o = opened_for(n);
  std::size_t bytes = 0;
  for (auto _ : state) {
    Transcript t("bench/pcs", 1, E::kFieldId);
    bytes = Whir::open(pd, o.z, o.v, t).size();
  }
  state.counters["proof_bytes"] = static_cast<double>(bytes);
  state.counters["security_bits"] = whir_soundness(p).bits();
}

// Hiding mode (4 openings): commit, open (with a fresh mask) and verify.
void pcs_hiding(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  WhirParams p = params_for(n);
  p.hiding_openings = 4;
  const Opened& o = opened_for(n);
  double commit_s = 0, open_s = 0, verify_s = 0;
  std::size_t bytes = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    auto [com, pd] = Whir::commit(p, table_for(n));
    auto t1 = std::chrono::steady_clock::now();
    Transcript tp("bench/pcs", 1, E::kFieldId);
    const auto proof = Whir::open(pd, o.z, o.v, tp);
    auto t2 = std::chrono::steady_clock::now();
    Transcript tv("bench/pcs", 1, E::kFieldId);
    Whir::verify(p, com, o.z, o.v, proof, tv);
    auto t3 = std::chrono::steady_clock::now();
    commit_s = std::chrono::duration<double>(t1 - t0).count();
    open_s = std::chrono::duration<double>(t2 - t1).count();
    verify_s = std::chrono::duration<double>(t3 - t2).count();
    bytes = proof.size();
  }
  state.counters["commit_s"] = commit_s;
  state.counters["open_s"] = open_s;
  state.counters["verify_ms"] = verify_s * 1e3;
  state.counters["proof_bytes"] = static_cast<double>(bytes);
  state.counters["committed_vars"] = p.committed_vars();
}

// Four 2^20-entry commitments opened together at one point, one proof.
void pcs_multi(benchmark::State& state) {
  const unsigned n = 20;
  const std::size_t polys = static_cast<std::size_t>(state.range(0));
  std::vector<WhirProverData> pds;
  std::vector<std::vector<Goldilocks>> tables;
  for (std::size_t j = 0; j < polys; ++j) {
    tables.push_back(bench::random_table(std::size_t{1} << n, 100 + j));
    pds.push_back(Whir::commit(params_for(n), tables.back()).second);
  }
  const Opened& o = opened_for(n);
  const std::vector<std::vector<E>> pts{o.z};
  std::vector<std::vector<E>> vals;
  for (const auto& t : tables) vals.push_back({mle_evaluate<E, Goldilocks>(t, o.z)});
  std::vector<const WhirProverData*> ptrs;
  for (const auto& pd : pds) ptrs.push_back(&pd);
  std::size_t bytes = 0;
  for (auto _ : state) {
    Transcript t("bench/pcs", 1, E::kFieldId);
    bytes = Whir::open_batch(ptrs, pts, vals, t).size();
  }
  state.counters["proof_bytes"] = static_cast<double>(bytes);
  state.counters["single_proof_bytes"] = static_cast<double>(o.proof.size());
}

}  // namespace

BENCHMARK(pcs_open_ud)->Name("pcs_open_ud")->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(pcs_hiding)->Name("pcs_hiding")->Arg(20)->Arg(24)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(pcs_multi)->Name("pcs_multi")->Arg(4)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(pcs_batch)->Name("pcs_batch/64x20")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(pcs_commit)->Name("pcs_commit")->Arg(20)->Arg(24)->Arg(26)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(pcs_open)->Name("pcs_open")->Arg(20)->Arg(24)->Arg(26)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(pcs_verify)->Name("pcs_verify")->Arg(20)->Arg(24)->Arg(26)->Unit(benchmark::kMicrosecond);
