// Shared helpers for the test suite: seeded random field data, and the accept /
// mutate harness of the proof tests.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <array>
#include <random>
#include <span>
#include <string_view>
#include <vector>

#include "vtensor/commit/whir_params.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/sumcheck/composition.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor::test {

// Small WHIR parameters for the zero-knowledge tests: λ bits, final_vars 4, and
// `openings` hiding openings (0: not hiding).
inline WhirParams zk_params(unsigned num_vars = 0, unsigned lambda = 40, unsigned openings = 0) {
  WhirParams p;
  p.num_vars = num_vars;
  p.security_bits = lambda;
  p.final_vars = 4;
  p.hiding_openings = openings;
  return p;
}

// Pearson statistic of two 16-bin histograms with equal totals (the statistical
// zero-knowledge tests: 70 lies beyond the 10^-8 tail of χ² with 15 degrees of freedom).
inline double two_sample_chi2(const std::array<int, 16>& a, const std::array<int, 16>& b) {
  double x = 0;
  for (int i = 0; i < 16; ++i)
    if (a[i] + b[i] > 0) x += double(a[i] - b[i]) * double(a[i] - b[i]) / double(a[i] + b[i]);
  return x;
}

inline Goldilocks random_fp(std::mt19937_64& rng) {
  for (;;) {
    const std::uint64_t w = rng();
    if (w < Goldilocks::kModulus) return Goldilocks::from_canonical(w);
  }
}
inline GoldilocksExt2 random_ext(std::mt19937_64& rng) {
  const Goldilocks a = random_fp(rng);
  return {a, random_fp(rng)};
}
inline std::vector<Goldilocks> random_fps(std::mt19937_64& rng, std::size_t n) {
  std::vector<Goldilocks> v(n);
  for (auto& x : v) x = random_fp(rng);
  return v;
}
inline std::vector<GoldilocksExt2> random_exts(std::mt19937_64& rng, std::size_t n) {
  std::vector<GoldilocksExt2> v(n);
  for (auto& x : v) x = random_ext(rng);
  return v;
}
// Small signed integers, as quantized weights are.
inline std::vector<Goldilocks> random_small(std::mt19937_64& rng, std::size_t n, std::int64_t bound) {
  std::uniform_int_distribution<std::int64_t> d(-bound, bound);
  std::vector<Goldilocks> v(n);
  for (auto& x : v) x = Goldilocks::from_i64(d(rng));
  return v;
}

// Σ_x [eq(w, x)] · g(t_1[x], …, t_k[x]) the slow, obvious way: the claim a
// sumcheck proves. `tables[j][i]` is entry i of table j (any indexable containers).
template <Composition G, class Tables>
GoldilocksExt2 sum_of(const Tables& tables, std::span<const GoldilocksExt2> w) {
  using E = GoldilocksExt2;
  const std::size_t n = tables[0].size();
  const std::vector<E> eq = w.empty() ? std::vector<E>(n, E::one()) : eq_table<E>(w);
  E acc = E::zero();
  for (std::size_t i = 0; i < n; ++i) {
    std::array<E, G::kArity> y;
    for (std::size_t j = 0; j < G::kArity; ++j) y[j] = E(tables[j][i]);
    acc += eq[i] * G::eval(y);
  }
  return acc;
}

// A sealed transcript for protocol pieces tested on their own.
inline Transcript sealed_transcript(std::string_view id) {
  Transcript t(id, 1, GoldilocksExt2::kFieldId);
  t.seal_statement();
  return t;
}

// Runs a verifier that rejects by throwing DecodeError or VerifyError: true when it
// accepts. Any other exception propagates (and fails the test).
template <class Verify>
bool verifies(Verify&& verify) {
  try {
    verify();
    return true;
  } catch (const DecodeError&) {
    return false;
  } catch (const VerifyError&) {
    return false;
  }
}

// The byte positions of `proof` at which proof[pos] ^= flip (for each flip) is still
// accepted by `accepts(bytes)`; a sound verifier leaves this empty.
template <class Accepts>
std::vector<std::size_t> accepted_mutations(const std::vector<std::uint8_t>& proof,
                                            std::initializer_list<std::uint8_t> flips, Accepts&& accepts) {
  std::vector<std::size_t> out;
  for (std::size_t pos = 0; pos < proof.size(); ++pos)
    for (std::uint8_t flip : flips) {
      auto m = proof;
      m[pos] ^= flip;
      if (accepts(m)) out.push_back(pos);
    }
  return out;
}

}  // namespace vtensor::test
