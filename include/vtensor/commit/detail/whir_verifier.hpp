// vtensor/commit/detail/whir_verifier.hpp — Whir::verify_batch (commit/whir.hpp
// states the protocol; docs/commitment.md the wire format).
#pragma once

#include "vtensor/commit/whir.hpp"

namespace vtensor {

inline void Whir::verify_batch(const WhirParams& p, std::span<const WhirCommitment> cs,
                               std::span<const std::vector<E>> points, std::span<const std::vector<E>> values,
                               std::span<const std::uint8_t> proof, Transcript& t) {
  using namespace whir_detail;
  p.validate();
  const std::size_t np = cs.size(), m = points.size();
  check_claims(p, np, points, values, [](const std::string& msg) { throw VerifyError("whir: " + msg); });
  std::vector<Digest> roots;
  for (const auto& c : cs) roots.push_back(c.root);
  bind_statement(t, p, roots, points, values);
  ByteReader r(proof, "whir proof");
  read_proof_header(r, kWhirMagic, E::kFieldId);
  const auto params_bytes = p.encode();
  const auto got = r.bytes(params_bytes.size(), "parameters");
  if (!std::equal(got.begin(), got.end(), params_bytes.begin())) r.fail("parameters differ from the verifier's");
  const auto sched = p.schedule();
  if (sched.empty()) {
    std::vector<std::vector<Goldilocks>> tables;
    for (std::size_t j = 0; j < np; ++j) tables.push_back(r.fields<Goldilocks>(std::size_t{1} << p.committed_vars(), "table entry"));
    r.finish();
    for (std::size_t j = 0; j < np; ++j) {
      const auto fib = encode_fibers<Goldilocks>(tables[j], p.committed_vars() + p.log_inv_rate, 0);
      if (MerkleTree::from_rows<Goldilocks>(fib, 1).root() != roots[j])
        throw VerifyError("whir: a sent table does not match its commitment");
      for (std::size_t l = 0; l < m; ++l)
        if (mle_evaluate<E, Goldilocks>(tables[j], points[l]) != values[j][l])
          throw VerifyError("whir: f_" + std::to_string(j) + "(z_" + std::to_string(l) + ") differs from the claimed value");
    }
    return;
  }
  // Weight terms c · eq(p, ·), p over the variables left when the term was added.
  struct Term {
    E coef;
    std::vector<E> point;
    std::size_t first_alpha;  // index into all_alpha where its binding starts
  };
  std::vector<Term> terms;
  auto read_ood = [&](unsigned s, unsigned n, std::size_t polys) {
    std::vector<std::vector<E>> pts;
    std::vector<E> ans;
    if (s == 0) return std::pair{pts, ans};
    for (const E& zeta : t.challenge_exts("whir/ood", s)) pts.push_back(pow_point_ext(zeta, n));
    ans = r.fields<E>(s * polys, "whir OOD answer");
    t.absorb_fields<E>("whir/ood_answers", ans);
    return std::pair{pts, ans};
  };
  // 0. OOD answers of every f_j; μ; β.
  auto [ood_pts, ood_ans] = read_ood(sched[0].ood, p.committed_vars(), np);
  std::vector<E> mu{E::one()};
  if (np > 1) {
    pow_verify(t, r, p.batch_pow_bits(np));
    mu = powers(t.challenge_ext("whir/batch"), np);
  }
  const std::size_t s0 = ood_pts.size();
  pow_verify(t, r, p.claims_pow_bits(m));
  const auto beta = powers(t.challenge_ext("whir/beta"), m + s0);
  E sigma = E::zero();
  for (std::size_t l = 0; l < m; ++l) {
    E v = E::zero();
    for (std::size_t j = 0; j < np; ++j) v += mu[j] * values[j][l];
    sigma += beta[l] * v;
    terms.push_back({beta[l], points[l], 0});
  }
  for (std::size_t s = 0; s < s0; ++s) {
    E v = E::zero();
    for (std::size_t j = 0; j < np; ++j) v += mu[j] * ood_ans[j * s0 + s];
    sigma += beta[m + s] * v;
    terms.push_back({beta[m + s], ood_pts[s], 0});
  }
  std::vector<E> all_alpha;
  Digest root{};
  std::vector<E> final_table;
  for (std::size_t i = 0; i < sched.size(); ++i) {
    const auto& it = sched[i];
    const bool last = i + 1 == sched.size();
    std::vector<E> alpha;
    for (unsigned rd = 0; rd < it.fold; ++rd) {
      const auto h = r.fields<E>(3, "whir sumcheck value");
      if (h[0] + h[1] != sigma)
        throw VerifyError("whir: iteration " + std::to_string(i) + " sumcheck round " + std::to_string(rd) +
                          ": h(0) + h(1) differs from the claim");
      t.absorb_fields<E>("whir/sumcheck", std::span<const E>(h));
      pow_verify(t, r, it.pow_bits);
      const E a = t.challenge_ext("whir/alpha");
      alpha.push_back(a);
      all_alpha.push_back(a);
      sigma = interpolate_at<E>(h, a);
    }
    const unsigned n_next = it.vars_before - it.fold;
    Digest next_root{};
    std::vector<std::vector<E>> next_ood_pts;
    std::vector<E> next_ood;
    if (!last) {
      next_root = Digest::from_bytes(r.bytes(Digest::kSize, "whir root").data());
      t.absorb("whir/root", std::span<const std::uint8_t>(next_root.data(), Digest::kSize));
      std::tie(next_ood_pts, next_ood) = read_ood(sched[i + 1].ood, n_next, 1);
    } else {
      final_table = r.fields<E>(std::size_t{1} << p.final_vars, "whir final table entry");
      t.absorb_fields<E>("whir/final", final_table);
    }
    pow_verify(t, r, it.query_pow);
    const auto idx = query_indices(t, it);
    const std::size_t width = std::size_t{1} << it.fold;
    const Goldilocks omega = Goldilocks::root_of_unity(it.log_domain);
    const unsigned depth = it.log_domain - it.fold;
    std::vector<E> ys;
    if (i == 0) {
      // Each tree's fibers, combined with μ, then folded.
      std::vector<std::vector<E>> combined(idx.size(), std::vector<E>(width, E::zero()));
      for (std::size_t j = 0; j < np; ++j) {
        std::vector<Digest> leaf_hashes;
        const std::size_t salt = p.hiding_openings > 0 ? kRowSalt : 0;
        for (std::size_t q = 0; q < idx.size(); ++q) {
          const auto vals = r.fields<Goldilocks>(width + salt, "whir leaf value");
          leaf_hashes.push_back(merkle_row_hash<Goldilocks>(vals));
          for (std::size_t s = 0; s < width; ++s) combined[q][s] += mu[j] * vals[s];
        }
        const auto mp = MerkleMultiPath::decode(r);
        if (!merkle_verify_multi(roots[j], depth, idx, leaf_hashes, mp))
          throw VerifyError("whir: iteration 0: Merkle openings do not match commitment " + std::to_string(j));
      }
      for (std::size_t q = 0; q < idx.size(); ++q)
        ys.push_back(fold_fiber<E>(combined[q], omega, it.log_domain, idx[q], alpha));
    } else {
      std::vector<Digest> leaf_hashes;
      for (auto j : idx) {
        const auto vals = r.fields<E>(width, "whir leaf value");
        leaf_hashes.push_back(merkle_row_hash<E>(vals));
        ys.push_back(fold_fiber<E>(vals, omega, it.log_domain, j, alpha));
      }
      const auto mp = MerkleMultiPath::decode(r);
      if (!merkle_verify_multi(root, depth, idx, leaf_hashes, mp))
        throw VerifyError("whir: iteration " + std::to_string(i) + ": Merkle openings do not match the commitment");
    }
    if (!last) {
      pow_verify(t, r, it.comb_pow_bits);
      const E gamma = t.challenge_ext("whir/gamma");
      const auto g = powers(gamma, idx.size() + next_ood.size() + 1);
      for (std::size_t l = 0; l < idx.size(); ++l) {
        sigma += g[l + 1] * ys[l];
        terms.push_back({g[l + 1], pow_point(omega.pow(idx[l] << it.fold), n_next), all_alpha.size()});
      }
      for (std::size_t s = 0; s < next_ood.size(); ++s) {
        sigma += g[idx.size() + 1 + s] * next_ood[s];
        terms.push_back({g[idx.size() + 1 + s], next_ood_pts[s], all_alpha.size()});
      }
      root = next_root;
    } else {
      for (std::size_t l = 0; l < idx.size(); ++l)
        if (mle_evaluate<E, E>(final_table, pow_point(omega.pow(idx[l] << it.fold), n_next)) != ys[l])
          throw VerifyError("whir: final query " + std::to_string(l) + " disagrees with the final polynomial");
    }
  }
  r.finish();
  // σ = Σ_terms coef · eq(point_prefix, α bound after the term) · f_final~(point_rest).
  E total = E::zero();
  for (const auto& term : terms) {
    const std::size_t bound = all_alpha.size() - term.first_alpha;
    const std::span<const E> pre(term.point.data(), bound), rest(term.point.data() + bound, term.point.size() - bound);
    const E e = eq_eval<E>(pre, std::span<const E>(all_alpha.data() + term.first_alpha, bound));
    total += term.coef * e * mle_evaluate<E, E>(final_table, rest);
  }
  if (total != sigma) throw VerifyError("whir: the final weighted sum differs from the sumcheck claim");
}

}  // namespace vtensor
