// Field arithmetic against an independent reference written with unsigned
// __int128 `%`, plus the algebraic facts the protocols rely on.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/field/batch_inverse.hpp"
#include "vtensor/field/concepts.hpp"
#include "vtensor/field/goldilocks.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/packed_goldilocks.hpp"

using namespace vtensor;

namespace {

using u64 = std::uint64_t;
using u128 = unsigned __int128;
using i128 = __int128;
constexpr u64 P = 0xFFFF'FFFF'0000'0001ULL;

// ---- reference arithmetic: plain `%` on 128-bit integers ----
u64 ref_add(u64 a, u64 b) { return static_cast<u64>((u128(a) + b) % P); }
u64 ref_sub(u64 a, u64 b) { return static_cast<u64>((u128(a) + P - b) % P); }
u64 ref_mul(u64 a, u64 b) { return static_cast<u64>((u128(a) * b) % P); }
u64 ref_neg(u64 a) { return static_cast<u64>((u128(P) - a) % P); }
u64 ref_pow(u64 a, u64 e) {
  u64 r = 1 % P, b = a % P;
  for (; e; e >>= 1) {
    if (e & 1) r = ref_mul(r, b);
    b = ref_mul(b, b);
  }
  return r;
}
// Extended Euclid (independent of Fermat): a·x ≡ 1 (mod p); 0 for a = 0.
u64 ref_inv(u64 a) {
  if (a % P == 0) return 0;
  i128 r0 = P, r1 = a % P, s0 = 0, s1 = 1;
  while (r1 != 0) {
    const i128 q = r0 / r1;
    i128 t = r0 - q * r1;
    r0 = r1, r1 = t;
    t = s0 - q * s1;
    s0 = s1, s1 = t;
  }
  s0 %= static_cast<i128>(P);
  if (s0 < 0) s0 += P;
  return static_cast<u64>(s0);
}
u64 ref_from_i64(std::int64_t v) {
  i128 r = static_cast<i128>(v) % static_cast<i128>(P);
  if (r < 0) r += P;
  return static_cast<u64>(r);
}

Goldilocks G(u64 v) { return Goldilocks::from_u64(v); }

// Canonical edge values (all < p).
const std::vector<u64> kEdges = {
    0, 1, 2, 3, P - 1, P - 2, P - 3, (1ULL << 32) - 1, 1ULL << 32, (1ULL << 32) + 1, 1ULL << 63,
    (1ULL << 63) - 1, (1ULL << 63) + 1, 0xFFFF'FFFF'FFFF'FFFFULL - P /* 2^64-1 reduced */, P / 2,
    P / 2 + 1, 0xFFFF'FFFE'FFFF'FFFFULL, 0xFFFF'FFFE'0000'0000ULL, 0x0000'0001'FFFF'FFFFULL,
    1ULL << 33, 1ULL << 48, (1ULL << 48) + 1, 1ULL << 56, (1ULL << 48) - 1, /* products near 2^96: lo < hh */
    0xFFFF'FFFF'0000'0000ULL /* p-1 */, 0x8000'0000'FFFF'FFFFULL, 0x7FFF'FFFF'8000'0000ULL};

// Random canonical value, biased towards hard cases: uniform words, words with a
// saturated high or low half, and values right below p.
struct Rng {
  std::mt19937_64 g;
  explicit Rng(u64 seed) : g(seed) {}
  u64 word() { return g(); }
  u64 canon() {
    for (;;) {
      u64 v = g();
      switch (v % 8) {
        case 0: v |= 0xFFFF'FFFF'0000'0000ULL; break;
        case 1: v &= 0xFFFF'FFFFULL; break;
        case 2: v = P - 1 - (v >> 40); break;
        case 3: v = (v >> 40); break;
        default: break;
      }
      if (v < P) return v;
    }
  }
  Goldilocks elem() { return Goldilocks::from_canonical(canon()); }
  GoldilocksExt2 ext() { return {elem(), elem()}; }
};

}  // namespace

static_assert(Field<Goldilocks>);
static_assert(Field<GoldilocksExt2>);
static_assert(ExtensionOf<GoldilocksExt2, Goldilocks>);

TEST_CASE("goldilocks arithmetic matches the __int128 reference") {
  Rng rng(0x601d'1cc5);
  std::vector<u64> vals = kEdges;
  for (int i = 0; i < 200; ++i) vals.push_back(rng.canon());
  for (u64 a : vals) {
    for (u64 b : vals) {
      const Goldilocks x = Goldilocks::from_canonical(a), y = Goldilocks::from_canonical(b);
      REQUIRE((x + y).value() == ref_add(a, b));
      REQUIRE((x - y).value() == ref_sub(a, b));
      REQUIRE((x * y).value() == ref_mul(a, b));
    }
    const Goldilocks x = Goldilocks::from_canonical(a);
    CHECK((-x).value() == ref_neg(a));
    CHECK(x.square().value() == ref_mul(a, a));
    CHECK(x.doubled().value() == ref_add(a, a));
    CHECK(x.inverse().value() == ref_inv(a));
    if (a != 0) CHECK((x * x.inverse()) == Goldilocks::one());
  }
}

TEST_CASE("goldilocks pow matches the reference") {
  Rng rng(11);
  const std::vector<u64> exps = {0, 1, 2, 3, P - 2, P - 1, P, 0xFFFF'FFFF'FFFF'FFFFULL, 1ULL << 32, 1ULL << 63};
  for (u64 a : kEdges) {
    for (u64 e : exps) CHECK(Goldilocks::from_canonical(a).pow(e).value() == ref_pow(a, e));
  }
  for (int i = 0; i < 300; ++i) {
    const u64 a = rng.canon(), e = rng.word();
    CHECK(Goldilocks::from_canonical(a).pow(e).value() == ref_pow(a, e));
  }
  // Fermat: a^(p-1) = 1 for a ≠ 0.
  for (int i = 0; i < 50; ++i) {
    const u64 a = rng.canon();
    if (a) CHECK(Goldilocks::from_canonical(a).pow(P - 1) == Goldilocks::one());
  }
}

TEST_CASE("goldilocks from_u64, from_i64 and to_signed") {
  Rng rng(12);
  std::vector<u64> words = {0, 1, P - 2, P - 1, P, P + 1, P + 2, P + (1ULL << 31), 0xFFFF'FFFF'FFFF'FFFEULL,
                            0xFFFF'FFFF'FFFF'FFFFULL, (1ULL << 63), (1ULL << 32) - 1, 1ULL << 32};
  for (int i = 0; i < 1000; ++i) words.push_back(rng.word());
  for (int i = 0; i < 200; ++i) words.push_back(P + (rng.word() % (0 - P)));  // in [p, 2^64)
  for (u64 w : words) {
    const Goldilocks x = Goldilocks::from_u64(w);
    CHECK(x.value() == w % P);
    CHECK(x.value() < P);
  }

  std::vector<std::int64_t> ints = {0, 1, -1, 2, -2, INT64_MAX, INT64_MIN, INT64_MIN + 1, INT64_MAX - 1,
                                    (1LL << 32), -(1LL << 32), (1LL << 32) - 1, -((1LL << 32) - 1)};
  for (int i = 0; i < 1000; ++i) ints.push_back(static_cast<std::int64_t>(rng.word()));
  for (int i = 0; i < 1000; ++i) ints.push_back(static_cast<std::int64_t>(rng.word()) >> (rng.word() % 64));
  for (std::int64_t v : ints) {
    const Goldilocks x = Goldilocks::from_i64(v);
    CHECK(x.value() == ref_from_i64(v));
    // |v| < p/2 round-trips through to_signed.
    if (v > -static_cast<std::int64_t>(P / 2) && v <= static_cast<std::int64_t>(P / 2)) CHECK(x.to_signed() == v);
  }

  // to_signed is the centred representative r ≡ v (mod p), -p/2 < r <= p/2.
  std::vector<u64> vals = kEdges;
  for (int i = 0; i < 1000; ++i) vals.push_back(rng.canon());
  for (u64 v : vals) {
    const std::int64_t r = Goldilocks::from_canonical(v).to_signed();
    CHECK(ref_from_i64(r) == v);
    CHECK(2 * static_cast<i128>(r) > -static_cast<i128>(P));
    CHECK(2 * static_cast<i128>(r) <= static_cast<i128>(P));
    CHECK(Goldilocks::from_i64(r).value() == v);
  }
  CHECK(Goldilocks::from_canonical(P / 2).to_signed() == static_cast<std::int64_t>(P / 2));
  CHECK(Goldilocks::from_canonical(P / 2 + 1).to_signed() == -static_cast<std::int64_t>(P / 2));
}

TEST_CASE("goldilocks reduce128 matches % p") {
  Rng rng(13);
  const u128 all = ~u128(0);
  std::vector<u128> xs = {0,
                          1,
                          P,
                          u128(P) + 1,
                          all,
                          all - 1,
                          u128(P - 1) * (P - 1),
                          u128(P) * P,
                          u128(P) * P - 1,
                          u128(1) << 64,
                          (u128(1) << 64) - 1,
                          u128(1) << 96,
                          (u128(1) << 96) - 1,
                          (u128(1) << 96) + 1,
                          u128(1) << 127,
                          (u128(1) << 127) - 1,
                          u128(0xFFFF'FFFFULL) << 64,
                          u128(0xFFFF'FFFF'0000'0000ULL) << 64,
                          (u128(0xFFFF'FFFF'0000'0000ULL) << 64) | 0xFFFF'FFFFULL,
                          u128(0xFFFF'FFFF'FFFF'FFFFULL) * 0xFFFF'FFFF'FFFF'FFFFULL};
  for (u64 a : kEdges)
    for (u64 b : kEdges) xs.push_back(u128(a) * b);
  for (int i = 0; i < 20000; ++i) {
    const u128 hi = rng.word(), lo = rng.word();
    xs.push_back((hi << 64) | lo);
    xs.push_back((hi << 96) | lo);                          // hl = 0
    xs.push_back(((hi | 0xFFFF'FFFF'0000'0000ULL) << 64));  // hh saturated, lo = 0
    xs.push_back((u128(rng.word() >> 32) << 64) | lo);      // hh = 0, small lo borrow-free
  }
  for (u128 x : xs) {
    const u64 r = Goldilocks::reduce128(x);
    REQUIRE(r == static_cast<u64>(x % P));
  }
}

TEST_CASE("goldilocks ext2 ring axioms, inverse, norm, Frobenius") {
  Rng rng(21);
  using E = GoldilocksExt2;
  for (int i = 0; i < 500; ++i) {
    const E a = rng.ext(), b = rng.ext(), c = rng.ext();
    CHECK(a + b == b + a);
    CHECK(a * b == b * a);
    CHECK((a + b) + c == a + (b + c));
    CHECK((a * b) * c == a * (b * c));
    CHECK(a * (b + c) == a * b + a * c);
    CHECK(a + E::zero() == a);
    CHECK(a * E::one() == a);
    CHECK(a + (-a) == E::zero());
    CHECK(a - b == a + (-b));
    CHECK(a.square() == a * a);
    // Schoolbook product against the reference: (a0 + a1 X)(b0 + b1 X), X^2 = 7.
    const u64 a0 = a.c0().value(), a1 = a.c1().value(), b0 = b.c0().value(), b1 = b.c1().value();
    const E ab = a * b;
    CHECK(ab.c0().value() == ref_add(ref_mul(a0, b0), ref_mul(7, ref_mul(a1, b1))));
    CHECK(ab.c1().value() == ref_add(ref_mul(a0, b1), ref_mul(a1, b0)));
    // Base-field scalar.
    CHECK(a * b.c0() == a * E(b.c0()));
    CHECK(E::mul_by_nonresidue(a.c0()).value() == ref_mul(7, a0));
    // Norm N(a) = a·conj(a) ∈ F_p, multiplicative.
    CHECK(a * a.conjugate() == E(a.norm()));
    CHECK((a * b).norm() == a.norm() * b.norm());
    if (!a.is_zero()) {
      CHECK(!a.norm().is_zero());
      CHECK(a * a.inverse() == E::one());
    }
  }
  CHECK(E::zero().inverse() == E::zero());
  // Inverse of elements with a zero component, and of base-field elements.
  for (u64 v : kEdges) {
    if (v == 0) continue;
    const E x{Goldilocks::from_canonical(v)}, y{Goldilocks::zero(), Goldilocks::from_canonical(v)};
    CHECK(x * x.inverse() == E::one());
    CHECK(y * y.inverse() == E::one());
    CHECK(x.in_base_field());
    CHECK(!y.in_base_field());
  }
  // X^2 - 7 is irreducible: 7 is a quadratic non-residue (Euler's criterion).
  CHECK(Goldilocks::from_u64(7).pow((P - 1) / 2).value() == P - 1);
  CHECK(ref_pow(7, (P - 1) / 2) == P - 1);
  // Frobenius: a^p = conj(a), so a^(p^2) = a.
  for (int i = 0; i < 20; ++i) {
    const E a = rng.ext();
    CHECK(a.pow(P) == a.conjugate());
    CHECK(a.pow(P).pow(P) == a);
  }
  const E x{Goldilocks::zero(), Goldilocks::one()};  // X
  CHECK(x * x == E(Goldilocks::from_u64(7)));
}

TEST_CASE("goldilocks root_of_unity has order exactly 2^k") {
  CHECK(Goldilocks::root_of_unity(0) == Goldilocks::one());
  for (unsigned k = 1; k <= Goldilocks::kTwoAdicity; ++k) {
    const Goldilocks w = Goldilocks::root_of_unity(k);
    Goldilocks t = w;
    for (unsigned j = 1; j < k; ++j) t = t.square();  // t = w^(2^(k-1))
    CHECK(t.value() == P - 1);                          // = -1, so the order is not 2^(k-1)
    CHECK(t.square() == Goldilocks::one());             // w^(2^k) = 1
    CHECK(w.value() == ref_pow(7, (P - 1) >> k));
  }
  // 7 generates F_p^*: 7^((p-1)/q) ≠ 1 for each prime q | p - 1 = 2^32·3·5·17·257·65537.
  for (u64 q : {2ULL, 3ULL, 5ULL, 17ULL, 257ULL, 65537ULL}) CHECK(ref_pow(7, (P - 1) / q) != 1);
}

TEST_CASE("canonical bytes round-trip and reject non-canonical values") {
  Rng rng(31);
  std::vector<u64> vals = kEdges;
  for (int i = 0; i < 1000; ++i) vals.push_back(rng.canon());
  for (u64 v : vals) {
    std::uint8_t buf[8];
    Goldilocks::from_canonical(v).to_bytes(buf);
    for (int i = 0; i < 8; ++i) CHECK(buf[i] == static_cast<std::uint8_t>(v >> (8 * i)));  // little-endian
    const auto back = Goldilocks::from_bytes(buf);
    REQUIRE(back.has_value());
    CHECK(back->value() == v);
  }
  std::vector<u64> bad = {P, P + 1, P + 2, 0xFFFF'FFFF'FFFF'FFFFULL, 0xFFFF'FFFF'FFFF'FFFEULL,
                          0xFFFF'FFFF'8000'0000ULL, 0xFFFF'FFFF'0000'FFFFULL, P + 0xFFFF'FFFEULL};
  for (int i = 0; i < 2000; ++i) bad.push_back(P + rng.word() % (0 - P));
  for (u64 v : bad) {
    REQUIRE(v >= P);
    std::uint8_t buf[16];
    for (int i = 0; i < 8; ++i) buf[i] = static_cast<std::uint8_t>(v >> (8 * i));
    CHECK(!Goldilocks::from_bytes(buf).has_value());
    // Extension: a non-canonical half in either position is rejected.
    std::uint8_t ok[8];
    Goldilocks::from_canonical(rng.canon()).to_bytes(ok);
    std::uint8_t ext[16];
    std::copy(buf, buf + 8, ext);
    std::copy(ok, ok + 8, ext + 8);
    CHECK(!GoldilocksExt2::from_bytes(ext).has_value());
    std::copy(ok, ok + 8, ext);
    std::copy(buf, buf + 8, ext + 8);
    CHECK(!GoldilocksExt2::from_bytes(ext).has_value());
  }
  for (int i = 0; i < 200; ++i) {
    const GoldilocksExt2 a = rng.ext();
    std::uint8_t buf[16];
    a.to_bytes(buf);
    const auto back = GoldilocksExt2::from_bytes(buf);
    REQUIRE(back.has_value());
    CHECK(*back == a);
    CHECK(Goldilocks::from_bytes(buf)->value() == a.c0().value());  // c0 first
  }
  CHECK(Goldilocks::kFieldId == 1);
  CHECK(GoldilocksExt2::kFieldId == 2);
}

TEST_CASE_TEMPLATE("batch_inverse matches per-element inverse", F, Goldilocks, GoldilocksExt2) {
  Rng rng(41);
  auto draw = [&]() {
    if constexpr (std::is_same_v<F, Goldilocks>) return rng.elem();
    else return rng.ext();
  };
  for (std::size_t n : {0, 1, 2, 3, 17, 256}) {
    std::vector<F> xs;
    while (xs.size() < n) {
      const F x = draw();
      if (!x.is_zero()) xs.push_back(x);
    }
    std::vector<F> inv = xs;
    batch_inverse(std::span<F>(inv));
    for (std::size_t i = 0; i < n; ++i) {
      CHECK(inv[i] == xs[i].inverse());
      CHECK(inv[i] * xs[i] == F::one());
    }
  }
  std::vector<F> with_zero = {F::one(), F::one() + F::one(), F::zero(), F::one()};
  CHECK_THROWS_AS(batch_inverse(std::span<F>(with_zero)), ArgumentError);
  std::vector<F> only_zero = {F::zero()};
  CHECK_THROWS_AS(batch_inverse(std::span<F>(only_zero)), ArgumentError);
}

TEST_CASE("PackedGoldilocks matches scalar lane by lane") {
  using PG = PackedGoldilocks;
  static_assert(PG::kWidth == 4);
  Rng rng(51);
  auto check_lanes = [](const std::array<Goldilocks, 4>& a, const std::array<Goldilocks, 4>& b) {
    const PG pa = PG::load(a.data()), pb = PG::load(b.data());
    const auto sum = (pa + pb).to_array(), dif = (pa - pb).to_array(), prod = (pa * pb).to_array();
    const auto neg = (-pa).to_array(), sq = pa.square().to_array();
    for (std::size_t i = 0; i < 4; ++i) {
      REQUIRE(sum[i].value() < P);
      REQUIRE(dif[i].value() < P);
      REQUIRE(prod[i].value() < P);
      REQUIRE(neg[i].value() < P);
      REQUIRE(sum[i] == a[i] + b[i]);
      REQUIRE(dif[i] == a[i] - b[i]);
      REQUIRE(prod[i] == a[i] * b[i]);
      REQUIRE(prod[i].value() == ref_mul(a[i].value(), b[i].value()));
      REQUIRE(neg[i] == -a[i]);
      REQUIRE(sq[i] == a[i] * a[i]);
    }
    unsigned expect = 0;
    for (std::size_t i = 0; i < 4; ++i) expect |= static_cast<unsigned>(a[i] == b[i]) << i;
    REQUIRE(lanes_equal(pa, pb) == expect);
    REQUIRE((pa == pb) == (expect == 0xF));
  };
  // Every ordered pair of edge values, four pairs per packed operation.
  std::vector<std::pair<u64, u64>> pairs;
  for (u64 a : kEdges)
    for (u64 b : kEdges) pairs.emplace_back(a, b);
  while (pairs.size() % 4) pairs.emplace_back(0, 0);
  for (std::size_t k = 0; k < pairs.size(); k += 4) {
    std::array<Goldilocks, 4> a, b;
    for (std::size_t i = 0; i < 4; ++i) {
      a[i] = Goldilocks::from_canonical(pairs[k + i].first);
      b[i] = Goldilocks::from_canonical(pairs[k + i].second);
    }
    check_lanes(a, b);
  }
  for (int t = 0; t < 20000; ++t) {
    std::array<Goldilocks, 4> a, b;
    for (std::size_t i = 0; i < 4; ++i) {
      a[i] = rng.elem();
      b[i] = (t % 5 == 0) ? a[i] : rng.elem();  // exercise equal lanes too
    }
    check_lanes(a, b);
  }
  // Store writes back exactly what was loaded; broadcast, zero/one, scalar products.
  std::array<Goldilocks, 6> buf{G(9), G(1), G(2), G(3), G(4), G(9)};
  PG::load(buf.data() + 1).store(buf.data() + 1);  // unaligned
  CHECK(buf[0] == G(9));
  CHECK(buf[1] == G(1));
  CHECK(buf[4] == G(4));
  CHECK(buf[5] == G(9));
  const Goldilocks s = G(P - 5);
  const auto bs = PG::broadcast(s).to_array();
  for (auto v : bs) CHECK(v == s);
  const PG x = PG::load(buf.data() + 1);
  for (std::size_t i = 0; i < 4; ++i) {
    CHECK((x * s).lane(i) == buf[1 + i] * s);
    CHECK((s * x).lane(i) == buf[1 + i] * s);
  }
  CHECK(PG() == PG::zero());
  CHECK(PG::one().lane(3) == Goldilocks::one());
  CHECK(x.reduce_sum() == G(1 + 2 + 3 + 4));
  PG acc = x;
  acc += x;
  acc *= x;
  acc -= x;
  for (std::size_t i = 0; i < 4; ++i) CHECK(acc.lane(i) == (buf[1 + i] + buf[1 + i]) * buf[1 + i] - buf[1 + i]);
}

TEST_CASE("inner_product matches a scalar loop") {
  Rng rng(61);
  auto scalar = [](const std::vector<Goldilocks>& a, const std::vector<Goldilocks>& b) {
    Goldilocks s = Goldilocks::zero();
    for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
    return s;
  };
  for (std::size_t n = 0; n <= 70; ++n) {
    std::vector<Goldilocks> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) a[i] = rng.elem(), b[i] = rng.elem();
    CHECK(inner_product(a, b) == scalar(a, b));
    // Worst case for the lazy accumulator: every product is (p-1)^2 ≡ 1, and
    // every term of p-1 times a value near p pushes carries.
    std::vector<Goldilocks> m(n, G(P - 1)), m2(n, G(P - 2));
    CHECK(inner_product(m, m) == Goldilocks::from_u64(n));
    CHECK(inner_product(m, m2) == scalar(m, m2));
    // Products whose 64-bit partial reduction is >= p (non-canonical words).
    std::vector<Goldilocks> e(n), f(n);
    for (std::size_t i = 0; i < n; ++i) {
      e[i] = Goldilocks::from_canonical(kEdges[i % kEdges.size()]);
      f[i] = Goldilocks::from_canonical(kEdges[(i * 7 + 3) % kEdges.size()]);
    }
    CHECK(inner_product(e, f) == scalar(e, f));
  }
  const std::size_t n = 100'003;
  std::vector<Goldilocks> a(n), b(n);
  for (std::size_t i = 0; i < n; ++i) a[i] = rng.elem(), b[i] = rng.elem();
  CHECK(inner_product(a, b) == scalar(a, b));
  // Sub-spans at odd offsets (unaligned loads).
  CHECK(inner_product(std::span<const Goldilocks>(a).subspan(3, 1001), std::span<const Goldilocks>(b).subspan(5, 1001)) ==
        scalar(std::vector<Goldilocks>(a.begin() + 3, a.begin() + 1004),
               std::vector<Goldilocks>(b.begin() + 5, b.begin() + 1006)));
  std::vector<Goldilocks> short_b(n - 1);
  CHECK_THROWS_AS(inner_product(a, short_b), ArgumentError);
}
