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
#include "vtensor/field/lazy.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/sumcheck/batched.hpp"
#include "vtensor/sumcheck/round_poly.hpp"
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

// The sumcheck of one layer, specialized (the GKR's hot loop): over x ∈ {0,1}^k,
//   Σ_x eq(ρ, x)·[P0(x) Q1(x) + P1(x) Q0(x) + μ Q0(x) Q1(x)],
// P0/P1 the low/high halves of the next layer's numerators, Q0/Q1 of its denominators,
// all folded in place. Round on variable v (highest first): with c = Π_{u>v} eq(ρ_u, r_u)
// and q(X) = Σ_{x'} eq(ρ_{<v}, x')·g(x', X) for X = 0, 1, 2 (g has degree 2), the message
// is s(X) = c·eq(ρ_v, X)·q(X) at X = 0 … 3 (q extended to 3). eq(ρ_{<v}, ·) is split into
// a low and a high table (√-sized); products are summed lazily and reduced per block.
class FractionLayerInstance final : public SumcheckInstance {
 public:
  // p, q: the next layer (2^{k+1} entries each), consumed.
  FractionLayerInstance(std::vector<E> p, std::vector<E> q, std::vector<E> rho, const E& mu)
      : p_(std::move(p)), q_(std::move(q)), rho_(std::move(rho)), mu_(mu) {
    n_ = rho_.size();
    if (p_.size() != (std::size_t{2} << n_) || q_.size() != p_.size())
      throw ArgumentError("fraction layer: tables of 2^{k+1} entries for a point of k coordinates");
    size_ = std::size_t{1} << n_;
  }
  std::size_t num_vars() const override { return n_; }
  std::size_t degree() const override { return 3; }

  std::vector<E> message() override {
    if (bound_ >= n_) throw ArgumentError("fraction layer: no round left");
    const std::size_t v = n_ - 1 - bound_, h = size_ / 2;
    const unsigned lo_bits = static_cast<unsigned>(v / 2);
    const auto lo = eq_table<E>(std::span<const E>(rho_).first(lo_bits));
    const auto hi = eq_table<E>(std::span<const E>(rho_).subspan(lo_bits, v - lo_bits));
    const std::size_t block = std::size_t{1} << lo_bits;
    // Table views: P0 = p_[0, size), P1 = p_[S, S + size), S the original half (tables are
    // folded in place, so each keeps its first `size_` entries).
    const E* P0 = p_.data();
    const E* P1 = p_.data() + half0();
    const E* Q0 = q_.data();
    const E* Q1 = q_.data() + half0();
    const int nt = detail::max_threads();
    std::vector<std::array<E, 3>> part(static_cast<std::size_t>(nt), {E::zero(), E::zero(), E::zero()});
    const ExtScalar mu(mu_);
    detail::parallel_chunks(hi.size(), std::max<std::size_t>(1, detail::kParallelGrain >> lo_bits),
                            [&](std::size_t b, std::size_t e, int tid) {
      std::array<E, 3> acc{E::zero(), E::zero(), E::zero()};
      for (std::size_t hb = b; hb < e; ++hb) {
        LazyExtSum in[3];
        for (std::size_t l = 0; l < block; ++l) {
          const std::size_t i = hb * block + l;  // x' = i, pairs (i, i + h)
          E a0 = P0[i], a1 = P0[i + h], b0 = P1[i], b1 = P1[i + h];
          E c0 = Q0[i], c1 = Q0[i + h], d0 = Q1[i], d1 = Q1[i + h];
          // X = 0, 1, 2: T(X) = T(0) + X (T(1) − T(0)).
          const E g0 = a0 * d0 + b0 * c0 + mu * (c0 * d0);
          const E g1 = a1 * d1 + b1 * c1 + mu * (c1 * d1);
          const E a2 = a1.doubled() - a0, b2 = b1.doubled() - b0, c2 = c1.doubled() - c0, d2 = d1.doubled() - d0;
          const E g2 = a2 * d2 + b2 * c2 + mu * (c2 * d2);
          in[0].add_product(lo[l], g0);
          in[1].add_product(lo[l], g1);
          in[2].add_product(lo[l], g2);
        }
        for (int x = 0; x < 3; ++x) acc[x] += hi[hb] * in[x].reduce();
      }
      for (int x = 0; x < 3; ++x) part[static_cast<std::size_t>(tid)][x] += acc[x];
    });
    std::array<E, 3> qv{E::zero(), E::zero(), E::zero()};
    for (const auto& pt : part)
      for (int x = 0; x < 3; ++x) qv[x] += pt[x];
    std::vector<E> qs(qv.begin(), qv.end());
    qs.push_back(extrapolate_next<E>(qs));
    std::vector<E> out(4);
    const E w = rho_[v];
    for (std::size_t x = 0; x < 4; ++x) {
      const E X = E::from_u64(x);
      out[x] = c_ * (w * X + (E::one() - w) * (E::one() - X)) * qs[x];
    }
    return out;
  }

  void bind(const E& r) override {
    if (bound_ >= n_) throw ArgumentError("fraction layer: no round left");
    const std::size_t v = n_ - 1 - bound_, h = size_ / 2;
    const ExtScalar rs(r);
    E* tabs[4] = {p_.data(), p_.data() + half0(), q_.data(), q_.data() + half0()};
    detail::parallel_for(h, [&](std::size_t i) {
      for (E* t : tabs) t[i] = rs.fold(t[i], t[i + h]);
    });
    c_ *= rho_[v] * r + (E::one() - rho_[v]) * (E::one() - r);
    size_ = h;
    ++bound_;
  }

  std::vector<E> finals() override {
    if (bound_ != n_) throw ArgumentError("fraction layer: finals before the last round");
    return {p_[0], p_[half0()], q_[0], q_[half0()]};
  }

 private:
  std::size_t half0() const { return p_.size() / 2; }
  std::vector<E> p_, q_, rho_;
  E mu_, c_ = E::one();
  std::size_t n_ = 0, size_ = 1, bound_ = 0;
};

// Layer 1 (P_1[0], P_1[1], Q_1[0], Q_1[1]) sent: absorb it, set the root P_0, Q_0, and
// reduce to claims on layer 1 at a random point.
inline LayerClaims layer_one(Transcript& t, const std::vector<E>& top, FractionSumClaims& out) {
  t.absorb_fields<E>("gkr/layer1", top);
  out.root_p = top[0] * top[3] + top[1] * top[2];
  out.root_q = top[2] * top[3];
  return next_layer(t, {}, top);
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
  LayerClaims c = layer_one(t, top, out);
  for (unsigned k = 1; k < L; ++k) {
    const E mu = t.challenge_ext("gkr/mu");
    FractionLayerInstance inst(std::move(P[k + 1]), std::move(Q[k + 1]), c.rho, mu);
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
  LayerClaims c = layer_one(t, rd.fields<E>(4, "gkr layer-1 value"), out);
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
