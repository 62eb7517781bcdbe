// WHIR commitment: honest openings verify; wrong values, points, roots,
// statements and mutated proofs are rejected.
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/commit/concept.hpp"
#include "vtensor/commit/whir.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

static_assert(PolynomialCommitment<Whir>);

namespace {
Transcript fresh() { return Transcript("test/whir", 1, E::kFieldId); }

bool accepts(const WhirParams& p, const WhirCommitment& c, const std::vector<E>& z, const E& v,
             const std::vector<std::uint8_t>& proof) {
  Transcript t = fresh();
  return test::verifies([&] { Whir::verify(p, c, z, v, proof, t); });
}
}  // namespace

TEST_CASE("whir: soundness calculator and schedule") {
  for (unsigned n : {20u, 24u, 26u}) {
    CAPTURE(n);
    for (auto regime : {WhirRegime::kUniqueDecoding, WhirRegime::kJohnson, WhirRegime::kCapacity}) {
      WhirParams p{n, 2, 4, 6, 100};
      p.regime = regime;
      const auto s = whir_soundness(p);
      INFO(s.describe());
      CHECK(s.bits() >= 100.0);
      CHECK(s.max_pow_bits <= p.max_pow_bits);
      CHECK(s.proven() == (regime != WhirRegime::kCapacity));
    }
  }
  // Unique decoding: the folding term is |L_0|/|E|, no OOD samples, no grinding.
  WhirParams ud{24, 2, 4, 6, 100};
  ud.regime = WhirRegime::kUniqueDecoding;
  const auto sched_ud = ud.schedule();
  REQUIRE(sched_ud.size() == 5);  // 24 → 20 → 16 → 12 → 8 → 6
  CHECK(sched_ud[0].fold_error_bits == doctest::Approx(128 - 26).epsilon(0.01));
  CHECK(sched_ud[0].ood == 0);
  CHECK(sched_ud.back().fold == 2);
  // Johnson: about half the queries from the second iteration on, OOD samples, some grinding,
  // and the rate stops at 2^-4 (the domain then shrinks with the polynomial).
  const WhirParams jb{24, 2, 4, 6, 100};
  const auto sched_jb = jb.schedule();
  REQUIRE(sched_jb.size() == 5);
  CHECK(3 * sched_jb[1].queries < 2 * sched_ud[1].queries);
  CHECK(sched_jb[0].ood >= 1);
  CHECK(sched_jb[3].log_domain - sched_jb[3].vars_before == 4);
  // Grinding capped below what is needed: the calculator reports the shortfall.
  WhirParams capped = jb;
  capped.max_pow_bits = 2;
  CHECK(whir_soundness(capped).bits() < 100.0);
  // More polynomials in one batch cost bits in the μ term (covered by grinding).
  CHECK(whir_soundness(jb, 64).bits() >= 100.0);
  CHECK(WhirParams{29, 3, 4, 6, 100}.schedule().size() > 0);
  CHECK_THROWS_AS((WhirParams{31, 2, 4, 6, 100}.schedule()), ArgumentError);
}

TEST_CASE("whir: honest openings verify for many sizes, rates and folding factors") {
  std::mt19937_64 rng(30);
  struct Case {
    unsigned n, r, k, fin;
  };
  for (const Case cs : {Case{0, 1, 4, 0}, Case{1, 1, 1, 0}, Case{3, 2, 2, 0}, Case{5, 1, 3, 2}, Case{6, 2, 4, 6},
                        Case{8, 2, 4, 2}, Case{10, 1, 2, 3}, Case{12, 2, 4, 4}, Case{13, 3, 3, 1}}) {
    CAPTURE(cs.n);
    CAPTURE(cs.k);
    const WhirParams p{cs.n, cs.r, cs.k, cs.fin, 40};
    const auto table = test::random_fps(rng, std::size_t{1} << cs.n);
    const auto [com, pd] = Whir::commit(p, table);
    for (int rep = 0; rep < 2; ++rep) {
      const auto z = test::random_exts(rng, cs.n);
      const E v = mle_evaluate<E, F>(table, z);
      Transcript tp = fresh();
      const auto proof = Whir::open(pd, z, v, tp);
      CHECK(accepts(p, com, z, v, proof));
      // wrong value, wrong point, another commitment
      CHECK_FALSE(accepts(p, com, z, v + E::one(), proof));
      if (cs.n > 0) {
        auto z2 = z;
        z2[0] += E::one();
        CHECK_FALSE(accepts(p, com, z2, v, proof));
      }
      auto other = table;
      other[0] += F::one();
      const auto [com2, pd2] = Whir::commit(p, other);
      CHECK_FALSE(accepts(p, com2, z, v, proof));
    }
  }
}

