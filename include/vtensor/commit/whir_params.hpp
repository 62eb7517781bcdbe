// vtensor/commit/whir_params.hpp — parameters of the WHIR commitment and their
// soundness, in bits, computed from proven bounds only.
//
// Schedule. A multilinear f in n variables is committed as the Reed–Solomon
// codeword of F(X) = Σ_i c_i X^i (c the monomial coefficients of f) on
// L_0 = <ω_0>, |L_0| = 2^{n+R} (rate ρ_0 = 2^-R). Iteration i folds k_i variables
// (k_i = min(k, n_i − final_vars)); the folded function, in n_{i+1} = n_i − k_i
// variables, is committed on L_{i+1} = L_i² (|L_{i+1}| = |L_i|/2, so the rate drops
// to ρ_{i+1} = ρ_i · 2^{1−k_i}), until final_vars variables remain and the last
// function is sent in the clear.
//
// Soundness (unique-decoding regime, docs/commitment.md). Every verifier challenge
// is one round of a round-by-round sound argument; its error bounds are:
//   sumcheck round (degree 2):                 2 / |E|
//   folding challenge at iteration i:          |L_i| / |E|
//     (proximity gaps for Reed–Solomon codes in the unique-decoding regime,
//      Ben-Sasson–Carmon–Ishai–Kopparty–Saraf 2020: a line with a δ-far point has at
//      most |L| δ-close points, δ < (1 − ρ)/2)
//   t_i shift queries at iteration i:          (1 − δ_i)^{t_i}, δ_i the exact unique-decoding
//                                              radius of the folded code, about (1 − ρ_i)/2;
//                                              every fiber is opened when t_i would reach
//                                              their number (the phase is then exact)
//   combination randomness γ:                  t_i / |E|
// with |E| = p² ≈ 2^128. λ = −log2 of the largest of these is the security level:
// a prover making 2^s hash queries succeeds with probability ≤ 2^{s−λ}. Nothing
// here uses the proximity conjecture up to capacity, nor even the Johnson bound:
// the query counts are those of unique decoding.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <string>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"

namespace vtensor {

struct WhirParams {
  unsigned num_vars = 0;
  unsigned log_inv_rate = 2;    // R: rate 2^-R
  unsigned folding_factor = 4;  // k
  unsigned final_vars = 6;      // stop folding at this many variables
  unsigned security_bits = 100; // λ target for the query counts

  // One folding iteration.
  struct Iteration {
    unsigned vars_before = 0;  // n_i
    unsigned fold = 0;         // k_i
    unsigned log_domain = 0;   // log2 |L_i|
    unsigned queries = 0;      // t_i
    double rate() const { return std::ldexp(1.0, static_cast<int>(vars_before) - static_cast<int>(log_domain)); }
    std::uint64_t num_fibers() const { return std::uint64_t{1} << (log_domain - fold); }
    // Every fiber is opened (no sampling) when the sampled count would reach it.
    bool opens_all() const { return queries >= num_fibers(); }
    // Unique-decoding radius of the folded code: RS on L_i^{2^k} (N' points) of
    // dimension D' = 2^{n_i - k}: minimum distance N' - D' + 1, so a word within
    // floor((N' - D')/2) errors of a codeword decodes uniquely.
    double delta() const {
      const double np = static_cast<double>(num_fibers());
      const double dp = std::ldexp(1.0, static_cast<int>(vars_before - fold));
      return std::floor((np - dp) / 2.0) / np;
    }
  };

  // Derived schedule; empty when num_vars ≤ final_vars (the table is sent whole).
  std::vector<Iteration> schedule() const {
    validate();
    std::vector<Iteration> it;
    unsigned n = num_vars, log_l = num_vars + log_inv_rate;
    while (n > final_vars) {
      Iteration s;
      s.vars_before = n;
      s.fold = std::min(folding_factor, n - final_vars);
      s.log_domain = log_l;
      const double delta = s.delta();
      const double per_query = delta > 0 ? -std::log2(1.0 - delta) : 0.0;
      const double want = per_query > 0 ? std::ceil(security_bits / per_query) : 1e18;
      // Sampling as many fibers as exist is no better than opening them all:
      // then every fiber is opened and the query phase is exact.
      s.queries = want >= static_cast<double>(s.num_fibers()) ? static_cast<unsigned>(s.num_fibers())
                                                             : static_cast<unsigned>(want);
      it.push_back(s);
      n -= s.fold;
      log_l -= 1;
    }
    return it;
  }

  void validate() const {
    if (num_vars + log_inv_rate > Goldilocks::kTwoAdicity)
      throw ArgumentError("WhirParams: 2^(num_vars + log_inv_rate) exceeds the 2-adicity 2^32 of Goldilocks");
    if (log_inv_rate < 1 || log_inv_rate > 8) throw ArgumentError("WhirParams: log_inv_rate must be in [1, 8]");
    if (folding_factor < 1 || folding_factor > 8) throw ArgumentError("WhirParams: folding_factor must be in [1, 8]");
    if (final_vars > 16) throw ArgumentError("WhirParams: final_vars must be ≤ 16");
    if (security_bits < 1 || security_bits > 128) throw ArgumentError("WhirParams: security_bits must be in [1, 128]");
  }

  // Bytes absorbed into the transcript (and echoed in the proof header).
  std::vector<std::uint8_t> encode() const {
    std::vector<std::uint8_t> b;
    for (unsigned v : {num_vars, log_inv_rate, folding_factor, final_vars, security_bits})
      for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return b;
  }
};

// The soundness calculator: bits of each error term and the resulting level.
struct WhirSoundness {
  double sumcheck_bits = 0;     // worst sumcheck round
  double fold_bits = 0;         // worst folding challenge
  double query_bits = 0;        // worst query phase
  double combination_bits = 0;  // worst γ
  double hash_bits = 128;       // SHA-256 collision resistance
  double bits() const { return std::min({sumcheck_bits, fold_bits, query_bits, combination_bits, hash_bits}); }
  std::string describe() const;
};

inline WhirSoundness whir_soundness(const WhirParams& p) {
  // |E| = p^2, log2 |E| = 2 log2 p ≈ 127.99999999966.
  const double log_e = 2.0 * std::log2(static_cast<double>(Goldilocks::kModulus));
  WhirSoundness s;
  s.sumcheck_bits = log_e - 1.0;
  s.fold_bits = log_e;
  s.query_bits = 1e9;
  s.combination_bits = log_e;
  const auto sched = p.schedule();
  if (sched.empty()) {  // the table travels whole: only the hash matters
    s.fold_bits = s.query_bits = s.combination_bits = s.sumcheck_bits = 1e9;
    return s;
  }
  for (const auto& it : sched) {
    s.fold_bits = std::min(s.fold_bits, log_e - it.log_domain);
    if (!it.opens_all()) s.query_bits = std::min(s.query_bits, it.queries * -std::log2(1.0 - it.delta()));
    s.combination_bits = std::min(s.combination_bits, log_e - std::log2(static_cast<double>(it.queries)));
  }
  return s;
}

inline std::string WhirSoundness::describe() const {
  auto f = [](double x) {
    if (x > 1e8) return std::string("n/a");
    char b[32];
    std::snprintf(b, sizeof b, "%.1f", x);
    return std::string(b);
  };
  return "sumcheck " + f(sumcheck_bits) + " bits, folding " + f(fold_bits) + " bits, queries " + f(query_bits) +
         " bits, combination " + f(combination_bits) + " bits, hash " + f(hash_bits) + " bits => " + f(bits()) +
         " bits";
}

}  // namespace vtensor
