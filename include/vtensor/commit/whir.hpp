// vtensor/commit/whir.hpp — a WHIR-family multilinear polynomial commitment over
// Goldilocks with SHA-256 Merkle trees (Arnon–Chiesa–Fenzi–Yogev 2024, "WHIR:
// Reed–Solomon Proximity Testing with Super-Fast Verification"), in the
// unique-decoding regime (whir_params.hpp gives the schedule and the bits).
//
// Conventions. A table t of 2^n base-field entries (hypercube evaluations, x_j =
// bit j of the index) is the multilinear f = t~. Its monomial coefficients c
// (Möbius transform) define F(X) = Σ_i c_i X^i with f(x) = F(X) on x_j = X^{2^j}:
// pow(X) = (X, X², X⁴, …). Folding binds the LOWEST variables first, which is the
// FRI fold F(X) = F_e(X²) + X F_o(X²) ↦ F_e + α F_o.
//
// Commit: codeword F on L_0 = <ω_0> (|L_0| = 2^{n+R}); Merkle leaf j holds the fiber
// of j under x ↦ x^{2^{k_0}}: the 2^{k_0} values F(ω_0^{j + s·|L_0|/2^{k_0}}).
//
// Open (claim f(z) = v), with weight w_0 = eq(z, ·) and σ_0 = v; iteration i:
//  1. k_i sumcheck rounds on Σ_b w_i(b) f_i(b) = σ_i (degree 2, lowest variable
//     first), challenges α; σ ← h(α), f_{i+1} = f_i(α, ·), w ← w_i(α, ·).
//  2. P commits f_{i+1} on L_{i+1} = L_i² (or, in the last iteration, sends its
//     2^{final_vars}-entry table in the clear).
//  3. V draws t_i fibers of T_i; P opens them (one Merkle multipath); V folds each
//     fiber with α to y_l = F_{i+1}(u_l), u_l = ω_i^{j_l 2^{k_i}}.
//  4. Not last: V draws γ; σ_{i+1} = σ + Σ_l γ^l y_l and
//     w_{i+1} = w + Σ_l γ^l eq(pow(u_l), ·) (WHIR's "weights help": the consistency
//     of T_{i+1} with the fold becomes part of the next sumcheck). Last: V checks
//     y_l = f_final(pow(u_l)) directly.
// Finally V checks σ = Σ_b w(b) f_final(b), evaluating the weight itself: every
// term is c · eq(p, ·) and Σ_b eq(p, (α…, b)) f(b) = eq(p_prefix, α…) · f_final~(p_rest).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vtensor/commit/detail/whir_kernels.hpp"
#include "vtensor/commit/whir_params.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/poly/ntt.hpp"
#include "vtensor/poly/reed_solomon.hpp"
#include "vtensor/sumcheck/proof.hpp"
#include "vtensor/sumcheck/round_poly.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

inline constexpr std::uint32_t kWhirMagic = 0x48575456;  // "VTWH"

