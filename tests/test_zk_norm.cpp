// Zero-knowledge norm bound (proofs/drift/zk_norm.hpp): ‖Δ‖² ≤ τ² verifies, including
// equality; one unit over, an entry outside its bound, another τ², refused statements
// and mutated bytes are rejected.
#include <doctest/doctest.h>

#include <memory>
#include <random>

#include "test_util.hpp"
#include "vtensor/proofs/drift/zk_norm.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

WhirParams params(unsigned n, unsigned lambda, unsigned openings) { return test::zk_params(n, lambda, openings); }

struct Setup {
  drift::ZkNormStatement st;
  std::unique_ptr<WhirProverData> pd;  // the term's table points at it
};
Setup make(const std::vector<std::int64_t>& delta, std::uint64_t tau_sq, unsigned bits, unsigned lambda = 60) {
  std::vector<F> t(delta.size());
  for (std::size_t i = 0; i < t.size(); ++i) t[i] = F::from_i64(delta[i]);
  Setup s;
  const auto p = params(log2_exact(t.size()), lambda, 2);
  s.st.entry_bits = bits;
  s.st.tau_sq = tau_sq;
  s.st.base = params(0, lambda, 0);
  auto [c, pd] = Whir::commit(p, t);
  s.pd = std::make_unique<WhirProverData>(std::move(pd));
  s.st.terms = {zk_table_of(p, c, s.pd.get())};
  s.st.coeffs = {F::one()};
  return s;
}
Transcript bound(const drift::ZkNormStatement& st) {
  Transcript t("test/zk-norm", 1, E::kFieldId);
  t.absorb("delta", st.terms[0].com.root.bytes);
  t.absorb_u64("tau_sq", st.tau_sq);
  t.seal_statement();
  return t;
}
std::vector<std::uint8_t> prove(const Setup& s) {
  Transcript t = bound(s.st);
  ByteWriter w;
  drift::prove_zk_norm(t, s.st, w);
  return std::move(w).take();
}
std::vector<std::uint8_t> cheat(const Setup& s) {
  testing::CheatingProver c;
  return prove(s);
}
bool accepts(const drift::ZkNormStatement& st, std::span<const std::uint8_t> proof) {
  Transcript t = bound(st);
  return test::verifies([&] {
    ByteReader rd(proof, "zk norm proof");
    drift::verify_zk_norm(t, st, rd);
    rd.finish();
  });
}
std::uint64_t sum_sq(const std::vector<std::int64_t>& d) {
  std::uint64_t s = 0;
  for (auto x : d) s += static_cast<std::uint64_t>(x * x);
  return s;
}
std::vector<std::int64_t> random_delta(std::mt19937_64& rng, std::size_t n, std::int64_t bound) {
  std::vector<std::int64_t> d(n);
  for (auto& x : d) x = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * bound + 1)) - bound;
  return d;
}

}  // namespace

TEST_CASE("zk norm: norms within the bound verify, equality included; one unit over is rejected") {
  std::mt19937_64 rng(90);
  for (unsigned n : {3u, 6u}) {
    CAPTURE(n);
    const auto d = random_delta(rng, std::size_t{1} << n, 100);
    const std::uint64_t S = sum_sq(d);
    for (std::uint64_t tau_sq : {S + 12345, S}) {
      const auto s = make(d, tau_sq, 8);
      const auto proof = prove(s);
      CHECK(accepts(s.st, proof));
      // The same proof for another bound is rejected (the bound is in the claim).
      auto other = s.st;
      other.tau_sq = tau_sq + 1;
      CHECK_FALSE(accepts(other, proof));
    }
    // τ² = S − 1: the honest prover refuses; a cheating prover's limbs are out of range.
    const auto over = make(d, S - 1, 8);
    CHECK_THROWS_AS(prove(over), ArgumentError);
    CHECK_FALSE(accepts(over.st, cheat(make(d, S - 1, 8))));
  }
}

TEST_CASE("zk norm: an entry outside its bound is rejected even when the norm fits") {
  std::mt19937_64 rng(91);
  auto d = random_delta(rng, 16, 20);
  d[5] = 128;  // b = 8: entries must lie in [−128, 128)
  const auto s = make(d, sum_sq(d) + 10, 8);
  CHECK_THROWS_AS(prove(s), ArgumentError);
  CHECK_FALSE(accepts(s.st, cheat(make(d, sum_sq(d) + 10, 8))));
  // A wrapped entry: p − 2^40 ≡ −2^40, whose square wraps mod p.
  auto w = random_delta(rng, 16, 20);
  w[3] = -(std::int64_t{1} << 40);
  const auto sw = make(w, 1000000, 8);
  CHECK_FALSE(accepts(sw.st, cheat(sw)));
}

TEST_CASE("zk norm: statements that could wrap are refused; mutated bytes are rejected") {
  std::mt19937_64 rng(92);
  auto s = make(random_delta(rng, 8, 10), 5000, 8, 24);
  auto bad = s.st;
  bad.tau_sq = std::uint64_t{1} << 48;
  CHECK_THROWS_AS(bad.validate(), ArgumentError);
  bad = s.st;
  bad.entry_bits = 32;
  CHECK_THROWS_AS(bad.validate(), ArgumentError);
  bad = s.st;
  bad.terms[0].params.hiding_openings = 1;
  CHECK_THROWS_AS(bad.validate(), ArgumentError);
  const auto proof = prove(s);
  REQUIRE(accepts(s.st, proof));
  CHECK_FALSE(accepts(bad, proof));
  std::vector<std::size_t> accepted;
  for (std::size_t pos = 0; pos < proof.size(); pos += pos < 96 ? 1 : 97) {
    auto m = proof;
    m[pos] ^= 0x09;
    if (accepts(s.st, m)) accepted.push_back(pos);
  }
  CHECK_MESSAGE(accepted.empty(), "mutations accepted, first at byte " << (accepted.empty() ? 0 : accepted[0]));
  CHECK_FALSE(accepts(s.st, std::span(proof).first(proof.size() - 1)));
}
