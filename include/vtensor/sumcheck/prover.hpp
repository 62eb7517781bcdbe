// vtensor/sumcheck/prover.hpp — the generic sumcheck prover.
//
// Proves   claim = Σ_{x ∈ {0,1}^n} [eq(w, x)] · g(f_1(x), …, f_k(x))
// for a composition g of degree d fixed at compile time, base-field (or
// extension) input tables and extension-field challenges; the eq factor is
// optional (w empty: a plain sum). Variables are bound from the highest, x_{n-1},
// down to x_0 (docs/sumcheck.md). Round t, binding v = n−1−t, sends
//   s_t(X) = c_t · eq(w_v, X) · q_t(X),   q_t(X) = Σ_{x'} eq(w_{<v}, x') g(f(x', X)),
// with c_t = Π_{u>v} eq(w_u, r_u), as its values at X = 0 … D (D = d, or d+1 with
// an eq factor). q_t is computed at 0 … d directly and extended to d+1 by
// interpolation. eq(w_{<v}, ·) is never materialised: it factors into a low table
// over ⌈v/2⌉ variables and a high table over the rest (√-sized, rebuilt per round).
//
// Evaluate and fold are fused: round t ≥ 1 reads the previous tables once,
// folds them with r_{t−1}, writes the halves, and evaluates g on the fly. The
// first round runs entirely in the input field. Work is split over all cores.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <type_traits>
#include <vector>

#include "vtensor/field/concepts.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/buffer.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/field/packed_goldilocks.hpp"
#include "vtensor/sumcheck/detail/pair_sums.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/sumcheck/composition.hpp"
#include "vtensor/sumcheck/proof.hpp"
#include "vtensor/sumcheck/round_poly.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

template <class E>
struct SumcheckProverOutput {
  SumcheckProof<E> proof;
  std::vector<E> point;  // r in variable order x_0 … x_{n-1}
  E claim;               // the sum that was proven
};

namespace detail {

// eq(w, X) for an integer node X: w X + (1 − w)(1 − X).
template <class E>
E eq_at_node(const E& w, std::size_t x) {
  const E xe = E(Goldilocks::from_u64(x));
  return w * xe + (E::one() - w) * (E::one() - xe);
}

}  // namespace detail

template <Composition G, Field In = Goldilocks, Field E = GoldilocksExt2>
  requires ExtensionOf<E, In>
class SumcheckProver {
 public:
  static constexpr std::size_t K = G::kArity;
  static constexpr std::size_t d = G::kDegree;
  using Inputs = std::array<std::span<const In>, K>;

  // All tables must have the same power-of-two size 2^n; eq_point empty or of length n.
  // The tables are borrowed, never copied: they must outlive the prover.
  SumcheckProver(Inputs inputs, std::span<const E> eq_point = {})
      : inputs_(inputs), w_(eq_point.begin(), eq_point.end()) {
    const std::size_t size = inputs_[0].size();
    for (std::size_t j = 0; j < K; ++j)
      if (inputs_[j].size() != size)
        throw ArgumentError("sumcheck: input " + std::to_string(j) + " has " + std::to_string(inputs_[j].size()) +
                            " entries, input 0 has " + std::to_string(size));
    n_ = log2_exact(size);
    if (n_ > kSumcheckMaxVars) throw ArgumentError("sumcheck: too many variables");
    if (!w_.empty() && w_.size() != n_)
      throw ArgumentError("sumcheck: eq point has " + std::to_string(w_.size()) + " coordinates, expected " +
                          std::to_string(n_));
  }

  std::size_t num_vars() const { return n_; }
  static constexpr std::size_t round_degree(bool with_eq) { return with_eq ? d + 1 : d; }
  std::size_t degree() const { return round_degree(!w_.empty()); }

  // The sum being proven, s_0(0) + s_0(1). Computes the first round (cached).
  E claimed_sum() {
    if (n_ == 0) {
      std::array<E, K> y;
      for (std::size_t j = 0; j < K; ++j) y[j] = E(inputs_[j][0]);
      return G::eval(y);
    }
    first_round();
    return (*first_)[0] + (*first_)[1];
  }

