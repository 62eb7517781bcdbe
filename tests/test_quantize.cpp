// Float formats (f16/bf16 decoding) and fixed-point quantization into Goldilocks.
#include <doctest/doctest.h>

#include <bit>
#include <cfenv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define VTENSOR_TEST_X86 1
#endif

#include "vtensor/layout.hpp"
#include "vtensor/tensor/dtype.hpp"
#include "vtensor/tensor/quantize.hpp"
#include "vtensor/tensor/tensor.hpp"

using namespace vtensor;

namespace {

constexpr std::uint64_t kP = Goldilocks::kModulus;

// Independent f16 reference: evaluate the IEEE formula with ldexp in double.
float f16_reference(std::uint16_t h) {
  const int e = (h >> 10) & 0x1f, m = h & 0x3ff;
  const double sign = (h & 0x8000) ? -1.0 : 1.0;
  if (e == 0x1f) return m ? std::numeric_limits<float>::quiet_NaN() : float(sign * INFINITY);
  const double v = e == 0 ? std::ldexp(double(m), -24) : std::ldexp(double(1024 + m), e - 25);
  return float(sign * v);  // exact: every f16 value is an f32 value
}

#if VTENSOR_TEST_X86
__attribute__((target("f16c"))) float f16_hw(std::uint16_t h) { return _cvtsh_ss(h); }
bool have_f16c() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("f16c");
}
#endif

// Reference quantizer through double arithmetic: x·2^s is exact in double for
// these inputs and nearbyint rounds half-to-even under FE_TONEAREST.
std::optional<std::int64_t> reference_quantize(double x, int s, unsigned b) {
  if (!std::isfinite(x)) return std::nullopt;
  const double y = std::nearbyint(std::ldexp(x, s));
  if (!(std::fabs(y) < std::ldexp(1.0, int(b)))) return std::nullopt;
  return static_cast<std::int64_t>(y);
}

