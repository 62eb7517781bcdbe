// vtensor/proofs/drift/common.hpp — what the drift prover and verifier compute alike:
// the transcript and its statement, the per-tensor challenges, the public tables
// (selectors, Walsh characters), bundle parameters and padding (docs/drift.md §3).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vtensor/certificate/certificate.hpp"
#include "vtensor/commit/bundle.hpp"
#include "vtensor/commit/model_layout.hpp"
#include "vtensor/commit/whir_params.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/lookup/logup.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/proofs/drift/plan.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor::drift {

using E = GoldilocksExt2;

inline constexpr std::string_view kDriftProtocolId = "vtensor/drift";

// Bundles (commit/bundle.hpp) use the models' regime, folding, security and grinding.
// Their rate follows their size: a small bundle is encoded at rate 2^-6 (2^{n+6} values
// cost little and save queries: 29 instead of 63 in the first iteration with
// model_whir_params), a large one at the models' rate, keeping its codeword near 2^26
// values: R = max(R_model, min(6, 26 − n)).
inline WhirParams default_bundle_params(const WhirParams& model) {
  WhirParams p = model;
  p.num_vars = 0;  // set per bundle (bundle_rate)
  return p;
}
inline WhirParams bundle_rate(WhirParams p, unsigned n) {
  const unsigned want = n >= 26 ? 0u : std::min(6u, 26u - n);
  p.log_inv_rate = std::max(p.log_inv_rate, want);
  p.max_log_inv_rate = std::max(p.max_log_inv_rate, p.log_inv_rate);
  return p;
}

// The transcript of a certificate: protocol id and version, field; then the whole
// statement — what the certificate is about and every verdict it claims — sealed
// before any challenge.
inline Transcript drift_transcript(const Certificate& c, const Digest& layout_digest) {
  Transcript t(kDriftProtocolId, c.protocol_version, E::kFieldId);
  t.absorb_u64("drift/hash", c.hash_id);
  t.absorb_u64("drift/mode", c.zero_knowledge ? 1 : 0);
  t.absorb("drift/layout", layout_digest.bytes);
  t.absorb("drift/policy", c.policy_digest.bytes);
  t.absorb_u64("drift/scale", static_cast<std::uint64_t>(static_cast<std::int64_t>(c.scale_log2)));
  t.absorb("drift/params", c.params.encode());
  t.absorb("drift/base", c.base.encode());
  t.absorb("drift/tuned", c.tuned.encode());
  // The projection sums depend on later challenges: the verdicts are bound without
  // them (the y_j they come from are bound when sent).
  auto vs = c.verdicts;
  for (auto& v : vs) v.projection_sq.reset();
  t.absorb("drift/verdicts", Certificate::encode_verdicts(vs, c.zero_knowledge));
  t.seal_statement();
  return t;
}

// The verdict table a set of constraints gives (certified values left empty).
inline std::vector<TensorVerdict> verdict_skeleton(std::span<const TensorConstraints> cs) {
  std::vector<TensorVerdict> out;
  for (const auto& c : cs) {
    TensorVerdict v;
    v.mask = c.frozen ? kVerdictFrozen : 0;
    if (c.norm) {
      v.mask |= kVerdictNorm;
      v.norm_bound_sq = c.norm->bound_sq;
      v.norm_range_bits = static_cast<std::uint8_t>(c.norm->range_bits);
    }
    if (c.entry) {
      v.mask |= kVerdictEntry;
      v.entry_eps = c.entry->eps;
    }
    if (c.low_rank) {
      v.mask |= kVerdictLowRank;
      v.rank = c.low_rank->rank;
      v.factor_bits = static_cast<std::uint8_t>(c.low_rank->factor_bits);
      v.residual = c.low_rank->residual;
    }
    if (c.sparse) {
      v.mask |= kVerdictSparse;
      v.sparse_slots = c.sparse->slots;
    }
    if (c.projection) {
      v.mask |= kVerdictProjection;
      v.projection_bound_sq = c.projection->bound_sq;
      v.projections = c.projection->count;
    }
    out.push_back(v);
  }
  return out;
}

// Per tensor, the points drawn after bundle A (layout order; empty when unused).
struct TensorChallenges {
  std::vector<E> frozen, rank, sparse;
  std::vector<std::uint64_t> walsh;  // projection: k·d bits, row j = character j
};

inline std::vector<TensorChallenges> draw_challenges(Transcript& t, const ModelLayout& layout, const Plan& plan) {
  std::vector<TensorChallenges> out(layout.size());
  for (const auto& c : plan.constraints) {
    const unsigned d = layout.tensor(c.tensor).log_size;
    auto& ch = out[c.tensor];
    if (c.frozen) {
      ch.frozen = t.challenge_exts("drift/frozen", d);
      continue;
    }
    if (c.low_rank) ch.rank = t.challenge_exts("drift/rank", d);
    if (c.sparse) ch.sparse = t.challenge_exts("drift/sparse", d);
    if (c.projection && d > 0) ch.walsh = t.challenge_indices("drift/walsh", 2, std::size_t{c.projection->count} * d);
  }
  return out;
}

