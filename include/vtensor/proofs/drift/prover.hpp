// vtensor/proofs/drift/prover.hpp — proves a drift certificate (docs/drift.md §3 gives
// the protocol step by step; proofs/drift/verifier.hpp checks it).
//
//  0. Statement: commitments, layout, scale, policy digest, resolved constraints and the
//     claimed verdicts bound into the transcript, sealed.
//  1. Bundle A (plan.hpp): low-rank factors, residuals, sparse lists, multiplicities.
//  2. Points per tensor (common.hpp); bundle B (sparse eq values).
//  3. Values at those points: frozen W~(z) (= W'~(z)), low rank W~, W'~, E~ at (y‖x),
//     sparse W~, W'~ at z, projections y_j = ⟨χ_{b_j}, Δ⟩; projection weights λ'.
//  4. LogUp over every range and index lookup (lookup/logup.hpp); the values of every
//     looked-up source and multiplicity at the leaf point ρ.
//  5. One batched sumcheck (sumcheck/batched.hpp): Σ Δ² (norm), Σ_k sel·U~(k‖x)·V~(y‖k)
//     (low rank), Σ_k sel·val·er·ec (sparse), Σ_x Δ·χ_λ' (projection); W~ at its point.
//  6. Openings: both models at every model claim (one proof, commit/model_parts.hpp),
//     bundle A and bundle B at theirs (commit/bundle.hpp).
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vtensor/commit/bundle.hpp"
#include "vtensor/commit/model.hpp"
#include "vtensor/detail/trace.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/proofs/drift/common.hpp"
#include "vtensor/proofs/drift/tape.hpp"
#include "vtensor/proofs/drift/witness.hpp"
#include "vtensor/sumcheck/batched.hpp"

