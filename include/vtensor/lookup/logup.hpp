// vtensor/lookup/logup.hpp — LogUp lookups (Haböck 2022) proven with the fractional
// GKR of lookup/gkr.hpp: many columns looked up in many tables, one proof.
//
// Tuples. Every looked-up entry and every table entry is a tuple (x0, x1, tag, x3),
// compressed with challenges as v = x0 + γ x1 + γ² tag + γ³ x3:
//   table T (2^b entries j, tag tag_T):  x0 = j, x1 = eq(bits(j), z_T) (or 0),
//                                        x3 = [j is not live] ("dead" entries),
//   column c looking into T:             x0 = its values (base field), x1 = its second
//                                        values (extension, or 0), tag = tag_T, x3 = 0.
// So a column entry matches an entry of ITS table only (tags differ), never a dead one
// (x3 = 0), and with x1 it is an indexed lookup (j, eq(j, z)) — sparse drift uses it.
//
// Claim: Σ_{c, i} 1/(α − v_{c,i}) = Σ_{T, j} m_{T,j}/(α − t_{T,j}), multiplicities m
// committed by the caller BEFORE α, γ are drawn. If some column tuple is not in its
// table the difference is a nonzero rational function of (α, γ); clearing denominators
// leaves a polynomial of total degree ≤ 3·2^L, so a random (α, γ) hides it with
// probability ≤ 3·2^L/|E| (every count < p). The GKR proves the sum: the leaves
// (2^L entries) are the column blocks and table blocks, placed by buddy allocation in
// order of decreasing size (ties: columns in order, then tables in order):
//   column c entry i:  p = 1,        q = α − v_{c,i}
//   table T entry j:   p = −m_{T,j}, q = α − t_{T,j}
//   unused entry:      p = 0,        q = 1
// and the verifier accepts iff P_0 = 0, Q_0 ≠ 0 (Q_0 = Π q) and the leaf claims at ρ
// equal what the column values, multiplicities and table MLEs give there: with
// pre_B(ρ) = eq(ρ_{≥d_B}, bits of off_B) (the block indicator's MLE) and u = ρ_{<d_B},
//   p~(ρ) = Σ_c pre_c − Σ_T pre_T m_T~(u)
//   q~(ρ) = Σ_c pre_c (α − x0_c~(u) − γ x1_c~(u) − γ² tag_c) + Σ_T pre_T (α − t_T~(u))
//           + (1 − Σ_B pre_B)
//   t_T~(u) = Σ_j 2^j u_j + γ eq(u, z_T) + γ² tag_T + γ³ (1 − Π_i lt~(u_i, d_i))
// (u_i the bits of live dimension i, lt~ the MLE of [coordinate < d_i]).
// The column values x0_c~(u), x1_c~(u) and m_T~(u) are claims the CALLER proves
// (commitment openings): verify() returns the points, check_leaves() takes the values.
//
// Grinding: when 3·2^L/|E| exceeds 2^-λ the prover grinds the missing bits before
// (α, γ) (transcript/pow.hpp); λ = 100 (kLogUpSecurityBits).
//
// Wire: [u64 nonce, if grinding] ‖ the fraction-sum proof (lookup/gkr.hpp) ‖ nothing
// else: the leaf values are the caller's.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <span>
#include <string>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/lookup/gkr.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/transcript/pow.hpp"
#include "vtensor/testing.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

inline constexpr unsigned kLogUpSecurityBits = 100;
inline constexpr unsigned kLogUpMaxTableVars = 28;