  // Runs every round against the transcript: absorbs s_t, draws r_t, and finally
  // absorbs the values f_j(r). The caller has absorbed the statement and sealed.
  SumcheckProverOutput<E> prove(Transcript& t) {
    SumcheckProverOutput<E> out;
    out.claim = claimed_sum();
    out.proof.degree = static_cast<std::uint32_t>(degree());
    for (std::size_t round = 0; round < n_; ++round) {
      std::vector<E> s = next_message();
      t.absorb_fields<E>("sumcheck/round", s);
      receive(t.challenge_ext("sumcheck/challenge"));
      out.proof.rounds.push_back(std::move(s));
    }
    out.proof.finals = final_values();
    out.point = point_;
    t.absorb_fields<E>("sumcheck/finals", out.proof.finals);
    return out;
  }

  // Step by step (batched sumchecks, sumcheck/batched.hpp): next_message() is s_t of
  // the current round, receive(r_t) binds its variable; after n rounds final_values()
  // are the f_j(r). prove() is exactly this loop against a transcript.
  std::size_t rounds_done() const noexcept { return round_; }
  std::vector<E> next_message() {
    if (round_ >= n_) throw ArgumentError("sumcheck: no round left");
    const std::size_t v = n_ - 1 - round_;
    if (round_ == 0) {
      first_round();
      return *first_;
    }
    // Small-value schedule (products of two base tables, no eq factor, n ≥ 3):
    // round 1 is evaluated from the base tables without folding, and round 2
    // folds them by (r_0, r_1) at once — the half-size table of round 1 is never
    // written.
    const bool small_value = kSmallValue && w_.empty() && n_ >= 3;
    std::optional<std::array<E, d + 1>> q;
    if constexpr (kSmallValue) {
      if (small_value && round_ == 1) q = small_value_round1(r_prev_, v);
      if (small_value && round_ == 2) q = double_fold_round(r_first_, r_prev_, v);
      if (small_value && round_ >= 3) q = packed_inplace_round(r_prev_, v);
    }
    if (!q) q = fused_round(r_prev_, v, round_ == 1);
    return finish_round(*q, v, c_);
  }
  void receive(const E& r) {
    if (round_ >= n_) throw ArgumentError("sumcheck: no round left");
    const std::size_t v = n_ - 1 - round_;
    if (point_.size() != n_) point_.assign(n_, E::zero());
    point_[v] = r;
    if (!w_.empty()) c_ = c_ * (w_[v] * r + (E::one() - w_[v]) * (E::one() - r));  // c · eq(w_v, r_v)
    if (round_ == 0) r_first_ = r;
    r_prev_ = r;
    ++round_;
  }
  std::vector<E> final_values() const {
    if (round_ != n_) throw ArgumentError("sumcheck: final values before the last round");
    std::vector<E> out;
    for (std::size_t j = 0; j < K; ++j) {
      if (n_ == 0) {
        out.push_back(E(inputs_[j][0]));
        continue;
      }
      // Last fold: f_j(r) = t_j[0] + r_0 (t_j[1] − t_j[0]).
      E lo, hi;
      if (n_ == 1) {
        lo = E(inputs_[j][0]);
        hi = E(inputs_[j][1]);
      } else {
        lo = owned_[j][0];
        hi = owned_[j][1];
      }
      out.push_back(lo + r_prev_ * (hi - lo));
    }
    return out;
  }
  const std::vector<E>& point() const noexcept { return point_; }

 private:
  // eq(w_{<v}, x') = lo[x' mod 2^L] · hi[x' >> L] with L = ⌈v/2⌉.
  struct SplitEq {
    std::size_t low_bits = 0;
    std::vector<E> lo, hi;
  };
  SplitEq split_eq(std::size_t v) const {
    SplitEq s;
    s.low_bits = (v + 1) / 2;
    s.lo = eq_table<E>(std::span<const E>(w_.data(), s.low_bits));
    s.hi = eq_table<E>(std::span<const E>(w_.data() + s.low_bits, v - s.low_bits));
    return s;
  }

