// Deterministic, bounded fuzzing of the zero-knowledge norm proof's verifier
// (proofs/drift/zk_norm.hpp, which reads a zero-knowledge lookup, a zero-knowledge
// sumcheck and deferred hiding openings): a valid proof with stacked mutations (byte
// and bit flips, insertions, deletions, truncations, length fields set to edge values)
// and random bytes. Every input must be refused with a DecodeError or VerifyError
// carrying a message, or be exactly the valid proof.
#include <doctest/doctest.h>

#include <memory>
#include <random>

#include "test_util.hpp"
#include "vtensor/proofs/drift/zk_norm.hpp"

using namespace vtensor;
using Bytes = std::vector<std::uint8_t>;

namespace {

struct Fixture {
  drift::ZkNormStatement st;
  std::shared_ptr<WhirProverData> pd;
  Bytes valid;
};

Transcript bound(const drift::ZkNormStatement& st) {
  Transcript t("test/fuzz-zk-norm", 1, GoldilocksExt2::kFieldId);
  t.absorb("delta", st.terms[0].com.root.bytes);
  t.seal_statement();
  return t;
}

Fixture make_fixture() {
  Fixture f;
  std::vector<Goldilocks> d(8);
  std::uint64_t S = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::int64_t v = static_cast<std::int64_t>(i % 5) - 2;
    d[i] = Goldilocks::from_i64(v);
    S += static_cast<std::uint64_t>(v * v);
  }
  WhirParams p;
  p.num_vars = 3;
  p.security_bits = 24;
  p.final_vars = 2;
  p.hiding_openings = 2;
  f.st.entry_bits = 4;
  f.st.tau_sq = S + 3;
  f.st.base = p;
  f.st.base.hiding_openings = 0;
  auto [c, pd] = Whir::commit(p, d);
  f.pd = std::make_shared<WhirProverData>(std::move(pd));
  f.st.terms = {zk_table_of(p, c, f.pd.get())};
  f.st.coeffs = {Goldilocks::one()};
  Transcript t = bound(f.st);
  ByteWriter w;
  drift::prove_zk_norm(t, f.st, w);
  f.valid = std::move(w).take();
  return f;
}

// 0: accepted, 1: DecodeError, 2: VerifyError.
int run(const Fixture& f, const Bytes& in) {
  Transcript t = bound(f.st);
  try {
    ByteReader rd(in, "zk norm proof");
    drift::verify_zk_norm(t, f.st, rd);
    rd.finish();
    return 0;
  } catch (const DecodeError& e) {
    CHECK(std::string(e.what()).size() > 10);
    return 1;
  } catch (const VerifyError& e) {
    CHECK(std::string(e.what()).size() > 10);
    return 2;
  }
}

Bytes mutate(std::mt19937_64& rng, Bytes b) {
  const int ops = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < ops; ++k) {
    const std::size_t at = b.empty() ? 0 : rng() % b.size();
    switch (rng() % 7) {
      case 0:
        if (!b.empty()) b[at] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
        break;
      case 1:
        if (!b.empty()) b[at] = static_cast<std::uint8_t>(rng());
        break;
      case 2:
        b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<std::uint8_t>(rng()));
        break;
      case 3:
        if (!b.empty()) b.erase(b.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      case 4:
        b.resize(at);
        break;
      case 5:  // a u32 length field set to an edge value
        if (at + 4 <= b.size()) {
          const std::uint32_t edges[] = {0u, 1u, 0xFFFFFFFFu, 0x7FFFFFFFu, static_cast<std::uint32_t>(b.size())};
          const std::uint32_t v = edges[rng() % 5];
          for (int i = 0; i < 4; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
        }
        break;
      default:  // 8 bytes set to p − 1, p, 2^64 − 1 (non-canonical field elements)
        if (at + 8 <= b.size()) {
          const std::uint64_t edges[] = {Goldilocks::kModulus - 1, Goldilocks::kModulus, ~std::uint64_t{0}};
          const std::uint64_t v = edges[rng() % 3];
          for (int i = 0; i < 8; ++i) b[at + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v >> (8 * i));
        }
        break;
    }
  }
  return b;
}

}  // namespace

TEST_CASE("fuzz: the zero-knowledge norm verifier refuses mutated and random proofs with a clear error") {
  const Fixture f = make_fixture();
  REQUIRE(run(f, f.valid) == 0);
  std::mt19937_64 rng(0x2a6b);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const Bytes m = mutate(rng, f.valid);
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
