// vtensor/commit/detail/model_open_stream.hpp — the first WHIR iteration of a model
// opening, streamed: the tables are read from the models' sources, never held whole,
// and the codeword rows and Merkle paths come from the codeword files and the caps the
// streamed commit kept (hash/capped_merkle.hpp). The proof bytes are those of
// Whir::open_batch on the materialized polynomials (tests/test_model_stream_open.cpp).
//
// Polynomial j is part q_j of model k_j: its WHIR table T_j[l·2^m + h] = M_j[h·2^c + l]
// (commit/model.hpp). The first iteration binds T's lowest k_0 variables — the low k_0
// bits of the chunk index h — so a "fiber group" is the 2^{k_0} entries h = hb·2^{k_0} + i
// (i < 2^{k_0}) at one l: one value from each of 2^{k_0} consecutive chunks. A pass reads
// slabs (hb, l ∈ [l0, l0 + B)) as 2^{k_0} contiguous ranges of each M_j, combines the
// polynomials with μ, builds the weight, folds each group by the α's bound so far and sums
// the round. The weight Σ_l β_l eq(z_l, ·) is evaluated through each claim's tensor:
// z_l is the rotated model point (r_l, bits of the tensor's offset), so eq(z_l, T(x)) =
// [x in the tensor's block]·eq(r_l, x − off) — a claim costs its tensor's size per pass,
// not the model's; an OOD point costs one product per entry (split eq tables).
// Passes: one for the OOD answers, one per two rounds (an odd round's sums are a
// quadratic in the previous challenge, summed by the even round's pass); the last keeps
// each group's last two values so finish() needs none.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "vtensor/commit/detail/model_io.hpp"
#include "vtensor/commit/model_source.hpp"
#include "vtensor/commit/whir.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/hash/capped_merkle.hpp"
#include "vtensor/mle/eq.hpp"

namespace vtensor::model_detail {

// One committed polynomial: a part of a model.
struct StreamPoly {
  ModelSource* source = nullptr;
  std::uint64_t base = 0;          // the part's first model index
  std::filesystem::path codeword;  // fiber rows of 2^{k_0} values
  const MerkleCap* cap = nullptr;
};

// A claim point as a tensor sees it (part-local coordinates).
struct TensorPoint {
  std::uint64_t offset = 0;  // the tensor block's offset within the part
  unsigned log_size = 0;
  std::vector<GoldilocksExt2> local;
};

class StreamedModelFirstIteration final : public whir_detail::FirstIteration {
 public:
  using E = GoldilocksExt2;

  StreamedModelFirstIteration(const WhirParams& part_params, unsigned chunk_log, std::vector<StreamPoly> polys,
                              std::vector<TensorPoint> claims, std::size_t slab_entries = std::size_t{1} << 16)
      : n_(part_params.num_vars), c_(chunk_log), polys_(std::move(polys)), claims_(std::move(claims)) {
    const auto sched = part_params.schedule();
    if (sched.empty()) throw ArgumentError("streamed opening: the table is sent whole, nothing to stream");
    k0_ = sched[0].fold;
    m_ = n_ - c_;
    if (m_ < k0_) throw ArgumentError("streamed opening: the chunk log leaves fewer than k_0 chunk bits");
    K_ = std::size_t{1} << k0_;
    B_ = std::min<std::size_t>(slab_entries, std::size_t{1} << c_);
    log_domain_ = sched[0].log_domain;
    for (const auto& p : polys_) {
      if (!p.cap || p.cap->digests.empty()) throw ArgumentError("streamed opening: a part without its Merkle cap");
      File f(p.codeword, O_RDONLY);  // fails early on a missing file
      (void)f;
    }
    order_.resize(claims_.size());
    for (std::size_t q = 0; q < order_.size(); ++q) order_[q] = q;
    std::stable_sort(order_.begin(), order_.end(),
                     [&](std::size_t a, std::size_t b) { return claims_[a].offset < claims_[b].offset; });
    std::uint64_t e = 0;
    for (auto q : order_) {
      e = std::max(e, claims_[q].offset + (std::uint64_t{1} << claims_[q].log_size));
      max_end_.push_back(e);
    }
  }