  // Sums over the pairs (i, i + h), h = 2^v, of g at X = 0..d, eq-weighted when w
  // is set. `load(i, lo, hi)` produces the pair (folding on the fly in rounds ≥ 1).
  template <class T, class Load>
  std::array<E, d + 1> sum_pairs(std::size_t v, Load&& load) const {
    const std::size_t h = std::size_t{1} << v;
    const int nt = detail::max_threads();
    std::vector<std::array<E, d + 1>> partial(static_cast<std::size_t>(nt));
    for (auto& p : partial) p.fill(E::zero());
    if (w_.empty()) {
      detail::parallel_chunks(h, [&](std::size_t b, std::size_t e, int tid) {
        detail::PairSums<G, T, E> acc;
        std::array<T, K> lo, hi;
        for (std::size_t i = b; i < e; ++i) {
          load(i, lo, hi);
          acc.add(lo, hi);
        }
        partial[tid] = acc.plain_result();
      });
    } else {
      const SplitEq eq = split_eq(v);
      const std::size_t block = std::size_t{1} << eq.low_bits;
      const std::size_t grain = std::max<std::size_t>(1, detail::kParallelGrain >> eq.low_bits);
      detail::parallel_chunks(eq.hi.size(), grain, [&](std::size_t b, std::size_t e, int tid) {
        std::array<T, K> lo, hi;
        for (std::size_t hb = b; hb < e; ++hb) {
          detail::PairSums<G, T, E> inner;
          for (std::size_t l = 0; l < block; ++l) {
            load(hb * block + l, lo, hi);
            inner.add_weighted(lo, hi, eq.lo[l]);
          }
          const auto r = inner.weighted_result();
          for (std::size_t x = 0; x <= d; ++x) partial[tid][x] += eq.hi[hb] * r[x];
        }
      });
    }
    return detail::sum_partials(partial);
  }

  void first_round() {
    if (first_) return;
    const std::size_t v = n_ - 1;
    const std::size_t h = std::size_t{1} << v;
    if constexpr (kSmallValue) {
      if (w_.empty()) {
        first_ = finish_round(packed_round0(v), v, E::one());
        return;
      }
    }
    auto q = sum_pairs<In>(v, [&](std::size_t i, std::array<In, K>& lo, std::array<In, K>& hi) {
      for (std::size_t j = 0; j < K; ++j) {
        lo[j] = inputs_[j][i];
        hi[j] = inputs_[j][i + h];
      }
    });
    first_ = finish_round(q, v, E::one());
  }

  // Round t ≥ 1: fold the previous tables with r (the inputs when `from_inputs`)
  // into owned_ (first 2^{v+1} entries), and sum the new pairs.
  std::array<E, d + 1> fused_round(const E& r, std::size_t v, bool from_inputs) {
    const std::size_t h = std::size_t{1} << v;
    const ExtScalar rs(r);
    if (from_inputs) {
      std::array<E*, K> dst;
      for (std::size_t j = 0; j < K; ++j) {
        owned_[j] = detail::make_uninit_array<E>(2 * h);
        dst[j] = owned_[j].get();
      }
      auto q = sum_pairs<E>(v, [&](std::size_t i, std::array<E, K>& lo, std::array<E, K>& hi) {
        for (std::size_t j = 0; j < K; ++j) {
          const In* src = inputs_[j].data();
          lo[j] = rs.fold(src[i], src[i + 2 * h]);
          hi[j] = rs.fold(src[i + h], src[i + 3 * h]);
          dst[j][i] = lo[j];
          dst[j][i + h] = hi[j];
        }
      });
      return q;
    }
    // In place: iteration i reads i, i+h, i+2h, i+3h and writes only i and i+h.
    return sum_pairs<E>(v, [&](std::size_t i, std::array<E, K>& lo, std::array<E, K>& hi) {
      for (std::size_t j = 0; j < K; ++j) {
        E* tb = owned_[j].get();
        lo[j] = rs.fold(tb[i], tb[i + 2 * h]);
        hi[j] = rs.fold(tb[i + h], tb[i + 3 * h]);
        tb[i] = lo[j];
        tb[i + h] = hi[j];
      }
    });
  }

  static constexpr bool kSmallValue =
      (std::is_same_v<G, ProductOf<2>> || std::is_same_v<G, Square>) && std::is_same_v<In, Goldilocks> &&
      std::is_same_v<E, GoldilocksExt2>;