// Table T: entries j < 2^b. live_shape (d_0, …, d_{k−1}) with Σ ⌈log2 d_i⌉ = b reads j
// as the hypercube index of a coordinate tuple (docs/layout.md §3: the last dimension
// lowest); j is live iff every coordinate is below its extent. Empty: all live.
struct LookupTableSpec {
  unsigned log_size = 0;                 // b
  std::uint64_t tag = 0;                 // distinct per table
  std::vector<GoldilocksExt2> eq_point;  // empty: x1 = 0; else b coordinates z_T
  std::vector<std::uint64_t> live_shape;
  bool live(std::uint64_t j) const {
    for (std::size_t i = live_shape.size(); i-- > 0;) {
      const unsigned k = log2_ceil(live_shape[i]);
      if ((j & ((std::uint64_t{1} << k) - 1)) >= live_shape[i]) return false;
      j >>= k;
    }
    return true;
  }
  bool all_live() const {
    for (auto d : live_shape)
      if (!is_power_of_two(d)) return false;
    return true;
  }
  std::uint64_t live_count() const {
    if (live_shape.empty()) return std::uint64_t{1} << log_size;
    std::uint64_t c = 1;
    for (auto d : live_shape) c *= d;
    return c;
  }
};

struct LookupColumnSpec {
  unsigned log_size = 0;  // d_c: 2^{d_c} entries, every one looked up
  std::size_t table = 0;  // index of its table
  bool has_x1 = false;
};

// [i < c] for i ∈ {0,1}^b as a multilinear polynomial at u:
// Σ_{j: c_j = 1} (1 − u_j) Π_{k > j} eq(u_k, c_k); 1 when c ≥ 2^b.
inline GoldilocksExt2 less_than_mle(std::span<const GoldilocksExt2> u, std::uint64_t c) {
  using E = GoldilocksExt2;
  const std::size_t b = u.size();
  if (b < 64 && c >= (std::uint64_t{1} << b)) return E::one();
  E acc = E::zero(), prefix = E::one();  // prefix = Π_{k > j} eq(u_k, c_k)
  for (std::size_t j = b; j-- > 0;) {
    const bool cj = j < 64 && ((c >> j) & 1);
    if (cj) acc += prefix * (E::one() - u[j]);
    prefix *= cj ? u[j] : E::one() - u[j];
  }
  return acc;
}

// Σ_j 2^j u_j: the MLE of the identity table j ↦ j.
inline GoldilocksExt2 index_mle(std::span<const GoldilocksExt2> u) {
  using E = GoldilocksExt2;
  E acc = E::zero();
  for (std::size_t j = u.size(); j-- > 0;) acc = acc.doubled() + u[j];
  return acc;
}

namespace logup_detail {
using E = GoldilocksExt2;

struct Layout {
  unsigned L = 1;
  std::vector<std::uint64_t> col_off, tab_off;
};

inline Layout place(std::span<const LookupColumnSpec> cols, std::span<const LookupTableSpec> tabs) {
  struct Item {
    unsigned d;
    bool table;
    std::size_t i;
  };
  std::vector<Item> items;
  for (std::size_t i = 0; i < cols.size(); ++i) items.push_back({cols[i].log_size, false, i});
  for (std::size_t i = 0; i < tabs.size(); ++i) items.push_back({tabs[i].log_size, true, i});
  std::stable_sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.d > b.d; });
  Layout l;
  l.col_off.resize(cols.size());
  l.tab_off.resize(tabs.size());
  std::uint64_t at = 0;
  for (const auto& it : items) {
    (it.table ? l.tab_off[it.i] : l.col_off[it.i]) = at;
    at += std::uint64_t{1} << it.d;
  }
  l.L = std::max(1u, log2_ceil(at));
  return l;
}

inline unsigned shape_bits(std::span<const std::uint64_t> shape) {
  unsigned b = 0;
  for (auto d : shape) b += log2_ceil(d);
  return b;
}

// MLE of the live indicator at u (b coordinates; the last dimension lowest).
inline E live_mle(const LookupTableSpec& t, std::span<const E> u) {
  E acc = E::one();
  std::size_t at = 0;
  for (std::size_t i = t.live_shape.size(); i-- > 0;) {
    const unsigned k = log2_ceil(t.live_shape[i]);
    acc *= less_than_mle(u.subspan(at, k), t.live_shape[i]);
    at += k;
  }
  return acc;
}