// Σ_j y_j² over the centred projections, or nothing when it exceeds `limit`: each term is
// below 2^126 and the sum is compared as it grows, so it never wraps its 128 bits (the
// limit, bound·k, is below 2^72).
inline std::optional<unsigned __int128> projection_sum(std::span<const E> ys, unsigned __int128 limit) {
  unsigned __int128 sq = 0;
  for (const auto& y : ys) {
    const std::int64_t yi = y.c0().to_signed();
    sq += static_cast<unsigned __int128>(static_cast<__int128>(yi) * yi);
    if (sq > limit) return std::nullopt;
  }
  return sq;
}

// sel(k) = [k < r] over κ variables, as a table and (verifier) as its MLE.
inline std::vector<E> selector_table(unsigned vars, std::uint64_t r) {
  std::vector<E> s(std::size_t{1} << vars, E::zero());
  for (std::uint64_t k = 0; k < s.size() && k < r; ++k) s[k] = E::one();
  return s;
}

// χ_λ(x) = Σ_j λ_j (−1)^{⟨b_j, x⟩} at a point: Σ_j λ_j Π_v (1 − 2 b_{jv} r_v).
inline E walsh_mle(std::span<const std::uint64_t> bits, std::span<const E> lambda, std::span<const E> r) {
  const std::size_t d = r.size();
  E acc = E::zero();
  for (std::size_t j = 0; j < lambda.size(); ++j) {
    E prod = E::one();
    for (std::size_t v = 0; v < d; ++v)
      if (bits[j * d + v]) prod *= E::one() - r[v].doubled();
    acc += lambda[j] * prod;
  }
  return acc;
}

// The character index b_j as an integer (bit v = variable v).
inline std::uint64_t walsh_index(std::span<const std::uint64_t> bits, std::size_t j, std::size_t d) {
  std::uint64_t b = 0;
  for (std::size_t v = 0; v < d; ++v) b |= bits[j * d + v] << v;
  return b;
}

// The lookup table specs of the plan (sparse eq tables take their tensor's point).
inline std::vector<LookupTableSpec> table_specs(const Plan& plan, const ModelLayout& layout,
                                                std::span<const TensorChallenges> ch) {
  std::vector<LookupTableSpec> out;
  for (std::size_t k = 0; k < plan.tables.size(); ++k) {
    const auto& pt = plan.tables[k];
    LookupTableSpec s;
    s.log_size = pt.log_size;
    s.tag = k + 1;
    s.live_shape = pt.live_shape;
    if (pt.sparse_tensor != kNone) {
      const auto& z = ch[pt.sparse_tensor].sparse;
      const unsigned cv = layout.tensor(pt.sparse_tensor).col_vars();
      if (pt.rows)
        s.eq_point.assign(z.begin() + cv, z.end());
      else
        s.eq_point.assign(z.begin(), z.begin() + cv);
    }
    out.push_back(std::move(s));
  }
  return out;
}

inline std::vector<E> prefix(std::span<const E> p, std::size_t n) { return std::vector<E>(p.begin(), p.begin() + n); }

// The bundle claims a low-rank ('r') or sparse ('s') instance's finals make, at the
// batched sumcheck's point r: U~(ρ‖x), V~(y‖ρ) with ρ = r_{<κ}; val, ec0, ec1 (er0, er1)
// at r_{<σ}.
inline void finals_to_bundle_claims(const Plan& plan, const ModelLayout& layout, std::span<const TensorChallenges> ch,
                                    std::size_t t, char kind, std::span<const E> r, std::span<const E> f,
                                    std::vector<BundleClaim>& a, std::vector<BundleClaim>& b) {
  const auto& pc = plan.pieces[t];
  if (kind == 'r') {
    const unsigned kappa = plan.constraints[t].low_rank->rank_vars, cv = layout.tensor(t).col_vars();
    const auto& p = ch[t].rank;  // (y ‖ x)
    std::vector<E> upt(r.begin(), r.begin() + kappa), vpt(p.begin(), p.begin() + cv);
    upt.insert(upt.end(), p.begin() + cv, p.end());
    vpt.insert(vpt.end(), r.begin(), r.begin() + kappa);
    a.push_back({pc.u, upt, f[0]});
    a.push_back({pc.v, vpt, f[1]});
    return;
  }
  const std::vector<E> pt(r.begin(), r.begin() + plan.constraints[t].sparse->slot_vars);
  a.push_back({pc.val, pt, f[0]});
  b.push_back({pc.ec0, pt, f[1]});
  b.push_back({pc.ec1, pt, f[2]});
  if (pc.er0 != kNone) {
    b.push_back({pc.er0, pt, f[3]});
    b.push_back({pc.er1, pt, f[4]});
  }
}

// X, the generator of F_{p²} over F_p (X² = 7): an element is c0 + X·c1.
inline E ext_x() { return E(Goldilocks::zero(), Goldilocks::one()); }

}  // namespace vtensor::drift