  // Round 0 of a product (or square) of base tables: Σ a·b at X = 0, 1, 2 as
  // packed lazy sums (field/packed_goldilocks.hpp), reduced once per thread.
  std::array<E, d + 1> packed_round0(std::size_t v) const
    requires kSmallValue
  {
    const std::size_t h = std::size_t{1} << v;
    const In* a = inputs_[0].data();
    const In* b = inputs_[K - 1].data();  // Square: the same table
    std::vector<std::array<E, 3>> part(static_cast<std::size_t>(detail::max_threads()));
    detail::parallel_chunks(h, [&](std::size_t lo, std::size_t hi, int tid) {
      using P = PackedGoldilocks;
      PackedLazySum acc[3];
      std::size_t i = lo;
      for (; i + P::kWidth <= hi; i += P::kWidth) {
        const P a0 = P::load(a + i), a1 = P::load(a + i + h), b0 = P::load(b + i), b1 = P::load(b + i + h);
        acc[0].add_product(a0, b0);
        acc[1].add_product(a1, b1);
        acc[2].add_product(a1 + a1 - a0, b1 + b1 - b0);
      }
      LazySum tail[3];
      for (; i < hi; ++i) {
        tail[0].add_product(a[i], b[i]);
        tail[1].add_product(a[i + h], b[i + h]);
        tail[2].add_product(a[i + h].doubled() - a[i], b[i + h].doubled() - b[i]);
      }
      for (int x = 0; x < 3; ++x) part[tid][x] = E(acc[x].reduce() + tail[x].reduce());
    });
    return detail::sum_partials(part);
  }

  // Round 1 from the base tables. With a_u(X) = a(x_{n-1} = u, x_{n-2} = X, i),
  //   a(r0, X, i)·b(r0, X, i) = (1−r0)² a_0 b_0 + (1−r0) r0 (a_0 b_1 + a_1 b_0) + r0² a_1 b_1,
  // so q_1(X) needs only three base-field sums per X, accumulated lazily (packed).
  std::array<E, d + 1> small_value_round1(const E& r0, std::size_t v) const
    requires kSmallValue
  {
    const std::size_t q = std::size_t{1} << v;  // entries u·2q + X·q + i
    const In* a = inputs_[0].data();
    const In* b = inputs_[K - 1].data();
    // part[tid][X][c], c: 0 = Σ a0 b0, 1 = Σ (a0 b1 + a1 b0), 2 = Σ a1 b1.
    std::vector<std::array<std::array<Goldilocks, 3>, 3>> part(static_cast<std::size_t>(detail::max_threads()));
    detail::parallel_chunks(q, [&](std::size_t lo, std::size_t hi, int tid) {
      using P = PackedGoldilocks;
      PackedLazySum acc[3][3];
      std::size_t i = lo;
      for (; i + P::kWidth <= hi; i += P::kWidth) {
        const P a00 = P::load(a + i), a01 = P::load(a + i + q), a10 = P::load(a + i + 2 * q),
                a11 = P::load(a + i + 3 * q);
        const P b00 = P::load(b + i), b01 = P::load(b + i + q), b10 = P::load(b + i + 2 * q),
                b11 = P::load(b + i + 3 * q);
        const P au[3][2] = {{a00, a10}, {a01, a11}, {a01 + a01 - a00, a11 + a11 - a10}};
        const P bu[3][2] = {{b00, b10}, {b01, b11}, {b01 + b01 - b00, b11 + b11 - b10}};
        for (int x = 0; x < 3; ++x) {
          acc[x][0].add_product(au[x][0], bu[x][0]);
          acc[x][1].add_product(au[x][0], bu[x][1]);
          acc[x][1].add_product(au[x][1], bu[x][0]);
          acc[x][2].add_product(au[x][1], bu[x][1]);
        }
      }
      LazySum tail[3][3];
      for (; i < hi; ++i) {
        const In au[3][2] = {{a[i], a[i + 2 * q]},
                             {a[i + q], a[i + 3 * q]},
                             {a[i + q].doubled() - a[i], a[i + 3 * q].doubled() - a[i + 2 * q]}};
        const In bu[3][2] = {{b[i], b[i + 2 * q]},
                             {b[i + q], b[i + 3 * q]},
                             {b[i + q].doubled() - b[i], b[i + 3 * q].doubled() - b[i + 2 * q]}};
        for (int x = 0; x < 3; ++x) {
          tail[x][0].add_product(au[x][0], bu[x][0]);
          tail[x][1].add_product(au[x][0], bu[x][1]);
          tail[x][1].add_product(au[x][1], bu[x][0]);
          tail[x][2].add_product(au[x][1], bu[x][1]);
        }
      }
      for (int x = 0; x < 3; ++x)
        for (int c = 0; c < 3; ++c) part[tid][x][c] = acc[x][c].reduce() + tail[x][c].reduce();
    });
    std::array<std::array<Goldilocks, 3>, 3> tot{};
    for (const auto& p : part)
      for (int x = 0; x < 3; ++x)
        for (int c = 0; c < 3; ++c) tot[x][c] += p[x][c];
    const E one_m = E::one() - r0;
    const E w00 = one_m * one_m, wx = one_m * r0, w11 = r0 * r0;
    std::array<E, d + 1> out;
    for (int x = 0; x < 3; ++x) out[x] = w00 * tot[x][0] + wx * tot[x][1] + w11 * tot[x][2];
    return out;
  }

