// Hiding model commitments (commit/zk_model.hpp) with the zero-knowledge drift blocks
// composed over a real layout: frozen tensors, a LoRA-style low-rank update, a
// norm-bounded bias and an entry-bounded matrix, proven in one transcript with each
// model opened once; the verifier rebuilds the tensors' tables from the layout.
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/commit/zk_model.hpp"
#include "vtensor/proofs/drift/zk_blocks.hpp"
#include "vtensor/proofs/drift/zk_low_rank.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

WhirParams base_params() { return test::zk_params(); }

ModelLayout layout() {
  return ModelLayout(std::vector<ModelTensorSpec>{
      {"emb", 0, {16, 8}}, {"q", 0, {8, 8}}, {"q.bias", 0, {8}}, {"mlp", 0, {4, 8}}, {"norm", 0, {8}}});
}
enum Tensor : std::size_t { kEmb, kQ, kBias, kMlp, kNorm };

struct Models {
  std::vector<std::vector<F>> base, tuned;
  std::vector<std::int64_t> u, v;  // q's factors: 8 × 2, 2 × 8
  std::uint64_t bias_sq = 0;
};

Models make(std::mt19937_64& rng) {
  const auto l = layout();
  Models m;
  for (const auto& x : l.tensors()) {
    std::vector<F> b(x.numel);
    for (auto& e : b) e = F::from_i64(static_cast<std::int64_t>(rng() % 4001) - 2000);
    m.base.push_back(b);
    m.tuned.push_back(b);
  }
  for (int i = 0; i < 16; ++i) m.u.push_back(static_cast<std::int64_t>(rng() % 15) - 7);
  for (int i = 0; i < 16; ++i) m.v.push_back(static_cast<std::int64_t>(rng() % 15) - 7);
  for (std::size_t i = 0; i < 8; ++i)
    for (std::size_t j = 0; j < 8; ++j)
      m.tuned[kQ][j + 8 * i] += F::from_i64(m.u[i * 2] * m.v[j] + m.u[i * 2 + 1] * m.v[8 + j]);
  for (std::size_t i = 0; i < 8; ++i) {
    const std::int64_t d = static_cast<std::int64_t>(rng() % 9) - 4;
    m.tuned[kBias][i] += F::from_i64(d);
    m.bias_sq += static_cast<std::uint64_t>(d * d);
  }
  for (auto& e : m.tuned[kMlp]) e += F::from_i64(static_cast<std::int64_t>(rng() % 7) - 3);
  return m;
}

struct Blocks {
  drift::ZkFrozenStatement frozen;
  drift::ZkLowRankStatement q;
  drift::ZkNormStatement bias;
  drift::ZkEntryStatement mlp;
};
Blocks blocks(const std::vector<ZkTable>& b, const std::vector<ZkTable>& t, std::uint64_t tau_sq) {
  Blocks s;
  s.frozen.pairs = {{t[kEmb], b[kEmb]}, {t[kNorm], b[kNorm]}};
  s.frozen.base = base_params();
  s.q.terms = {t[kQ], b[kQ]};
  s.q.coeffs = {F::one(), -F::one()};
  s.q.row_vars = 3;
  s.q.col_vars = 3;
  s.q.rank = 2;
  s.q.factor_bits = 4;
  s.q.base = base_params();
  s.bias.terms = {t[kBias], b[kBias]};
  s.bias.coeffs = {F::one(), -F::one()};
  s.bias.entry_bits = 4;
  s.bias.tau_sq = tau_sq;
  s.bias.base = base_params();
  s.mlp.terms = {t[kMlp], b[kMlp]};
  s.mlp.coeffs = {F::one(), -F::one()};
  s.mlp.eps = 3;
  s.mlp.base = base_params();
  return s;
}

Transcript bound(const ModelLayout& l, const WhirCommitment& b, const WhirCommitment& t) {
  return test::pair_transcript("test/zk-model", b.root, t.root,
                               [&](Transcript& tr) { tr.absorb("layout", l.digest().bytes); });
}

struct Proven {
  WhirCommitment base, tuned;
  std::vector<std::uint8_t> proof;
};

Proven prove(const Models& m, std::uint64_t tau_sq) {
  const auto l = layout();
  MemoryModelSource bs(l, m.base), ts(l, m.tuned);
  const ZkModelProverData b(base_params(), bs), t(base_params(), ts);
  const auto s = blocks(b.tensors(), t.tensors(), tau_sq);
  Transcript tr = bound(l, b.commitment(), t.commitment());
  ByteWriter w;
  ZkOpenings open;
  drift::prove_zk_frozen_with(tr, s.frozen, open, w);
  drift::prove_zk_low_rank_with(tr, s.q, m.u, m.v, open, w);
  drift::prove_zk_norm_with(tr, s.bias, open, w);
  drift::prove_zk_entry_with(tr, s.mlp, open, w);
  open.prove(tr, w);
  return {b.commitment(), t.commitment(), std::move(w).take()};
}

bool accepts(const Proven& p, std::uint64_t tau_sq) {
  const auto l = layout();
  const auto params = zk_model_params(base_params(), l);
  const auto s = blocks(zk_model_tables(l, params, p.base), zk_model_tables(l, params, p.tuned), tau_sq);
  Transcript tr = bound(l, p.base, p.tuned);
  return test::verifies([&] {
    ByteReader rd(p.proof, "zk model proof");
    ZkOpeningsVerifier open;
    drift::verify_zk_frozen_with(tr, s.frozen, open, rd);
    drift::verify_zk_low_rank_with(tr, s.q, open, rd);
    drift::verify_zk_norm_with(tr, s.bias, open, rd);
    drift::verify_zk_entry_with(tr, s.mlp, open, rd);
    open.verify(tr, rd);
    rd.finish();
  });
}

}  // namespace

TEST_CASE("zk model: frozen, low-rank, norm and entry blocks over two hiding model commitments") {
  std::mt19937_64 rng(120);
  const auto m = make(rng);
  const auto p = prove(m, m.bias_sq);
  CHECK(accepts(p, m.bias_sq));
  CHECK_FALSE(accepts(p, m.bias_sq + 1));
  CHECK_FALSE(accepts(Proven{p.tuned, p.base, p.proof}, m.bias_sq));
  // A frozen tensor (the unconstrained "norm" vector) changed: refused, and a cheater is caught.
  auto bad = m;
  bad.tuned[kNorm][2] += F::one();
  CHECK_THROWS_AS(prove(bad, m.bias_sq), ArgumentError);
  Proven c;
  {
    testing::CheatingProver guard;
    c = prove(bad, m.bias_sq);
  }
  CHECK_FALSE(accepts(c, m.bias_sq));
}

TEST_CASE("zk model: the parameters must be a hiding commitment of the layout") {
  const auto l = layout();
  auto p = zk_model_params(base_params(), l);
  CHECK(p.hiding_openings == 2);
  p.hiding_openings = 0;
  CHECK_THROWS_AS(zk_model_tables(l, p, WhirCommitment{}), ArgumentError);
  p = zk_model_params(base_params(), l);
  p.num_vars += 1;
  CHECK_THROWS_AS(zk_model_tables(l, p, WhirCommitment{}), ArgumentError);
}
