// vtensor/proofs/drift/verifier.hpp — checks a drift certificate against a statement the
// verifier holds: both model commitments, the layout, the WHIR parameters, the scale
// and the policy. It replays proofs/drift/prover.hpp's steps 0–6 from the bytes alone:
// every value the prover sent is bound into the transcript when read, every challenge
// is drawn after them, and every claim ends in a commitment opening. Work: the layout's
// size (once, to resolve the policy) plus polylogarithmic per constraint.
#pragma once

#include <string>
#include <vector>

#include "vtensor/commit/bundle.hpp"
#include "vtensor/commit/model_parts.hpp"
#include "vtensor/proofs/drift/common.hpp"
#include "vtensor/proofs/drift/tape.hpp"
#include "vtensor/sumcheck/batched.hpp"

namespace vtensor::drift {

// What a verifier holds.
struct Statement {
  ModelLayout layout;
  WhirParams params;  // the models' WHIR parameters (num_vars = the layout's n)
  ModelCommitment base, tuned;
  int scale_log2 = 0;
  Policy policy;
  bool zero_knowledge = false;
  std::optional<WhirParams> bundle_params;  // default: default_bundle_params(params)
};

struct VerifiedCertificate {
  Certificate certificate;                      // its verdicts are now proven
  std::vector<TensorConstraints> constraints;   // the policy resolved for the layout
};

namespace verifier_detail {

inline void expect(bool ok, const std::string& what) {
  if (!ok) throw VerifyError("certificate: " + what);
}

inline std::int64_t base_value(const E& v, const std::string& what) {
  if (!v.c1().is_zero()) throw VerifyError("certificate: " + what + " is not in the base field");
  return v.c0().to_signed();
}

// The certificate is about this statement, and claims the verdicts its policy gives.
inline void check_header(const Certificate& c, const Statement& st, const std::vector<TensorConstraints>& cs) {
  expect(c.layout_digest == st.layout.digest(), "it is about another model layout");
  expect(c.policy_digest == st.policy.digest(), "it is about another policy");
  expect(c.scale_log2 == st.scale_log2, "it is about another fixed-point scale");
  expect(c.params.encode() == st.params.encode(), "it is about other commitment parameters");
  expect(c.base == st.base, "it is about another base model");
  expect(c.tuned == st.tuned, "it is about another tuned model");
  expect(c.zero_knowledge == st.zero_knowledge, "its mode differs from the statement's");
  const auto want = verdict_skeleton(cs);
  expect(c.verdicts.size() == want.size(), "it has " + std::to_string(c.verdicts.size()) + " verdicts for " +
                                               std::to_string(want.size()) + " tensors");
  for (std::size_t t = 0; t < want.size(); ++t) {
    auto got = c.verdicts[t];
    got.norm_sq.reset();
    got.projection_sq.reset();
    expect(got == want[t], "the verdict of tensor '" + st.layout.tensor(t).name + "' is not what the policy gives");
    if (c.verdicts[t].norm_sq)
      expect(*c.verdicts[t].norm_sq <= want[t].norm_bound_sq,
             "tensor '" + st.layout.tensor(t).name + "': the claimed squared norm exceeds its bound");
  }
}

}  // namespace verifier_detail

// Throws DecodeError (malformed bytes) or VerifyError (a certificate for another
// statement, a false verdict, a failed check); ArgumentError if the statement itself is
// unusable (a policy that cannot be resolved for the layout).
inline VerifiedCertificate verify_drift(const Statement& st, std::span<const std::uint8_t> bytes) {
  using namespace verifier_detail;
  if (st.zero_knowledge)
    throw ArgumentError("verify_drift: zero-knowledge certificates are not supported by this build (docs/drift.md §7)");
  VerifiedCertificate out;
  out.certificate = Certificate::decode(bytes);
  const Certificate& c = out.certificate;
  out.constraints = resolve_constraints(st.policy, st.layout, st.scale_log2);
  check_header(c, st, out.constraints);
  const ModelLayout& layout = st.layout;
  const Plan plan = make_plan(layout, out.constraints);
  auto bparams = [&](const ModelLayout& l) {
    return st.bundle_params ? *st.bundle_params : bundle_rate(default_bundle_params(st.params), l.num_vars());
  };

  Transcript t = drift_transcript(c, c.layout_digest);
  VerifierTape tape(t, c.body);
  Digest root_a{}, root_b{};
  if (!plan.bundle_a.empty()) root_a = tape.recv_digest("drift/bundle_a");
  const auto ch = draw_challenges(t, layout, plan);
  if (plan.any_sparse) root_b = tape.recv_digest("drift/bundle_b");

  // 3. Values at the points.
  std::vector<ModelMultiClaim> model_claims;
  std::vector<BundleClaim> claims_a, claims_b;
  std::vector<E> rank_claim(layout.size()), sparse_claim(layout.size());
  std::vector<std::vector<E>> proj_y(layout.size()), proj_lambda(layout.size());
  for (const auto& cn : plan.constraints) {
    const auto& chs = ch[cn.tensor];
    const std::string name = "tensor '" + layout.tensor(cn.tensor).name + "'";
    if (cn.frozen) {
      const E v = tape.recv1("drift/frozen");
      model_claims.push_back({cn.tensor, chs.frozen, {v, v}});
      continue;
    }
    if (cn.low_rank) {
      const auto v = tape.recv("drift/rank", 2);
      model_claims.push_back({cn.tensor, chs.rank, {v[0], v[1]}});
      rank_claim[cn.tensor] = v[1] - v[0];
      if (cn.low_rank->residual > 0) {
        const E ev = tape.recv1("drift/residual");
        claims_a.push_back({plan.pieces[cn.tensor].e, chs.rank, ev});
        rank_claim[cn.tensor] -= ev;
      }
    }
    if (cn.sparse) {
      const auto v = tape.recv("drift/sparse", 2);
      model_claims.push_back({cn.tensor, chs.sparse, {v[0], v[1]}});
      sparse_claim[cn.tensor] = v[1] - v[0];
    }
    if (cn.projection) {
      const std::size_t k = cn.projection->count;
      proj_y[cn.tensor] = tape.recv("drift/projection", k);
      for (const auto& y : proj_y[cn.tensor]) (void)base_value(y, name + ": a projection");
      const auto sq = projection_sum(proj_y[cn.tensor], static_cast<unsigned __int128>(cn.projection->bound_sq) * k);
      expect(sq.has_value(), name + ": the projection estimate exceeds its bound");
      expect(c.verdicts[cn.tensor].projection_sq == *sq, name + ": the verdict's projection sum is not the proof's");
      proj_lambda[cn.tensor] = t.challenge_exts("drift/proj_lambda", k);
    }
  }

  // 4. LogUp.
  if (!plan.columns.empty()) {
    LogUpVerifier lv;
    for (auto& s : table_specs(plan, layout, ch)) lv.add_table(std::move(s));
    for (const auto& col : plan.columns)
      lv.add_column({col.log_size, col.table,
                     col.source == ColumnSource::kSparseRow || col.source == ColumnSource::kSparseCol});
    const auto pending = lv.verify(t, tape.reader());
    std::vector<E> delta_at(layout.size());
    std::vector<bool> delta_seen(layout.size(), false);
    for (const auto& col : plan.columns) {
      if (col.source != ColumnSource::kDelta || delta_seen[col.tensor]) continue;
      delta_seen[col.tensor] = true;
      const auto u = pending.local(col.log_size);
      const auto v = tape.recv("drift/lookup_delta", 2);
      model_claims.push_back({col.tensor, u, {v[0], v[1]}});
      delta_at[col.tensor] = v[1] - v[0];
    }
    std::vector<E> x0(plan.columns.size()), x1(plan.columns.size(), E::zero()), m;
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      const auto& col = plan.columns[i];
      const E shift = E(Goldilocks::from_u64(col.shift));
      if (col.source == ColumnSource::kDelta) {
        x0[i] = delta_at[col.tensor] + shift;
        continue;
      }
      const auto u = pending.local(col.log_size);
      const E v = tape.recv1("drift/lookup_piece");
      claims_a.push_back({col.piece, u, v});
      x0[i] = v + shift;
      if (col.source == ColumnSource::kBundleA) continue;
      const E lo = tape.recv1("drift/lookup_eq"), hi = tape.recv1("drift/lookup_eq");
      claims_b.push_back({col.x1_lo, u, lo});
      claims_b.push_back({col.x1_hi, u, hi});
      x1[i] = lo + ext_x() * hi;
    }
    for (const auto& tab : plan.tables) {
      const auto u = pending.local(tab.log_size);
      const E v = tape.recv1("drift/lookup_mult");
      claims_a.push_back({tab.mult, u, v});
      m.push_back(v);
    }
    lv.check_leaves(pending, x0, x1, m);
  }

