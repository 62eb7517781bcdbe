// vtensor/commit/detail/whir_prover.hpp — Whir::open_batch (commit/whir.hpp states
// the protocol; docs/commitment.md the wire format).
#pragma once

#include "vtensor/commit/whir.hpp"

namespace vtensor {

namespace whir_detail {

// Sends f(pow(ζ)) for s fresh OOD points ζ; returns the points pow(ζ) and answers.
template <class T>
std::pair<std::vector<std::vector<E>>, std::vector<E>> ood_prove(Transcript& t, ByteWriter& w, unsigned s,
                                                                 std::span<const std::span<const T>> tables) {
  std::vector<std::vector<E>> pts;
  std::vector<E> answers;
  if (s == 0) return {pts, answers};
  const unsigned n = log2_exact(tables[0].size());
  for (const E& zeta : t.challenge_exts("whir/ood", s)) pts.push_back(pow_point_ext(zeta, n));
  for (const auto& table : tables) {
    const auto a = evaluate_many<T>(table, pts);
    answers.insert(answers.end(), a.begin(), a.end());
  }
  w.fields<E>(answers);
  t.absorb_fields<E>("whir/ood_answers", answers);
  return {pts, answers};
}

}  // namespace whir_detail

inline std::vector<std::uint8_t> Whir::open_batch(std::span<const WhirProverData* const> pds,
                                                  std::span<const std::vector<E>> points,
                                                  std::span<const std::vector<E>> values, Transcript& t) {
  using namespace whir_detail;
  if (pds.empty()) throw ArgumentError("whir open: no polynomial to open");
  const WhirParams& p = pds[0]->params;
  const std::size_t np = pds.size(), m = points.size();
  check_claims(p, np, points, values, [](const std::string& msg) { throw ArgumentError("whir open: " + msg); });
  std::vector<Digest> roots;
  for (const auto* pd : pds) {
    if (pd->params.encode() != p.encode()) throw ArgumentError("whir open: the polynomials' parameters differ");
    if (pd->row_salt != (p.hiding_openings > 0 ? kRowSalt : 0u)) throw ArgumentError("whir open: inconsistent prover data");
    roots.push_back(pd->tree.root());
  }
  bind_statement(t, p, roots, points, values);
  ByteWriter w;
  write_proof_header(w, kWhirMagic, E::kFieldId);
  w.bytes(p.encode());
  const auto sched = p.schedule();
  if (sched.empty()) {  // small: the tables themselves
    for (std::size_t j = 0; j < np; ++j) {
      for (std::size_t l = 0; l < m; ++l)
        if (testing::refuse(mle_evaluate<E, Goldilocks>(pds[j]->table, points[l]) != values[j][l]))
          throw ArgumentError("whir open: the claimed value of polynomial " + std::to_string(j) + " at point " +
                              std::to_string(l) + " is wrong");
      w.fields<Goldilocks>(pds[j]->table);
    }
    return std::move(w).take();
  }
  // 0. OOD samples of every f_j, then the combination f = Σ μ^j f_j.
  std::vector<std::span<const Goldilocks>> tables;
  for (const auto* pd : pds) tables.emplace_back(pd->table);
  auto [ood_pts, ood_ans] = ood_prove<Goldilocks>(t, w, sched[0].ood, tables);
  std::vector<E> mu{E::one()};
  std::vector<E> f;  // current table in the extension (empty while it is f_1 itself)
  if (np > 1) {
    pow_prove(t, w, p.batch_pow_bits(np));
    mu = powers(t.challenge_ext("whir/batch"), np);
    f.assign(tables[0].size(), E::zero());
    for (std::size_t j = 0; j < np; ++j) {
      const ExtScalar c(mu[j]);
      detail::parallel_for(f.size(), [&](std::size_t b) { f[b] += c * tables[j][b]; });
    }
  }
  const std::size_t s0 = ood_pts.size();
  std::vector<E> claim(m, E::zero()), ood_val(s0, E::zero());
  for (std::size_t j = 0; j < np; ++j) {
    for (std::size_t l = 0; l < m; ++l) claim[l] += mu[j] * values[j][l];
    for (std::size_t s = 0; s < s0; ++s) ood_val[s] += mu[j] * ood_ans[j * s0 + s];
  }
  pow_prove(t, w, p.claims_pow_bits(m));
  const auto beta = powers(t.challenge_ext("whir/beta"), m + s0);
  E sigma = E::zero();
  for (std::size_t l = 0; l < m; ++l) sigma += beta[l] * claim[l];
  for (std::size_t s = 0; s < s0; ++s) sigma += beta[m + s] * ood_val[s];
  // The first iteration keeps the weight as its points (claims and OOD samples):
  // no 2^n table is built; it is materialised once k_0 variables are bound.
  std::vector<std::vector<E>> all_pts(points.begin(), points.end());
  all_pts.insert(all_pts.end(), ood_pts.begin(), ood_pts.end());
  EqWeight first_weight(all_pts, beta);
  std::vector<E> weight;

  std::vector<E> fibers_ext;
  MerkleTree tree_ext;
  for (std::size_t i = 0; i < sched.size(); ++i) {
    const auto& it = sched[i];
    const bool last = i + 1 == sched.size();
    const bool base_table = i == 0 && np == 1;
    std::array<E, 3> h{};
    if (i == 0)
      h = base_table ? first_weight.round_poly<Goldilocks>(tables[0]) : first_weight.round_poly<E>(f);
    else
      h = round_poly<E>(weight, f);
    for (unsigned r = 0; r < it.fold; ++r) {
      // The first round's h(0) + h(1) is Σ_b w_0(b) f(b), the combined claim: a wrong
      // claimed value shows here, for free (no separate evaluation pass).
      if (i == 0 && r == 0 && testing::refuse(h[0] + h[1] != sigma))
        throw ArgumentError("whir open: a claimed value differs from the polynomial's value at its point");
      w.fields<E>(std::span<const E>(h));
      t.absorb_fields<E>("whir/sumcheck", std::span<const E>(h));
      pow_prove(t, w, it.pow_bits);
      const E a = t.challenge_ext("whir/alpha");
      const bool more = r + 1 < it.fold;
      if (i == 0) {
        if (base_table && r == 0)
          f = fold_low<Goldilocks>(tables[0], a);
        else
          fold_low_in_place(f, a);
        first_weight.bind(a);
        if (more) h = first_weight.round_poly<E>(f);
      } else if (more && f.size() >= 8) {
        h = fold_and_round(weight, f, a);  // fold both tables and sum the next round in one pass
      } else {
        fold_low_in_place(weight, a);
        fold_low_in_place(f, a);
        if (more) h = round_poly<E>(weight, f);
      }
    }
    if (i == 0) weight = first_weight.table();
    // Commit the folded function (then its OOD samples), or send it.
    std::vector<E> next_fibers;
    MerkleTree next_tree;
    std::vector<std::vector<E>> next_ood_pts;
    std::vector<E> next_ood;
    if (!last) {
      const auto& nx = sched[i + 1];
      next_fibers = encode_fibers<E>(f, nx.log_domain, nx.fold);
      next_tree = MerkleTree::from_rows<E>(next_fibers, std::size_t{1} << nx.fold);
      w.bytes(std::span<const std::uint8_t>(next_tree.root().data(), Digest::kSize));
      t.absorb("whir/root", std::span<const std::uint8_t>(next_tree.root().data(), Digest::kSize));
      const std::span<const E> ft[1] = {f};
      std::tie(next_ood_pts, next_ood) = ood_prove<E>(t, w, nx.ood, ft);
    } else {
      w.fields<E>(f);
      t.absorb_fields<E>("whir/final", f);
    }
    // Queries on the current tree(s).
    const auto idx = query_indices(t, it);
    const std::size_t width = std::size_t{1} << it.fold;
    if (i == 0) {
      for (const auto* pd : pds) {
        const std::size_t row = width + pd->row_salt;
        for (auto j : idx) w.fields<Goldilocks>(std::span<const Goldilocks>(pd->fibers.data() + j * row, row));
        pd->tree.open_multi(idx).encode(w);
      }
    } else {
      for (auto j : idx) w.fields<E>(std::span<const E>(fibers_ext.data() + j * width, width));
      tree_ext.open_multi(idx).encode(w);
    }
    if (!last) {
      pow_prove(t, w, it.comb_pow_bits);
      const E gamma = t.challenge_ext("whir/gamma");
      const Goldilocks omega = Goldilocks::root_of_unity(it.log_domain);
      std::vector<Goldilocks> us;
      for (auto j : idx) us.push_back(omega.pow(j << it.fold));
      add_query_weights(weight, us, gamma);  // γ^1 … γ^t
      const auto g = powers(gamma, idx.size() + next_ood.size() + 1);
      add_eq_weights(weight, next_ood_pts, std::span<const E>(g.data() + idx.size() + 1, next_ood.size()));
      fibers_ext = std::move(next_fibers);
      tree_ext = std::move(next_tree);
    }
  }
  return std::move(w).take();
}

}  // namespace vtensor
