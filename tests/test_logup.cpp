// LogUp lookups through the fractional GKR (lookup/gkr.hpp, lookup/logup.hpp): range
// tables and indexed (eq) tables with dead entries; honest proofs verify; a value out
// of its table, a dead entry, a wrong multiplicity, a wrong leaf value and any
// mutated byte are rejected.
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/lookup/logup.hpp"
#include "vtensor/mle/dense.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

Transcript fresh() { return test::sealed_transcript("test/logup"); }

// Two range columns into R_4 (16 entries), one indexed column into an eq table of 8
// entries with entries ≥ 6 dead.
struct Fixture {
  std::vector<E> z;
  std::vector<std::vector<F>> x0;
  std::vector<E> x1;
  explicit Fixture(std::mt19937_64& rng) {
    z = test::random_exts(rng, 3);
    x0.push_back({});
    for (int i = 0; i < 32; ++i) x0.back().push_back(F::from_u64(rng() % 16));
    x0.push_back({F::from_u64(0), F::from_u64(15), F::from_u64(3), F::from_u64(3), F::from_u64(7), F::from_u64(1),
                  F::from_u64(9), F::from_u64(12)});
    x0.push_back({});
    const auto eqt = eq_table<E>(z);
    for (int i = 0; i < 4; ++i) {
      const std::uint64_t row = rng() % 6;
      x0.back().push_back(F::from_u64(row));
      x1.push_back(eqt[row]);
    }
  }
  std::vector<LookupTableSpec> tables() const { return {{4, 1, {}, {}}, {3, 2, z, {6}}}; }
  template <class P>
  void add_to(P& p) const {
    for (auto& t : tables()) p.add_table(t);
  }
  LogUpProver prover() const {
    LogUpProver p;
    add_to(p);
    p.add_column(0, x0[0]);
    p.add_column(0, x0[1]);
    p.add_column(1, x0[2], x1);
    return p;
  }
  LogUpVerifier verifier() const {
    LogUpVerifier v;
    add_to(v);
    v.add_column({5, 0, false});
    v.add_column({3, 0, false});
    v.add_column({2, 1, true});
    return v;
  }
};

// The honest values at the verifier's points (what commitment openings would give).
bool check(const Fixture& fx, const std::vector<std::vector<F>>& m, std::span<const std::uint8_t> proof,
           const std::vector<std::vector<F>>* x0_claimed = nullptr) {
  return test::verifies([&] {
    auto v = fx.verifier();
    Transcript t = fresh();
    ByteReader rd(proof, "logup");
    const auto pd = v.verify(t, rd);
    rd.finish();
    const auto& x0 = x0_claimed ? *x0_claimed : fx.x0;
    std::vector<E> a, b, mm;
    for (std::size_t c = 0; c < 3; ++c) {
      const auto u = pd.local(log2_exact(x0[c].size()));
      a.push_back(mle_evaluate<E, F>(x0[c], u));
      b.push_back(c == 2 ? mle_evaluate<E, E>(fx.x1, u) : E::zero());
    }
    mm.push_back(mle_evaluate<E, F>(m[0], pd.local(4)));
    mm.push_back(mle_evaluate<E, F>(m[1], pd.local(3)));
    v.check_leaves(pd, a, b, mm);
  });
}

// A prover that skips the honesty checks: the same transcript steps on any leaves.
std::vector<std::uint8_t> raw_proof(const Fixture& fx, const std::vector<std::vector<F>>& x0,
                                    const std::vector<std::vector<F>>& m) {
  Transcript t = fresh();
  ByteWriter w;
  const E alpha = t.challenge_ext("logup/alpha"), g = t.challenge_ext("logup/gamma");
  // Layout: 32-column at 0, 16-table at 32, 8-column at 48, 8-table at 56, 4-column at 64 → L = 7.
  std::vector<E> p(128, E::zero()), q(128, E::one());
  const auto eqt = eq_table<E>(fx.z);
  auto put_col = [&](std::size_t off, const std::vector<F>& v, std::uint64_t tag, const std::vector<E>* x1) {
    for (std::size_t i = 0; i < v.size(); ++i) {
      p[off + i] = E::one();
      q[off + i] = alpha - (E(v[i]) + (x1 ? g * (*x1)[i] : E::zero()) + g * g * E::from_u64(tag));
    }
  };
  put_col(0, x0[0], 1, nullptr);
  put_col(48, x0[1], 1, nullptr);
  put_col(64, x0[2], 2, &fx.x1);
  for (std::size_t j = 0; j < 16; ++j) {
    p[32 + j] = -E(m[0][j]);
    q[32 + j] = alpha - (E::from_u64(j) + g * g * E::from_u64(1));
  }
  for (std::size_t j = 0; j < 8; ++j) {
    p[56 + j] = -E(m[1][j]);
    q[56 + j] = alpha - (E::from_u64(j) + g * eqt[j] + g * g * E::from_u64(2) + (j >= 6 ? g * g * g : E::zero()));
  }
  prove_fraction_sum(t, w, p, q);
  return std::move(w).take();
}

}  // namespace

