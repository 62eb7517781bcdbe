// Drift certificates against cheating provers (issue 4's list): each false statement is
// refused by the honest prover with a PolicyViolation, and the certificate a cheating
// prover writes anyway (testing::CheatingProver: the same prover with its honesty
// checks off) is rejected by the verifier. Also: replay against another statement and
// tampered verdicts.
#include <doctest/doctest.h>

#include <random>

#include "drift_test_util.hpp"
#include "vtensor/testing.hpp"

using namespace vtensor;
using test::DriftTensor;

namespace {

DriftTensor tensor(std::mt19937_64& rng, std::string name, std::vector<std::uint64_t> shape) {
  DriftTensor t{std::move(name), std::move(shape), {}, {}};
  t.base = test::small_ints(rng, t.numel(), 1000);
  t.delta.assign(t.numel(), 0);
  return t;
}

smdp::ProveOptions opts(std::map<std::string, smdp::LowRankFactors> f = {}) {
  smdp::ProveOptions o;
  o.scale_log2 = 0;
  o.factors = std::move(f);
  return o;
}

// The honest prover refuses; the cheating prover's certificate is rejected.
void refused_and_rejected(const test::DriftPair& pair, const smdp::Policy& policy, const smdp::ProveOptions& o) {
  CHECK_THROWS_AS(pair.prove(policy, o), smdp::PolicyViolation);
  std::vector<std::uint8_t> bytes;
  {
    testing::CheatingProver cheat;
    bytes = pair.prove(policy, o).encode();
  }
  CHECK_FALSE(pair.accepts(pair.statement(policy), bytes));
}

std::string rank_policy(unsigned r, unsigned bits) {
  return R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "low_rank": {"rank": )" + std::to_string(r) +
         R"(, "factor_bits": )" + std::to_string(bits) + "}}]}";
}

}  // namespace

TEST_CASE("drift adversarial: a full-rank update claimed rank r") {
  std::mt19937_64 rng(1);
  auto w = tensor(rng, "w", {8, 8});
  w.delta = test::small_ints(rng, 64, 20);  // full rank with overwhelming probability
  test::TempDir dir("adv_fullrank");
  const test::DriftPair pair({w}, dir);
  const smdp::LowRankFactors f{test::small_ints(rng, 16, 5), test::small_ints(rng, 16, 5)};
  refused_and_rejected(pair, smdp::Policy::from_json(rank_policy(2, 8)), opts({{"w", f}}));
}

TEST_CASE("drift adversarial: a rank r+1 update claimed rank r") {
  std::mt19937_64 rng(2);
  auto w = tensor(rng, "w", {8, 12});
  const auto u = test::small_ints(rng, 8 * 3, 15), v = test::small_ints(rng, 3 * 12, 15);
  w.delta = test::matmul(u, v, 8, 3, 12);
  test::TempDir dir("adv_rank");
  const test::DriftPair pair({w}, dir);
  // The first two of the three components.
  std::vector<std::int64_t> u2, v2(v.begin(), v.begin() + 24);
  for (std::size_t i = 0; i < 8; ++i) u2.insert(u2.end(), u.begin() + 3 * i, u.begin() + 3 * i + 2);
  refused_and_rejected(pair, smdp::Policy::from_json(rank_policy(2, 8)), opts({{"w", {u2, v2}}}));
  // The honest rank-3 certificate verifies against a rank-3 policy.
  const auto p3 = smdp::Policy::from_json(rank_policy(3, 8));
  CHECK(pair.accepts(pair.statement(p3), pair.prove(p3, opts({{"w", {u, v}}})).encode()));
}

