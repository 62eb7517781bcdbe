// vtensor/proofs/drift/zk_low_rank.hpp — a zero-knowledge low-rank block: Δ = U·V + E
// over ℤ with U (rows × r), V (r × cols) of bounded entries and an optional bounded
// residual E, so rank(Δ − E) ≤ r over ℚ; only the verdict is revealed (docs/zk.md).
//
// Statement: Δ = Σ_k c_k T_k, tables of hiding commitments read as a matrix (its table
// index is col + 2^{col_vars}·row: columns own the low variables), the rank r, the
// factor bound f (|U|, |V| < 2^{f−1}) and the residual bound e (|E| < 2^{e−1}; e = 0:
// no residual, E = 0).
// The prover commits one hiding bundle: U (index k + 2^{rank_vars}·row), V (index
// col + 2^{col_vars}·k), E, and their multiplicities in the range tables. Then:
//  1. Z = (z_c, z_r) is drawn; one zero-knowledge sumcheck over a common domain proves
//       Σ EQ_A·(Σ_k c_k T̂_k − Ê) − Σ S_B·Û_z·V̂_z = 0,
//     EQ_A(x, y) = eq(Z, x)·[y = 0] on Δ's extended domain, so the first part is
//     (Δ − E)~(Z); Û_z(k, y) = Σ_{x_r} eq(z_r, x_r)·Û(k, x_r, y) and
//     V̂_z(k, y) = Σ_{x_c} eq(z_c, x_c)·V̂(x_c, k, y) (U and V share the bundle's mask
//     variables y), S_B(k, y) = [k < r]·[y = 0], so the second is
//     Σ_{k<r} Ũ(z_r, k)·Ṽ(k, z_c) = (U·V)~(Z). The claims land on Û at (ρ_k, z_r, ρ_y),
//     V̂ at (z_c, ρ_k, ρ_y), and the T_k and E at (ρ_x, ρ_y): masked points.
//  2. Three zero-knowledge lookups range-check U, V (f bits) and E (e bits).
// Exactness: |(U·V)(i, j)| ≤ r·2^{2f−2} and |E| < 2^{e−1}; validate() requires their sum
// below 2^62, so Δ ≡ U·V + E (mod p) is an identity over ℤ for Δ's signed
// representative, and rank(Δ − E) ≤ r over ℚ. A zero of the difference at Z that is not
// identically zero: ≤ (row_vars + col_vars)/|E|.
//
// Wire: the bundle's root ‖ the identity's mask root ‖ its zero-knowledge sumcheck ‖ the
// lookups of U, V [, E]; the openings follow wherever the caller proves them.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vtensor/lookup/zk_lookup.hpp"
#include "vtensor/proofs/drift/zk_norm.hpp"

namespace vtensor::drift {

struct ZkLowRankStatement {
  std::vector<ZkTable> terms;       // Δ = Σ c_k T_k (pd set on the prover's side)
  std::vector<Goldilocks> coeffs;
  unsigned row_vars = 0, col_vars = 0;
  std::uint64_t rank = 1;
  unsigned factor_bits = 16;
  unsigned residual_bits = 0;       // 0: no residual
  WhirParams base;