  std::size_t num_polys() const override { return polys_.size(); }

  std::vector<E> evaluate(std::span<const std::vector<E>> pts) override {
    const std::size_t np = polys_.size(), s = pts.size();
    std::vector<Ood> oods;
    for (std::size_t k = 0; k < s; ++k) oods.push_back(make_ood(pts[k], E::one()));
    std::vector<std::vector<E>> part(static_cast<std::size_t>(detail::max_threads()), std::vector<E>(np * s, E::zero()));
    for_each_slab([&](std::size_t hb, std::size_t l0, const std::vector<std::vector<Goldilocks>>& buf) {
      detail::parallel_chunks(B_, 256, [&](std::size_t lo, std::size_t hi, int tid) {
        auto& acc = part[static_cast<std::size_t>(tid)];
        for (std::size_t k = 0; k < s; ++k) {
          const Ood& o = oods[k];
          for (std::size_t j = 0; j < np; ++j) {
            E sum = E::zero();
            for (std::size_t l = lo; l < hi; ++l) {
              E g = E::zero();  // Σ_i eq(z_low, i)·T_j[group]_i
              for (std::size_t i = 0; i < K_; ++i) g += o.in_group[i] * buf[j][i * B_ + l];
              sum += o.l_at(l0 + l) * g;
            }
            acc[j * s + k] += o.hb[hb] * sum;
          }
        }
      });
    });
    std::vector<E> out(np * s, E::zero());
    for (const auto& p : part)
      for (std::size_t x = 0; x < out.size(); ++x) out[x] += p[x];
    return out;
  }

  // values[j][q] = polynomial j at claim q's point: Σ over q's block of eq(r_q, ·)·T_j
  // (one pass; each claim costs its tensor's size).
  std::vector<std::vector<E>> claim_values() {
    const std::size_t np = polys_.size(), m = claims_.size();
    std::vector<ClaimWeight> cws;
    for (const auto& c : claims_) cws.push_back(make_claim(c, E::one()));
    std::vector<std::vector<E>> part(static_cast<std::size_t>(detail::max_threads()), std::vector<E>(np * m, E::zero()));
    for_each_slab([&](std::size_t hb, std::size_t l0, const std::vector<std::vector<Goldilocks>>& buf) {
      detail::parallel_chunks(K_, 1, [&](std::size_t i0, std::size_t i1, int tid) {
        auto& acc = part[static_cast<std::size_t>(tid)];
        for (std::size_t i = i0; i < i1; ++i)
          for_claim_runs(cws, hb * K_ + i, l0, l0 + B_,
                         [&](std::size_t q, std::size_t l, std::size_t count, const E& hv, const E* lt) {
                           for (std::size_t j = 0; j < np; ++j) {
                             LazyExtSum sum;
                             for (std::size_t k = 0; k < count; ++k) sum.add_product(lt[k], buf[j][i * B_ + l + k]);
                             acc[j * m + q] += hv * sum.reduce();
                           }
                         });
      });
    });
    std::vector<std::vector<E>> out(np, std::vector<E>(m, E::zero()));
    for (const auto& p : part)
      for (std::size_t j = 0; j < np; ++j)
        for (std::size_t q = 0; q < m; ++q) out[j][q] += p[j * m + q];
    return out;
  }

  void combine(std::span<const E> mu, std::span<const std::vector<E>> points, std::span<const E> coefs) override {
    if (points.size() < claims_.size() || coefs.size() != points.size())
      throw ArgumentError("streamed opening: the weight's points do not start with the claims");
    mu_.assign(mu.begin(), mu.end());
    weights_.clear();
    for (std::size_t q = 0; q < claims_.size(); ++q) weights_.push_back(make_claim(claims_[q], coefs[q]));
    oods_.clear();
    for (std::size_t k = claims_.size(); k < points.size(); ++k) oods_.push_back(make_ood(points[k], coefs[k]));
  }