namespace whir_detail {

using E = GoldilocksExt2;

// FRI fold of one fiber: values at x_j μ^s (μ of order 2^fold) → F_{folded}(x_j^{2^fold}).
template <class T>
E fold_fiber(std::span<const T> vals, Goldilocks omega, std::size_t log_domain, std::size_t j,
             std::span<const E> alpha) {
  const unsigned k = static_cast<unsigned>(alpha.size());
  const std::size_t size = std::size_t{1} << log_domain;
  std::vector<E> cur(vals.begin(), vals.end());
  // x^{-1} = ω^{size − j}, μ^{-1} = ω^{-stride}
  Goldilocks x_inv = omega.pow((size - j) % size);
  Goldilocks mu_inv = omega.pow(size - (size >> k));
  const Goldilocks half = Goldilocks::from_u64(2).inverse();
  for (unsigned r = 0; r < k; ++r) {
    const std::size_t m = cur.size() / 2;
    Goldilocks scale = half * x_inv;  // 1 / (2 x μ^s), s = 0
    for (std::size_t s = 0; s < m; ++s) {
      const E a = cur[s], b = cur[s + m];
      cur[s] = (a + b) * half + alpha[r] * ((a - b) * scale);
      scale = scale * mu_inv;
    }
    cur.resize(m);
    x_inv = x_inv.square();
    mu_inv = mu_inv.square();
  }
  return cur[0];
}

// pow(u) = (u, u², u⁴, …), n coordinates.
inline std::vector<E> pow_point(Goldilocks u, unsigned n) {
  std::vector<E> p(n);
  for (unsigned j = 0; j < n; ++j) {
    p[j] = E(u);
    u = u.square();
  }
  return p;
}

inline std::vector<std::uint64_t> sorted_unique(std::vector<std::uint64_t> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// The fibers opened in an iteration: sampled (sorted, distinct) or all of them.
inline std::vector<std::uint64_t> query_indices(Transcript& t, const WhirParams::Iteration& it) {
  if (it.opens_all()) {
    std::vector<std::uint64_t> all(it.num_fibers());
    for (std::uint64_t j = 0; j < all.size(); ++j) all[j] = j;
    return all;
  }
  return sorted_unique(t.challenge_indices("whir/queries", it.num_fibers(), it.queries));
}

inline void bind_statement(Transcript& t, const WhirParams& p, const Digest& root,
                           std::span<const std::vector<E>> points, std::span<const E> values) {
  t.absorb("whir/params", p.encode());
  t.absorb("whir/root", std::span<const std::uint8_t>(root.data(), Digest::kSize));
  t.absorb_u64("whir/num_points", points.size());
  for (const auto& z : points) t.absorb_fields<E>("whir/point", z);
  t.absorb_fields<E>("whir/values", values);
  if (!t.sealed()) t.seal_statement();
}

inline std::vector<E> powers(const E& beta, std::size_t m) {
  std::vector<E> out(m);
  E g = E::one();
  for (auto& x : out) {
    x = g;
    g *= beta;
  }
  return out;
}

}  // namespace whir_detail

namespace whir_detail {
inline constexpr std::size_t kMaxPoints = std::size_t{1} << 16;
template <class Fail>
void check_claims(const WhirParams& p, std::span<const std::vector<E>> points, std::span<const E> values, Fail&& fail) {
  if (points.empty() || points.size() > kMaxPoints) fail("the number of points must be in [1, 2^16]");
  if (points.size() != values.size()) fail("points and values differ in number");
  for (const auto& z : points)
    if (z.size() != p.num_vars) fail("a point has the wrong number of coordinates");
}
}  // namespace whir_detail

// What the prover keeps after committing: the table and the first tree.
struct WhirProverData {
  WhirParams params;
  std::vector<Goldilocks> table;
  std::vector<Goldilocks> fibers;  // codeword, fiber-major (empty when sent whole)
  MerkleTree tree;
};

struct WhirCommitment {
  Digest root;
};

class Whir {
 public:
  using E = GoldilocksExt2;
  using Params = WhirParams;
  using ProverData = WhirProverData;
  using Commitment = WhirCommitment;

  static std::pair<WhirCommitment, WhirProverData> commit(const WhirParams& params, std::span<const Goldilocks> table) {
    params.validate();
    if (table.size() != (std::size_t{1} << params.num_vars))
      throw ArgumentError("whir commit: table has " + std::to_string(table.size()) + " entries, params say 2^" +
                          std::to_string(params.num_vars));
    WhirProverData pd;
    pd.params = params;
    pd.table.assign(table.begin(), table.end());
    const auto sched = params.schedule();
    const unsigned fold = sched.empty() ? 0 : sched[0].fold;
    pd.fibers = whir_detail::encode_fibers<Goldilocks>(table, params.num_vars + params.log_inv_rate, fold);
    pd.tree = MerkleTree::from_rows<Goldilocks>(pd.fibers, std::size_t{1} << fold);
    return {WhirCommitment{pd.tree.root()}, std::move(pd)};
  }

  // Proves f(z) = v (v must be the true value; ArgumentError otherwise).
  static std::vector<std::uint8_t> open(const WhirProverData& pd, std::span<const E> z, const E& v, Transcript& t) {
    const std::vector<std::vector<E>> pts{std::vector<E>(z.begin(), z.end())};
    return open_many(pd, pts, std::span<const E>(&v, 1), t);
  }