  void absorb(Transcript& t) const {
    for (const auto& x : terms) absorb_table(t, "zk_low_rank/term", x);
    t.absorb_fields<Goldilocks>("zk_low_rank/coeffs", coeffs);
    for (std::uint64_t v : {std::uint64_t{row_vars}, std::uint64_t{col_vars}, rank, std::uint64_t{factor_bits},
                            std::uint64_t{residual_bits}})
      t.absorb_u64("zk_low_rank/shape", v);
    t.absorb("zk_low_rank/base", base.encode());
  }
  unsigned rank_vars() const {
    unsigned v = 0;
    while ((std::uint64_t{1} << v) < rank) ++v;
    return v;
  }
  void validate() const {
    if (terms.empty() || terms.size() != coeffs.size() || terms.size() > 8)
      throw ArgumentError("zk low rank: 1 … 8 terms, one coefficient each");
    for (const auto& t : terms)
      if (t.vars != row_vars + col_vars || t.ext_vars() != terms[0].ext_vars())
        throw ArgumentError("zk low rank: every term must be a 2^row_vars × 2^col_vars table with one extension");
    if (rank < 1 || rank > (std::uint64_t{1} << 16)) throw ArgumentError("zk low rank: rank must be in [1, 2^16]");
    if (factor_bits < 1 || factor_bits > 20 || residual_bits > 20)
      throw ArgumentError("zk low rank: factor bits in [1, 20], residual bits in [0, 20]");
    const double bound = std::ldexp(static_cast<double>(rank), static_cast<int>(2 * factor_bits - 2)) +
                         (residual_bits ? std::ldexp(1.0, static_cast<int>(residual_bits - 1)) : 0.0);
    if (bound >= std::ldexp(1.0, 62))
      throw ArgumentError("zk low rank: r·2^(2f−2) + 2^(e−1) must stay below 2^62 (no-wraparound bound)");
  }
  bool has_residual() const { return residual_bits > 0; }
  // The bundle: U, V [, E], m_U, m_V [, m_E].
  std::vector<unsigned> bundle_vars() const {
    std::vector<unsigned> v{row_vars + rank_vars(), rank_vars() + col_vars};
    if (has_residual()) v.push_back(row_vars + col_vars);
    v.push_back(factor_bits);
    v.push_back(factor_bits);
    if (has_residual()) v.push_back(residual_bits);
    return v;
  }
  static std::vector<Goldilocks> range(unsigned bits) {
    std::vector<Goldilocks> t(std::size_t{1} << bits);
    const std::int64_t off = std::int64_t{1} << (bits - 1);
    for (std::size_t j = 0; j < t.size(); ++j) t[j] = Goldilocks::from_i64(static_cast<std::int64_t>(j) - off);
    return t;
  }
};

namespace zk_low_rank_detail {
using E = GoldilocksExt2;
inline constexpr std::size_t kDegree = 3;

// The shapes both sides derive.
struct Shape {
  unsigned rv, cv, kv, dT, e, dU, dV, dE, N;
  Shape(const ZkLowRankStatement& s, const std::vector<ZkTable>& bundle)
      : rv(s.row_vars), cv(s.col_vars), kv(s.rank_vars()), dT(s.terms[0].ext_vars()), e(bundle[0].mask_vars()),
        dU(kv + e), dV(kv + e), dE(s.has_residual() ? bundle[2].ext_vars() : 0) {
    N = std::max({dT, dU, dE});
  }
};
// Σ_{k<r} eq(p, k) over the low kv coordinates: the MLE of [k < r].
inline E less_than(std::span<const E> p, std::uint64_t r, unsigned kv) {
  E acc = E::zero();
  const auto eq = eq_table<E>(p.first(kv));
  for (std::uint64_t k = 0; k < std::min<std::uint64_t>(r, eq.size()); ++k) acc += eq[k];
  return acc;
}
// Where the identity's claims on U and V land: Û at (ρ_k, z_r, ρ_y), V̂ at (z_c, ρ_k, ρ_y).
inline std::vector<E> u_point(const Shape& sh, std::span<const E> rho, std::span<const E> zr) {
  std::vector<E> p(rho.begin(), rho.begin() + sh.kv);
  p.insert(p.end(), zr.begin(), zr.end());
  p.insert(p.end(), rho.begin() + sh.kv, rho.begin() + sh.kv + sh.e);
  return p;
}
inline std::vector<E> v_point(const Shape& sh, std::span<const E> rho, std::span<const E> zc) {
  std::vector<E> p(zc.begin(), zc.end());
  p.insert(p.end(), rho.begin(), rho.begin() + sh.kv + sh.e);
  return p;
}
// The range lookups of U, V [and E] over the bundle's tables [U, V, (E), m_U, m_V, (m_E)].
inline std::vector<ZkLookupStatement> range_lookups(const ZkLowRankStatement& s, const std::vector<ZkTable>& bt) {
  const std::size_t m0 = s.has_residual() ? 3 : 2;
  const auto rf = ZkLowRankStatement::range(s.factor_bits);
  std::vector<ZkLookupStatement> out{{{bt[0]}, {E::one()}, bt[m0], rf, s.base},
                                     {{bt[1]}, {E::one()}, bt[m0 + 1], rf, s.base}};
  if (s.has_residual())
    out.push_back({{bt[2]}, {E::one()}, bt[m0 + 2], ZkLowRankStatement::range(s.residual_bits), s.base});
  return out;
}
}  // namespace zk_low_rank_detail

// Proves the statement; u is rows × rank, v is rank × cols, both row-major signed
// integers (a LoRA adapter's B and A at the fixed-point scale); rows = 2^row_vars,
// cols = 2^col_vars (padding rows and columns included). ArgumentError on a false
// statement unless a test's CheatingProver is active.
inline void prove_zk_low_rank_with(Transcript& t, const ZkLowRankStatement& s, std::span<const std::int64_t> u,
                                   std::span<const std::int64_t> v, ZkOpenings& open, ByteWriter& w) {
  using namespace zk_low_rank_detail;
  using namespace zk_detail;
  using zk_norm_detail::multiplicities;
  using zk_norm_detail::signed_of;
  s.validate();
  const std::size_t rows = std::size_t{1} << s.row_vars, cols = std::size_t{1} << s.col_vars,
                    rp = std::size_t{1} << s.rank_vars(), r = s.rank;
  if (u.size() != rows * r || v.size() != r * cols) throw ArgumentError("zk low rank: factors of the wrong shape");
  // Δ, U, V, E as tables.
  const auto delta = zk_combination(s.terms, s.coeffs);
  std::vector<Goldilocks> U(rows * rp, Goldilocks::zero()), V(rp * cols, Goldilocks::zero()), Et(rows * cols);
  const std::int64_t fh = std::int64_t{1} << (s.factor_bits - 1);
  bool ok = true;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t k = 0; k < r; ++k) {
      ok = ok && u[i * r + k] >= -fh && u[i * r + k] < fh;
      U[k + rp * i] = Goldilocks::from_i64(u[i * r + k]);
    }
  for (std::size_t k = 0; k < r; ++k)
    for (std::size_t j = 0; j < cols; ++j) {
      ok = ok && v[k * cols + j] >= -fh && v[k * cols + j] < fh;
      V[j + cols * k] = Goldilocks::from_i64(v[k * cols + j]);
    }
  const std::int64_t eh = s.has_residual() ? std::int64_t{1} << (s.residual_bits - 1) : 0;
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) {
      __int128 uv = 0;
      for (std::size_t k = 0; k < r; ++k) uv += static_cast<__int128>(u[i * r + k]) * v[k * cols + j];
      const __int128 res = static_cast<__int128>(signed_of(delta[j + cols * i])) - uv;
      ok = ok && (s.has_residual() ? (res >= -eh && res < eh) : res == 0);
      Et[j + cols * i] = Goldilocks::from_i64(static_cast<std::int64_t>(res));
    }
  if (testing::refuse(!ok)) throw ArgumentError("zk low rank: Δ is not U·V + E within the bounds");
  std::vector<std::vector<Goldilocks>> tabs{U, V};
  if (s.has_residual()) tabs.push_back(Et);
  tabs.push_back(multiplicities(U, -fh, std::size_t{1} << s.factor_bits));
  tabs.push_back(multiplicities(V, -fh, std::size_t{1} << s.factor_bits));
  if (s.has_residual()) tabs.push_back(multiplicities(Et, -eh, std::size_t{1} << s.residual_bits));
  const ZkBundle bundle(s.base, tabs, 2);
  open.keep(bundle.data());
  s.absorb(t);
  send_root(t, w, "zk_low_rank/bundle_root", bundle.commitment());
  std::vector<ZkTable> bt;
  for (std::size_t i = 0; i < bundle.size(); ++i) bt.push_back(bundle.table(i));
  const Shape sh(s, bt);
  const auto Z = t.challenge_exts("zk_low_rank/z", s.row_vars + s.col_vars);
  const std::span<const E> zc(Z.data(), s.col_vars), zr(Z.data() + s.col_vars, s.row_vars);
  // Û_z(k, y) and V̂_z(k, y) from the extended tables.
  const std::size_t ys = std::size_t{1} << sh.e;
  const auto eqr = eq_table<E>(zr), eqc = eq_table<E>(zc);
  std::vector<E> uz(std::size_t{1} << sh.N, E::zero()), vz(std::size_t{1} << sh.N, E::zero());
  {
    const auto ue = bt[0].extended(), ve = bt[1].extended();
    for (std::size_t y = 0; y < ys; ++y)
      for (std::size_t k = 0; k < rp; ++k) {
        E a = E::zero(), b = E::zero();
        for (std::size_t i = 0; i < rows; ++i) a += eqr[i] * E(ue[k + rp * i + rows * rp * y]);
        for (std::size_t j = 0; j < cols; ++j) b += eqc[j] * E(ve[j + cols * k + rp * cols * y]);
        uz[k + rp * y] = a;
        vz[k + rp * y] = b;
      }
  }
  // EQ_A and S_B over N variables.
  std::vector<E> eqa(std::size_t{1} << sh.N, E::zero()), sb(std::size_t{1} << sh.N, E::zero());
  const auto eqz = eq_table<E>(Z);
  std::copy(eqz.begin(), eqz.end(), eqa.begin());
  for (std::size_t k = 0; k < r; ++k) sb[k] = E::one();
  std::vector<std::vector<E>> itabs;
  const std::size_t K = s.terms.size();
  for (const auto& term : s.terms) itabs.push_back(lift(term.extended(), sh.N));
  const std::size_t ie = itabs.size();
  if (s.has_residual()) itabs.push_back(lift(bt[2].extended(), sh.N));
  const std::size_t iu = itabs.size();
  itabs.push_back(std::move(uz));
  itabs.push_back(std::move(vz));
  const std::size_t ia = itabs.size();
  itabs.push_back(std::move(eqa));
  itabs.push_back(std::move(sb));
  std::vector<DenseProductInstance::Term> terms;
  for (std::size_t k = 0; k < K; ++k) terms.push_back({E(s.coeffs[k]), {ia, k}});
  if (s.has_residual()) terms.push_back({-E::one(), {ia, ie}});
  terms.push_back({-E::one(), {ia + 1, iu, iu + 1}});
  std::vector<bool> pub(itabs.size(), false);
  pub[ia] = pub[ia + 1] = true;
  DenseProductInstance inst(std::move(itabs), std::move(terms), pub);
  SumcheckInstance* ip[1] = {&inst};
  const E zero = E::zero();
  std::vector<E> rho;
  prove_zk_batched_masked(t, "zk_low_rank/mask_root", ip, std::span<const E>(&zero, 1), s.base, open, w, &rho);
  for (const auto& term : s.terms) open.add(term, std::span<const E>(rho.data(), sh.dT));
  if (s.has_residual()) open.add(bt[2], std::span<const E>(rho.data(), sh.dE));
  open.add(bt[0], u_point(sh, rho, zr));
  open.add(bt[1], v_point(sh, rho, zc));
  for (const auto& l : range_lookups(s, bt)) prove_zk_lookup(t, l, open, w);
}

