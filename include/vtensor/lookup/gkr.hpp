// vtensor/lookup/gkr.hpp — a GKR proof for a sum of fractions Σ_i p_i / q_i
// (Papini–Haböck, "Improving logarithmic derivative lookups using GKR", 2023), the
// engine of the LogUp argument (lookup/logup.hpp). Nothing is committed: the proof
// reduces the claim to one evaluation of the leaf MLEs p~, q~ at a random point.
//
// Layers. Layer L holds the 2^L leaves (p_i, q_i); layer k < L holds 2^k fractions,
// the sums of pairs of layer k+1 whose indices differ in the TOP bit:
//   P_k[x] = P_{k+1}[x]·Q_{k+1}[x + 2^k] + P_{k+1}[x + 2^k]·Q_{k+1}[x]
//   Q_k[x] = Q_{k+1}[x]·Q_{k+1}[x + 2^k]
// so P_0/Q_0 = Σ_i p_i/q_i whenever every q_i ≠ 0, and Q_0 = Π_i q_i.
//
// Protocol. The prover sends layer 1 (P_1[0], P_1[1], Q_1[0], Q_1[1]); the verifier
// computes P_0, Q_0 and draws τ_1: the claims on layer 1 at ρ_1 = (τ_1) are the
// linear interpolations. For k = 1 … L−1, with claims P_k~(ρ_k) = a, Q_k~(ρ_k) = b:
// draw μ_k, and prove with a sumcheck of degree 3 over x ∈ {0,1}^k
//   a + μ_k b = Σ_x eq(ρ_k, x)·[P0(x) Q1(x) + P1(x) Q0(x) + μ_k Q0(x) Q1(x)]
// (P0 = P_{k+1}[x], P1 = P_{k+1}[x + 2^k], likewise Q), ending at r ∈ E^k with the
// four values P0~(r), P1~(r), Q0~(r), Q1~(r) sent; then draw τ and set
// ρ_{k+1} = (r, τ) (τ is the new top variable), P_{k+1}~(ρ_{k+1}) = (1−τ)P0~(r) + τ P1~(r),
// likewise Q. After layer L−1 the claims are on the leaves.
//
// Error (round by round): each layer's sumcheck 3/|E| per round, the μ and τ
// combinations 1/|E| each; total ≤ (3·L(L−1)/2 + 2L)/|E|.
//
// Wire: 4 values (layer 1) ‖ for k = 1 … L−1 the batched-sumcheck body of one
// instance (sumcheck/batched.hpp: k rounds × 3 values, then 4 finals). Every value an
// element of E, canonical. Transcript labels "gkr/…".
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/sumcheck/batched.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

inline constexpr unsigned kGkrMaxLayers = 40;

// What the verifier learns: the root fraction and the leaf claims p~(ρ), q~(ρ).
struct FractionSumClaims {
  using E = GoldilocksExt2;
  E root_p, root_q;
  std::vector<E> point;  // ρ ∈ E^L
  E leaf_p, leaf_q;
};

namespace gkr_detail {
using E = GoldilocksExt2;

// The claims on the next layer: after layer-1's four values (point = {}) or a layer's
// sumcheck (its point r and finals P0, P1, Q0, Q1), draw τ; ρ = (r, τ) and the claims are
// the lines through the finals at τ.
struct LayerClaims {
  std::vector<E> rho;
  E p, q;
};
inline LayerClaims next_layer(Transcript& t, std::vector<E> point, std::span<const E> f) {
  const E tau = t.challenge_ext("gkr/tau");
  point.push_back(tau);
  return {std::move(point), f[0] + tau * (f[1] - f[0]), f[2] + tau * (f[3] - f[2])};
}

inline BatchedInstanceSpec layer_spec(std::size_t k, std::vector<E> rho, E mu) {
  return {k, 3, 4, [rho = std::move(rho), mu](std::span<const E> r, std::span<const E> f) {
            return eq_eval<E>(rho, r) * (f[0] * f[3] + f[1] * f[2] + mu * f[2] * f[3]);
          }};
}
}  // namespace gkr_detail

