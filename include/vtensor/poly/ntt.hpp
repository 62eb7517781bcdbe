// vtensor/poly/ntt.hpp — number-theoretic transforms over Goldilocks.
//
// For n = 2^k (k ≤ 32) and ω = Goldilocks::root_of_unity(k), a primitive n-th root:
//   ntt:        y_j = Σ_i x_i ω^{ij}              (natural order in and out)
//   intt:       x_i = n^{-1} Σ_j y_j ω^{-ij}      (exact inverse of ntt)
//   coset_ntt:  y_j = Σ_i x_i (g ω^j)^i          (evaluations on the coset g·<ω>)
//   coset_intt: its inverse,  x_i = g^{-i} · intt(y)_i
// with g = kNttCosetShift = Goldilocks::kGenerator (7) unless another shift is given.
// Reading x as the coefficients of F(X) = Σ x_i X^i, ntt(x)_j = F(ω^j).
//
// Element types: Goldilocks and GoldilocksExt2. Twiddles always lie in the base field,
// so an extension transform is two base transforms run side by side (its two
// coordinates are simply two more words per element, see kWords).
//
// Algorithm (docs/ntt.md): four-step (Bailey). With n = R·C, x viewed as an R×C
// row-major matrix X[j1][j2] = x[C j1 + j2], and output index j = k1 + R k2:
//   y_{k1 + R k2} = Σ_{j2} ω_C^{j2 k2} · ω^{j2 k1} · Σ_{j1} X[j1][j2] ω_R^{j1 k1}.
// Step A: length-R DFTs down the columns, times the twiddle ω^{j2 k1}, into a scratch
// copy; step B: length-C DFTs along the rows, written transposed back into x.
// Both steps run the same kernel: a radix-2 DIF transform over kLanes = 8 words
// interleaved side by side (8 columns in step A, 8 rows in step B), so every
// butterfly is two PackedGoldilocks operations with one broadcast twiddle, and the
// kernel's bit-reversed output is undone in the copy-out. Steps A and B split their
// column blocks / row groups over the threads (detail/parallel.hpp).
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "vtensor/config.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/buffer.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/packed_goldilocks.hpp"

namespace vtensor {

// The element types the transforms accept.
template <class T>
concept NttElement = std::same_as<T, Goldilocks> || std::same_as<T, GoldilocksExt2>;

// Largest supported transform: 2^32 = the 2-adicity of p - 1.
inline constexpr unsigned kMaxLogNtt = Goldilocks::kTwoAdicity;
// Default coset shift g (a generator of F_p^*, so g·<ω> ∩ <ω> = ∅ for every k).
inline constexpr Goldilocks kNttCosetShift = Goldilocks::from_canonical(Goldilocks::kGenerator);

namespace detail::ntt {

static_assert(sizeof(GoldilocksExt2) == 2 * sizeof(Goldilocks) && std::is_standard_layout_v<GoldilocksExt2> &&
              std::is_trivially_copyable_v<GoldilocksExt2>);

// Base-field words per element (the transform acts on each word position alike).
template <class T>
inline constexpr std::size_t kWords = sizeof(T) / sizeof(Goldilocks);
// Words per kernel row: two PackedGoldilocks.
inline constexpr std::size_t kLanes = 8;
// Transforms of fewer than 2^kMinFourStepLog points use the scalar radix-2 path.
inline constexpr unsigned kMinFourStepLog = 6;
// Batches of rows up to 2^16 run lane-interleaved (kLanes / D rows per kernel):
// measured cheaper than a four-step per row at every length up to 2^16 (docs/ntt.md).
inline constexpr unsigned kMaxInterleavedLog = 16;
// Kernel lengths beyond 2^16 are never needed: a four-step kernel is ≤ 2^16 for k ≤ 32.
inline constexpr unsigned kMaxKernelLog = 16;

template <class T>
Goldilocks* words(T* p) noexcept {
  return reinterpret_cast<Goldilocks*>(p);
}
template <class T>
const Goldilocks* words(const T* p) noexcept {
  return reinterpret_cast<const Goldilocks*>(p);
}

// Twiddles and bit reversal for one transform length L = 2^log_n:
//   tw[h + j] = ω_{2h}^{j} (fwd) or ω_{2h}^{-j} (inv), for h = 1, 2, …, L/2 and j < h,
// so the stage of half-width h reads the contiguous slice tw[h, 2h).
struct Tables {
  explicit Tables(unsigned log) : log_n(log), fwd(std::size_t{1} << log), inv(std::size_t{1} << log), rev(std::size_t{1} << log) {
    const std::size_t n = std::size_t{1} << log;
    for (std::size_t h = 1, s = 1; h < n; h <<= 1, ++s) {
      const Goldilocks w = Goldilocks::root_of_unity(static_cast<unsigned>(s)), wi = w.inverse();
      fwd[h] = inv[h] = Goldilocks::one();
      for (std::size_t j = 1; j < h; ++j) {
        fwd[h + j] = fwd[h + j - 1] * w;
        inv[h + j] = inv[h + j - 1] * wi;
      }
    }
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t r = 0;
      for (unsigned b = 0; b < log; ++b) r |= static_cast<std::uint32_t>((i >> b) & 1) << (log - 1 - b);
      rev[i] = r;
    }
  }
  const Goldilocks* twiddles(bool inverse) const noexcept { return inverse ? inv.data() : fwd.data(); }