  // Rounds ≥ 3 of the small-value schedule: fold the extension tables in place and
  // evaluate, two pairs per step with packed arithmetic. Two extension elements
  // sit interleaved in one packed register (c0, c1, c0', c1'); with d = hi − lo,
  //   r·d = (r0 d0 + 7r1 d1, r0 d1 + r1 d0) = d ⊙ (r0, r0, r0, r0) + swap(d) ⊙ (7r1, r1, 7r1, r1),
  // and a product a·b sums lazily as Σ a ⊙ b (lanes give a0b0, a1b1) and
  // Σ a ⊙ swap(b) (a0b1, a1b0): c0 = l0 + l2 + 7(l1 + l3), c1 = l0 + l1 + l2 + l3.
  std::array<E, d + 1> packed_inplace_round(const E& r, std::size_t v)
    requires kSmallValue
  {
    using P = PackedGoldilocks;
    const std::size_t h = std::size_t{1} << v;
    const Goldilocks r1x7 = GoldilocksExt2::mul_by_nonresidue(r.c1());
    const P R0 = P::broadcast(r.c0());
    const P R1 = P::from_array({r1x7, r.c1(), r1x7, r.c1()});
    const ExtScalar rs(r);
    std::vector<std::array<E, 3>> part(static_cast<std::size_t>(detail::max_threads()));
    detail::parallel_chunks(h, [&](std::size_t b, std::size_t e, int tid) {
      detail::PackedProductSums acc;
      std::size_t i = b;
      for (; i + 2 <= e; i += 2) {
        P lo[K], hi[K];  // per factor, the pairs i and i+1 after folding
        for (std::size_t j = 0; j < K; ++j) {
          Goldilocks* g = reinterpret_cast<Goldilocks*>(owned_[j].get());
          const P l0 = P::load(g + 2 * i), l1 = P::load(g + 2 * (i + 2 * h));
          const P h0 = P::load(g + 2 * (i + h)), h1 = P::load(g + 2 * (i + 3 * h));
          const P dl = l1 - l0, dh = h1 - h0;
          lo[j] = l0 + dl * R0 + dl.swap_pairs() * R1;
          hi[j] = h0 + dh * R0 + dh.swap_pairs() * R1;
          lo[j].store(g + 2 * i);
          hi[j].store(g + 2 * (i + h));
        }
        acc.add_packed(lo[0], hi[0], lo[K - 1], hi[K - 1]);
      }
      for (; i < e; ++i) {
        E lo[K], hi[K];
        for (std::size_t j = 0; j < K; ++j) {
          E* tb = owned_[j].get();
          lo[j] = rs.fold(tb[i], tb[i + 2 * h]);
          hi[j] = rs.fold(tb[i + h], tb[i + 3 * h]);
          tb[i] = lo[j];
          tb[i + h] = hi[j];
        }
        acc.add(lo[0], hi[0], lo[K - 1], hi[K - 1]);
      }
      part[tid] = acc.result();
    });
    return detail::sum_partials(part);
  }

