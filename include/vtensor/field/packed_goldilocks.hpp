// vtensor/field/packed_goldilocks.hpp — four Goldilocks elements operated on at once.
//
// PackedGoldilocks holds kWidth = 4 lanes, always canonical (< p), so a packed
// value stores straight back into Goldilocks memory. The representation is
// chosen at compile time:
//   * VTENSOR_HAS_AVX2 (built with -mavx2, VTENSOR_NO_SIMD not defined): one
//     xsimd::batch<uint64_t, xsimd::avx2> (a 256-bit register), with raw AVX2
//     intrinsics for what xsimd 8.1 lacks: the 64x64→128 product (built from four
//     32x32→64 vpmuludq) and unsigned 64-bit compares;
//   * otherwise: std::array<Goldilocks, 4> and the scalar operators, same API.
// kWidth is 4 in both cases, so callers that step through arrays in chunks of
// kWidth (and handle the tail with scalars) behave identically in both builds.
//
// Unsigned compares. AVX2 only compares signed 64-bit lanes. With x_s = x ⊕ 2^63
// ("shifted" form), x < y (unsigned) ⇔ x_s < y_s (signed). Since ⊕ 2^63 equals
// + 2^63 mod 2^64, shifting commutes with wrapping add/sub: (x ⊕ 2^63) ± y =
// (x ± y) ⊕ 2^63, so intermediate sums are kept shifted and unshifted once.
// (The same trick as plonky2's AVX2 Goldilocks.)
//
// Reduction. The 128-bit product lo + 2^64·hi, hi = hh·2^32 + hl, is reduced with
// 2^64 ≡ ε = 2^32 - 1 and 2^96 ≡ -1 (mod p): x ≡ lo - hh + hl·ε, exactly as in
// Goldilocks::reduce128; the carry fix-up and the final conditional subtraction
// of p share one compare (see reduce below).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>

#include "vtensor/config.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"
#include "vtensor/field/lazy.hpp"

#if VTENSOR_HAS_AVX2
#include <immintrin.h>

#include <xsimd/xsimd.hpp>
#endif