TEST_CASE("drift adversarial: small integers, full rank over Q, rank-deficient mod p") {
  // Δ = [[2^32, 2^32 − 1], [1, 2^32]]: det = 2^64 − 2^32 + 1 = p, so Δ ≡ u·vᵀ mod p
  // with u = (1, 2^-32), v = (2^32, 2^32 − 1): factors that are not small.
  std::mt19937_64 rng(3);
  auto w = tensor(rng, "w", {2, 2});
  const std::int64_t a = std::int64_t{1} << 32;
  w.delta = {a, a - 1, 1, a};
  test::TempDir dir("adv_modp");
  const test::DriftPair pair({w}, dir);
  const Goldilocks inv = Goldilocks::from_u64(std::uint64_t{1} << 32).inverse();
  const smdp::LowRankFactors f{{1, inv.to_signed()}, {a, a - 1}};
  // The factorization holds mod p: the proof's algebra passes, its range checks do not
  // (2^32 and 2^-32 mod p fit no factor width; 16 bits keep the range table small).
  CHECK(Goldilocks::from_i64(f.u[1]) * Goldilocks::from_i64(f.v[1]) == Goldilocks::from_i64(a));
  refused_and_rejected(pair, smdp::Policy::from_json(rank_policy(1, 16)), opts({{"w", f}}));
}

TEST_CASE("drift adversarial: a norm over τ by one fixed-point unit") {
  std::mt19937_64 rng(4);
  auto w = tensor(rng, "w", {4, 4});
  w.delta[0] = 10;
  w.delta[5] = 1;  // Σ Δ² = 101 = τ² + 1
  test::TempDir dir("adv_norm");
  const test::DriftPair pair({w}, dir);
  const auto policy = smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "norm": {"max": 10}}]})");
  refused_and_rejected(pair, policy, opts());
  // The cheater instead claims exactly τ² in the verdict: the sumcheck is for 101.
  Certificate cert;
  {
    testing::CheatingProver cheat;
    cert = pair.prove(policy, opts());
  }
  CHECK(*cert.verdicts[0].norm_sq == 101);
  cert.verdicts[0].norm_sq = 100;
  CHECK_FALSE(pair.accepts(pair.statement(policy), cert.encode()));
  // One unit less is certified, with the exact value.
  w.delta[5] = 0;
  test::TempDir dir2("adv_norm_ok");
  const test::DriftPair ok({w}, dir2);
  const auto bytes = ok.prove(policy, opts()).encode();
  CHECK(*smdp::verify(ok.statement(policy), bytes).certificate.verdicts[0].norm_sq == 100);
}

TEST_CASE("drift adversarial: entries chosen to wrap mod p") {
  std::mt19937_64 rng(5);
  // x² ≡ −1 mod p: Σ Δ² = x² + 1 ≡ 0, an empty "norm" in the field.
  const Goldilocks x = Goldilocks::root_of_unity(2);
  REQUIRE(x * x == -Goldilocks::one());
  auto w = tensor(rng, "w", {4, 4});
  w.base.assign(16, 0);
  w.delta[2] = x.to_signed();
  w.delta[3] = 1;
  test::TempDir dir("adv_wrap");
  const test::DriftPair pair({w}, dir);
  refused_and_rejected(pair, smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "norm": {"max": 10}}]})"),
                       opts());
  // Entry bounds: (p − 1)/2 is "small" in no sense, whatever its residue says.
  auto e = tensor(rng, "w", {4, 4});
  e.delta[1] = static_cast<std::int64_t>((Goldilocks::kModulus - 1) / 2);
  test::TempDir dir2("adv_wrap_entry");
  const test::DriftPair pair2({e}, dir2);
  refused_and_rejected(pair2, smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "entry": {"max": 3}}]})"),
                       opts());
}

