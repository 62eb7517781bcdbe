// vtensor/commit/detail/whir_kernels.hpp — the prover's heavy loops for WHIR
// (commit/whir.hpp): encoding a table into fiber-major codeword rows, the degree-2
// sumcheck round over a weight and a table, folding the lowest variable, and
// building the weight tables (combinations of eq(z, ·) and eq(pow(u), ·)).
// Everything here is a pure function of its inputs (EqWeight: of its state);
// whir.hpp owns the protocol.
//
// Beyond the table-based calls (eq_combination, round_poly, fold_low), the prover can
// use, with byte-identical proofs:
//  * iteration 0: EqWeight over the opening points and OOD samples (no 2^n weight
//    table: its rounds read only f), then EqWeight::table() for iteration 1;
//  * later rounds: fold_low_in_place / fold_and_round (no fresh tables);
//  * OOD answers: evaluate_many; OOD weights: add_eq_weights (no 2^n table per point).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/field/packed_goldilocks.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/poly/reed_solomon.hpp"

namespace vtensor::whir_detail {

using E = GoldilocksExt2;

// Codeword of the multilinear table on <ω> of size 2^log_domain, laid out by fibers:
// row j (j < 2^log_domain / 2^fold) = F(ω^{j + s·stride}), s < 2^fold
// (Möbius transform to monomial coefficients fused into the NTT, which writes the
// fiber order directly: poly/reed_solomon.hpp, mle_encode_fibers_into).
template <class T>
std::vector<T> encode_fibers(std::span<const T> table, unsigned log_domain, unsigned fold) {
  const unsigned n = log2_exact(table.size());
  std::vector<T> out(std::size_t{1} << log_domain);
  mle_encode_fibers_into<T>(table, log_domain - n, fold, std::span<T>(out));
  return out;
}

// Sumcheck round on Σ_b w(b) f(b), lowest variable: h(0), h(1), h(2).
template <class F>
std::array<E, 3> round_poly(std::span<const E> w, std::span<const F> f) {
  const std::size_t h = w.size() / 2;
  const int nt = detail::max_threads();
  std::vector<std::array<E, 3>> part(static_cast<std::size_t>(nt), {E::zero(), E::zero(), E::zero()});
  detail::parallel_chunks(h, [&](std::size_t b, std::size_t e, int tid) {
    LazyExtSum acc[3];
    for (std::size_t i = b; i < e; ++i) {
      const E w0 = w[2 * i], w1 = w[2 * i + 1];
      const E f0 = E(f[2 * i]), f1 = E(f[2 * i + 1]);
      acc[0].add_product(w0, f0);
      acc[1].add_product(w1, f1);
      acc[2].add_product(w1.doubled() - w0, f1.doubled() - f0);
    }
    for (int x = 0; x < 3; ++x) part[tid][x] = acc[x].reduce();
  });
  std::array<E, 3> out{E::zero(), E::zero(), E::zero()};
  for (const auto& p : part)
    for (int x = 0; x < 3; ++x) out[x] += p[x];
  return out;
}

namespace kern {

// out[i] = t[2i] + α (t[2i+1] − t[2i]) for i in [b, e). out may be t itself (then
// out[i] is written after t[2i], t[2i+1] are read). AVX2: with d = t[2i+1] − t[2i] and
// α = a0 + a1 X, α·d = a0·(d0, d1) + (7a1, a1)·(d1, d0) lane-wise (as mle/eq.hpp's
// scale_into); base tables take four outputs per step (evens and odds of 8 words),
// extension tables two.
template <class F>
void fold_range(const F* t, E* out, std::size_t b, std::size_t e, const E& alpha) noexcept {
  std::size_t i = b;
#if VTENSOR_HAS_AVX2
  namespace v = vtensor::detail::avx2;
  const __m256i a0 = _mm256_set1_epi64x(static_cast<std::int64_t>(alpha.c0().value()));
  const std::int64_t a1 = static_cast<std::int64_t>(alpha.c1().value());
  auto ld = [](const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); };
  auto st = [](void* p, __m256i x) { _mm256_storeu_si256(static_cast<__m256i*>(p), x); };
  if constexpr (std::is_same_v<F, Goldilocks>) {
    const __m256i a1v = _mm256_set1_epi64x(a1);
    for (; i + 4 <= e; i += 4) {  // pairs i … i+3: 8 words from t + 2i
      const __m256i p0 = ld(t + 2 * i), p1 = ld(t + 2 * i + 4);
      const __m256i ev = _mm256_unpacklo_epi64(p0, p1), od = _mm256_unpackhi_epi64(p0, p1);  // pairs (0, 2, 1, 3)
      const __m256i d = v::sub(od, ev);
      const __m256i c0 = v::add(ev, v::mul(a0, d)), c1 = v::mul(a1v, d);
      st(out + i, _mm256_unpacklo_epi64(c0, c1));      // outputs i, i+1
      st(out + i + 2, _mm256_unpackhi_epi64(c0, c1));  // outputs i+2, i+3
    }
  } else {
    const std::int64_t a1x7 = static_cast<std::int64_t>(E::mul_by_nonresidue(alpha.c1()).value());
    const __m256i bv = _mm256_set_epi64x(a1, a1x7, a1, a1x7);
    for (; i + 2 <= e; i += 2) {  // pairs i, i+1: 4 elements from t + 2i
      const __m256i p0 = ld(t + 2 * i), p1 = ld(t + 2 * i + 2);
      const __m256i lo = _mm256_permute2x128_si256(p0, p1, 0x20), hi = _mm256_permute2x128_si256(p0, p1, 0x31);
      const __m256i d = v::sub(hi, lo);
      const __m256i rd = v::add(v::mul(a0, d), v::mul(bv, _mm256_shuffle_epi32(d, 0x4E)));
      st(out + i, v::add(lo, rd));
    }
  }
#endif
  const ExtScalar a(alpha);
  for (; i < e; ++i) out[i] = a.fold(t[2 * i], t[2 * i + 1]);
}

}  // namespace kern

