// vtensor/sumcheck/zk.hpp — zero-knowledge batched sumcheck: the batched sumcheck of
// sumcheck/batched.hpp with a Libra masking polynomial (Xie, Zhang, Zhang,
// Papamanthou, Song 2019, "Libra", §4.1, after Chiesa, Forbes, Spooner 2017), its mask
// committed in WHIR's hiding mode. docs/zk.md gives the protocol, the simulator and
// the budget of revealed values.
//
// Claim: Σ_x Σ_i λ_i g_i(x) for instances g_i (public claims C_i), n = max n_i
// variables, degree D = max D_i. The prover
//  1. samples g(x) = a_0 + Σ_{v<n} g_v(x_v), g_v(X) = Σ_{j=1}^{D} c_{v,j} X^j, with a_0
//     and the c_{v,j} uniform in F_{p²}, written into a base-field table T (below),
//     commits T in hiding mode and sends its root and G = Σ_{x ∈ {0,1}^n} g(x)
//        = 2^n a_0 + 2^{n−1} Σ_v g_v(1);
//  2. runs the batched sumcheck of the instances and g (claim G): g joins with its own
//     λ, which is nonzero except with probability 1/|E|, so every round polynomial is
//     the instances' plus a uniformly random polynomial of degree D given its sum, and
//     sends γ = g(r) among the finals;
//  3. proves G and γ from T: with κ drawn, Σ_t T̂(t) W(t) = G + κγ, where T̂ is the
//     committed table (T on y = 0, uniform for y ≠ 0: the hiding mask variables y)
//     and W(t, y) = [y = 0]·(w_G(t) + κ w_r(t)) a public weight the verifier evaluates
//     itself; a plain sumcheck of degree 2 binds y first (the highest variables), so
//     after its first round every table it touches is one-time padded by T̂'s random
//     half; it ends at T̂(ρ) for a point ρ with random mask coordinates;
//  4. opens T̂(ρ) with Whir::open_hiding_masked.
// The instances' finals are sent in clear: for zero knowledge they must be values of
// hiding-committed tables at points with random mask coordinates (run the instance
// over the extended domain with the public selector [y = 0]; tests/test_zk_sumcheck.cpp).
//
// T's layout (base field, variables low to high): one component bit (c = T[0,·] +
// u·T[1,·], F_{p²} = F_p[u]/(u² − 7)), b bits of j (2^b ≥ D + 1), a bits of v
// (2^a ≥ n + 1); a_0 sits at v = n, j = 0.
//
// Wire: mask root (32 B) ‖ G (F_{p²}) ‖ the batched proof (instances' and g's finals,
// γ last) ‖ the aux batched proof ‖ u32 length ‖ the hiding WHIR proof.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <utility>
#include <span>
#include <vector>

#include "vtensor/commit/whir.hpp"
#include "vtensor/commit/zk_table.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/sumcheck/batched.hpp"

namespace vtensor {

// The shape of a Libra mask for n variables and degree D, and its public weights.
struct LibraMaskShape {
  using E = GoldilocksExt2;
  std::size_t n = 0, degree = 1;
  unsigned a = 0, b = 0;

  LibraMaskShape(std::size_t num_vars, std::size_t deg) : n(num_vars), degree(deg) {
    if (deg < 1 || deg > kBatchMaxDegree) throw ArgumentError("Libra mask: degree not in [1, 16]");
    if (num_vars > kSumcheckMaxVars) throw ArgumentError("Libra mask: too many variables");
    while ((std::size_t{1} << a) < n + 1) ++a;
    while ((std::size_t{1} << b) < degree + 1) ++b;
  }
  unsigned num_vars() const { return 1 + a + b; }
  std::size_t size() const { return std::size_t{1} << num_vars(); }
  std::size_t index(unsigned comp, std::size_t j, std::size_t v) const { return comp + 2 * (j + (v << b)); }

