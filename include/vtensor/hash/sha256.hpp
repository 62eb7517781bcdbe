// vtensor/hash/sha256.hpp — SHA-256 digests, an incremental hasher and one-shot hashing.
//
// The general-purpose hasher goes through OpenSSL's libcrypto (which uses SHA-NI
// by itself). Of the libcrypto 3.0 entry points the low-level SHA256_Init /
// SHA256_Update / SHA256_Final are the cheapest per call: measured on the 2-core
// AMD EPYC VM (Zen 4, SHA-NI) for a 65-byte Merkle node message,
//   EVP_Digest(.., EVP_sha256())         333 ns   (implicit fetch on every call)
//   EVP_Digest(.., pre-fetched EVP_MD)   158 ns
//   EVP_DigestInit_ex2 + reused ctx      126 ns
//   SHA256_Init/Update/Final              73 ns   (2 compressions; no allocation)
// They are deprecated in 3.0, so their use is wrapped in a local pragma; builds
// whose OpenSSL hides them (OPENSSL_NO_DEPRECATED_3_0), or that define
// VTENSOR_SHA256_EVP, use EVP with a pre-fetched EVP_MD instead.
//
// Merkle hashing entry points (tag || message): sha256_prefixed hashes one message
// with libcrypto; sha256_prefixed_x4 four equal-length messages, and
// sha256_prefixed_pair(_x4) one (four) tag || digest || digest node messages, through
// the multi-buffer SHA-NI kernel of sha256_ni.hpp when the CPU has it, else through
// libcrypto. Both give identical bytes (tested).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/sha.h>

#include "vtensor/config.hpp"
#include "vtensor/error.hpp"
#include "vtensor/hash/sha256_ni.hpp"

#if defined(OPENSSL_NO_DEPRECATED_3_0) || defined(VTENSOR_SHA256_EVP)
#define VTENSOR_SHA256_USE_EVP 1
#else
#define VTENSOR_SHA256_USE_EVP 0
#endif

namespace vtensor {

// A SHA-256 output. Trivially copyable, exactly 32 bytes with no padding, so an
// array of digests is a plain byte array (a Merkle node's two children are 64
// contiguous bytes).
struct Digest {
  static constexpr std::size_t kSize = 32;
  std::array<std::uint8_t, kSize> bytes{};

  friend bool operator==(const Digest&, const Digest&) = default;
  friend auto operator<=>(const Digest&, const Digest&) = default;

  std::uint8_t* data() noexcept { return bytes.data(); }
  const std::uint8_t* data() const noexcept { return bytes.data(); }
  static constexpr std::size_t size() noexcept { return kSize; }
  std::span<const std::uint8_t, kSize> span() const noexcept { return bytes; }

