// Deterministic, bounded fuzzing of the WHIR proof decoder and verifier: random
// byte strings and stacked mutations of valid proofs (overwrites, bit flips,
// insertions, deletions, truncations, header fields at extremes) must be rejected
// with a vtensor::Error carrying a message — never another exception, never a
// crash — unless the bytes are exactly a valid proof.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "test_util.hpp"
#include "vtensor/commit/whir.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;
using Bytes = std::vector<std::uint8_t>;

namespace {

struct Subject {
  WhirParams params;
  WhirCommitment com;
  std::vector<std::vector<E>> points;
  std::vector<E> values;
  Bytes proof;
};

Subject make_subject(std::mt19937_64& rng, WhirParams p, std::size_t num_points) {
  Subject s;
  s.params = p;
  const auto table = test::random_fps(rng, std::size_t{1} << p.num_vars);
  auto [com, pd] = Whir::commit(p, table);
  s.com = com;
  for (std::size_t j = 0; j < num_points; ++j) {
    s.points.push_back(test::random_exts(rng, p.num_vars));
    s.values.push_back(mle_evaluate<E, F>(table, s.points.back()));
  }
  Transcript t("fuzz/whir", 1, E::kFieldId);
  s.proof = Whir::open_many(pd, s.points, s.values, t);
  return s;
}

// 1 = accepted, 0 = rejected with a vtensor::Error; fails the test otherwise.
int run(const Subject& s, const Bytes& in) {
  Transcript t("fuzz/whir", 1, E::kFieldId);
  try {
    Whir::verify_many(s.params, s.com, s.points, s.values, in, t);
    return 1;
  } catch (const Error& e) {
    CHECK_MESSAGE(std::string(e.what()).size() > 0, "empty error message");
    return 0;
  } catch (const std::exception& e) {
    FAIL("non-vtensor exception " << typeid(e).name() << ": " << e.what());
  } catch (...) {
    FAIL("unknown exception");
  }
  return 0;
}

Bytes mutate(std::mt19937_64& rng, Bytes b) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits; ++e) {
    if (b.empty()) {
      b.push_back(static_cast<std::uint8_t>(rng()));
      continue;
    }
    const std::size_t pos = rng() % b.size();
    switch (rng() % 7) {
      case 0: b[pos] = static_cast<std::uint8_t>(rng()); break;
      case 1: b[pos] ^= static_cast<std::uint8_t>(1u << (rng() % 8)); break;
      case 2: b.insert(b.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<std::uint8_t>(rng())); break;
      case 3: b.erase(b.begin() + static_cast<std::ptrdiff_t>(pos)); break;
      case 4: b.resize(pos); break;
      case 5:  // an 8-byte word set to an extreme (p, 2^64-1, 0, a large count)
        if (pos + 8 <= b.size()) {
          const std::uint64_t vals[] = {Goldilocks::kModulus, ~std::uint64_t{0}, 0, std::uint64_t{1} << 40};
          const std::uint64_t v = vals[rng() % 4];
          for (int i = 0; i < 8; ++i) b[pos + i] = static_cast<std::uint8_t>(v >> (8 * i));
        }
        break;
      default: b.insert(b.end(), rng() % 64, static_cast<std::uint8_t>(rng())); break;
    }
  }
  return b;
}

}  // namespace

TEST_CASE("fuzz: WHIR verify_many rejects random and mutated proofs cleanly") {
  std::mt19937_64 rng(0x5748);
  WhirParams ground{9, 1, 2, 3, 118};  // OOD answers and grinding nonces in the proof
  ground.max_pow_bits = 6;
  WhirParams hiding{5, 2, 4, 6, 16};  // a mask root and values before the inner proof
  hiding.hiding_openings = 1;
  const Subject subjects[] = {make_subject(rng, WhirParams{7, 1, 3, 2, 16}, 1),
                              make_subject(rng, WhirParams{8, 2, 4, 2, 12}, 3),
                              make_subject(rng, WhirParams{4, 1, 4, 6, 16}, 2),  // small: the table travels
                              make_subject(rng, ground, 2), make_subject(rng, hiding, 1)};
  constexpr int kSubjects = 5;
  for (const auto& s : subjects) REQUIRE(run(s, s.proof) == 1);
  std::size_t accepted = 0;
  for (int iter = 0; iter < 4000; ++iter) {
    const Subject& s = subjects[iter % kSubjects];
    Bytes in;
    if (iter % 5 == 0) {  // random bytes, half behind the valid 44-byte header and parameters
      in.resize(rng() % 2048);
      for (auto& x : in) x = static_cast<std::uint8_t>(rng());
      if (iter % 10 == 0 && s.proof.size() >= 44 && in.size() >= 44)
        std::copy(s.proof.begin(), s.proof.begin() + 44, in.begin());
    } else {
      in = mutate(rng, s.proof);
    }
    if (run(s, in) == 1) {
      ++accepted;
      CHECK_MESSAGE(in == s.proof, "a mutated WHIR proof was accepted");
    }
  }
  CHECK(accepted < 4000);
}