namespace vtensor {

// Loads reinterpret Goldilocks arrays as uint64_t words.
static_assert(sizeof(Goldilocks) == sizeof(std::uint64_t) && std::is_standard_layout_v<Goldilocks> &&
              std::is_trivially_copyable_v<Goldilocks>);

#if VTENSOR_HAS_AVX2
namespace detail::avx2 {

inline constexpr std::int64_t kSign = INT64_MIN;                        // 2^63
inline constexpr std::int64_t kP = static_cast<std::int64_t>(Goldilocks::kModulus);
inline constexpr std::int64_t kEps = static_cast<std::int64_t>(Goldilocks::kEpsilon);

VTENSOR_ALWAYS_INLINE __m256i sign() noexcept { return _mm256_set1_epi64x(kSign); }
VTENSOR_ALWAYS_INLINE __m256i modulus() noexcept { return _mm256_set1_epi64x(kP); }
VTENSOR_ALWAYS_INLINE __m256i epsilon() noexcept { return _mm256_set1_epi64x(kEps); }

// a + b mod p for canonical a, b. With nb = p - b ∈ [1, p]: a + b - p = a - nb,
// and a + b < p exactly when a < nb, in which case the wrapped a - nb gets p back.
// Both a and nb are taken shifted (nb_s = (p ⊕ 2^63) - b); a_s - nb_s = a - nb.
VTENSOR_ALWAYS_INLINE __m256i add(__m256i a, __m256i b) noexcept {
  const __m256i a_s = _mm256_xor_si256(a, sign());
  const __m256i nb_s = _mm256_sub_epi64(_mm256_set1_epi64x(kP ^ kSign), b);
  const __m256i lt = _mm256_cmpgt_epi64(nb_s, a_s);
  return _mm256_add_epi64(_mm256_sub_epi64(a_s, nb_s), _mm256_and_si256(lt, modulus()));
}

// a - b mod p for canonical a, b: wrap, and add p back on a borrow (a < b).
VTENSOR_ALWAYS_INLINE __m256i sub(__m256i a, __m256i b) noexcept {
  const __m256i d = _mm256_sub_epi64(a, b);
  const __m256i lt = _mm256_cmpgt_epi64(_mm256_xor_si256(b, sign()), _mm256_xor_si256(a, sign()));
  return _mm256_add_epi64(d, _mm256_and_si256(lt, modulus()));
}

// -a mod p: p - a, except 0 ↦ 0.
VTENSOR_ALWAYS_INLINE __m256i neg(__m256i a) noexcept {
  const __m256i is_zero = _mm256_cmpeq_epi64(a, _mm256_setzero_si256());
  return _mm256_andnot_si256(is_zero, _mm256_sub_epi64(modulus(), a));
}

// Full 64x64→128 product per lane, returned as (hi, lo). With a = a1·2^32 + a0:
//   a·b = a0b0 + (a0b1 + a1b0)·2^32 + a1b1·2^64, each partial product < 2^64.
// The middle terms are added in two steps so nothing overflows 64 bits:
//   t0 = a1b0 + (a0b0 >> 32)       ≤ (2^32-1)^2 + 2^32-1 < 2^64
//   t1 = a0b1 + (t0 mod 2^32)      < 2^64
//   lo = (a0b0 mod 2^32) + (t1 mod 2^32)·2^32,  hi = a1b1 + (t0 >> 32) + (t1 >> 32).
VTENSOR_ALWAYS_INLINE void mul_wide(__m256i a, __m256i b, __m256i& hi, __m256i& lo) noexcept {
  const __m256i a1 = _mm256_srli_epi64(a, 32);
  const __m256i b1 = _mm256_srli_epi64(b, 32);
  const __m256i p00 = _mm256_mul_epu32(a, b);  // vpmuludq reads the low 32 bits of each lane
  const __m256i p01 = _mm256_mul_epu32(a, b1);
  const __m256i p10 = _mm256_mul_epu32(a1, b);
  const __m256i p11 = _mm256_mul_epu32(a1, b1);
  const __m256i t0 = _mm256_add_epi64(p10, _mm256_srli_epi64(p00, 32));
  const __m256i t1 = _mm256_add_epi64(p01, _mm256_and_si256(t0, epsilon()));
  hi = _mm256_add_epi64(_mm256_add_epi64(p11, _mm256_srli_epi64(t0, 32)), _mm256_srli_epi64(t1, 32));
  lo = _mm256_blend_epi32(p00, _mm256_slli_epi64(t1, 32), 0xAA);  // odd 32-bit halves from t1
}

// lo + 2^64·hi mod p, canonical. With x ≡ lo - hh + hl·ε (mod p):
//   t0 = lo - hh, plus p on a borrow (2^64 - ε = p), so t0 ∈ [0, 2^64);
//   t1 = hl·ε ≤ (2^32-1)^2 < p, and t1 + ε ≤ 2^64 - 2^32 does not overflow;
//   u = t0 + (t1 + ε) mod 2^64 wraps exactly when t0 + t1 ≥ p = 2^64 - ε,
//   and then u = t0 + t1 - p < p; otherwise t0 + t1 = u - ε < p.
// So the carry test and the final conditional subtraction are one compare.
VTENSOR_ALWAYS_INLINE __m256i reduce(__m256i hi, __m256i lo) noexcept {
  const __m256i lo_s = _mm256_xor_si256(lo, sign());
  const __m256i t0_s = _mm256_sub_epi64(lo_s, _mm256_srli_epi64(hi, 32));
  const __m256i borrow = _mm256_cmpgt_epi64(t0_s, lo_s);
  const __m256i t0c_s = _mm256_sub_epi64(t0_s, _mm256_srli_epi64(borrow, 32));  // mask >> 32 = ε
  const __m256i t1e = _mm256_add_epi64(_mm256_mul_epu32(hi, epsilon()), epsilon());  // vpmuludq: hl·ε
  const __m256i u_s = _mm256_add_epi64(t0c_s, t1e);
  const __m256i wrapped = _mm256_cmpgt_epi64(t0c_s, u_s);
  return _mm256_sub_epi64(_mm256_xor_si256(u_s, sign()), _mm256_andnot_si256(wrapped, epsilon()));
}

VTENSOR_ALWAYS_INLINE __m256i mul(__m256i a, __m256i b) noexcept {
  __m256i hi, lo;
  mul_wide(a, b, hi, lo);
  return reduce(hi, lo);
}

}  // namespace detail::avx2
#endif  // VTENSOR_HAS_AVX2

class PackedGoldilocks {
 public:
  static constexpr std::size_t kWidth = 4;
  static constexpr bool kIsSimd = VTENSOR_HAS_AVX2 != 0;
#if VTENSOR_HAS_AVX2
  using Batch = xsimd::batch<std::uint64_t, xsimd::avx2>;
  static_assert(Batch::size == kWidth);
#endif

