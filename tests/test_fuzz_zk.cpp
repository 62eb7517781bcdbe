// Deterministic, bounded fuzzing of the zero-knowledge norm proof's verifier
// (proofs/drift/zk_norm.hpp, which reads a zero-knowledge lookup, a zero-knowledge
// sumcheck and deferred hiding openings): a valid proof with stacked mutations
// (test::mutate_bytes: flips, insertions, deletions, truncations, edge-valued fields,
// copied chunks) and random bytes. Every input must be refused with a DecodeError or VerifyError
// carrying a message, or be exactly the valid proof.
#include <doctest/doctest.h>

#include <memory>
#include <random>

#include "test_util.hpp"
#include "zk_norm_fixture.hpp"

using namespace vtensor;
using Bytes = std::vector<std::uint8_t>;

namespace {

using Fixture = test::ZkNormFixture;

// 0: accepted, 1: DecodeError, 2: VerifyError.
int run(const Fixture& f, const Bytes& in) {
  try {
    f.verify(in);
    return 0;
  } catch (const DecodeError& e) {
    CHECK(std::string(e.what()).size() > 10);
    return 1;
  } catch (const VerifyError& e) {
    CHECK(std::string(e.what()).size() > 10);
    return 2;
  }
}

}  // namespace

TEST_CASE("fuzz: the zero-knowledge norm verifier refuses mutated and random proofs with a clear error") {
  const Fixture f = test::make_zk_norm_fixture();
  REQUIRE(run(f, f.valid) == 0);
  std::mt19937_64 rng(0x2a6b);
  const std::vector<Bytes> others{f.valid, Bytes(f.valid.begin(), f.valid.begin() + 200)};
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const Bytes m = test::mutate_bytes(rng, f.valid, others);
    const int r = run(f, m);
    if (r == 0) CHECK(m == f.valid);
    ++counts[r];
  }
  for (int i = 0; i < 100; ++i) {
    Bytes b(rng() % 4096);
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    CHECK(run(f, b) != 0);
  }
  MESSAGE("decode " << counts[1] << ", verify " << counts[2] << ", accepted " << counts[0]);
  CHECK(counts[1] + counts[2] > 2900);
}