inline void verify_zk_low_rank_with(Transcript& t, const ZkLowRankStatement& s, ZkOpeningsVerifier& open,
                                    ByteReader& rd) {
  verifying([&] {
    using namespace zk_low_rank_detail;
    using namespace zk_detail;
    s.validate();
    s.absorb(t);
    const WhirCommitment bc = receive_root(t, rd, "zk_low_rank/bundle_root");
    const auto bvars = s.bundle_vars();
    const auto bt = ZkBundle::tables_of(s.base, bvars, bc, 2);
    const Shape sh(s, bt);
    const auto Z = t.challenge_exts("zk_low_rank/z", s.row_vars + s.col_vars);
    const std::span<const E> zc(Z.data(), s.col_vars), zr(Z.data() + s.col_vars, s.row_vars);
    const std::size_t K = s.terms.size();
    const std::size_t nf = K + (s.has_residual() ? 1 : 0) + 2;
    const unsigned vT = s.row_vars + s.col_vars;
    const BatchedInstanceSpec spec{sh.N, kDegree, nf, [&](std::span<const E> p, std::span<const E> f) {
                                     const E a = eq_eval<E>(Z, p.first(vT)) * zero_above(p, vT, sh.N);
                                     const E b = less_than(p, s.rank, sh.kv) * zero_above(p, sh.kv, sh.N);
                                     E d = E::zero();
                                     for (std::size_t k = 0; k < K; ++k) d += E(s.coeffs[k]) * f[k];
                                     if (s.has_residual()) d -= f[K];
                                     return a * d - b * f[nf - 2] * f[nf - 1];
                                   }};
    const E zero = E::zero();
    const auto res = verify_zk_batched_masked(t, "zk_low_rank/mask_root", std::span<const BatchedInstanceSpec>(&spec, 1),
                                              std::span<const E>(&zero, 1), s.base, open, rd);
    const auto& rho = res.point;
    const auto& f = res.finals[0];
    auto unpad = [&](const E& v, unsigned nc) {
      const E z = zero_above(rho, nc, sh.N);
      if (z.is_zero()) throw VerifyError("zk low rank: a padding factor vanishes");
      return v * z.inverse();
    };
    for (std::size_t k = 0; k < K; ++k) open.add(s.terms[k], std::span<const E>(rho.data(), sh.dT), unpad(f[k], sh.dT));
    if (s.has_residual()) open.add(bt[2], std::span<const E>(rho.data(), sh.dE), unpad(f[K], sh.dE));
    open.add(bt[0], u_point(sh, rho, zr), unpad(f[nf - 2], sh.dU));
    open.add(bt[1], v_point(sh, rho, zc), unpad(f[nf - 1], sh.dV));
    for (const auto& l : range_lookups(s, bt)) verify_zk_lookup(t, l, open, rd);
  });
}

}  // namespace vtensor::drift