std::string quantize_error_message(auto&& fn) {
  try {
    fn();
  } catch (const QuantizeError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

static_assert(f16_to_float(0x3c00) == 1.0f);
static_assert(f16_to_float(0xc000) == -2.0f);
static_assert(f16_to_float(0x7bff) == 65504.0f);
static_assert(f16_to_float(0x0001) == 0x1p-24f);  // smallest subnormal
static_assert(f16_to_float(0x03ff) == 1023 * 0x1p-24f);
static_assert(bf16_to_float(0x3f80) == 1.0f);
static_assert(bf16_to_float(0x0001) == 0x1p-133f);

TEST_CASE("dtype: f16 decoding of all 65536 patterns against independent references") {
  REQUIRE(std::fegetround() == FE_TONEAREST);
#if VTENSOR_TEST_X86
  const bool hw = have_f16c();
#endif
  int subnormals = 0, nans = 0;
  for (std::uint32_t h = 0; h < 65536; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const float got = f16_to_float(bits);
    const float ref = f16_reference(bits);
    if (std::isnan(ref)) {
      ++nans;
      CHECK(std::isnan(got));
      CHECK(((std::bit_cast<std::uint32_t>(got) >> 13) & 0x3ff) == (h & 0x3ff));  // payload kept
      CHECK(std::signbit(got) == bool(h & 0x8000));
      continue;
    }
    CHECK(std::bit_cast<std::uint32_t>(got) == std::bit_cast<std::uint32_t>(ref));  // also tells -0 from +0
    if (((h >> 10) & 0x1f) == 0 && (h & 0x3ff) != 0) ++subnormals;
#if defined(__FLT16_MANT_DIG__)
    CHECK(std::bit_cast<std::uint32_t>(got) == std::bit_cast<std::uint32_t>(float(std::bit_cast<_Float16>(bits))));
#endif
#if VTENSOR_TEST_X86
    if (hw) CHECK(std::bit_cast<std::uint32_t>(got) == std::bit_cast<std::uint32_t>(f16_hw(bits)));
#endif
  }
  CHECK(subnormals == 2 * 1023);
  CHECK(nans == 2 * 1023);
}

TEST_CASE("dtype: bf16 decoding of all 65536 patterns; split() of every format") {
  for (std::uint32_t h = 0; h < 65536; ++h) {
    const auto bits = static_cast<std::uint16_t>(h);
    const float got = bf16_to_float(bits);
    const std::uint32_t ref = h << 16;
    CHECK(std::bit_cast<std::uint32_t>(got) == ref);
    // split() reconstructs the value: mantissa · 2^exponent.
    const auto p = BF16Format::split(bits);
    if (p.finite) {
      const double v = std::ldexp(double(p.mantissa), p.exponent) * (p.negative ? -1 : 1);
      CHECK(v == double(got));
    } else {
      CHECK(!std::isfinite(got));
    }
    const auto q = F16Format::split(bits);
    if (q.finite) CHECK(std::ldexp(double(q.mantissa), q.exponent) * (q.negative ? -1 : 1) == double(f16_to_float(bits)));
  }
  CHECK(float_to_bf16(1.0f) == 0x3f80);
  CHECK(float_to_bf16(bf16_to_float(0x1234)) == 0x1234);
  CHECK(float_to_bf16(std::bit_cast<float>(0x3f808000u)) == 0x3f80);  // tie -> even
  CHECK(float_to_bf16(std::bit_cast<float>(0x3f818000u)) == 0x3f82);  // tie -> even (up)
}

TEST_CASE("quantize: round half to even, exact values, negatives as p - |q|") {
  const QuantizeSpec s0{0, 20};
  CHECK(try_quantize(0.5f, s0) == 0);
  CHECK(try_quantize(1.5f, s0) == 2);
  CHECK(try_quantize(2.5f, s0) == 2);
  CHECK(try_quantize(-0.5f, s0) == 0);
  CHECK(try_quantize(-1.5f, s0) == -2);
  CHECK(try_quantize(-2.5f, s0) == -2);
  CHECK(try_quantize(3.5f, s0) == 4);
  CHECK(try_quantize(0.49999997f, s0) == 0);
  CHECK(try_quantize(0.50000006f, s0) == 1);
  CHECK(try_quantize(-0.0f, s0) == 0);
  // Scale 2^8: 0.75 -> 192 exactly; 1/512 = 0.5 ulp of the grid -> 0, 3/512 -> 2.
  const QuantizeSpec s8{8, 20};
  CHECK(try_quantize(0.75f, s8) == 192);
  CHECK(try_quantize(-0.75f, s8) == -192);
  CHECK(try_quantize(1.0f / 512, s8) == 0);
  CHECK(try_quantize(3.0f / 512, s8) == 2);
  CHECK(try_quantize(5.0f / 512, s8) == 2);
  // Negative scale (coarsening): q = round(x / 16).
  const QuantizeSpec sm4{-4, 20};
  CHECK(try_quantize(40.0f, sm4) == 2);    // 2.5 -> 2
  CHECK(try_quantize(56.0f, sm4) == 4);    // 3.5 -> 4
  CHECK(try_quantize(-24.0f, sm4) == -2);  // -1.5 -> -2
  CHECK(try_quantize(1e-30f, sm4) == 0);
  CHECK(try_quantize(std::numeric_limits<float>::denorm_min(), QuantizeSpec{149, 2}) == 1);
  CHECK(try_quantize(std::numeric_limits<float>::denorm_min(), QuantizeSpec{148, 2}) == 0);  // 0.5 -> 0
  CHECK(try_quantize(3 * std::numeric_limits<float>::denorm_min(), QuantizeSpec{148, 2}) == 2);  // 1.5 -> 2

  const std::vector<float> xs{1.0f, -1.0f, -3.25f, 0.0f, 100.0f};
  const auto g = quantize(std::span<const float>(xs), QuantizeSpec{2, 16}, "xs");
  REQUIRE(g.size() == 5);
  CHECK(g[0].value() == 4);
  CHECK(g[1].value() == kP - 4);
  CHECK(g[2].value() == kP - 13);
  CHECK(g[3].value() == 0);
  CHECK(g[4].value() == 400);
  const auto back = dequantize(std::span<const Goldilocks>(g), 2);
  CHECK(back == std::vector<double>{1.0, -1.0, -3.25, 0.0, 100.0});
}

TEST_CASE("quantize: bit bound, exactly 2^b - 1 accepted and 2^b rejected, both signs") {
  for (unsigned b : {1u, 10u, 24u, 31u, 53u, 62u}) {
    const double lim = std::ldexp(1.0, int(b));
    if (b <= 52) {
      CHECK(try_quantize(lim - 1, QuantizeSpec{0, b}) == std::int64_t(lim - 1));
      CHECK(try_quantize(-(lim - 1), QuantizeSpec{0, b}) == -std::int64_t(lim - 1));
      // A value that only reaches 2^b by rounding: 2^b - 1/2 rounds to 2^b (even).
      CHECK(!try_quantize(lim - 0.5, QuantizeSpec{0, b}).has_value());
      CHECK(!try_quantize(-(lim - 0.5), QuantizeSpec{0, b}).has_value());
    }
    CHECK(!try_quantize(lim, QuantizeSpec{0, b}).has_value());
    CHECK(!try_quantize(-lim, QuantizeSpec{0, b}).has_value());
    // The same through the scale: (2^b - 1)·2^-3 with s = 3.
    if (b <= 53) CHECK(try_quantize((lim - 1) / 8, QuantizeSpec{3, b}) == std::int64_t(lim - 1));
    CHECK(!try_quantize(lim / 8, QuantizeSpec{3, b}).has_value());
  }
  // b = 62: the largest double below 2^62 is accepted and maps to a centred element.
  const double big = std::nextafter(std::ldexp(1.0, 62), 0.0);
  const auto qb = try_quantize(-big, QuantizeSpec{0, 62});
  REQUIRE(qb.has_value());
  CHECK(Goldilocks::from_i64(*qb).to_signed() == *qb);
  // 1023.5 -> 1024 (even) is out of a 10-bit bound; 1022.5 -> 1022 is in.
  CHECK(!try_quantize(1023.5f, QuantizeSpec{0, 10}).has_value());
  CHECK(try_quantize(1022.5f, QuantizeSpec{0, 10}) == 1022);
  CHECK(try_quantize(0.0f, QuantizeSpec{0, 0}) == 0);
  CHECK(!try_quantize(1.0f, QuantizeSpec{0, 0}).has_value());
  CHECK(try_quantize(1e38f, QuantizeSpec{-200, 1}) == 0);
  CHECK(!try_quantize(1e38f, QuantizeSpec{200, 62}).has_value());
  CHECK_THROWS_AS(try_quantize(1.0f, QuantizeSpec{0, 63}), ArgumentError);
  // No-wraparound capacity N·2^(2b) < p/2 (values from exact integer arithmetic).
  CHECK(max_terms_no_wrap(8, 8) == 0x7fffffff8000ULL);
  CHECK(max_terms_no_wrap(16, 16) == 0x7fffffffULL);
  CHECK(max_terms_no_wrap(24, 24) == 0x7fffULL);
  CHECK(max_terms_no_wrap(31, 31) == 1);
  CHECK(max_terms_no_wrap(32, 31) == 0);
  {
    // Tight at magnitude 2^b: with a = -2^31, N = 1 product is recovered by
    // to_signed, two products (2^63 > p/2) wrap to a negative representative.
    const Goldilocks a = Goldilocks::from_i64(-(std::int64_t{1} << 31));
    Goldilocks acc = Goldilocks::zero();
    for (std::uint64_t i = 0; i < max_terms_no_wrap(31, 31); ++i) acc += a * a;
    CHECK(acc.to_signed() == (std::int64_t{1} << 62));
    acc += a * a;
    CHECK(acc.to_signed() < 0);
  }
  CHECK_THROWS_AS(try_quantize(1.0f, QuantizeSpec{100000, 8}), ArgumentError);
}

TEST_CASE("quantize: random f32/f64 against the double reference (fixed seed)") {
  REQUIRE(std::fegetround() == FE_TONEAREST);
  std::mt19937_64 rng(0x5eed);
  const int scales[] = {-20, -5, -1, 0, 1, 7, 16, 30, 60, 140};
  for (int iter = 0; iter < 200000; ++iter) {
    // Mix raw bit patterns (all exponents) with moderate values.
    float x;
    if (iter % 2) {
      x = std::bit_cast<float>(static_cast<std::uint32_t>(rng()));
    } else {
      x = std::ldexp(float(std::int32_t(rng() % 2000001) - 1000000), int(rng() % 40) - 30);
    }
    const int s = scales[rng() % 10];
    const unsigned b = 1 + unsigned(rng() % 62);
    const auto got = try_quantize(x, QuantizeSpec{s, b});
    const auto ref = reference_quantize(double(x), s, b);
    CHECK(got == ref);
    const double d = std::bit_cast<double>(rng());
    const int s2 = scales[rng() % 10] - 200 * (iter % 3 == 0);
    if (std::isfinite(d) && std::fabs(std::ldexp(d, s2)) < 1e300 && std::ldexp(std::fabs(d), s2) >= 0x1p-1000) {
      CHECK(try_quantize(d, QuantizeSpec{s2, 62}) == reference_quantize(d, s2, 62));
    }
  }
}

TEST_CASE("quantize: every f16 and bf16 pattern agrees with the f32 path and the reference") {
  for (int s : {-8, 0, 3, 10, 24, 40}) {
    for (unsigned b : {8u, 20u, 62u}) {
      const QuantizeSpec spec{s, b};
      for (std::uint32_t h = 0; h < 65536; ++h) {
        const auto bits = static_cast<std::uint16_t>(h);
        const auto q16 = try_quantize_bits16(bits, DType::F16, spec);
        CHECK(q16 == try_quantize(f16_to_float(bits), spec));
        CHECK(q16 == reference_quantize(f16_reference(bits), s, b));
        const auto qb = try_quantize_bits16(bits, DType::BF16, spec);
        CHECK(qb == try_quantize(bf16_to_float(bits), spec));
        CHECK(qb == reference_quantize(double(bf16_to_float(bits)), s, b));
      }
    }
  }
  // Subnormals: f16 0x0001 = 2^-24, bf16 0x0001 = 2^-133.
  CHECK(try_quantize_bits16(0x0001, DType::F16, QuantizeSpec{24, 4}) == 1);
  CHECK(try_quantize_bits16(0x8003, DType::F16, QuantizeSpec{23, 4}) == -2);  // -1.5 -> -2
  CHECK(try_quantize_bits16(0x0001, DType::BF16, QuantizeSpec{133, 4}) == 1);
  CHECK(try_quantize_bits16(0x0001, DType::BF16, QuantizeSpec{132, 4}) == 0);  // 0.5 -> 0
  CHECK_THROWS_AS(try_quantize_bits16(0x3c00, DType::F32, QuantizeSpec{0, 8}), ArgumentError);
}

TEST_CASE("quantize: strided views of f32, bf16 and f16 raw data") {
  // A 3x4 f32 tensor stored column-major inside a buffer with padding.
  std::vector<float> buf(20, std::numeric_limits<float>::quiet_NaN());  // padding would fail if read
  const auto cm = make_layout(make_shape(3, 4), make_stride(1, 5));
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) buf[std::size_t(cm(i, j))] = 0.25f * float(i * 4 + j) - 1.0f;
  TensorView v(static_cast<const float*>(buf.data()), cm);
  const auto g = quantize(v, QuantizeSpec{2, 8}, "w");
  REQUIRE(g.size() == 12);
  for (std::int64_t k = 0; k < 12; ++k) CHECK(g[std::size_t(k)].to_signed() == k - 4);  // flat row-major order

  // Same data as bf16 and f16 bit patterns (exactly representable).
  std::vector<std::uint16_t> b16(12), h16(12);
  const std::uint16_t h16_of[] = {0xbc00, 0xba00, 0xb800, 0xb400, 0x0000, 0x3400,
                                  0x3800, 0x3a00, 0x3c00, 0x3d00, 0x3e00, 0x3f00};
  for (int k = 0; k < 12; ++k) {
    b16[std::size_t(k)] = float_to_bf16(0.25f * float(k) - 1.0f);
    h16[std::size_t(k)] = h16_of[k];
    REQUIRE(f16_to_float(h16_of[k]) == 0.25f * float(k) - 1.0f);
  }
  const auto gb = quantize(make_row_major_view(static_cast<const std::uint16_t*>(b16.data()), make_shape(3, 4)),
                           DType::BF16, QuantizeSpec{2, 8}, "wb");
  const auto gh = quantize(std::span<const std::uint16_t>(h16), DType::F16, QuantizeSpec{2, 8}, "wh");
  CHECK(gb == g);
  CHECK(gh == g);

  // int64 output and the dtype/element-type mismatch.
  std::vector<std::int64_t> qi(12);
  quantize_into(v, QuantizeSpec{2, 8}, "w", std::span<std::int64_t>(qi));
  CHECK(qi[11] == 7);
  CHECK_THROWS_AS(quantize(v, DType::BF16, QuantizeSpec{2, 8}, "w"), ArgumentError);
  std::vector<Goldilocks> small(3);
  CHECK_THROWS_AS(quantize_into(v, QuantizeSpec{2, 8}, "w", std::span<Goldilocks>(small)), ArgumentError);

  // Blocked layout (nested last mode) matches the plain one.
  std::vector<float> tiles(24);
  const auto bl = blocked_layout(Int<4>{}, Int<6>{}, Int<2>{}, Int<3>{});
  std::vector<float> flat(24);
  for (int k = 0; k < 24; ++k) {
    flat[std::size_t(k)] = float(k) - 11.5f;
    tiles[std::size_t(bl(k / 6, k % 6))] = flat[std::size_t(k)];
  }
  CHECK(quantize(TensorView(tiles.data(), bl), QuantizeSpec{1, 8}, "t") ==
        quantize(std::span<const float>(flat), QuantizeSpec{1, 8}, "t"));
}

TEST_CASE("quantize: errors name the tensor, the lowest bad index, the coordinate, the value") {
  Tensor<float, 2> t({3, 5});
  for (std::int64_t i = 0; i < t.size(); ++i) t.vector()[std::size_t(i)] = float(i);
  t(1, 2) = std::numeric_limits<float>::quiet_NaN();
  t(2, 4) = std::numeric_limits<float>::infinity();
  std::string msg = quantize_error_message([&] { quantize(t.cview(), QuantizeSpec{0, 8}, "layer0.weight"); });
  CHECK(msg.find("layer0.weight") != std::string::npos);
  CHECK(msg.find("flat index 7") != std::string::npos);
  CHECK(msg.find("[1, 2]") != std::string::npos);
  CHECK(msg.find("NaN") != std::string::npos);

  t(1, 2) = 7.0f;
  msg = quantize_error_message([&] { quantize(t.cview(), QuantizeSpec{0, 8}, "layer0.weight"); });
  CHECK(msg.find("flat index 14") != std::string::npos);
  CHECK(msg.find("infinity") != std::string::npos);

  t(2, 4) = -300.0f;
  t(2, 3) = 256.0f;
  msg = quantize_error_message([&] { quantize(t.cview(), QuantizeSpec{0, 8}, "b"); });
  CHECK(msg.find("'b'") != std::string::npos);
  CHECK(msg.find("flat index 13") != std::string::npos);
  CHECK(msg.find("256") != std::string::npos);
  CHECK(msg.find("2^8") != std::string::npos);

  const std::vector<std::uint16_t> hb{0x3c00, 0x7e00, 0xfc00};
  msg = quantize_error_message([&] { quantize(std::span<const std::uint16_t>(hb), DType::F16, QuantizeSpec{0, 8}, "h"); });
  CHECK(msg.find("flat index 1") != std::string::npos);
  CHECK(msg.find("0x7e00") != std::string::npos);
  CHECK_THROWS_AS(quantize(t.cview(), QuantizeSpec{0, 63}, "b"), ArgumentError);
}

TEST_CASE("quantize: large inputs (parallel chunks) are deterministic and report the lowest bad index") {
  const std::size_t n = (std::size_t{1} << 18) + 12345;
  std::vector<float> xs(n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> dist(-4.0f, 4.0f);
  for (auto& x : xs) x = dist(rng);
  const QuantizeSpec spec{12, 16};
  const auto g = quantize(std::span<const float>(xs), spec, "big");
  for (std::size_t i = 0; i < n; i += 997) CHECK(g[i].to_signed() == *reference_quantize(xs[i], 12, 16));
  CHECK(g == quantize(std::span<const float>(xs), spec, "big"));
  // Bad values in several chunks: the lowest index wins, every time.
  xs[n - 5] = std::numeric_limits<float>::quiet_NaN();
  xs[200000] = 100.0f;
  xs[70001] = -20.0f;  // -81920 is out of a 16-bit bound
  for (int rep = 0; rep < 3; ++rep) {
    const std::string msg = quantize_error_message([&] { quantize(std::span<const float>(xs), spec, "big"); });
    CHECK(msg.find("flat index 70001,") != std::string::npos);
  }
}