  unsigned log_n;
  std::vector<Goldilocks> fwd, inv;
  std::vector<std::uint32_t> rev;
};

// Built once per length on first use, shared by all threads, kept for the process.
inline const Tables& tables(unsigned log) {
  struct Cache {
    std::mutex mu;
    std::array<std::unique_ptr<const Tables>, kMaxKernelLog + 1> owned;
    std::array<std::atomic<const Tables*>, kMaxKernelLog + 1> ready{};
  };
  static Cache cache;
  if (log > kMaxKernelLog) throw ArgumentError("ntt: kernel length 2^" + std::to_string(log) + " out of range");
  if (const Tables* t = cache.ready[log].load(std::memory_order_acquire)) return *t;
  std::lock_guard<std::mutex> lock(cache.mu);
  if (!cache.owned[log]) {
    cache.owned[log] = std::make_unique<const Tables>(log);
    cache.ready[log].store(cache.owned[log].get(), std::memory_order_release);
  }
  return *cache.owned[log];
}

// n^{-1} mod p for n = 2^k: (p+1)/2 is 1/2.
inline Goldilocks inv_pow2(unsigned k) noexcept {
  return Goldilocks::from_canonical((Goldilocks::kModulus + 1) / 2).pow(k);
}

using P = PackedGoldilocks;

// Radix-2 decimation in frequency over L = 2^t.log_n rows of kLanes words each:
// afterwards row rev(k) holds Σ_j row_j ω_L^{jk} (lane by lane).
// live (a power of two, or 0 = all): only rows [0, live) are read, the rest count as
// zero and need not be initialised. While h ≥ live every block of 2h rows is zero
// past its first live rows, so its butterflies reduce to b_j = a_j·ω^j (j < live, a
// unchanged); by the stage h = live each row has been written once.
inline void dif_rows(Goldilocks* VTENSOR_RESTRICT buf, const Tables& t, bool inverse, std::size_t live = 0) noexcept {
  const Goldilocks* tw = t.twiddles(inverse);
  const std::size_t n = std::size_t{1} << t.log_n;
  std::size_t h = n >> 1;
  if (live != 0 && live < n) {
    for (; h >= live; h >>= 1) {
      for (std::size_t blk = 0; blk < n; blk += 2 * h) {
        const Goldilocks* a = buf + blk * kLanes;
        Goldilocks* b = buf + (blk + h) * kLanes;
        std::memcpy(b, a, kLanes * sizeof(Goldilocks));  // j = 0: twiddle 1
        for (std::size_t j = 1; j < live; ++j) {
          const P w = P::broadcast(tw[h + j]);
          (P::load(a + j * kLanes) * w).store(b + j * kLanes);
          (P::load(a + j * kLanes + 4) * w).store(b + j * kLanes + 4);
        }
      }
    }
  }
  for (; h >= 1; h >>= 1) {
    for (std::size_t blk = 0; blk < n; blk += 2 * h) {
      Goldilocks* a = buf + blk * kLanes;
      Goldilocks* b = a + h * kLanes;
      {  // j = 0: twiddle 1
        const P a0 = P::load(a), a1 = P::load(a + 4), b0 = P::load(b), b1 = P::load(b + 4);
        (a0 + b0).store(a);
        (a1 + b1).store(a + 4);
        (a0 - b0).store(b);
        (a1 - b1).store(b + 4);
      }
      for (std::size_t j = 1; j < h; ++j) {
        Goldilocks* aj = a + j * kLanes;
        Goldilocks* bj = b + j * kLanes;
        const P w = P::broadcast(tw[h + j]);
        const P a0 = P::load(aj), a1 = P::load(aj + 4), b0 = P::load(bj), b1 = P::load(bj + 4);
        (a0 + b0).store(aj);
        (a1 + b1).store(aj + 4);
        ((a0 - b0) * w).store(bj);
        ((a1 - b1) * w).store(bj + 4);
      }
    }
  }
}

// Scalar radix-2 transform of n = 2^k < 2^kMinFourStepLog elements, natural order.
template <class T>
void small_transform(T* x, unsigned k, bool inverse) {
  const Tables& t = tables(k);
  const Goldilocks* tw = t.twiddles(inverse);
  const std::size_t n = std::size_t{1} << k;
  for (std::size_t h = n >> 1; h >= 1; h >>= 1)
    for (std::size_t blk = 0; blk < n; blk += 2 * h)
      for (std::size_t j = 0; j < h; ++j) {
        const T a = x[blk + j], b = x[blk + j + h];
        x[blk + j] = a + b;
        x[blk + j + h] = (a - b) * tw[h + j];
      }
  for (std::size_t i = 0; i < n; ++i)
    if (i < t.rev[i]) std::swap(x[i], x[t.rev[i]]);
  if (inverse) {
    const Goldilocks s = inv_pow2(k);
    for (std::size_t i = 0; i < n; ++i) x[i] = x[i] * s;
  }
}

// Lane vectors (kLanes words as two packs) of a geometric progression.
struct Lanes {
  P lo, hi;
  void mul(const Lanes& o) noexcept {
    lo *= o.lo;
    hi *= o.hi;
  }
};
// Lane t = base^{e_t}, e_t = first + t / D (D words per element share an exponent).
template <std::size_t D>
Lanes lane_powers(Goldilocks base, std::size_t first, Goldilocks scale) {
  std::array<Goldilocks, kLanes> v;
  for (std::size_t t = 0; t < kLanes; ++t) v[t] = scale * base.pow(first + t / D);
  return {P::load(v.data()), P::load(v.data() + 4)};
}

// Data rows ↔ kernel rows, kLanes / D of each, kLanes words per row: row b of the
// input, word a·D + c, goes to row a of the output, word b·D + c. So data row i
// (element e = v / D, coordinate c) meets kernel row e, lane i·D + c, and the same
// routine gathers (data → kernel) and scatters (kernel → data). src(i), dst(i):
// the address of row i on each side.
template <std::size_t D, class Src, class Dst>
VTENSOR_ALWAYS_INLINE void transpose_rows(Src src, Dst dst) noexcept {
#if VTENSOR_HAS_AVX2
  auto ld = [](const Goldilocks* p) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)); };
  auto st = [](Goldilocks* p, __m256i v) { _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v); };
  if constexpr (D == 1) {  // four 4×4 transposes of 64-bit words
    for (std::size_t i0 = 0; i0 < 8; i0 += 4)
      for (std::size_t v0 = 0; v0 < 8; v0 += 4) {
        const __m256i r0 = ld(src(i0) + v0), r1 = ld(src(i0 + 1) + v0), r2 = ld(src(i0 + 2) + v0), r3 = ld(src(i0 + 3) + v0);
        const __m256i a = _mm256_unpacklo_epi64(r0, r1), b = _mm256_unpackhi_epi64(r0, r1);  // words 0,2 / 1,3 of r0,r1
        const __m256i c = _mm256_unpacklo_epi64(r2, r3), d = _mm256_unpackhi_epi64(r2, r3);
        st(dst(v0) + i0, _mm256_permute2x128_si256(a, c, 0x20));
        st(dst(v0 + 1) + i0, _mm256_permute2x128_si256(b, d, 0x20));
        st(dst(v0 + 2) + i0, _mm256_permute2x128_si256(a, c, 0x31));
        st(dst(v0 + 3) + i0, _mm256_permute2x128_si256(b, d, 0x31));
      }
    return;
  } else if constexpr (D == 2) {  // a 4×4 transpose of 128-bit elements
    for (std::size_t h = 0; h < 2; ++h) {
      const __m256i r0 = ld(src(0) + 4 * h), r1 = ld(src(1) + 4 * h), r2 = ld(src(2) + 4 * h), r3 = ld(src(3) + 4 * h);
      st(dst(2 * h), _mm256_permute2x128_si256(r0, r1, 0x20));
      st(dst(2 * h) + 4, _mm256_permute2x128_si256(r2, r3, 0x20));
      st(dst(2 * h + 1), _mm256_permute2x128_si256(r0, r1, 0x31));
      st(dst(2 * h + 1) + 4, _mm256_permute2x128_si256(r2, r3, 0x31));
    }
    return;
  }
