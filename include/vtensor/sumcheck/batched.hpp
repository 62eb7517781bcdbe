// vtensor/sumcheck/batched.hpp — one sumcheck for many claims of different sizes and
// degrees ("front-loaded" batching).
//
// Instances i = 1..m: Σ_{x ∈ {0,1}^{n_i}} g_i(x) = C_i, g_i of degree ≤ D_i in each
// variable. With n = max n_i, instance i is read as a polynomial in the LOW n_i of n
// variables (constant in the others), so Σ_{x ∈ {0,1}^n} g_i = 2^{n − n_i} C_i. After
// the claims are absorbed the verifier draws λ_1..λ_m and the batch proves
//     Σ_x Σ_i λ_i g_i(x) = Σ_i λ_i 2^{n − n_i} C_i
// with one sumcheck of degree D = max D_i: round t binds variable n−1−t (highest first,
// docs/sumcheck.md); instance i joins at round n − n_i, before which it adds the
// constant λ_i 2^{n − n_i − t − 1} C_i. Its final point is the low n_i coordinates of r.
// At the end the prover sends each instance's final values (those of its tables the
// verifier cannot compute itself) and the verifier checks
//     s_{n−1}(r_0) = Σ_i λ_i · expected_i(r_{<n_i}, finals_i),
// expected_i being g_i at the point from the finals (and whatever public tables or eq
// factors it has). Error: n·D/|E| (rounds) + 1/|E| (λ: independent uniform λ_i, so a
// false claim survives the combination with probability 1/|E|); docs/security.md.
//
// Wire (no length prefixes: every size follows from the instances' shapes):
//   n rounds × D values s(0), s(2), …, s(D) (s(1) = claim − s(0) is implied)
//   ‖ per instance, its finals (count fixed by the instance).
// The transcript absorbs the claims ("batch/claims"), each round's sent values
// ("batch/round") and all finals ("batch/finals").
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/sumcheck/prover.hpp"
#include "vtensor/sumcheck/round_poly.hpp"
#include "vtensor/testing.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

inline constexpr std::size_t kBatchMaxDegree = 16;
inline constexpr std::size_t kBatchMaxInstances = std::size_t{1} << 20;

// The prover side of one instance, stepped round by round.
class SumcheckInstance {
 public:
  using E = GoldilocksExt2;
  virtual ~SumcheckInstance() = default;
  virtual std::size_t num_vars() const = 0;
  virtual std::size_t degree() const = 0;
  // s(X) at X = 0 … degree() for the current round (its highest free variable).
  virtual std::vector<E> message() = 0;
  virtual void bind(const E& r) = 0;
  // After num_vars() binds: the values sent to the verifier.
  virtual std::vector<E> finals() = 0;
};

// Wraps a SumcheckProver (sumcheck/prover.hpp: the fused, small-value kernels);
// finals = f_j(r) for its K tables.
template <Composition G, Field In = Goldilocks>
class ProverInstance final : public SumcheckInstance {
 public:
  explicit ProverInstance(typename SumcheckProver<G, In, E>::Inputs in, std::span<const E> eq_point = {})
      : p_(in, eq_point) {}
  std::size_t num_vars() const override { return p_.num_vars(); }
  std::size_t degree() const override { return p_.degree(); }
  std::vector<E> message() override { return p_.next_message(); }
  void bind(const E& r) override { p_.receive(r); }
  std::vector<E> finals() override { return p_.final_values(); }
  E claimed_sum() { return p_.claimed_sum(); }

 private:
  SumcheckProver<G, In, E> p_;
};

// g(x) = [eq(w, x)] · Σ_terms c_t · Π_{j ∈ term} T_j(x) over owned extension tables of
// 2^n entries (a runtime composition: selectors, factor products, GKR layers). Tables
// flagged public are not sent at the end (the verifier evaluates their MLE itself).
class DenseProductInstance final : public SumcheckInstance {
 public:
  struct Term {
    E coef;
    std::vector<std::size_t> tables;
  };