// Binds the lowest variable: out[i] = t[2i] + α (t[2i+1] − t[2i]).
template <class F>
std::vector<E> fold_low(std::span<const F> t, const E& alpha) {
  std::vector<E> out(t.size() / 2);
  detail::parallel_chunks(out.size(), [&](std::size_t b, std::size_t e, int) {
    kern::fold_range(t.data(), out.data(), b, e, alpha);
  });
  return out;
}

namespace kern {

// Runs body(lo, hi, tid) over [0, n) for a pass that writes entry i (or entries
// 2i, 2i+1) of a table from entries 2i, 2i+1 (or 4i … 4i+3) of the same table: the
// first kParallelGrain serially, then waves [a, 2a) in parallel. A wave writes
// below 2a (pair index) and reads from 2a on, which no wave has written yet, so the
// result is that of the out-of-place pass.
template <class Body>
void halving_waves(std::size_t n, Body&& body) {
  std::size_t a = std::min(n, vtensor::detail::kParallelGrain);
  body(std::size_t{0}, a, 0);
  for (; a < n; a *= 2) {
    const std::size_t e = std::min(n, 2 * a);
    vtensor::detail::parallel_chunks(e - a, 1,
                                     [&](std::size_t lo, std::size_t hi, int tid) { body(a + lo, a + hi, tid); });
  }
}

}  // namespace kern

// fold_low in place: t ← t(α, ·), t.size() halves (no new table).
inline void fold_low_in_place(std::vector<E>& t, const E& alpha) {
  E* x = t.data();
  kern::halving_waves(t.size() / 2, [&](std::size_t b, std::size_t e, int) { kern::fold_range(x, x, b, e, alpha); });
  t.resize(t.size() / 2);
}

