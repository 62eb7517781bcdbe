// vtensor/lookup/zk_lookup.hpp — a zero-knowledge LogUp lookup over hiding-committed
// columns (Haböck 2022, with committed inverse columns instead of the fractional GKR,
// whose layer values a zero-knowledge proof would have to mask too). docs/zk.md.
//
// Statement: hiding-committed tables (commit/zk_table.hpp) A_1..A_K of 2^{n_a} entries
// each, public coefficients β_k, a public table t of 2^{n_t} base-field entries, and a
// hiding-committed table of multiplicities m (2^{n_t} entries). Claim: every
// a(x) = Σ_k β_k A_k(x), x ∈ {0,1}^{n_a}, is an entry of t.
//
// Protocol (the caller has bound the statement, commitments included):
//  1. α is drawn. The prover commits one hiding bundle holding h(x) = 1/(α − a(x)),
//     k(j) = m(j)/(α − t(j)) (F_{p²}-valued: tables with the component as their lowest
//     variable, h = H(0, ·) + u·H(1, ·)) and the Libra mask of step 2; root sent.
//  2. z_a, z_t are drawn and one zero-knowledge batched sumcheck (sumcheck/zk.hpp)
//     proves, over the extended domains (x, y) of the tables, sel = [y = 0]:
//       I1  Σ sel_a·ĥ − Σ sel_t·k̂ = 0                       (LogUp's sum)
//       I2  Σ eq(z_a, ·)·sel_a·(ĥ·(α − Σ β_k Â_k) − 1) = 0    (h is a's inverse)
//       I3  Σ eq(z_t, ·)·sel_t·(k̂·(α − t) − m̂) = 0           (k is m over t's)
//     Tables with fewer variables than their domain's widest are zero-padded above
//     (their extension is the table's times eq(0, the padding)).
//  3. The prover sends ĥ's and k̂'s two components at the final point; every table's
//     claim joins the caller's ZkOpenings (one opening per commitment).
// Soundness: if some a(x) is not in t, Σ 1/(α − a) − Σ m/(α − t) is a nonzero rational
// function; clearing denominators leaves degree ≤ 2^{n_a} + 2^{n_t}, so α hits a root
// with probability ≤ (2^{n_a} + 2^{n_t})/|E|; I2 and I3 are zero-checks at random
// points (≤ vars/|E| each); then the sumcheck and the openings. Multiplicities below p.
// Zero knowledge: the sumcheck is masked, every revealed value is a committed table at
// a point with random mask coordinates.
//
// Wire: the bundle's root (32 B) ‖ G and the two sumchecks (sumcheck/zk.hpp) ‖ ĥ's and
// k̂'s components (4 F_{p²}); the openings follow wherever the caller proves them.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "vtensor/field/batch_inverse.hpp"
#include "vtensor/sumcheck/zk.hpp"

namespace vtensor {

struct ZkLookupStatement {
  using E = GoldilocksExt2;
  std::vector<ZkTable> columns;  // A_1..A_K, 2^{n_a} entries each (pd set on the prover's side)
  std::vector<E> coeffs;         // β_1..β_K
  ZkTable mult;                  // m, 2^{n_t} entries
  std::vector<Goldilocks> table; // t, 2^{n_t} entries (public)
  WhirParams base;               // regime, rate, folding, security of the inverse bundle