  DenseProductInstance(std::vector<std::vector<E>> tables, std::vector<Term> terms, std::vector<bool> is_public = {},
                       std::span<const E> eq_point = {})
      : tables_(std::move(tables)), terms_(std::move(terms)), public_(std::move(is_public)) {
    if (tables_.empty()) throw ArgumentError("DenseProductInstance: no table");
    const std::size_t size = tables_[0].size();
    for (const auto& t : tables_)
      if (t.size() != size) throw ArgumentError("DenseProductInstance: tables of different sizes");
    n_ = log2_exact(size);
    if (public_.empty()) public_.assign(tables_.size(), false);
    if (public_.size() != tables_.size()) throw ArgumentError("DenseProductInstance: one public flag per table");
    for (const auto& term : terms_) {
      if (term.tables.empty()) throw ArgumentError("DenseProductInstance: an empty term");
      for (auto j : term.tables)
        if (j >= tables_.size()) throw ArgumentError("DenseProductInstance: a term names a missing table");
      deg_ = std::max(deg_, term.tables.size());
    }
    if (!eq_point.empty()) {
      if (eq_point.size() != n_) throw ArgumentError("DenseProductInstance: eq point of the wrong length");
      eq_ = eq_table<E>(eq_point);
      ++deg_;
    }
    if (deg_ > kBatchMaxDegree) throw ArgumentError("DenseProductInstance: degree above 16");
  }

  std::size_t num_vars() const override { return n_; }
  std::size_t degree() const override { return deg_; }

  E claimed_sum() const {
    E acc = E::zero();
    for (std::size_t i = 0; i < tables_[0].size(); ++i) acc += eval_at(i);
    return acc;
  }

  std::vector<E> message() override {
    if (bound_ >= n_) throw ArgumentError("DenseProductInstance: no round left");
    const std::size_t h = tables_[0].size() / 2, D = deg_, k = tables_.size();
    const bool has_eq = !eq_.empty();
    const int nt = detail::max_threads();
    std::vector<std::vector<E>> part(static_cast<std::size_t>(nt), std::vector<E>(D + 1, E::zero()));
    detail::parallel_chunks(h, [&](std::size_t b, std::size_t e, int tid) {
      std::vector<E> v(k), dv(k), acc(D + 1, E::zero());
      for (std::size_t i = b; i < e; ++i) {
        for (std::size_t j = 0; j < k; ++j) {
          v[j] = tables_[j][i];
          dv[j] = tables_[j][i + h] - v[j];
        }
        E ev = has_eq ? eq_[i] : E::one();
        const E dev = has_eq ? eq_[i + h] - eq_[i] : E::zero();
        for (std::size_t x = 0; x <= D; ++x) {
          E g = E::zero();
          for (const auto& term : terms_) {
            E p = term.coef;
            for (auto j : term.tables) p *= v[j];
            g += p;
          }
          acc[x] += has_eq ? ev * g : g;
          for (std::size_t j = 0; j < k; ++j) v[j] += dv[j];
          ev += dev;
        }
      }
      for (std::size_t x = 0; x <= D; ++x) part[tid][x] += acc[x];
    });
    std::vector<E> s(D + 1, E::zero());
    for (const auto& p : part)
      for (std::size_t x = 0; x <= D; ++x) s[x] += p[x];
    return s;
  }

  void bind(const E& r) override {
    if (bound_ >= n_) throw ArgumentError("DenseProductInstance: no round left");
    const std::size_t h = tables_[0].size() / 2;
    auto fold = [&](std::vector<E>& t) {
      detail::parallel_for(h, [&](std::size_t i) { t[i] += r * (t[i + h] - t[i]); });
      t.resize(h);
    };
    for (auto& t : tables_) fold(t);
    if (!eq_.empty()) fold(eq_);
    ++bound_;
  }

  std::vector<E> finals() override {
    if (bound_ != n_) throw ArgumentError("DenseProductInstance: finals before the last round");
    std::vector<E> out;
    for (std::size_t j = 0; j < tables_.size(); ++j)
      if (!public_[j]) out.push_back(tables_[j][0]);
    return out;
  }

