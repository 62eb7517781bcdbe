// vtensor/tensor/quantize.hpp — deterministic fixed-point encoding of float tensors.
//
// Spec (docs/quantization.md): for a declared scale_log2 = s and bit_bound = b,
// a finite input x is encoded as the integer
//     q = round_half_to_even(x · 2^s),   required |q| < 2^b   (b <= 62),
// and committed as the Goldilocks element q mod p (negative q -> p - |q|).
// NaN, ±Inf and |q| >= 2^b are rejected with a QuantizeError naming the tensor,
// the flat (row-major) index, the coordinate and the value; when several elements
// are bad the lowest flat index is reported, whatever the thread count.
//
// Exactness: x = m · 2^e with an integer mantissa m (format.split), so
// x · 2^s = m · 2^(e+s) and q is a shift of m with a half-even rounding of the
// shifted-out bits. Only integer operations are used: results do not depend on
// the FP environment, -ffast-math, the compiler or the thread count.
#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "vtensor/config.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"
#include "vtensor/layout/compact.hpp"
#include "vtensor/layout/concept.hpp"
#include "vtensor/tensor/dtype.hpp"
#include "vtensor/tensor/tensor_view.hpp"

namespace vtensor {

struct QuantizeSpec {
  int scale_log2;       // s: q = round_half_even(x · 2^s); negative s coarsens
  unsigned bit_bound;   // b: |q| < 2^b, b <= kMaxQuantizeBits
};

inline constexpr unsigned kMaxQuantizeBits = 62;  // |q| < 2^62 < p/2: the signed embedding is injective
inline constexpr int kMaxScaleLog2 = 2048;        // |s| beyond any float exponent range

inline void validate_quantize_spec(const QuantizeSpec& spec) {
  if (spec.bit_bound > kMaxQuantizeBits) {
    throw ArgumentError("QuantizeSpec: bit_bound " + std::to_string(spec.bit_bound) + " exceeds " +
                        std::to_string(kMaxQuantizeBits));
  }
  if (spec.scale_log2 > kMaxScaleLog2 || spec.scale_log2 < -kMaxScaleLog2) {
    throw ArgumentError("QuantizeSpec: |scale_log2| = " + std::to_string(spec.scale_log2) + " exceeds " +
                        std::to_string(kMaxScaleLog2));
  }
}

// No-wraparound capacity: the largest N with N · 2^(bits_a + bits_b) < p/2.
// A sum of N products of values with |a| < 2^bits_a and |b| < 2^bits_b then has
// |Σ a·b| < p/2, so the field sum's centred representative (to_signed) IS the
// integer sum. Equal to floor(((p-1)/2) / 2^(bits_a+bits_b)); 0 when none fit.
constexpr std::uint64_t max_terms_no_wrap(unsigned bits_a, unsigned bits_b) noexcept {
  const unsigned k = bits_a + bits_b;
  return k >= 64 ? 0 : ((Goldilocks::kModulus - 1) / 2) >> k;
}

enum class QuantizeStatus : std::uint8_t { Ok = 0, NotFinite = 1, OutOfBound = 2 };

// The core: encodes one float given as raw bits of format Fmt. Writes q (0 on
// failure). Preconditions: bit_bound <= 62, |scale_log2| <= kMaxScaleLog2.
template <class Fmt>
constexpr QuantizeStatus quantize_bits(typename Fmt::Bits bits, int scale_log2, unsigned bit_bound,
                                       std::int64_t& q) noexcept {
  const auto x = Fmt::split(bits);
  q = 0;
  if (!x.finite) [[unlikely]] return QuantizeStatus::NotFinite;
  const int t = x.exponent + scale_log2;  // x · 2^s = mantissa · 2^t
  std::uint64_t mag;
  if (t >= 0) {
    // Exact left shift; |q| < 2^b  <=>  bit_width(mantissa) + t <= b.
    if (x.mantissa == 0) {
      mag = 0;
    } else if (t > 62 || static_cast<unsigned>(std::bit_width(x.mantissa)) + static_cast<unsigned>(t) > bit_bound) {
      return QuantizeStatus::OutOfBound;
    } else {
      mag = x.mantissa << t;
    }
  } else {
    // Right shift by r with round-half-even on the dropped bits. mantissa < 2^53,
    // so any r >= 54 gives 0; clamping r to 63 keeps the shifts defined.
    const unsigned r = t < -63 ? 63u : static_cast<unsigned>(-t);
    const std::uint64_t floor = x.mantissa >> r;
    const std::uint64_t rem = x.mantissa & ((std::uint64_t{1} << r) - 1);
    const std::uint64_t half = std::uint64_t{1} << (r - 1);
    // Bitwise (not short-circuit) so the compiler emits no data-dependent branch.
    mag = floor + (static_cast<std::uint64_t>(rem > half) | (static_cast<std::uint64_t>(rem == half) & floor & 1u));
    if ((mag >> bit_bound) != 0) return QuantizeStatus::OutOfBound;
  }
  // Conditional negation without a branch: (mag ^ -neg) + neg.
  const std::uint64_t neg = x.negative ? 1u : 0u;
  q = static_cast<std::int64_t>((mag ^ (0 - neg)) + neg);
  return QuantizeStatus::Ok;
}

// Scalar conveniences (nullopt for NaN, ±Inf, out of bound; ArgumentError for a bad spec).
inline std::optional<std::int64_t> try_quantize(float x, const QuantizeSpec& spec) {
  validate_quantize_spec(spec);
  std::int64_t q;
  if (quantize_bits<F32Format>(std::bit_cast<std::uint32_t>(x), spec.scale_log2, spec.bit_bound, q) !=
      QuantizeStatus::Ok) {
    return std::nullopt;
  }
  return q;
}
inline std::optional<std::int64_t> try_quantize(double x, const QuantizeSpec& spec) {
  validate_quantize_spec(spec);
  std::int64_t q;
  if (quantize_bits<F64Format>(std::bit_cast<std::uint64_t>(x), spec.scale_log2, spec.bit_bound, q) !=
      QuantizeStatus::Ok) {
    return std::nullopt;
  }
  return q;
}
// Raw 16-bit patterns (dtype F16 or BF16).
inline std::optional<std::int64_t> try_quantize_bits16(std::uint16_t bits, DType dtype, const QuantizeSpec& spec) {
  validate_quantize_spec(spec);
  std::int64_t q;
  QuantizeStatus st;
  if (dtype == DType::F16) {
    st = quantize_bits<F16Format>(bits, spec.scale_log2, spec.bit_bound, q);
  } else if (dtype == DType::BF16) {
    st = quantize_bits<BF16Format>(bits, spec.scale_log2, spec.bit_bound, q);
  } else {
    throw ArgumentError("try_quantize_bits16: dtype must be f16 or bf16");
  }
  if (st != QuantizeStatus::Ok) return std::nullopt;
  return q;
}

// x = q · 2^-s (exact while |q| < 2^53).
inline double dequantize(std::int64_t q, int scale_log2) noexcept {
  return std::ldexp(static_cast<double>(q), -scale_log2);
}
inline double dequantize(Goldilocks g, int scale_log2) noexcept { return dequantize(g.to_signed(), scale_log2); }
inline std::vector<double> dequantize(std::span<const Goldilocks> gs, int scale_log2) {
  std::vector<double> out(gs.size());
  for (std::size_t i = 0; i < gs.size(); ++i) out[i] = dequantize(gs[i], scale_log2);
  return out;
}

namespace detail {

template <class Fmt, class T>
constexpr typename Fmt::Bits raw_bits(const T& x) noexcept {
  if constexpr (std::is_floating_point_v<T>) {
    return std::bit_cast<typename Fmt::Bits>(x);
  } else {
    return static_cast<typename Fmt::Bits>(x);
  }
}

template <class Out>
constexpr Out encode_out(std::int64_t q) noexcept {
  if constexpr (std::is_same_v<Out, Goldilocks>) {
    return Goldilocks::from_i64(q);
  } else {
    static_assert(std::is_same_v<Out, std::int64_t>, "quantize outputs Goldilocks or std::int64_t");
    return q;
  }
}

template <class Fmt, class T>
double decoded_value(const T& x) noexcept {
  if constexpr (std::is_same_v<Fmt, F16Format>) {
    return f16_to_float(static_cast<std::uint16_t>(x));
  } else if constexpr (std::is_same_v<Fmt, BF16Format>) {
    return bf16_to_float(static_cast<std::uint16_t>(x));
  } else {
    return static_cast<double>(x);
  }
}

template <class Fmt, class T, Layout L>
[[noreturn]] void throw_quantize_error(const TensorView<T, L>& v, std::int64_t index, DType dtype,
                                       const QuantizeSpec& spec, std::string_view name) {
  const auto& x = v.flat(index);
  std::int64_t q;
  const QuantizeStatus st = quantize_bits<Fmt>(raw_bits<Fmt>(x), spec.scale_log2, spec.bit_bound, q);
  std::string msg = "tensor '" + std::string(name) + "': element at flat index " + std::to_string(index);
  const auto c = v.layout().coord(index);
  msg += ", coordinate [";
  for (std::size_t k = 0; k < c.size(); ++k) msg += (k ? ", " : "") + std::to_string(c[k]);
  msg += "], value ";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", decoded_value<Fmt>(x));
  msg += buf;
  msg += " (";
  msg += dtype_name(dtype);
  if constexpr (sizeof(typename Fmt::Bits) == 2) {
    std::snprintf(buf, sizeof buf, " bits 0x%04x", static_cast<unsigned>(raw_bits<Fmt>(x)));
    msg += buf;
  }
  msg += "): ";
  if (st == QuantizeStatus::NotFinite) {
    msg += Fmt::is_nan(raw_bits<Fmt>(x)) ? "NaN is not encodable" : "infinity is not encodable";
  } else {
    msg += "|x * 2^" + std::to_string(spec.scale_log2) + "| rounds to at least 2^" +
           std::to_string(spec.bit_bound) + " (bit_bound)";
  }
  throw QuantizeError(msg);
}

// Encodes v into out[0..n) in flat order; throws for the lowest bad flat index.
template <class Fmt, class T, Layout L, class Out>
void quantize_run(const TensorView<T, L>& v, DType dtype, const QuantizeSpec& spec, std::string_view name,
                  Out* VTENSOR_RESTRICT out) {
  const std::int64_t n = v.size();
  constexpr std::int64_t kChunk = std::int64_t{1} << 15;
  const std::int64_t chunks = (n + kChunk - 1) / kChunk;
  const int s = spec.scale_log2;
  const unsigned b = spec.bit_bound;
  // Lowest failing flat index of one chunk, n when it has none. Never throws.
  auto run_chunk = [&](std::int64_t c) noexcept -> std::int64_t {
    std::int64_t first_bad = n;
    const std::int64_t lo = c * kChunk;
    const std::int64_t hi = std::min(n, lo + kChunk);
    for_each_segment(v, lo, hi, [&](std::int64_t first, std::int64_t count, auto elem) {
      Out* o = out + first;
      for (std::int64_t k = 0; k < count; ++k) {
        std::int64_t q;
        const QuantizeStatus st = quantize_bits<Fmt>(raw_bits<Fmt>(elem(k)), s, b, q);
        if (st != QuantizeStatus::Ok) [[unlikely]] first_bad = std::min(first_bad, first + k);
        o[k] = encode_out<Out>(q);
      }
    });
    return first_bad;
  };
  std::int64_t bad = n;
#if VTENSOR_HAS_OPENMP
  if (chunks > 1) {
#pragma omp parallel for schedule(static) reduction(min : bad)
    for (std::int64_t c = 0; c < chunks; ++c) bad = std::min(bad, run_chunk(c));
  } else
#endif
  {
    for (std::int64_t c = 0; c < chunks && bad == n; ++c) bad = run_chunk(c);
  }
  if (bad < n) throw_quantize_error<Fmt>(v, bad, dtype, spec, name);
}

}  // namespace detail

// Quantizes a strided view into out (flat row-major order, out.size() == v.size()).
// Element types: float (F32), double (F64), std::uint16_t raw bits (F16, BF16).
// On QuantizeError the contents of out are unspecified.
template <class T, Layout L, class Out>
void quantize_into(const TensorView<T, L>& v, DType dtype, const QuantizeSpec& spec, std::string_view name,
                   std::span<Out> out) {
  validate_quantize_spec(spec);
  if (static_cast<std::int64_t>(out.size()) != v.size()) {
    throw ArgumentError("quantize '" + std::string(name) + "': output has " + std::to_string(out.size()) +
                        " entries, tensor has " + std::to_string(v.size()));
  }
  using V = std::remove_cv_t<T>;
  if constexpr (std::is_same_v<V, float>) {
    if (dtype == DType::F32) return detail::quantize_run<F32Format>(v, dtype, spec, name, out.data());
  } else if constexpr (std::is_same_v<V, double>) {
    if (dtype == DType::F64) return detail::quantize_run<F64Format>(v, dtype, spec, name, out.data());
  } else if constexpr (std::is_same_v<V, std::uint16_t>) {
    if (dtype == DType::F16) return detail::quantize_run<F16Format>(v, dtype, spec, name, out.data());
    if (dtype == DType::BF16) return detail::quantize_run<BF16Format>(v, dtype, spec, name, out.data());
  } else {
    static_assert(std::is_same_v<V, float>, "quantize: element type must be float, double or std::uint16_t");
  }
  throw ArgumentError("quantize '" + std::string(name) + "': dtype " + std::string(dtype_name(dtype)) +
                      " does not match the view's element type");
}

// float / double views: the dtype follows the element type.
template <class T, Layout L, class Out>
  requires std::is_floating_point_v<T>
void quantize_into(const TensorView<T, L>& v, const QuantizeSpec& spec, std::string_view name, std::span<Out> out) {
  quantize_into(v, std::is_same_v<std::remove_cv_t<T>, float> ? DType::F32 : DType::F64, spec, name, out);
}

template <class T, Layout L>
std::vector<Goldilocks> quantize(const TensorView<T, L>& v, DType dtype, const QuantizeSpec& spec,
                                 std::string_view name) {
  std::vector<Goldilocks> out(static_cast<std::size_t>(v.size()));
  quantize_into(v, dtype, spec, name, std::span<Goldilocks>(out));
  return out;
}
template <class T, Layout L>
  requires std::is_floating_point_v<T>
std::vector<Goldilocks> quantize(const TensorView<T, L>& v, const QuantizeSpec& spec, std::string_view name) {
  return quantize(v, std::is_same_v<std::remove_cv_t<T>, float> ? DType::F32 : DType::F64, spec, name);
}
// Flat arrays.
inline std::vector<Goldilocks> quantize(std::span<const float> xs, const QuantizeSpec& spec, std::string_view name) {
  return quantize(make_row_major_view(xs.data(), make_shape(xs.size())), DType::F32, spec, name);
}
inline std::vector<Goldilocks> quantize(std::span<const std::uint16_t> bits, DType dtype, const QuantizeSpec& spec,
                                        std::string_view name) {
  return quantize(make_row_major_view(bits.data(), make_shape(bits.size())), dtype, spec, name);
}

}  // namespace vtensor
