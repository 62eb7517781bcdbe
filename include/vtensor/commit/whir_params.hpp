// vtensor/commit/whir_params.hpp — parameters of the WHIR commitment, its schedule,
// and the soundness calculator (bits of every error term; docs/commitment.md).
//
// Schedule. A multilinear f in n variables is committed as the Reed–Solomon
// codeword of F(X) = Σ_i c_i X^i (c the monomial coefficients of f) on
// L_0 = <ω_0>, |L_0| = 2^{n+R} (rate ρ_0 = 2^-R). Iteration i folds k_i variables
// (k_i = min(k, n_i − final_vars)); the folded function, in n_{i+1} = n_i − k_i
// variables, is committed on a smaller subgroup L_{i+1}:
//   log|L_{i+1}| = min(log|L_i| − 1, n_{i+1} + max(R, R_max))
// (WHIR's L_{i+1} = L_i², until the rate reaches 2^-R_max; then the domain shrinks
// with the polynomial). The last function, in final_vars variables, is sent whole.
//
// Regimes (the proximity parameter δ_i each iteration tests, and what it rests on):
//   unique decoding  δ = ⌊(N' − D')/2⌋/N' (exact UD radius of the folded code)  proven
//   Johnson          δ = 1 − √ρ − η, η = √ρ/6, list size ℓ ≤ 1/(2η√ρ)       proven
//   capacity         δ = 1 − ρ − η, η = ρ/20, list size ℓ ≤ 2^n/(ρη)          conjectured
// Round-by-round errors over E = F_{p²} (|E| ≈ 2^128), each one checked to reach λ
// on its own (Fiat–Shamir), proof-of-work bits added where a term falls short:
//   OOD samples (s of them) for a new function: ℓ²/2 · (2^{n_i}/|E|)^s
//   sumcheck round (degree 2):                  2ℓ/|E|, plus the folding term:
//   folding challenge (mutual correlated agreement of the fold):
//     UD: |L_i|/|E| (BCIKS20 Thm 1.2, unique decoding)
//     Johnson: a/|E|, a = (2(m+½)^5 + 3(m+½)δρ)/(3ρ^{3/2}) · |L_i| + (m+½)/√ρ,
//       m = max(⌈√ρ/(2η)⌉, 3) (BCSS25 Thm 1.5, exceptional set up to the Johnson
//       radius; mutual correlated agreement at that radius: Haböck 2025, BCGM26)
//     capacity: 2^{n_i}/(η ρ² |E|) (conjecture; false for η = O(1/log n), 2026)
//   t_i shift queries:                          (1 − δ_i)^{t_i}, with q bits of grinding
//                                               before their indices are drawn: t_i is the
//                                               least with t_i·log2(1/(1−δ_i)) + q ≥ λ
//   combination γ:                              ℓ_{i+1} (t_i + s_{i+1}) / |E|
//   claim batching β (m claims + s_0):          ℓ_0 (m + s_0) / |E|
// (γ and β need grinding only in the capacity regime, whose lists are long.)
//   polynomial batching μ (P polynomials):      (P − 1) · (folding term) / |E|
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"

namespace vtensor {

enum class WhirRegime : std::uint32_t { kUniqueDecoding = 0, kJohnson = 1, kCapacity = 2 };

inline const char* whir_regime_name(WhirRegime r) {
  switch (r) {
    case WhirRegime::kUniqueDecoding: return "unique decoding (proven)";
    case WhirRegime::kJohnson: return "Johnson bound (proven)";
    case WhirRegime::kCapacity: return "capacity (conjectured)";
  }
  return "?";
}

namespace whir_detail {
// log2 |F_{p²}| = 2 log2 p ≈ 127.99999999966.
inline double log_ext_field() { return 2.0 * std::log2(static_cast<double>(Goldilocks::kModulus)); }
inline constexpr std::size_t kMaxClaimsLog = 16;  // at most 2^16 claims per opening
}  // namespace whir_detail

struct WhirParams {
  unsigned num_vars = 0;
  unsigned log_inv_rate = 2;        // R: rate 2^-R of the first codeword
  unsigned folding_factor = 4;      // k
  unsigned final_vars = 6;          // stop folding at this many variables
  unsigned security_bits = 100;     // λ: every round-by-round term reaches it
  WhirRegime regime = WhirRegime::kJohnson;
  unsigned max_log_inv_rate = 4;    // R_max: later domains keep the rate ≥ 2^-R_max
  unsigned max_pow_bits = 20;       // grinding allowed before one challenge
  unsigned hiding_openings = 0;     // > 0: hiding (zero-knowledge) commitment, this many openings
  unsigned query_pow_bits = 16;     // grinding before each iteration's query indices (capped by max_pow_bits)

