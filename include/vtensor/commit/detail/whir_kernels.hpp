// vtensor/commit/detail/whir_kernels.hpp — the prover's heavy loops for WHIR
// (commit/whir.hpp): encoding a table into fiber-major codeword rows, the degree-2
// sumcheck round over a weight and a table, folding the lowest variable, and
// building the weight tables (combinations of eq(z, ·) and eq(pow(u), ·)).
// Everything here is a pure function of its inputs; whir.hpp owns the protocol.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/poly/reed_solomon.hpp"

namespace vtensor::whir_detail {

using E = GoldilocksExt2;

// Codeword of the multilinear table on <ω> of size 2^log_domain, laid out by fibers:
// row j (j < 2^log_domain / 2^fold) = F(ω^{j + s·stride}), s < 2^fold
// (Möbius transform to monomial coefficients, then poly/reed_solomon.hpp).
template <class T>
std::vector<T> encode_fibers(std::span<const T> table, unsigned log_domain, unsigned fold) {
  std::vector<T> coeffs(table.begin(), table.end());
  mle_evals_to_coeffs<T>(std::span<T>(coeffs));
  const unsigned n = log2_exact(table.size());
  return rs_encode_fibers<T>(coeffs, log_domain - n, fold);
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

// Binds the lowest variable: out[i] = t[2i] + α (t[2i+1] − t[2i]).
template <class F>
std::vector<E> fold_low(std::span<const F> t, const E& alpha) {
  std::vector<E> out(t.size() / 2);
  const ExtScalar a(alpha);
  detail::parallel_for(out.size(), [&](std::size_t i) { out[i] = a.fold(t[2 * i], t[2 * i + 1]); });
  return out;
}

// w(b) += Σ_l γ^{l+1} eq(pow(u_l), b) for all b ∈ {0,1}^n', in one pass over w.
// eq(pow(u), ·) is a base-field product table, split into a low half (L bits) and a
// high half: eq(pow(u), b) = lo_u[b mod 2^L] · hi_u[b >> L]. With A[b_hi][l] =
// γ^{l+1} hi_l[b_hi] (extension) each entry is Σ_l A[b_hi][l] · lo_l[b_lo], summed
// lazily: 2 multiplications per term and one reduction per entry.
inline void add_query_weights(std::vector<E>& w, std::span<const Goldilocks> us, const E& gamma) {
  const std::size_t t = us.size();
  if (t == 0) return;
  const unsigned n = log2_exact(w.size());
  const unsigned lo_bits = n / 2, hi_bits = n - lo_bits;
  const std::size_t nlo = std::size_t{1} << lo_bits, nhi = std::size_t{1} << hi_bits;
  std::vector<Goldilocks> lo_t(nlo * t);  // [b_lo][l]
  std::vector<E> a(nhi * t);              // [b_hi][l]
  E g = gamma;
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
    for (std::size_t b = 0; b < nhi; ++b) a[b * t + l] = g * hi[b];
    g *= gamma;
  }
  detail::parallel_chunks(nhi, std::max<std::size_t>(1, detail::kParallelGrain / (nlo * t) + 1),
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

// w(b) = Σ_j c_j eq(z_j, b). eq(z, ·) splits into a low table (L coordinates) and a
// high table; for each high index only the points whose high table is nonzero there
// contribute — points with Boolean high coordinates (tensors at aligned sub-cubes
// of a model polynomial) touch only their own sub-cube, so m claims on disjoint
// tensors cost the tensors' total size, not m · 2^n.
inline std::vector<E> eq_combination(std::span<const std::vector<E>> points, std::span<const E> coefs, unsigned n) {
  if (points.size() == 1 && coefs[0] == E::one()) return eq_table<E>(points[0]);
  const unsigned lo_bits = n / 2, hi_bits = n - lo_bits;
  const std::size_t nlo = std::size_t{1} << lo_bits, nhi = std::size_t{1} << hi_bits;
  std::vector<std::vector<E>> lo(points.size()), hi(points.size());
  for (std::size_t j = 0; j < points.size(); ++j) {
    lo[j] = eq_table<E>(std::span<const E>(points[j].data(), lo_bits));
    hi[j] = eq_table<E>(std::span<const E>(points[j].data() + lo_bits, hi_bits));
    for (auto& x : hi[j]) x = x * coefs[j];
  }
  std::vector<E> w(std::size_t{1} << n, E::zero());
  detail::parallel_chunks(nhi, 1, [&](std::size_t hb, std::size_t he, int) {
    for (std::size_t bh = hb; bh < he; ++bh) {
      E* wr = w.data() + bh * nlo;
      for (std::size_t j = 0; j < points.size(); ++j) {
        if (hi[j][bh].is_zero()) continue;
        const ExtScalar h(hi[j][bh]);
        for (std::size_t bl = 0; bl < nlo; ++bl) wr[bl] += h * lo[j][bl];
      }
    }
  });
  return w;
}

}  // namespace vtensor::whir_detail