  PackedGoldilocks() noexcept : PackedGoldilocks(broadcast(Goldilocks::zero())) {}

  // Reads kWidth consecutive elements (no alignment required).
  static PackedGoldilocks load(const Goldilocks* src) noexcept {
#if VTENSOR_HAS_AVX2
    return PackedGoldilocks(Batch::load_unaligned(reinterpret_cast<const std::uint64_t*>(src)));
#else
    PackedGoldilocks r(Uninit{});
    for (std::size_t i = 0; i < kWidth; ++i) r.v_[i] = src[i];
    return r;
#endif
  }
  void store(Goldilocks* dst) const noexcept {
#if VTENSOR_HAS_AVX2
    v_.store_unaligned(reinterpret_cast<std::uint64_t*>(dst));
#else
    for (std::size_t i = 0; i < kWidth; ++i) dst[i] = v_[i];
#endif
  }
  static PackedGoldilocks broadcast(Goldilocks x) noexcept {
#if VTENSOR_HAS_AVX2
    return PackedGoldilocks(Batch(x.value()));
#else
    PackedGoldilocks r(Uninit{});
    r.v_.fill(x);
    return r;
#endif
  }
  static PackedGoldilocks from_array(const std::array<Goldilocks, kWidth>& xs) noexcept { return load(xs.data()); }
  std::array<Goldilocks, kWidth> to_array() const noexcept {
    std::array<Goldilocks, kWidth> out;
    store(out.data());
    return out;
  }
  static PackedGoldilocks zero() noexcept { return broadcast(Goldilocks::zero()); }
  static PackedGoldilocks one() noexcept { return broadcast(Goldilocks::one()); }

  friend PackedGoldilocks operator+(PackedGoldilocks a, PackedGoldilocks b) noexcept {
#if VTENSOR_HAS_AVX2
    return PackedGoldilocks(Batch(detail::avx2::add(a.reg(), b.reg())));
#else
    return a.zip(b, [](Goldilocks x, Goldilocks y) { return x + y; });
#endif
  }
  friend PackedGoldilocks operator-(PackedGoldilocks a, PackedGoldilocks b) noexcept {
#if VTENSOR_HAS_AVX2
    return PackedGoldilocks(Batch(detail::avx2::sub(a.reg(), b.reg())));
#else
    return a.zip(b, [](Goldilocks x, Goldilocks y) { return x - y; });
#endif
  }
  friend PackedGoldilocks operator*(PackedGoldilocks a, PackedGoldilocks b) noexcept {
#if VTENSOR_HAS_AVX2
    return PackedGoldilocks(Batch(detail::avx2::mul(a.reg(), b.reg())));
#else
    return a.zip(b, [](Goldilocks x, Goldilocks y) { return x * y; });
#endif
  }
  friend PackedGoldilocks operator-(PackedGoldilocks a) noexcept {
#if VTENSOR_HAS_AVX2
    return PackedGoldilocks(Batch(detail::avx2::neg(a.reg())));
#else
    return a.zip(a, [](Goldilocks x, Goldilocks) { return -x; });
#endif
  }
  // Packed ⊙ scalar: every lane times the same element.
  friend PackedGoldilocks operator*(PackedGoldilocks a, Goldilocks b) noexcept { return a * broadcast(b); }
  friend PackedGoldilocks operator*(Goldilocks b, PackedGoldilocks a) noexcept { return a * broadcast(b); }
  PackedGoldilocks& operator+=(PackedGoldilocks o) noexcept { return *this = *this + o; }
  PackedGoldilocks& operator-=(PackedGoldilocks o) noexcept { return *this = *this - o; }
  PackedGoldilocks& operator*=(PackedGoldilocks o) noexcept { return *this = *this * o; }
  PackedGoldilocks square() const noexcept { return *this * *this; }

