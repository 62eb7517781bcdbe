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
// Passes: one for the OOD answers, one per round; the last keeps each group's two
// halves so finish() needs none.
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
        for (std::size_t k = 0; k < s; ++k)
          for (std::size_t i = 0; i < K_; ++i) {
            const E hf = oods[k].h[hb * K_ + i];
            for (std::size_t j = 0; j < np; ++j) {
              E sum = E::zero();
              for (std::size_t l = lo; l < hi; ++l) sum += oods[k].l_at(l0 + l) * buf[j][i * B_ + l];
              acc[j * s + k] += hf * sum;
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
          for_claims_in(cws, hb * K_ + i, l0, [&](std::size_t q, std::uint64_t x, std::size_t l, const E& e) {
            (void)x;
            for (std::size_t j = 0; j < np; ++j) acc[j * m + q] += e * buf[j][i * B_ + l];
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

  std::array<E, 3> round() override {
    const std::size_t r = alpha_.size();
    const bool keep = r + 1 == k0_;  // the last round keeps each group's two halves
    if (keep) {
      last_f_.assign(2 * groups(), E::zero());
      last_w_.assign(2 * groups(), E::zero());
    }
    std::vector<std::array<E, 3>> part(static_cast<std::size_t>(detail::max_threads()), {E::zero(), E::zero(), E::zero()});
    std::vector<E> wbuf(K_ * B_);
    for_each_slab([&](std::size_t hb, std::size_t l0, const std::vector<std::vector<Goldilocks>>& buf) {
      fill_weight(hb, l0, wbuf);
      detail::parallel_chunks(B_, 256, [&](std::size_t lo, std::size_t hi, int tid) {
        std::vector<E> f(K_), w(K_);
        std::array<E, 3> acc{E::zero(), E::zero(), E::zero()};
        for (std::size_t l = lo; l < hi; ++l) {
          for (std::size_t i = 0; i < K_; ++i) {
            E v = E::zero();
            for (std::size_t j = 0; j < polys_.size(); ++j) v += mu_[j] * buf[j][i * B_ + l];
            f[i] = v;
            w[i] = wbuf[i * B_ + l];
          }
          std::size_t size = K_;
          for (const E& a : alpha_) {
            for (std::size_t x = 0; x < size / 2; ++x) {
              f[x] = f[2 * x] + a * (f[2 * x + 1] - f[2 * x]);
              w[x] = w[2 * x] + a * (w[2 * x + 1] - w[2 * x]);
            }
            size /= 2;
          }
          for (std::size_t x = 0; x < size / 2; ++x) {
            const E f0 = f[2 * x], f1 = f[2 * x + 1], w0 = w[2 * x], w1 = w[2 * x + 1];
            acc[0] += w0 * f0;
            acc[1] += w1 * f1;
            acc[2] += (w1.doubled() - w0) * (f1.doubled() - f0);
          }
          if (keep) {
            const std::size_t g = group_index(hb, l0 + l);
            last_f_[2 * g] = f[0];
            last_f_[2 * g + 1] = f[1];
            last_w_[2 * g] = w[0];
            last_w_[2 * g + 1] = w[1];
          }
        }
        for (int x = 0; x < 3; ++x) part[static_cast<std::size_t>(tid)][x] += acc[x];
      });
    });
    std::array<E, 3> h{E::zero(), E::zero(), E::zero()};
    for (const auto& p : part)
      for (int x = 0; x < 3; ++x) h[x] += p[x];
    return h;
  }

  void bind(const E& a) override { alpha_.push_back(a); }

  void finish(std::vector<E>& f, std::vector<E>& w) override {
    if (alpha_.size() != k0_) throw ArgumentError("streamed opening: finish before the k_0 rounds");
    const E a = alpha_.back();
    f.resize(groups());
    w.resize(groups());
    detail::parallel_for(groups(), [&](std::size_t g) {
      f[g] = last_f_[2 * g] + a * (last_f_[2 * g + 1] - last_f_[2 * g]);
      w[g] = last_w_[2 * g] + a * (last_w_[2 * g + 1] - last_w_[2 * g]);
    });
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
  // An OOD point's weight: eq(z, T-index) = h[hidx]·lo[l & mask]·hi[l >> bits].
  struct Ood {
    std::vector<E> h, lo, hi;
    unsigned lo_bits = 0;
    E l_at(std::size_t l) const { return lo[l & ((std::size_t{1} << lo_bits) - 1)] * hi[l >> lo_bits]; }
  };
  Ood make_ood(std::span<const E> z, const E& coef) const {
    Ood o;
    o.h = eq_table<E>(z.first(m_));
    for (auto& x : o.h) x *= coef;
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

  // wbuf[i·B + l] = w at chunk h = hb·K + i, l0 + l.
  void fill_weight(std::size_t hb, std::size_t l0, std::vector<E>& wbuf) const {
    detail::parallel_chunks(K_, 1, [&](std::size_t i0, std::size_t i1, int) {
      for (std::size_t i = i0; i < i1; ++i) {
        E* row = wbuf.data() + i * B_;
        const std::size_t h = hb * K_ + i;
        for (std::size_t l = 0; l < B_; ++l) {
          E v = E::zero();
          for (const auto& o : oods_) v += o.h[h] * o.l_at(l0 + l);
          row[l] = v;
        }
        for_claims_in(weights_, h, l0, [&](std::size_t, std::uint64_t, std::size_t l, const E& e) { row[l] += e; });
      }
    });
  }

  // f(q, x, l, weight) for every claim q whose block meets M[h·2^c + l0, + B), at each
  // x = h·2^c + l0 + l of its block there: weight = coef_q·eq(r_q, x − off_q).
  template <class F>
  void for_claims_in(const std::vector<ClaimWeight>& cws, std::size_t h, std::size_t l0, F&& f) const {
    // Blocks of claims on different parts may overlap (part-local coordinates): skip the
    // prefix whose largest end is ≤ lo (monotone), then test each block.
    const std::uint64_t lo = (static_cast<std::uint64_t>(h) << c_) + l0, hi = lo + B_;
    const std::size_t first = static_cast<std::size_t>(
        std::partition_point(max_end_.begin(), max_end_.end(), [&](std::uint64_t e) { return e <= lo; }) -
        max_end_.begin());
    for (auto it = order_.begin() + static_cast<std::ptrdiff_t>(first); it != order_.end() && cws[*it].offset < hi; ++it) {
      const auto& cw = cws[*it];
      if (cw.offset + cw.size <= lo) continue;
      const std::uint64_t a = std::max(lo, cw.offset), b = std::min(hi, cw.offset + cw.size);
      const std::uint64_t mask = (std::uint64_t{1} << cw.lo_bits) - 1;
      for (std::uint64_t x = a; x < b; ++x) {
        const std::uint64_t loc = x - cw.offset;
        f(*it, x, static_cast<std::size_t>(x - lo), cw.lo[loc & mask] * cw.hi[loc >> cw.lo_bits]);
      }
    }
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
  std::vector<ClaimWeight> weights_;
  std::vector<Ood> oods_;
  std::vector<E> last_f_, last_w_;
};

}  // namespace vtensor::model_detail
