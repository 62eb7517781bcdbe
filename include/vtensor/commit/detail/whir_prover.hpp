// vtensor/commit/detail/whir_prover.hpp — Whir::open_batch (commit/whir.hpp states
// the protocol; docs/commitment.md the wire format).
#pragma once

#include <optional>

#include "vtensor/commit/whir.hpp"
#include "vtensor/detail/trace.hpp"

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

namespace whir_detail {

// The first iteration of an opening, as the protocol sees it: the P committed
// polynomials (their tables, codewords and trees), however the prover holds them. The
// in-memory implementation is below; commit/detail/model_stream_open.hpp streams a
// model commitment from its source and codeword file. Call order: evaluate (OOD
// answers), combine (μ and the weight), then k_0 × (round, bind), finish, open_queries.
class FirstIteration {
 public:
  virtual ~FirstIteration() = default;
  virtual std::size_t num_polys() const = 0;
  // Every polynomial's value at every point (WHIR points), polynomial-major.
  virtual std::vector<E> evaluate(std::span<const std::vector<E>> pts) = 0;
  // f = Σ_j mu_j f_j and the weight w = Σ_l coefs_l eq(points_l, ·).
  virtual void combine(std::span<const E> mu, std::span<const std::vector<E>> points, std::span<const E> coefs) = 0;
  // h(0), h(1), h(2) of the sumcheck round on the lowest free variable of Σ w·f.
  virtual std::array<E, 3> round() = 0;
  virtual void bind(const E& alpha) = 0;
  // After k_0 binds: f and w as tables over the remaining variables.
  virtual void finish(std::vector<E>& f, std::vector<E>& w) = 0;
  // Each polynomial's fiber rows at idx (sorted, distinct) and its Merkle multipath.
  virtual void open_queries(std::span<const std::uint64_t> idx, ByteWriter& w) const = 0;
};

// WhirProverData in memory (Whir::commit): the weight kept as its points (EqWeight) and
// a single base table folded without a combination pass.
class InMemoryFirstIteration final : public FirstIteration {
 public:
  explicit InMemoryFirstIteration(std::span<const WhirProverData* const> pds)
      : pds_(pds.begin(), pds.end()), base_(pds.size() == 1) {
    for (const auto* pd : pds_) tables_.emplace_back(pd->table);
  }
  std::size_t num_polys() const override { return pds_.size(); }
  std::vector<E> evaluate(std::span<const std::vector<E>> pts) override {
    std::vector<E> out;
    for (const auto& table : tables_) {
      const auto a = evaluate_many<Goldilocks>(table, pts);
      out.insert(out.end(), a.begin(), a.end());
    }
    return out;
  }
  void combine(std::span<const E> mu, std::span<const std::vector<E>> points, std::span<const E> coefs) override {
    weight_.emplace(points, coefs);
    if (tables_.size() > 1) {
      f_.assign(tables_[0].size(), E::zero());
      for (std::size_t j = 0; j < tables_.size(); ++j) {
        const ExtScalar c(mu[j]);
        detail::parallel_for(f_.size(), [&](std::size_t b) { f_[b] += c * tables_[j][b]; });
      }
    }
  }
  std::array<E, 3> round() override {
    return (base_ && bound_ == 0) ? weight_->round_poly<Goldilocks>(tables_[0]) : weight_->round_poly<E>(f_);
  }
  void bind(const E& a) override {
    if (base_ && bound_ == 0)
      f_ = fold_low<Goldilocks>(tables_[0], a);
    else
      fold_low_in_place(f_, a);
    weight_->bind(a);
    ++bound_;
  }
  void finish(std::vector<E>& f, std::vector<E>& w) override {
    f = std::move(f_);
    w = weight_->table();
  }
  void open_queries(std::span<const std::uint64_t> idx, ByteWriter& w) const override {
    const std::size_t width = std::size_t{1} << pds_[0]->params.schedule()[0].fold;
    for (const auto* pd : pds_) {
      const std::size_t row = width + pd->row_salt;
      for (auto j : idx) w.fields<Goldilocks>(std::span<const Goldilocks>(pd->fibers.data() + j * row, row));
      pd->tree.open_multi(idx).encode(w);
    }
  }