  static Digest from_bytes(const std::uint8_t* in) noexcept {
    Digest d;
    std::memcpy(d.bytes.data(), in, kSize);
    return d;
  }
  std::string hex() const {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string s(2 * kSize, '0');
    for (std::size_t i = 0; i < kSize; ++i) {
      s[2 * i] = kHex[bytes[i] >> 4];
      s[2 * i + 1] = kHex[bytes[i] & 15];
    }
    return s;
  }
  // Exactly 64 hex digits (either case); nullopt otherwise.
  static std::optional<Digest> from_hex(std::string_view s) noexcept {
    if (s.size() != 2 * kSize) return std::nullopt;
    auto nib = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    Digest d;
    for (std::size_t i = 0; i < kSize; ++i) {
      const int hi = nib(s[2 * i]), lo = nib(s[2 * i + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      d.bytes[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
    return d;
  }
};
static_assert(sizeof(Digest) == Digest::kSize && alignof(Digest) == 1);

#if !VTENSOR_SHA256_USE_EVP
#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#endif

// Incremental SHA-256: update() any number of times, then finalize(), which
// returns the digest and leaves the hasher reset for the next message.
class Sha256 {
 public:
  Sha256() noexcept { reset(); }
  void reset() noexcept { SHA256_Init(&ctx_); }
  Sha256& update(const void* data, std::size_t len) noexcept {
    if (len) SHA256_Update(&ctx_, data, len);
    return *this;
  }
  Sha256& update(std::span<const std::uint8_t> data) noexcept { return update(data.data(), data.size()); }
  Sha256& update_u8(std::uint8_t b) noexcept { return update(&b, 1); }
  Digest finalize() noexcept {
    Digest d;
    SHA256_Final(d.data(), &ctx_);
    reset();
    return d;
  }

 private:
  SHA256_CTX ctx_;
};

#if defined(__GNUC__) || defined(__clang__)
#pragma GCC diagnostic pop
#endif

#else  // EVP fallback

namespace detail {
inline const EVP_MD* sha256_md() {
  // Fetched once: an implicit fetch per call costs more than hashing a node.
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  if (!md) throw Error("OpenSSL: cannot fetch SHA256");
  return md;
}
}  // namespace detail

class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) throw Error("OpenSSL: EVP_MD_CTX_new failed");
    reset();
  }
  Sha256(const Sha256& o) : Sha256() {
    if (EVP_MD_CTX_copy_ex(ctx_, o.ctx_) != 1) throw Error("OpenSSL: EVP_MD_CTX_copy_ex failed");
  }
  Sha256& operator=(const Sha256& o) {
    if (this != &o && EVP_MD_CTX_copy_ex(ctx_, o.ctx_) != 1) throw Error("OpenSSL: EVP_MD_CTX_copy_ex failed");
    return *this;
  }
  ~Sha256() { EVP_MD_CTX_free(ctx_); }
  void reset() {
    if (EVP_DigestInit_ex2(ctx_, detail::sha256_md(), nullptr) != 1) throw Error("OpenSSL: DigestInit failed");
  }
  Sha256& update(const void* data, std::size_t len) {
    if (len && EVP_DigestUpdate(ctx_, data, len) != 1) throw Error("OpenSSL: DigestUpdate failed");
    return *this;
  }
  Sha256& update(std::span<const std::uint8_t> data) { return update(data.data(), data.size()); }
  Sha256& update_u8(std::uint8_t b) { return update(&b, 1); }
  Digest finalize() {
    Digest d;
    unsigned n = 0;
    if (EVP_DigestFinal_ex(ctx_, d.data(), &n) != 1 || n != Digest::kSize) throw Error("OpenSSL: DigestFinal failed");
    reset();
    return d;
  }

 private:
  EVP_MD_CTX* ctx_;
};

#endif

// One-shot SHA-256 of a byte string.
inline Digest sha256(std::span<const std::uint8_t> data) { return Sha256().update(data).finalize(); }
inline Digest sha256(std::string_view s) {
  return sha256(std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

// Which implementation the prefixed (Merkle) hashing uses. kAuto takes the
// multi-buffer SHA-NI kernel when the CPU has it; kOpenSSL forces libcrypto
// (tests use it to check that both produce the same bytes).
enum class Sha256Backend : std::uint8_t { kAuto, kOpenSSL };

inline bool sha256_kernel_active(Sha256Backend backend) noexcept {
  return backend == Sha256Backend::kAuto && sha256_ni::available();
}

// SHA-256(tag || data), one message: libcrypto, whose single-stream SHA-NI code is
// faster than ours for one independent message (73 vs 80 ns for 65 bytes: the kernel wins
// when it interleaves several messages).
inline Digest sha256_prefixed(std::uint8_t tag, const std::uint8_t* data, std::size_t len) {
  return Sha256().update_u8(tag).update(data, len).finalize();
}

// Four equal-length messages at once: out[l] = SHA-256(tag || msgs[l][0..len)).
// With the kernel the four compressions run interleaved (about 2x one stream).
inline void sha256_prefixed_x4(std::uint8_t tag, const std::uint8_t* const msgs[4], std::size_t len, Digest* out[4],
                               Sha256Backend backend = Sha256Backend::kAuto) {
  if (sha256_kernel_active(backend)) {
    std::uint8_t* o[4] = {out[0]->data(), out[1]->data(), out[2]->data(), out[3]->data()};
    sha256_ni::hash_prefixed<4>(tag, msgs, len, o);
    return;
  }
  Sha256 h;
  for (int l = 0; l < 4; ++l) *out[l] = h.update_u8(tag).update(msgs[l], len).finalize();
}

// SHA-256(tag || a || b) of two digests (a Merkle node). Kernel when available: a
// path being verified chains these, and the kernel's register-built blocks avoid the
// store-forwarding stalls of copying a fresh digest into libcrypto's buffer
// (92 vs 107 ns per chained node on the reference VM).
inline Digest sha256_prefixed_pair(std::uint8_t tag, const Digest& a, const Digest& b,
                                   Sha256Backend backend = Sha256Backend::kAuto) {
  Digest d;
  if (sha256_kernel_active(backend)) {
    const std::uint8_t* pa = a.data();
    const std::uint8_t* pb = b.data();
    std::uint8_t* out = d.data();
    sha256_ni::hash_pair<1>(tag, &pa, &pb, &out);
    return d;
  }
  std::uint8_t buf[1 + 2 * Digest::kSize];
  buf[0] = tag;
  std::memcpy(buf + 1, a.data(), Digest::kSize);
  std::memcpy(buf + 1 + Digest::kSize, b.data(), Digest::kSize);
  return Sha256().update(buf, sizeof buf).finalize();
}

// Four pairs at once: *out[l] = SHA-256(tag || *a[l] || *b[l]).
inline void sha256_prefixed_pair_x4(std::uint8_t tag, const Digest* const a[4], const Digest* const b[4],
                                    Digest* out[4], Sha256Backend backend = Sha256Backend::kAuto) {
  if (sha256_kernel_active(backend)) {
    const std::uint8_t* pa[4] = {a[0]->data(), a[1]->data(), a[2]->data(), a[3]->data()};
    const std::uint8_t* pb[4] = {b[0]->data(), b[1]->data(), b[2]->data(), b[3]->data()};
    std::uint8_t* o[4] = {out[0]->data(), out[1]->data(), out[2]->data(), out[3]->data()};
    sha256_ni::hash_pair<4>(tag, pa, pb, o);
    return;
  }
  for (int l = 0; l < 4; ++l) *out[l] = sha256_prefixed_pair(tag, *a[l], *b[l], Sha256Backend::kOpenSSL);
}

}  // namespace vtensor
