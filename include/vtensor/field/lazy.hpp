// vtensor/field/lazy.hpp — lazily reduced sums of Goldilocks products.
//
// Sums of products dominate sumcheck provers. Reducing every 128-bit product
// costs ~15 instructions; adding it to a 192-bit accumulator costs 3. The sum is
// reduced once at the end:
//   acc = lo + 2^64·hi + 2^128·top,   2^128 ≡ −2^32 (mod p)   (2^96 ≡ −1).
// An accumulator absorbs up to 2^64 products before `top` could wrap.
#pragma once

#include <cstdint>

#include "vtensor/config.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"

namespace vtensor {

struct LazySum {
  unsigned __int128 acc = 0;
  std::uint64_t top = 0;

  VTENSOR_FORCE_INLINE void add_product(Goldilocks a, Goldilocks b) noexcept {
    add_wide(static_cast<unsigned __int128>(a.value()) * b.value());
  }
  VTENSOR_FORCE_INLINE void add_wide(unsigned __int128 p) noexcept {
    acc += p;
    top += static_cast<std::uint64_t>(acc < p);  // carry out of bit 127
  }
  VTENSOR_FORCE_INLINE void add(Goldilocks a) noexcept { add_wide(a.value()); }
  VTENSOR_FORCE_INLINE void merge(const LazySum& o) noexcept {
    add_wide(o.acc);
    top += o.top;
  }
  Goldilocks reduce() const noexcept {
    const Goldilocks low = Goldilocks::from_canonical(Goldilocks::reduce128(acc));
    const Goldilocks hi = Goldilocks::from_u64(top) * Goldilocks::from_canonical(std::uint64_t{1} << 32);
    return low - hi;
  }
};

// Σ a_i · b_i over F_p^2 with b possibly in F_p: the four cross products are
// accumulated separately and combined once: c0 = Σ a0 b0 + 7 Σ a1 b1, c1 = Σ (a0 b1 + a1 b0).
struct LazyExtSum {
  LazySum c00, c11, cross;

  VTENSOR_FORCE_INLINE void add_product(const GoldilocksExt2& a, const GoldilocksExt2& b) noexcept {
    c00.add_product(a.c0(), b.c0());
    c11.add_product(a.c1(), b.c1());
    cross.add_product(a.c0(), b.c1());
    cross.add_product(a.c1(), b.c0());
  }
  VTENSOR_FORCE_INLINE void add_product(const GoldilocksExt2& a, Goldilocks b) noexcept {
    c00.add_product(a.c0(), b);
    cross.add_product(a.c1(), b);
  }
  VTENSOR_FORCE_INLINE void merge(const LazyExtSum& o) noexcept {
    c00.merge(o.c00);
    c11.merge(o.c11);
    cross.merge(o.cross);
  }
  GoldilocksExt2 reduce() const noexcept {
    return {c00.reduce() + GoldilocksExt2::mul_by_nonresidue(c11.reduce()), cross.reduce()};
  }
};

// Σ a_i · b_i over F_p^2 with three products per term (Karatsuba), for callers that
// have the coordinate sums a0 + a1 and b0 + b1 at hand (e.g. one of them shared by
// many sums): c0 = Σ a0 b0 + 7 Σ a1 b1, c1 = Σ (a0 + a1)(b0 + b1) − Σ a0 b0 − Σ a1 b1.
struct LazyExtSum3 {
  LazySum c00, c11, mid;

  VTENSOR_FORCE_INLINE void add_product(const GoldilocksExt2& a, Goldilocks a_sum, const GoldilocksExt2& b,
                                        Goldilocks b_sum) noexcept {
    c00.add_product(a.c0(), b.c0());
    c11.add_product(a.c1(), b.c1());
    mid.add_product(a_sum, b_sum);
  }
  GoldilocksExt2 reduce() const noexcept {
    const Goldilocks x = c00.reduce(), y = c11.reduce();
    return {x + GoldilocksExt2::mul_by_nonresidue(y), mid.reduce() - x - y};
  }
};

// Multiplication by a fixed extension element r = r0 + r1 X (a sumcheck
// challenge applied to a whole table): with 7·r1 precomputed,
//   r · d = (r0 d0 + 7r1 d1) + (r0 d1 + r1 d0) X,
// each coordinate a sum of two 128-bit products reduced once — four
// multiplications and two reductions instead of three and three plus the ×7.
struct ExtScalar {
  Goldilocks r0, r1, r1x7;
  explicit ExtScalar(const GoldilocksExt2& r) noexcept
      : r0(r.c0()), r1(r.c1()), r1x7(GoldilocksExt2::mul_by_nonresidue(r.c1())) {}

  VTENSOR_FORCE_INLINE static Goldilocks dot2(Goldilocks a, Goldilocks b, Goldilocks c, Goldilocks d) noexcept {
    const unsigned __int128 p = static_cast<unsigned __int128>(a.value()) * b.value();
    const unsigned __int128 q = static_cast<unsigned __int128>(c.value()) * d.value();
    const unsigned __int128 s = p + q;
    const Goldilocks low = Goldilocks::from_canonical(Goldilocks::reduce128(s));
    // A carry out of bit 127 is 2^128 ≡ −2^32.
    return low - Goldilocks::from_canonical(static_cast<std::uint64_t>(s < p) << 32);
  }
  VTENSOR_FORCE_INLINE GoldilocksExt2 operator*(const GoldilocksExt2& d) const noexcept {
    return {dot2(r0, d.c0(), r1x7, d.c1()), dot2(r0, d.c1(), r1, d.c0())};
  }
  VTENSOR_FORCE_INLINE GoldilocksExt2 operator*(Goldilocks d) const noexcept { return {r0 * d, r1 * d}; }
  // a + r (b − a): the fold of a pair.
  template <class T>
  VTENSOR_FORCE_INLINE GoldilocksExt2 fold(const T& a, const T& b) const noexcept {
    return GoldilocksExt2(a) + (*this) * (b - a);
  }
};

}  // namespace vtensor
