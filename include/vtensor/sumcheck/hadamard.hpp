// vtensor/sumcheck/hadamard.hpp — sumcheck for a Hadamard (entrywise) product C = A ∘ B.
//
// For z ∈ E^n drawn after the statement,
//   C~(z) = Σ_{x ∈ {0,1}^n} eq(z, x) · A(x) · B(x),
// a sumcheck of degree 3 with the eq factor handled by the engine (split eq
// tables, never materialised). The prover sends v = C~(z); the verifier ends with
// C~(z) = v, A~(r) = a, B~(r) = b to check against commitments. Error:
// 3n/|E| (sumcheck) + n/|E| (Schwartz–Zippel on C − A∘B).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/sumcheck/prover.hpp"
#include "vtensor/sumcheck/verifier.hpp"

namespace vtensor {

inline constexpr std::uint32_t kHadamardMagic = 0x4D485456;  // "VTHM"
inline constexpr std::string_view kHadamardProtocolId = "vtensor/hadamard";

struct HadamardStatement {
  std::uint64_t size = 0;             // entries of A, B and C (padded to 2^n by zeros)
  std::vector<std::uint8_t> context;  // commitments of A, B, C
};

template <class E = GoldilocksExt2>
struct HadamardClaims {
  std::vector<E> z, r;  // C's point, and the point for A and B
  E c_value{}, a_value{}, b_value{};
};

namespace detail {
template <class E>
Transcript hadamard_transcript(const HadamardStatement& st, std::vector<E>& z) {
  if (st.size == 0 || st.size > (std::uint64_t{1} << kSumcheckMaxVars))
    throw ArgumentError("hadamard: size must be in [1, 2^48]");
  Transcript t(kHadamardProtocolId, 1, E::kFieldId);
  t.absorb_u64("statement/size", st.size);
  t.absorb("statement/context", st.context);
  t.seal_statement();
  z = t.challenge_exts("hadamard/z", log2_ceil(st.size));
  return t;
}
}  // namespace detail

// Proof bytes: magic "VTHM" ‖ u16 wire version ‖ u16 field id ‖ v ‖ sumcheck body
// (n rounds × 4 values, then a and b).
template <Field F, Field E = GoldilocksExt2>
  requires ExtensionOf<E, F>
std::vector<std::uint8_t> prove_hadamard(const HadamardStatement& st, std::span<const F> a, std::span<const F> b) {
  if (a.size() != st.size || b.size() != st.size)
    throw ArgumentError("prove_hadamard: A or B does not have the statement's size");
  std::vector<E> z;
  Transcript t = detail::hadamard_transcript<E>(st, z);
  std::vector<F> pa, pb;  // zero padding only when the size is not a power of two
  std::span<const F> sa = a, sb = b;
  if (!is_power_of_two(st.size)) {
    const std::size_t padded = std::size_t{1} << log2_ceil(st.size);
    pa.assign(a.begin(), a.end());
    pb.assign(b.begin(), b.end());
    pa.resize(padded, F::zero());
    pb.resize(padded, F::zero());
    sa = pa;
    sb = pb;
  }
  SumcheckProver<ProductOf<2>, F, E> prover({sa, sb}, std::span<const E>(z));
  const E v = prover.claimed_sum();
  t.absorb_field("hadamard/claim", v);
  return write_claimed_sumcheck(kHadamardMagic, v, prover.prove(t).proof);
}

template <class E = GoldilocksExt2>
HadamardClaims<E> verify_hadamard(const HadamardStatement& st, std::span<const std::uint8_t> bytes) {
  HadamardClaims<E> c;
  Transcript t = detail::hadamard_transcript<E>(st, c.z);
  const std::uint32_t n = log2_ceil(st.size);
  const auto cs = read_claimed_sumcheck<E>(bytes, "hadamard proof", kHadamardMagic, n, 3, 2);
  c.c_value = cs.claim;
  t.absorb_field("hadamard/claim", c.c_value);
  auto red = sumcheck_verify<ProductOf<2>, E>(t, n, c.c_value, c.z, cs.proof);
  c.r = std::move(red.point);
  c.a_value = red.values[0];
  c.b_value = red.values[1];
  return c;
}

}  // namespace vtensor