  // 5. The batched sumcheck.
  std::vector<BatchedInstanceSpec> specs;
  std::vector<E> claims;
  struct Owner {
    std::size_t tensor;
    char kind;
  };
  std::vector<Owner> owners;
  const E X = ext_x();
  for (const auto& cn : plan.constraints) {
    if (cn.frozen) continue;
    const ModelTensor& x = layout.tensor(cn.tensor);
    if (cn.norm) {
      specs.push_back({x.log_size, 2, 1, [](std::span<const E>, std::span<const E> f) { return f[0] * f[0]; }});
      claims.push_back(E(Goldilocks::from_u64(c.verdicts[cn.tensor].norm_sq.value_or(0))));
      owners.push_back({cn.tensor, 'n'});
    }
    if (cn.low_rank) {
      const std::uint64_t r = cn.low_rank->rank;
      specs.push_back({cn.low_rank->rank_vars, 3, 2, [r](std::span<const E> p, std::span<const E> f) {
                         return less_than_mle(p, r) * f[0] * f[1];
                       }});
      claims.push_back(rank_claim[cn.tensor]);
      owners.push_back({cn.tensor, 'r'});
    }
    if (cn.sparse) {
      const std::uint64_t s = cn.sparse->slots;
      const bool rows = x.row_vars() > 0;
      specs.push_back({cn.sparse->slot_vars, rows ? 4u : 3u, rows ? 5u : 3u, [s, rows, X](std::span<const E> p, std::span<const E> f) {
                         const E ec = f[1] + X * f[2];
                         const E er = rows ? f[3] + X * f[4] : E::one();
                         return less_than_mle(p, s) * f[0] * er * ec;
                       }});
      claims.push_back(sparse_claim[cn.tensor]);
      owners.push_back({cn.tensor, 's'});
    }
    if (cn.projection) {
      const auto& bits = ch[cn.tensor].walsh;
      const auto& lam = proj_lambda[cn.tensor];
      specs.push_back({x.log_size, 2, 1, [&bits, &lam](std::span<const E> p, std::span<const E> f) {
                         return f[0] * walsh_mle(bits, lam, p);
                       }});
      E sum = E::zero();
      for (std::size_t j = 0; j < lam.size(); ++j) sum += lam[j] * proj_y[cn.tensor][j];
      claims.push_back(sum);
      owners.push_back({cn.tensor, 'p'});
    }
  }
  if (!specs.empty()) {
    const auto res = verify_batched(t, specs, claims, tape.reader());
    const auto& r = res.point;
    std::vector<bool> w_seen(layout.size(), false);
    std::vector<E> w_at(layout.size());
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const auto [tt, kind] = owners[i];
      const auto& f = res.finals[i];
      const ModelTensor& x = layout.tensor(tt);
      if (kind == 'n' || kind == 'p') {
        // Each instance's Δ~(r) is its own claim (norm and projection of one tensor share
        // the point and W~(r), sent once): a final no opening checks would be free.
        if (!w_seen[tt]) w_at[tt] = tape.recv1("drift/sum_base");
        w_seen[tt] = true;
        model_claims.push_back({tt, prefix(r, x.log_size), {w_at[tt], w_at[tt] + f[0]}});
      } else {
        finals_to_bundle_claims(plan, layout, ch, tt, kind, r, f, claims_a, claims_b);
      }
    }
  }

  // 6. Openings.
  const ModelCommitment coms[2] = {c.base, c.tuned};
  verify_models(st.params, layout, coms, model_claims, tape.recv_sized("model opening"), t);
  if (!plan.bundle_a.empty()) {
    const ModelLayout la(plan.specs_a());
    verify_bundle(bparams(la), la, {root_a}, claims_a, tape.recv_sized("bundle A opening"), t);
  }
  if (plan.any_sparse) {
    const ModelLayout lb(plan.specs_b());
    verify_bundle(bparams(lb), lb, {root_b}, claims_b, tape.recv_sized("bundle B opening"), t);
  }
  tape.reader().finish();
  return out;
}

}  // namespace vtensor::drift