  // Round r (after r binds): per group, f folded by α_0..α_{r−1} (from the slab) and the
  // weight directly at the folded positions: an OOD term is coef·eq(z_{<r}, α)·eq(z_{r..k0}, i')
  // times its group factor; a claim's entry at in-group index i lands at i >> r with
  // factor Π_{v<r} eq(bit_v(i), α_v) (its chunk bits are Boolean).
  //
  // Two rounds per pass: round r+1's h is a quadratic in α_r (its tables are linear in
  // α_r: f^{(r+1)}[y] = a_y + α_r d_y), so the pass of an even round also sums its three
  // coefficient sets and the odd round needs no pass. The pass before the last round keeps
  // each group's last two values (as linear forms in α when that round is odd).
  std::array<E, 3> round() override {
    const std::size_t r = alpha_.size(), S = K_ >> r;
    if (r % 2 == 1) {  // from the previous pass's coefficients
      const E a = alpha_.back();
      std::array<E, 3> h;
      for (int x = 0; x < 3; ++x) h[x] = next_[0][x] + a * (next_[1][x] + a * next_[2][x]);
      return h;
    }
    const bool two = r + 1 < k0_;              // this pass also prepares round r+1
    const bool keep = r + 1 == k0_;            // r is the last round: keep 2 values per group
    const bool keep_linear = r + 2 == k0_;     // r+1 is the last: keep them as a + α d
    const std::size_t kept = keep ? 2 : keep_linear ? 4 : 0;
    if (kept) {
      last_f_.assign(kept * groups(), E::zero());
      last_w_.assign(kept * groups(), E::zero());
    }
    std::vector<std::array<std::array<E, 3>, 3>> part_next(static_cast<std::size_t>(detail::max_threads()));
    for (auto& pn : part_next)
      for (auto& row : pn) row = {E::zero(), E::zero(), E::zero()};
    std::vector<E> alpha_eq(K_, E::one());
    for (std::size_t i = 0; i < K_; ++i)
      for (std::size_t v = 0; v < r; ++v) alpha_eq[i] *= ((i >> v) & 1) ? alpha_[v] : E::one() - alpha_[v];
    std::vector<std::vector<E>> ood_in(oods_.size(), std::vector<E>(S, E::zero()));
    for (std::size_t k = 0; k < oods_.size(); ++k)
      for (std::size_t i = 0; i < K_; ++i) ood_in[k][i >> r] += alpha_eq[i] * oods_[k].in_group[i];
    std::vector<std::array<E, 3>> part(static_cast<std::size_t>(detail::max_threads()), {E::zero(), E::zero(), E::zero()});
    std::vector<E> wbuf(B_ * S);
    for_each_slab([&](std::size_t hb, std::size_t l0, const std::vector<std::vector<Goldilocks>>& buf) {
      detail::parallel_chunks(B_, 256, [&](std::size_t lo, std::size_t hi, int tid) {
        std::fill(wbuf.begin() + static_cast<std::ptrdiff_t>(lo * S), wbuf.begin() + static_cast<std::ptrdiff_t>(hi * S),
                  E::zero());
        for (std::size_t i = 0; i < K_; ++i)
          add_claims(hb * K_ + i, l0 + lo, l0 + hi, alpha_eq[i], wbuf.data() + lo * S + (i >> r), S);
        std::vector<E> f(K_), w(S);
        LazyExtSum acc[3], nacc[3][3];
        const std::size_t np = polys_.size();
        for (std::size_t l = lo; l < hi; ++l) {
          for (std::size_t i = 0; i < K_; ++i) {  // Σ_j μ_j T_j, both coordinates summed lazily
            LazySum c0, c1;
            for (std::size_t j = 0; j < np; ++j) {
              const Goldilocks b = buf[j][i * B_ + l];
              c0.add_product(mu_[j].c0(), b);
              c1.add_product(mu_[j].c1(), b);
            }
            f[i] = E(c0.reduce(), c1.reduce());
          }
          std::size_t size = K_;
          for (const auto& a : alpha_s_) {
            for (std::size_t x = 0; x < size / 2; ++x) f[x] = a.fold(f[2 * x], f[2 * x + 1]);
            size /= 2;
          }
          for (std::size_t x = 0; x < S; ++x) w[x] = wbuf[l * S + x];
          for (std::size_t k = 0; k < oods_.size(); ++k) {
            const ExtScalar g(oods_[k].hb[hb] * oods_[k].l_at(l0 + l));
            for (std::size_t x = 0; x < S; ++x) w[x] += g * ood_in[k][x];
          }
          for (std::size_t x = 0; x < S / 2; ++x) {
            const E f0 = f[2 * x], f1 = f[2 * x + 1], w0 = w[2 * x], w1 = w[2 * x + 1];
            acc[0].add_product(w0, f0);
            acc[1].add_product(w1, f1);
            acc[2].add_product(w1.doubled() - w0, f1.doubled() - f0);
          }
          if (two) {
            // f^{(r+1)}[y] = f[2y] + α (f[2y+1] − f[2y]) =: fa_y + α fd_y, likewise w; round
            // r+1 sums over pairs (2z, 2z+1) at X = 0, 1, 2 the product of two such forms.
            for (std::size_t z = 0; z < S / 4; ++z) {
              const E fa0 = f[4 * z], fd0 = f[4 * z + 1] - fa0, fa1 = f[4 * z + 2], fd1 = f[4 * z + 3] - fa1;
              const E wa0 = w[4 * z], wd0 = w[4 * z + 1] - wa0, wa1 = w[4 * z + 2], wd1 = w[4 * z + 3] - wa1;
              const E fa[3] = {fa0, fa1, fa1.doubled() - fa0}, fd[3] = {fd0, fd1, fd1.doubled() - fd0};
              const E wa[3] = {wa0, wa1, wa1.doubled() - wa0}, wd[3] = {wd0, wd1, wd1.doubled() - wd0};
              for (int x = 0; x < 3; ++x) {
                nacc[0][x].add_product(wa[x], fa[x]);
                nacc[1][x].add_product(wa[x], fd[x]);
                nacc[1][x].add_product(wd[x], fa[x]);
                nacc[2][x].add_product(wd[x], fd[x]);
              }
            }
          }
          if (kept) {
            const std::size_t g = group_index(hb, l0 + l);
            if (keep) {
              last_f_[2 * g] = f[0];
              last_f_[2 * g + 1] = f[1];
              last_w_[2 * g] = w[0];
              last_w_[2 * g + 1] = w[1];
            } else {  // (a_0, d_0, a_1, d_1) of f^{(r+1)}[0], f^{(r+1)}[1]
              last_f_[4 * g] = f[0];
              last_f_[4 * g + 1] = f[1] - f[0];
              last_f_[4 * g + 2] = f[2];
              last_f_[4 * g + 3] = f[3] - f[2];
              last_w_[4 * g] = w[0];
              last_w_[4 * g + 1] = w[1] - w[0];
              last_w_[4 * g + 2] = w[2];
              last_w_[4 * g + 3] = w[3] - w[2];
            }
          }
        }
        for (int x = 0; x < 3; ++x) part[static_cast<std::size_t>(tid)][x] += acc[x].reduce();
        for (int c = 0; c < 3; ++c)
          for (int x = 0; x < 3; ++x) part_next[static_cast<std::size_t>(tid)][c][x] += nacc[c][x].reduce();
      });
    });
    std::array<E, 3> h{E::zero(), E::zero(), E::zero()};
    for (const auto& p : part)
      for (int x = 0; x < 3; ++x) h[x] += p[x];
    for (auto& row : next_) row = {E::zero(), E::zero(), E::zero()};
    for (const auto& pn : part_next)
      for (int c = 0; c < 3; ++c)
        for (int x = 0; x < 3; ++x) next_[c][x] += pn[c][x];
    return h;
  }