inline E block_indicator(std::span<const E> rho, std::uint64_t off, unsigned d) {
  E acc = E::one();
  for (std::size_t j = d; j < rho.size(); ++j) acc *= ((off >> j) & 1) ? rho[j] : E::one() - rho[j];
  return acc;
}

inline unsigned pow_bits(unsigned L) {
  const double bits = 2.0 * std::log2(static_cast<double>(Goldilocks::kModulus)) - L - std::log2(3.0);
  const double need = std::ceil(kLogUpSecurityBits - bits);
  return need <= 0 ? 0u : static_cast<unsigned>(need);
}

inline void check_specs(std::span<const LookupColumnSpec> cols, std::span<const LookupTableSpec> tabs) {
  if (cols.empty() || tabs.empty()) throw ArgumentError("logup: at least one column and one table");
  for (std::size_t i = 0; i < tabs.size(); ++i) {
    const auto& t = tabs[i];
    if (t.log_size > kLogUpMaxTableVars) throw ArgumentError("logup: a table above 2^28 entries");
    if (!t.eq_point.empty() && t.eq_point.size() != t.log_size)
      throw ArgumentError("logup: a table's eq point has the wrong length");
    if (!t.live_shape.empty()) {
      for (auto d : t.live_shape)
        if (d == 0) throw ArgumentError("logup: a live extent of 0");
      if (shape_bits(t.live_shape) != t.log_size) throw ArgumentError("logup: a table's live shape does not fill it");
    }
    if (t.tag >= Goldilocks::kModulus) throw ArgumentError("logup: a tag must be below p");
    for (std::size_t k = 0; k < i; ++k)
      if (tabs[k].tag == t.tag) throw ArgumentError("logup: two tables share a tag");
  }
  for (const auto& c : cols) {
    if (c.table >= tabs.size()) throw ArgumentError("logup: a column names a missing table");
    if (c.log_size > kGkrMaxLayers - 1) throw ArgumentError("logup: a column above 2^39 entries");
    if (c.has_x1 != !tabs[c.table].eq_point.empty())
      throw ArgumentError("logup: a column's second value must match its table's");
  }
}

inline E compress(const E& x0, const E& x1, std::uint64_t tag, bool dead, const E& g) {
  const E g2 = g * g;
  E v = x0 + g * x1 + g2 * E::from_u64(tag);
  if (dead) v += g2 * g;
  return v;
}
}  // namespace logup_detail

// The tables both sides register.
class LogUpTables {
 public:
  std::size_t add_table(LookupTableSpec spec) {
    tabs_.push_back(std::move(spec));
    return tabs_.size() - 1;
  }
  std::span<const LookupTableSpec> tables() const { return tabs_; }

 protected:
  std::vector<LookupTableSpec> tabs_;
};

// The prover: register tables and columns, hand the multiplicities to the caller to
// commit, then prove.
class LogUpProver : public LogUpTables {
 public:
  using E = GoldilocksExt2;

  // x0: 2^{log_size} base values (every one looked up); x1: the same count of
  // extension values iff the table has an eq point.
  std::size_t add_column(std::size_t table, std::vector<Goldilocks> x0, std::vector<E> x1 = {}) {
    if (x0.empty() || !is_power_of_two(x0.size())) throw ArgumentError("logup: a column of 2^d entries is needed");
    if (!x1.empty() && x1.size() != x0.size()) throw ArgumentError("logup: x1 differs in length from x0");
    cols_.push_back({log2_exact(x0.size()), table, !x1.empty()});
    x0_.push_back(std::move(x0));
    x1_.push_back(std::move(x1));
    return cols_.size() - 1;
  }
  std::span<const LookupColumnSpec> columns() const { return cols_; }

