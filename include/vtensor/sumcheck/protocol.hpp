// vtensor/sumcheck/protocol.hpp — a standalone, byte-level sumcheck proof.
//
// Statement: "Σ_{x ∈ {0,1}^n} [eq(w, x)] · g(f_1(x), …, f_k(x)) = claim" for tables
// f_j that the context bytes name (typically their commitment roots). The prover
// returns bytes; the verifier takes the statement and the bytes, and returns the
// claims f_j~(r) = v_j it has not checked (to be checked against openings).
// Transcript: protocol "vtensor/sumcheck" v1, field id of E; statement = g's id,
// arity, degree, n, claim, w, context — all absorbed before the first challenge.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vtensor/sumcheck/prover.hpp"
#include "vtensor/sumcheck/verifier.hpp"

namespace vtensor {

inline constexpr std::string_view kSumcheckProtocolId = "vtensor/sumcheck";
inline constexpr std::uint32_t kSumcheckProtocolVersion = 1;

template <class E = GoldilocksExt2>
struct SumStatement {
  std::uint32_t num_vars = 0;
  E claim{};
  std::vector<E> eq_point;             // empty: a plain sum
  std::vector<std::uint8_t> context;   // what the tables are (roots, names, shapes)

  template <Composition G>
  Transcript open_transcript() const {
    Transcript t(kSumcheckProtocolId, kSumcheckProtocolVersion, E::kFieldId);
    const std::string_view id = G::kId;
    t.absorb("statement/composition", {reinterpret_cast<const std::uint8_t*>(id.data()), id.size()});
    t.absorb_u64("statement/arity", G::kArity);
    t.absorb_u64("statement/degree", G::kDegree);
    t.absorb_u64("statement/num_vars", num_vars);
    t.absorb_field("statement/claim", claim);
    t.absorb_u64("statement/has_eq", eq_point.empty() ? 0 : 1);
    t.absorb_fields<E>("statement/eq_point", eq_point);
    t.absorb("statement/context", context);
    t.seal_statement();
    return t;
  }
};

// Proves the statement; throws ArgumentError if the tables do not satisfy it.
template <Composition G, Field In, Field E>
  requires ExtensionOf<E, In>
std::vector<std::uint8_t> prove_sum(const SumStatement<E>& st, std::array<std::span<const In>, G::kArity> tables) {
  SumcheckProver<G, In, E> prover(tables, std::span<const E>(st.eq_point));
  if (prover.num_vars() != st.num_vars) throw ArgumentError("prove_sum: tables do not have 2^num_vars entries");
  if (prover.claimed_sum() != st.claim) throw ArgumentError("prove_sum: the tables do not sum to the claim");
  Transcript t = st.template open_transcript<G>();
  return prover.prove(t).proof.to_bytes();
}

// Decodes and verifies; throws DecodeError or VerifyError. The returned claims
// are what remains to be checked against the tables' commitments.
template <Composition G, Field E>
SumcheckClaims<E> verify_sum(const SumStatement<E>& st, std::span<const std::uint8_t> proof_bytes) {
  if (st.num_vars > kSumcheckMaxVars) throw VerifyError("sumcheck: statement has too many variables");
  const std::uint32_t degree = static_cast<std::uint32_t>(G::kDegree + (st.eq_point.empty() ? 0 : 1));
  const auto proof = SumcheckProof<E>::from_bytes(proof_bytes, st.num_vars, degree, G::kArity);
  Transcript t = st.template open_transcript<G>();
  return sumcheck_verify<G, E>(t, st.num_vars, st.claim, st.eq_point, proof);
}

}  // namespace vtensor