  void bind(const E& a) override {
    alpha_.push_back(a);
    alpha_s_.emplace_back(a);
  }

  void finish(std::vector<E>& f, std::vector<E>& w) override {
    if (alpha_.size() != k0_) throw ArgumentError("streamed opening: finish before the k_0 rounds");
    const E a = alpha_.back();
    f.resize(groups());
    w.resize(groups());
    if (last_f_.size() == 4 * groups()) {  // linear forms in α_{k0−2}
      const E b = alpha_[k0_ - 2];
      detail::parallel_for(groups(), [&](std::size_t g) {
        const E f0 = last_f_[4 * g] + b * last_f_[4 * g + 1], f1 = last_f_[4 * g + 2] + b * last_f_[4 * g + 3];
        const E w0 = last_w_[4 * g] + b * last_w_[4 * g + 1], w1 = last_w_[4 * g + 2] + b * last_w_[4 * g + 3];
        f[g] = f0 + a * (f1 - f0);
        w[g] = w0 + a * (w1 - w0);
      });
    } else {
      detail::parallel_for(groups(), [&](std::size_t g) {
        f[g] = last_f_[2 * g] + a * (last_f_[2 * g + 1] - last_f_[2 * g]);
        w[g] = last_w_[2 * g] + a * (last_w_[2 * g + 1] - last_w_[2 * g]);
      });
    }
    last_f_.clear();
    last_w_.clear();
  }