#endif
  for (std::size_t b = 0; b < kLanes / D; ++b)
    for (std::size_t a = 0; a < kLanes / D; ++a)
      for (std::size_t c = 0; c < D; ++c) dst(a)[b * D + c] = src(b)[a * D + c];
}

// Kernels per gather: how many kLanes-wide kernels share one pass over a strided
// matrix, so each 4 KiB page visited yields nb cache lines, not one (measured: 5%
// off a 2^24 transform). Their buffers, nb · len · kLanes words, stay within half
// of a 1 MiB L2.
inline std::size_t kernels_per_gather(std::size_t len, std::size_t max_nb) noexcept {
  std::size_t nb = 1;
  while (nb < 4 && 2 * nb <= max_nb && 2 * nb * len * kLanes * sizeof(Goldilocks) <= (std::size_t{1} << 19)) nb *= 2;
  return nb;
}

// Options of a four-step transform beyond the plain natural-order one.
//  shift = s ≠ 1: transform x_i·s^i instead of x_i (a coset s·<ω>). With i = j1·C + j2,
//    s^i = (s^C)^{j1}·s^{j2}: rows are scaled while gathered, and s^{j2} rides on
//    step A's twiddles for free.
//  fiber_log = f > 0: the output in fiber order, out row r·stride + offset holds the
//    2^f values y_{r + s·M}, s < 2^f (M = n / 2^f): the points over one point of the
//    2^f-th power map, contiguous. Needs f ≤ ⌊k/2⌋. (stride, offset: rows of a larger
//    codeword, see rs_encode_fibers_into.)
//  blocked_input: `in` holds the live rows of the R×C view by column blocks, block q
//    (kLanes words of each row) at in[q·live_rows·kLanes, …), row j1 at j1·kLanes:
//    step A's gathers become contiguous reads (see detail::poly::column_blocks).
struct FourStepOptions {
  Goldilocks shift = Goldilocks::one();
  unsigned fiber_log = 0;
  std::size_t row_stride = 1, row_offset = 0;
  bool blocked_input = false;
};

