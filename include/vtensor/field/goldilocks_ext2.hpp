// vtensor/field/goldilocks_ext2.hpp — the quadratic extension F_p[X]/(X^2 - 7).
//
// 7 is a quadratic non-residue mod p (it generates F_p^*), so X^2 - 7 is
// irreducible and |F_{p^2}| ≈ 2^128. Every verifier challenge lives here, so a
// sumcheck round of degree d errs with probability at most d/p^2 ≈ d·2^-128.
//
// (a0 + a1 X)(b0 + b1 X) = (a0 b0 + 7 a1 b1) + ((a0 + a1)(b0 + b1) - a0 b0 - a1 b1) X
// (Karatsuba: three base multiplications and one multiplication by 7).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vtensor/field/goldilocks.hpp"

namespace vtensor {

class GoldilocksExt2 {
 public:
  using Base = Goldilocks;
  static constexpr std::uint64_t kNonResidue = 7;
  static constexpr std::size_t kByteSize = 16;
  static constexpr std::size_t kDegree = 2;
  static constexpr std::uint16_t kFieldId = 2;  // wire id, docs/field.md
  static constexpr std::string_view kName = "goldilocks^2 (X^2-7)";

  constexpr GoldilocksExt2() = default;
  constexpr GoldilocksExt2(Goldilocks c0) noexcept : c0_(c0) {}  // NOLINT: F_p embeds in F_p^2
  constexpr GoldilocksExt2(Goldilocks c0, Goldilocks c1) noexcept : c0_(c0), c1_(c1) {}

  static constexpr GoldilocksExt2 zero() noexcept { return {}; }
  static constexpr GoldilocksExt2 one() noexcept { return {Goldilocks::one()}; }
  VTENSOR_FORCE_INLINE static constexpr GoldilocksExt2 from_u64(std::uint64_t v) noexcept { return {Goldilocks::from_u64(v)}; }

  constexpr Goldilocks c0() const noexcept { return c0_; }
  constexpr Goldilocks c1() const noexcept { return c1_; }
  constexpr bool is_zero() const noexcept { return c0_.is_zero() && c1_.is_zero(); }
  constexpr bool in_base_field() const noexcept { return c1_.is_zero(); }

  VTENSOR_FORCE_INLINE static constexpr Goldilocks mul_by_nonresidue(Goldilocks a) noexcept {
    // 7a = 8a - a, with two modular doublings cheaper than a full product.
    const Goldilocks a2 = a + a, a4 = a2 + a2, a8 = a4 + a4;
    return a8 - a;
  }

  VTENSOR_FORCE_INLINE friend constexpr GoldilocksExt2 operator+(GoldilocksExt2 a, GoldilocksExt2 b) noexcept {
    return {a.c0_ + b.c0_, a.c1_ + b.c1_};
  }
  VTENSOR_FORCE_INLINE friend constexpr GoldilocksExt2 operator-(GoldilocksExt2 a, GoldilocksExt2 b) noexcept {
    return {a.c0_ - b.c0_, a.c1_ - b.c1_};
  }
  VTENSOR_FORCE_INLINE friend constexpr GoldilocksExt2 operator-(GoldilocksExt2 a) noexcept { return {-a.c0_, -a.c1_}; }
  VTENSOR_FORCE_INLINE friend constexpr GoldilocksExt2 operator*(GoldilocksExt2 a, GoldilocksExt2 b) noexcept {
    const Goldilocks v0 = a.c0_ * b.c0_;
    const Goldilocks v1 = a.c1_ * b.c1_;
    const Goldilocks m = (a.c0_ + a.c1_) * (b.c0_ + b.c1_);
    return {v0 + mul_by_nonresidue(v1), m - v0 - v1};
  }
  // Extension × base: two base multiplications.
  VTENSOR_FORCE_INLINE friend constexpr GoldilocksExt2 operator*(GoldilocksExt2 a, Goldilocks b) noexcept {
    return {a.c0_ * b, a.c1_ * b};
  }
  VTENSOR_FORCE_INLINE friend constexpr GoldilocksExt2 operator*(Goldilocks b, GoldilocksExt2 a) noexcept { return a * b; }
  VTENSOR_FORCE_INLINE constexpr GoldilocksExt2& operator+=(GoldilocksExt2 o) noexcept { return *this = *this + o; }
  VTENSOR_FORCE_INLINE constexpr GoldilocksExt2& operator-=(GoldilocksExt2 o) noexcept { return *this = *this - o; }
  VTENSOR_FORCE_INLINE constexpr GoldilocksExt2& operator*=(GoldilocksExt2 o) noexcept { return *this = *this * o; }
  VTENSOR_FORCE_INLINE constexpr GoldilocksExt2& operator*=(Goldilocks o) noexcept { return *this = *this * o; }
  VTENSOR_FORCE_INLINE friend constexpr bool operator==(GoldilocksExt2 a, GoldilocksExt2 b) noexcept {
    return a.c0_ == b.c0_ && a.c1_ == b.c1_;
  }

  VTENSOR_FORCE_INLINE constexpr GoldilocksExt2 square() const noexcept { return *this * *this; }
  VTENSOR_FORCE_INLINE constexpr GoldilocksExt2 doubled() const noexcept { return *this + *this; }
  constexpr GoldilocksExt2 conjugate() const noexcept { return {c0_, -c1_}; }
  // Norm N(a) = a · conj(a) = a0^2 - 7 a1^2 ∈ F_p.
  constexpr Goldilocks norm() const noexcept { return c0_.square() - mul_by_nonresidue(c1_.square()); }
  constexpr GoldilocksExt2 pow(std::uint64_t e) const noexcept {
    GoldilocksExt2 r = one(), b = *this;
    while (e) {
      if (e & 1) r *= b;
      b = b.square();
      e >>= 1;
    }
    return r;
  }
  // a^{-1} = conj(a) / N(a); zero maps to zero.
  constexpr GoldilocksExt2 inverse() const noexcept { return conjugate() * norm().inverse(); }

  void to_bytes(std::uint8_t* out) const noexcept {
    c0_.to_bytes(out);
    c1_.to_bytes(out + 8);
  }
  static std::optional<GoldilocksExt2> from_bytes(const std::uint8_t* in) noexcept {
    auto a = Goldilocks::from_bytes(in);
    auto b = Goldilocks::from_bytes(in + 8);
    if (!a || !b) return std::nullopt;
    return GoldilocksExt2{*a, *b};
  }

 private:
  Goldilocks c0_{}, c1_{};
};

static_assert(sizeof(GoldilocksExt2) == 16);

}  // namespace vtensor
