// Zero-knowledge drift blocks on two hiding "models" (bundles of tensors): a frozen
// tensor, a norm bound and an entry bound on Δ = W′ − W, proven one after another with
// one ZkOpenings, so each model is opened once. Honest proofs verify; a changed frozen
// tensor, a norm one unit over, an entry over ε, another tuned model and mutated bytes
// are rejected.
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/proofs/drift/zk_blocks.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

WhirParams base_params() { return test::zk_params(); }
const std::vector<unsigned> kVars{4, 6, 3};  // w1 (frozen), w2 (norm), w3 (entry)

struct Models {
  std::vector<std::vector<std::int64_t>> base, tuned;
};

Models make_models(std::mt19937_64& rng) {
  Models m;
  for (unsigned v : kVars) {
    std::vector<std::int64_t> b(std::size_t{1} << v);
    for (auto& x : b) x = static_cast<std::int64_t>(rng() % 2001) - 1000;
    m.base.push_back(b);
    m.tuned.push_back(b);
  }
  for (auto& x : m.tuned[1]) x += static_cast<std::int64_t>(rng() % 7) - 3;  // norm
  for (auto& x : m.tuned[2]) x += static_cast<std::int64_t>(rng() % 5) - 2;  // |Δ| ≤ 2
  return m;
}

std::vector<std::vector<F>> fields(const std::vector<std::vector<std::int64_t>>& t) {
  std::vector<std::vector<F>> out;
  for (const auto& v : t) {
    out.emplace_back();
    for (auto x : v) out.back().push_back(F::from_i64(x));
  }
  return out;
}

std::uint64_t norm_sq(const Models& m) {
  std::uint64_t s = 0;
  for (std::size_t i = 0; i < m.base[1].size(); ++i) {
    const std::int64_t d = m.tuned[1][i] - m.base[1][i];
    s += static_cast<std::uint64_t>(d * d);
  }
  return s;
}

struct Statements {
  drift::ZkFrozenStatement frozen;
  drift::ZkNormStatement norm;
  drift::ZkEntryStatement entry;
};
Statements statements(const std::vector<ZkTable>& b, const std::vector<ZkTable>& t, std::uint64_t tau_sq,
                      std::uint64_t eps) {
  Statements s;
  s.frozen.pairs = {{t[0], b[0]}};
  s.frozen.base = base_params();
  s.norm.terms = {t[1], b[1]};
  s.norm.coeffs = {F::one(), -F::one()};
  s.norm.entry_bits = 4;
  s.norm.tau_sq = tau_sq;
  s.norm.base = base_params();
  s.entry.terms = {t[2], b[2]};
  s.entry.coeffs = {F::one(), -F::one()};
  s.entry.eps = eps;
  s.entry.base = base_params();
  return s;
}

Transcript bound(const WhirCommitment& b, const WhirCommitment& t) {
  return test::pair_transcript("test/zk-blocks", b.root, t.root);
}

struct Proven {
  WhirCommitment base, tuned;
  std::vector<std::uint8_t> proof;
};

Proven prove(const Models& m, std::uint64_t tau_sq, std::uint64_t eps) {
  const ZkBundle b(base_params(), fields(m.base), 2), t(base_params(), fields(m.tuned), 2);
  std::vector<ZkTable> bt, tt;
  for (std::size_t i = 0; i < kVars.size(); ++i) {
    bt.push_back(b.table(i));
    tt.push_back(t.table(i));
  }
  const auto s = statements(bt, tt, tau_sq, eps);
  Transcript tr = bound(b.commitment(), t.commitment());
  ByteWriter w;
  ZkOpenings open;
  drift::prove_zk_frozen_with(tr, s.frozen, open, w);
  drift::prove_zk_norm_with(tr, s.norm, open, w);
  drift::prove_zk_entry_with(tr, s.entry, open, w);
  open.prove(tr, w);
  return {b.commitment(), t.commitment(), std::move(w).take()};
}