template <std::size_t D>
void four_step(const Goldilocks* in, std::size_t live_rows, Goldilocks* out, Goldilocks* s, unsigned k, bool inverse,
               bool parallel, FourStepOptions opt = {}) {
  constexpr std::size_t kRows = kLanes / D;  // rows per step-B kernel
  const unsigned r = (k + 1) / 2, c = k / 2;
  const std::size_t R = std::size_t{1} << r, C = std::size_t{1} << c;
  const std::size_t row_words = C * D, col_blocks = row_words / kLanes;
  const Tables& tr = tables(r);
  const Tables& tc = tables(c);
  const Goldilocks w = inverse ? Goldilocks::root_of_unity(k).inverse() : Goldilocks::root_of_unity(k);
  const Goldilocks scale = inverse ? inv_pow2(k) : Goldilocks::one();
  const std::size_t grain = parallel ? 1 : ~std::size_t{0};
  const bool pow2_live = live_rows != 0 && (live_rows & (live_rows - 1)) == 0;
  const bool shifted = !(opt.shift == Goldilocks::one());
  const Goldilocks row_shift = opt.shift.pow(C);

  // Step A: nba column blocks of kLanes words (kLanes / D element columns j2) per gather.
  const std::size_t nba = kernels_per_gather(R, col_blocks);
  // Lane powers of consecutive column blocks differ by a constant factor (kLanes / D
  // columns): computed once per chunk, then advanced.
  const P w_adv = P::broadcast(w.pow(kLanes / D)), s_adv = P::broadcast(opt.shift.pow(kLanes / D));
  parallel_chunks(col_blocks / nba, grain, [&](std::size_t lo, std::size_t hi, int) {
    auto buf = make_uninit_array<Goldilocks>(nba * R * kLanes);
    Lanes step = lane_powers<D>(w, lo * nba * kLanes / D, Goldilocks::one());
    Lanes first = lane_powers<D>(opt.shift, lo * nba * kLanes / D, scale);
    for (std::size_t qq = lo; qq < hi; ++qq) {
      if (opt.blocked_input) {  // block q is contiguous: live_rows × kLanes words
        for (std::size_t b = 0; b < nba; ++b) {
          const Goldilocks* src = in + (qq * nba + b) * live_rows * kLanes;
          Goldilocks* d = &buf[b * R * kLanes];
          if (!shifted) {
            std::memcpy(d, src, live_rows * kLanes * sizeof(Goldilocks));
            continue;
          }
          Goldilocks g = Goldilocks::one();  // row j1 · (s^C)^{j1}
          for (std::size_t j1 = 0; j1 < live_rows; ++j1, g *= row_shift) {
            const P gp = P::broadcast(g);
            (P::load(src + j1 * kLanes) * gp).store(d + j1 * kLanes);
            (P::load(src + j1 * kLanes + 4) * gp).store(d + j1 * kLanes + 4);
          }
        }
      } else if (shifted) {  // row j1 · (s^C)^{j1}, while gathering
        Goldilocks g = Goldilocks::one();
        for (std::size_t j1 = 0; j1 < live_rows; ++j1, g *= row_shift) {
          const Goldilocks* src = in + j1 * row_words + qq * nba * kLanes;
          const P gp = P::broadcast(g);
          for (std::size_t b = 0; b < nba; ++b) {
            Goldilocks* d = &buf[(b * R + j1) * kLanes];
            (P::load(src + b * kLanes) * gp).store(d);
            (P::load(src + b * kLanes + 4) * gp).store(d + 4);
          }
        }
      } else {
        for (std::size_t j1 = 0; j1 < live_rows; ++j1) {
          const Goldilocks* src = in + j1 * row_words + qq * nba * kLanes;
          for (std::size_t b = 0; b < nba; ++b)
            std::memcpy(&buf[(b * R + j1) * kLanes], src + b * kLanes, kLanes * sizeof(Goldilocks));
        }
      }
      for (std::size_t b = 0; b < nba; ++b) {
        Goldilocks* kb = &buf[b * R * kLanes];
        if (pow2_live) {
          dif_rows(kb, tr, inverse, live_rows);
        } else {
          std::fill(kb + live_rows * kLanes, kb + R * kLanes, Goldilocks::zero());
          dif_rows(kb, tr, inverse);
        }
        // Z[k1][j2] · ω^{j2 k1} (· n^{-1}) (· s^{j2}), with acc_t = scale·s^{j2_t}·ω^{k1 j2_t}
        // advanced row by row.
        const std::size_t q = qq * nba + b;
        Lanes acc = first;
        Goldilocks* dst = s + q * R * kLanes;
        for (std::size_t k1 = 0; k1 < R; ++k1, dst += kLanes) {
          const Goldilocks* src = kb + tr.rev[k1] * kLanes;
          (P::load(src) * acc.lo).store(dst);
          (P::load(src + 4) * acc.hi).store(dst + 4);
          acc.mul(step);
        }
        step.mul(Lanes{w_adv, w_adv});
        if (shifted) first.mul(Lanes{s_adv, s_adv});
      }
    }
  });

  // Step B: nbb kernels of kRows rows each per group; lane t is word t % D of row a + t / D.
  const std::size_t nbb = kernels_per_gather(C, R / kRows);
  const std::size_t F = std::size_t{1} << opt.fiber_log, Cq = C >> opt.fiber_log;
  parallel_chunks(R / (kRows * nbb), grain, [&](std::size_t lo, std::size_t hi, int) {
    auto buf = make_uninit_array<Goldilocks>(nbb * C * kLanes);
    for (std::size_t g = lo; g < hi; ++g) {
      for (std::size_t b = 0; b < nbb; ++b) {
        const std::size_t a = (g * nbb + b) * kRows;
        Goldilocks* kb = &buf[b * C * kLanes];
        // Tile q: rows a … a+kRows-1 of column block q, T[i][v] = word v of row a+i, i.e.
        // element j2 = q·kLanes/D + v/D, coordinate v % D, which is lane i·D + v % D.
        for (std::size_t q = 0; q < col_blocks; ++q) {
          const Goldilocks* tile = s + (q * R + a) * kLanes;
          Goldilocks* dst = kb + q * (kLanes / D) * kLanes;
          transpose_rows<D>([&](std::size_t i) { return tile + i * kLanes; }, [&](std::size_t e) { return dst + e * kLanes; });
        }
        dif_rows(kb, tc, inverse);
      }
      const std::size_t a = g * nbb * kRows;
      if (opt.fiber_log == 0) {
        // y[k1 + R k2] for the group's nbb·kRows rows k1: nbb·kLanes contiguous words.
        for (std::size_t k2 = 0; k2 < C; ++k2) {
          Goldilocks* dst = out + (a + R * k2) * D;
          for (std::size_t b = 0; b < nbb; ++b)
            std::memcpy(dst + b * kLanes, &buf[(b * C + tc.rev[k2]) * kLanes], kLanes * sizeof(Goldilocks));
        }
        continue;
      }
      // Fiber order: y[k1 + R k2] with k2 = k2lo + Cq·t goes to fiber k1 + R·k2lo, slot t;
      // fiber r is stored as out row r·stride + offset (F elements). Each kernel gives
      // kRows fibers × F slots, gathered from its rows rev(k2lo + Cq·t).
      const std::size_t fw = F * D;  // words per fiber
      for (std::size_t k2lo = 0; k2lo < Cq; ++k2lo) {
        for (std::size_t b = 0; b < nbb; ++b) {
          const Goldilocks* kb = &buf[b * C * kLanes];
          const std::size_t r0 = a + b * kRows + R * k2lo;  // fiber of the kernel's lane 0
          Goldilocks* db = out + (r0 * opt.row_stride + opt.row_offset) * fw;
          const std::size_t rs = opt.row_stride * fw;  // words between the kernel's fibers
          if (F >= kRows) {
            for (std::size_t t0 = 0; t0 < F; t0 += kRows)
              transpose_rows<D>([&](std::size_t t) { return kb + tc.rev[k2lo + (t0 + t) * Cq] * kLanes; },
                                [&](std::size_t i) { return db + i * rs + t0 * D; });
          } else {
            for (std::size_t t = 0; t < F; ++t) {
              const Goldilocks* src = kb + tc.rev[k2lo + t * Cq] * kLanes;
              for (std::size_t i = 0; i < kRows; ++i)
                for (std::size_t d = 0; d < D; ++d) db[i * rs + t * D + d] = src[i * D + d];
            }
          }
        }
      }
    }
  });
}