  // Bit i set iff lane i of a equals lane i of b (lanes are canonical, so this
  // is field equality).
  friend unsigned lanes_equal(PackedGoldilocks a, PackedGoldilocks b) noexcept {
#if VTENSOR_HAS_AVX2
    return static_cast<unsigned>(_mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpeq_epi64(a.reg(), b.reg()))));
#else
    unsigned m = 0;
    for (std::size_t i = 0; i < kWidth; ++i) m |= static_cast<unsigned>(a.v_[i] == b.v_[i]) << i;
    return m;
#endif
  }
  // True iff every lane is equal.
  friend bool operator==(PackedGoldilocks a, PackedGoldilocks b) noexcept {
    return lanes_equal(a, b) == (1u << kWidth) - 1;
  }

  // Lanes (0,1,2,3) → (1,0,3,2): swaps the coordinates of two interleaved
  // extension elements (c0, c1, c0', c1').
  PackedGoldilocks swap_pairs() const noexcept {
#if VTENSOR_HAS_AVX2
    return PackedGoldilocks(Batch(_mm256_shuffle_epi32(v_, 0x4E)));
#else
    PackedGoldilocks r(Uninit{});
    for (std::size_t i = 0; i < kWidth; ++i) r.v_[i] = v_[i ^ 1];
    return r;
#endif
  }

  // (a0, a1, a2, a3), (b0, b1, b2, b3) → (a0, b0, a1, b1), (a2, b2, a3, b3): the
  // coordinate planes of four extension elements into their interleaved layout.
  friend void interleave(PackedGoldilocks a, PackedGoldilocks b, PackedGoldilocks& lo, PackedGoldilocks& hi) noexcept {
#if VTENSOR_HAS_AVX2
    const __m256i u = _mm256_unpacklo_epi64(a.v_, b.v_);  // a0 b0 a2 b2
    const __m256i w = _mm256_unpackhi_epi64(a.v_, b.v_);  // a1 b1 a3 b3
    lo = PackedGoldilocks(Batch(_mm256_permute2x128_si256(u, w, 0x20)));
    hi = PackedGoldilocks(Batch(_mm256_permute2x128_si256(u, w, 0x31)));
#else
    lo = from_array({a.v_[0], b.v_[0], a.v_[1], b.v_[1]});
    hi = from_array({a.v_[2], b.v_[2], a.v_[3], b.v_[3]});
#endif
  }

  // Lane i (slow path: tests and tails only).
  Goldilocks lane(std::size_t i) const noexcept { return to_array()[i]; }

  // Sum of the lanes, mod p.
  Goldilocks reduce_sum() const noexcept {
    const auto xs = to_array();
    return (xs[0] + xs[1]) + (xs[2] + xs[3]);
  }

#if VTENSOR_HAS_AVX2
  explicit PackedGoldilocks(Batch b) noexcept : v_(b) {}
  __m256i reg() const noexcept { return v_; }
  Batch batch() const noexcept { return v_; }
#endif

 private:
#if VTENSOR_HAS_AVX2
  Batch v_;
#else
  struct Uninit {};
  explicit PackedGoldilocks(Uninit) noexcept {}
  template <class Op>
  PackedGoldilocks zip(PackedGoldilocks b, Op op) const noexcept {
    PackedGoldilocks r(Uninit{});
    for (std::size_t i = 0; i < kWidth; ++i) r.v_[i] = op(v_[i], b.v_[i]);
    return r;
  }
  std::array<Goldilocks, kWidth> v_;
#endif
};

namespace detail {
// Sums four canonical partial-sum words per lane: Σ p00 + 2^32·(Σ p01 + Σ p10) + 2^64·Σ p11,
// each Σ given as a 128-bit (carries, low word) pair.
inline Goldilocks combine_partials(const std::uint64_t (&lo)[4], const std::uint64_t (&carries)[4]) noexcept {
  auto r = [&](int k) {
    return Goldilocks::from_canonical(Goldilocks::reduce128((static_cast<unsigned __int128>(carries[k]) << 64) | lo[k]));
  };
  const Goldilocks two32 = Goldilocks::from_canonical(1ULL << 32);
  const Goldilocks eps = Goldilocks::from_canonical(Goldilocks::kEpsilon);  // 2^64 mod p
  return r(0) + (r(1) + r(2)) * two32 + r(3) * eps;
}
}  // namespace detail