  // Binds the statement (before α): every table, the coefficients and the table t.
  void absorb(Transcript& t) const {
    for (const auto& c : columns) absorb_table(t, "zk_lookup/column", c);
    t.absorb_fields<E>("zk_lookup/coeffs", coeffs);
    absorb_table(t, "zk_lookup/mult", mult);
    t.absorb_fields<Goldilocks>("zk_lookup/table", table);
  }
  void validate() const {
    if (columns.empty() || columns.size() != coeffs.size())
      throw ArgumentError("zk lookup: one coefficient per column, at least one column");
    for (const auto& c : columns)
      if (c.vars != columns[0].vars || c.ext_vars() != columns[0].ext_vars())
        throw ArgumentError("zk lookup: the columns must have one size and one extension");
    for (const auto& c : columns)
      if (c.params.hiding_openings < 2) throw ArgumentError("zk lookup: every column must be hiding with ≥ 2 openings");
    if (mult.params.hiding_openings < 2) throw ArgumentError("zk lookup: the multiplicities must be hiding with ≥ 2 openings");
    if (table.size() != (std::size_t{1} << mult.vars))
      throw ArgumentError("zk lookup: the table must have as many entries as the multiplicities");
  }
};

namespace zk_lookup_detail {
using namespace zk_detail;

inline constexpr std::size_t kDegree = 4;  // I2, I3: eq · sel · ĥ · Â

// The shapes both sides derive from the statement. The inverse bundle holds H
// (n_a + 1 variables), K (n_t + 1) and the Libra mask, whose size depends on the
// domains, which depend on the bundle's mask variables: iterated to a fixed point.
struct Shape {
  unsigned na = 0, nt = 0;   // real variables
  unsigned ca = 0, ct = 0;   // extended variables of A_k and m
  unsigned eh = 0;           // ĥ's and k̂'s extended variables beyond n_a, n_t
  unsigned da = 0, dt = 0;   // the extended domains: widest of (Â, ĥ) and (m̂, k̂)
  unsigned N = 0;            // I1's domain
  std::vector<unsigned> bundle_vars;  // H, K, mask
  explicit Shape(const ZkLookupStatement& s) {
    na = s.columns[0].vars;
    nt = s.mult.vars;
    ca = s.columns[0].ext_vars();
    ct = s.mult.ext_vars();
    unsigned mv = 1;
    for (int iter = 0; iter < 8; ++iter) {
      bundle_vars = {na + 1, nt + 1, mv};
      WhirParams p = s.base;  // the bundle's (ZkBundle)
      p.num_vars = ZkBundleLayout(bundle_vars).num_vars;
      p.hiding_openings = 2;
      eh = p.mask_vars();
      da = std::max(ca, na + eh);
      dt = std::max(ct, nt + eh);
      N = std::max(da, dt);
      const unsigned want = LibraMaskShape(N, kDegree).num_vars();
      if (want == mv) return;
      mv = want;
    }
    throw ArgumentError("zk lookup: the inverse bundle's shape does not settle");
  }
};
}  // namespace zk_lookup_detail

// Edits the inverse columns (h over the columns' domain, k over the table's) after
// they are computed and before they are committed: tests build cheating provers with it.
using ZkLookupInverseEdit = std::function<void(std::vector<GoldilocksExt2>& h, std::vector<GoldilocksExt2>& k)>;

// The prover (the statement's tables carry the prover's data). Claims on every table
// join `open`; the caller proves them after.
inline void prove_zk_lookup(Transcript& t, const ZkLookupStatement& s, ZkOpenings& open, ByteWriter& w,
                            const ZkLookupInverseEdit& edit = {}) {
  using namespace zk_lookup_detail;
  s.validate();
  const Shape sh(s);
  const std::size_t Na = std::size_t{1} << sh.na, Nt = std::size_t{1} << sh.nt;
  const std::size_t K = s.columns.size();
  std::vector<std::vector<Goldilocks>> cols;  // extended tables
  for (const auto& c : s.columns) cols.push_back(c.extended());
  const auto mult = s.mult.extended();
  s.absorb(t);
  const E alpha = t.challenge_ext("zk_lookup/alpha");
  // h = 1/(α − a), k = m/(α − t) on the real domains.
  std::vector<E> h(Na), k(Nt);
  for (std::size_t x = 0; x < Na; ++x) {
    E a = E::zero();
    for (std::size_t c = 0; c < K; ++c) a += s.coeffs[c] * E(cols[c][x]);
    h[x] = alpha - a;
  }
  for (std::size_t j = 0; j < Nt; ++j) k[j] = alpha - E(s.table[j]);
  batch_inverse<E>(h);
  batch_inverse<E>(k);
  for (std::size_t j = 0; j < Nt; ++j) k[j] *= E(mult[j]);
  if (edit) edit(h, k);
  LibraMask mask(sh.N, kDegree);
  const ZkBundle bundle(s.base, {interleave(h), interleave(k), mask.table()}, 2);
  open.keep(bundle.data());  // its claims are proven after this returns
  send_root(t, w, "zk_lookup/bundle_root", bundle.commitment());
  const auto za = t.challenge_exts("zk_lookup/z_a", sh.da);
  const auto zt = t.challenge_exts("zk_lookup/z_t", sh.dt);
  const auto hx = bundle.table(0).extended(), kx = bundle.table(1).extended();
  // I1 over N variables: tables ĥ, k̂, sel_a, sel_t.
  DenseProductInstance i1({lift_ext(hx, sh.N), lift_ext(kx, sh.N), selector(sh.na, sh.N), selector(sh.nt, sh.N)},
                          {{E::one(), {2, 0}}, {-E::one(), {3, 1}}}, {false, false, true, true});
  // I2 over da: Â_1..Â_K, ĥ, sel_a; eq(z_a).
  std::vector<std::vector<E>> t2;
  for (const auto& c : cols) t2.push_back(lift(c, sh.da));
  t2.push_back(lift_ext(hx, sh.da));
  t2.push_back(selector(sh.na, sh.da));
  std::vector<DenseProductInstance::Term> terms2{{alpha, {K + 1, K}}, {-E::one(), {K + 1}}};
  for (std::size_t c = 0; c < K; ++c) terms2.push_back({-s.coeffs[c], {K + 1, K, c}});
  std::vector<bool> pub2(K + 2, false);
  pub2[K + 1] = true;
  DenseProductInstance i2(std::move(t2), std::move(terms2), pub2, za);
  // I3 over dt: m̂, k̂, t, sel_t; eq(z_t).
  DenseProductInstance i3({lift(mult, sh.dt), lift_ext(kx, sh.dt), lift(s.table, sh.dt), selector(sh.nt, sh.dt)},
                          {{alpha, {3, 1}}, {-E::one(), {3, 1, 2}}, {-E::one(), {3, 0}}},
                          {false, false, true, true}, zt);
  SumcheckInstance* inst[3] = {&i1, &i2, &i3};
  const E zeros[3] = {E::zero(), E::zero(), E::zero()};
  std::vector<E> r;
  prove_zk_batched_with(t, inst, zeros, mask, bundle.table(2), open, w, &r);
  // Claims at the final point's low coordinates; ĥ and k̂ at both components.
  for (const auto& c : s.columns) open.add(c, std::span<const E>(r.data(), sh.ca));
  open.add(s.mult, std::span<const E>(r.data(), sh.ct));
  std::vector<E> comps;
  for (std::size_t i = 0; i < 2; ++i) {
    const unsigned n = (i == 0 ? sh.na : sh.nt) + sh.eh;
    for (unsigned comp = 0; comp < 2; ++comp) {
      std::vector<E> p{E::from_u64(comp)};
      p.insert(p.end(), r.begin(), r.begin() + n);
      comps.push_back(open.add(bundle.table(i), p));
    }
  }
  w.fields<E>(comps);
  t.absorb_fields<E>("zk_lookup/components", comps);
}

// Reads and checks a zero-knowledge lookup proof (DecodeError / VerifyError); the
// claims on the tables join `open`, which the caller verifies after.
inline void verify_zk_lookup(Transcript& t, const ZkLookupStatement& s, ZkOpeningsVerifier& open, ByteReader& rd) {
  verifying([&] {
    using namespace zk_lookup_detail;
    std::optional<Shape> shape;
    try {
      s.validate();
      shape.emplace(s);
    } catch (const ArgumentError& e) {
      throw VerifyError(e.what());
    }
    const Shape& sh = *shape;
    const std::size_t K = s.columns.size();
    s.absorb(t);
    const E alpha = t.challenge_ext("zk_lookup/alpha");
    const WhirCommitment bc = receive_root(t, rd, "zk_lookup/bundle_root");
    const auto bundle = ZkBundle::tables_of(s.base, sh.bundle_vars, bc, 2);
    const auto za = t.challenge_exts("zk_lookup/z_a", sh.da);
    const auto zt = t.challenge_exts("zk_lookup/z_t", sh.dt);
    // Finals: I1 (ĥ, k̂ padded to N), I2 (Â_1..Â_K, ĥ padded to da), I3 (m̂, k̂ padded to dt).
    const BatchedInstanceSpec specs[3] = {
        {sh.N, 2, 2,
         [&](std::span<const E> p, std::span<const E> f) {
           return zero_above(p, sh.na, sh.N) * f[0] - zero_above(p, sh.nt, sh.N) * f[1];
         }},
        {sh.da, kDegree, K + 1,
         [&](std::span<const E> p, std::span<const E> f) {
           E a = E::zero();
           for (std::size_t c = 0; c < K; ++c) a += s.coeffs[c] * f[c];
           return eq_eval<E>(za, p) * zero_above(p, sh.na, sh.da) * (f[K] * (alpha - a) - E::one());
         }},
        {sh.dt, kDegree, 2,
         [&](std::span<const E> p, std::span<const E> f) {
           const E tv = mle_evaluate<E, Goldilocks>(s.table, p.first(sh.nt)) * zero_above(p, sh.nt, sh.dt);
           return eq_eval<E>(zt, p) * zero_above(p, sh.nt, sh.dt) * (f[1] * (alpha - tv) - f[0]);
         }}};
    const E zeros[3] = {E::zero(), E::zero(), E::zero()};
    const auto res = verify_zk_batched_with(t, specs, zeros, bundle[2], open, rd);
    const auto& r = res.point;
    // A padded final v_pad = v(r_{<nc})·Π_{i ∈ [nc, d)} (1 − r_i): recover v (the padding
    // factor is nonzero except with probability ≤ d/|E|).
    auto unpad = [&](const E& v, unsigned nc, unsigned d) {
      const E z = zero_above(r, nc, d);
      if (z.is_zero()) throw VerifyError("zk lookup: a padding factor vanishes");
      return v * z.inverse();
    };
    const auto& f1 = res.finals[0];
    const auto& f2 = res.finals[1];
    const auto& f3 = res.finals[2];
    // ĥ and k̂ appear in two instances each: the same values, padded differently.
    const E h = unpad(f2[K], sh.na + sh.eh, sh.da), k = unpad(f3[1], sh.nt + sh.eh, sh.dt);
    if (unpad(f1[0], sh.na + sh.eh, sh.N) != h || unpad(f1[1], sh.nt + sh.eh, sh.N) != k)
      throw VerifyError("zk lookup: the inverse columns' finals disagree");
    for (std::size_t c = 0; c < K; ++c)
      open.add(s.columns[c], std::span<const E>(r.data(), sh.ca), unpad(f2[c], sh.ca, sh.da));
    open.add(s.mult, std::span<const E>(r.data(), sh.ct), unpad(f3[0], sh.ct, sh.dt));
    const auto comps = rd.fields<E>(4, "zk lookup inverse component");
    t.absorb_fields<E>("zk_lookup/components", comps);
    const E u(Goldilocks::zero(), Goldilocks::one());
    if (comps[0] + u * comps[1] != h || comps[2] + u * comps[3] != k)
      throw VerifyError("zk lookup: an inverse column's components disagree");
    for (std::size_t i = 0; i < 2; ++i) {
      const unsigned n = (i == 0 ? sh.na : sh.nt) + sh.eh;
      for (unsigned comp = 0; comp < 2; ++comp) {
        std::vector<E> p{E::from_u64(comp)};
        p.insert(p.end(), r.begin(), r.begin() + n);
        open.add(bundle[i], p, comps[2 * i + comp]);
      }
    }
  });
}

}  // namespace vtensor