TEST_CASE("whir: a proof is bound to the caller's transcript (another statement rejects it)") {
  std::mt19937_64 rng(31);
  const WhirParams p{9, 2, 3, 2, 40};
  const auto table = test::random_fps(rng, 512);
  const auto [com, pd] = Whir::commit(p, table);
  const auto z = test::random_exts(rng, 9);
  const E v = mle_evaluate<E, F>(table, z);
  Transcript tp("outer", 1, E::kFieldId);
  tp.absorb("context", std::vector<std::uint8_t>{1, 2});
  const auto proof = Whir::open(pd, z, v, tp);
  Transcript ok("outer", 1, E::kFieldId);
  ok.absorb("context", std::vector<std::uint8_t>{1, 2});
  CHECK_NOTHROW(Whir::verify(p, com, z, v, proof, ok));
  Transcript bad("outer", 1, E::kFieldId);
  bad.absorb("context", std::vector<std::uint8_t>{1, 3});
  CHECK_THROWS_AS(Whir::verify(p, com, z, v, proof, bad), VerifyError);
  // Other parameters: rejected by the decoder.
  Transcript t2 = fresh();
  CHECK_THROWS(Whir::verify(WhirParams{9, 2, 3, 2, 41}, com, z, v, proof, t2));
}

TEST_CASE("whir: a prover that commits to a non-codeword (tampered fibers) is caught") {
  std::mt19937_64 rng(32);
  const WhirParams p{10, 2, 4, 2, 60};
  const auto table = test::random_fps(rng, 1024);
  auto [com, pd] = Whir::commit(p, table);
  // Corrupt a quarter of the codeword and recommit: far from any codeword of
  // rate 1/4 beyond the unique-decoding radius 3/8? (1/4 < 3/8): the openings
  // still land on corrupted fibers with high probability and the fold check fails.
  for (std::size_t i = 0; i < pd.fibers.size(); i += 4) pd.fibers[i] += F::one();
  pd.tree = MerkleTree::from_rows<F>(pd.fibers, 16);
  com.root = pd.tree.root();
  const auto z = test::random_exts(rng, 10);
  const E v = mle_evaluate<E, F>(table, z);
  Transcript tp = fresh();
  const auto proof = Whir::open(pd, z, v, tp);
  CHECK_FALSE(accepts(p, com, z, v, proof));
}

TEST_CASE("whir: every mutated byte of a proof is rejected") {
  std::mt19937_64 rng(33);
  const WhirParams p{7, 1, 3, 2, 16};
  const auto table = test::random_fps(rng, 128);
  const auto [com, pd] = Whir::commit(p, table);
  const auto z = test::random_exts(rng, 7);
  const E v = mle_evaluate<E, F>(table, z);
  Transcript tp = fresh();
  const auto proof = Whir::open(pd, z, v, tp);
  REQUIRE(accepts(p, com, z, v, proof));
  const auto accepted = test::accepted_mutations(
      proof, {0x20}, [&](const std::vector<std::uint8_t>& m) { return accepts(p, com, z, v, m); });
  CHECK_MESSAGE(accepted.empty(), "mutations accepted, first at byte " << (accepted.empty() ? 0 : accepted[0]));
  auto trailing = proof;
  trailing.push_back(0);
  CHECK_FALSE(accepts(p, com, z, v, trailing));
  CHECK_FALSE(accepts(p, com, z, v, std::vector<std::uint8_t>(proof.begin(), proof.end() - 1)));
}

TEST_CASE("whir: many points of one polynomial in one proof") {
  std::mt19937_64 rng(34);
  const WhirParams p{11, 2, 3, 3, 40};
  const auto table = test::random_fps(rng, 2048);
  const auto [com, pd] = Whir::commit(p, table);
  for (std::size_t m : {1, 2, 7, 20}) {
    CAPTURE(m);
    std::vector<std::vector<E>> pts;
    std::vector<E> vals;
    for (std::size_t j = 0; j < m; ++j) {
      pts.push_back(test::random_exts(rng, 11));
      // Half the points are "tensor claims": Boolean high coordinates (a sub-cube).
      if (j % 2)
        for (unsigned c = 7; c < 11; ++c) pts.back()[c] = ((j >> (c - 7)) & 1) ? E::one() : E::zero();
      vals.push_back(mle_evaluate<E, F>(table, pts.back()));
    }
    Transcript tp = fresh();
    const auto proof = Whir::open_many(pd, pts, vals, tp);
    Transcript tv = fresh();
    CHECK_NOTHROW(Whir::verify_many(p, com, pts, vals, proof, tv));
    // One wrong value among many, swapped values, a dropped claim: rejected.
    auto bad = vals;
    bad[m / 2] += E::one();
    Transcript t1 = fresh();
    CHECK_THROWS_AS(Whir::verify_many(p, com, pts, bad, proof, t1), VerifyError);
    if (m > 1) {
      auto sw = vals;
      std::swap(sw[0], sw[1]);
      Transcript t2 = fresh();
      CHECK_THROWS_AS(Whir::verify_many(p, com, pts, sw, proof, t2), VerifyError);
      Transcript t3 = fresh();
      CHECK_THROWS_AS(Whir::verify_many(p, com, std::span(pts).first(m - 1), std::span(vals).first(m - 1), proof, t3),
                      VerifyError);
    }
  }
  // The prover refuses a false claim.
  std::vector<std::vector<E>> pts{test::random_exts(rng, 11)};
  std::vector<E> vals{E::one()};
  Transcript tp = fresh();
  CHECK_THROWS_AS(Whir::open_many(pd, pts, vals, tp), ArgumentError);
}
