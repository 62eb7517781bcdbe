// vtensor/field/goldilocks.hpp — the Goldilocks prime field F_p, p = 2^64 - 2^32 + 1.
//
// Elements are kept canonical (0 <= v < p) after every operation, so equality and
// serialization are plain comparisons of the stored word.
//
// Special-form reduction of a 128-bit product x = lo + 2^64·hi, hi = hh·2^32 + hl:
//   2^64 ≡ 2^32 - 1 =: ε  (mod p)   and   2^96 ≡ -1  (mod p),
// so x ≡ lo - hh + hl·ε. Each step below tracks the carry/borrow explicitly
// (a borrow of 2^64 is corrected by subtracting ε, a carry by adding ε).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>

#include "vtensor/config.hpp"

namespace vtensor {

class Goldilocks {
 public:
  using Base = Goldilocks;
  static constexpr std::uint64_t kModulus = 0xFFFF'FFFF'0000'0001ULL;
  static constexpr std::uint64_t kEpsilon = 0xFFFF'FFFFULL;  // 2^64 mod p
  static constexpr std::size_t kByteSize = 8;
  static constexpr std::size_t kDegree = 1;
  static constexpr std::uint16_t kFieldId = 1;  // wire id, docs/field.md
  static constexpr std::string_view kName = "goldilocks";
  // Multiplicative generator of F_p^* and 2-adicity (p - 1 = 2^32 · (2^32 - 1)).
  static constexpr std::uint64_t kGenerator = 7;
  static constexpr unsigned kTwoAdicity = 32;

  constexpr Goldilocks() = default;

  // v must already be < p (checked in debug builds only: hot paths use it).
  VTENSOR_FORCE_INLINE static constexpr Goldilocks from_canonical(std::uint64_t v) noexcept {
    Goldilocks r;
    r.v_ = v;
    return r;
  }
  // Any 64-bit word, reduced mod p.
  VTENSOR_FORCE_INLINE static constexpr Goldilocks from_u64(std::uint64_t v) noexcept {
    return from_canonical(v >= kModulus ? v - kModulus : v);
  }
  // Signed integers map to v mod p (negative x to p - |x|).
  static constexpr Goldilocks from_i64(std::int64_t v) noexcept {
    if (v >= 0) return from_u64(static_cast<std::uint64_t>(v));
    const std::uint64_t mag = static_cast<std::uint64_t>(-(v + 1)) + 1;  // |v| without UB
    return -from_u64(mag);
  }
  static constexpr Goldilocks zero() noexcept { return from_canonical(0); }
  static constexpr Goldilocks one() noexcept { return from_canonical(1); }

  constexpr std::uint64_t value() const noexcept { return v_; }
  // Centred representative in (-p/2, p/2]: the signed integer this element encodes.
  constexpr std::int64_t to_signed() const noexcept {
    return v_ > kModulus / 2 ? -static_cast<std::int64_t>(kModulus - v_)
                             : static_cast<std::int64_t>(v_);
  }
  constexpr bool is_zero() const noexcept { return v_ == 0; }

  // Reduce a full 128-bit value mod p (result canonical).
  VTENSOR_FORCE_INLINE static constexpr std::uint64_t reduce128(unsigned __int128 x) noexcept {
    const std::uint64_t lo = static_cast<std::uint64_t>(x);
    const std::uint64_t hi = static_cast<std::uint64_t>(x >> 64);
    const std::uint64_t hh = hi >> 32;
    const std::uint64_t hl = hi & kEpsilon;
    // Branch-free: the borrow and carry are data-dependent and unpredictable
    // (a carry happens about a quarter of the time), so they become masks.
    std::uint64_t t0;
    const bool borrow = __builtin_sub_overflow(lo, hh, &t0);
    t0 -= kEpsilon * static_cast<std::uint64_t>(borrow);  // borrowed 2^64 ≡ ε
    const std::uint64_t t1 = hl * kEpsilon;                // < 2^64
    std::uint64_t t2;
    const bool carry = __builtin_add_overflow(t0, t1, &t2);
    t2 += kEpsilon * static_cast<std::uint64_t>(carry);    // carried 2^64 ≡ ε; cannot overflow again
    return t2 >= kModulus ? t2 - kModulus : t2;
  }