  // Σ_t T(t) weights(t) = Σ_{v<n, 1≤j≤D} coef(v, j) c_{v,j} + coef_0 a_0 with
  // coef(v, j) = cv[v][j−1]: the table of u^comp · coef.
  template <class Coef>
  std::vector<E> weights(Coef&& coef, const E& coef0) const {
    const E u(Goldilocks::zero(), Goldilocks::one());
    std::vector<E> w(size(), E::zero());
    for (std::size_t v = 0; v < n; ++v)
      for (std::size_t j = 1; j <= degree; ++j) {
        const E c = coef(v, j);
        w[index(0, j, v)] = c;
        w[index(1, j, v)] = c * u;
      }
    w[index(0, 0, n)] = coef0;
    w[index(1, 0, n)] = coef0 * u;
    return w;
  }
  // G = Σ_{x ∈ {0,1}^n} g(x): coef 2^{n−1}, coef_0 2^n.
  std::vector<E> sum_weights() const {
    const E half = n == 0 ? E::zero() : E(Goldilocks::from_u64(2).pow(n - 1));
    return weights([&](std::size_t, std::size_t) { return half; }, E(Goldilocks::from_u64(2).pow(n)));
  }
  // g(r) = a_0 + Σ_v Σ_j c_{v,j} r_v^j.
  std::vector<E> eval_weights(std::span<const E> r) const {
    if (r.size() != n) throw ArgumentError("Libra mask: point of the wrong length");
    std::vector<std::vector<E>> pw(n, std::vector<E>(degree + 1, E::one()));
    for (std::size_t v = 0; v < n; ++v)
      for (std::size_t j = 1; j <= degree; ++j) pw[v][j] = pw[v][j - 1] * r[v];
    return weights([&](std::size_t v, std::size_t j) { return pw[v][j]; }, E::one());
  }
};

// The prover's mask: T (uniform), read as g; a SumcheckInstance for the batch.
class LibraMask final : public SumcheckInstance {
 public:
  // T uniform from the CSPRNG (never the transcript).
  LibraMask(std::size_t num_vars, std::size_t degree)
      : LibraMask(LibraMaskShape(num_vars, degree),
                  whir_detail::csprng_fields(LibraMaskShape(num_vars, degree).size())) {}
  // A given table (tests build inconsistent provers from it).
  LibraMask(LibraMaskShape shape, std::vector<Goldilocks> table) : shape_(shape), table_(std::move(table)) {
    if (table_.size() != shape_.size()) throw ArgumentError("Libra mask: table of the wrong size");
    const auto at = [&](std::size_t j, std::size_t v) {
      return E(table_[shape_.index(0, j, v)], table_[shape_.index(1, j, v)]);
    };
    a0_ = at(0, shape_.n);
    c_.assign(shape_.n, std::vector<E>(shape_.degree, E::zero()));
    g1_.assign(shape_.n, E::zero());
    for (std::size_t v = 0; v < shape_.n; ++v)
      for (std::size_t j = 1; j <= shape_.degree; ++j) {
        c_[v][j - 1] = at(j, v);
        g1_[v] += c_[v][j - 1];
      }
  }

  const LibraMaskShape& shape() const { return shape_; }
  const std::vector<Goldilocks>& table() const { return table_; }

  E sum() const {
    E s = a0_ * E(Goldilocks::from_u64(2).pow(shape_.n));
    if (shape_.n > 0) {
      E t = E::zero();
      for (const auto& x : g1_) t += x;
      s += t * E(Goldilocks::from_u64(2).pow(shape_.n - 1));
    }
    return s;
  }
  E eval(std::span<const E> r) const {
    E s = a0_;
    for (std::size_t v = 0; v < shape_.n; ++v) s += univariate(v, r[v]);
    return s;
  }

  // The batch binds the highest free variable each round.
  std::size_t num_vars() const override { return shape_.n; }
  std::size_t degree() const override { return shape_.degree; }
  std::vector<E> message() override {
    if (bound_ >= shape_.n) throw ArgumentError("Libra mask: no round left");
    const std::size_t v = shape_.n - 1 - bound_, m = v;  // free variables below v
    E rest = E::zero();                                   // Σ_{i<v} g_i(1)
    for (std::size_t i = 0; i < v; ++i) rest += g1_[i];
    const E scale = E(Goldilocks::from_u64(2).pow(m));
    const E others = m == 0 ? E::zero() : rest * E(Goldilocks::from_u64(2).pow(m - 1));
    std::vector<E> s;
    for (std::size_t x = 0; x <= shape_.degree; ++x)
      s.push_back(scale * (a0_ + bound_sum_ + univariate(v, E::from_u64(x))) + others);
    return s;
  }
  void bind(const E& r) override {
    if (bound_ >= shape_.n) throw ArgumentError("Libra mask: no round left");
    bound_sum_ += univariate(shape_.n - 1 - bound_, r);
    ++bound_;
  }
  std::vector<E> finals() override {
    if (bound_ != shape_.n) throw ArgumentError("Libra mask: finals before the last round");
    return {a0_ + bound_sum_};
  }

 private:
  E univariate(std::size_t v, const E& x) const {
    E acc = E::zero(), p = x;
    for (std::size_t j = 0; j < shape_.degree; ++j, p *= x) acc += c_[v][j] * p;
    return acc;
  }

