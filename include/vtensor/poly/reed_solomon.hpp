// vtensor/poly/reed_solomon.hpp — Reed–Solomon encoding and the multilinear ↔
// univariate correspondence used by WHIR / BaseFold-style commitments.
//
// Code. A message m of 2^k elements is the coefficient vector of
//   F(X) = Σ_{i<2^k} m_i X^i,
// and its codeword at rate 2^-ρ (ρ = 1 … 16) is F on the subgroup L = <ω> of order N = 2^{k+ρ},
// ω = Goldilocks::root_of_unity(k+ρ), in NATURAL order:
//   codeword[i] = F(ω^i),  i < N.
// So L^{2^f} (the domain after f WHIR/BaseFold folds) is <ω^{2^f}>, and the 2^f
// points of L over one point y = ω^{2^f i} of L^{2^f} are ω^{i + j·N/2^f}, j < 2^f:
// indices i, i + N/2^f, i + 2N/2^f, … (a column when the codeword is read as a
// 2^f × N/2^f row-major matrix). Computed by zero-padding and one ntt of size N.
//
// Multilinear ↔ univariate. A table e of 2^n entries (evaluation form, mle/dense.hpp:
// x_j = bit j of the index) has monomial coefficients c with
//   f(x) = Σ_i c_i Π_j x_j^{bit_j(i)},   e[i] = Σ_{s ⊆ i} c_s   (zeta transform),
// so c[i] = Σ_{s ⊆ i} (-1)^{|i \ s|} e[s] (Möbius transform). The univariate
// F(X) = Σ c_i X^i then satisfies f(z, z^2, z^4, …, z^{2^{n-1}}) = F(z): the code of
// the multilinear f is the Reed–Solomon code of c.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/buffer.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/packed_goldilocks.hpp"
#include "vtensor/poly/ntt.hpp"