  VTENSOR_FORCE_INLINE friend constexpr Goldilocks operator+(Goldilocks a, Goldilocks b) noexcept {
    std::uint64_t s;
    const bool carry = __builtin_add_overflow(a.v_, b.v_, &s);
    s += kEpsilon * static_cast<std::uint64_t>(carry);  // wrapped past 2^64
    return from_canonical(s >= kModulus ? s - kModulus : s);
  }
  VTENSOR_FORCE_INLINE friend constexpr Goldilocks operator-(Goldilocks a, Goldilocks b) noexcept {
    std::uint64_t d;
    const bool borrow = __builtin_sub_overflow(a.v_, b.v_, &d);
    d -= kEpsilon * static_cast<std::uint64_t>(borrow);  // d + 2^64 - ε = a - b + p
    return from_canonical(d);
  }
  VTENSOR_FORCE_INLINE friend constexpr Goldilocks operator-(Goldilocks a) noexcept {
    return from_canonical(a.v_ == 0 ? 0 : kModulus - a.v_);
  }
  VTENSOR_FORCE_INLINE friend constexpr Goldilocks operator*(Goldilocks a, Goldilocks b) noexcept {
    return from_canonical(reduce128(static_cast<unsigned __int128>(a.v_) * b.v_));
  }
  VTENSOR_FORCE_INLINE constexpr Goldilocks& operator+=(Goldilocks o) noexcept { return *this = *this + o; }
  VTENSOR_FORCE_INLINE constexpr Goldilocks& operator-=(Goldilocks o) noexcept { return *this = *this - o; }
  VTENSOR_FORCE_INLINE constexpr Goldilocks& operator*=(Goldilocks o) noexcept { return *this = *this * o; }
  VTENSOR_FORCE_INLINE friend constexpr bool operator==(Goldilocks a, Goldilocks b) noexcept { return a.v_ == b.v_; }

  VTENSOR_FORCE_INLINE constexpr Goldilocks square() const noexcept { return *this * *this; }
  VTENSOR_FORCE_INLINE constexpr Goldilocks doubled() const noexcept { return *this + *this; }
  constexpr Goldilocks pow(std::uint64_t e) const noexcept {
    Goldilocks r = one(), b = *this;
    while (e) {
      if (e & 1) r *= b;
      b = b.square();
      e >>= 1;
    }
    return r;
  }
  // a^(p-2); the inverse of zero is defined as zero (callers that must reject a
  // zero denominator check is_zero() first).
  constexpr Goldilocks inverse() const noexcept { return pow(kModulus - 2); }

  // A primitive 2^k-th root of unity, k <= 32.
  static constexpr Goldilocks root_of_unity(unsigned log_order) noexcept {
    // g^((p-1)/2^k) with g = 7 a generator.
    return from_canonical(kGenerator).pow((kModulus - 1) >> log_order);
  }

  // Canonical little-endian encoding.
  void to_bytes(std::uint8_t* out) const noexcept {
    for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(v_ >> (8 * i));
  }
  // Rejects encodings of values >= p (non-canonical).
  static std::optional<Goldilocks> from_bytes(const std::uint8_t* in) noexcept {
    std::uint64_t v = 0;
    for (std::size_t i = 0; i < 8; ++i) v |= static_cast<std::uint64_t>(in[i]) << (8 * i);
    if (v >= kModulus) return std::nullopt;
    return from_canonical(v);
  }

 private:
  std::uint64_t v_ = 0;
};

static_assert(sizeof(Goldilocks) == 8);

}  // namespace vtensor