TEST_CASE("logup: honest range and indexed lookups verify; every byte matters") {
  std::mt19937_64 rng(21);
  const Fixture fx(rng);
  const auto p = fx.prover();
  const auto m = p.multiplicities();
  CHECK(m[0].size() == 16);
  CHECK(m[1].size() == 8);
  Transcript t = fresh();
  ByteWriter w;
  p.prove(t, w, m);
  const auto proof = std::move(w).take();
  CHECK(check(fx, m, proof));
  // The hand-built leaves give the same bytes (the layout is as documented).
  CHECK(raw_proof(fx, fx.x0, m) == proof);
  CHECK(test::accepted_mutations(proof, {0x01, 0x40}, [&](const auto& b) { return check(fx, m, b); }).empty());
}

TEST_CASE("logup: out-of-table values, dead entries, wrong multiplicities and wrong leaves are rejected") {
  std::mt19937_64 rng(22);
  const Fixture fx(rng);
  const auto m = fx.prover().multiplicities();
  // A value outside R_4 (16): the honest prover refuses; a cheating one is caught.
  auto x0 = fx.x0;
  x0[1][2] = F::from_u64(16);
  {
    LogUpProver p;
    fx.add_to(p);
    p.add_column(0, x0[0]);
    p.add_column(0, x0[1]);
    p.add_column(1, x0[2], fx.x1);
    CHECK_THROWS_AS(p.multiplicities(), ArgumentError);
  }
  CHECK_FALSE(check(fx, m, raw_proof(fx, x0, m), &x0));
  // Wrap-around: p − 1 ≡ −1 is not in [0, 16).
  x0 = fx.x0;
  x0[0][5] = F::from_i64(-1);
  CHECK_FALSE(check(fx, m, raw_proof(fx, x0, m), &x0));
  // A dead entry of the eq table (row 7 ≥ limit 6), with its true eq value.
  x0 = fx.x0;
  auto fx2 = fx;
  x0[2][1] = F::from_u64(7);
  fx2.x1[1] = eq_table<E>(fx.z)[7];
  fx2.x0 = x0;
  auto m2 = m;
  m2[1][7] += F::one();
  m2[1][fx.x0[2][1].value()] -= F::one();
  CHECK_FALSE(check(fx2, m2, raw_proof(fx2, x0, m2), &x0));
  // An indexed lookup whose second value is not eq(row, z).
  fx2 = fx;
  fx2.x1[0] += E::one();
  CHECK_FALSE(check(fx2, m, raw_proof(fx2, fx.x0, m)));
  // A zero denominator: a leaf q = α − v with v = α makes Q_0 = Π q = 0 (and hides
  // that fraction from the sum); the verifier refuses Q_0 = 0.
  {
    Transcript t = fresh();
    ByteWriter w;
    const E alpha = t.challenge_ext("logup/alpha");
    (void)t.challenge_ext("logup/gamma");
    std::vector<E> p(128, E::zero()), q(128, E::one());
    p[0] = E::one();
    q[0] = E::zero();
    (void)alpha;
    prove_fraction_sum(t, w, p, q);
    const auto bytes = std::move(w).take();
    CHECK_FALSE(test::verifies([&] {
      auto v = fx.verifier();
      Transcript t2 = fresh();
      ByteReader rd(bytes, "logup");
      v.verify(t2, rd);
    }));
  }
  // Multiplicities off by one.
  auto m3 = m;
  m3[0][0] += F::one();
  CHECK_FALSE(check(fx, m3, raw_proof(fx, fx.x0, m3)));
  // Honest proof, but a leaf claim (column value) that is not the column's.
  const auto proof = raw_proof(fx, fx.x0, m);
  x0 = fx.x0;
  x0[0][3] = x0[0][3] == F::zero() ? F::one() : F::zero();
  CHECK(check(fx, m, proof));
  CHECK_FALSE(check(fx, m, proof, &x0));
}

TEST_CASE("logup: a table with a multi-dimensional live shape") {
  // Live shape (3, 5) on 2 + 3 bits: entry j = c0·8 + c1 is live iff c0 < 3 and c1 < 5.
  LookupTableSpec t{5, 9, {}, {3, 5}};
  std::vector<E> live(32);
  for (std::uint64_t j = 0; j < 32; ++j) {
    CHECK(t.live(j) == ((j >> 3) < 3 && (j & 7) < 5));
    live[j] = t.live(j) ? E::one() : E::zero();
  }
  CHECK(t.live_count() == 15);
  std::mt19937_64 rng(24);
  const auto u = test::random_exts(rng, 5);
  CHECK(logup_detail::live_mle(t, u) == mle_evaluate<E, E>(live, u));
}

TEST_CASE("logup: the MLEs of the index and less-than tables") {
  std::mt19937_64 rng(23);
  for (unsigned b : {0u, 1u, 3u, 5u}) {
    const auto u = test::random_exts(rng, b);
    std::vector<E> idx(std::size_t{1} << b);
    for (std::size_t j = 0; j < idx.size(); ++j) idx[j] = E::from_u64(j);
    CHECK(index_mle(u) == mle_evaluate<E, E>(idx, u));
    for (std::uint64_t c = 0; c <= (std::uint64_t{1} << b); ++c) {
      std::vector<E> lt(idx.size());
      for (std::size_t j = 0; j < lt.size(); ++j) lt[j] = j < c ? E::one() : E::zero();
      CHECK(less_than_mle(u, c) == mle_evaluate<E, E>(lt, u));
    }
  }
}
