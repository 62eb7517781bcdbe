// Batched sumchecks (sumcheck/batched.hpp): instances of different sizes and degrees in
// one proof; the stepwise SumcheckProver gives the same bytes as prove(); every byte
// matters; a false claim, a wrong final and a swapped instance are rejected.
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/sumcheck/batched.hpp"
#include "vtensor/sumcheck/protocol.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

Transcript fresh() { return test::sealed_transcript("test/batched"); }

struct Fixture {
  std::vector<F> a;                 // Σ a² over 2^6
  std::vector<std::vector<E>> dt;   // three tables over 2^3: Σ eq(w,x)(2·t0·t1 + t2)
  std::vector<E> w;
  std::vector<E> c;                 // a constant, 0 variables: Σ = c·c
  E claim_a, claim_d, claim_c;

  explicit Fixture(std::mt19937_64& rng) {
    a = test::random_small(rng, 64, 1000);
    for (int j = 0; j < 3; ++j) dt.push_back(test::random_exts(rng, 8));
    w = test::random_exts(rng, 3);
    c = {test::random_ext(rng)};
    claim_a = E::zero();
    for (auto x : a) claim_a += E(x * x);
    const auto eq = eq_table<E>(w);
    claim_d = E::zero();
    for (std::size_t i = 0; i < 8; ++i) claim_d += eq[i] * (E::from_u64(2) * dt[0][i] * dt[1][i] + dt[2][i]);
    claim_c = c[0] * c[0];
  }
  std::vector<std::unique_ptr<SumcheckInstance>> instances() const {
    std::vector<std::unique_ptr<SumcheckInstance>> v;
    v.push_back(std::make_unique<ProverInstance<Square>>(std::array<std::span<const F>, 1>{a}));
    v.push_back(std::make_unique<DenseProductInstance>(
        dt, std::vector<DenseProductInstance::Term>{{E::from_u64(2), {0, 1}}, {E::one(), {2}}},
        std::vector<bool>{false, false, true}, w));
    v.push_back(std::make_unique<DenseProductInstance>(std::vector<std::vector<E>>{c},
                                                       std::vector<DenseProductInstance::Term>{{E::one(), {0, 0}}}));
    return v;
  }
  std::vector<BatchedInstanceSpec> specs() const {
    std::vector<BatchedInstanceSpec> s;
    s.push_back({6, 2, 1, [](std::span<const E>, std::span<const E> f) { return f[0] * f[0]; }});
    const auto t2 = dt[2];
    const auto ww = w;
    s.push_back({3, 3, 2, [t2, ww](std::span<const E> p, std::span<const E> f) {
                   return eq_eval<E>(ww, p) * (E::from_u64(2) * f[0] * f[1] + mle_evaluate<E, E>(t2, p));
                 }});
    s.push_back({0, 2, 1, [](std::span<const E>, std::span<const E> f) { return f[0] * f[0]; }});
    return s;
  }
  std::vector<E> claims() const { return {claim_a, claim_d, claim_c}; }
};

std::vector<std::uint8_t> prove(const Fixture& fx) {
  auto inst = fx.instances();
  std::vector<SumcheckInstance*> ptr;
  for (auto& i : inst) ptr.push_back(i.get());
  Transcript t = fresh();
  return prove_batched(t, ptr, fx.claims());
}

bool accepts(const Fixture& fx, std::span<const std::uint8_t> proof, std::vector<E> claims) {
  return test::verifies([&] {
    Transcript t = fresh();
    ByteReader r(proof, "batched");
    const auto specs = fx.specs();
    verify_batched(t, specs, claims, r);
    r.finish();
  });
}

}  // namespace

TEST_CASE("sumcheck prover: the stepwise API gives prove()'s bytes") {
  std::mt19937_64 rng(11);
  for (std::size_t n : {1u, 2u, 3u, 7u}) {
    const auto a = test::random_small(rng, std::size_t{1} << n, 50), b = test::random_small(rng, std::size_t{1} << n, 50);
    SumcheckProver<ProductOf<2>, F, E> p1({a, b});
    Transcript t1 = fresh();
    const auto whole = p1.prove(t1).proof.to_bytes();
    SumcheckProver<ProductOf<2>, F, E> p2({a, b});
    Transcript t2 = fresh();
    SumcheckProof<E> proof;
    proof.degree = 2;
    for (std::size_t round = 0; round < n; ++round) {
      auto s = p2.next_message();
      t2.absorb_fields<E>("sumcheck/round", s);
      p2.receive(t2.challenge_ext("sumcheck/challenge"));
      proof.rounds.push_back(s);
    }
    proof.finals = p2.final_values();
    CHECK(proof.to_bytes() == whole);
    CHECK(t1.state() != t2.state());  // t1 absorbed the finals, t2 not yet
    t2.absorb_fields<E>("sumcheck/finals", proof.finals);
    CHECK(t1.state() == t2.state());
  }
}

TEST_CASE("batched sumcheck: mixed sizes and degrees verify; every byte matters") {
  std::mt19937_64 rng(3);
  const Fixture fx(rng);
  const auto proof = prove(fx);
  CHECK(proof.size() == (6 * 3 + 1 + 2 + 1) * E::kByteSize);
  CHECK(accepts(fx, proof, fx.claims()));
  CHECK(test::accepted_mutations(proof, {0x01, 0x80}, [&](const auto& m) { return accepts(fx, m, fx.claims()); })
            .empty());
  for (std::size_t i = 0; i < 3; ++i) {  // a false claim, any instance
    auto bad = fx.claims();
    bad[i] += E::one();
    CHECK_FALSE(accepts(fx, proof, bad));
  }
  // The prover refuses a false claim.
  auto inst = fx.instances();
  std::vector<SumcheckInstance*> ptr;
  for (auto& i : inst) ptr.push_back(i.get());
  Transcript t = fresh();
  auto bad = fx.claims();
  bad[1] += E::one();
  CHECK_THROWS_AS(prove_batched(t, ptr, bad), ArgumentError);
}

TEST_CASE("batched sumcheck: a cheating prover that lies in one round is caught") {
  std::mt19937_64 rng(5);
  const Fixture fx(rng);
  // Run the honest prover but shift the claim of instance 0 and compensate in the first
  // round's message: s(0) + s(1) then matches, and the lie must surface later.
  auto good = prove(fx);
  auto claims = fx.claims();
  claims[0] += E::one();
  CHECK_FALSE(accepts(fx, good, claims));
  // Finals that do not fit: change the last final (instance 2's constant).
  auto tampered = good;
  tampered[tampered.size() - E::kByteSize] ^= 1;
  CHECK_FALSE(accepts(fx, tampered, fx.claims()));
}