// One pass for the end of a round and the next one: w ← w(α, ·), f ← f(α, ·) in
// place, and returns the next round's h(0), h(1), h(2) over the folded tables
// (= round_poly(w, f) after fold_low_in_place of both). Needs at least 4 entries.
inline std::array<E, 3> fold_and_round(std::vector<E>& w, std::vector<E>& f, const E& alpha) {
  if (w.size() != f.size() || w.size() < 4)
    throw ArgumentError("fold_and_round: tables of different or too small sizes");
  E* wx = w.data();
  E* fx = f.data();
  const int nt = detail::max_threads();
  std::vector<LazyExtSum> part(3 * static_cast<std::size_t>(nt));
  kern::halving_waves(w.size() / 4, [&](std::size_t b, std::size_t e, int tid) {
    LazyExtSum acc[3];
    constexpr std::size_t kBlock = 512;  // output pairs folded, then summed while in L1
    for (std::size_t b0 = b; b0 < e; b0 += kBlock) {
      const std::size_t e0 = std::min(e, b0 + kBlock);
      kern::fold_range(wx, wx, 2 * b0, 2 * e0, alpha);
      kern::fold_range(fx, fx, 2 * b0, 2 * e0, alpha);
      for (std::size_t i = b0; i < e0; ++i) {
        const E w0 = wx[2 * i], w1 = wx[2 * i + 1], f0 = fx[2 * i], f1 = fx[2 * i + 1];
        acc[0].add_product(w0, f0);
        acc[1].add_product(w1, f1);
        acc[2].add_product(w1.doubled() - w0, f1.doubled() - f0);
      }
    }
    for (int x = 0; x < 3; ++x) part[3 * static_cast<std::size_t>(tid) + x].merge(acc[x]);
  });
  w.resize(w.size() / 2);
  f.resize(f.size() / 2);
  std::array<E, 3> out{E::zero(), E::zero(), E::zero()};
  for (int t = 0; t < nt; ++t)
    for (int x = 0; x < 3; ++x) out[x] += part[3 * static_cast<std::size_t>(t) + x].reduce();
  return out;
}

