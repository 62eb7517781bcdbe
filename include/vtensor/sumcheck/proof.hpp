// vtensor/sumcheck/proof.hpp — the sumcheck proof object and its wire format.
//
// Wire format (docs/sumcheck.md), all integers little-endian:
//   u32 magic "VTSC" (0x43535456) ‖ u16 wire version ‖ u16 field id of E
//   ‖ u32 num_vars n ‖ u32 round degree D ‖ u32 arity k
//   ‖ n × (D+1) elements of E: s_t(0), …, s_t(D) for rounds t = 0 … n−1
//   ‖ k elements of E: f_1(r), …, f_k(r)
// Every length is fixed by (n, D, k); the decoder checks them against what the
// verifier expects, rejects non-canonical elements, truncation and trailing bytes.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "vtensor/config.hpp"
#include "vtensor/io/bytes.hpp"

namespace vtensor {

inline constexpr std::uint32_t kSumcheckMagic = 0x43535456;  // "VTSC"
inline constexpr std::uint32_t kSumcheckMaxVars = 48;
inline constexpr std::uint32_t kSumcheckMaxDegree = 16;
inline constexpr std::uint32_t kSumcheckMaxArity = 16;

// Common header of every standalone proof object: magic ‖ u16 wire version ‖ u16 field id.
inline void write_proof_header(ByteWriter& w, std::uint32_t magic, std::uint16_t field_id) {
  w.u32(magic);
  w.u16(static_cast<std::uint16_t>(kWireVersion));
  w.u16(field_id);
}
inline void read_proof_header(ByteReader& r, std::uint32_t magic, std::uint16_t field_id) {
  r.expect_u32(magic, "magic");
  r.expect_u16(static_cast<std::uint16_t>(kWireVersion), "wire version");
  r.expect_u16(field_id, "field id");
}

template <class E>
struct SumcheckProof {
  std::uint32_t degree = 0;                    // D: values per round are s(0..D)
  std::vector<std::vector<E>> rounds;          // n rounds × (D+1)
  std::vector<E> finals;                       // f_j(r), j < k

  std::size_t num_vars() const { return rounds.size(); }

  // Body only (no header): used when embedded in a larger proof.
  void write_body(ByteWriter& w) const {
    for (const auto& s : rounds) w.fields<E>(s);
    w.fields<E>(finals);
  }
  static SumcheckProof read_body(ByteReader& r, std::uint32_t n, std::uint32_t degree, std::uint32_t arity) {
    SumcheckProof p;
    p.degree = degree;
    p.rounds.reserve(n);
    for (std::uint32_t t = 0; t < n; ++t) p.rounds.push_back(r.fields<E>(degree + 1, "sumcheck round value"));
    p.finals = r.fields<E>(arity, "sumcheck final evaluation");
    return p;
  }

  std::vector<std::uint8_t> to_bytes() const {
    ByteWriter w;
    write_proof_header(w, kSumcheckMagic, E::kFieldId);
    w.u32(static_cast<std::uint32_t>(rounds.size()));
    w.u32(degree);
    w.u32(static_cast<std::uint32_t>(finals.size()));
    write_body(w);
    return std::move(w).take();
  }

  // Decodes a standalone proof and checks that its shape is the one the verifier
  // expects (n variables, round degree D, arity k).
  static SumcheckProof from_bytes(std::span<const std::uint8_t> bytes, std::uint32_t n, std::uint32_t degree,
                                  std::uint32_t arity) {
    ByteReader r(bytes, "sumcheck proof");
    read_proof_header(r, kSumcheckMagic, E::kFieldId);
    const std::uint32_t got_n = r.u32();
    const std::uint32_t got_d = r.u32();
    const std::uint32_t got_k = r.u32();
    if (got_n > kSumcheckMaxVars || got_d > kSumcheckMaxDegree || got_k > kSumcheckMaxArity)
      r.fail("header exceeds caps (num_vars " + std::to_string(got_n) + ", degree " + std::to_string(got_d) +
             ", arity " + std::to_string(got_k) + ")");
    if (got_n != n || got_d != degree || got_k != arity)
      r.fail("shape (" + std::to_string(got_n) + ", " + std::to_string(got_d) + ", " + std::to_string(got_k) +
             ") differs from the statement's (" + std::to_string(n) + ", " + std::to_string(degree) + ", " +
             std::to_string(arity) + ")");
    SumcheckProof p = read_body(r, n, degree, arity);
    r.finish();
    return p;
  }
};

// Proofs of the form "a claimed value v, then a sumcheck about it" (matmul,
// Hadamard): magic ‖ u16 wire version ‖ u16 field id ‖ v ‖ sumcheck body.
template <class E>
std::vector<std::uint8_t> write_claimed_sumcheck(std::uint32_t magic, const E& v, const SumcheckProof<E>& proof) {
  ByteWriter w;
  write_proof_header(w, magic, E::kFieldId);
  w.field(v);
  proof.write_body(w);
  return std::move(w).take();
}
template <class E>
struct ClaimedSumcheck {
  E claim;
  SumcheckProof<E> proof;
};
template <class E>
ClaimedSumcheck<E> read_claimed_sumcheck(std::span<const std::uint8_t> bytes, const char* what, std::uint32_t magic,
                                         std::uint32_t n, std::uint32_t degree, std::uint32_t arity) {
  ByteReader r(bytes, what);
  read_proof_header(r, magic, E::kFieldId);
  ClaimedSumcheck<E> out;
  out.claim = r.field<E>("claimed value");
  out.proof = SumcheckProof<E>::read_body(r, n, degree, arity);
  r.finish();
  return out;
}

// What a sumcheck verifier hands on: the random point r (variable order x_0 …
// x_{n-1}) and the claimed values f_j~(r) it has NOT checked — the caller must
// check each against a commitment opening (or, for tests, the tables themselves).
template <class E>
struct SumcheckClaims {
  std::vector<E> point;
  std::vector<E> values;
};

}  // namespace vtensor