 private:
  std::vector<const WhirProverData*> pds_;
  std::vector<std::span<const Goldilocks>> tables_;
  bool base_;  // one polynomial: round 0 reads the base table, no combination pass
  std::optional<EqWeight> weight_;
  std::vector<E> f_;
  unsigned bound_ = 0;
};

// The protocol after the statement: OOD samples, μ, β, then every iteration.
// `first` holds the committed polynomials; values[j][l] = f_j(points_l).
inline void open_batch_rounds(FirstIteration& first, const WhirParams& p, std::span<const std::vector<E>> points,
                              std::span<const std::vector<E>> values, Transcript& t, ByteWriter& w) {
  const auto sched = p.schedule();
  const std::size_t np = first.num_polys(), m = points.size();
  detail::TraceClock clock;
  // 0. OOD samples of every f_j, then the combination f = Σ μ^j f_j.
  std::vector<std::vector<E>> ood_pts;
  std::vector<E> ood_ans;
  if (sched[0].ood > 0) {
    for (const E& zeta : t.challenge_exts("whir/ood", sched[0].ood)) ood_pts.push_back(pow_point_ext(zeta, p.committed_vars()));
    ood_ans = first.evaluate(ood_pts);
    w.fields<E>(ood_ans);
    t.absorb_fields<E>("whir/ood_answers", ood_ans);
  }
  std::vector<E> mu{E::one()};
  if (np > 1) {
    pow_prove(t, w, p.batch_pow_bits(np));
    mu = powers(t.challenge_ext("whir/batch"), np);
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
  // The first iteration keeps the weight as its points (claims and OOD samples).
  std::vector<std::vector<E>> all_pts(points.begin(), points.end());
  all_pts.insert(all_pts.end(), ood_pts.begin(), ood_pts.end());
  first.combine(mu, all_pts, beta);
  clock.lap("whir/OOD answers");
  std::vector<E> weight, f;

  std::vector<E> fibers_ext;
  MerkleTree tree_ext;
  for (std::size_t i = 0; i < sched.size(); ++i) {
    const auto& it = sched[i];
    const bool last = i + 1 == sched.size();
    std::array<E, 3> h = i == 0 ? first.round() : round_poly<E>(weight, f);
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
        first.bind(a);
        if (more) h = first.round();
      } else if (more && f.size() >= 8) {
        h = fold_and_round(weight, f, a);  // fold both tables and sum the next round in one pass
      } else {
        fold_low_in_place(weight, a);
        fold_low_in_place(f, a);
        if (more) h = round_poly<E>(weight, f);
      }
    }
    if (i == 0) {
      first.finish(f, weight);
      clock.lap("whir/first iteration rounds");
    }
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
    pow_prove(t, w, it.query_pow);
    const auto idx = query_indices(t, it);
    const std::size_t width = std::size_t{1} << it.fold;
    if (i == 0) {
      clock.lap("whir/first fold committed");
      first.open_queries(idx, w);
      clock.lap("whir/first queries");
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
  InMemoryFirstIteration first(pds);
  open_batch_rounds(first, p, points, values, t, w);
  return std::move(w).take();
}

inline std::vector<std::uint8_t> Whir::open_batch_with(whir_detail::FirstIteration& first, const WhirParams& p,
                                                       std::span<const Digest> roots,
                                                       std::span<const std::vector<E>> points,
                                                       std::span<const std::vector<E>> values, Transcript& t) {
  using namespace whir_detail;
  check_claims(p, roots.size(), points, values, [](const std::string& msg) { throw ArgumentError("whir open: " + msg); });
  if (first.num_polys() != roots.size()) throw ArgumentError("whir open: one root per polynomial");
  if (p.schedule().empty() || p.hiding_openings > 0)
    throw ArgumentError("whir open: a streamed first iteration needs a folding schedule and no hiding");
  bind_statement(t, p, roots, points, values);
  ByteWriter w;
  write_proof_header(w, kWhirMagic, E::kFieldId);
  w.bytes(p.encode());
  open_batch_rounds(first, p, points, values, t, w);
  return std::move(w).take();
}

}  // namespace vtensor