bool accepts(const WhirCommitment& base, const WhirCommitment& tuned, std::uint64_t tau_sq, std::uint64_t eps,
             std::span<const std::uint8_t> proof) {
  const auto bt = ZkBundle::tables_of(base_params(), kVars, base, 2);
  const auto tt = ZkBundle::tables_of(base_params(), kVars, tuned, 2);
  const auto s = statements(bt, tt, tau_sq, eps);
  Transcript tr = bound(base, tuned);
  return test::verifies([&] {
    ByteReader rd(proof, "zk blocks proof");
    ZkOpeningsVerifier open;
    drift::verify_zk_frozen_with(tr, s.frozen, open, rd);
    drift::verify_zk_norm_with(tr, s.norm, open, rd);
    drift::verify_zk_entry_with(tr, s.entry, open, rd);
    open.verify(tr, rd);
    rd.finish();
  });
}

Proven cheat(const Models& m, std::uint64_t tau_sq, std::uint64_t eps) {
  testing::CheatingProver c;
  return prove(m, tau_sq, eps);
}

}  // namespace

TEST_CASE("zk drift blocks: frozen, norm and entry on two hiding models verify, each model opened once") {
  std::mt19937_64 rng(100);
  const auto m = make_models(rng);
  const std::uint64_t S = norm_sq(m);
  for (std::uint64_t tau_sq : {S, S + 40}) {
    const auto p = prove(m, tau_sq, 2);
    CHECK(accepts(p.base, p.tuned, tau_sq, 2, p.proof));
    CHECK_FALSE(accepts(p.base, p.tuned, tau_sq + 1, 2, p.proof));  // another bound
    CHECK_FALSE(accepts(p.base, p.tuned, tau_sq, 3, p.proof));      // another ε
    CHECK_FALSE(accepts(p.tuned, p.base, tau_sq, 2, p.proof));      // models swapped
    const auto other = prove(m, tau_sq, 2);                          // the same models, committed again
    CHECK_FALSE(accepts(p.base, other.tuned, tau_sq, 2, p.proof));
  }
}

TEST_CASE("zk drift blocks: a changed frozen tensor, a norm over, an entry over ε are rejected") {
  std::mt19937_64 rng(101);
  const auto good = make_models(rng);
  const std::uint64_t S = norm_sq(good);
  {
    auto m = good;
    m.tuned[0][5] += 1;  // the frozen tensor changed in one entry
    CHECK_THROWS_AS(prove(m, S, 2), ArgumentError);
    const auto p = cheat(m, S, 2);
    CHECK_FALSE(accepts(p.base, p.tuned, S, 2, p.proof));
  }
  {
    CHECK_THROWS_AS(prove(good, S - 1, 2), ArgumentError);
    const auto p = cheat(good, S - 1, 2);  // one unit over τ²
    CHECK_FALSE(accepts(p.base, p.tuned, S - 1, 2, p.proof));
  }
  {
    auto m = good;
    m.tuned[2][3] = m.base[2][3] + 3;  // |Δ| = 3 > ε = 2
    CHECK_THROWS_AS(prove(m, S, 2), ArgumentError);
    const auto p = cheat(m, S, 2);
    CHECK_FALSE(accepts(p.base, p.tuned, S, 2, p.proof));
  }
  {
    const auto p = cheat(good, S, 2);  // control: the cheating prover on a true statement
    CHECK(accepts(p.base, p.tuned, S, 2, p.proof));
  }
}

TEST_CASE("zk drift blocks: mutated bytes are rejected") {
  std::mt19937_64 rng(102);
  const auto m = make_models(rng);
  const std::uint64_t S = norm_sq(m);
  const auto p = prove(m, S + 1, 2);
  REQUIRE(accepts(p.base, p.tuned, S + 1, 2, p.proof));
  std::vector<std::size_t> bad;
  for (std::size_t pos = 0; pos < p.proof.size(); pos += 211) {
    auto x = p.proof;
    x[pos] ^= 0x10;
    if (accepts(p.base, p.tuned, S + 1, 2, x)) bad.push_back(pos);
  }
  CHECK_MESSAGE(bad.empty(), "mutations accepted, first at byte " << (bad.empty() ? 0 : bad[0]));
}
