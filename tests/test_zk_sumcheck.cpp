// Zero-knowledge batched sumcheck (sumcheck/zk.hpp): a norm claim Σ Δ² = S over a
// hiding-committed Δ, run over the extended domain with the public selector [y = 0].
// Honest proofs verify; a false claim, a mask inconsistent with its commitment, another
// commitment and mutated bytes are rejected; what the verifier sees has the same
// distribution for two Δ with the same S, and (control) not without the mask.
#include <doctest/doctest.h>

#include <array>
#include <random>

#include "test_util.hpp"
#include "vtensor/sumcheck/zk.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

WhirParams base_params(unsigned lambda) { return test::zk_params(0, lambda); }

struct Committed {
  WhirParams params;
  WhirCommitment com;
  WhirProverData pd;
};
Committed commit_hiding(const std::vector<F>& delta, unsigned lambda) {
  WhirParams p = base_params(lambda);
  p.num_vars = log2_exact(delta.size());
  p.hiding_openings = 2;  // one opening; the other budgets the revealed final
  auto [c, pd] = Whir::commit(p, delta);
  return {p, c, std::move(pd)};
}

Transcript fresh(const WhirCommitment& c, std::uint64_t trial = 0) {
  Transcript t("test/zk-sumcheck", 1, E::kFieldId);
  t.absorb("delta", c.root.bytes);
  t.absorb_u64("trial", trial);
  t.seal_statement();
  return t;
}

// Σ_{x,y} [y = 0] Δ̂(x, y)² over the committed table; finals: Δ̂(r).
DenseProductInstance norm_instance(const Committed& c) {
  const std::size_t n = std::size_t{1} << c.params.num_vars;
  std::vector<E> dhat(c.pd.table.begin(), c.pd.table.end()), sel(c.pd.table.size(), E::zero());
  std::fill(sel.begin(), sel.begin() + static_cast<std::ptrdiff_t>(n), E::one());
  return DenseProductInstance({std::move(dhat), std::move(sel)}, {{E::one(), {1, 0, 0}}}, {false, true});
}

// The whole proof: the zk sumcheck, then Δ̂ opened at its final point.
std::vector<std::uint8_t> prove_norm(const Committed& c, const E& S, const WhirParams& base, Transcript& t,
                                     LibraMask* mask = nullptr, const WhirProverData* mask_data = nullptr) {
  auto inst = norm_instance(c);
  SumcheckInstance* ip[1] = {&inst};
  std::vector<E> r;
  ByteWriter w;
  if (mask) {  // the same wire as prove_zk_batched, with the given mask and table
    const WhirCommitment com{mask_data->tree.root()};
    w.bytes(std::span<const std::uint8_t>(com.root.data(), Digest::kSize));
    t.absorb("zk/mask_root", com.root.bytes);
    ZkOpenings open;
    prove_zk_batched_with(t, ip, std::span<const E>(&S, 1), *mask, zk_table_of(mask_data->params, com, mask_data),
                          open, w, &r);
    open.prove(t, w);
  } else {
    w.bytes(prove_zk_batched(t, ip, std::span<const E>(&S, 1), base, &r));
  }
  const E v = mle_evaluate<E, F>(c.pd.table, r);
  const std::vector<std::vector<E>> pts{r};
  const auto op = Whir::open_hiding_masked(c.pd, pts, std::span<const E>(&v, 1), t);
  w.u32(static_cast<std::uint32_t>(op.size()));
  w.bytes(op);
  return std::move(w).take();
}

void verify_norm(const WhirParams& p, const WhirCommitment& com, const E& S, const WhirParams& base,
                 std::span<const std::uint8_t> proof, Transcript& t) {
  const unsigned n = p.num_vars, nc = p.committed_vars();
  const BatchedInstanceSpec spec{nc, 3, 1, [&](std::span<const E> pt, std::span<const E> f) {
                                   E sel = E::one();
                                   for (unsigned i = n; i < nc; ++i) sel *= E::one() - pt[i];
                                   return sel * f[0] * f[0];
                                 }};
  ByteReader rd(proof, "zk norm proof");
  const auto res = verify_zk_batched(t, std::span<const BatchedInstanceSpec>(&spec, 1), std::span<const E>(&S, 1),
                                     base, rd);
  const std::uint32_t len = rd.u32();
  const auto op = rd.bytes(len, "opening");
  rd.finish();
  const std::vector<std::vector<E>> pts{res.point};
  Whir::verify_hiding_masked(p, com, pts, std::span<const E>(&res.finals[0][0], 1), op, t);
}

bool accepts(const Committed& c, const E& S, const WhirParams& base, std::span<const std::uint8_t> proof,
             std::uint64_t trial = 0) {
  Transcript t = fresh(c.com, trial);
  return test::verifies([&] { verify_norm(c.params, c.com, S, base, proof, t); });
}

E sum_squares(const std::vector<F>& d) {
  E s = E::zero();
  for (const auto& x : d) s += E(x * x);
  return s;
}

}  // namespace