  // Proves f(z_j) = v_j for every j in one proof: the claims are combined with
  // powers of a challenge β into one weighted sum (w_0 = Σ β^j eq(z_j, ·),
  // σ_0 = Σ β^j v_j), so the proof does not grow with the number of points.
  static std::vector<std::uint8_t> open_many(const WhirProverData& pd, std::span<const std::vector<E>> points,
                                             std::span<const E> values, Transcript& t) {
    using namespace whir_detail;
    const WhirParams& p = pd.params;
    check_claims(p, points, values, [](const std::string& m) { throw ArgumentError("whir open: " + m); });
    bind_statement(t, p, pd.tree.root(), points, values);
    const auto beta = powers(t.challenge_ext("whir/beta"), points.size());
    ByteWriter w;
    write_proof_header(w, kWhirMagic, E::kFieldId);
    w.bytes(p.encode());
    const auto sched = p.schedule();
    if (sched.empty()) {  // small: the table itself
      for (std::size_t j = 0; j < points.size(); ++j)
        if (mle_evaluate<E, Goldilocks>(pd.table, points[j]) != values[j])
          throw ArgumentError("whir open: the claimed value of point " + std::to_string(j) + " is wrong");
      w.fields<Goldilocks>(pd.table);
      return std::move(w).take();
    }
    std::vector<E> weight = eq_combination(points, beta, p.num_vars);
    E sigma = E::zero();
    for (std::size_t j = 0; j < points.size(); ++j) sigma += beta[j] * values[j];
    std::vector<E> f;  // current table (extension after the first fold)
    std::vector<E> fibers_ext;
    MerkleTree tree_ext;
    for (std::size_t i = 0; i < sched.size(); ++i) {
      const auto& it = sched[i];
      const bool last = i + 1 == sched.size();
      std::vector<E> alpha;
      for (unsigned r = 0; r < it.fold; ++r) {
        const auto h = i == 0 && r == 0 ? round_poly<Goldilocks>(weight, pd.table) : round_poly<E>(weight, f);
        // The first round's h(0) + h(1) is Σ_b w_0(b) f(b) = Σ β^j f(z_j): a wrong
        // claimed value shows here, for free (no separate evaluation pass).
        if (i == 0 && r == 0 && h[0] + h[1] != sigma)
          throw ArgumentError("whir open: a claimed value differs from the polynomial's value at its point");
        w.fields<E>(std::span<const E>(h));
        t.absorb_fields<E>("whir/sumcheck", std::span<const E>(h));
        const E a = t.challenge_ext("whir/alpha");
        alpha.push_back(a);
        f = i == 0 && r == 0 ? fold_low<Goldilocks>(pd.table, a) : fold_low<E>(f, a);
        weight = fold_low<E>(weight, a);
      }
      // Commit the folded function (or send it).
      std::vector<E> next_fibers;
      MerkleTree next_tree;
      if (!last) {
        const unsigned next_fold = sched[i + 1].fold;
        next_fibers = encode_fibers<E>(f, it.log_domain - 1, next_fold);
        next_tree = MerkleTree::from_rows<E>(next_fibers, std::size_t{1} << next_fold);
        w.bytes(std::span<const std::uint8_t>(next_tree.root().data(), Digest::kSize));
        t.absorb("whir/root", std::span<const std::uint8_t>(next_tree.root().data(), Digest::kSize));
      } else {
        w.fields<E>(f);
        t.absorb_fields<E>("whir/final", f);
      }
      // Queries on the current tree.
      const auto idx = query_indices(t, it);
      const std::size_t width = std::size_t{1} << it.fold;
      for (auto j : idx) {
        if (i == 0)
          w.fields<Goldilocks>(std::span<const Goldilocks>(pd.fibers.data() + j * width, width));
        else
          w.fields<E>(std::span<const E>(fibers_ext.data() + j * width, width));
      }
      (i == 0 ? pd.tree : tree_ext).open_multi(idx).encode(w);
      if (!last) {
        const E gamma = t.challenge_ext("whir/gamma");
        const Goldilocks omega = Goldilocks::root_of_unity(it.log_domain);
        std::vector<Goldilocks> us;
        for (auto j : idx) us.push_back(omega.pow(j << it.fold));
        add_query_weights(weight, us, gamma);
        fibers_ext = std::move(next_fibers);
        tree_ext = std::move(next_tree);
      }
    }
    return std::move(w).take();
  }

  // Throws DecodeError (malformed bytes) or VerifyError (a failed check).
  static void verify(const WhirParams& p, const WhirCommitment& c, std::span<const E> z, const E& v,
                     std::span<const std::uint8_t> proof, Transcript& t) {
    const std::vector<std::vector<E>> pts{std::vector<E>(z.begin(), z.end())};
    verify_many(p, c, pts, std::span<const E>(&v, 1), proof, t);
  }

