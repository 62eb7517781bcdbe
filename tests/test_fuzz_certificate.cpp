// Deterministic, bounded fuzzing of the drift certificate's decoder and verifier
// (docs/fuzzing.md): random byte strings behind a valid header, and a valid certificate
// with stacked mutations (byte and bit flips, insertions, deletions, truncations,
// splices, length and count fields set to edge values). Every input must be refused
// with a vtensor::Error (DecodeError or VerifyError) carrying a message, or be exactly
// the valid certificate; a decoder that accepts re-encodes to its input.
#include <doctest/doctest.h>

#include <random>

#include "drift_test_util.hpp"

using namespace vtensor;
using test::DriftTensor;

namespace {

using Bytes = std::vector<std::uint8_t>;

struct Outcome {
  std::size_t accepted = 0, decode = 0, verify = 0;
};

// Decode, and verify: returns normally only when the verifier accepts.
void run(const test::DriftPair& pair, const smdp::Statement& st, const Bytes& in, const Bytes& valid, Outcome& o) {
  try {
    const auto c = Certificate::decode(in);
    CHECK(c.encode() == in);  // canonical
  } catch (const DecodeError& e) {
    CHECK(std::string(e.what()).size() > 15);
    ++o.decode;
    return;
  }
  try {
    smdp::verify(st, in);
    CHECK(in == valid);
    ++o.accepted;
  } catch (const DecodeError& e) {
    CHECK(std::string(e.what()).size() > 15);
    ++o.decode;
  } catch (const VerifyError& e) {
    CHECK(std::string(e.what()).size() > 15);
    ++o.verify;
  }
  (void)pair;
}

}  // namespace

TEST_CASE("fuzz: certificate decoder and verifier on mutated and random bytes") {
  std::mt19937_64 rng(77);
  auto mk = [&](std::string name, std::vector<std::uint64_t> shape) {
    DriftTensor t{std::move(name), std::move(shape), {}, {}};
    t.base = test::small_ints(rng, t.numel(), 500);
    t.delta.assign(t.numel(), 0);
    return t;
  };
  auto q = mk("q", {4, 4});
  const auto u = test::small_ints(rng, 4, 3), v = test::small_ints(rng, 4, 3);
  q.delta = test::matmul(u, v, 4, 1, 4);
  auto s = mk("s", {2, 4});
  s.delta[5] = 2;
  auto b = mk("b", {4});
  b.delta[1] = -1;
  auto f = mk("f", {3, 3});
  test::TempDir dir("fuzz_cert");
  const test::DriftPair pair({q, s, b, f}, dir);
  const auto policy = smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [
    {"tensors": "q", "low_rank": {"rank": 1, "factor_bits": 3}},
    {"tensors": "s", "sparse": {"max_nonzeros": 1}, "entry": {"max": 2}},
    {"tensors": "b", "norm": {"max": 2}, "projection": {"max": 2, "projections": 4}}]})");
  smdp::ProveOptions opt;
  opt.factors["q"] = {u, v};
  const Bytes valid = pair.prove(policy, opt).encode();
  const auto st = pair.statement(policy);
  Outcome o;
  run(pair, st, valid, valid, o);
  REQUIRE(o.accepted == 1);
  const std::vector<Bytes> others{valid, Bytes(valid.begin(), valid.begin() + 200)};
  for (int i = 0; i < 20000; ++i) run(pair, st, test::mutate_bytes(rng, valid, others), valid, o);
  // Random bytes behind a valid header prefix of random length.
  for (int i = 0; i < 2000; ++i) {
    Bytes in(valid.begin(), valid.begin() + static_cast<std::ptrdiff_t>(rng() % 200));
    const std::size_t tail = rng() % 512;
    for (std::size_t k = 0; k < tail; ++k) in.push_back(static_cast<std::uint8_t>(rng()));
    run(pair, st, in, valid, o);
  }
  MESSAGE("accepted " << o.accepted << ", decode errors " << o.decode << ", verify errors " << o.verify);
  CHECK(o.verify > 100);  // the mutations reach the verifier, not only the decoder
}