TEST_CASE("drift adversarial: s+1 nonzeros claimed s, and indices outside the tensor") {
  std::mt19937_64 rng(6);
  const auto policy =
      smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "sparse": {"max_nonzeros": 2}}]})");
  {
    auto w = tensor(rng, "w", {3, 5});
    w.delta[1] = 4;
    w.delta[7] = -2;
    w.delta[14] = 9;
    test::TempDir dir("adv_sparse");
    const test::DriftPair pair({w}, dir);
    refused_and_rejected(pair, policy, opts());
  }
  // A change in the padding of a 3×5 tensor (rows pad to 4, columns to 8): a row index
  // ≥ 3 (hypercube index 3·8 + 1), then a column index ≥ 5 (index 0·8 + 6). The tuned
  // "model" is no checkpoint of this shape; its sparse list must name the entry.
  for (std::uint64_t local : {25u, 6u}) {
    auto w = tensor(rng, "w", {3, 5});
    w.delta[2] = 7;
    test::TempDir dir("adv_index");
    const ModelLayout l(std::vector<ModelTensorSpec>{{"w", 0, {3, 5}}});
    const test::DriftPair pair({w}, dir, 0, test::model_params(0, 2, 4, 4),
                               {{l.tensor(0).offset + local, Goldilocks::from_u64(3)}});
    refused_and_rejected(pair, policy, opts());
  }
}

TEST_CASE("drift adversarial: a frozen tensor changed, and a tensor the policy does not name") {
  std::mt19937_64 rng(7);
  auto named = tensor(rng, "frozen.w", {6, 6});
  auto unnamed = tensor(rng, "other", {5});
  auto tuned = tensor(rng, "t", {4, 4});
  tuned.delta = test::small_ints(rng, 16, 2);
  const auto policy = smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [
    {"tensors": "frozen.*", "frozen": true}, {"tensors": "t", "entry": {"max": 2}}]})");
  for (int which = 0; which < 2; ++which) {
    auto a = named, b = unnamed;
    (which == 0 ? a : b).delta[3] = 1;
    test::TempDir dir("adv_frozen");
    const test::DriftPair pair({a, b, tuned}, dir);
    refused_and_rejected(pair, policy, opts());
  }
}

TEST_CASE("drift adversarial: a certificate replayed against another policy, base or tuned model") {
  std::mt19937_64 rng(8);
  auto w = tensor(rng, "w", {4, 8});
  w.delta = test::small_ints(rng, 32, 3);
  auto f = tensor(rng, "f", {8});
  test::TempDir dir("adv_replay"), dir2("adv_replay2");
  const test::DriftPair pair({w, f}, dir);
  auto w2 = w;
  w2.delta[0] += 1;
  const test::DriftPair other({w2, f}, dir2);  // same base, another tuned model
  const auto policy = smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "entry": {"max": 4}}]})");
  const auto looser = smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "entry": {"max": 5}}]})");
  const auto cert = pair.prove(policy, opts());
  const auto bytes = cert.encode();
  const auto st = pair.statement(policy);
  REQUIRE(pair.accepts(st, bytes));
  auto st_policy = pair.statement(looser);
  auto st_tuned = st;
  st_tuned.tuned = other.tuned->commitment();
  auto st_base = st;
  st_base.base = other.tuned->commitment();
  auto st_scale = pair.statement(policy, 1);
  for (const auto* s : {&st_policy, &st_tuned, &st_base, &st_scale}) {
    CHECK_FALSE(pair.accepts(*s, bytes));
    // A certificate whose header is rewritten to name that statement: the proof is not
    // for it (every statement field is bound into the transcript).
    auto c = cert;
    c.policy_digest = s->policy.digest();
    c.base = s->base;
    c.tuned = s->tuned;
    c.scale_log2 = s->scale_log2;
    c.verdicts = drift::verdict_skeleton(drift::resolve_constraints(s->policy, s->layout, s->scale_log2));
    CHECK_FALSE(pair.accepts(*s, c.encode()));
  }
  // A tampered verdict parameter (a looser ε than the policy's) is refused outright.
  auto c = cert;
  c.verdicts[0].entry_eps = 5;
  CHECK_FALSE(pair.accepts(st, c.encode()));
  // Another layout (a renamed tensor) or other commitment parameters.
  auto st_layout = st;
  st_layout.layout = ModelLayout(std::vector<ModelTensorSpec>{{"w", 0, {4, 8}}, {"g", 0, {8}}});
  CHECK_FALSE(pair.accepts(st_layout, bytes));
  auto st_params = st;
  st_params.params.security_bits = 90;
  CHECK_FALSE(pair.accepts(st_params, bytes));
  auto st_mode = st;  // zero knowledge is not built yet: refused, never treated as plain
  st_mode.zero_knowledge = true;
  CHECK_THROWS_AS(smdp::verify(st_mode, bytes), ArgumentError);
  auto zk = cert;
  zk.zero_knowledge = true;  // a plain proof relabelled as zero knowledge
  CHECK_FALSE(pair.accepts(st, zk.encode()));
  CHECK_THROWS_AS(smdp::verify(st_mode, zk.encode()), ArgumentError);
}