  // One folding iteration.
  struct Iteration {
    unsigned vars_before = 0;  // n_i
    unsigned fold = 0;         // k_i
    unsigned log_domain = 0;   // log2 |L_i|
    unsigned queries = 0;      // t_i
    unsigned ood = 0;          // s_i: OOD samples for f_i, drawn right after its commitment
    unsigned pow_bits = 0;     // grinding before each of the k_i folding challenges
    unsigned comb_pow_bits = 0;  // grinding before γ (not in the last iteration)
    unsigned query_pow = 0;      // grinding before the query indices (0 when every fiber is opened)
    double delta = 0;          // proximity parameter δ_i
    double list_bits = 0;      // log2 ℓ_i (list size at δ_i)
    double fold_error_bits = 0;  // −log2 of the folding term before grinding
    double log_rate() const { return static_cast<double>(vars_before) - static_cast<double>(log_domain); }
    std::uint64_t num_fibers() const { return std::uint64_t{1} << (log_domain - fold); }
    // Every fiber is opened (no sampling) when the sampled count would reach it.
    bool opens_all() const { return queries >= num_fibers(); }
    double query_bits() const { return opens_all() ? 1e9 : queries * -std::log2(1.0 - delta) + query_pow; }
  };

  // Derived schedule of the committed polynomial; empty when it has ≤ final_vars
  // variables (the table is sent whole; never in hiding mode).
  std::vector<Iteration> schedule() const;

  // Hiding mode commits f̂(x, y) = f(x) for y = 0 and uniform random for y ≠ 0,
  // y ∈ {0,1}^e: e = mask_vars() extra (highest) variables, the fewest with
  // (2^e − 1)·2^n ≥ hiding_openings · (t_0 2^{k_0} + 2 s_0) (every codeword symbol or
  // OOD value of f̂ an opening reveals is then masked; docs/commitment.md) and
  // n + e > final_vars. 0 when not hiding.
  unsigned mask_vars() const;
  unsigned committed_vars() const { return num_vars + mask_vars(); }

  // Grinding bits before the polynomial-batching challenge μ for P polynomials.
  unsigned batch_pow_bits(std::size_t num_polys) const;
  // Grinding bits before the claim-combination challenge β (m claims).
  unsigned claims_pow_bits(std::size_t num_claims) const;

  void validate() const {
    if (num_vars + log_inv_rate > Goldilocks::kTwoAdicity)
      throw ArgumentError("WhirParams: 2^(num_vars + log_inv_rate) exceeds the 2-adicity 2^32 of Goldilocks");
    if (hiding_openings > (1u << 16)) throw ArgumentError("WhirParams: hiding_openings must be ≤ 2^16");
    if (log_inv_rate < 1 || log_inv_rate > 8) throw ArgumentError("WhirParams: log_inv_rate must be in [1, 8]");
    if (folding_factor < 1 || folding_factor > 8) throw ArgumentError("WhirParams: folding_factor must be in [1, 8]");
    if (final_vars > 16) throw ArgumentError("WhirParams: final_vars must be ≤ 16");
    if (security_bits < 1 || security_bits > 128) throw ArgumentError("WhirParams: security_bits must be in [1, 128]");
    if (static_cast<std::uint32_t>(regime) > 2) throw ArgumentError("WhirParams: unknown regime");
    if (max_log_inv_rate > 16) throw ArgumentError("WhirParams: max_log_inv_rate must be ≤ 16");
    if (max_pow_bits > 40) throw ArgumentError("WhirParams: max_pow_bits must be ≤ 40");
    if (query_pow_bits > 30) throw ArgumentError("WhirParams: query_pow_bits must be ≤ 30");
  }