  // m_T[j] = how many column entries are tuple j of table T. ArgumentError naming the
  // column and entry when one is not in its table (the statement is false).
  std::vector<std::vector<Goldilocks>> multiplicities() const {
    logup_detail::check_specs(cols_, tabs_);
    std::vector<std::vector<std::uint64_t>> count;
    for (const auto& t : tabs_) count.emplace_back(std::size_t{1} << t.log_size, 0);
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const auto& tab = tabs_[cols_[c].table];
      std::vector<E> eqt;
      if (!tab.eq_point.empty()) eqt = eq_table<E>(tab.eq_point);
      for (std::size_t i = 0; i < x0_[c].size(); ++i) {
        const std::uint64_t j = x0_[c][i].value();
        const bool ok = j < (std::uint64_t{1} << tab.log_size) && tab.live(j) && (eqt.empty() || x1_[c][i] == eqt[j]);
        if (!ok)
          throw ArgumentError("logup: column " + std::to_string(c) + " entry " + std::to_string(i) + " (value " +
                              std::to_string(x0_[c][i].to_signed()) + ") is not in its table of " +
                              std::to_string(tab.live_count()) + " live entries");
        ++count[cols_[c].table][j];
      }
    }
    std::vector<std::vector<Goldilocks>> m;
    for (const auto& c : count) {
      std::vector<Goldilocks> v(c.size());
      for (std::size_t j = 0; j < c.size(); ++j) v[j] = Goldilocks::from_u64(c[j]);
      m.push_back(std::move(v));
    }
    return m;
  }

  struct Result {
    std::vector<E> point;  // ρ ∈ E^L
    E alpha, gamma;
    // Where each column / table block's MLE is read: ρ_{<d}.
    std::vector<E> local(unsigned d) const { return std::vector<E>(point.begin(), point.begin() + d); }
  };

  // The multiplicities must be those of multiplicities() and already bound to the
  // transcript (committed). Appends the proof to w.
  Result prove(Transcript& t, ByteWriter& w, const std::vector<std::vector<Goldilocks>>& m) const {
    using namespace logup_detail;
    check_specs(cols_, tabs_);
    if (m.size() != tabs_.size()) throw ArgumentError("logup: one multiplicity table per table");
    const logup_detail::Layout lay = place(cols_, tabs_);
    pow_prove(t, w, pow_bits(lay.L));
    const E alpha = t.challenge_ext("logup/alpha");
    const E gamma = t.challenge_ext("logup/gamma");
    const std::size_t size = std::size_t{1} << lay.L;
    std::vector<E> p(size, E::zero()), q(size, E::one());
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const std::uint64_t tag = tabs_[cols_[c].table].tag;
      const E base = alpha - E::from_u64(tag) * (gamma * gamma);
      const std::uint64_t off = lay.col_off[c];
      detail::parallel_for(x0_[c].size(), [&](std::size_t i) {
        p[off + i] = E::one();
        E v = E(x0_[c][i]);
        if (cols_[c].has_x1) v += gamma * x1_[c][i];
        q[off + i] = base - v;
      });
    }
    for (std::size_t k = 0; k < tabs_.size(); ++k) {
      const auto& tab = tabs_[k];
      if (m[k].size() != (std::size_t{1} << tab.log_size)) throw ArgumentError("logup: a multiplicity table's size");
      std::vector<E> eqt;
      if (!tab.eq_point.empty()) eqt = eq_table<E>(tab.eq_point);
      const std::uint64_t off = lay.tab_off[k];
      for (std::size_t j = 0; j < m[k].size(); ++j) {
        p[off + j] = -E(m[k][j]);
        q[off + j] = alpha - compress(E::from_u64(j), eqt.empty() ? E::zero() : eqt[j], tab.tag, !tab.live(j), gamma);
      }
    }
    const auto claims = prove_fraction_sum(t, w, std::move(p), std::move(q));
    if (testing::refuse(!claims.root_p.is_zero() || claims.root_q.is_zero()))
      throw ArgumentError("logup: the lookups do not balance (wrong multiplicities)");
    return {claims.point, alpha, gamma};
  }

 private:
  std::vector<LookupColumnSpec> cols_;
  std::vector<std::vector<Goldilocks>> x0_;
  std::vector<std::vector<E>> x1_;
};