 private:
  E eval_at(std::size_t i) const {
    E g = E::zero();
    for (const auto& term : terms_) {
      E p = term.coef;
      for (auto j : term.tables) p *= tables_[j][i];
      g += p;
    }
    return eq_.empty() ? g : eq_[i] * g;
  }

  std::vector<std::vector<E>> tables_;
  std::vector<Term> terms_;
  std::vector<bool> public_;
  std::vector<E> eq_;
  std::size_t n_ = 0, deg_ = 0, bound_ = 0;
};

// What the verifier knows of an instance: its shape, how many finals it sends, and
// expected(point, finals) = g_i at its final point (eq factors and public tables
// included), from the sent finals.
struct BatchedInstanceSpec {
  using E = GoldilocksExt2;
  std::size_t num_vars = 0;
  std::size_t degree = 1;
  std::size_t num_finals = 0;
  std::function<E(std::span<const E> point, std::span<const E> finals)> expected;
};

// The verifier's result: the common point (variable order x_0 … x_{n−1}, n = max n_i)
// and each instance's finals; instance i's point is the first n_i coordinates.
struct BatchedSumcheckResult {
  using E = GoldilocksExt2;
  std::vector<E> point;
  std::vector<std::vector<E>> finals;
  std::span<const E> point_of(std::size_t num_vars) const { return std::span<const E>(point.data(), num_vars); }
};

namespace batched_detail {
using E = GoldilocksExt2;

inline E pow2(std::size_t k) { return E(Goldilocks::from_u64(2).pow(k)); }

// Evaluations of a degree-(vals.size()−1) polynomial at 0 … D (extended by interpolation).
inline std::vector<E> extend(std::span<const E> vals, std::size_t D) {
  std::vector<E> out(vals.begin(), vals.end());
  while (out.size() < D + 1) out.push_back(interpolate_at<E>(vals, E::from_u64(out.size())));
  return out;
}

inline void check_shapes(std::span<const std::size_t> vars, std::span<const std::size_t> degrees, std::size_t claims) {
  if (vars.empty() || vars.size() > kBatchMaxInstances) throw ArgumentError("batched sumcheck: 1 … 2^20 instances");
  if (claims != vars.size()) throw ArgumentError("batched sumcheck: one claim per instance");
  for (std::size_t i = 0; i < vars.size(); ++i) {
    if (vars[i] > kSumcheckMaxVars) throw ArgumentError("batched sumcheck: too many variables");
    if (degrees[i] < 1 || degrees[i] > kBatchMaxDegree) throw ArgumentError("batched sumcheck: degree not in [1, 16]");
  }
}
// The batch's shape and its combined claim Σ_i λ_i 2^{n − n_i} C_i, λ drawn after the
// claims are absorbed.
struct Start {
  std::size_t n = 0, D = 0;
  std::vector<E> lambda;
  E claim;
};
inline Start start(Transcript& t, std::span<const std::size_t> vars, std::span<const std::size_t> degs,
                   std::span<const E> claims) {
  Start s;
  s.n = *std::max_element(vars.begin(), vars.end());
  s.D = *std::max_element(degs.begin(), degs.end());
  t.absorb_fields<E>("batch/claims", claims);
  s.lambda = t.challenge_exts("batch/lambda", vars.size());
  s.claim = E::zero();
  for (std::size_t i = 0; i < vars.size(); ++i) s.claim += s.lambda[i] * claims[i] * pow2(s.n - vars[i]);
  return s;
}
}  // namespace batched_detail