namespace vtensor {

// Supported rates 2^-ρ. A commitment starts at ρ = 1 … 4; WHIR's later rounds run at
// lower rates (folding by 2^k halves the domain: ρ_{i+1} = ρ_i + k − 1), hence 16.
inline constexpr unsigned kMinRsLogInvRate = 1;
inline constexpr unsigned kMaxRsLogInvRate = 16;

// F(x) = Σ_i c_i x^i by Horner's rule (coefficients in F, point and result in E ⊇ F).
template <class E, class F>
E univariate_evaluate(std::span<const F> coeffs, const E& x) {
  E acc = E::zero();
  for (std::size_t i = coeffs.size(); i-- > 0;) acc = acc * x + E(coeffs[i]);
  return acc;
}

// The domain point of codeword index i for a codeword of 2^log_n entries: ω^i.
inline Goldilocks rs_domain_point(unsigned log_n, std::size_t i) {
  if (log_n > kMaxLogNtt) throw ArgumentError("rs_domain_point: domain 2^" + std::to_string(log_n) + " too large");
  return Goldilocks::root_of_unity(log_n).pow(i);
}

namespace detail::poly {

inline unsigned rs_check(std::size_t message_len, unsigned log_inv_rate, const char* who) {
  if (log_inv_rate < kMinRsLogInvRate || log_inv_rate > kMaxRsLogInvRate)
    throw ArgumentError(std::string(who) + ": rate 2^-" + std::to_string(log_inv_rate) + " not in 2^-1 … 2^-16");
  if (!is_power_of_two(message_len))
    throw ArgumentError(std::string(who) + ": message length " + std::to_string(message_len) + " is not a power of two");
  const unsigned k = log2_ceil(message_len);
  if (k + log_inv_rate > kMaxLogNtt)
    throw ArgumentError(std::string(who) + ": codeword 2^" + std::to_string(k + log_inv_rate) + " exceeds 2^32");
  return k;
}

// hi[i] ← hi[i] + s·lo[i] over len words, s = ±1 (packed over the bulk).
template <bool kAdd>
void axpy_words(Goldilocks* VTENSOR_RESTRICT hi, const Goldilocks* VTENSOR_RESTRICT lo, std::size_t len) noexcept {
  using P = PackedGoldilocks;
  std::size_t i = 0;
  for (; i + P::kWidth <= len; i += P::kWidth) {
    const P a = P::load(hi + i), b = P::load(lo + i);
    (kAdd ? a + b : a - b).store(hi + i);
  }
  for (; i < len; ++i) hi[i] = kAdd ? hi[i] + lo[i] : hi[i] - lo[i];
}

// The bits whose pairs lie inside one pack of 4 words (element strides of 1 and 2
// words), for every pack of x[0, len): shuffles instead of scalar passes.
template <bool kAdd>
void in_pack_passes(Goldilocks* x, std::size_t len, std::size_t D) noexcept {
#if VTENSOR_HAS_AVX2
  const __m256i zero = _mm256_setzero_si256();
  for (std::size_t i = 0; i + 4 <= len; i += 4) {
    __m256i v = PackedGoldilocks::load(x + i).reg();
    if (D == 1) {  // stride 1: lanes (1, 3) ± lanes (0, 2)
      const __m256i lo = _mm256_blend_epi32(zero, _mm256_shuffle_epi32(v, 0x44), 0xCC);
      v = kAdd ? detail::avx2::add(v, lo) : detail::avx2::sub(v, lo);
    }
    // stride 2: lanes (2, 3) ± lanes (0, 1)
    const __m256i lo = _mm256_blend_epi32(zero, _mm256_permute4x64_epi64(v, 0x40), 0xF0);
    v = kAdd ? detail::avx2::add(v, lo) : detail::avx2::sub(v, lo);
    PackedGoldilocks(PackedGoldilocks::Batch(v)).store(x + i);
  }
#else
  for (std::size_t half = D; half < 4; half *= 2)
    for (std::size_t blk = 0; blk + 2 * half <= len; blk += 2 * half)
      for (std::size_t i = 0; i < half; ++i) x[blk + half + i] = kAdd ? x[blk + half + i] + x[blk + i] : x[blk + half + i] - x[blk + i];
#endif
}

// The passes of bits j < b on one contiguous chunk of 2^b elements (2^b·D words).
template <bool kAdd>
void subset_chunk(Goldilocks* base, unsigned b, std::size_t D) noexcept {
  const std::size_t chunk = (std::size_t{1} << b) * D;
  unsigned j = 0;
  if (chunk >= 4) {  // element strides below a pack
    in_pack_passes<kAdd>(base, chunk, D);
    j = D == 1 ? 2 : 1;
  }
  for (; j < b; ++j) {
    const std::size_t half = (std::size_t{1} << j) * D;
    for (std::size_t blk = 0; blk < chunk; blk += 2 * half) axpy_words<kAdd>(base + blk + half, base + blk, half);
  }
}

// dst ← src (n_chunks chunks of 2^b elements) with the passes of bits j < b applied
// chunk by chunk, while each chunk is in cache (dst may equal src).
template <bool kAdd>
void subset_chunks_copy(const Goldilocks* src, Goldilocks* dst, std::size_t n_chunks, unsigned b, std::size_t D) {
  const std::size_t chunk = (std::size_t{1} << b) * D;
  parallel_chunks(n_chunks, (kParallelGrain >> b) + 1, [&](std::size_t lo, std::size_t hi, int) {
    for (std::size_t c = lo; c < hi; ++c) {
      if (src != dst) std::memcpy(dst + c * chunk, src + c * chunk, chunk * sizeof(Goldilocks));
      subset_chunk<kAdd>(dst + c * chunk, b, D);
    }
  });
}

// The bands of bits ≥ min(m, kBlock) of subset_transform_copy, in place.
template <bool kAdd>
void subset_high_bands(Goldilocks* x, unsigned m, std::size_t D, unsigned kBlock) {
  constexpr std::size_t kStripe = 8;
  const unsigned b = std::min(m, kBlock);
  const std::size_t total = (std::size_t{1} << m) * D;
  for (unsigned lo_bit = b; lo_bit < m; lo_bit += kBlock) {
    const unsigned bits = std::min(kBlock, m - lo_bit);
    const std::size_t rows = std::size_t{1} << bits, stride = (std::size_t{1} << lo_bit) * D;
    const std::size_t stripes = stride / kStripe, tasks = (total / (stride * rows)) * stripes;
    parallel_chunks(tasks, 1, [&](std::size_t lo, std::size_t hi, int) {
      auto buf = make_uninit_array<Goldilocks>(rows * kStripe);
      for (std::size_t t = lo; t < hi; ++t) {
        Goldilocks* base = x + (t / stripes) * stride * rows + (t % stripes) * kStripe;
        for (std::size_t r = 0; r < rows; ++r) std::memcpy(&buf[r * kStripe], base + r * stride, kStripe * sizeof(Goldilocks));
        for (unsigned j = 0; j < bits; ++j) {
          const std::size_t half = (std::size_t{1} << j) * kStripe;
          for (std::size_t blk = 0; blk < rows * kStripe; blk += 2 * half)
            axpy_words<kAdd>(&buf[blk + half], &buf[blk], half);
        }
        for (std::size_t r = 0; r < rows; ++r) std::memcpy(base + r * stride, &buf[r * kStripe], kStripe * sizeof(Goldilocks));
      }
    });
  }
}

// For every bit j < m of the element index, for i without bit j:
//   x[i + 2^j] ← x[i + 2^j] ± x[i]   (+: zeta, coefficients → evaluations; −: Möbius).
// Elements are D words each; the update is word by word, so one routine serves
// both fields. The passes commute, so bits are taken kBlock at a time: bits below
// kBlock inside contiguous chunks of 2^kBlock elements (while copying src to dst);
// each higher band of kBlock bits on stripes (kStripe words wide, one row per value
// of the band's bits) copied into a buffer, so a table of 2^m entries costs
// ⌈m / kBlock⌉ passes over memory. dst may equal src. (kBlock is a parameter only so
// that tests reach three and more bands.)
template <bool kAdd>
void subset_transform_copy(const Goldilocks* src, Goldilocks* dst, unsigned m, std::size_t D, unsigned kBlock = 12) {
  kBlock = std::max(kBlock, 3u);  // stripes of kStripe words need 2^kBlock·D ≥ kStripe
  const unsigned b = std::min(m, kBlock);
  subset_chunks_copy<kAdd>(src, dst, std::size_t{1} << (m - b), b, D);
  subset_high_bands<kAdd>(dst, m, D, kBlock);
}

template <bool kAdd>
void subset_transform(Goldilocks* x, unsigned m, std::size_t D, unsigned kBlock = 12) {
  subset_transform_copy<kAdd>(x, x, m, D, kBlock);
}

// dst[j·rows + i] = src[i·cols + j]: rows × cols → cols × rows, in 32 × 32 tiles,
// parallel over column tiles.
template <class T>
void transpose(const T* VTENSOR_RESTRICT src, std::size_t rows, std::size_t cols, T* VTENSOR_RESTRICT dst) {
  constexpr std::size_t kTile = 32;
  const std::size_t col_tiles = (cols + kTile - 1) / kTile;
  parallel_chunks(col_tiles, std::max<std::size_t>(1, kParallelGrain / (kTile * std::max<std::size_t>(rows, 1))),
                  [&](std::size_t lo, std::size_t hi, int) {
                    for (std::size_t ct = lo; ct < hi; ++ct) {
                      const std::size_t j1 = std::min(cols, (ct + 1) * kTile);
                      for (std::size_t i0 = 0; i0 < rows; i0 += kTile) {
                        const std::size_t i1 = std::min(rows, i0 + kTile);
                        for (std::size_t j = ct * kTile; j < j1; ++j)
                          for (std::size_t i = i0; i < i1; ++i) dst[j * rows + i] = src[i * cols + j];
                      }
                    }
                  });
}

// The R×C view of 2^m elements of D words (C = 2^{⌊m/2⌋}, the four-step's) by column
// blocks of 8 words: blk[(q·R + j1)·8 + w] = x[j1·C·D + 8q + w]. With kMobius, the
// subset passes x[j1 + 2^j] −= x[j1] of the row-index bits (index bits ≥ ⌊m/2⌋) run
// on each block while it is in cache.
template <bool kMobius>
void column_blocks(const Goldilocks* x, Goldilocks* blk, unsigned m, std::size_t D) {
  constexpr std::size_t kW = ntt::kLanes;
  const unsigned c = m / 2;
  const std::size_t rows = std::size_t{1} << (m - c), row_words = (std::size_t{1} << c) * D;
  parallel_chunks(row_words / kW, 1, [&](std::size_t lo, std::size_t hi, int) {
    for (std::size_t q = lo; q < hi; ++q) {
      Goldilocks* b = blk + q * rows * kW;
      for (std::size_t j1 = 0; j1 < rows; ++j1)
        std::memcpy(b + j1 * kW, x + j1 * row_words + q * kW, kW * sizeof(Goldilocks));
      if constexpr (kMobius)
        for (std::size_t half = kW; half < rows * kW; half *= 2)
          for (std::size_t o = 0; o < rows * kW; o += 2 * half) axpy_words<false>(b + o + half, b + o, half);
    }
  });
}

// Whether coset_fibers handles a message of 2^m elements and fibers of 2^f points.
inline bool coset_fibers_apply(unsigned m, unsigned f) noexcept {
  return m >= ntt::kMinFourStepLog && f >= 1 && f <= m / 2;
}

// The fiber-order codeword (rs_encode_fibers) of the 2^m coefficients c at rate 2^-ρ,
// one coset at a time, without a codeword-sized scratch table. With N = 2^{m+ρ} and
// i = t + 2^ρ m' (t < 2^ρ): F(ω_N^i) = Σ_j c_j ω_N^{tj} ω_{2^m}^{j m'}, the transform of
// 2^m points of c_j·(ω_N^t)^j. All points of a fiber share t (M = N/2^f is a multiple
// of 2^ρ), and fiber j' of that transform (fiber order of 2^m points) is fiber
// t + 2^ρ j' of the codeword: the four-step writes it there directly. blk: c by
// column blocks (column_blocks), read 2^ρ times by contiguous gathers.
// Small transforms (≤ 2^22 words) are split over the threads by whole cosets (one
// scratch table each, one parallel region in all: short parallel regions cost more
// than they save on a loaded machine); large ones are parallel inside.
template <class T>
void coset_fibers(const Goldilocks* blk, unsigned m, unsigned rho, unsigned f, T* out) {
  constexpr std::size_t D = ntt::kWords<T>;
  const std::size_t n = std::size_t{1} << m, cosets = std::size_t{1} << rho;
  const Goldilocks w = Goldilocks::root_of_unity(m + rho);
  const std::size_t nt = static_cast<std::size_t>(max_threads());
  const bool by_coset = nt > 1 && cosets % nt == 0 && n * D <= (std::size_t{1} << 22);
  parallel_chunks(cosets, by_coset ? 1 : cosets + 1, [&](std::size_t lo, std::size_t hi, int) {
    auto scratch = make_uninit_array<Goldilocks>(n * D);
    Goldilocks shift = w.pow(lo);
    for (std::size_t t = lo; t < hi; ++t, shift *= w)
      ntt::four_step<D>(blk, n >> (m / 2), ntt::words(out), scratch.get(), m, false, !by_coset && n >= kParallelGrain,
                        {.shift = shift, .fiber_log = f, .row_stride = cosets, .row_offset = t, .blocked_input = true});
  });
}

template <class T>
unsigned table_vars(std::size_t n, const char* who) {
  if (!is_power_of_two(n)) throw ArgumentError(std::string(who) + ": table of " + std::to_string(n) + " entries is not 2^n");
  return log2_ceil(n);
}

}  // namespace detail::poly

// codeword[i] = F(ω^i), i < 2^{k+ρ}, F(X) = Σ m_i X^i (module comment). message has
// 2^k elements; codeword has exactly 2^{k+ρ} and must not overlap message.
// ArgumentError unless 1 ≤ ρ ≤ 16, k + ρ ≤ 32 and the sizes agree.
template <NttElement T>
void rs_encode_into(std::span<const T> message, unsigned log_inv_rate, std::span<T> codeword) {
  const unsigned k = detail::poly::rs_check(message.size(), log_inv_rate, "rs_encode");
  if (codeword.size() != (std::size_t{1} << (k + log_inv_rate)))
    throw ArgumentError("rs_encode: codeword buffer of " + std::to_string(codeword.size()) + " elements, expected 2^" +
                        std::to_string(k + log_inv_rate));
  const auto m0 = reinterpret_cast<std::uintptr_t>(message.data()), c0 = reinterpret_cast<std::uintptr_t>(codeword.data());
  if (m0 < c0 + codeword.size() * sizeof(T) && c0 < m0 + message.size() * sizeof(T))
    throw ArgumentError("rs_encode: message and codeword overlap");
  detail::ntt::padded_forward(message.data(), message.size(), codeword.data(), k + log_inv_rate);
}

template <NttElement T>
std::vector<T> rs_encode(std::span<const T> message, unsigned log_inv_rate) {
  const unsigned k = detail::poly::rs_check(message.size(), log_inv_rate, "rs_encode");
  std::vector<T> out(std::size_t{1} << (k + log_inv_rate));
  rs_encode_into(message, log_inv_rate, std::span<T>(out));
  return out;
}

// Codeword matrix of an interleaved code (Ligero-style): rows = messages.size() /
// row_len messages of row_len = 2^k elements each (row-major, row r at r·row_len),
// each encoded as rs_encode does, N = 2^{k+ρ} entries per codeword.
//   kRowMajor:    out[r·N + i]    = codeword_r[i]   (rows × N)
//   kColumnMajor: out[i·rows + r] = codeword_r[i]   (N × rows: column i, the Merkle
//                 leaf of a Ligero commitment, is contiguous)
enum class CodewordLayout { kRowMajor, kColumnMajor };

template <NttElement T>
std::vector<T> rs_encode_rows(std::span<const T> messages, std::size_t row_len, unsigned log_inv_rate,
                              CodewordLayout layout = CodewordLayout::kRowMajor) {
  const unsigned k = detail::poly::rs_check(row_len, log_inv_rate, "rs_encode_rows");
  if (messages.size() % row_len != 0)
    throw ArgumentError("rs_encode_rows: " + std::to_string(messages.size()) + " elements are not whole rows of " +
                        std::to_string(row_len));
  const std::size_t rows = messages.size() / row_len, n = std::size_t{1} << (k + log_inv_rate);
  std::vector<T> out(rows * n);
  if (n > (std::size_t{1} << 16)) {  // long rows: one parallel transform each, padding never read
    for (std::size_t r = 0; r < rows; ++r)
      detail::ntt::padded_forward(messages.data() + r * row_len, row_len, out.data() + r * n, k + log_inv_rate);
  } else {
    detail::parallel_chunks(rows, std::max<std::size_t>(1, detail::kParallelGrain / n), [&](std::size_t lo, std::size_t hi, int) {
      for (std::size_t r = lo; r < hi; ++r) {
        std::memcpy(out.data() + r * n, messages.data() + r * row_len, row_len * sizeof(T));
        std::fill(out.data() + r * n + row_len, out.data() + (r + 1) * n, T::zero());
      }
    });
    ntt_batch(std::span<T>(out), n);
  }
  if (layout == CodewordLayout::kRowMajor || rows <= 1) return out;
  std::vector<T> t(rows * n);
  detail::poly::transpose(out.data(), rows, n, t.data());
  return t;
}

namespace detail::poly {
// The checks shared by the *_fibers_into encoders: the input is a valid message
// (rs_check), the fibers fit the domain, out holds the whole codeword and does not
// overlap the input. Returns k = log2 of the message length.
template <class T>
unsigned fibers_into_check(std::span<const T> in, unsigned log_inv_rate, unsigned log_fiber, std::span<T> out,
                           const char* who) {
  const unsigned k = rs_check(in.size(), log_inv_rate, who);
  const unsigned log_n = k + log_inv_rate;
  if (log_fiber > log_n)
    throw ArgumentError(std::string(who) + ": fibers of 2^" + std::to_string(log_fiber) + " points in a domain of 2^" +
                        std::to_string(log_n));
  if (out.size() != (std::size_t{1} << log_n))
    throw ArgumentError(std::string(who) + ": output of " + std::to_string(out.size()) + " elements, expected 2^" +
                        std::to_string(log_n));
  const auto i0 = reinterpret_cast<std::uintptr_t>(in.data()), o0 = reinterpret_cast<std::uintptr_t>(out.data());
  if (i0 < o0 + out.size() * sizeof(T) && o0 < i0 + in.size() * sizeof(T))
    throw ArgumentError(std::string(who) + ": input and codeword overlap");
  return k;
}
}  // namespace detail::poly

// The codeword of rs_encode in fiber order, for Merkle leaves that hold whole fibers
// of x ↦ x^{2^f} (WHIR / FRI folding by 2^f at once): with N = 2^{k+ρ} and M = N / 2^f,
//   out[j·2^f + s] = F(ω^{j + s·M}),   j < M, s < 2^f,
// so leaf j = out[j·2^f, (j+1)·2^f) is the set of points whose 2^f-th power is ω^{2^f j}.
// ArgumentError as rs_encode, and unless f ≤ k + ρ. For 1 ≤ f ≤ ⌊k/2⌋ (k ≥ 6) it is
// computed one coset at a time (detail::poly::coset_fibers: no codeword-sized
// scratch, fibers written in place); otherwise by one four-step writing the fiber
// order (f ≤ ⌊(k+ρ)/2⌋) or a transposed natural-order codeword.
// rs_encode_fibers_into: the same into out (2^{k+ρ} elements, not overlapping message).
template <NttElement T>
void rs_encode_fibers_into(std::span<const T> message, unsigned log_inv_rate, unsigned log_fiber, std::span<T> out) {
  const unsigned k = detail::poly::fibers_into_check<T>(message, log_inv_rate, log_fiber, out, "rs_encode_fibers");
  const unsigned log_n = k + log_inv_rate;
  if (log_fiber == 0) return rs_encode_into(message, log_inv_rate, out);
  if (detail::poly::coset_fibers_apply(k, log_fiber)) {
    auto blk = detail::make_uninit_array<Goldilocks>(message.size() * detail::ntt::kWords<T>);
    detail::poly::column_blocks<false>(detail::ntt::words(message.data()), blk.get(), k, detail::ntt::kWords<T>);
    return detail::poly::coset_fibers(blk.get(), k, log_inv_rate, log_fiber, out.data());
  }
  if (detail::ntt::four_step_applies(message.size(), log_n, log_fiber)) {
    detail::ntt::padded_forward_with(message.data(), message.size(), out.data(), log_n, {.fiber_log = log_fiber});
    return;
  }
  auto cw = detail::make_uninit_array<T>(out.size());
  detail::ntt::padded_forward(message.data(), message.size(), cw.get(), log_n);
  detail::poly::transpose(cw.get(), std::size_t{1} << log_fiber, out.size() >> log_fiber, out.data());
}

template <NttElement T>
std::vector<T> rs_encode_fibers(std::span<const T> message, unsigned log_inv_rate, unsigned log_fiber) {
  const unsigned k = detail::poly::rs_check(message.size(), log_inv_rate, "rs_encode_fibers");
  std::vector<T> out(std::size_t{1} << (k + log_inv_rate));
  rs_encode_fibers_into(message, log_inv_rate, log_fiber, std::span<T>(out));  // checks log_fiber
  return out;
}

// The fiber-order codeword (rs_encode_fibers) of the multilinear table `evals`
// (hypercube evaluations): message = its Möbius transform (monomial coefficients).
// On the coset path the Möbius passes of the bits below ⌊m/2⌋ run row by row while
// evals is copied into the front of out (free until the cosets write it), those of
// the higher bits while the column blocks are cut (column_blocks); evals is not
// modified and must not overlap out.
template <NttElement T>
void mle_encode_fibers_into(std::span<const T> evals, unsigned log_inv_rate, unsigned log_fiber, std::span<T> out) {
  const unsigned k = detail::poly::fibers_into_check<T>(evals, log_inv_rate, log_fiber, out, "mle_encode_fibers");
  constexpr std::size_t D = detail::ntt::kWords<T>;
  const Goldilocks* ew = detail::ntt::words(evals.data());
  if (detail::poly::coset_fibers_apply(k, log_fiber)) {
    const unsigned c = k / 2;
    Goldilocks* nat = detail::ntt::words(out.data());
    detail::poly::subset_chunks_copy<false>(ew, nat, evals.size() >> c, c, D);
    auto blk = detail::make_uninit_array<Goldilocks>(evals.size() * D);
    detail::poly::column_blocks<true>(nat, blk.get(), k, D);
    detail::poly::coset_fibers(blk.get(), k, log_inv_rate, log_fiber, out.data());
    return;
  }
  auto coeffs = detail::make_uninit_array<T>(evals.size());
  detail::poly::subset_transform_copy<false>(ew, detail::ntt::words(coeffs.get()), k, D);
  rs_encode_fibers_into(std::span<const T>(coeffs.get(), evals.size()), log_inv_rate, log_fiber, out);
}

// ---- multilinear ↔ univariate ---------------------------------------------------

// Evaluations on {0,1}^n (index bit j = x_j) → monomial coefficients, in place:
// c[i] = Σ_{s ⊆ i} (-1)^{|i \ s|} e[s]. O(n 2^n) additions, parallel.
template <NttElement T>
void mle_evals_to_coeffs(std::span<T> table) {
  const unsigned m = detail::poly::table_vars<T>(table.size(), "mle_evals_to_coeffs");
  detail::poly::subset_transform<false>(detail::ntt::words(table.data()), m, detail::ntt::kWords<T>);
}

// Monomial coefficients → evaluations on {0,1}^n, in place: e[i] = Σ_{s ⊆ i} c[s].
template <NttElement T>
void mle_coeffs_to_evals(std::span<T> table) {
  const unsigned m = detail::poly::table_vars<T>(table.size(), "mle_coeffs_to_evals");
  detail::poly::subset_transform<true>(detail::ntt::words(table.data()), m, detail::ntt::kWords<T>);
}

template <NttElement T>
void mle_evals_to_coeffs(std::vector<T>& v) {
  mle_evals_to_coeffs(std::span<T>(v));
}
template <NttElement T>
void mle_coeffs_to_evals(std::vector<T>& v) {
  mle_coeffs_to_evals(std::span<T>(v));
}

// f(z) = Σ_i c_i Π_j z_j^{bit_j(i)} from monomial coefficients (2^n of them, n =
// point.size()): folds the highest variable first, c'[i] = c[i] + z_{n-1} c[i + h].
template <class E, class F>
E multilinear_coeffs_evaluate(std::span<const F> coeffs, std::span<const E> point) {
  const std::size_t n = point.size();
  if (coeffs.size() != (std::size_t{1} << n))
    throw ArgumentError("multilinear_coeffs_evaluate: " + std::to_string(coeffs.size()) + " coefficients for " +
                        std::to_string(n) + " variables");
  if (n == 0) return E(coeffs[0]);
  std::size_t h = coeffs.size() / 2;
  std::vector<E> t(h);
  detail::parallel_for(h, [&](std::size_t i) { t[i] = E(coeffs[i]) + point[n - 1] * coeffs[i + h]; });
  for (std::size_t j = n - 1; j-- > 0;) {
    h /= 2;
    detail::parallel_for(h, [&](std::size_t i) { t[i] = t[i] + point[j] * t[i + h]; });
  }
  return t[0];
}

}  // namespace vtensor