  void open_queries(std::span<const std::uint64_t> idx, ByteWriter& w) const override {
    const unsigned depth = log_domain_ - k0_;
    for (const auto& p : polys_) {
      File f(p.codeword, O_RDONLY);
      auto read = [&](std::uint64_t first, std::size_t count, std::span<Goldilocks> dst) {
        f.pread_all(dst.data(), count * K_ * 8, first * K_ * 8);
        for (const auto& v : dst)
          if (v.value() >= Goldilocks::kModulus) throw DecodeError("model codeword file: a non-canonical value");
      };
      std::vector<Goldilocks> row(K_);
      for (auto j : idx) {
        read(j, 1, row);
        w.fields<Goldilocks>(row);
      }
      const CappedMerkle tree(depth, p.cap->height, p.cap->digests, K_, read);
      tree.open_multi(idx).encode(w);
    }
  }

 private:
  // An OOD point's weight: eq(z, T-index) = in_group[i]·hb[hb]·lo[l & mask]·hi[l >> bits]
  // for T-index = l·2^m + hb·2^{k0} + i (the coefficient is folded into hb).
  struct Ood {
    std::vector<E> in_group, hb, lo, hi;
    unsigned lo_bits = 0;
    E l_at(std::size_t l) const { return lo[l & ((std::size_t{1} << lo_bits) - 1)] * hi[l >> lo_bits]; }
  };
  Ood make_ood(std::span<const E> z, const E& coef) const {
    Ood o;
    o.in_group = eq_table<E>(z.first(k0_));
    o.hb = eq_table<E>(z.subspan(k0_, m_ - k0_));
    for (auto& x : o.hb) x *= coef;
    o.lo_bits = c_ / 2;
    o.lo = eq_table<E>(z.subspan(m_, o.lo_bits));
    o.hi = eq_table<E>(z.subspan(m_ + o.lo_bits, c_ - o.lo_bits));
    return o;
  }
  // A claim's weight on its tensor block: coef·eq(r, x − off) = lo[..]·hi[..].
  struct ClaimWeight {
    std::uint64_t offset = 0, size = 0;
    unsigned lo_bits = 0;
    std::vector<E> lo, hi;
  };
  ClaimWeight make_claim(const TensorPoint& p, const E& coef) const {
    ClaimWeight c;
    c.offset = p.offset;
    c.size = std::uint64_t{1} << p.log_size;
    c.lo_bits = p.log_size / 2;
    c.lo = eq_table<E>(std::span<const E>(p.local).first(c.lo_bits));
    c.hi = eq_table<E>(std::span<const E>(p.local).subspan(c.lo_bits));
    for (auto& x : c.hi) x *= coef;
    return c;
  }

  std::size_t groups() const { return std::size_t{1} << (n_ - k0_); }
  // Folded index of the group at (hb, l): T-index >> k_0 = l·2^{m−k_0} + hb.
  std::size_t group_index(std::size_t hb, std::size_t l) const { return (l << (m_ - k0_)) + hb; }

