// vtensor/proofs/drift/tape.hpp — prover messages as bytes that the transcript binds.
//
// A drift proof is a sequence of messages; every one is written to the proof bytes AND
// absorbed into the Fiat–Shamir transcript under its label, in the same order on both
// sides, so no challenge is drawn before the messages it depends on are bound. The
// verifier's tape reads with the bounded ByteReader (DecodeError on truncation or a
// non-canonical element).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/hash/sha256.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor::drift {

class ProverTape {
 public:
  using E = GoldilocksExt2;
  explicit ProverTape(Transcript& t) : t_(t) {}
  void send(std::string_view label, std::span<const E> v) {
    w_.fields<E>(v);
    t_.absorb_fields<E>(label, v);
  }
  void send(std::string_view label, const E& v) { send(label, std::span<const E>(&v, 1)); }
  void send_digest(std::string_view label, const Digest& d) {
    w_.bytes(d.bytes);
    t_.absorb(label, d.bytes);
  }
  // Bytes of a sub-protocol that binds itself (sumcheck, GKR): appended as they are;
  // a commitment opening (a self-delimiting blob for its verifier): u64 length ‖ bytes.
  void append(std::span<const std::uint8_t> b) { w_.bytes(b); }
  void append_sized(std::span<const std::uint8_t> b) {
    w_.u64(b.size());
    w_.bytes(b);
  }
  ByteWriter& writer() { return w_; }
  Transcript& transcript() { return t_; }
  std::vector<std::uint8_t> take() && { return std::move(w_).take(); }

 private:
  Transcript& t_;
  ByteWriter w_;
};

class VerifierTape {
 public:
  using E = GoldilocksExt2;
  VerifierTape(Transcript& t, std::span<const std::uint8_t> bytes) : t_(t), r_(bytes, "drift proof") {}
  std::vector<E> recv(std::string_view label, std::size_t n) {
    auto v = r_.fields<E>(n, "drift proof value");
    t_.absorb_fields<E>(label, v);
    return v;
  }
  E recv1(std::string_view label) { return recv(label, 1)[0]; }
  Digest recv_digest(std::string_view label) {
    const Digest d = Digest::from_bytes(r_.bytes(Digest::kSize, "root").data());
    t_.absorb(label, d.bytes);
    return d;
  }
  std::span<const std::uint8_t> recv_sized(const char* what) {
    const std::uint64_t n = r_.length(std::uint64_t{1} << 32, what);
    return r_.bytes(static_cast<std::size_t>(n), what);
  }
  ByteReader& reader() { return r_; }
  Transcript& transcript() { return t_; }

 private:
  Transcript& t_;
  ByteReader r_;
};

}  // namespace vtensor::drift