// rows·D·2^k words, row r at r·2^k·D: each row transformed on its own, kLanes / D
// rows at a time through one kernel of length 2^k (rows interleaved lane-wise).
template <std::size_t D>
void interleaved_rows(Goldilocks* x, std::size_t rows, unsigned k, bool inverse) {
  const std::size_t n = std::size_t{1} << k, row_words = n * D;
  constexpr std::size_t kRows = kLanes / D;
  const Tables& t = tables(k);
  const P scale = P::broadcast(inverse ? inv_pow2(k) : Goldilocks::one());
  const std::size_t groups = (rows + kRows - 1) / kRows;
  const std::size_t grain = rows * n >= kParallelGrain ? 1 : ~std::size_t{0};
  parallel_chunks(groups, grain, [&](std::size_t lo, std::size_t hi, int) {
    auto buf = make_uninit_array<Goldilocks>(n * kLanes);
    for (std::size_t g = lo; g < hi; ++g) {
      const std::size_t a = g * kRows, live = (rows - a < kRows ? rows - a : kRows) * D;  // live lanes
      Goldilocks* base = x + a * row_words;
      if (live == kLanes) {
        for (std::size_t j0 = 0; j0 < n; j0 += kRows)
          transpose_rows<D>([&](std::size_t i) { return base + i * row_words + j0 * D; },
                            [&](std::size_t e) { return &buf[(j0 + e) * kLanes]; });
      } else {
        for (std::size_t j = 0; j < n; ++j)
          for (std::size_t l = 0; l < kLanes; ++l)
            buf[j * kLanes + l] = l < live ? base[(l / D) * row_words + j * D + l % D] : Goldilocks::zero();
      }
      dif_rows(buf.get(), t, inverse);
      if (inverse)
        for (std::size_t j = 0; j < n; ++j) {
          Goldilocks* row = &buf[j * kLanes];
          (P::load(row) * scale).store(row);
          (P::load(row + 4) * scale).store(row + 4);
        }
      if (live == kLanes) {  // kernel row rev(j) holds output j
        for (std::size_t j0 = 0; j0 < n; j0 += kRows)
          transpose_rows<D>([&](std::size_t e) { return &buf[t.rev[j0 + e] * kLanes]; },
                            [&](std::size_t i) { return base + i * row_words + j0 * D; });
      } else {
        for (std::size_t j = 0; j < n; ++j)
          for (std::size_t l = 0; l < live; ++l) base[(l / D) * row_words + j * D + l % D] = buf[t.rev[j] * kLanes + l];
      }
    }
  });
}

