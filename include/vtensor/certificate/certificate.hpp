// vtensor/certificate/certificate.hpp — the drift certificate as bytes: what it is about
// (protocol, field, hash, both model commitments, layout and policy digests, scale,
// parameters), a verdict per tensor, and the proof body. docs/certificate-format.md is
// the normative description; this header implements it.
//
//   u32 magic "VTDC" ‖ u16 format version (1) ‖ u16 protocol version ‖ u16 field id (2)
//   ‖ u16 hash id (1 = SHA-256) ‖ u8 mode (0 plain, 1 zero knowledge) ‖ u8 0
//   ‖ 32 B layout digest ‖ 32 B policy digest ‖ i32 scale log2 ‖ 40 B model WHIR parameters
//   ‖ u32 length ‖ base ModelCommitment ‖ u32 length ‖ tuned ModelCommitment
//   ‖ u32 tensor count ‖ per tensor (layout order) a verdict ‖ u64 body length ‖ body.
// Verdict: u8 mask (1 frozen, 2 norm, 4 entry, 8 low rank, 16 sparse, 32 projection;
// frozen alone or any of the others) and, in mask order, the constraint's parameters
// and certified values:
//   norm:       u64 bound ⌊(τ 2^s)²⌋ ‖ u8 range bits ‖ [plain mode: u64 Σ Δ² certified]
//   entry:      u64 ε_q
//   low rank:   u32 rank ‖ u8 factor bits ‖ u64 residual bound e_q
//   sparse:     u64 slots s
//   projection: u64 bound ⌊(τ 2^s)²⌋ ‖ u32 projections k ‖ [plain: u128 Σ_j y_j² (u64 lo, u64 hi)]
// Decoding is length-exact, capped (2^20 tensors, 2^32 body bytes) and canonical:
// every accepted byte string is the encoding of the certificate it decodes to.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vtensor/commit/model_parts.hpp"
#include "vtensor/commit/whir_params.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/hash/sha256.hpp"
#include "vtensor/io/bytes.hpp"

namespace vtensor {

inline constexpr std::uint32_t kCertificateMagic = 0x43445456;  // "VTDC"
inline constexpr std::uint16_t kCertificateFormat = 1;
inline constexpr std::uint16_t kDriftProtocolVersion = 1;
inline constexpr std::uint16_t kHashSha256 = 1;
inline constexpr std::size_t kCertificateMaxTensors = std::size_t{1} << 20;
inline constexpr std::uint64_t kCertificateMaxBody = std::uint64_t{1} << 32;

enum VerdictBits : std::uint8_t {
  kVerdictFrozen = 1,
  kVerdictNorm = 2,
  kVerdictEntry = 4,
  kVerdictLowRank = 8,
  kVerdictSparse = 16,
  kVerdictProjection = 32,
};

struct TensorVerdict {
  std::uint8_t mask = kVerdictFrozen;
  std::uint64_t norm_bound_sq = 0;
  std::uint8_t norm_range_bits = 0;
  std::optional<std::uint64_t> norm_sq;  // Σ Δ_q² (plain mode)
  std::uint64_t entry_eps = 0;
  std::uint32_t rank = 0;
  std::uint8_t factor_bits = 0;
  std::uint64_t residual = 0;
  std::uint64_t sparse_slots = 0;
  std::uint64_t projection_bound_sq = 0;
  std::uint32_t projections = 0;
  std::optional<unsigned __int128> projection_sq;  // Σ_j y_j² (plain mode)
  friend bool operator==(const TensorVerdict&, const TensorVerdict&) = default;
};

struct Certificate {
  std::uint16_t protocol_version = kDriftProtocolVersion;
  std::uint16_t field_id = GoldilocksExt2::kFieldId;
  std::uint16_t hash_id = kHashSha256;
  bool zero_knowledge = false;
  Digest layout_digest{}, policy_digest{};
  std::int32_t scale_log2 = 0;
  WhirParams params;
  ModelCommitment base, tuned;
  std::vector<TensorVerdict> verdicts;
  std::vector<std::uint8_t> body;

  std::vector<std::uint8_t> encode() const {
    ByteWriter w;
    w.u32(kCertificateMagic);
    w.u16(kCertificateFormat);
    w.u16(protocol_version);
    w.u16(field_id);
    w.u16(hash_id);
    w.u8(zero_knowledge ? 1 : 0);
    w.u8(0);
    w.bytes(layout_digest.bytes);
    w.bytes(policy_digest.bytes);
    w.u32(static_cast<std::uint32_t>(scale_log2));
    w.bytes(params.encode());
    for (const ModelCommitment* c : {&base, &tuned}) {
      const auto b = c->encode();
      w.u32(static_cast<std::uint32_t>(b.size()));
      w.bytes(b);
    }
    w.bytes(encode_verdicts(verdicts, zero_knowledge));
    w.u64(body.size());
    w.bytes(body);
    return std::move(w).take();
  }