namespace kern {

// eq(p, ·) over `bits` index bits as an outer product lo ⊗ hi (lo: the low ⌊bits/2⌋),
// and the coordinate sums of lo (for LazyExtSum3).
struct SplitEq {
  std::vector<E> lo, hi;
  std::vector<Goldilocks> lo_sum;
  SplitEq(std::span<const E> p, unsigned lo_bits)
      : lo(eq_table<E>(p.first(lo_bits))), hi(eq_table<E>(p.subspan(lo_bits))) {}
  void with_sums() {
    lo_sum.resize(lo.size());
    for (std::size_t i = 0; i < lo.size(); ++i) lo_sum[i] = lo[i].c0() + lo[i].c1();
  }
};

// sums[j·S + x] = Σ_b eq(p_j, b) · t[b·S + x] for x < S, every point p_j of
// log2(t.size() / S) coordinates (from coordinate first_coord on). With eq(p, b) =
// lo[b_lo]·hi[b_hi] each row of 2^L·S entries is read once for all points, summed
// lazily against lo and scaled by hi (rows where hi vanishes are skipped: Boolean
// coordinates cost nothing). Extension tables: the row's coordinate sums are formed
// once and each product takes three multiplications (LazyExtSum3).
template <std::size_t S, class F>
std::vector<E> eq_weighted_sums(std::span<const F> t, std::span<const std::vector<E>> pts, std::size_t first_coord) {
  constexpr bool kExt = std::is_same_v<F, E>;
  const std::size_t np = pts.size();
  const unsigned bits = log2_exact(t.size() / S);
  const unsigned lo_bits = bits / 2;
  const std::size_t nlo = std::size_t{1} << lo_bits, nhi = std::size_t{1} << (bits - lo_bits);
  std::vector<SplitEq> eqs;
  eqs.reserve(np);
  for (const auto& p : pts) {
    eqs.emplace_back(std::span<const E>(p).subspan(first_coord, bits), lo_bits);
    if constexpr (kExt) eqs.back().with_sums();
  }
  const int nt = vtensor::detail::max_threads();
  std::vector<LazyExtSum> part(static_cast<std::size_t>(nt) * np * S);
  const std::size_t grain = vtensor::detail::kParallelGrain / (nlo * S) + 1;
  vtensor::detail::parallel_chunks(nhi, grain, [&](std::size_t hb, std::size_t he, int tid) {
    LazyExtSum* acc = part.data() + static_cast<std::size_t>(tid) * np * S;
    std::vector<Goldilocks> fs(kExt ? nlo * S : 0);
    for (std::size_t bh = hb; bh < he; ++bh) {
      const F* row = t.data() + bh * nlo * S;
      if constexpr (kExt)
        for (std::size_t k = 0; k < nlo * S; ++k) fs[k] = row[k].c0() + row[k].c1();
      for (std::size_t j = 0; j < np; ++j) {
        const E hv = eqs[j].hi[bh];
        if (hv.is_zero()) continue;
        const E* l = eqs[j].lo.data();
        if constexpr (kExt) {
          const Goldilocks* ls = eqs[j].lo_sum.data();
          LazyExtSum3 in[S];
          for (std::size_t bl = 0; bl < nlo; ++bl)
            for (std::size_t x = 0; x < S; ++x) in[x].add_product(l[bl], ls[bl], row[bl * S + x], fs[bl * S + x]);
          for (std::size_t x = 0; x < S; ++x) acc[j * S + x].add_product(hv, in[x].reduce());
        } else {
          LazyExtSum in[S];
          for (std::size_t bl = 0; bl < nlo; ++bl)
            for (std::size_t x = 0; x < S; ++x) in[x].add_product(l[bl], row[bl * S + x]);
          for (std::size_t x = 0; x < S; ++x) acc[j * S + x].add_product(hv, in[x].reduce());
        }
      }
    }
  });
  std::vector<E> out(np * S, E::zero());
  for (int tid = 0; tid < nt; ++tid)
    for (std::size_t i = 0; i < np * S; ++i) out[i] += part[static_cast<std::size_t>(tid) * np * S + i].reduce();
  return out;
}

}  // namespace kern

// f~(p_j) for every point, one pass over the table (no scratch table):
// f~(p) = Σ_b eq(p, b) t[b] = Σ_{b_hi} eq(p_hi, b_hi) Σ_{b_lo} eq(p_lo, b_lo) t[b].
template <class F>
std::vector<E> evaluate_many(std::span<const F> table, std::span<const std::vector<E>> points) {
  const unsigned n = log2_exact(table.size());
  for (const auto& p : points)
    if (p.size() != n) throw ArgumentError("evaluate_many: a point has the wrong number of coordinates");
  if (points.empty()) return {};
  return kern::eq_weighted_sums<1>(table, points, 0);
}

// The weight Σ_j c_j eq(p_j, ·) of a sumcheck Σ_b w(b) f(b), kept as its points while
// its lowest variables are bound (WHIR's first iteration: the opening points and the
// OOD samples), so no 2^n weight table is built or folded. After r bound variables
// w(x, b) = Σ_j c'_j eq(p_{j,r}, x) eq(p_{j,>r}, b), c'_j = c_j eq(p_{j,<r}, α), and
// with S0_j, S1_j = Σ_b eq(p_{j,>r}, b) f(0 or 1, b) (f(x, b) = f[2b + x]):
//   h(0) = Σ c'_j (1 − q_j) S0_j,  h(1) = Σ c'_j q_j S1_j,
//   h(2) = Σ c'_j (3q_j − 1)(2 S1_j − S0_j),   q_j = p_{j,r}
// (eq(q, 2) = 3q − 1, f(2, b) = 2f(1, b) − f(0, b)): the same values as round_poly
// on the materialised weight. Use:
//   EqWeight ew(points, coefs);
//   per round: h = ew.round_poly<F>(f); …; f = fold_low(f, α) (or in place); ew.bind(α);
//   then weight = ew.table() (2^{n−r} entries) for the rest of the protocol.
class EqWeight {
 public:
  EqWeight(std::span<const std::vector<E>> points, std::span<const E> coefs)
      : points_(points.begin(), points.end()), coefs_(coefs.begin(), coefs.end()) {
    if (points_.empty() || points_.size() != coefs_.size())
      throw ArgumentError("EqWeight: points and coefficients differ");
    n_ = static_cast<unsigned>(points_[0].size());
    for (const auto& p : points_)
      if (p.size() != n_) throw ArgumentError("EqWeight: points of different lengths");
  }