// x_i ← g^i · x_i for each of `rows` rows of n elements of D words (packed; parallel
// over each row's packs when rows are long, over rows when they are short).
template <std::size_t D>
void scale_by_powers(Goldilocks* x, std::size_t rows, std::size_t n, Goldilocks g) {
  constexpr std::size_t kPer = PackedGoldilocks::kWidth / D;  // elements per pack
  const std::size_t packs = n / kPer;
  auto run = [&](Goldilocks* row, std::size_t lo, std::size_t hi) {  // packs [lo, hi) of one row
    std::array<Goldilocks, PackedGoldilocks::kWidth> v;
    const Goldilocks first = g.pow(lo * kPer);
    for (std::size_t l = 0; l < v.size(); ++l) v[l] = first * g.pow(l / D);
    P acc = P::load(v.data());
    const P step = P::broadcast(g.pow(kPer));
    for (std::size_t i = lo; i < hi; ++i) {
      Goldilocks* p = row + i * PackedGoldilocks::kWidth;
      (P::load(p) * acc).store(p);
      acc *= step;
    }
    if (hi == packs) {  // elements past the last whole pack (n < kPer)
      Goldilocks tail = g.pow(packs * kPer);
      for (std::size_t i = packs * kPer; i < n; ++i, tail *= g)
        for (std::size_t d = 0; d < D; ++d) row[i * D + d] *= tail;
    }
  };
  if (n >= kParallelGrain) {
    for (std::size_t r = 0; r < rows; ++r)
      parallel_chunks(packs, [&](std::size_t lo, std::size_t hi, int) { run(x + r * n * D, lo, hi); });
  } else {
    parallel_chunks(rows, kParallelGrain / n + 1, [&](std::size_t lo, std::size_t hi, int) {
      for (std::size_t r = lo; r < hi; ++r) run(x + r * n * D, 0, packs);
    });
  }
}