TEST_CASE("zk sumcheck: the Libra mask's instance sums to G and ends at g(r)") {
  std::mt19937_64 rng(70);
  for (std::size_t n : {1u, 3u, 6u})
    for (std::size_t D : {1u, 2u, 4u}) {
      LibraMask g(n, D);
      // Brute force: g(x) = a_0 + Σ_v g_v(x_v) on the hypercube, from the weights.
      const auto wr = [&](std::span<const E> r) {
        const auto w = g.shape().eval_weights(r);
        E acc = E::zero();
        for (std::size_t i = 0; i < w.size(); ++i) acc += w[i] * E(g.table()[i]);
        return acc;
      };
      E total = E::zero();
      for (std::size_t x = 0; x < (std::size_t{1} << n); ++x) {
        std::vector<E> pt(n);
        for (std::size_t v = 0; v < n; ++v) pt[v] = E::from_u64((x >> v) & 1);
        total += wr(pt);
        CHECK(g.eval(pt) == wr(pt));
      }
      CHECK(g.sum() == total);
      const auto ws = g.shape().sum_weights();
      E viaw = E::zero();
      for (std::size_t i = 0; i < ws.size(); ++i) viaw += ws[i] * E(g.table()[i]);
      CHECK(viaw == total);
      // Rounds: s(0) + s(1) is the running claim; the final is g(r).
      E claim = total;
      std::vector<E> r(n);
      for (std::size_t round = 0; round < n; ++round) {
        const auto s = g.message();
        REQUIRE(s.size() == D + 1);
        CHECK(s[0] + s[1] == claim);
        r[n - 1 - round] = test::random_ext(rng);
        claim = interpolate_at<E>(s, r[n - 1 - round]);
        g.bind(r[n - 1 - round]);
      }
      CHECK(g.finals()[0] == claim);
      CHECK(claim == g.eval(r));
    }
}

TEST_CASE("zk sumcheck: an honest norm proof verifies; a false sum, a wrong commitment and the wrong Δ are rejected") {
  std::mt19937_64 rng(71);
  const auto base = base_params(60);
  for (unsigned n : {2u, 5u, 8u}) {
    CAPTURE(n);
    const auto delta = test::random_small(rng, std::size_t{1} << n, 100);
    const auto c = commit_hiding(delta, 60);
    const E S = sum_squares(delta);
    Transcript tp = fresh(c.com);
    const auto proof = prove_norm(c, S, base, tp);
    CHECK(accepts(c, S, base, proof));
    CHECK_FALSE(accepts(c, S + E::one(), base, proof));
    const auto other = commit_hiding(delta, 60);  // the same Δ, another mask: another commitment
    CHECK_FALSE(accepts(other, S, base, proof));
    // A false claim, proven by a prover that skips its honesty checks (each commitment
    // makes one masked opening: its second is the reserve).
    {
      const auto c2 = commit_hiding(delta, 60);
      testing::CheatingProver cheat;
      Transcript tc = fresh(c2.com);
      const auto bad = prove_norm(c2, S + E::one(), base, tc);
      CHECK_FALSE(accepts(c2, S + E::one(), base, bad));
    }
    // The honest prover refuses a false claim; a second masked opening is refused.
    const auto c3 = commit_hiding(delta, 60);
    Transcript tr = fresh(c3.com);
    CHECK_THROWS_AS(prove_norm(c3, S + E::one(), base, tr), ArgumentError);
    Transcript t2 = fresh(c.com);
    CHECK_THROWS_AS(prove_norm(c, S, base, t2), ArgumentError);
  }
}

TEST_CASE("zk sumcheck: a mask that is not the committed one is rejected") {
  std::mt19937_64 rng(72);
  const auto base = base_params(60);
  const auto delta = test::random_small(rng, 64, 100);
  const E S = sum_squares(delta);
  const LibraMaskShape shape(commit_hiding(delta, 60).params.committed_vars(), 3);
  const auto mp = libra_mask_params(base, shape);
  // Consistent (control): the mask used is the committed one.
  {
    LibraMask g(shape, test::random_fps(rng, shape.size()));
    const auto [com, pd] = Whir::commit(mp, g.table());
    const auto c = commit_hiding(delta, 60);
    Transcript tp = fresh(c.com);
    CHECK(accepts(c, S, base, prove_norm(c, S, base, tp, &g, &pd)));
  }
  // The sumcheck runs on mask A, the commitment is of table B; then A and B differ in
  // one coefficient only (a_0, then one c_{v,j}).
  const auto ta = test::random_fps(rng, shape.size());
  std::vector<std::vector<F>> tbs{test::random_fps(rng, shape.size()), ta, ta};
  tbs[1][shape.index(0, 0, shape.n)] += F::one();
  tbs[2][shape.index(1, 2, 1)] += F::one();
  for (const auto& tb : tbs) {
    LibraMask ga(shape, ta);
    const auto [com, pd] = Whir::commit(mp, tb);
    const auto c = commit_hiding(delta, 60);
    testing::CheatingProver cheat;  // the aux sumcheck's claim is false
    Transcript tp = fresh(c.com);
    CHECK_FALSE(accepts(c, S, base, prove_norm(c, S, base, tp, &ga, &pd)));
  }
}