// Proves every instance's claim (claims[i] must be instance i's true sum; the caller
// computed it). Returns the proof bytes; `point` receives the common point.
inline std::vector<std::uint8_t> prove_batched(Transcript& t, std::span<SumcheckInstance* const> inst,
                                               std::span<const GoldilocksExt2> claims,
                                               std::vector<GoldilocksExt2>* point = nullptr) {
  using E = GoldilocksExt2;
  using namespace batched_detail;
  std::vector<std::size_t> vars, degs;
  for (auto* i : inst) {
    vars.push_back(i->num_vars());
    degs.push_back(i->degree());
  }
  check_shapes(vars, degs, claims.size());
  const Start st = start(t, vars, degs, claims);
  const std::size_t n = st.n, D = st.D;
  const auto& lambda = st.lambda;
  E claim = st.claim;
  ByteWriter w;
  std::vector<E> r(n, E::zero());
  for (std::size_t round = 0; round < n; ++round) {
    std::vector<E> s(D + 1, E::zero());
    for (std::size_t i = 0; i < inst.size(); ++i) {
      if (round < n - vars[i]) {  // not joined yet: a constant
        const E c = lambda[i] * claims[i] * pow2(n - vars[i] - round - 1);
        for (auto& x : s) x += c;
        continue;
      }
      const auto m = extend(inst[i]->message(), D);
      for (std::size_t x = 0; x <= D; ++x) s[x] += lambda[i] * m[x];
    }
    if (testing::refuse(s[0] + s[1] != claim)) throw ArgumentError("batched sumcheck: a claim is not its instance's sum");
    std::vector<E> sent{s[0]};
    sent.insert(sent.end(), s.begin() + 2, s.end());
    w.fields<E>(sent);
    t.absorb_fields<E>("batch/round", sent);
    const E ri = t.challenge_ext("batch/challenge");
    r[n - 1 - round] = ri;
    for (std::size_t i = 0; i < inst.size(); ++i)
      if (round >= n - vars[i]) inst[i]->bind(ri);
    claim = interpolate_at<E>(s, ri);
  }
  std::vector<E> all;
  for (auto* i : inst) {
    const auto f = i->finals();
    all.insert(all.end(), f.begin(), f.end());
  }
  w.fields<E>(all);
  t.absorb_fields<E>("batch/finals", all);
  if (point) *point = r;
  return std::move(w).take();
}

// Reads a batched proof from r (advancing it) and checks it. DecodeError on malformed
// bytes, VerifyError on a failed check. The finals are returned unchecked beyond the
// final equation: the caller checks them against commitments.
inline BatchedSumcheckResult verify_batched(Transcript& t, std::span<const BatchedInstanceSpec> inst,
                                            std::span<const GoldilocksExt2> claims, ByteReader& rd) {
  using E = GoldilocksExt2;
  using namespace batched_detail;
  std::vector<std::size_t> vars, degs;
  for (const auto& i : inst) {
    vars.push_back(i.num_vars);
    degs.push_back(i.degree);
  }
  try {
    check_shapes(vars, degs, claims.size());
  } catch (const ArgumentError& e) {
    throw VerifyError(e.what());
  }
  const Start st = start(t, vars, degs, claims);
  const std::size_t n = st.n, D = st.D;
  const auto& lambda = st.lambda;
  E claim = st.claim;
  BatchedSumcheckResult out;
  out.point.assign(n, E::zero());
  for (std::size_t round = 0; round < n; ++round) {
    const auto sent = rd.fields<E>(D, "batched sumcheck value");
    std::vector<E> s{sent[0], claim - sent[0]};
    s.insert(s.end(), sent.begin() + 1, sent.end());
    t.absorb_fields<E>("batch/round", sent);
    const E ri = t.challenge_ext("batch/challenge");
    out.point[n - 1 - round] = ri;
    claim = interpolate_at<E>(s, ri);
  }
  std::size_t total = 0;
  for (const auto& i : inst) total += i.num_finals;
  const auto all = rd.fields<E>(total, "batched sumcheck final");
  t.absorb_fields<E>("batch/finals", all);
  E expect = E::zero();
  std::size_t at = 0;
  for (std::size_t i = 0; i < inst.size(); ++i) {
    out.finals.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(at),
                            all.begin() + static_cast<std::ptrdiff_t>(at + inst[i].num_finals));
    at += inst[i].num_finals;
    expect += lambda[i] * inst[i].expected(out.point_of(vars[i]), out.finals.back());
  }
  if (expect != claim) throw VerifyError("batched sumcheck: the final values do not give the last round's claim");
  return out;
}

}  // namespace vtensor
