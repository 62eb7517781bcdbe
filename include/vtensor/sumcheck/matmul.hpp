// vtensor/sumcheck/matmul.hpp — Thaler's sumcheck for a matrix product C = A·B.
//
// A is m×k, B is k×n, C is m×n, row-major, padded to powers of two by their MLEs
// (docs/layout.md). For rx ∈ E^{log m}, ry ∈ E^{log n} drawn after the statement:
//   C~(rx, ry) = Σ_{j ∈ {0,1}^{log k}} A~(rx, j) · B~(j, ry),
// a degree-2 sumcheck over log k variables on the tables a_j = A~(rx, j) and
// b_j = B~(j, ry) (computed in O(mk + kn)). The prover sends v = C~(rx, ry); the
// verifier ends with three claims to check against commitments:
//   C~(rx, ry) = v,   A~(rx, r) = a,   B~(r, ry) = b.
// Points are given in each matrix's variable order: column variables low, row
// variables high (so A's point is r ‖ rx, B's is ry ‖ r, C's is ry ‖ rx).
// Error: 2·log k / |E| for the sumcheck plus log(mn)/|E| for Schwartz–Zippel on
// C − A·B: below 2^-120 for any shapes that fit in memory.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/sumcheck/prover.hpp"
#include "vtensor/sumcheck/verifier.hpp"

namespace vtensor {

inline constexpr std::uint32_t kMatmulMagic = 0x4D4D5456;  // "VTMM"
inline constexpr std::string_view kMatmulProtocolId = "vtensor/matmul";

struct MatmulStatement {
  std::uint64_t m = 0, k = 0, n = 0;
  std::vector<std::uint8_t> context;  // commitments of A, B, C (opaque here)
};

template <class E = GoldilocksExt2>
struct MatmulClaims {
  std::vector<E> rx, ry, r;  // row point of C/A, column point of C/B, inner point
  E c_value{}, a_value{}, b_value{};
  std::vector<E> point_a() const { return concat(r, rx); }
  std::vector<E> point_b() const { return concat(ry, r); }
  std::vector<E> point_c() const { return concat(ry, rx); }

 private:
  static std::vector<E> concat(const std::vector<E>& lo, const std::vector<E>& hi) {
    std::vector<E> p(lo);
    p.insert(p.end(), hi.begin(), hi.end());
    return p;
  }
};

namespace detail {
template <class E>
Transcript matmul_transcript(const MatmulStatement& st, std::vector<E>& rx, std::vector<E>& ry) {
  constexpr std::uint64_t kMaxDim = std::uint64_t{1} << 32;
  if (st.m == 0 || st.k == 0 || st.n == 0 || st.m > kMaxDim || st.k > kMaxDim || st.n > kMaxDim)
    throw ArgumentError("matmul: dimensions must be in [1, 2^32]");
  Transcript t(kMatmulProtocolId, 1, E::kFieldId);
  t.absorb_u64("statement/m", st.m);
  t.absorb_u64("statement/k", st.k);
  t.absorb_u64("statement/n", st.n);
  t.absorb("statement/context", st.context);
  t.seal_statement();
  rx = t.challenge_exts("matmul/rx", log2_ceil(st.m));
  ry = t.challenge_exts("matmul/ry", log2_ceil(st.n));
  return t;
}
}  // namespace detail

// Proof bytes: magic "VTMM" ‖ u16 wire version ‖ u16 field id ‖ v ‖ sumcheck body
// (log k rounds × 3 values, then a and b).
template <Field F, Field E = GoldilocksExt2>
  requires ExtensionOf<E, F>
std::vector<std::uint8_t> prove_matmul(const MatmulStatement& st, std::span<const F> a, std::span<const F> b) {
  if (a.size() != st.m * st.k || b.size() != st.k * st.n)
    throw ArgumentError("prove_matmul: A or B does not match the statement's shape");
  std::vector<E> rx, ry;
  Transcript t = detail::matmul_transcript<E>(st, rx, ry);
  const std::vector<E> ta = bind_rows<E, F>(a, st.m, st.k, rx);  // A~(rx, ·)
  const std::vector<E> tb = bind_cols<E, F>(b, st.k, st.n, ry);  // B~(·, ry)
  SumcheckProver<ProductOf<2>, E, E> prover({std::span<const E>(ta), std::span<const E>(tb)});
  const E v = prover.claimed_sum();
  t.absorb_field("matmul/claim", v);
  return write_claimed_sumcheck(kMatmulMagic, v, prover.prove(t).proof);
}

template <class E = GoldilocksExt2>
MatmulClaims<E> verify_matmul(const MatmulStatement& st, std::span<const std::uint8_t> bytes) {
  MatmulClaims<E> c;
  Transcript t = detail::matmul_transcript<E>(st, c.rx, c.ry);
  const std::uint32_t nk = log2_ceil(st.k);
  const auto cs = read_claimed_sumcheck<E>(bytes, "matmul proof", kMatmulMagic, nk, 2, 2);
  c.c_value = cs.claim;
  t.absorb_field("matmul/claim", c.c_value);
  auto red = sumcheck_verify<ProductOf<2>, E>(t, nk, c.c_value, {}, cs.proof);
  c.r = std::move(red.point);
  c.a_value = red.values[0];
  c.b_value = red.values[1];
  return c;
}

}  // namespace vtensor