TEST_CASE("zk sumcheck: mutated bytes are rejected") {
  std::mt19937_64 rng(73);
  const auto base = base_params(24);
  const auto delta = test::random_small(rng, 16, 50);
  const auto c = commit_hiding(delta, 24);
  const E S = sum_squares(delta);
  Transcript tp = fresh(c.com);
  const auto proof = prove_norm(c, S, base, tp);
  REQUIRE(accepts(c, S, base, proof));
  // Every byte before the mask's WHIR proof (root, G, both sumchecks), and every 5th
  // byte after (the WHIR proofs' own bytes are exhausted in test_whir_hiding.cpp).
  const LibraMaskShape shape(c.params.committed_vars(), 3);
  const std::size_t head = Digest::kSize + E::kByteSize + (c.params.committed_vars() * 3 + 2) * E::kByteSize +
                           (libra_mask_params(base, shape).committed_vars() * 2 + 1) * E::kByteSize;
  std::vector<std::size_t> bad;
  for (std::size_t pos = 0; pos < proof.size(); pos += pos < head ? 1 : 5) {
    auto m = proof;
    m[pos] ^= 0x21;
    if (accepts(c, S, base, m)) bad.push_back(pos);
  }
  CHECK_MESSAGE(bad.empty(), "mutations accepted, first at byte " << (bad.empty() ? 0 : bad[0]));
  CHECK_FALSE(accepts(c, S, base, std::span(proof).first(proof.size() - 1)));
  auto longer = proof;
  longer.push_back(0);
  CHECK_FALSE(accepts(c, S, base, longer));
}

namespace {
// The first two rounds' shape, s(0)/s(2) (its low 4 bits), as the verifier sees it: the batch
// combination λ cancels, so without the mask it is a fixed function of Δ.
std::array<int, 2> round_features(std::span<const std::uint8_t> proof, std::size_t head, std::size_t degree) {
  ByteReader rd(proof.subspan(head), "features");
  std::array<int, 2> out{};
  for (int round = 0; round < 2; ++round) {
    const auto s = rd.fields<E>(degree, "round");  // s(0), s(2), …
    const E ratio = s[0] * s[1].inverse();
    out[static_cast<std::size_t>(round)] = static_cast<int>(ratio.c0().value() & 15);
  }
  return out;
}
}  // namespace

TEST_CASE("zk sumcheck: the round messages have the same distribution for two Δ with equal norms") {
  const auto base = base_params(24);
  // Δ_a = 3·e_0 and Δ_b = 3·e_{15}: Σ Δ² = 9 for both.
  std::vector<F> da(16, F::zero()), db(16, F::zero());
  da[0] = F::from_u64(3);
  db[15] = F::from_u64(3);
  const E S = E::from_u64(9);
  // The instance Σ_x Δ(x)² on Δ itself (no extended domain, so nothing but the
  // Libra mask hides its round messages); with and without the mask.
  auto run = [&](const std::vector<F>& d, bool zk, std::array<std::array<int, 16>, 2>& hist) {
    for (int trial = 0; trial < 256; ++trial) {
      Transcript tp = fresh(WhirCommitment{}, static_cast<std::uint64_t>(trial));
      std::vector<E> t(d.begin(), d.end());
      DenseProductInstance inst({t}, {{E::one(), {0, 0}}});
      SumcheckInstance* ip[1] = {&inst};
      const auto f = zk ? round_features(prove_zk_batched(tp, ip, std::span<const E>(&S, 1), base),
                                         Digest::kSize + E::kByteSize, 2)
                        : round_features(prove_batched(tp, ip, std::span<const E>(&S, 1)), 0, 2);
      ++hist[0][static_cast<std::size_t>(f[0])];
      ++hist[1][static_cast<std::size_t>(f[1])];
    }
  };
  std::array<std::array<int, 16>, 2> ha{}, hb{}, na{}, nb{};
  run(da, true, ha);
  run(db, true, hb);
  run(da, false, na);
  run(db, false, nb);
  std::array<int, 16> flat{};
  flat.fill(16);
  for (int f = 0; f < 2; ++f) {
    CAPTURE(f);
    INFO("zk A vs B " << test::two_sample_chi2(ha[f], hb[f]) << ", A vs uniform " << test::two_sample_chi2(ha[f], flat)
                      << ", control " << test::two_sample_chi2(na[f], nb[f]));
    // χ² with 15 degrees of freedom: 70 lies beyond the 10^-8 tail.
    CHECK(test::two_sample_chi2(ha[f], hb[f]) < 70.0);
    CHECK(test::two_sample_chi2(ha[f], flat) < 70.0);
    CHECK(test::two_sample_chi2(hb[f], flat) < 70.0);
  }
  // Without the mask the first round's shape is a fixed function of Δ, and differs.
  CHECK(test::two_sample_chi2(na[0], nb[0]) > 200.0);
}