  unsigned free_vars() const noexcept { return n_ - bound_; }
  std::span<const E> coefs() const noexcept { return coefs_; }

  // h(0), h(1), h(2) of the round on the lowest free variable; f has 2^free_vars() entries.
  template <class F>
  std::array<E, 3> round_poly(std::span<const F> f) const {
    if (free_vars() == 0 || f.size() != (std::size_t{1} << free_vars()))
      throw ArgumentError("EqWeight::round_poly: table size does not match the free variables");
    const auto s = kern::eq_weighted_sums<2>(f, points_, bound_ + 1);
    std::array<E, 3> h{E::zero(), E::zero(), E::zero()};
    const E one = E::one();
    for (std::size_t j = 0; j < points_.size(); ++j) {
      const E q = points_[j][bound_], s0 = s[2 * j], s1 = s[2 * j + 1];
      h[0] += coefs_[j] * ((one - q) * s0);
      h[1] += coefs_[j] * (q * s1);
      h[2] += coefs_[j] * ((q.doubled() + q - one) * (s1.doubled() - s0));
    }
    return h;
  }

  // Binds the lowest free variable to α: c_j ← c_j · eq(p_{j,r}, α).
  void bind(const E& alpha) {
    if (free_vars() == 0) throw ArgumentError("EqWeight::bind: no free variable");
    for (std::size_t j = 0; j < points_.size(); ++j) {
      const E q = points_[j][bound_];
      coefs_[j] *= q * alpha + (E::one() - q) * (E::one() - alpha);
    }
    ++bound_;
  }

  // The weight's table over the free variables: Σ_j c_j eq(p_{j,≥r}, ·).
  std::vector<E> table() const;

 private:
  std::vector<std::vector<E>> points_;
  std::vector<E> coefs_;
  unsigned n_ = 0, bound_ = 0;
};