  // Bytes absorbed into the transcript (and echoed in the proof header): ten u32.
  std::vector<std::uint8_t> encode() const {
    std::vector<std::uint8_t> b;
    for (unsigned v : {num_vars, log_inv_rate, folding_factor, final_vars, security_bits,
                       static_cast<unsigned>(regime), max_log_inv_rate, max_pow_bits, hiding_openings, query_pow_bits})
      for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    return b;
  }
};

// The recommended parameters for committing a model: a model is committed once and
// opened in every certificate, so its set buys proof size with commit time. Rate 1/8
// (R = 3) and 20 bits of query grinding take the first iteration from 109 queries to
// 63 at 2^28 (the Johnson bound gives −log2(1 − δ) = 1.27 bits a query at R = 3
// against 0.78 at R = 2), and final_vars = 8 drops the last iteration; the cost is
// twice the commit time and codeword disk of R = 2. 100 bits (docs/commitment.md).
inline WhirParams model_whir_params(unsigned num_vars) {
  WhirParams p;
  p.num_vars = num_vars;
  p.log_inv_rate = 3;
  p.final_vars = 8;
  p.query_pow_bits = 20;
  return p;
}

namespace whir_detail {

struct RegimeTerms {
  double delta;      // proximity parameter
  double list_bits;  // log2 of the list size at δ
  double fold_bits;  // −log2 of the folding (MCA) term, per challenge
};

// The regime's δ, list size and folding error for RS on |L| = 2^log_domain points,
// dimension 2^n, folded by 2^k (the folded code has the same rate on |L|/2^k points).
inline RegimeTerms regime_terms(WhirRegime regime, unsigned n, unsigned k, unsigned log_domain) {
  const double le = log_ext_field();
  const double log_rho = static_cast<double>(n) - static_cast<double>(log_domain);
  const double rho = std::exp2(log_rho), sr = std::sqrt(rho);
  switch (regime) {
    case WhirRegime::kUniqueDecoding: {
      const double np = std::ldexp(1.0, static_cast<int>(log_domain - k));
      const double dp = std::ldexp(1.0, static_cast<int>(n - k));
      return {std::floor((np - dp) / 2.0) / np, 0.0, le - log_domain};
    }
    case WhirRegime::kJohnson: {
      const double eta = sr / 6.0;
      const double delta = 1.0 - sr - eta;
      const double m = std::max(std::ceil(sr / (2.0 * eta) - 1e-9), 3.0) + 0.5;
      const double a = (2.0 * std::pow(m, 5) + 3.0 * m * delta * rho) / (3.0 * std::pow(rho, 1.5)) *
                           std::ldexp(1.0, static_cast<int>(log_domain)) +
                       m / sr;
      return {delta, -std::log2(2.0 * eta * sr), le - std::log2(a)};
    }
    case WhirRegime::kCapacity: {
      const double eta = rho / 20.0;
      return {1.0 - rho - eta, n - log_rho - std::log2(eta), le - (n - 2.0 * log_rho - std::log2(eta))};
    }
  }
  return {0, 0, 0};
}

// Smallest s with ℓ²/2 · (2^n/|E|)^s ≤ 2^-λ (none in unique decoding).
inline unsigned ood_samples(WhirRegime regime, double list_bits, unsigned n, unsigned lambda) {
  if (regime == WhirRegime::kUniqueDecoding) return 0;
  const double le = log_ext_field();
  for (unsigned s = 1; s < 16; ++s)
    if (s * (le - n) + 1.0 - 2.0 * list_bits >= lambda) return s;
  return 16;
}

inline double ood_bits(unsigned s, double list_bits, unsigned n) {
  return s == 0 ? 1e9 : s * (log_ext_field() - n) + 1.0 - 2.0 * list_bits;
}

inline unsigned pow_needed(double bits, unsigned lambda, unsigned max_pow) {
  const double need = std::ceil(lambda - bits);
  return need <= 0 ? 0u : static_cast<unsigned>(std::min<double>(need, max_pow));
}

// γ combines the t_i query answers and s_{i+1} OOD answers into f_{i+1}'s claim:
// ℓ_{i+1} (t_i + s_{i+1}) / |E|.
inline double combination_bits(const WhirParams::Iteration& it, const WhirParams::Iteration& next) {
  return log_ext_field() - next.list_bits - std::log2(static_cast<double>(it.queries + next.ood));
}
// β combines m claims and s_0 OOD answers: ℓ_0 (m + s_0) / |E|.
inline double claims_bits(const WhirParams::Iteration& first, std::size_t num_claims) {
  return log_ext_field() - first.list_bits - std::log2(static_cast<double>(num_claims + first.ood));
}

}  // namespace whir_detail

namespace whir_detail {
inline std::vector<WhirParams::Iteration> schedule_for(const WhirParams& p, unsigned n);
}

inline std::vector<WhirParams::Iteration> WhirParams::schedule() const {
  return whir_detail::schedule_for(*this, committed_vars());
}

inline unsigned WhirParams::mask_vars() const {
  validate();
  if (hiding_openings == 0) return 0;
  for (unsigned e = 1; e <= 24 && num_vars + e + log_inv_rate <= Goldilocks::kTwoAdicity; ++e) {
    if (num_vars + e <= final_vars) continue;
    const auto sched = whir_detail::schedule_for(*this, num_vars + e);
    // Codeword symbols are F_p values; OOD answers are F_{p²} values: two dimensions each.
    const double revealed = static_cast<double>(hiding_openings) *
                            (std::ldexp(static_cast<double>(sched[0].queries), static_cast<int>(sched[0].fold)) +
                             2.0 * sched[0].ood);
    if (!sched[0].opens_all() && std::ldexp(std::exp2(e) - 1.0, static_cast<int>(num_vars)) >= revealed) return e;
  }
  throw ArgumentError("WhirParams: no mask size hides " + std::to_string(hiding_openings) + " openings");
}

inline std::vector<WhirParams::Iteration> whir_detail::schedule_for(const WhirParams& p, unsigned num_vars) {
  using namespace whir_detail;
  p.validate();
  if (num_vars + p.log_inv_rate > Goldilocks::kTwoAdicity)
    throw ArgumentError("WhirParams: the committed polynomial's codeword exceeds 2^32 points");
  const unsigned log_inv_rate = p.log_inv_rate, folding_factor = p.folding_factor, final_vars = p.final_vars;
  const unsigned security_bits = p.security_bits, max_pow_bits = p.max_pow_bits;
  const unsigned max_log_inv_rate = p.max_log_inv_rate;
  const WhirRegime regime = p.regime;
  const double le = log_ext_field();
  using Iteration = WhirParams::Iteration;
  std::vector<Iteration> out;
  unsigned n = num_vars, log_l = num_vars + log_inv_rate;
  const unsigned r_cap = std::max(log_inv_rate, max_log_inv_rate);
  while (n > final_vars) {
    Iteration s;
    s.vars_before = n;
    s.fold = std::min(folding_factor, n - final_vars);
    s.log_domain = log_l;
    const auto rt = regime_terms(regime, n, s.fold, log_l);
    s.delta = rt.delta;
    s.list_bits = rt.list_bits;
    s.fold_error_bits = std::min(rt.fold_bits, le - 1.0 - rt.list_bits);
    s.pow_bits = pow_needed(s.fold_error_bits, security_bits, max_pow_bits);
    s.ood = ood_samples(regime, rt.list_bits, n, security_bits);
    const double per_query = rt.delta > 0 ? -std::log2(1.0 - rt.delta) : 0.0;
    const unsigned qpow = std::min({p.query_pow_bits, max_pow_bits, security_bits - 1});
    const double want = per_query > 0 ? std::ceil((security_bits - qpow) / per_query) : 1e18;
    // Sampling as many fibers as exist is no better than opening them all.
    if (want >= static_cast<double>(s.num_fibers())) {
      s.queries = static_cast<unsigned>(s.num_fibers());
    } else {
      s.queries = static_cast<unsigned>(want);
      s.query_pow = qpow;
    }
    out.push_back(s);
    n -= s.fold;
    log_l = std::min(log_l - 1, n + r_cap);
  }
  for (std::size_t i = 0; i + 1 < out.size(); ++i)
    out[i].comb_pow_bits = pow_needed(combination_bits(out[i], out[i + 1]), security_bits, max_pow_bits);
  return out;
}

inline unsigned WhirParams::claims_pow_bits(std::size_t num_claims) const {
  const auto sched = schedule();
  return sched.empty() ? 0
                       : whir_detail::pow_needed(whir_detail::claims_bits(sched[0], num_claims), security_bits,
                                                 max_pow_bits);
}

inline unsigned WhirParams::batch_pow_bits(std::size_t num_polys) const {
  const auto sched = schedule();
  if (sched.empty() || num_polys < 2) return 0;
  const double bits = sched[0].fold_error_bits - std::log2(static_cast<double>(num_polys - 1));
  return whir_detail::pow_needed(bits, security_bits, max_pow_bits);
}

// The soundness calculator: bits of each error term (worst over the iterations,
// grinding included) and the resulting level.
struct WhirSoundness {
  WhirRegime regime = WhirRegime::kJohnson;
  double ood_bits = 1e9;         // worst OOD phase
  double fold_bits = 1e9;        // worst sumcheck/folding challenge, with its grinding
  double query_bits = 1e9;       // worst query phase
  double combination_bits = 1e9; // worst γ
  double batching_bits = 1e9;    // β (claims) and μ (polynomials)
  double hash_bits = 128;        // SHA-256 collision resistance
  unsigned max_pow_bits = 0;     // the most grinding one challenge asks of the prover
  double bits() const {
    return std::min({ood_bits, fold_bits, query_bits, combination_bits, batching_bits, hash_bits});
  }
  bool proven() const { return regime != WhirRegime::kCapacity; }
  std::string describe() const;
};

// For one opening of num_polys polynomials at num_claims points.
inline WhirSoundness whir_soundness(const WhirParams& p, std::size_t num_polys = 1, std::size_t num_claims = 1) {
  using namespace whir_detail;
  WhirSoundness s;
  s.regime = p.regime;
  const auto sched = p.schedule();
  if (sched.empty()) return s;  // the table travels whole: only the hash matters
  for (std::size_t i = 0; i < sched.size(); ++i) {
    const auto& it = sched[i];
    s.ood_bits = std::min(s.ood_bits, ood_bits(it.ood, it.list_bits, it.vars_before));
    s.fold_bits = std::min(s.fold_bits, it.fold_error_bits + it.pow_bits);
    s.query_bits = std::min(s.query_bits, it.query_bits());
    s.max_pow_bits = std::max(s.max_pow_bits, it.pow_bits);
    if (i + 1 < sched.size()) {
      s.combination_bits = std::min(s.combination_bits, combination_bits(it, sched[i + 1]) + it.comb_pow_bits);
      s.max_pow_bits = std::max(s.max_pow_bits, it.comb_pow_bits);
    }
  }
  const unsigned cpw = p.claims_pow_bits(num_claims);
  s.batching_bits = claims_bits(sched[0], num_claims) + cpw;
  s.max_pow_bits = std::max(s.max_pow_bits, cpw);
  if (num_polys > 1) {
    const unsigned pw = p.batch_pow_bits(num_polys);
    s.max_pow_bits = std::max(s.max_pow_bits, pw);
    s.batching_bits = std::min(s.batching_bits,
                               sched[0].fold_error_bits - std::log2(double(num_polys - 1)) + pw);
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
  return std::string(whir_regime_name(regime)) + ": OOD " + f(ood_bits) + " bits, folding " + f(fold_bits) +
         " bits, queries " + f(query_bits) + " bits, combination " + f(combination_bits) + " bits, batching " +
         f(batching_bits) + " bits, hash " + f(hash_bits) + " bits (grinding ≤ " + std::to_string(max_pow_bits) +
         " bits) => " + f(bits()) + " bits";
}

}  // namespace vtensor