TEST_CASE("drift adversarial: the projection baseline's sums and bound") {
  std::mt19937_64 rng(10);
  auto w = tensor(rng, "w", {8, 8});
  w.delta = test::small_ints(rng, 64, 30);  // ‖Δ‖_F ≈ 140
  test::TempDir dir("adv_proj");
  const test::DriftPair pair({w}, dir);
  const auto tight = smdp::Policy::from_json(
      R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "projection": {"max": 20, "projections": 32}}]})");
  refused_and_rejected(pair, tight, opts());
  const auto loose = smdp::Policy::from_json(
      R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "projection": {"max": 1000, "projections": 32}}]})");
  auto cert = pair.prove(loose, opts());
  const auto st = pair.statement(loose);
  CHECK(pair.accepts(st, cert.encode()));
  // The verdict's Σ y_j² must be the proof's.
  *cert.verdicts[0].projection_sq += 1;
  CHECK_FALSE(pair.accepts(st, cert.encode()));
}

TEST_CASE("drift adversarial: every byte of a certificate matters") {
  // Bundles A and B, LogUp, the batched sumcheck and the model opening all present.
  std::mt19937_64 rng(9);
  auto q = tensor(rng, "q", {4, 4});
  const auto u = test::small_ints(rng, 4, 3), v = test::small_ints(rng, 4, 3);
  q.delta = test::matmul(u, v, 4, 1, 4);
  auto s = tensor(rng, "s", {2, 4});
  s.delta[5] = 2;
  auto b = tensor(rng, "b", {4});
  b.delta[1] = -1;
  test::TempDir dir("adv_bytes");
  const test::DriftPair pair({q, s, b}, dir);
  const auto policy = smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [
    {"tensors": "q", "low_rank": {"rank": 1, "factor_bits": 3}},
    {"tensors": "s", "sparse": {"max_nonzeros": 1}},
    {"tensors": "b", "norm": {"max": 2}, "projection": {"max": 2, "projections": 4}}]})");
  const auto bytes = pair.prove(policy, opts({{"q", {u, v}}})).encode();
  const auto st = pair.statement(policy);
  REQUIRE(pair.accepts(st, bytes));
  MESSAGE("mutating each of " << bytes.size() << " bytes");
  const auto accepted = test::accepted_mutations(bytes, {0x01}, [&](const auto& m) { return pair.accepts(st, m); });
  CHECK_MESSAGE(accepted.empty(), "a mutation was accepted, first at byte " << (accepted.empty() ? 0 : accepted[0]));
  for (std::size_t len = 0; len < bytes.size(); len += 97)
    CHECK_FALSE(pair.accepts(st, std::span<const std::uint8_t>(bytes.data(), len)));
}

TEST_CASE("drift adversarial: projection sums that would wrap 128 bits") {
  // Δ = 2^62 at index 0 (a base of 0): every Walsh character is +1 there, so every
  // y_j = 2^62 and 16 of them square to 2^128: a sum kept in 128 bits would wrap to 0.
  std::mt19937_64 rng(11);
  auto w = tensor(rng, "w", {4, 4});
  w.base.assign(16, 0);
  w.delta[0] = std::int64_t{1} << 62;
  test::TempDir dir("adv_proj_wrap");
  const test::DriftPair pair({w}, dir);
  refused_and_rejected(pair, smdp::Policy::from_json(
      R"({"vtensor_policy": 1, "rules": [{"tensors": "w", "projection": {"max": 1, "projections": 16}}]})"), opts());
}