namespace kern {

// log2 of the multiplicative order of u when it is a power of two (≤ 2^32), else −1.
inline int two_power_order(Goldilocks u) noexcept {
  if (u.is_zero()) return -1;
  int k = 0;
  for (; !(u == Goldilocks::one()); ++k) {
    if (k == 32) return -1;
    u = u.square();
  }
  return k;
}

// x < 2^d with g^x = u, g = root_of_unity(d), for u of order dividing 2^d (Pohlig–
// Hellman in the 2-group: with a = u·g^{−(bits found)}, bit i is set iff
// a^{2^{d−1−i}} = −1). ginv[i] = g^{−2^i}.
inline std::uint64_t dlog_2group(Goldilocks u, unsigned d, std::span<const Goldilocks> ginv) noexcept {
  std::uint64_t x = 0;
  for (unsigned i = 0; i < d; ++i) {
    Goldilocks c = u;
    for (unsigned k = i + 1; k < d; ++k) c = c.square();
    if (!(c == Goldilocks::one())) {
      x |= std::uint64_t{1} << i;
      u *= ginv[i];
    }
  }
  return x;
}

// The query weights through the monomial expansion (the caller checked that every
// u_l is a 2^d-th root of unity): eq(pow(u), b) = Π_{j∈b} u^{2^j} Π_{j∉b} (1 − u^{2^j})
// = Σ_{e ⊇ b} (−1)^{|e∖b|} u^e, so Σ_l c_l eq(pow(u_l), b) is the superset Möbius
// transform of the power sums V[e] = Σ_l c_l u_l^e, e < 2^n. With u_l = g^{x_l}
// (g = root_of_unity(d)) and, for d > n, x = b + 2^s a (s = d − n), V[e] =
// Σ_b g^{be}·ntt(v_b)[e], v_b[a] = Σ_{x_l = b + 2^s a} c_l: one 2^n-point transform per
// residue b present; for d ≤ n, V is 2^d-periodic: one 2^d-point transform. The
// superset transform is the subset one on reversed indices (b ↦ 2^n − 1 − b).
inline void add_query_weights_ntt(std::vector<E>& w, std::span<const std::uint64_t> xs, unsigned d,
                                  std::span<const E> c) {
  const unsigned n = log2_exact(w.size());
  const std::size_t N = w.size();
  const Goldilocks g = Goldilocks::root_of_unity(d);
  std::vector<E> V(N, E::zero());
  if (d <= n) {
    std::vector<E> v(std::size_t{1} << d, E::zero());
    for (std::size_t l = 0; l < xs.size(); ++l) v[xs[l]] += c[l];
    ntt(v);
    const std::size_t mask = v.size() - 1;
    vtensor::detail::parallel_for(N, [&](std::size_t e) { V[e] = v[e & mask]; });
  } else {
    const unsigned s = d - n;
    std::vector<std::vector<std::size_t>> by_b(std::size_t{1} << s);
    for (std::size_t l = 0; l < xs.size(); ++l) by_b[xs[l] & ((std::size_t{1} << s) - 1)].push_back(l);
    std::vector<E> v(N);
    for (std::size_t b = 0; b < by_b.size(); ++b) {
      if (by_b[b].empty()) continue;
      std::fill(v.begin(), v.end(), E::zero());
      for (const std::size_t l : by_b[b]) v[xs[l] >> s] += c[l];
      ntt(v);
      // V[e] += (g^b)^e · v[e]: packs of two elements, four independent power chains.
      const Goldilocks gb = g.pow(b);
      vtensor::detail::parallel_chunks(N / 8, [&](std::size_t lo, std::size_t hi, int) {
        using P = PackedGoldilocks;
        P pw[4];
        for (std::size_t k = 0; k < 4; ++k) {
          const Goldilocks p0 = gb.pow(8 * lo + 2 * k), p1 = p0 * gb;
          pw[k] = P::from_array({p0, p0, p1, p1});
        }
        const P step = P::broadcast(gb.pow(8));
        Goldilocks* vw = reinterpret_cast<Goldilocks*>(v.data());
        Goldilocks* Vw = reinterpret_cast<Goldilocks*>(V.data());
        for (std::size_t i = lo; i < hi; ++i)
          for (std::size_t k = 0; k < 4; ++k) {
            const std::size_t o = 16 * i + 4 * k;  // words of elements 8i + 2k, 8i + 2k + 1
            (P::load(Vw + o) + P::load(vw + o) * pw[k]).store(Vw + o);
            pw[k] *= step;
          }
      });
    }
  }
  std::vector<E> rev(N);  // rev[N − 1 − e] = V[e]
  vtensor::detail::parallel_for(N, [&](std::size_t e) { rev[N - 1 - e] = V[e]; });
  mle_evals_to_coeffs<E>(std::span<E>(rev));  // subset Möbius
  vtensor::detail::parallel_for(N, [&](std::size_t b) { w[b] += rev[N - 1 - b]; });
}

// The eq-split product form (see add_query_weights).
inline void add_query_weights_split(std::vector<E>& w, std::span<const Goldilocks> us, std::span<const E> c) {
  const std::size_t t = us.size();
  const unsigned n = log2_exact(w.size());
  const unsigned lo_bits = n / 2, hi_bits = n - lo_bits;
  const std::size_t nlo = std::size_t{1} << lo_bits, nhi = std::size_t{1} << hi_bits;
  std::vector<Goldilocks> lo_t(nlo * t);  // [b_lo][l]
  std::vector<E> a(nhi * t);              // [b_hi][l]
  for (std::size_t l = 0; l < t; ++l) {
    std::vector<Goldilocks> pw(n);
    Goldilocks u = us[l];
    for (unsigned j = 0; j < n; ++j) {
      pw[j] = u;
      u = u.square();
    }
    const auto lo = eq_table<Goldilocks>(std::span<const Goldilocks>(pw.data(), lo_bits));
    const auto hi = eq_table<Goldilocks>(std::span<const Goldilocks>(pw.data() + lo_bits, hi_bits));
    for (std::size_t b = 0; b < nlo; ++b) lo_t[b * t + l] = lo[b];
    for (std::size_t b = 0; b < nhi; ++b) a[b * t + l] = c[l] * hi[b];
  }
  vtensor::detail::parallel_chunks(nhi, std::max<std::size_t>(1, vtensor::detail::kParallelGrain / (nlo * t) + 1),
                                   [&](std::size_t hb, std::size_t he, int) {
                                     for (std::size_t bh = hb; bh < he; ++bh) {
                                       const E* ar = a.data() + bh * t;
                                       E* wr = w.data() + bh * nlo;
                                       for (std::size_t bl = 0; bl < nlo; ++bl) {
                                         const Goldilocks* lr = lo_t.data() + bl * t;
                                         LazyExtSum acc;
                                         for (std::size_t l = 0; l < t; ++l) acc.add_product(ar[l], lr[l]);
                                         wr[bl] += acc.reduce();
                                       }
                                     }
                                   });
}

}  // namespace kern

