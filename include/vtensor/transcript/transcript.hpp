// vtensor/transcript/transcript.hpp — the Fiat–Shamir transcript.
//
// A SHA-256 chaining state h (32 bytes). Byte-exact schedule (docs/transcript.md):
//   init:      h = H(0x00 ‖ "vtensor/transcript" ‖ lp(protocol id) ‖ u32 protocol version
//                    ‖ u32 wire version ‖ u16 field id)
//   absorb:    h = H(0x01 ‖ h ‖ lp(label) ‖ u64 len ‖ bytes)
//   squeeze:   block_c = H(0x02 ‖ h ‖ lp(label) ‖ u32 c), c = 0, 1, …
//   ratchet:   h = H(0x03 ‖ h ‖ lp(label) ‖ u32 blocks used)     (after each challenge)
// with lp(s) = u32 length ‖ s, integers little-endian, H = SHA-256.
//
// Soundness habit made structural (DESIGN.md §6): a transcript is created in the
// statement phase; every absorb before seal_statement() is part of the statement,
// and drawing a challenge before the statement is sealed throws. Protocols absorb
// the full statement (roots, shapes, scales, claims) and then seal.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vtensor/config.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/hash/sha256.hpp"

namespace vtensor {

class Transcript {
 public:
  Transcript(std::string_view protocol_id, std::uint32_t protocol_version, std::uint16_t field_id) {
    Sha256 s;
    const std::uint8_t tag = 0x00;
    s.update({&tag, 1});
    static constexpr std::string_view kDomain = "vtensor/transcript";
    s.update({reinterpret_cast<const std::uint8_t*>(kDomain.data()), kDomain.size()});
    put_lp(s, protocol_id);
    put_u32(s, protocol_version);
    put_u32(s, kWireVersion);
    std::uint8_t fid[2] = {static_cast<std::uint8_t>(field_id), static_cast<std::uint8_t>(field_id >> 8)};
    s.update({fid, 2});
    state_ = s.finalize();
  }

  // Absorbs labelled bytes: part of the statement before seal_statement(), a
  // prover message after it.
  void absorb(std::string_view label, std::span<const std::uint8_t> bytes) {
    Sha256 s;
    const std::uint8_t tag = 0x01;
    s.update({&tag, 1});
    s.update(state_.data(), Digest::kSize);
    put_lp(s, label);
    put_u64(s, bytes.size());
    s.update(bytes);
    state_ = s.finalize();
  }
  void absorb_u64(std::string_view label, std::uint64_t v) {
    std::uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    absorb(label, b);
  }
  template <class F>
  void absorb_field(std::string_view label, const F& x) {
    std::uint8_t b[F::kByteSize];
    x.to_bytes(b);
    absorb(label, b);
  }
  template <class F>
  void absorb_fields(std::string_view label, std::span<const F> xs) {
    std::vector<std::uint8_t> b(xs.size() * F::kByteSize);
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i].to_bytes(b.data() + i * F::kByteSize);
    absorb(label, b);
  }

  // Ends the statement phase; challenges may be drawn from now on.
  void seal_statement() { sealed_ = true; }
  bool sealed() const { return sealed_; }

  // Uniform element of F_p: 64-bit little-endian words from the squeeze stream,
  // rejecting words ≥ p (probability 2^-32 each), so the result is exactly uniform.
  Goldilocks challenge_base(std::string_view label) {
    Squeezer q(*this, label);
    return q.base();
  }
  // Uniform element of F_p^2: two independent uniform coordinates.
  GoldilocksExt2 challenge_ext(std::string_view label) {
    Squeezer q(*this, label);
    const Goldilocks a = q.base();
    const Goldilocks b = q.base();
    return {a, b};
  }
  std::vector<GoldilocksExt2> challenge_exts(std::string_view label, std::size_t n) {
    Squeezer q(*this, label);
    std::vector<GoldilocksExt2> out;
    out.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const Goldilocks a = q.base();
      const Goldilocks b = q.base();
      out.emplace_back(a, b);
    }
    return out;
  }
  // Unbiased integers in [0, bound): mask to the next power of two, reject above.
  std::vector<std::uint64_t> challenge_indices(std::string_view label, std::uint64_t bound, std::size_t n) {
    if (bound == 0) throw ArgumentError("challenge_indices: empty range");
    std::uint64_t mask = 1;
    while (mask < bound - 1 && mask != ~std::uint64_t{0}) mask = (mask << 1) | 1;
    if (bound == 1) mask = 0;
    Squeezer q(*this, label);
    std::vector<std::uint64_t> out;
    out.reserve(n);
    while (out.size() < n) {
      const std::uint64_t w = q.word() & mask;
      if (w < bound) out.push_back(w);
    }
    return out;
  }

  // The current chaining value (tests and debugging; binding checks).
  const Digest& state() const { return state_; }

 private:
  // Draws 64-bit words from successive squeeze blocks; ratchets h on destruction.
  class Squeezer {
   public:
    Squeezer(Transcript& t, std::string_view label) : t_(t), label_(label) {
      if (!t_.sealed_)
        throw Error("transcript: challenge '" + std::string(label) +
                    "' drawn before the statement was sealed (Fiat-Shamir must bind the statement first)");
    }
    ~Squeezer() {
      Sha256 s;
      const std::uint8_t tag = 0x03;
      s.update({&tag, 1});
      s.update(t_.state_.data(), Digest::kSize);
      put_lp(s, label_);
      put_u32(s, counter_);
      t_.state_ = s.finalize();
    }
    std::uint64_t word() {
      if (used_ == 4) refill();
      std::uint64_t w = 0;
      for (int i = 0; i < 8; ++i) w |= static_cast<std::uint64_t>(block_.bytes[8 * used_ + i]) << (8 * i);
      ++used_;
      return w;
    }
    Goldilocks base() {
      for (;;) {
        const std::uint64_t w = word();
        if (w < Goldilocks::kModulus) return Goldilocks::from_canonical(w);
      }
    }

   private:
    void refill() {
      Sha256 s;
      const std::uint8_t tag = 0x02;
      s.update({&tag, 1});
      s.update(t_.state_.data(), Digest::kSize);
      put_lp(s, label_);
      put_u32(s, counter_++);
      block_ = s.finalize();
      used_ = 0;
    }
    Transcript& t_;
    std::string_view label_;
    Digest block_{};
    std::uint32_t counter_ = 0;
    int used_ = 4;
  };

  static void put_u32(Sha256& s, std::uint32_t v) {
    std::uint8_t b[4];
    for (int i = 0; i < 4; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    s.update({b, 4});
  }
  static void put_u64(Sha256& s, std::uint64_t v) {
    std::uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(v >> (8 * i));
    s.update({b, 8});
  }
  static void put_lp(Sha256& s, std::string_view str) {
    put_u32(s, static_cast<std::uint32_t>(str.size()));
    s.update({reinterpret_cast<const std::uint8_t*>(str.data()), str.size()});
  }

  Digest state_{};
  bool sealed_ = false;
};

}  // namespace vtensor
