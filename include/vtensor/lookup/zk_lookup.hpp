// vtensor/lookup/zk_lookup.hpp — a zero-knowledge LogUp lookup over hiding-committed
// columns (Haböck 2022, with committed inverse columns instead of the fractional GKR,
// whose layer values a zero-knowledge proof would have to mask too). docs/zk.md.
//
// Statement: hiding commitments (WHIR hiding mode) of columns A_1..A_K, each 2^{n_a}
// entries with the same parameters, public coefficients β_k, a public table t of
// 2^{n_t} base-field entries, and a hiding commitment of multiplicities m (2^{n_t}
// entries). Claim: every a(x) = Σ_k β_k A_k(x), x ∈ {0,1}^{n_a}, is an entry of t.
//
// Protocol (the caller has bound the statement, commitments included):
//  1. α is drawn. The prover commits, in hiding mode, h(x) = 1/(α − a(x)) and
//     k(j) = m(j)/(α − t(j)) (F_{p²}-valued: base tables with the component as their
//     lowest variable, h = H(0, ·) + u·H(1, ·)); roots sent and absorbed.
//  2. z_a, z_t are drawn and one zero-knowledge batched sumcheck (sumcheck/zk.hpp)
//     proves, over the extended domains (x, y) of the committed tables, y their mask
//     variables, sel = [y = 0]:
//       I1  Σ sel_a·ĥ − Σ sel_t·k̂ = 0                       (LogUp's sum)
//       I2  Σ eq(z_a, ·)·sel_a·(ĥ·(α − Σ β_k Â_k) − 1) = 0    (h is a's inverse)
//       I3  Σ eq(z_t, ·)·sel_t·(k̂·(α − t) − m̂) = 0           (k is m over t's)
//     Tables with fewer mask variables than their domain's widest are zero-padded
//     above (their extension is the table's times eq(0, the padding)).
//  3. Every committed table is opened at its final point with
//     Whir::open_hiding_masked (H and K at the two component points).
// Soundness: if some a(x) is not in t, Σ 1/(α − a) − Σ m/(α − t) is a nonzero rational
// function; clearing denominators leaves degree ≤ 2^{n_a} + 2^{n_t}, so α hits a root
// with probability ≤ (2^{n_a} + 2^{n_t})/|E|; I2 and I3 are zero-checks at random
// points (≤ vars/|E| each); then the sumcheck and the openings. Multiplicities below p.
// Zero knowledge: the sumcheck is masked, every revealed value is a committed table at
// a point with random mask coordinates; each hiding commitment spends one opening and
// one value from its reserve (hiding_openings ≥ 2).
//
// Wire: H root ‖ K root (32 B each) ‖ the zero-knowledge sumcheck ‖ per opening (A_1..A_K,
// m, H, K) its two component values when F_{p²}-valued, then u32 length ‖ WHIR proof.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "vtensor/field/batch_inverse.hpp"
#include "vtensor/sumcheck/zk.hpp"

namespace vtensor {

struct ZkLookupStatement {
  using E = GoldilocksExt2;
  WhirParams column_params;                // A_k's (hiding, num_vars = n_a)
  std::vector<WhirCommitment> columns;     // A_1..A_K
  std::vector<E> coeffs;                   // β_1..β_K
  WhirParams mult_params;                  // m's (hiding, num_vars = n_t)
  WhirCommitment mult;
  std::vector<Goldilocks> table;           // t, 2^{n_t} entries (public)
  WhirParams base;                         // regime, rate, folding, security of the inverse columns and mask