// w(b) += Σ_l γ^{l+1} eq(pow(u_l), b) for all b ∈ {0,1}^n'. Two exact methods, the
// cheaper one chosen by operation count:
//  * split product: eq(pow(u), b) = lo_u[b mod 2^L]·hi_u[b >> L] (base-field tables);
//    with A[b_hi][l] = γ^{l+1} hi_l[b_hi] each entry is Σ_l A[b_hi][l]·lo_l[b_lo],
//    summed lazily: t·2^n' products of an extension and a base element;
//  * monomial expansion (kern::add_query_weights_ntt), when every u_l is a 2^d-th root
//    of unity (WHIR's query points are): about max(1, min(t, 2^{d−n'}))·n'·2^n'
//    extension butterflies, and a Möbius transform.
inline void add_query_weights(std::vector<E>& w, std::span<const Goldilocks> us, const E& gamma) {
  const std::size_t t = us.size();
  if (t == 0) return;
  const unsigned n = log2_exact(w.size());
  std::vector<E> c(t);
  E g = gamma;
  for (auto& x : c) {
    x = g;
    g *= gamma;
  }
  int d = 0;
  for (const Goldilocks u : us) {
    const int o = kern::two_power_order(u);
    d = o < 0 ? 64 : std::max(d, o);
  }
  if (d <= 32 && n >= 4) {
    const unsigned ud = static_cast<unsigned>(d), s = ud > n ? ud - n : 0;
    std::vector<Goldilocks> ginv(ud);
    if (ud > 0) {
      ginv[0] = Goldilocks::root_of_unity(ud).inverse();
      for (unsigned i = 1; i < ud; ++i) ginv[i] = ginv[i - 1].square();
    }
    std::vector<std::uint64_t> xs(t), residues(t);
    for (std::size_t l = 0; l < t; ++l) {
      xs[l] = kern::dlog_2group(us[l], ud, ginv);
      residues[l] = xs[l] & ((std::uint64_t{1} << s) - 1);
    }
    std::sort(residues.begin(), residues.end());
    const auto nres = static_cast<double>(std::unique(residues.begin(), residues.end()) - residues.begin());
    // Per entry of w, in extension products (a butterfly ≈ one): t for the split form;
    // per residue a transform (n/2) and its twist, then the Möbius pass and copies.
    const double ntt_cost = nres * (0.5 * std::min(ud, n) + 2.0) + 3.0;
    if (ntt_cost < static_cast<double>(t)) return kern::add_query_weights_ntt(w, xs, ud, c);
  }
  kern::add_query_weights_split(w, us, c);
}

