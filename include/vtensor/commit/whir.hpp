// vtensor/commit/whir.hpp — a WHIR-family multilinear polynomial commitment over
// Goldilocks with SHA-256 Merkle trees (Arnon–Chiesa–Fenzi–Yogev 2024, "WHIR:
// Reed–Solomon Proximity Testing with Super-Fast Verification"), with unique-decoding,
// Johnson-bound and capacity parameter sets (whir_params.hpp gives the schedule and
// the bits of every term; docs/commitment.md the formulas and the wire format).
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
// Open P committed polynomials f_1..f_P at m common points z_l (claims v_{j,l}):
//  0. s_0 OOD points ζ; P sends f_j(pow(ζ)). (P > 1: grinding, then μ; the rest
//     runs on f = Σ_j μ^j f_j, its codeword the same combination of the f_j's.)
//     β combines every claim into one weight w_0 = Σ β^l eq(z_l, ·) + Σ β^{m+s} eq(pow(ζ_s), ·)
//     and σ_0 = Σ β^l v_l + Σ β^{m+s} f(pow(ζ_s)).
//  Iteration i:
//  1. k_i sumcheck rounds on Σ_b w_i(b) f_i(b) = σ_i (degree 2, lowest variable
//     first); before each challenge α the prover grinds pow_bits_i.
//  2. P commits f_{i+1} = f_i(α, ·) on L_{i+1}, then s_{i+1} OOD points ζ are drawn
//     and P sends f_{i+1}(pow(ζ)); in the last iteration P sends f_{i+1}'s table.
//  3. V draws t_i fibers of T_i (of each T_j at i = 0); P opens them (one Merkle
//     multipath per tree); V folds each fiber with α to y_l = F_{i+1}(u_l),
//     u_l = ω_i^{j_l 2^{k_i}}.
//  4. Not last: V draws γ; σ_{i+1} = σ + Σ_l γ^{l+1} y_l + Σ_s γ^{t+s+1} ood_s and
//     w_{i+1} = w + Σ_l γ^{l+1} eq(pow(u_l), ·) + Σ_s γ^{t+s+1} eq(pow(ζ_s), ·).
//     Last: V checks y_l = f_final~(pow(u_l)).
// Finally V checks σ = Σ_b w(b) f_final(b), evaluating the weight itself: every
// term is c · eq(p, ·) and Σ_b eq(p, (α…, b)) f(b) = eq(p_prefix, α…) · f_final~(p_rest).
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "vtensor/commit/detail/whir_protocol.hpp"
#include "vtensor/commit/detail/whir_random.hpp"
#include "vtensor/layout/hypercube.hpp"
#include "vtensor/tensor/tensor_view.hpp"

namespace vtensor {

namespace whir_detail {
class FirstIteration;
}

inline constexpr std::uint32_t kWhirMagic = 0x48575456;  // "VTWH"

// What the prover keeps after committing: the table and the first tree. In hiding
// mode the table is the masked f̂ and every codeword row ends in a 2-element salt.
struct WhirProverData {
  WhirParams params;
  std::vector<Goldilocks> table;
  std::vector<Goldilocks> fibers;  // codeword, fiber-major (empty when sent whole)
  MerkleTree tree;
  unsigned row_salt = 0;                    // salt elements after each row (hiding: 2)
  mutable std::size_t openings_done = 0;    // hiding: openings spent of params.hiding_openings
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
    if (params.hiding_openings > 0) {  // f̂: f on y = 0, uniform random elsewhere
      const auto mask = whir_detail::csprng_fields((std::size_t{1} << params.committed_vars()) - table.size());
      pd.table.insert(pd.table.end(), mask.begin(), mask.end());
    }
    encode_and_hash(pd);
    return {WhirCommitment{pd.tree.root()}, std::move(pd)};
  }

  // Commits a tensor view's MLE: its padded hypercube table (docs/layout.md: the
  // last dimension owns the lowest variables, padding is zero). params.num_vars must
  // be the view's number of variables (HypercubeMap::of(view.layout()).num_vars()).
  template <class T, Layout L>
  static std::pair<WhirCommitment, WhirProverData> commit(const WhirParams& params, const TensorView<T, L>& view) {
    const auto table = pad_to_hypercube(view);
    return commit(params, std::span<const Goldilocks>(table.data(), table.size()));
  }

  // Codeword rows and tree of pd.table (salted rows in hiding mode).
  static void encode_and_hash(WhirProverData& pd) {
    const auto sched = pd.params.schedule();
    const unsigned fold = sched.empty() ? 0 : sched[0].fold;
    const std::size_t width = std::size_t{1} << fold;
    pd.fibers = whir_detail::encode_fibers<Goldilocks>(pd.table, pd.params.committed_vars() + pd.params.log_inv_rate, fold);
    pd.row_salt = pd.params.hiding_openings > 0 ? whir_detail::kRowSalt : 0;
    if (pd.row_salt > 0) pd.fibers = whir_detail::salt_rows(pd.fibers, width);
    pd.tree = MerkleTree::from_rows<Goldilocks>(pd.fibers, width + pd.row_salt);
  }