  void validate() const {
    if (columns.empty() || columns.size() != coeffs.size())
      throw ArgumentError("zk lookup: one coefficient per column, at least one column");
    if (column_params.hiding_openings < 2 || mult_params.hiding_openings < 2)
      throw ArgumentError("zk lookup: columns and multiplicities must be hiding with ≥ 2 openings");
    if (table.size() != (std::size_t{1} << mult_params.num_vars))
      throw ArgumentError("zk lookup: the table must have 2^(multiplicities' num_vars) entries");
  }
  // The parameters of an F_{p²}-valued inverse column over n variables.
  WhirParams inverse_params(unsigned n) const {
    WhirParams p = base;
    p.num_vars = n + 1;
    p.hiding_openings = 2;
    return p;
  }
};

namespace zk_lookup_detail {
using E = GoldilocksExt2;

// A base table (committed, nc variables) as an E table padded to `to` variables.
inline std::vector<E> lift(std::span<const Goldilocks> t, unsigned to) {
  std::vector<E> out(std::size_t{1} << to, E::zero());
  std::copy(t.begin(), t.end(), out.begin());
  return out;
}
// The E-valued view of a component-interleaved committed table, padded to `to`.
inline std::vector<E> lift_ext(std::span<const Goldilocks> t, unsigned to) {
  std::vector<E> out(std::size_t{1} << to, E::zero());
  for (std::size_t i = 0; i < t.size() / 2; ++i) out[i] = E(t[2 * i], t[2 * i + 1]);
  return out;
}
inline std::vector<Goldilocks> interleave(std::span<const E> h) {
  std::vector<Goldilocks> out(2 * h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[2 * i] = h[i].c0();
    out[2 * i + 1] = h[i].c1();
  }
  return out;
}
inline std::vector<E> selector(unsigned n, unsigned to) {
  std::vector<E> s(std::size_t{1} << to, E::zero());
  std::fill(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(std::size_t{1} << n), E::one());
  return s;
}
// Π_{i ∈ [from, to)} (1 − r_i): the MLE of "the coordinates from `from` on are 0".
inline E zero_above(std::span<const E> r, std::size_t from, std::size_t to) {
  E acc = E::one();
  for (std::size_t i = from; i < to; ++i) acc *= E::one() - r[i];
  return acc;
}

// The shapes both sides derive from the statement.
struct Shape {
  unsigned na = 0, nt = 0;   // real variables
  unsigned ca = 0, ct = 0;   // committed variables of A_k and m
  unsigned ch = 0, ck = 0;   // committed variables of H and K (component bit included)
  unsigned da = 0, dt = 0;   // the extended domains: widest of (A, h) and (m, k)
  unsigned N = 0;            // I1's domain
  explicit Shape(const ZkLookupStatement& s) {
    na = s.column_params.num_vars;
    nt = s.mult_params.num_vars;
    ca = s.column_params.committed_vars();
    ct = s.mult_params.committed_vars();
    ch = s.inverse_params(na).committed_vars();
    ck = s.inverse_params(nt).committed_vars();
    da = std::max(ca, ch - 1);
    dt = std::max(ct, ck - 1);
    N = std::max(da, dt);
  }
};
}  // namespace zk_lookup_detail

// Edits the inverse columns (h over the columns' domain, k over the table's) after
// they are computed and before they are committed: tests build cheating provers with it.
using ZkLookupInverseEdit = std::function<void(std::vector<GoldilocksExt2>& h, std::vector<GoldilocksExt2>& k)>;

// The prover: cols[k] and mult are the hiding prover data of the statement's
// commitments (each spends one opening).
inline void prove_zk_lookup(Transcript& t, const ZkLookupStatement& s, std::span<const WhirProverData* const> cols,
                            const WhirProverData& mult, ByteWriter& w, const ZkLookupInverseEdit& edit = {}) {
  using namespace zk_lookup_detail;
  s.validate();
  if (cols.size() != s.columns.size()) throw ArgumentError("zk lookup: one prover table per column");
  const Shape sh(s);
  const std::size_t Na = std::size_t{1} << sh.na, Nt = std::size_t{1} << sh.nt;
  const E alpha = t.challenge_ext("zk_lookup/alpha");
  // h = 1/(α − a), k = m/(α − t) on the real domains.
  std::vector<E> h(Na), k(Nt);
  for (std::size_t x = 0; x < Na; ++x) {
    E a = E::zero();
    for (std::size_t c = 0; c < cols.size(); ++c) a += s.coeffs[c] * E(cols[c]->table[x]);
    h[x] = alpha - a;
  }
  for (std::size_t j = 0; j < Nt; ++j) k[j] = alpha - E(s.table[j]);
  batch_inverse<E>(h);
  batch_inverse<E>(k);
  for (std::size_t j = 0; j < Nt; ++j) k[j] *= E(mult.table[j]);
  if (edit) edit(h, k);
  auto [hc, hpd] = Whir::commit(s.inverse_params(sh.na), interleave(h));
  auto [kc, kpd] = Whir::commit(s.inverse_params(sh.nt), interleave(k));
  for (const auto* root : {&hc.root, &kc.root}) {
    w.bytes(std::span<const std::uint8_t>(root->data(), Digest::kSize));
    t.absorb("zk_lookup/inverse_root", root->bytes);
  }
  const auto za = t.challenge_exts("zk_lookup/z_a", sh.da);
  const auto zt = t.challenge_exts("zk_lookup/z_t", sh.dt);
  // I1 over N variables: tables ĥ, k̂, sel_a, sel_t.
  DenseProductInstance i1({lift_ext(hpd.table, sh.N), lift_ext(kpd.table, sh.N), selector(sh.na, sh.N),
                           selector(sh.nt, sh.N)},
                          {{E::one(), {2, 0}}, {-E::one(), {3, 1}}}, {false, false, true, true});
  // I2 over da: Â_1..Â_K, ĥ, sel_a; eq(z_a).
  std::vector<std::vector<E>> t2;
  for (const auto* c : cols) t2.push_back(lift(c->table, sh.da));
  const std::size_t K = cols.size();
  t2.push_back(lift_ext(hpd.table, sh.da));
  t2.push_back(selector(sh.na, sh.da));
  std::vector<DenseProductInstance::Term> terms2{{alpha, {K + 1, K}}, {-E::one(), {K + 1}}};
  for (std::size_t c = 0; c < K; ++c) terms2.push_back({-s.coeffs[c], {K + 1, K, c}});
  std::vector<bool> pub2(K + 2, false);
  pub2[K + 1] = true;
  DenseProductInstance i2(std::move(t2), std::move(terms2), pub2, za);
  // I3 over dt: m̂, k̂, t, sel_t; eq(z_t).
  DenseProductInstance i3({lift(mult.table, sh.dt), lift_ext(kpd.table, sh.dt), lift(s.table, sh.dt),
                           selector(sh.nt, sh.dt)},
                          {{alpha, {3, 1}}, {-E::one(), {3, 1, 2}}, {-E::one(), {3, 0}}},
                          {false, false, true, true}, zt);
  SumcheckInstance* inst[3] = {&i1, &i2, &i3};
  const E zeros[3] = {E::zero(), E::zero(), E::zero()};
  std::vector<E> r;
  w.bytes(prove_zk_batched(t, inst, zeros, s.base, &r));
  // Openings at the final points (the low coordinates of r).
  auto open = [&](const WhirProverData& pd, bool ext) {
    const unsigned nc = pd.params.committed_vars();
    std::vector<std::vector<E>> pts;
    std::vector<E> vals;
    if (ext) {
      for (unsigned comp = 0; comp < 2; ++comp) {
        std::vector<E> p{E::from_u64(comp)};
        p.insert(p.end(), r.begin(), r.begin() + (nc - 1));
        vals.push_back(mle_evaluate<E, Goldilocks>(pd.table, p));
        pts.push_back(std::move(p));
      }
      w.fields<E>(vals);
    } else {
      pts.emplace_back(r.begin(), r.begin() + nc);
      vals.push_back(mle_evaluate<E, Goldilocks>(pd.table, pts[0]));
    }
    const auto proof = Whir::open_hiding_masked(pd, pts, vals, t);
    w.u32(static_cast<std::uint32_t>(proof.size()));
    w.bytes(proof);
  };
  for (const auto* c : cols) open(*c, false);
  open(mult, false);
  open(hpd, true);
  open(kpd, true);
}

// Reads and checks a zero-knowledge lookup proof (DecodeError / VerifyError).
inline void verify_zk_lookup(Transcript& t, const ZkLookupStatement& s, ByteReader& rd) {
  using namespace zk_lookup_detail;
  try {
    s.validate();
  } catch (const ArgumentError& e) {
    throw VerifyError(e.what());
  }
  const Shape sh(s);
  const std::size_t K = s.columns.size();
  const E alpha = t.challenge_ext("zk_lookup/alpha");
  WhirCommitment hc, kc;
  for (auto* c : {&hc, &kc}) {
    c->root = Digest::from_bytes(rd.bytes(Digest::kSize, "zk lookup inverse root").data());
    t.absorb("zk_lookup/inverse_root", c->root.bytes);
  }
  const auto za = t.challenge_exts("zk_lookup/z_a", sh.da);
  const auto zt = t.challenge_exts("zk_lookup/z_t", sh.dt);
  // Finals: I1 (ĥ, k̂ padded to N), I2 (Â_1..Â_K, ĥ padded to da), I3 (m̂, k̂ padded to dt).
  const BatchedInstanceSpec specs[3] = {
      {sh.N, 2, 2,
       [&](std::span<const E> p, std::span<const E> f) {
         return zero_above(p, sh.na, sh.N) * f[0] - zero_above(p, sh.nt, sh.N) * f[1];
       }},
      {sh.da, 4, K + 1,
       [&](std::span<const E> p, std::span<const E> f) {
         E a = E::zero();
         for (std::size_t c = 0; c < K; ++c) a += s.coeffs[c] * f[c];
         return eq_eval<E>(za, p) * zero_above(p, sh.na, sh.da) * (f[K] * (alpha - a) - E::one());
       }},
      {sh.dt, 4, 2,
       [&](std::span<const E> p, std::span<const E> f) {
         const E tv = mle_evaluate<E, Goldilocks>(s.table, p.first(sh.nt)) * zero_above(p, sh.nt, sh.dt);
         return eq_eval<E>(zt, p) * zero_above(p, sh.nt, sh.dt) * (f[1] * (alpha - tv) - f[0]);
       }}};
  const E zeros[3] = {E::zero(), E::zero(), E::zero()};
  const auto res = verify_zk_batched(t, specs, zeros, s.base, rd);
  const auto& r = res.point;
  // A padded final v_pad = v(r_{<nc})·Π_{i ∈ [nc, d)} (1 − r_i): recover v (the padding
  // factor is nonzero except with probability ≤ d/|E|).
  auto unpad = [&](const E& v, unsigned nc, unsigned d) {
    const E z = zero_above(r, nc, d);
    if (z.is_zero()) throw VerifyError("zk lookup: a padding factor vanishes");
    return v * z.inverse();
  };
  auto open = [&](const WhirParams& p, const WhirCommitment& c, const E& want, bool ext) {
    const unsigned nc = p.committed_vars();
    std::vector<std::vector<E>> pts;
    std::vector<E> vals;
    if (ext) {
      vals = rd.fields<E>(2, "zk lookup inverse component");
      const E u(Goldilocks::zero(), Goldilocks::one());
      if (vals[0] + u * vals[1] != want) throw VerifyError("zk lookup: an inverse column's components disagree");
      for (unsigned comp = 0; comp < 2; ++comp) {
        std::vector<E> pt{E::from_u64(comp)};
        pt.insert(pt.end(), r.begin(), r.begin() + (nc - 1));
        pts.push_back(std::move(pt));
      }
    } else {
      pts.emplace_back(r.begin(), r.begin() + nc);
      vals.push_back(want);
    }
    const std::uint32_t len = rd.u32();
    const auto proof = rd.bytes(len, "zk lookup opening");
    Whir::verify_hiding_masked(p, c, pts, vals, proof, t);
  };
  const auto& f1 = res.finals[0];
  const auto& f2 = res.finals[1];
  const auto& f3 = res.finals[2];
  // ĥ and k̂ appear in two instances each: the same values, padded differently.
  const E h = unpad(f2[K], sh.ch - 1, sh.da), k = unpad(f3[1], sh.ck - 1, sh.dt);
  if (unpad(f1[0], sh.ch - 1, sh.N) != h || unpad(f1[1], sh.ck - 1, sh.N) != k)
    throw VerifyError("zk lookup: the inverse columns' finals disagree");
  for (std::size_t c = 0; c < K; ++c) open(s.column_params, s.columns[c], unpad(f2[c], sh.ca, sh.da), false);
  open(s.mult_params, s.mult, unpad(f3[0], sh.ct, sh.dt), false);
  open(s.inverse_params(sh.na), hc, h, true);
  open(s.inverse_params(sh.nt), kc, k, true);
}

}  // namespace vtensor