namespace kern {

// w(b) = (w(b) if accumulate, else 0) + Σ_j c_j eq(z_j[first…first+n), b), b < 2^n.
// eq(z, ·) splits into a low table (L coordinates) and a high table; for each high
// index only the points whose high table is nonzero there contribute — points with
// Boolean high coordinates (tensors at aligned sub-cubes of a model polynomial)
// touch only their own sub-cube, so m claims on disjoint tensors cost the tensors'
// total size, not m · 2^n. Each active point adds a packed scaled copy of its low table.
inline void eq_combination_into(E* w, bool accumulate, std::span<const std::vector<E>> points, std::span<const E> coefs,
                                unsigned first, unsigned n) {
  const unsigned lo_bits = n / 2;
  const std::size_t nlo = std::size_t{1} << lo_bits, nhi = std::size_t{1} << (n - lo_bits);
  std::vector<SplitEq> eqs;
  eqs.reserve(points.size());
  for (std::size_t j = 0; j < points.size(); ++j) {
    eqs.emplace_back(std::span<const E>(points[j]).subspan(first, n), lo_bits);
    for (auto& x : eqs.back().hi) x = x * coefs[j];
  }
  const std::size_t grain = vtensor::detail::kParallelGrain / nlo + 1;
  vtensor::detail::parallel_chunks(nhi, grain, [&](std::size_t hb, std::size_t he, int) {
    for (std::size_t bh = hb; bh < he; ++bh) {
      E* wr = w + bh * nlo;
      bool written = accumulate;
      for (const SplitEq& q : eqs) {
        if (q.hi[bh].is_zero()) continue;
        if (written) {
          vtensor::detail::scale_into<true>(q.hi[bh], q.lo.data(), wr, nlo);
        } else {
          vtensor::detail::scale_into(q.hi[bh], q.lo.data(), wr, nlo);
          written = true;
        }
      }
      if (!written) std::fill(wr, wr + nlo, E::zero());
    }
  });
}

}  // namespace kern

// w(b) = Σ_j c_j eq(z_j, b) over b ∈ {0,1}^n (kern::eq_combination_into).
inline std::vector<E> eq_combination(std::span<const std::vector<E>> points, std::span<const E> coefs, unsigned n) {
  if (points.size() == 1 && coefs[0] == E::one()) return eq_table<E>(points[0]);
  std::vector<E> w(std::size_t{1} << n);
  kern::eq_combination_into(w.data(), false, points, coefs, 0, n);
  return w;
}

// w(b) += Σ_j c_j eq(p_j, b) (e.g. OOD samples), one pass over w and no 2^n table
// per point.
inline void add_eq_weights(std::vector<E>& w, std::span<const std::vector<E>> points, std::span<const E> coefs) {
  if (points.empty()) return;
  if (points.size() != coefs.size()) throw ArgumentError("add_eq_weights: points and coefficients differ");
  const unsigned n = log2_exact(w.size());
  for (const auto& p : points)
    if (p.size() != n) throw ArgumentError("add_eq_weights: a point has the wrong number of coordinates");
  kern::eq_combination_into(w.data(), true, points, coefs, 0, n);
}

inline std::vector<E> EqWeight::table() const {
  const unsigned n = free_vars();
  std::vector<E> w(std::size_t{1} << n);
  kern::eq_combination_into(w.data(), false, points_, coefs_, bound_, n);
  return w;
}

}  // namespace vtensor::whir_detail
