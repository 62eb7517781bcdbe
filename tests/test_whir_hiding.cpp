// WHIR hiding mode: honest openings verify, cheating is caught, the opening budget
// holds, and what the verifier sees has the same distribution for two tensors with
// equal opened values (and, as a control, visibly not without hiding).
#include <doctest/doctest.h>

#include <array>
#include <random>

#include "test_util.hpp"
#include "vtensor/commit/whir.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {
Transcript fresh() { return Transcript("test/whir-hiding", 1, E::kFieldId); }

WhirParams hiding_params(unsigned n, unsigned lambda, unsigned openings) {
  WhirParams p;
  p.num_vars = n;
  p.security_bits = lambda;
  p.hiding_openings = openings;
  return p;
}

bool accepts(const WhirParams& p, const WhirCommitment& c, const std::vector<std::vector<E>>& pts,
             const std::vector<E>& vals, std::span<const std::uint8_t> proof) {
  Transcript t = fresh();
  return test::verifies([&] { Whir::verify_many(p, c, pts, vals, proof, t); });
}
}  // namespace

TEST_CASE("whir hiding: honest openings verify; wrong values and other commitments are rejected") {
  std::mt19937_64 rng(50);
  for (unsigned n : {0u, 1u, 4u, 8u, 12u, 16u, 22u}) {
    CAPTURE(n);
    const auto p = hiding_params(n, n < 10 ? 60 : 100, 2);
    CHECK(p.mask_vars() >= 1);
    CHECK(p.committed_vars() > p.final_vars);
    const auto table = test::random_fps(rng, std::size_t{1} << n);
    auto [com, pd] = Whir::commit(p, table);
    CHECK(pd.table.size() == (std::size_t{1} << p.committed_vars()));
    for (std::size_t m : {1u, 3u}) {
      std::vector<std::vector<E>> pts;
      std::vector<E> vals;
      for (std::size_t l = 0; l < m; ++l) {
        pts.push_back(test::random_exts(rng, n));
        vals.push_back(mle_evaluate<E, F>(table, pts.back()));
      }
      Transcript tp = fresh();
      const auto proof = Whir::open_many(pd, pts, vals, tp);
      CHECK(accepts(p, com, pts, vals, proof));
      auto bad = vals;
      bad[0] += E::one();
      CHECK_FALSE(accepts(p, com, pts, bad, proof));
      const auto other = Whir::commit(p, table).first;  // same table, fresh mask: another commitment
      CHECK(other.root != com.root);
      CHECK_FALSE(accepts(p, other, pts, vals, proof));
    }
    // The budget: two openings were allowed and are spent.
    const std::vector<std::vector<E>> pts{test::random_exts(rng, n)};
    const std::vector<E> vals{mle_evaluate<E, F>(table, pts[0])};
    Transcript tp = fresh();
    CHECK_THROWS_AS(Whir::open_many(pd, pts, vals, tp), ArgumentError);
  }
}

TEST_CASE("whir hiding: every mutated byte of a proof is rejected") {
  std::mt19937_64 rng(51);
  const auto p = hiding_params(5, 24, 1);
  const auto table = test::random_fps(rng, 32);
  const auto [com, pd] = Whir::commit(p, table);
  const std::vector<std::vector<E>> pts{test::random_exts(rng, 5)};
  const std::vector<E> vals{mle_evaluate<E, F>(table, pts[0])};
  Transcript tp = fresh();
  const auto proof = Whir::open_many(pd, pts, vals, tp);
  REQUIRE(accepts(p, com, pts, vals, proof));
  const auto accepted = test::accepted_mutations(
      proof, {0x10}, [&](const std::vector<std::uint8_t>& m) { return accepts(p, com, pts, vals, m); });
  CHECK_MESSAGE(accepted.empty(), "mutations accepted, first at byte " << (accepted.empty() ? 0 : accepted[0]));
  CHECK_FALSE(accepts(p, com, pts, vals, std::span(proof).first(proof.size() - 1)));
}

namespace {
// Two bytes of the verifier's view per opening: the high nibble of f̂'s first OOD
// answer and of the first sumcheck message h(0) (their offsets follow from the wire
// format: mask root, mask value, header, parameters, OOD answers, grinding nonces).
std::array<int, 2> view_features(const WhirParams& p, std::span<const std::uint8_t> proof) {
  const bool hiding = p.hiding_openings > 0;
  const auto sched = p.schedule();
  const std::size_t polys = hiding ? 2 : 1;
  std::size_t at = hiding ? Digest::kSize + E::kByteSize : 0;
  at += 8 + p.encode().size();
  const std::size_t ood = at;
  at += sched[0].ood * polys * E::kByteSize;
  if (polys > 1 && p.batch_pow_bits(polys) > 0) at += 8;
  if (p.claims_pow_bits(1) > 0) at += 8;
  return {proof[ood + 7] >> 4, proof[at + 7] >> 4};
}

}  // namespace

TEST_CASE("whir hiding: the verifier's view has the same distribution for two tables with equal opened values") {
  std::mt19937_64 rng(52);
  const unsigned n = 8;
  const std::size_t size = std::size_t{1} << n;
  // Table A is zero; table B is random on the half x_{n-1} = 1 and zero on the other.
  // At a point z with z_{n-1} = 0 both evaluate to 0, while A ≠ B.
  std::vector<E> zb = test::random_exts(rng, n);
  zb[n - 1] = E::zero();
  std::vector<F> a(size, F::zero()), b = test::random_fps(rng, size);
  for (std::size_t i = 0; i < size / 2; ++i) b[i] = F::zero();
  REQUIRE(mle_evaluate<E, F>(b, zb).is_zero());
  REQUIRE(mle_evaluate<E, F>(a, zb).is_zero());
  auto run = [&](bool hiding, const std::vector<F>& table, std::array<std::array<int, 16>, 2>& hist) {
    WhirParams p = hiding_params(n, 40, hiding ? 1 : 0);
    for (int trial = 0; trial < 256; ++trial) {
      const auto [com, pd] = Whir::commit(p, table);
      const std::vector<std::vector<E>> pts{zb};
      const std::vector<E> vals{E::zero()};
      Transcript tp = fresh();
      tp.absorb_u64("trial", static_cast<std::uint64_t>(trial));  // fresh challenges per trial without hiding
      const auto proof = Whir::open_many(pd, pts, vals, tp);
      const auto f = view_features(p, proof);
      ++hist[0][f[0]];
      ++hist[1][f[1]];
    }
  };
  std::array<std::array<int, 16>, 2> ha{}, hb{}, na{}, nb{};
  run(true, a, ha);
  run(true, b, hb);
  run(false, a, na);
  run(false, b, nb);
  // χ² with 15 degrees of freedom: 70 is beyond the 10^-8 tail, so an honest run
  // essentially never fails; without hiding table A's view is constant (zero).
  for (int f = 0; f < 2; ++f) {
    CAPTURE(f);
    // Hiding: both views uniform (not merely alike) and alike.
    std::array<int, 16> flat{};
    flat.fill(16);
    INFO("hiding A vs B " << test::two_sample_chi2(ha[f], hb[f]) << ", A vs uniform " << test::two_sample_chi2(ha[f], flat)
                          << ", control " << test::two_sample_chi2(na[f], nb[f]));
    CHECK(test::two_sample_chi2(ha[f], hb[f]) < 70.0);
    CHECK(test::two_sample_chi2(ha[f], flat) < 70.0);
    CHECK(test::two_sample_chi2(hb[f], flat) < 70.0);
    CHECK(test::two_sample_chi2(na[f], nb[f]) > 200.0);
  }
}