  LibraMaskShape shape_;
  std::vector<Goldilocks> table_;
  E a0_;
  std::vector<std::vector<E>> c_;
  std::vector<E> g1_;
  E bound_sum_ = E::zero();
  std::size_t bound_ = 0;
};

// WHIR parameters of a mask's table: the caller's regime, rate, folding and security,
// hiding with a budget of two openings — one spent, the other covering the ≈ 4·vars + 4
// F_p dimensions the aux sumcheck and the final claim reveal of T̂'s random half
// (docs/zk.md).
inline WhirParams libra_mask_params(WhirParams base, const LibraMaskShape& shape) {
  base.num_vars = shape.num_vars();
  base.hiding_openings = 2;
  return base;
}

namespace zk_detail {
// The aux weight w = w_G + κ·w_r on the mask table (its real part: W = [y = 0]·w).
inline std::vector<GoldilocksExt2> aux_weight(const LibraMaskShape& shape, std::span<const GoldilocksExt2> r,
                                              const GoldilocksExt2& kappa) {
  auto w = shape.sum_weights();
  const auto wr = shape.eval_weights(r);
  for (std::size_t i = 0; i < w.size(); ++i) w[i] += kappa * wr[i];
  return w;
}
}  // namespace zk_detail

namespace zk_detail {
inline std::pair<std::size_t, std::size_t> shape_of(std::span<SumcheckInstance* const> inst) {
  std::size_t n = 0, D = 1;
  for (auto* i : inst) {
    n = std::max(n, i->num_vars());
    D = std::max(D, i->degree());
  }
  return {n, D};
}
inline std::pair<std::size_t, std::size_t> shape_of(std::span<const BatchedInstanceSpec> inst) {
  std::size_t n = 0, D = 1;
  for (const auto& i : inst) {
    n = std::max(n, i.num_vars);
    D = std::max(D, i.degree);
  }
  return {n, D};
}
}  // namespace zk_detail

// What the caller learns: the common point and each instance's finals (the mask's
// are not included).
using ZkSumcheckResult = BatchedSumcheckResult;

// Proves the instances' claims in zero knowledge, appending the proof to w. `mask` is
// the Libra mask and `mask_table` its hiding-committed table (of mask.table(); its
// commitment already bound by the caller); the claim on it joins `open`, which the
// caller proves (commit/zk_table.hpp). prove_zk_batched below does it all.
inline void prove_zk_batched_with(Transcript& t, std::span<SumcheckInstance* const> inst,
                                  std::span<const GoldilocksExt2> claims, LibraMask& mask, const ZkTable& mask_table,
                                  ZkOpenings& open, ByteWriter& w, std::vector<GoldilocksExt2>* point = nullptr) {
  using E = GoldilocksExt2;
  if (mask_table.vars != mask.shape().num_vars()) throw ArgumentError("zk sumcheck: the mask table has the wrong size");
  const E G = mask.sum();
  w.field<E>(G);
  t.absorb_field<E>("zk/mask_sum", G);
  std::vector<SumcheckInstance*> all(inst.begin(), inst.end());
  all.push_back(&mask);
  std::vector<E> cl(claims.begin(), claims.end());
  cl.push_back(G);
  std::vector<E> r;
  w.bytes(prove_batched(t, all, cl, &r));
  const E gamma = mask.eval(r);
  // Aux: Σ T̂ W = G + κγ over the mask table's extended domain, y bound first.
  const E kappa = t.challenge_ext("zk/kappa");
  const unsigned nc = mask_table.ext_vars();
  DenseProductInstance aux({zk_detail::lift(mask_table.extended(), nc),
                            zk_detail::lift(zk_detail::aux_weight(mask.shape(), r, kappa), nc)},
                           {{E::one(), {0, 1}}}, {false, true});
  SumcheckInstance* ap[1] = {&aux};
  const E aux_claim = G + kappa * gamma;
  std::vector<E> rho;
  w.bytes(prove_batched(t, ap, std::span<const E>(&aux_claim, 1), &rho));
  open.add(mask_table, rho);
  if (point) *point = std::move(r);
}


// A protocol step with a mask of its own: a fresh Libra mask committed on its own (its
// root sent and absorbed under `label`), then prove_zk_batched_with; the mask's claim
// joins `open`, which keeps the mask's data until it proves.
inline void prove_zk_batched_masked(Transcript& t, std::string_view label, std::span<SumcheckInstance* const> inst,
                                    std::span<const GoldilocksExt2> claims, const WhirParams& whir_base,
                                    ZkOpenings& open, ByteWriter& w, std::vector<GoldilocksExt2>* point = nullptr) {
  const auto [n, D] = zk_detail::shape_of(inst);
  LibraMask mask(n, D);
  const auto mp = libra_mask_params(whir_base, mask.shape());
  auto [com, pd] = Whir::commit(mp, mask.table());
  const auto data = std::make_shared<const WhirProverData>(std::move(pd));
  open.keep(data);
  send_root(t, w, label, com);
  prove_zk_batched_with(t, inst, claims, mask, zk_table_of(mp, com, data.get()), open, w, point);
}

// The same with the mask's opening at the end: mask root ‖ G ‖ batched proof ‖ aux
// proof ‖ u32 length ‖ WHIR proof.
inline std::vector<std::uint8_t> prove_zk_batched(Transcript& t, std::span<SumcheckInstance* const> inst,
                                                  std::span<const GoldilocksExt2> claims,
                                                  const WhirParams& whir_base,
                                                  std::vector<GoldilocksExt2>* point = nullptr) {
  ByteWriter w;
  ZkOpenings open;
  prove_zk_batched_masked(t, "zk/mask_root", inst, claims, whir_base, open, w, point);
  open.prove(t, w);
  return std::move(w).take();
}

// The verifier of prove_zk_batched_with: the claim on the mask table joins `open`.
inline ZkSumcheckResult verify_zk_batched_with(Transcript& t, std::span<const BatchedInstanceSpec> inst,
                                               std::span<const GoldilocksExt2> claims, const ZkTable& mask_table,
                                               ZkOpeningsVerifier& open, ByteReader& rd) {
  return verifying([&] {
    using E = GoldilocksExt2;
    const auto [n, D] = zk_detail::shape_of(inst);
    const LibraMaskShape shape(n, D);
    if (mask_table.vars != shape.num_vars()) throw VerifyError("zk sumcheck: the mask table has the wrong size");
    const E G = rd.field<E>("zk sumcheck mask sum");
    t.absorb_field<E>("zk/mask_sum", G);
    std::vector<BatchedInstanceSpec> specs(inst.begin(), inst.end());
    specs.push_back({n, D, 1, [](std::span<const E>, std::span<const E> f) { return f[0]; }});
    std::vector<E> cl(claims.begin(), claims.end());
    cl.push_back(G);
    auto res = verify_batched(t, specs, cl, rd);
    const E gamma = res.finals.back()[0];
    res.finals.pop_back();
    const E kappa = t.challenge_ext("zk/kappa");
    const unsigned nc = mask_table.ext_vars(), nv = shape.num_vars();
    const auto w_small = zk_detail::aux_weight(shape, res.point, kappa);
    const BatchedInstanceSpec aux{nc, 2, 1, [&](std::span<const E> p, std::span<const E> f) {
                                    return f[0] * zk_detail::zero_above(p, nv, nc) *
                                           mle_evaluate<E, E>(w_small, p.first(nv));
                                  }};
    const E aux_claim = G + kappa * gamma;
    const auto ares = verify_batched(t, std::span<const BatchedInstanceSpec>(&aux, 1), std::span<const E>(&aux_claim, 1), rd);
    open.add(mask_table, ares.point, ares.finals[0][0]);
    return res;
  });
}

// The verifier of prove_zk_batched_masked.
inline ZkSumcheckResult verify_zk_batched_masked(Transcript& t, std::string_view label,
                                                 std::span<const BatchedInstanceSpec> inst,
                                                 std::span<const GoldilocksExt2> claims, const WhirParams& whir_base,
                                                 ZkOpeningsVerifier& open, ByteReader& rd) {
  return verifying([&] {
    const auto [n, D] = zk_detail::shape_of(inst);
    const auto mp = libra_mask_params(whir_base, LibraMaskShape(n, D));
    const WhirCommitment root = receive_root(t, rd, label);
    return verify_zk_batched_with(t, inst, claims, zk_table_of(mp, root), open, rd);
  });
}

// Reads a proof of prove_zk_batched from rd and checks it (DecodeError on malformed
// bytes, VerifyError on a failed check). `whir_base` must be the prover's.
inline ZkSumcheckResult verify_zk_batched(Transcript& t, std::span<const BatchedInstanceSpec> inst,
                                          std::span<const GoldilocksExt2> claims, const WhirParams& whir_base,
                                          ByteReader& rd) {
  ZkOpeningsVerifier open;
  auto res = verify_zk_batched_masked(t, "zk/mask_root", inst, claims, whir_base, open, rd);
  verifying([&] { open.verify(t, rd); });
  return res;
}

}  // namespace vtensor