struct Params {
  bool inverse = false;
  bool coset = false;
  Goldilocks shift = kNttCosetShift;
};

// Rows of 2^k elements at a time: rows·2^k·D words. Coset shifts and inverse
// scaling included. Chooses: scalar radix-2 (k < 6); lane-interleaved rows (several
// rows, k ≤ 16, enough row groups to feed the threads); otherwise a four-step per
// row (rows in parallel when many and short, else each row's blocks in parallel).
template <class T>
void transform_rows(T* data, std::size_t rows, unsigned k, const Params& prm) {
  constexpr std::size_t D = kWords<T>;
  Goldilocks* x = words(data);
  const std::size_t n = std::size_t{1} << k;
  if (prm.coset && !prm.inverse) scale_by_powers<D>(x, rows, n, prm.shift);
  if (k < kMinFourStepLog) {
    const std::size_t grain = rows * n >= kParallelGrain ? 1 : ~std::size_t{0};
    parallel_chunks(rows, grain, [&](std::size_t lo, std::size_t hi, int) {
      for (std::size_t r = lo; r < hi; ++r) small_transform(data + r * n, k, prm.inverse);
    });
  } else if (rows >= 2 && k <= kMaxInterleavedLog &&
             (k <= 12 || (rows + kLanes / D - 1) / (kLanes / D) >= static_cast<std::size_t>(max_threads()))) {
    interleaved_rows<D>(x, rows, k, prm.inverse);
  } else if (rows >= 2 * static_cast<std::size_t>(max_threads()) && n * D <= (std::size_t{1} << 18)) {
    parallel_chunks(rows, 1, [&](std::size_t lo, std::size_t hi, int) {
      auto scratch = make_uninit_array<Goldilocks>(n * D);
      for (std::size_t r = lo; r < hi; ++r) four_step<D>(x + r * n * D, n >> (k / 2), x + r * n * D, scratch.get(), k, prm.inverse, false);
    });
  } else {
    auto scratch = make_uninit_array<Goldilocks>(n * D);
    for (std::size_t r = 0; r < rows; ++r)
      four_step<D>(x + r * n * D, n >> (k / 2), x + r * n * D, scratch.get(), k, prm.inverse, n >= kParallelGrain);
  }
  if (prm.coset && prm.inverse) scale_by_powers<D>(x, rows, n, prm.shift.inverse());
}

// out (2^k elements) ← ntt of in (in_len = 2^m ≤ 2^k elements) zero-padded to 2^k.
// When in covers whole rows of the four-step view, step A reads in directly and the
// padding is never written or read; otherwise in is copied and padded first.
template <class T>
void padded_forward(const T* in, std::size_t in_len, T* out, unsigned k) {
  constexpr std::size_t D = kWords<T>;
  const std::size_t n = std::size_t{1} << k, C = std::size_t{1} << (k / 2);
  if (k >= kMinFourStepLog && in_len >= C) {
    auto scratch = make_uninit_array<Goldilocks>(n * D);
    four_step<D>(words(in), in_len / C, words(out), scratch.get(), k, false, n >= kParallelGrain);
    return;
  }
  if (out != in) std::copy(in, in + in_len, out);
  std::fill(out + in_len, out + n, T::zero());
  transform_rows(out, 1, k, Params{});
}

// Whether padded_forward_with can run a transform of 2^k points from in_len inputs
// with these options: the four-step path, whole rows of input, fibers within a row.
inline bool four_step_applies(std::size_t in_len, unsigned k, unsigned fiber_log) noexcept {
  return k >= kMinFourStepLog && in_len >= (std::size_t{1} << (k / 2)) && fiber_log <= k / 2;
}

// padded_forward with FourStepOptions (fiber order, column Möbius); out must not
// overlap in. Requires four_step_applies(in_len, k, opt.fiber_log).
template <class T>
void padded_forward_with(const T* in, std::size_t in_len, T* out, unsigned k, FourStepOptions opt) {
  constexpr std::size_t D = kWords<T>;
  const std::size_t n = std::size_t{1} << k, C = std::size_t{1} << (k / 2);
  auto scratch = make_uninit_array<Goldilocks>(n * D);
  four_step<D>(words(in), in_len / C, words(out), scratch.get(), k, false, n >= kParallelGrain, opt);
}