// Proves Σ p_i/q_i for leaves of 2^L entries (L ≥ 1). Appends to w; returns the claims
// the verifier will reach (for the caller's bookkeeping).
inline FractionSumClaims prove_fraction_sum(Transcript& t, ByteWriter& w, std::vector<GoldilocksExt2> p,
                                            std::vector<GoldilocksExt2> q) {
  using namespace gkr_detail;
  if (p.size() != q.size() || p.size() < 2 || !is_power_of_two(p.size()))
    throw ArgumentError("fraction sum: leaves must be two tables of 2^L ≥ 2 entries");
  const unsigned L = log2_exact(p.size());
  if (L > kGkrMaxLayers) throw ArgumentError("fraction sum: more than 2^40 leaves");
  // layers[k] = (P_k, Q_k), k = 1 … L (layer L = the leaves).
  std::vector<std::vector<E>> P(L + 1), Q(L + 1);
  P[L] = std::move(p);
  Q[L] = std::move(q);
  for (unsigned k = L; k-- > 1;) {
    const std::size_t h = std::size_t{1} << k;
    P[k].resize(h);
    Q[k].resize(h);
    const auto& p1 = P[k + 1];
    const auto& q1 = Q[k + 1];
    detail::parallel_for(h, [&](std::size_t x) {
      P[k][x] = p1[x] * q1[x + h] + p1[x + h] * q1[x];
      Q[k][x] = q1[x] * q1[x + h];
    });
  }
  FractionSumClaims out;
  const std::vector<E> top{P[1][0], P[1][1], Q[1][0], Q[1][1]};
  w.fields<E>(top);
  t.absorb_fields<E>("gkr/layer1", top);
  out.root_p = top[0] * top[3] + top[1] * top[2];
  out.root_q = top[2] * top[3];
  LayerClaims c = next_layer(t, {}, top);
  for (unsigned k = 1; k < L; ++k) {
    const E mu = t.challenge_ext("gkr/mu");
    const std::size_t h = std::size_t{1} << k;
    std::vector<std::vector<E>> tabs{std::vector<E>(P[k + 1].begin(), P[k + 1].begin() + h),
                                     std::vector<E>(P[k + 1].begin() + h, P[k + 1].end()),
                                     std::vector<E>(Q[k + 1].begin(), Q[k + 1].begin() + h),
                                     std::vector<E>(Q[k + 1].begin() + h, Q[k + 1].end())};
    P[k + 1].clear();
    P[k + 1].shrink_to_fit();
    Q[k + 1].clear();
    Q[k + 1].shrink_to_fit();
    DenseProductInstance inst(std::move(tabs),
                              {{E::one(), {0, 3}}, {E::one(), {1, 2}}, {mu, {2, 3}}}, {}, c.rho);
    SumcheckInstance* ptr[1] = {&inst};
    const E claim[1] = {c.p + mu * c.q};
    std::vector<E> r;
    w.bytes(prove_batched(t, ptr, claim, &r));
    c = next_layer(t, std::move(r), inst.finals());
  }
  out.point = c.rho;
  out.leaf_p = c.p;
  out.leaf_q = c.q;
  return out;
}

// Reads and checks a proof for 2^L leaves. The caller then checks root_p, root_q
// (e.g. P_0 = 0 and Q_0 ≠ 0 for LogUp) and the leaf claims against the leaves' own
// description. DecodeError on malformed bytes, VerifyError on a failed sumcheck.
inline FractionSumClaims verify_fraction_sum(Transcript& t, ByteReader& rd, unsigned L) {
  using namespace gkr_detail;
  if (L < 1 || L > kGkrMaxLayers) throw VerifyError("fraction sum: layer count out of range");
  FractionSumClaims out;
  const auto top = rd.fields<E>(4, "gkr layer-1 value");
  t.absorb_fields<E>("gkr/layer1", top);
  out.root_p = top[0] * top[3] + top[1] * top[2];
  out.root_q = top[2] * top[3];
  LayerClaims c = next_layer(t, {}, top);
  for (unsigned k = 1; k < L; ++k) {
    const E mu = t.challenge_ext("gkr/mu");
    const BatchedInstanceSpec spec[1] = {layer_spec(k, c.rho, mu)};
    const E claim[1] = {c.p + mu * c.q};
    const auto res = verify_batched(t, spec, claim, rd);
    c = next_layer(t, res.point, res.finals[0]);
  }
  out.point = c.rho;
  out.leaf_p = c.p;
  out.leaf_q = c.q;
  return out;
}

}  // namespace vtensor
