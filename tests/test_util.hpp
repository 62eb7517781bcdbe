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

// A sealed transcript whose statement is a model pair's roots (and anything `extra`
// absorbs first, such as a layout digest): the zero-knowledge block tests.
template <class Extra = void (*)(Transcript&)>
Transcript pair_transcript(std::string_view id, const Digest& base, const Digest& tuned,
                           Extra&& extra = [](Transcript&) {}) {
  Transcript t(id, 1, GoldilocksExt2::kFieldId);
  extra(t);
  t.absorb("base", base.bytes);
  t.absorb("tuned", tuned.bytes);
  t.seal_statement();
  return t;
}

// Stacked mutations of a valid proof for the fuzz tests: 1 … 4 of bit and byte flips,
// insertions, deletions, truncations, an 8-byte field set to an edge value, the tail of
// one of `others` spliced in (none when empty), a chunk copied over another place.
inline std::vector<std::uint8_t> mutate_bytes(std::mt19937_64& rng, std::vector<std::uint8_t> b,
                                              const std::vector<std::vector<std::uint8_t>>& others = {}) {
  using Bytes = std::vector<std::uint8_t>;
  const int ops = 1 + static_cast<int>(rng() % 4);
  for (int k = 0; k < ops; ++k) {
    const std::size_t at = b.empty() ? 0 : rng() % b.size();
    switch (rng() % 8) {
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
      case 5: {  // a u32/u64 field at a random offset set to an edge value
        static constexpr std::uint64_t edge[] = {0, 1, 0xFF, 0xFFFF, 0xFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull,
                                             Goldilocks::kModulus, 1ull << 20, 1ull << 32};
        const std::uint64_t v = edge[rng() % 9];
        for (int i = 0; i < 8 && at + i < b.size(); ++i) b[at + i] = static_cast<std::uint8_t>(v >> (8 * i));
        break;
      }
      case 6: {  // splice the tail of another proof
        if (others.empty()) break;
        const Bytes& o = others[rng() % others.size()];
        const std::size_t from = o.empty() ? 0 : rng() % o.size();
        b.resize(at);
        b.insert(b.end(), o.begin() + static_cast<std::ptrdiff_t>(from), o.end());
        break;
      }
      default: {  // copy a chunk over another place
        if (b.size() < 16) break;
        const std::size_t len = 1 + rng() % 32, from = rng() % (b.size() - 1);
        for (std::size_t i = 0; i < len && from + i < b.size() && at + i < b.size(); ++i) b[at + i] = b[from + i];
        break;
      }
    }
  }
  return b;
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
