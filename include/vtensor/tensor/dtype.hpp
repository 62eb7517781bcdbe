// vtensor/tensor/dtype.hpp — floating-point storage formats and exact decoding.
//
// F16 (IEEE binary16) and BF16 (bfloat16) arrive as raw uint16 bit patterns and
// are decoded here by integer bit manipulation only (no _Float16, no F16C), so
// results do not depend on the compiler, its flags or the CPU. Every f16 and
// bf16 value, subnormals included, is exactly representable as an f32.
//
// A finite binary float with E exponent bits and M mantissa bits, bias
// B = 2^(E-1) - 1, exponent field e and mantissa field m has the value
//   (-1)^sign · m' · 2^(e' - B - M),  m' = m + 2^M, e' = e   (normal, 0 < e < 2^E - 1)
//                                     m' = m,       e' = 1   (zero / subnormal, e = 0)
// e = 2^E - 1 encodes ±Inf (m = 0) and NaN (m != 0). FloatFormat exposes this split.
#pragma once

#include <bit>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace vtensor {

enum class DType : std::uint8_t { F32 = 0, F16 = 1, BF16 = 2, F64 = 3 };

constexpr std::string_view dtype_name(DType t) noexcept {
  switch (t) {
    case DType::F32: return "f32";
    case DType::F16: return "f16";
    case DType::BF16: return "bf16";
    case DType::F64: return "f64";
  }
  return "?";
}
constexpr unsigned dtype_size(DType t) noexcept {
  switch (t) {
    case DType::F32: return 4;
    case DType::F16: return 2;
    case DType::BF16: return 2;
    case DType::F64: return 8;
  }
  return 0;
}

// Bit-level description of a binary floating-point format.
template <unsigned ExpBits, unsigned ManBits, class BitsT>
struct FloatFormat {
  using Bits = BitsT;
  static constexpr unsigned kExpBits = ExpBits;
  static constexpr unsigned kManBits = ManBits;
  static constexpr int kBias = (1 << (ExpBits - 1)) - 1;
  static constexpr std::uint64_t kExpMask = (std::uint64_t{1} << ExpBits) - 1;
  static constexpr std::uint64_t kManMask = (std::uint64_t{1} << ManBits) - 1;
  static_assert(1 + ExpBits + ManBits == 8 * sizeof(BitsT));

  // The split value = (-1)^negative · mantissa · 2^exponent of a finite float.
  struct Parts {
    bool negative;
    bool finite;             // false for ±Inf and NaN (then mantissa/exponent are meaningless)
    std::uint64_t mantissa;  // < 2^(ManBits+1)
    int exponent;
  };
  static constexpr Parts split(Bits bits) noexcept {
    const std::uint64_t u = bits;
    const std::uint64_t e = (u >> ManBits) & kExpMask;
    const std::uint64_t m = u & kManMask;
    const bool normal = e != 0;
    return Parts{(u >> (ExpBits + ManBits)) != 0, e != kExpMask,
                 normal ? (m | (std::uint64_t{1} << ManBits)) : m,
                 (normal ? static_cast<int>(e) : 1) - kBias - static_cast<int>(ManBits)};
  }
  static constexpr bool is_nan(Bits bits) noexcept {
    return ((bits >> ManBits) & kExpMask) == kExpMask && (bits & kManMask) != 0;
  }
};

using F32Format = FloatFormat<8, 23, std::uint32_t>;
using F64Format = FloatFormat<11, 52, std::uint64_t>;
using F16Format = FloatFormat<5, 10, std::uint16_t>;
using BF16Format = FloatFormat<8, 7, std::uint16_t>;

// bfloat16 is the top half of an f32: exact, subnormals and NaN payloads kept.
constexpr float bf16_to_float(std::uint16_t h) noexcept {
  return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
}

// IEEE binary16 -> f32, exact. Normal: rebias 15 -> 127 and widen the mantissa.
// Subnormal m·2^-24: normalize so the leading one of m lands on bit 10.
// Inf and NaN keep their sign and payload (a signalling NaN stays signalling).
constexpr float f16_to_float(std::uint16_t h) noexcept {
  const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16;
  const std::uint32_t e = (h >> 10) & 0x1fu;
  const std::uint32_t m = h & 0x3ffu;
  std::uint32_t bits;
  if (e == 0x1f) {
    bits = sign | 0x7f800000u | (m << 13);
  } else if (e != 0) {
    bits = sign | ((e + 112u) << 23) | (m << 13);
  } else if (m == 0) {
    bits = sign;
  } else {
    // m = 1.f · 2^p with p = bit_width(m) - 1 in [0, 9]; value = 1.f · 2^(p - 24).
    const unsigned p = static_cast<unsigned>(std::bit_width(m)) - 1;
    const unsigned shift = 10 - p;
    bits = sign | ((p + 103u) << 23) | (((m << shift) & 0x3ffu) << 13);
  }
  return std::bit_cast<float>(bits);
}

// Round-to-nearest-even f32 -> bf16 (NaN stays NaN, quieted). For writing test
// data and bf16 outputs; not used by quantization.
constexpr std::uint16_t float_to_bf16(float x) noexcept {
  const std::uint32_t u = std::bit_cast<std::uint32_t>(x);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);
  const std::uint32_t round = 0x7fffu + ((u >> 16) & 1u);
  return static_cast<std::uint16_t>((u + round) >> 16);
}

}  // namespace vtensor