  // Proves f(z) = v (v must be the true value; ArgumentError otherwise).
  static std::vector<std::uint8_t> open(const WhirProverData& pd, std::span<const E> z, const E& v, Transcript& t) {
    const std::vector<std::vector<E>> pts{std::vector<E>(z.begin(), z.end())};
    return open_many(pd, pts, std::span<const E>(&v, 1), t);
  }
  static void verify(const WhirParams& p, const WhirCommitment& c, std::span<const E> z, const E& v,
                     std::span<const std::uint8_t> proof, Transcript& t) {
    const std::vector<std::vector<E>> pts{std::vector<E>(z.begin(), z.end())};
    verify_many(p, c, pts, std::span<const E>(&v, 1), proof, t);
  }

  // Proves f(z_l) = v_l for every l in one proof: the claims are combined with
  // powers of a challenge β into one weighted sum, so the proof does not grow with
  // the number of points.
  static std::vector<std::uint8_t> open_many(const WhirProverData& pd, std::span<const std::vector<E>> points,
                                             std::span<const E> values, Transcript& t) {
    if (pd.params.hiding_openings > 0) return open_hiding(pd, points, values, t);
    const WhirProverData* pds[1] = {&pd};
    const std::vector<std::vector<E>> vals{std::vector<E>(values.begin(), values.end())};
    return open_batch(pds, points, vals, t);
  }
  static void verify_many(const WhirParams& p, const WhirCommitment& c, std::span<const std::vector<E>> points,
                          std::span<const E> values, std::span<const std::uint8_t> proof, Transcript& t) {
    if (p.hiding_openings > 0) return verify_hiding(p, c, points, values, proof, t);
    const std::vector<std::vector<E>> vals{std::vector<E>(values.begin(), values.end())};
    verify_batch(p, std::span<const WhirCommitment>(&c, 1), points, vals, proof, t);
  }

  // Several commitments (same parameters) opened at common points in one proof:
  // values[j][l] = f_j(z_l). Only the first iteration's openings grow with the
  // number of polynomials; everything after runs on their random combination.
  static std::vector<std::uint8_t> open_batch(std::span<const WhirProverData* const> pds,
                                              std::span<const std::vector<E>> points,
                                              std::span<const std::vector<E>> values, Transcript& t);
  // The same proof from polynomials held elsewhere (a streamed model commitment): the
  // first iteration comes from `first` (commit/detail/whir_prover.hpp), roots[j] is
  // polynomial j's commitment; the bytes are open_batch's.
  static std::vector<std::uint8_t> open_batch_with(whir_detail::FirstIteration& first, const WhirParams& p,
                                                   std::span<const Digest> roots,
                                                   std::span<const std::vector<E>> points,
                                                   std::span<const std::vector<E>> values, Transcript& t);
  // Throws DecodeError (malformed bytes) or VerifyError (a failed check).
  static void verify_batch(const WhirParams& p, std::span<const WhirCommitment> cs,
                           std::span<const std::vector<E>> points, std::span<const std::vector<E>> values,
                           std::span<const std::uint8_t> proof, Transcript& t);

  // Hiding mode only: opens the committed f̂ itself at points of committed_vars()
  // coordinates, mask coordinates included. A zero-knowledge protocol's final claims
  // sit at such points with random mask coordinates, where f̂ is masked by its random
  // half (sumcheck/zk.hpp); each revealed value spends one more of the mask's
  // dimensions, which hiding_openings must budget for (docs/zk.md).
  static std::vector<std::uint8_t> open_hiding_masked(const WhirProverData& pd, std::span<const std::vector<E>> points,
                                                      std::span<const E> values, Transcript& t);
  static void verify_hiding_masked(const WhirParams& p, const WhirCommitment& c,
                                   std::span<const std::vector<E>> points, std::span<const E> values,
                                   std::span<const std::uint8_t> proof, Transcript& t);

 private:
  static std::vector<std::uint8_t> open_hiding_impl(const WhirProverData& pd, const std::vector<std::vector<E>>& ext,
                                                    std::span<const E> values, Transcript& t);
  static void verify_hiding_impl(const WhirParams& p, const WhirCommitment& c, std::span<const std::vector<E>> points,
                                 bool masked, std::span<const E> values, std::span<const std::uint8_t> proof,
                                 Transcript& t);
  // Hiding mode (detail/whir_hiding.hpp): a fresh random mask ĝ is committed in the
  // proof, and f̂ and ĝ are batch-opened at (z, 0^e); everything after the first
  // iteration is about f̂ + μĝ, a uniformly random polynomial.
  static std::vector<std::uint8_t> open_hiding(const WhirProverData& pd, std::span<const std::vector<E>> points,
                                               std::span<const E> values, Transcript& t);
  static void verify_hiding(const WhirParams& p, const WhirCommitment& c, std::span<const std::vector<E>> points,
                            std::span<const E> values, std::span<const std::uint8_t> proof, Transcript& t);
};

}  // namespace vtensor

#include "vtensor/commit/detail/whir_hiding.hpp"
#include "vtensor/commit/detail/whir_prover.hpp"
#include "vtensor/commit/detail/whir_verifier.hpp"
