// vtensor/smdp.hpp — drift certificates ("structured model drift proofs"): a verifier
// holding only the commitments of a base and a fine-tuned model and a policy learns
// that every tensor changed only as the policy allows — frozen, norm-bounded,
// entry-bounded, low rank (with a bounded residual), sparse, or conjunctions — exactly,
// with no slack (docs/drift.md). The umbrella of the drift layer:
//
//   auto base = vtensor::commit_model_parts(params, base_source);    // once per checkpoint
//   auto tuned = vtensor::commit_model_parts(params, tuned_source);
//   auto policy = vtensor::smdp::Policy::from_json(text);
//   vtensor::smdp::ProveOptions opt;  opt.scale_log2 = 16;  opt.factors["q"] = {U, V};
//   auto cert = vtensor::smdp::prove({&base_source, &base}, {&tuned_source, &tuned}, policy, opt);
//   std::vector<std::uint8_t> bytes = cert.encode();                  // to the verifier
//
//   vtensor::smdp::Statement st = vtensor::smdp::statement(layout, params, base_commitment,
//                                                          tuned_commitment, 16, policy);
//   auto ok = vtensor::smdp::verify(st, bytes);                        // throws on rejection
//   ok.certificate.verdicts[t]                                         // what was proven
//
// The per-block pieces (constraints, plan, witness, lookups, batched sumchecks,
// bundles, model openings) are public headers under proofs/drift/, lookup/, sumcheck/
// and commit/ for code that composes its own certificates.
#pragma once

#include <span>
#include <vector>

#include "vtensor/certificate/certificate.hpp"
#include "vtensor/commit/model.hpp"
#include "vtensor/proofs/drift/constraints.hpp"
#include "vtensor/proofs/drift/policy.hpp"
#include "vtensor/proofs/drift/prover.hpp"
#include "vtensor/proofs/drift/verifier.hpp"
#include "vtensor/proofs/drift/zk_norm.hpp"

namespace vtensor::smdp {

using drift::CommittedModel;
using drift::LowRankFactors;
using drift::Policy;
using drift::PolicyError;
using drift::PolicyViolation;
using drift::ProveOptions;
using drift::Statement;
using drift::VerifiedCertificate;

// Proves that `tuned` differs from `base` only as `policy` allows (PolicyViolation,
// naming the tensor, when it does not).
inline Certificate prove(const CommittedModel& base, const CommittedModel& tuned, const Policy& policy,
                         const ProveOptions& options = {}) {
  return drift::prove_drift(base, tuned, policy, options);
}

// Checks certificate bytes against what the verifier holds; throws DecodeError or
// VerifyError on rejection. The returned verdicts are proven.
inline VerifiedCertificate verify(const Statement& statement, std::span<const std::uint8_t> certificate) {
  return drift::verify_drift(statement, certificate);
}

inline Statement statement(ModelLayout layout, const WhirParams& params, ModelCommitment base, ModelCommitment tuned,
                           int scale_log2, Policy policy, bool zero_knowledge = false) {
  Statement s;
  s.layout = std::move(layout);
  s.params = params;
  s.base = std::move(base);
  s.tuned = std::move(tuned);
  s.scale_log2 = scale_log2;
  s.policy = std::move(policy);
  s.zero_knowledge = zero_knowledge;
  return s;
}

}  // namespace vtensor::smdp