  // Round 2: fold the base tables by (r0, r1) in one pass,
  //   f(r0, r1, i) = f00 + r0 (f10 − f00) + r1 (f01 − f00) + r0 r1 (f11 − f10 − f01 + f00)
  // (f_ut = f(x_{n-1} = u, x_{n-2} = t, i)), three extension × base products, four
  // outputs per packed step; write the interleaved result into owned_ (2^n / 4
  // entries) and evaluate round 2 on the fly as in packed_inplace_round.
  std::array<E, d + 1> double_fold_round(const E& r0, const E& r1, std::size_t v)
    requires kSmallValue
  {
    using P = PackedGoldilocks;
    const std::size_t h = std::size_t{1} << v;  // new tables have 2h entries
    const std::size_t quarter = 2 * h;          // 2^n / 4
    const E r01 = r0 * r1;
    const P A0 = P::broadcast(r0.c0()), A1 = P::broadcast(r0.c1());
    const P B0 = P::broadcast(r1.c0()), B1 = P::broadcast(r1.c1());
    const P C0 = P::broadcast(r01.c0()), C1 = P::broadcast(r01.c1());
    for (std::size_t j = 0; j < K; ++j) owned_[j] = detail::make_uninit_array<E>(quarter);
    auto scalar_combo = [&](const In* src, std::size_t i) {
      const In f00 = src[i], f01 = src[i + quarter], f10 = src[i + 2 * quarter], f11 = src[i + 3 * quarter];
      const In d1 = f10 - f00, d2 = f01 - f00, d3 = f11 - f10 - f01 + f00;
      return E(f00) + r0 * d1 + r1 * d2 + r01 * d3;
    };
    // Packed: four consecutive outputs as two interleaved registers.
    auto packed_combo = [&](const In* src, std::size_t i, P& out01, P& out23) {
      const P f00 = P::load(src + i), f01 = P::load(src + i + quarter), f10 = P::load(src + i + 2 * quarter),
              f11 = P::load(src + i + 3 * quarter);
      const P d1 = f10 - f00, d2 = f01 - f00, d3 = f11 - f10 - f01 + f00;
      const P c0 = f00 + d1 * A0 + d2 * B0 + d3 * C0;
      const P c1 = d1 * A1 + d2 * B1 + d3 * C1;
      interleave(c0, c1, out01, out23);
    };
    std::vector<std::array<E, 3>> part(static_cast<std::size_t>(detail::max_threads()));
    detail::parallel_chunks(h, [&](std::size_t b, std::size_t e, int tid) {
      detail::PackedProductSums acc;
      std::size_t i = b;
      for (; i + 4 <= e; i += 4) {
        P lo[K][2], hi[K][2];  // per factor, outputs i..i+3 (and i+h..) as two registers
        for (std::size_t j = 0; j < K; ++j) {
          const In* src = inputs_[j].data();
          Goldilocks* g = reinterpret_cast<Goldilocks*>(owned_[j].get());
          packed_combo(src, i, lo[j][0], lo[j][1]);
          packed_combo(src, i + h, hi[j][0], hi[j][1]);
          for (std::size_t k = 0; k < 2; ++k) {
            lo[j][k].store(g + 2 * (i + 2 * k));
            hi[j][k].store(g + 2 * (i + h + 2 * k));
          }
        }
        for (std::size_t k = 0; k < 2; ++k) acc.add_packed(lo[0][k], hi[0][k], lo[K - 1][k], hi[K - 1][k]);
      }
      for (; i < e; ++i) {
        E lo[K], hi[K];
        for (std::size_t j = 0; j < K; ++j) {
          lo[j] = scalar_combo(inputs_[j].data(), i);
          hi[j] = scalar_combo(inputs_[j].data(), i + h);
          owned_[j][i] = lo[j];
          owned_[j][i + h] = hi[j];
        }
        acc.add(lo[0], hi[0], lo[K - 1], hi[K - 1]);
      }
      part[tid] = acc.result();
    });
    return detail::sum_partials(part);
  }

  // Turns q_t(0..d) into the message s_t(0..D).
  std::vector<E> finish_round(const std::array<E, d + 1>& q, std::size_t v, const E& c) const {
    if (w_.empty()) return std::vector<E>(q.begin(), q.end());
    std::vector<E> qv(q.begin(), q.end());
    qv.push_back(extrapolate_next<E>(qv));
    std::vector<E> s(d + 2);
    for (std::size_t x = 0; x <= d + 1; ++x) s[x] = c * detail::eq_at_node(w_[v], x) * qv[x];
    return s;
  }

  Inputs inputs_;
  std::vector<E> w_;
  std::size_t n_ = 0;
  std::optional<std::vector<E>> first_;
  // Step state: rounds done, challenges so far, c = Π_{u>v} eq(w_u, r_u).
  std::size_t round_ = 0;
  std::vector<E> point_;
  E r_prev_{}, r_first_{};
  E c_ = E::one();
  // Folded tables after round 1: 2^{n-1} extension elements each, allocated
  // without zero-filling (E is trivially copyable) and first touched by the
  // thread that owns the chunk.
  std::array<detail::UninitArray<E>, K> owned_;
};

}  // namespace vtensor
