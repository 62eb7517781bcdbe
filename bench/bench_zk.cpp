// Zero-knowledge pieces (docs/zk.md): zk_norm/<log2 n>/prove and /verify — the
// zero-knowledge bound ‖Δ‖² ≤ τ² for a hiding-committed Δ of 2^n entries (16-bit
// entry bound), with a proof_bytes counter. Δ is committed outside the timing.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>

#include "vtensor/proofs/drift/zk_norm.hpp"

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

}  // namespace

BENCHMARK(zk_norm_prove)->Name("zk_norm/prove")->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(zk_norm_verify)->Name("zk_norm/verify")->Arg(16)->Arg(20)->Unit(benchmark::kMillisecond);
