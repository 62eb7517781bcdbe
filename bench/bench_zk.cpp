// Zero-knowledge pieces (docs/zk.md), each with a proof_bytes counter; commitments are
// made outside the timings:
//   zk_norm/<log2 n>      ‖Δ‖² ≤ τ² for a hiding-committed Δ of 2^n entries (16-bit bound)
//   zk_frozen/20          W′ = W for one pair of 2^20-entry tables of two hiding commitments
//   zk_low_rank/20        W′ − W = U·V, 1024 × 1024, rank 16, |U|, |V| < 32
// (each block's commitments opened at the end, as a certificate would).
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>

#include "vtensor/proofs/drift/zk_blocks.hpp"
#include "vtensor/proofs/drift/zk_low_rank.hpp"

using namespace vtensor;

namespace {

struct ZkNormCase {
  drift::ZkNormStatement st;
  std::unique_ptr<WhirProverData> pd;
  std::vector<Goldilocks> table;
  std::vector<std::uint8_t> proof;
};

// Δ as a model would be committed (model_whir_params: rate 1/8), hiding; the proof's
// own tables the same way.
WhirParams hiding(unsigned n, unsigned openings) {
  WhirParams p = model_whir_params(n);
  p.hiding_openings = openings;
  return p;
}
WhirParams small_tables() { return model_whir_params(0); }

Transcript transcript(const drift::ZkNormStatement& st) {
  Transcript t("bench/zk-norm", 1, GoldilocksExt2::kFieldId);
  t.absorb("delta", st.terms[0].com.root.bytes);
  t.absorb_u64("tau_sq", st.tau_sq);
  t.seal_statement();
  return t;
}

// Δ with entries ±64 (≈ N(0, 0.001) at scale 2^16), τ² 10% above Σ Δ².
ZkNormCase& zk_norm_case(unsigned n) {
  static std::map<unsigned, std::unique_ptr<ZkNormCase>> cache;
  auto& slot = cache[n];
  if (slot) return *slot;
  slot = std::make_unique<ZkNormCase>();
  auto& c = *slot;
  std::mt19937_64 rng(n);
  c.table.resize(std::size_t{1} << n);
  std::uint64_t S = 0;
  for (auto& x : c.table) {
    const std::int64_t d = static_cast<std::int64_t>(rng() % 129) - 64;
    S += static_cast<std::uint64_t>(d * d);
    x = Goldilocks::from_i64(d);
  }
  c.st.entry_bits = 16;
  c.st.tau_sq = S + S / 10;
  c.st.base = small_tables();
  const auto p = hiding(n, 2);
  auto [com, pd] = Whir::commit(p, c.table);
  c.pd = std::make_unique<WhirProverData>(std::move(pd));
  c.st.terms = {zk_table_of(p, com, c.pd.get())};
  c.st.coeffs = {Goldilocks::one()};
  return c;
}

void zk_norm_prove(benchmark::State& state) {
  auto& c = zk_norm_case(static_cast<unsigned>(state.range(0)));
  for (auto _ : state) {
    c.pd->openings_done = 0;  // the same commitment, proven again (a benchmark only)
    Transcript t = transcript(c.st);
    ByteWriter w;
    drift::prove_zk_norm(t, c.st, w);
    c.proof = std::move(w).take();
  }
  state.counters["proof_bytes"] = static_cast<double>(c.proof.size());
}

void zk_norm_verify(benchmark::State& state) {
  auto& c = zk_norm_case(static_cast<unsigned>(state.range(0)));
  if (c.proof.empty()) {
    Transcript t = transcript(c.st);
    ByteWriter w;
    drift::prove_zk_norm(t, c.st, w);
    c.proof = std::move(w).take();
  }
  for (auto _ : state) {
    Transcript t = transcript(c.st);
    ByteReader rd(c.proof, "zk norm proof");
    drift::verify_zk_norm(t, c.st, rd);
    rd.finish();
  }
  state.counters["proof_bytes"] = static_cast<double>(c.proof.size());
}

struct PairCase {
  std::vector<std::unique_ptr<WhirProverData>> pds;
  std::vector<ZkTable> tables;  // base, tuned
  std::vector<std::int64_t> u, v;
  std::vector<std::uint8_t> proof;
};

// Two hiding commitments of 1024 × 1024 tables; tuned = base + U·V (rank 16) or equal.
PairCase& pair_case(bool low_rank) {
  static std::map<bool, std::unique_ptr<PairCase>> cache;
  auto& slot = cache[low_rank];
  if (slot) return *slot;
  slot = std::make_unique<PairCase>();
  auto& c = *slot;
  std::mt19937_64 rng(7);
  const std::size_t n = 1024, r = 16;
  std::vector<std::int64_t> base(n * n), tuned;
  for (auto& x : base) x = static_cast<std::int64_t>(rng() % 2601) - 1300;
  tuned = base;
  if (low_rank) {
    c.u.resize(n * r);
    c.v.resize(r * n);
    for (auto& x : c.u) x = static_cast<std::int64_t>(rng() % 63) - 31;
    for (auto& x : c.v) x = static_cast<std::int64_t>(rng() % 63) - 31;
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t k = 0; k < r; ++k)
        for (std::size_t j = 0; j < n; ++j) tuned[j + n * i] += c.u[i * r + k] * c.v[k * n + j];
  }
  for (const auto* t : {&base, &tuned}) {
    std::vector<Goldilocks> f(t->size());
    for (std::size_t i = 0; i < f.size(); ++i) f[i] = Goldilocks::from_i64((*t)[i]);
    const auto p = hiding(20, 2);
    auto [com, pd] = Whir::commit(p, f);
    c.pds.push_back(std::make_unique<WhirProverData>(std::move(pd)));
    c.tables.push_back(zk_table_of(p, com, c.pds.back().get()));
  }
  return c;
}