  // The verdict table alone (also what the drift transcript binds as the claims).
  static std::vector<std::uint8_t> encode_verdicts(std::span<const TensorVerdict> vs, bool zk) {
    ByteWriter w;
    w.u32(static_cast<std::uint32_t>(vs.size()));
    for (const auto& v : vs) {
      w.u8(v.mask);
      if (v.mask & kVerdictNorm) {
        w.u64(v.norm_bound_sq);
        w.u8(v.norm_range_bits);
        if (!zk) w.u64(v.norm_sq.value_or(0));
      }
      if (v.mask & kVerdictEntry) w.u64(v.entry_eps);
      if (v.mask & kVerdictLowRank) {
        w.u32(v.rank);
        w.u8(v.factor_bits);
        w.u64(v.residual);
      }
      if (v.mask & kVerdictSparse) w.u64(v.sparse_slots);
      if (v.mask & kVerdictProjection) {
        w.u64(v.projection_bound_sq);
        w.u32(v.projections);
        if (!zk) {
          const unsigned __int128 s = v.projection_sq.value_or(0);
          w.u64(static_cast<std::uint64_t>(s));
          w.u64(static_cast<std::uint64_t>(s >> 64));
        }
      }
    }
    return std::move(w).take();
  }

  // DecodeError on anything malformed (see the top).
  static Certificate decode(std::span<const std::uint8_t> in) {
    ByteReader r(in, "certificate");
    r.expect_u32(kCertificateMagic, "magic");
    r.expect_u16(kCertificateFormat, "format version");
    Certificate c;
    c.protocol_version = r.u16();
    if (c.protocol_version != kDriftProtocolVersion)
      r.fail("protocol version " + std::to_string(c.protocol_version) + " is not supported (this build speaks " +
             std::to_string(kDriftProtocolVersion) + ")");
    c.field_id = r.u16();
    if (c.field_id != GoldilocksExt2::kFieldId) r.fail("field id " + std::to_string(c.field_id) + " is not Goldilocks²");
    c.hash_id = r.u16();
    if (c.hash_id != kHashSha256) r.fail("hash id " + std::to_string(c.hash_id) + " is not SHA-256");
    const std::uint8_t mode = r.u8();
    if (mode > 1) r.fail("mode " + std::to_string(mode) + " is neither plain (0) nor zero knowledge (1)");
    c.zero_knowledge = mode == 1;
    if (r.u8() != 0) r.fail("reserved byte is not 0");
    c.layout_digest = Digest::from_bytes(r.bytes(Digest::kSize, "layout digest").data());
    c.policy_digest = Digest::from_bytes(r.bytes(Digest::kSize, "policy digest").data());
    c.scale_log2 = static_cast<std::int32_t>(r.u32());
    if (c.scale_log2 < -1024 || c.scale_log2 > 1024) r.fail("scale log2 out of [-1024, 1024]");
    c.params = decode_params(r);
    for (ModelCommitment* m : {&c.base, &c.tuned}) {
      const std::uint32_t len = r.u32();
      const auto b = r.bytes(len, "model commitment");
      try {
        *m = ModelCommitment::decode(b);
      } catch (const DecodeError& e) {
        r.fail(std::string("model commitment: ") + e.what());
      }
    }
    const std::uint32_t count = r.u32();
    if (count > kCertificateMaxTensors) r.fail("more than 2^20 verdicts");
    if (count > r.remaining()) r.fail("the verdict count needs more bytes than remain");
    for (std::uint32_t i = 0; i < count; ++i) c.verdicts.push_back(decode_verdict(r, c.zero_knowledge));
    const std::uint64_t len = r.length(kCertificateMaxBody, "body length");
    const auto body = r.bytes(static_cast<std::size_t>(len), "body");
    c.body.assign(body.begin(), body.end());
    r.finish();
    return c;
  }

 private:
  static WhirParams decode_params(ByteReader& r) {
    WhirParams p;
    unsigned* fields[] = {&p.num_vars, &p.log_inv_rate, &p.folding_factor, &p.final_vars, &p.security_bits};
    for (unsigned* f : fields) *f = r.u32();
    const std::uint32_t regime = r.u32();
    if (regime > 2) r.fail("unknown WHIR regime " + std::to_string(regime));
    p.regime = static_cast<WhirRegime>(regime);
    p.max_log_inv_rate = r.u32();
    p.max_pow_bits = r.u32();
    p.hiding_openings = r.u32();
    p.query_pow_bits = r.u32();
    try {
      p.validate();
    } catch (const ArgumentError& e) {
      r.fail(std::string("WHIR parameters: ") + e.what());
    }
    return p;
  }

  static TensorVerdict decode_verdict(ByteReader& r, bool zk) {
    TensorVerdict v;
    v.mask = r.u8();
    if (v.mask == 0 || (v.mask & 0xC0) || ((v.mask & kVerdictFrozen) && v.mask != kVerdictFrozen))
      r.fail("verdict mask " + std::to_string(v.mask) + " is not frozen alone or a set of constraints");
    if (v.mask & kVerdictNorm) {
      v.norm_bound_sq = r.u64();
      v.norm_range_bits = r.u8();
      if (!zk) v.norm_sq = r.u64();
    }
    if (v.mask & kVerdictEntry) v.entry_eps = r.u64();
    if (v.mask & kVerdictLowRank) {
      v.rank = r.u32();
      v.factor_bits = r.u8();
      v.residual = r.u64();
    }
    if (v.mask & kVerdictSparse) v.sparse_slots = r.u64();
    if (v.mask & kVerdictProjection) {
      v.projection_bound_sq = r.u64();
      v.projections = r.u32();
      if (!zk) {
        const std::uint64_t lo = r.u64(), hi = r.u64();
        v.projection_sq = (static_cast<unsigned __int128>(hi) << 64) | lo;
      }
    }
    return v;
  }
};

}  // namespace vtensor