  // f(q, l, count, hi, lo) for every run of every claim q whose block meets
  // M[h·2^c + l_lo, h·2^c + l_hi): the entries x = h·2^c + l_lo + l + k (k < count) of its
  // block there have weight hi·lo[k] = coef_q·eq(r_q, x − off_q) (a run shares its hi factor).
  template <class F>
  void for_claim_runs(const std::vector<ClaimWeight>& cws, std::size_t h, std::size_t l_lo, std::size_t l_hi,
                      F&& f) const {
    // Blocks of claims on different parts may overlap (part-local coordinates): skip the
    // prefix whose largest end is ≤ lo (monotone), then test each block.
    const std::uint64_t lo = (static_cast<std::uint64_t>(h) << c_) + l_lo, hi = lo + (l_hi - l_lo);
    const std::size_t first = static_cast<std::size_t>(
        std::partition_point(max_end_.begin(), max_end_.end(), [&](std::uint64_t e) { return e <= lo; }) -
        max_end_.begin());
    for (auto it = order_.begin() + static_cast<std::ptrdiff_t>(first); it != order_.end() && cws[*it].offset < hi; ++it) {
      const auto& cw = cws[*it];
      if (cw.offset + cw.size <= lo) continue;
      const std::uint64_t a = std::max(lo, cw.offset), b = std::min(hi, cw.offset + cw.size);
      const std::uint64_t run = std::uint64_t{1} << cw.lo_bits;
      for (std::uint64_t x = a; x < b;) {
        const std::uint64_t loc = x - cw.offset, end = std::min(b, x + run - (loc & (run - 1)));
        f(*it, static_cast<std::size_t>(x - lo), static_cast<std::size_t>(end - x), cw.hi[loc >> cw.lo_bits],
          cw.lo.data() + (loc & (run - 1)));
        x = end;
      }
    }
  }

  // out[l·stride] += factor·(the claims' weight at h·2^c + l_lo + l).
  void add_claims(std::size_t h, std::size_t l_lo, std::size_t l_hi, const E& factor, E* out, std::size_t stride) const {
    for_claim_runs(weights_, h, l_lo, l_hi, [&](std::size_t, std::size_t l, std::size_t count, const E& hv, const E* lt) {
      const ExtScalar s(hv * factor);
      E* o = out + l * stride;
      for (std::size_t k = 0; k < count; ++k) o[k * stride] += s * lt[k];
    });
  }

  // Calls body(hb, l0, buf) for every slab, buf[j][i·B + l] = M_j[(hb·K + i)·2^c + l0 + l];
  // the next slab is read on a helper thread while body runs.
  template <class Body>
  void for_each_slab(Body&& body) {
    const std::size_t hbs = std::size_t{1} << (m_ - k0_), ls = (std::size_t{1} << c_) / B_;
    std::vector<std::vector<Goldilocks>> bufs[2];
    for (auto& b : bufs) b.assign(polys_.size(), std::vector<Goldilocks>(K_ * B_));
    auto read = [&](std::size_t s, std::vector<std::vector<Goldilocks>>& dst) {
      const std::size_t hb = s / ls, l0 = (s % ls) * B_;
      for (std::size_t j = 0; j < polys_.size(); ++j)
        for (std::size_t i = 0; i < K_; ++i)
          polys_[j].source->read(polys_[j].base + ((static_cast<std::uint64_t>(hb * K_ + i)) << c_) + l0,
                                 std::span<Goldilocks>(dst[j].data() + i * B_, B_));
    };
    Background reading;
    reading.start([&] { read(0, bufs[0]); });
    const std::size_t total = hbs * ls;
    for (std::size_t s = 0; s < total; ++s) {
      reading.wait();
      if (s + 1 < total) reading.start([&, s] { read(s + 1, bufs[(s + 1) % 2]); });
      body(s / ls, (s % ls) * B_, bufs[s % 2]);
    }
  }

  unsigned n_, c_, m_ = 0, k0_ = 0, log_domain_ = 0;
  std::size_t K_ = 1, B_ = 1;
  std::vector<StreamPoly> polys_;
  std::vector<TensorPoint> claims_;
  std::vector<std::size_t> order_;     // claims by offset
  std::vector<std::uint64_t> max_end_;  // running max of the blocks' ends, in that order
  std::vector<E> mu_, alpha_;
  std::vector<ExtScalar> alpha_s_;
  std::vector<ClaimWeight> weights_;
  std::vector<Ood> oods_;
  std::vector<E> last_f_, last_w_;
  std::array<std::array<E, 3>, 3> next_{};  // round r+1 = next_[0] + α next_[1] + α² next_[2]
};

}  // namespace vtensor::model_detail