  static void verify_many(const WhirParams& p, const WhirCommitment& c, std::span<const std::vector<E>> points,
                          std::span<const E> values, std::span<const std::uint8_t> proof, Transcript& t) {
    using namespace whir_detail;
    p.validate();
    check_claims(p, points, values, [](const std::string& m) { throw VerifyError("whir: " + m); });
    bind_statement(t, p, c.root, points, values);
    const auto beta = powers(t.challenge_ext("whir/beta"), points.size());
    ByteReader r(proof, "whir proof");
    read_proof_header(r, kWhirMagic, E::kFieldId);
    const auto params_bytes = p.encode();
    const auto got = r.bytes(params_bytes.size(), "parameters");
    if (!std::equal(got.begin(), got.end(), params_bytes.begin())) r.fail("parameters differ from the verifier's");
    const auto sched = p.schedule();
    if (sched.empty()) {
      const auto table = r.fields<Goldilocks>(std::size_t{1} << p.num_vars, "table entry");
      r.finish();
      const auto fib = encode_fibers<Goldilocks>(table, p.num_vars + p.log_inv_rate, 0);
      if (MerkleTree::from_rows<Goldilocks>(fib, 1).root() != c.root)
        throw VerifyError("whir: the sent table does not match the commitment");
      for (std::size_t j = 0; j < points.size(); ++j)
        if (mle_evaluate<E, Goldilocks>(table, points[j]) != values[j])
          throw VerifyError("whir: f(z_" + std::to_string(j) + ") differs from the claimed value");
      return;
    }
    // Weight terms c · eq(p, ·), p over the variables left when the term was added.
    struct Term {
      E coef;
      std::vector<E> point;
      std::size_t first_alpha;  // index into all_alpha where its binding starts
    };
    std::vector<Term> terms;
    E sigma = E::zero();
    for (std::size_t j = 0; j < points.size(); ++j) {
      terms.push_back({beta[j], points[j], 0});
      sigma += beta[j] * values[j];
    }
    std::vector<E> all_alpha;
    Digest root = c.root;
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
        const E a = t.challenge_ext("whir/alpha");
        alpha.push_back(a);
        all_alpha.push_back(a);
        sigma = interpolate_at<E>(h, a);
      }
      Digest next_root{};
      if (!last) {
        next_root = Digest::from_bytes(r.bytes(Digest::kSize, "whir root").data());
        t.absorb("whir/root", std::span<const std::uint8_t>(next_root.data(), Digest::kSize));
      } else {
        final_table = r.fields<E>(std::size_t{1} << p.final_vars, "whir final table entry");
        t.absorb_fields<E>("whir/final", final_table);
      }
      const auto idx = query_indices(t, it);
      const std::size_t width = std::size_t{1} << it.fold;
      const Goldilocks omega = Goldilocks::root_of_unity(it.log_domain);
      std::vector<Digest> leaf_hashes;
      std::vector<E> ys;
      for (auto j : idx) {
        if (i == 0) {
          const auto vals = r.fields<Goldilocks>(width, "whir leaf value");
          leaf_hashes.push_back(merkle_row_hash<Goldilocks>(vals));
          ys.push_back(fold_fiber<Goldilocks>(vals, omega, it.log_domain, j, alpha));
        } else {
          const auto vals = r.fields<E>(width, "whir leaf value");
          leaf_hashes.push_back(merkle_row_hash<E>(vals));
          ys.push_back(fold_fiber<E>(vals, omega, it.log_domain, j, alpha));
        }
      }
      const auto mp = MerkleMultiPath::decode(r);
      if (!merkle_verify_multi(root, it.log_domain - it.fold, idx, leaf_hashes, mp))
        throw VerifyError("whir: iteration " + std::to_string(i) + ": Merkle openings do not match the commitment");
      const unsigned n_next = it.vars_before - it.fold;
      if (!last) {
        const E gamma = t.challenge_ext("whir/gamma");
        E g = gamma;
        for (std::size_t l = 0; l < idx.size(); ++l) {
          sigma += g * ys[l];
          terms.push_back({g, pow_point(omega.pow(idx[l] << it.fold), n_next), all_alpha.size()});
          g *= gamma;
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
};

}  // namespace vtensor