// The verifier: the same tables and columns, then verify() (reads the proof, checks
// the root) and check_leaves() with the caller's values at the returned points.
class LogUpVerifier : public LogUpTables {
 public:
  using E = GoldilocksExt2;

  std::size_t add_column(LookupColumnSpec spec) {
    cols_.push_back(spec);
    return cols_.size() - 1;
  }

  struct Pending {
    std::vector<E> point;
    E alpha, gamma, leaf_p, leaf_q;
    std::vector<E> local(unsigned d) const { return std::vector<E>(point.begin(), point.begin() + d); }
  };

  Pending verify(Transcript& t, ByteReader& rd) {
    using namespace logup_detail;
    try {
      check_specs(cols_, tabs_);
    } catch (const ArgumentError& e) {
      throw VerifyError(e.what());
    }
    lay_ = place(cols_, tabs_);
    pow_verify(t, rd, pow_bits(lay_.L));
    Pending out;
    out.alpha = t.challenge_ext("logup/alpha");
    out.gamma = t.challenge_ext("logup/gamma");
    const auto c = verify_fraction_sum(t, rd, lay_.L);
    if (!c.root_p.is_zero()) throw VerifyError("logup: the looked-up values are not in their tables (the sum is not 0)");
    if (c.root_q.is_zero()) throw VerifyError("logup: a zero denominator");
    out.point = c.point;
    out.leaf_p = c.leaf_p;
    out.leaf_q = c.leaf_q;
    return out;
  }

  // x0[c], x1[c]: column c's MLEs at ρ_{<d_c} (x1 ignored without an eq point);
  // m[T]: table T's multiplicity MLE at ρ_{<b_T}. VerifyError unless the leaves agree.
  void check_leaves(const Pending& pd, std::span<const E> x0, std::span<const E> x1, std::span<const E> m) const {
    using namespace logup_detail;
    if (x0.size() != cols_.size() || x1.size() != cols_.size() || m.size() != tabs_.size())
      throw ArgumentError("logup: one value per column and per table");
    const E g = pd.gamma, g2 = g * g, g3 = g2 * g;
    E p = E::zero(), q = E::zero(), covered = E::zero();
    for (std::size_t c = 0; c < cols_.size(); ++c) {
      const E pre = block_indicator(pd.point, lay_.col_off[c], cols_[c].log_size);
      const std::uint64_t tag = tabs_[cols_[c].table].tag;
      p += pre;
      q += pre * (pd.alpha - compress(x0[c], cols_[c].has_x1 ? x1[c] : E::zero(), tag, false, g));
      covered += pre;
    }
    for (std::size_t k = 0; k < tabs_.size(); ++k) {
      const auto& tab = tabs_[k];
      const E pre = block_indicator(pd.point, lay_.tab_off[k], tab.log_size);
      const auto u = pd.local(tab.log_size);
      E tv = index_mle(u) + g2 * E::from_u64(tab.tag);
      if (!tab.eq_point.empty()) tv += g * eq_eval<E>(u, tab.eq_point);
      if (!tab.all_live()) tv += g3 * (E::one() - live_mle(tab, u));
      p -= pre * m[k];
      q += pre * (pd.alpha - tv);
      covered += pre;
    }
    q += E::one() - covered;
    if (p != pd.leaf_p || q != pd.leaf_q)
      throw VerifyError("logup: the leaf values do not match the columns, tables and multiplicities");
  }

 private:
  std::vector<LookupColumnSpec> cols_;
  logup_detail::Layout lay_;
};

}  // namespace vtensor
