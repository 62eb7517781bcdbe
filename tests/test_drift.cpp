// Drift certificates end to end (smdp.hpp): a model pair where every constraint class
// appears, proven and verified from bytes; the certificate is bound to its statement.
#include <doctest/doctest.h>

#include <random>

#include "drift_test_util.hpp"

using namespace vtensor;
using test::DriftTensor;

namespace {

// scale 2^0: the policy's bounds are in integer units.
const char* kPolicy = R"({"vtensor_policy": 1, "rules": [
  {"tensors": "q", "low_rank": {"rank": 2, "factor_bits": 6}},
  {"tensors": "k", "low_rank": {"rank": 3, "factor_bits": 6, "residual_max": 2}},
  {"tensors": "bias", "norm": {"max": 40}},
  {"tensors": "conv", "entry": {"max": 3}},
  {"tensors": "sp", "sparse": {"max_nonzeros": 3}, "norm": {"max": 100}},
  {"tensors": "vec", "sparse": {"max_nonzeros": 2}},
  {"tensors": "proj", "projection": {"max": 200, "projections": 16}},
  {"tensors": "frozen.*", "frozen": true}
]})";

struct Fixture {
  std::vector<DriftTensor> tensors;
  std::map<std::string, smdp::LowRankFactors> factors;
};

Fixture make_fixture(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  Fixture fx;
  auto& ts = fx.tensors;
  auto add = [&](std::string name, std::vector<std::uint64_t> shape) -> DriftTensor& {
    DriftTensor t{std::move(name), std::move(shape), {}, {}};
    t.base = test::small_ints(rng, t.numel(), 1000);
    t.delta.assign(t.numel(), 0);
    ts.push_back(std::move(t));
    return ts.back();
  };
  auto low_rank = [&](DriftTensor& t, std::size_t r, std::int64_t bound) {
    const std::size_t rows = t.shape[0], cols = t.numel() / rows;
    smdp::LowRankFactors f{test::small_ints(rng, rows * r, bound), test::small_ints(rng, r * cols, bound)};
    t.delta = test::matmul(f.u, f.v, rows, r, cols);
    fx.factors[t.name] = f;
  };
  add("embed", {20, 8});  // unnamed: frozen
  low_rank(add("q", {8, 12}), 2, 31);
  {
    auto& k = add("k", {6, 2, 4});
    low_rank(k, 3, 31);
    const auto e = test::small_ints(rng, 48, 2);
    for (std::size_t i = 0; i < e.size(); ++i) k.delta[i] += e[i];
  }
  add("bias", {12}).delta = test::small_ints(rng, 12, 10);
  add("conv", {4, 3, 3, 3}).delta = test::small_ints(rng, 108, 3);
  {
    auto& sp = add("sp", {16, 5});
    sp.delta[7] = 40;
    sp.delta[33] = -55;
  }
  add("vec", {9}).delta[8] = 5;
  add("proj", {8, 8}).delta = test::small_ints(rng, 64, 10);
  add("frozen.a", {3, 3});
  return fx;
}

smdp::ProveOptions options(const Fixture& fx) {
  smdp::ProveOptions opt;
  opt.scale_log2 = 0;
  opt.factors = fx.factors;
  return opt;
}

}  // namespace

TEST_CASE("drift: every constraint class in one certificate verifies from bytes") {
  const Fixture fx = make_fixture(100);
  test::TempDir dir("drift_all");
  const test::DriftPair pair(fx.tensors, dir);
  const auto policy = smdp::Policy::from_json(kPolicy);
  const auto cert = pair.prove(policy, options(fx));
  const auto bytes = cert.encode();
  MESSAGE("certificate: " << bytes.size() << " bytes for " << pair.layout.size() << " tensors, n = "
                          << pair.layout.num_vars());
  CHECK(Certificate::decode(bytes).encode() == bytes);
  const auto st = pair.statement(policy);
  const auto ok = smdp::verify(st, bytes);
  const auto& v = ok.certificate.verdicts;
  CHECK(v[0].mask == kVerdictFrozen);
  CHECK(v[1].mask == kVerdictLowRank);
  CHECK(v[3].mask == kVerdictNorm);
  std::uint64_t bias_sq = 0;
  for (auto d : fx.tensors[3].delta) bias_sq += static_cast<std::uint64_t>(d * d);
  CHECK(*v[3].norm_sq == bias_sq);
  CHECK(v[5].mask == (kVerdictNorm | kVerdictSparse));
  CHECK(*v[5].norm_sq == 40 * 40 + 55 * 55);
}