namespace vtensor::drift {

// A model the prover holds: where its entries come from and its commitment's prover data.
struct CommittedModel {
  ModelSource* source = nullptr;
  const ModelPartsProverData* data = nullptr;
};

struct ProveOptions {
  int scale_log2 = 0;                               // the models' fixed-point scale 2^s
  std::map<std::string, LowRankFactors> factors;    // low-rank witnesses, by tensor name
  std::optional<WhirParams> bundle_params;          // default: default_bundle_params(model params)
};

namespace prover_detail {

// Tensor t's padded table of a bundle piece from its row-major values.
inline std::vector<Goldilocks> padded(std::span<const std::uint64_t> shape, std::span<const Goldilocks> values) {
  std::vector<Goldilocks> out(std::size_t{1} << shape_vars(shape), Goldilocks::zero());
  const HypercubeIndexer h(shape);
  for (std::size_t i = 0; i < values.size(); ++i) out[h(i)] = values[i];
  return out;
}

// The row-major values of bundle piece `p`.
inline const std::vector<Goldilocks>& piece_values(const PlannedTensor& p, const std::vector<TensorWitness>& w) {
  const TensorWitness& x = w[p.owner];
  switch (p.kind) {
    case PieceKind::kU: return x.u;
    case PieceKind::kV: return x.v;
    case PieceKind::kResidual: return x.e;
    case PieceKind::kRow: return x.rows;
    case PieceKind::kCol: return x.cols;
    case PieceKind::kVal: return x.vals;
    default: break;
  }
  throw Error("drift: no witness values for this piece (internal error)");
}

inline std::vector<E> to_ext(std::span<const Goldilocks> v) { return std::vector<E>(v.begin(), v.end()); }

// Walsh–Hadamard transform in place (over F_p or F_{p²}): out[b] = Σ_x (−1)^{⟨b,x⟩} in[x].
template <class T>
void walsh_hadamard(std::vector<T>& a) {
  for (std::size_t h = 1; h < a.size(); h *= 2)
    for (std::size_t i = 0; i < a.size(); i += 2 * h)
      for (std::size_t j = i; j < i + h; ++j) {
        const T x = a[j], y = a[j + h];
        a[j] = x + y;
        a[j + h] = x - y;
      }
}

}  // namespace prover_detail

// Proves that `tuned` differs from `base` only as `policy` allows. PolicyViolation when
// it does not (naming the tensor); ArgumentError on mismatched models or options.
inline Certificate prove_drift(const CommittedModel& base, const CommittedModel& tuned, const Policy& policy,
                               const ProveOptions& opt) {
  using namespace prover_detail;
  if (!base.source || !base.data || !tuned.source || !tuned.data)
    throw ArgumentError("prove_drift: a model without source or commitment");
  const ModelLayout& layout = base.data->layout();
  if (!(tuned.data->layout() == layout) || !(base.source->layout() == layout) || !(tuned.source->layout() == layout))
    throw ArgumentError("prove_drift: the base and tuned models have different layouts");
  if (base.data->params().encode() != tuned.data->params().encode() ||
      base.data->part_vars() != tuned.data->part_vars() || base.data->chunk_log() != tuned.data->chunk_log())
    throw ArgumentError("prove_drift: the two models were committed with different parameters");
  auto bparams = [&](const std::vector<ModelTensorSpec>& specs) {
    return opt.bundle_params ? *opt.bundle_params
                             : bundle_rate(default_bundle_params(base.data->params()), ModelLayout(specs).num_vars());
  };
  const Plan plan = make_plan(layout, resolve_constraints(policy, layout, opt.scale_log2));
  if (plan.model_claims() > whir_detail::kMaxPoints)
    throw ArgumentError("prove_drift: the policy makes " + std::to_string(plan.model_claims()) +
                        " claims on the models, more than the 2^16 one opening takes");
  if (2 * base.data->num_parts() > whir_detail::kMaxPolys)
    throw ArgumentError("prove_drift: two models of " + std::to_string(base.data->num_parts()) +
                        " parts are more polynomials than one opening takes (1024): commit with larger parts");
  vtensor::detail::TraceClock clock;

  // Witness and the verdicts' certified values.
  std::vector<TensorWitness> wit(layout.size());
  for (const auto& c : plan.constraints) {
    const ModelTensor& x = layout.tensor(c.tensor);
    if (c.frozen) {
      make_witness(x, c, *base.source, *tuned.source, nullptr);  // checks Δ = 0, keeps nothing
      continue;
    }
    const auto f = opt.factors.find(x.name);
    wit[c.tensor] = make_witness(x, c, *base.source, *tuned.source, f == opt.factors.end() ? nullptr : &f->second);
  }
  Certificate cert;
  cert.layout_digest = layout.digest();
  cert.policy_digest = policy.digest();
  cert.scale_log2 = opt.scale_log2;
  cert.params = base.data->params();
  cert.base = base.data->commitment();
  cert.tuned = tuned.data->commitment();
  cert.verdicts = verdict_skeleton(plan.constraints);
  for (const auto& c : plan.constraints)
    if (c.norm) cert.verdicts[c.tensor].norm_sq = wit[c.tensor].norm_sq;

  clock.lap("drift/witness");
  // Lookup columns' x0 (padded) and the multiplicities, known before any challenge.
  std::vector<std::vector<Goldilocks>> piece_tables(plan.bundle_a.size());
  for (std::size_t i = 0; i < plan.bundle_a.size(); ++i)
    if (plan.bundle_a[i].kind != PieceKind::kMult)
      piece_tables[i] = padded(plan.bundle_a[i].shape, piece_values(plan.bundle_a[i], wit));
  std::vector<std::vector<Goldilocks>> col_x0;
  std::vector<std::vector<std::uint64_t>> counts;
  for (const auto& t : plan.tables) counts.emplace_back(std::size_t{1} << t.log_size, 0);
  for (const auto& col : plan.columns) {
    std::vector<Goldilocks> x0 =
        col.source == ColumnSource::kDelta ? wit[col.tensor].delta : piece_tables[col.piece];
    const Goldilocks sh = Goldilocks::from_u64(col.shift);
    for (auto& v : x0) v += sh;
    LookupTableSpec spec{plan.tables[col.table].log_size, 0, {}, plan.tables[col.table].live_shape};
    for (std::size_t i = 0; i < x0.size(); ++i) {
      const std::uint64_t j = x0[i].value();
      if (j >> spec.log_size || !spec.live(j)) {
        if (testing::cheating()) continue;  // uncounted: the lookup will not balance
        throw PolicyViolation("tensor '" + layout.tensor(col.tensor).name + "': a looked-up value (" +
                              std::to_string(x0[i].to_signed()) + ") is outside its range");
      }
      ++counts[col.table][j];
    }
    col_x0.push_back(std::move(x0));
  }
  std::vector<std::vector<Goldilocks>> mult;
  for (std::size_t k = 0; k < plan.tables.size(); ++k) {
    std::vector<Goldilocks> m(counts[k].size());
    for (std::size_t j = 0; j < m.size(); ++j) m[j] = Goldilocks::from_u64(counts[k][j]);
    piece_tables[plan.tables[k].mult] = m;
    mult.push_back(std::move(m));
  }

  // 0–1. Statement, bundle A.
  Transcript t = drift_transcript(cert, cert.layout_digest);
  ProverTape tape(t);
  std::optional<BundleProverData> bundle_a, bundle_b;
  if (!plan.bundle_a.empty()) {
    std::vector<BundleTensor> bt;
    for (std::size_t i = 0; i < plan.bundle_a.size(); ++i) {
      const auto& p = plan.bundle_a[i];
      bt.push_back({p.name, p.shape, p.kind == PieceKind::kMult ? piece_tables[i] : piece_values(p, wit)});
    }
    bundle_a = commit_bundle(bparams(plan.specs_a()), std::move(bt));
    tape.send_digest("drift/bundle_a", bundle_a->commitment().root);
  }
  clock.lap("drift/bundle A");

  // 2. Points; bundle B.
  const auto ch = draw_challenges(t, layout, plan);
  std::vector<std::vector<E>> er(layout.size()), ec(layout.size());  // padded slot tables of the eq values
  if (plan.any_sparse) {
    std::vector<BundleTensor> bt;
    for (std::size_t i = 0; i < plan.bundle_b.size(); ++i) {
      const auto& p = plan.bundle_b[i];
      const ModelTensor& x = layout.tensor(p.owner);
      const auto& z = ch[p.owner].sparse;
      const unsigned cv = x.col_vars();
      const bool row = p.kind == PieceKind::kEr0 || p.kind == PieceKind::kEr1;
      const bool hi = p.kind == PieceKind::kEr1 || p.kind == PieceKind::kEc1;
      const auto eqt = row ? eq_table<E>(std::span<const E>(z).subspan(cv)) : eq_table<E>(std::span<const E>(z).first(cv));
      const auto& idx = row ? wit[p.owner].rows : wit[p.owner].cols;
      std::vector<Goldilocks> vals;
      std::vector<E> full;
      for (auto i2 : idx) {
        const E e = eqt[i2.value()];
        vals.push_back(hi ? e.c1() : e.c0());
        full.push_back(e);
      }
      if (!hi) {
        (row ? er : ec)[p.owner] = full;
      }
      bt.push_back({p.name, p.shape, std::move(vals)});
    }
    bundle_b = commit_bundle(bparams(plan.specs_b()), std::move(bt));
    tape.send_digest("drift/bundle_b", bundle_b->commitment().root);
  }
  clock.lap("drift/bundle B");

  // 3. Values at the points.
  std::vector<ModelMultiClaim> model_claims;
  std::vector<BundleClaim> claims_a, claims_b;
  std::vector<std::vector<E>> proj_lambda(layout.size());
  std::vector<std::vector<E>> proj_y(layout.size());
  for (const auto& c : plan.constraints) {
    const ModelTensor& x = layout.tensor(c.tensor);
    const auto& chs = ch[c.tensor];
    const auto& w = wit[c.tensor];
    if (c.frozen) {
      const auto table = read_tensor(*base.source, x);
      const E v = mle_evaluate<E, Goldilocks>(table, chs.frozen);
      tape.send("drift/frozen", v);
      model_claims.push_back({c.tensor, chs.frozen, {v, v}});
      continue;
    }
    if (c.low_rank) {
      const E wb = mle_evaluate<E, Goldilocks>(w.base, chs.rank), dl = mle_evaluate<E, Goldilocks>(w.delta, chs.rank);
      tape.send("drift/rank", std::vector<E>{wb, wb + dl});
      model_claims.push_back({c.tensor, chs.rank, {wb, wb + dl}});
      if (c.low_rank->residual > 0) {
        const E ev = mle_evaluate<E, Goldilocks>(piece_tables[plan.pieces[c.tensor].e], chs.rank);
        tape.send("drift/residual", ev);
        claims_a.push_back({plan.pieces[c.tensor].e, chs.rank, ev});
      }
    }
    if (c.sparse) {
      const E wb = mle_evaluate<E, Goldilocks>(w.base, chs.sparse), dl = mle_evaluate<E, Goldilocks>(w.delta, chs.sparse);
      tape.send("drift/sparse", std::vector<E>{wb, wb + dl});
      model_claims.push_back({c.tensor, chs.sparse, {wb, wb + dl}});
    }
    if (c.projection) {
      const std::size_t k = c.projection->count, d = x.log_size;
      auto spec = w.delta;
      walsh_hadamard(spec);
      for (std::size_t j = 0; j < k; ++j) proj_y[c.tensor].push_back(E(spec[d ? walsh_index(chs.walsh, j, d) : 0]));
      const auto sq = projection_sum(proj_y[c.tensor], static_cast<unsigned __int128>(c.projection->bound_sq) * k);
      if (testing::refuse(!sq))
        throw PolicyViolation("tensor '" + x.name + "': the random-projection estimate of ‖Δ‖_F² exceeds its bound");
      cert.verdicts[c.tensor].projection_sq = sq.value_or(0);  // (a cheater's value: the verifier refuses it)
      tape.send("drift/projection", proj_y[c.tensor]);
      proj_lambda[c.tensor] = t.challenge_exts("drift/proj_lambda", k);
    }
  }
  clock.lap("drift/point values");
  // 4. LogUp.
  std::vector<E> rho;
  if (!plan.columns.empty()) {
    LogUpProver lp;
    for (auto& s : table_specs(plan, layout, ch)) lp.add_table(std::move(s));
    for (std::size_t i = 0; i < plan.columns.size(); ++i) {
      const auto& col = plan.columns[i];
      std::vector<E> x1;
      if (col.source == ColumnSource::kSparseRow) x1 = er[col.tensor];
      if (col.source == ColumnSource::kSparseCol) x1 = ec[col.tensor];
      lp.add_column(col.table, col_x0[i], std::move(x1));
    }
    rho = lp.prove(t, tape.writer(), mult).point;
    std::vector<bool> delta_sent(layout.size(), false);
    for (const auto& col : plan.columns) {
      if (col.source != ColumnSource::kDelta || delta_sent[col.tensor]) continue;
      delta_sent[col.tensor] = true;
      const auto& w = wit[col.tensor];
      const auto u = prefix(rho, col.log_size);
      const E wb = mle_evaluate<E, Goldilocks>(w.base, u), dl = mle_evaluate<E, Goldilocks>(w.delta, u);
      tape.send("drift/lookup_delta", std::vector<E>{wb, wb + dl});
      model_claims.push_back({col.tensor, u, {wb, wb + dl}});
    }
    for (const auto& col : plan.columns) {
      if (col.source == ColumnSource::kDelta) continue;
      const auto u = prefix(rho, col.log_size);
      const E v = mle_evaluate<E, Goldilocks>(piece_tables[col.piece], u);
      tape.send("drift/lookup_piece", v);
      claims_a.push_back({col.piece, u, v});
      if (col.source == ColumnSource::kBundleA) continue;
      for (std::size_t b : {col.x1_lo, col.x1_hi}) {
        const E vb = mle_evaluate<E, Goldilocks>(bundle_b->table_of(b), u);
        tape.send("drift/lookup_eq", vb);
        claims_b.push_back({b, u, vb});
      }
    }
    for (const auto& tab : plan.tables) {
      const auto u = prefix(rho, tab.log_size);
      const E v = mle_evaluate<E, Goldilocks>(piece_tables[tab.mult], u);
      tape.send("drift/lookup_mult", v);
      claims_a.push_back({tab.mult, u, v});
    }
  }

  clock.lap("drift/lookups");
  // 5. The batched sumcheck.
  std::vector<std::unique_ptr<SumcheckInstance>> inst;
  std::vector<E> claims;
  struct Owner {
    std::size_t tensor;
    char kind;  // 'n' norm, 'r' rank, 's' sparse, 'p' projection
  };
  std::vector<Owner> owners;
  const E X = ext_x(), seven = E::from_u64(7);
  for (const auto& c : plan.constraints) {
    if (c.frozen) continue;
    const ModelTensor& x = layout.tensor(c.tensor);
    const auto& w = wit[c.tensor];
    const auto& pc = plan.pieces[c.tensor];
    if (c.norm) {
      inst.push_back(std::make_unique<ProverInstance<Square>>(std::array<std::span<const Goldilocks>, 1>{w.delta}));
      claims.push_back(E(Goldilocks::from_u64(w.norm_sq)));
      owners.push_back({c.tensor, 'n'});
    }
    if (c.low_rank) {
      const auto& l = *c.low_rank;
      const unsigned cv = x.col_vars(), rv = x.row_vars();
      const auto& p = ch[c.tensor].rank;
      const auto y = prefix(p, cv);
      const std::vector<E> xr(p.begin() + cv, p.end());
      const auto u = bind_rows<E, Goldilocks>(piece_tables[pc.u], std::size_t{1} << rv, std::size_t{1} << l.rank_vars, xr);
      const auto v = bind_cols<E, Goldilocks>(piece_tables[pc.v], std::size_t{1} << l.rank_vars, std::size_t{1} << cv, y);
      auto di = std::make_unique<DenseProductInstance>(
          std::vector<std::vector<E>>{selector_table(l.rank_vars, l.rank), u, v},
          std::vector<DenseProductInstance::Term>{{E::one(), {0, 1, 2}}}, std::vector<bool>{true, false, false});
      claims.push_back(di->claimed_sum());
      inst.push_back(std::move(di));
      owners.push_back({c.tensor, 'r'});
    }
    if (c.sparse) {
      const unsigned sv = c.sparse->slot_vars;
      const auto val = to_ext(w.vals);
      std::vector<std::vector<E>> tabs{selector_table(sv, c.sparse->slots), val};
      std::vector<DenseProductInstance::Term> terms;
      auto comp = [&](std::size_t b) { return to_ext(bundle_b->table_of(b)); };
      tabs.push_back(comp(pc.ec0));
      tabs.push_back(comp(pc.ec1));
      if (x.row_vars() > 0) {
        tabs.push_back(comp(pc.er0));
        tabs.push_back(comp(pc.er1));
        terms = {{E::one(), {0, 1, 4, 2}}, {X, {0, 1, 4, 3}}, {X, {0, 1, 5, 2}}, {seven, {0, 1, 5, 3}}};
      } else {
        terms = {{E::one(), {0, 1, 2}}, {X, {0, 1, 3}}};
      }
      std::vector<bool> pub(tabs.size(), false);
      pub[0] = true;
      auto di = std::make_unique<DenseProductInstance>(std::move(tabs), std::move(terms), std::move(pub));
      claims.push_back(di->claimed_sum());
      inst.push_back(std::move(di));
      owners.push_back({c.tensor, 's'});
    }
    if (c.projection) {
      const std::size_t d = x.log_size;
      std::vector<E> chi(std::size_t{1} << d, E::zero());
      E sum = E::zero();
      for (std::size_t j = 0; j < c.projection->count; ++j) {
        chi[d ? walsh_index(ch[c.tensor].walsh, j, d) : 0] += proj_lambda[c.tensor][j];
        sum += proj_lambda[c.tensor][j] * proj_y[c.tensor][j];
      }
      walsh_hadamard(chi);  // χ_λ(x) = Σ_j λ_j (−1)^{⟨b_j, x⟩}
      inst.push_back(std::make_unique<DenseProductInstance>(
          std::vector<std::vector<E>>{to_ext(w.delta), std::move(chi)},
          std::vector<DenseProductInstance::Term>{{E::one(), {0, 1}}}, std::vector<bool>{false, true}));
      claims.push_back(sum);
      owners.push_back({c.tensor, 'p'});
    }
  }
  if (!inst.empty()) {
    std::vector<SumcheckInstance*> ptr;
    for (auto& i : inst) ptr.push_back(i.get());
    std::vector<E> r;
    tape.append(prove_batched(t, ptr, claims, &r));
    std::vector<bool> w_sent(layout.size(), false);
    std::vector<E> w_at(layout.size());
    for (std::size_t i = 0; i < inst.size(); ++i) {
      const auto [tt, kind] = owners[i];
      const auto f = inst[i]->finals();
      const ModelTensor& x = layout.tensor(tt);
      if (kind == 'n' || kind == 'p') {
        const auto pt = prefix(r, x.log_size);
        if (!w_sent[tt]) {
          w_at[tt] = mle_evaluate<E, Goldilocks>(wit[tt].base, pt);
          tape.send("drift/sum_base", w_at[tt]);
        }
        w_sent[tt] = true;
        model_claims.push_back({tt, pt, {w_at[tt], w_at[tt] + f[0]}});
      } else {
        finals_to_bundle_claims(plan, layout, ch, tt, kind, r, f, claims_a, claims_b);
      }
    }
  }

  clock.lap("drift/sumcheck");
  // 6. Openings.
  const ModelPartsProverData* pds[2] = {base.data, tuned.data};
  ModelSource* srcs[2] = {base.source, tuned.source};
  const std::size_t before_openings = tape.writer().size();
  tape.append_sized(open_models(pds, srcs, model_claims, t));
  clock.lap("drift/model opening (" + std::to_string(model_claims.size()) + " claims, " +
            std::to_string(tape.writer().size() - before_openings) + " B; " + std::to_string(before_openings) +
            " B before the openings)");
  const std::size_t before_bundles = tape.writer().size();
  if (bundle_a) tape.append_sized(open_bundle(*bundle_a, claims_a, t));
  if (bundle_b) tape.append_sized(open_bundle(*bundle_b, claims_b, t));
  clock.lap("drift/bundle openings (" + std::to_string(tape.writer().size() - before_bundles) + " B, bundle A 2^" +
            std::to_string(bundle_a ? bundle_a->layout().num_vars() : 0) + ")");
  cert.body = std::move(tape).take();
  return cert;
}

}  // namespace vtensor::drift
