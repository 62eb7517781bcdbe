// vtensor/commit/detail/whir_protocol.hpp — pieces of the WHIR protocol shared by
// its prover and verifier (commit/whir.hpp): the verifier's fiber fold, pow(u),
// query sampling, proof of work, claim checks and the statement binding.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vtensor/commit/detail/whir_kernels.hpp"
#include "vtensor/hash/sha256.hpp"
#include "vtensor/commit/whir_params.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/poly/ntt.hpp"
#include "vtensor/poly/reed_solomon.hpp"
#include "vtensor/sumcheck/proof.hpp"
#include "vtensor/sumcheck/round_poly.hpp"
#include "vtensor/testing.hpp"
#include "vtensor/transcript/pow.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

namespace whir_detail {

using E = GoldilocksExt2;

// FRI fold of one fiber: values at x_j μ^s (μ of order 2^fold) → F_{folded}(x_j^{2^fold}).
template <class T>
E fold_fiber(std::span<const T> vals, Goldilocks omega, std::size_t log_domain, std::size_t j,
             std::span<const E> alpha) {
  const unsigned k = static_cast<unsigned>(alpha.size());
  const std::size_t size = std::size_t{1} << log_domain;
  std::vector<E> cur(vals.begin(), vals.end());
  // x^{-1} = ω^{size − j}, μ^{-1} = ω^{-stride}
  Goldilocks x_inv = omega.pow((size - j) % size);
  Goldilocks mu_inv = omega.pow(size - (size >> k));
  const Goldilocks half = Goldilocks::from_u64(2).inverse();
  for (unsigned r = 0; r < k; ++r) {
    const std::size_t m = cur.size() / 2;
    Goldilocks scale = half * x_inv;  // 1 / (2 x μ^s), s = 0
    for (std::size_t s = 0; s < m; ++s) {
      const E a = cur[s], b = cur[s + m];
      cur[s] = (a + b) * half + alpha[r] * ((a - b) * scale);
      scale = scale * mu_inv;
    }
    cur.resize(m);
    x_inv = x_inv.square();
    mu_inv = mu_inv.square();
  }
  return cur[0];
}

// pow(u) = (u, u², u⁴, …), n coordinates.
inline std::vector<E> pow_point(Goldilocks u, unsigned n) {
  std::vector<E> p(n);
  for (unsigned j = 0; j < n; ++j) {
    p[j] = E(u);
    u = u.square();
  }
  return p;
}

inline std::vector<std::uint64_t> sorted_unique(std::vector<std::uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The fibers opened in an iteration: sampled (sorted, distinct) or all of them.
inline std::vector<std::uint64_t> query_indices(Transcript& t, const WhirParams::Iteration& it) {
  if (it.opens_all()) {
    std::vector<std::uint64_t> all(it.num_fibers());
    for (std::uint64_t j = 0; j < all.size(); ++j) all[j] = j;
    return all;
  }
  return sorted_unique(t.challenge_indices("whir/queries", it.num_fibers(), it.queries));
}

// pow(ζ) = (ζ, ζ², ζ⁴, …) for an out-of-domain ζ ∈ E.
inline std::vector<E> pow_point_ext(E u, unsigned n) {
  std::vector<E> p(n);
  for (unsigned j = 0; j < n; ++j) {
    p[j] = u;
    u = u.square();
  }
  return p;
}

inline std::vector<E> powers(const E& beta, std::size_t m) {
  std::vector<E> out(m);
  E g = E::one();
  for (auto& x : out) {
    x = g;
    g *= beta;
  }
  return out;
}

// Proof of work (transcript/pow.hpp), under WHIR's names.
using vtensor::pow_ok;
using vtensor::pow_prove;
using vtensor::pow_seed;
using vtensor::pow_verify;

inline constexpr std::size_t kMaxPoints = std::size_t{1} << kMaxClaimsLog;
inline constexpr std::size_t kMaxPolys = 1024;

// Claims: P polynomials, m common points, values[j][l] = f_j(z_l).
template <class Fail>
void check_claims(const WhirParams& p, std::size_t num_polys, std::span<const std::vector<E>> points,
                  std::span<const std::vector<E>> values, Fail&& fail) {
  if (num_polys == 0 || num_polys > kMaxPolys) fail("the number of polynomials must be in [1, 1024]");
  if (points.empty() || points.size() > kMaxPoints) fail("the number of points must be in [1, 2^16]");
  if (values.size() != num_polys) fail("one row of values per polynomial is needed");
  for (const auto& row : values)
    if (row.size() != points.size()) fail("points and values differ in number");
  for (const auto& z : points)
    if (z.size() != p.committed_vars()) fail("a point has the wrong number of coordinates");
}

// The statement: parameters, every root, every point and value. Sealed here.
inline void bind_statement(Transcript& t, const WhirParams& p, std::span<const Digest> roots,
                           std::span<const std::vector<E>> points, std::span<const std::vector<E>> values) {
  t.absorb("whir/params", p.encode());
  t.absorb_u64("whir/num_polys", roots.size());
  for (const auto& root : roots) t.absorb("whir/root", std::span<const std::uint8_t>(root.data(), Digest::kSize));
  t.absorb_u64("whir/num_points", points.size());
  for (const auto& z : points) t.absorb_fields<E>("whir/point", z);
  for (const auto& row : values) t.absorb_fields<E>("whir/values", row);
  if (!t.sealed()) t.seal_statement();
}

}  // namespace whir_detail
}  // namespace vtensor
