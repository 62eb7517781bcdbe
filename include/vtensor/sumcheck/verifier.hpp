// vtensor/sumcheck/verifier.hpp — the generic sumcheck verifier.
//
// For each round t (binding variable v = n−1−t) it checks
//   s_t(0) + s_t(1) = claim_t,     then   claim_{t+1} = s_t(r_t)
// computed itself by interpolation, with r_t drawn from the transcript after s_t is
// absorbed. At the end it checks claim_n = eq(w, r) · g(f_1(r), …, f_k(r)) with
// eq(w, r) computed itself (1 without an eq factor), and hands the values f_j(r)
// back as claims still to be checked against commitments. Soundness error
// ≤ n·D / |E| (Schwartz–Zippel per round, union bound); D ≤ 16, n ≤ 48,
// |E| ≈ 2^128: below 2^-118.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "vtensor/field/concepts.hpp"
#include "vtensor/error.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/sumcheck/composition.hpp"
#include "vtensor/sumcheck/proof.hpp"
#include "vtensor/sumcheck/round_poly.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

// Throws VerifyError naming the failed check. The transcript must be in the same
// state as the prover's when it started the sumcheck.
template <Composition G, Field E = GoldilocksExt2>
SumcheckClaims<E> sumcheck_verify(Transcript& t, std::size_t num_vars, E claim, std::span<const E> eq_point,
                                  const SumcheckProof<E>& proof) {
  const std::size_t degree = G::kDegree + (eq_point.empty() ? 0 : 1);
  if (!eq_point.empty() && eq_point.size() != num_vars)
    throw VerifyError("sumcheck: eq point has " + std::to_string(eq_point.size()) + " coordinates, expected " +
                      std::to_string(num_vars));
  if (proof.rounds.size() != num_vars || (num_vars > 0 && proof.degree != degree) || proof.finals.size() != G::kArity)
    throw VerifyError("sumcheck: proof shape differs from the statement");
  SumcheckClaims<E> out;
  out.point.assign(num_vars, E::zero());
  for (std::size_t round = 0; round < num_vars; ++round) {
    const std::vector<E>& s = proof.rounds[round];
    if (s.size() != degree + 1) throw VerifyError("sumcheck: round " + std::to_string(round) + " has wrong length");
    if (s[0] + s[1] != claim)
      throw VerifyError("sumcheck: round " + std::to_string(round) + ": s(0) + s(1) differs from the claim");
    t.absorb_fields<E>("sumcheck/round", s);
    const E r = t.challenge_ext("sumcheck/challenge");
    out.point[num_vars - 1 - round] = r;
    claim = interpolate_at<E>(s, r);
  }
  t.absorb_fields<E>("sumcheck/finals", proof.finals);
  std::array<E, G::kArity> y;
  for (std::size_t j = 0; j < G::kArity; ++j) y[j] = proof.finals[j];
  E expect = G::eval(y);
  if (!eq_point.empty()) expect = expect * eq_eval<E>(eq_point, out.point);
  if (expect != claim) throw VerifyError("sumcheck: final evaluation g(f(r)) differs from the last round's claim");
  out.values = proof.finals;
  return out;
}

}  // namespace vtensor