// Σ x_l·y_l over every lane of every added pair of packed operands, lazily.
//
// With x = x1·2^32 + x0, y = y1·2^32 + y0 (32-bit halves),
//   Σ x·y = Σ x0y0 + 2^32·(Σ x0y1 + Σ x1y0) + 2^64·Σ x1y1,
// and each partial product is < 2^64. The AVX2 form only multiplies 32x32→64
// (vpmuludq) and adds each partial product into its own 128-bit accumulator per
// lane (a low word, kept sign-shifted, and a carry count): no reduction mod p
// until reduce(). Counts grow by at most one per add, so 2^64 adds are safe.
// Without AVX2 each lane is a LazySum of whole 128-bit products.
class PackedLazySum {
 public:
  PackedLazySum() noexcept {
#if VTENSOR_HAS_AVX2
    for (int k = 0; k < 4; ++k) {
      s_[k] = detail::avx2::sign();
      c_[k] = _mm256_setzero_si256();
    }
#endif
  }

  VTENSOR_FORCE_INLINE void add_product(const PackedGoldilocks& x, const PackedGoldilocks& y) noexcept {
#if VTENSOR_HAS_AVX2
    const __m256i a = x.reg(), b = y.reg();
    const __m256i a1 = _mm256_srli_epi64(a, 32), b1 = _mm256_srli_epi64(b, 32);
    acc(0, _mm256_mul_epu32(a, b));
    acc(1, _mm256_mul_epu32(a, b1));
    acc(2, _mm256_mul_epu32(a1, b));
    acc(3, _mm256_mul_epu32(a1, b1));
#else
    for (std::size_t l = 0; l < PackedGoldilocks::kWidth; ++l) lanes_[l].add_product(x.lane(l), y.lane(l));
#endif
  }

  // The four lane sums, each reduced mod p.
  std::array<Goldilocks, 4> reduce_lanes() const noexcept {
    std::array<Goldilocks, 4> out;
#if VTENSOR_HAS_AVX2
    alignas(32) std::uint64_t lo[4][4], cnt[4][4];
    for (int k = 0; k < 4; ++k) {
      _mm256_store_si256(reinterpret_cast<__m256i*>(lo[k]), _mm256_xor_si256(s_[k], detail::avx2::sign()));
      _mm256_store_si256(reinterpret_cast<__m256i*>(cnt[k]), _mm256_sub_epi64(_mm256_setzero_si256(), c_[k]));
    }
    for (int j = 0; j < 4; ++j) {
      const std::uint64_t l[4] = {lo[0][j], lo[1][j], lo[2][j], lo[3][j]};
      const std::uint64_t c[4] = {cnt[0][j], cnt[1][j], cnt[2][j], cnt[3][j]};
      out[static_cast<std::size_t>(j)] = detail::combine_partials(l, c);
    }
#else
    for (std::size_t j = 0; j < 4; ++j) out[j] = lanes_[j].reduce();
#endif
    return out;
  }

  // The sum of all lanes, reduced mod p.
  Goldilocks reduce() const noexcept {
    const auto l = reduce_lanes();
    return (l[0] + l[1]) + (l[2] + l[3]);
  }

 private:
#if VTENSOR_HAS_AVX2
  // s: shifted low word; c: minus the carry count (a true compare mask is −1).
  VTENSOR_FORCE_INLINE void acc(int k, __m256i x) noexcept {
    const __m256i t = _mm256_add_epi64(s_[k], x);
    c_[k] = _mm256_add_epi64(c_[k], _mm256_cmpgt_epi64(s_[k], t));  // wrapped ⇔ s > s + x (unsigned)
    s_[k] = t;
  }
  __m256i s_[4], c_[4];
#else
  LazySum lanes_[PackedGoldilocks::kWidth]{};
#endif
};

// Σ a_i·b_i mod p. Throws ArgumentError if the lengths differ. Packed lazy sums
// (PackedLazySum) over the bulk, LazySum over the tail.
inline Goldilocks inner_product(std::span<const Goldilocks> a, std::span<const Goldilocks> b) {
  if (a.size() != b.size()) {
    throw ArgumentError("inner_product: lengths " + std::to_string(a.size()) + " and " +
                        std::to_string(b.size()) + " differ");
  }
  const std::size_t n = a.size(), w = PackedGoldilocks::kWidth;
  std::size_t i = 0;
  PackedLazySum packed;
  for (; i + w <= n; i += w) packed.add_product(PackedGoldilocks::load(a.data() + i), PackedGoldilocks::load(b.data() + i));
  LazySum tail;
  for (; i < n; ++i) tail.add_product(a[i], b[i]);
  return packed.reduce() + tail.reduce();
}

}  // namespace vtensor