drift::ZkLowRankStatement low_rank_statement(const PairCase& c) {
  drift::ZkLowRankStatement s;
  s.terms = {c.tables[1], c.tables[0]};
  s.coeffs = {Goldilocks::one(), -Goldilocks::one()};
  s.row_vars = s.col_vars = 10;
  s.rank = 16;
  s.factor_bits = 6;
  s.base = small_tables();
  return s;
}

Transcript pair_transcript(const PairCase& c) {
  Transcript t("bench/zk-pair", 1, GoldilocksExt2::kFieldId);
  t.absorb("base", c.tables[0].com.root.bytes);
  t.absorb("tuned", c.tables[1].com.root.bytes);
  t.seal_statement();
  return t;
}

template <bool kLowRank>
void pair_prove(PairCase& c) {
  for (auto& pd : c.pds) pd->openings_done = 0;  // the same commitments, proven again (a benchmark only)
  Transcript t = pair_transcript(c);
  ByteWriter w;
  ZkOpenings open;
  if constexpr (kLowRank) {
    drift::prove_zk_low_rank_with(t, low_rank_statement(c), c.u, c.v, open, w);
  } else {
    drift::ZkFrozenStatement s{{{c.tables[1], c.tables[0]}}, small_tables()};
    drift::prove_zk_frozen_with(t, s, open, w);
  }
  open.prove(t, w);
  c.proof = std::move(w).take();
}

template <bool kLowRank>
void zk_pair_prove(benchmark::State& state) {
  auto& c = pair_case(kLowRank);
  for (auto _ : state) pair_prove<kLowRank>(c);
  state.counters["proof_bytes"] = static_cast<double>(c.proof.size());
}

template <bool kLowRank>
void zk_pair_verify(benchmark::State& state) {
  auto& c = pair_case(kLowRank);
  if (c.proof.empty()) pair_prove<kLowRank>(c);
  for (auto _ : state) {
    Transcript t = pair_transcript(c);
    ByteReader rd(c.proof, "zk pair proof");
    ZkOpeningsVerifier open;
    if constexpr (kLowRank) {
      drift::verify_zk_low_rank_with(t, low_rank_statement(c), open, rd);
    } else {
      drift::ZkFrozenStatement s{{{c.tables[1], c.tables[0]}}, small_tables()};
      drift::verify_zk_frozen_with(t, s, open, rd);
    }
    open.verify(t, rd);
    rd.finish();
  }
  state.counters["proof_bytes"] = static_cast<double>(c.proof.size());
}

}  // namespace

BENCHMARK(zk_pair_prove<false>)->Name("zk_frozen/prove/20")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(zk_pair_verify<false>)->Name("zk_frozen/verify/20")->Unit(benchmark::kMillisecond);
BENCHMARK(zk_pair_prove<true>)->Name("zk_low_rank/prove/20")->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(zk_pair_verify<true>)->Name("zk_low_rank/verify/20")->Unit(benchmark::kMillisecond);
BENCHMARK(zk_norm_prove)->Name("zk_norm/prove")->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(zk_norm_verify)->Name("zk_norm/verify")->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond);