inline unsigned checked_log(std::size_t n, const char* who) {
  if (!is_power_of_two(n)) throw ArgumentError(std::string(who) + ": length " + std::to_string(n) + " is not a power of two");
  const unsigned k = log2_ceil(n);
  if (k > kMaxLogNtt) throw ArgumentError(std::string(who) + ": length 2^" + std::to_string(k) + " exceeds 2^32");
  return k;
}

template <class T>
void run(std::span<T> data, const Params& prm, const char* who) {
  transform_rows(data.data(), 1, checked_log(data.size(), who), prm);
}

template <class T>
void run_batch(std::span<T> data, std::size_t row_len, const Params& prm, const char* who) {
  const unsigned k = checked_log(row_len, who);
  if (data.size() % row_len != 0)
    throw ArgumentError(std::string(who) + ": " + std::to_string(data.size()) + " elements are not whole rows of " +
                        std::to_string(row_len));
  if (!data.empty()) transform_rows(data.data(), data.size() / row_len, k, prm);
}

}  // namespace detail::ntt

// ---- single transforms, in place, natural order (conventions at the top) -----
// ArgumentError unless data.size() = 2^k with k ≤ 32.

// y_j = Σ_i x_i ω^{ij}, ω = Goldilocks::root_of_unity(k).
template <NttElement T>
void ntt(std::span<T> data) {
  detail::ntt::run(data, {}, "ntt");
}
// x_i = n^{-1} Σ_j y_j ω^{-ij}.
template <NttElement T>
void intt(std::span<T> data) {
  detail::ntt::run(data, {.inverse = true}, "intt");
}
// y_j = Σ_i x_i (shift·ω^j)^i: evaluations on the coset shift·<ω>.
template <NttElement T>
void coset_ntt(std::span<T> data, Goldilocks shift = kNttCosetShift) {
  detail::ntt::run(data, {.coset = true, .shift = shift}, "coset_ntt");
}
// Inverse of coset_ntt with the same shift (shift ≠ 0).
template <NttElement T>
void coset_intt(std::span<T> data, Goldilocks shift = kNttCosetShift) {
  if (shift.is_zero()) throw ArgumentError("coset_intt: zero shift");
  detail::ntt::run(data, {.inverse = true, .coset = true, .shift = shift}, "coset_intt");
}

// ---- batched: data holds rows of row_len elements, row r at data[r·row_len, …) -----
// Each row transformed independently, exactly as the single forms above.
// ArgumentError unless row_len = 2^k (k ≤ 32) divides data.size().

template <NttElement T>
void ntt_batch(std::span<T> data, std::size_t row_len) {
  detail::ntt::run_batch(data, row_len, {}, "ntt_batch");
}
template <NttElement T>
void intt_batch(std::span<T> data, std::size_t row_len) {
  detail::ntt::run_batch(data, row_len, {.inverse = true}, "intt_batch");
}
template <NttElement T>
void coset_ntt_batch(std::span<T> data, std::size_t row_len, Goldilocks shift = kNttCosetShift) {
  detail::ntt::run_batch(data, row_len, {.coset = true, .shift = shift}, "coset_ntt_batch");
}
template <NttElement T>
void coset_intt_batch(std::span<T> data, std::size_t row_len, Goldilocks shift = kNttCosetShift) {
  if (shift.is_zero()) throw ArgumentError("coset_intt_batch: zero shift");
  detail::ntt::run_batch(data, row_len, {.inverse = true, .coset = true, .shift = shift}, "coset_intt_batch");
}

// Overloads for vectors (span deduction does not see through std::vector).
template <NttElement T>
void ntt(std::vector<T>& v) {
  ntt(std::span<T>(v));
}
template <NttElement T>
void intt(std::vector<T>& v) {
  intt(std::span<T>(v));
}
template <NttElement T>
void coset_ntt(std::vector<T>& v, Goldilocks shift = kNttCosetShift) {
  coset_ntt(std::span<T>(v), shift);
}
template <NttElement T>
void coset_intt(std::vector<T>& v, Goldilocks shift = kNttCosetShift) {
  coset_intt(std::span<T>(v), shift);
}
template <NttElement T>
void ntt_batch(std::vector<T>& v, std::size_t row_len) {
  ntt_batch(std::span<T>(v), row_len);
}
template <NttElement T>
void intt_batch(std::vector<T>& v, std::size_t row_len) {
  intt_batch(std::span<T>(v), row_len);
}

}  // namespace vtensor
