#include <doctest/doctest.h>

#include <random>
#include <vector>

#include "test_util.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/poly/ntt.hpp"
#include "vtensor/poly/reed_solomon.hpp"

using namespace vtensor;
using F = Goldilocks;
using E = GoldilocksExt2;

namespace {

// y_j = Σ_i x_i (shift·ω^j)^i, O(n^2).
template <class T>
std::vector<T> naive_dft(const std::vector<T>& x, F shift = F::one(), bool inverse = false) {
  const unsigned k = log2_ceil(x.size());
  F w = F::root_of_unity(k);
  if (inverse) w = w.inverse();
  std::vector<T> y(x.size());
  F wj = F::one();
  for (std::size_t j = 0; j < x.size(); ++j, wj *= w) {
    const F pt = shift * wj;
    T acc = T::zero();
    F p = F::one();
    for (std::size_t i = 0; i < x.size(); ++i, p *= pt) acc += x[i] * p;
    y[j] = acc;
  }
  return y;
}

template <class T>
std::vector<T> random_vec(std::mt19937_64& rng, std::size_t n) {
  if constexpr (std::is_same_v<T, F>)
    return test::random_fps(rng, n);
  else
    return test::random_exts(rng, n);
}

template <class T>
void check_against_naive(std::mt19937_64& rng, unsigned max_log) {
  for (unsigned k = 0; k <= max_log; ++k) {
    CAPTURE(k);
    const auto x = random_vec<T>(rng, std::size_t{1} << k);
    auto y = x;
    ntt(y);
    CHECK(y == naive_dft(x));
    intt(y);
    CHECK(y == x);
    // The inverse is itself a DFT with ω^{-1}, scaled by n^{-1}.
    auto z = x;
    intt(z);
    auto ref = naive_dft(x, F::one(), true);
    const F ninv = F::from_u64(x.size()).inverse();
    for (auto& v : ref) v = v * ninv;
    CHECK(z == ref);
  }
}

// F(ω^j) by Horner for a few j: spot checks of transforms too large for naive_dft.
template <class T>
void spot_check(std::mt19937_64& rng, const std::vector<T>& x, const std::vector<T>& y, F shift = F::one()) {
  const unsigned k = log2_ceil(x.size());
  std::vector<std::size_t> js = {0, 1, x.size() - 1, x.size() / 2, x.size() / 2 + 1};
  for (int t = 0; t < 8; ++t) js.push_back(rng() % x.size());
  for (std::size_t j : js) {
    CAPTURE(j);
    const F pt = shift * F::root_of_unity(k).pow(j);
    CHECK(y[j] == univariate_evaluate<T, T>(x, T(pt)));
  }
}

}  // namespace

TEST_CASE("ntt and intt agree with the naive DFT, sizes 2^0 … 2^10") {
  std::mt19937_64 rng(101);
  check_against_naive<F>(rng, 10);
}

TEST_CASE("ntt of extension-field data agrees with the naive DFT and with two base transforms") {
  std::mt19937_64 rng(102);
  check_against_naive<E>(rng, 9);
  for (unsigned k : {3u, 7u, 12u, 15u}) {
    const auto x = test::random_exts(rng, std::size_t{1} << k);
    std::vector<F> c0(x.size()), c1(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) c0[i] = x[i].c0(), c1[i] = x[i].c1();
    auto y = x;
    ntt(y);
    ntt(c0);
    ntt(c1);
    bool same = true;
    for (std::size_t i = 0; i < x.size(); ++i) same = same && y[i] == E(c0[i], c1[i]);
    CHECK(same);
  }
}

TEST_CASE("intt(ntt(x)) = x and ntt(intt(x)) = x up to 2^20, with spot checks against Horner") {
  std::mt19937_64 rng(103);
  for (unsigned k = 0; k <= 20; ++k) {
    CAPTURE(k);
    const auto x = test::random_fps(rng, std::size_t{1} << k);
    auto y = x;
    ntt(y);
    if (k >= 11) spot_check(rng, x, y);
    intt(y);
    CHECK(y == x);
    intt(y);
    ntt(y);
    CHECK(y == x);
  }
  for (unsigned k : {14u, 17u}) {  // extension data on the parallel path
    const auto x = test::random_exts(rng, std::size_t{1} << k);
    auto y = x;
    ntt(y);
    spot_check(rng, x, y);
    intt(y);
    CHECK(y == x);
  }
}

TEST_CASE("coset ntt evaluates on shift·<ω> and coset_intt inverts it") {
  std::mt19937_64 rng(104);
  for (unsigned k = 0; k <= 8; ++k) {
    CAPTURE(k);
    const auto x = test::random_fps(rng, std::size_t{1} << k);
    auto y = x;
    coset_ntt(y);
    CHECK(y == naive_dft(x, kNttCosetShift));
    coset_intt(y);
    CHECK(y == x);
    const F s = test::random_fp(rng);
    auto z = x;
    coset_ntt(z, s);
    CHECK(z == naive_dft(x, s));
    coset_intt(z, s);
    CHECK(z == x);
    const auto xe = test::random_exts(rng, std::size_t{1} << k);
    auto ye = xe;
    coset_ntt(ye);
    CHECK(ye == naive_dft(xe, kNttCosetShift));
  }
  for (unsigned k : {13u, 16u}) {
    const auto x = test::random_fps(rng, std::size_t{1} << k);
    auto y = x;
    coset_ntt(y);
    spot_check(rng, x, y, kNttCosetShift);
    coset_intt(y);
    CHECK(y == x);
  }
}

TEST_CASE("batched transforms equal row-by-row transforms") {
  std::mt19937_64 rng(105);
  for (unsigned k : {0u, 1u, 3u, 5u, 6u, 9u, 12u, 13u, 15u}) {
    for (std::size_t rows : {1u, 3u, 8u, 13u}) {
      if (rows * (std::size_t{1} << k) > (std::size_t{1} << 18)) continue;
      CAPTURE(k);
      CAPTURE(rows);
      const std::size_t n = std::size_t{1} << k;
      const auto x = test::random_fps(rng, rows * n);
      const auto xe = test::random_exts(rng, rows * n);
      auto y = x;
      auto ye = xe;
      ntt_batch(y, n);
      ntt_batch(std::span<E>(ye), n);
      auto yc = x;
      coset_ntt_batch(std::span<F>(yc), n);
      bool same = true;
      for (std::size_t r = 0; r < rows; ++r) {
        std::vector<F> row(x.begin() + r * n, x.begin() + (r + 1) * n);
        std::vector<E> rowe(xe.begin() + r * n, xe.begin() + (r + 1) * n);
        auto rowc = row;
        ntt(row);
        ntt(rowe);
        coset_ntt(rowc);
        same = same && std::equal(row.begin(), row.end(), y.begin() + r * n) &&
               std::equal(rowe.begin(), rowe.end(), ye.begin() + r * n) &&
               std::equal(rowc.begin(), rowc.end(), yc.begin() + r * n);
      }
      CHECK(same);
      intt_batch(y, n);
      intt_batch(ye, n);
      coset_intt_batch(std::span<F>(yc), n);
      CHECK(y == x);
      CHECK(ye == xe);
      CHECK(yc == x);
    }
  }
}

TEST_CASE("ntt rejects bad sizes") {
  std::vector<F> v(3);
  CHECK_THROWS_AS(ntt(v), ArgumentError);
  std::vector<F> empty;
  CHECK_THROWS_AS(ntt(empty), ArgumentError);
  std::vector<F> w(12);
  CHECK_THROWS_AS(ntt_batch(w, 8), ArgumentError);
  CHECK_THROWS_AS(ntt_batch(w, 3), ArgumentError);
  CHECK_THROWS_AS(coset_intt(std::span<F>(w.data(), 8), F::zero()), ArgumentError);
  std::vector<F> ok(8);
  CHECK_NOTHROW(ntt_batch(ok, 4));
  CHECK_NOTHROW(ntt_batch(std::span<F>(), 4));
}

TEST_CASE("Reed-Solomon codewords are evaluations at ω^i, i < 2^{k+ρ}") {
  std::mt19937_64 rng(106);
  for (unsigned k = 0; k <= 10; ++k) {
    for (unsigned rho = 1; rho <= 4; ++rho) {
      CAPTURE(k);
      CAPTURE(rho);
      const auto m = test::random_fps(rng, std::size_t{1} << k);
      const auto cw = rs_encode<F>(m, rho);
      REQUIRE(cw.size() == (std::size_t{1} << (k + rho)));
      bool ok = true;
      for (std::size_t i = 0; i < cw.size(); i += 1 + cw.size() / 64)
        ok = ok && cw[i] == univariate_evaluate<F, F>(m, rs_domain_point(k + rho, i));
      ok = ok && cw.back() == univariate_evaluate<F, F>(m, rs_domain_point(k + rho, cw.size() - 1));
      CHECK(ok);
    }
  }
  const auto me = test::random_exts(rng, 1 << 6);
  const auto cwe = rs_encode<E>(me, 2);
  for (std::size_t i = 0; i < cwe.size(); i += 17) CHECK(cwe[i] == univariate_evaluate<E, E>(me, E(rs_domain_point(8, i))));
  for (unsigned k : {13u, 16u}) {  // the padded four-step path, on both cores
    for (unsigned rho : {1u, 4u}) {
      const auto m = test::random_fps(rng, std::size_t{1} << k);
      const auto cw = rs_encode<F>(m, rho);
      auto ref = m;
      ref.resize(cw.size(), F::zero());
      ntt(ref);
      CHECK(cw == ref);
      for (std::size_t i : {std::size_t{0}, std::size_t{1}, cw.size() - 1, static_cast<std::size_t>(rng() % cw.size())})
        CHECK(cw[i] == univariate_evaluate<F, F>(m, rs_domain_point(k + rho, i)));
    }
  }
  std::vector<F> bad(4), out(16);
  std::vector<F> buf(40);
  CHECK_THROWS_AS(rs_encode_into<F>(std::span<const F>(buf.data() + 20, 4), 2, std::span<F>(buf.data() + 8, 16)),
                  ArgumentError);
  CHECK_THROWS_AS(rs_encode<F>(bad, 0), ArgumentError);
  CHECK_THROWS_AS(rs_encode<F>(bad, 17), ArgumentError);
  CHECK_THROWS_AS(rs_encode<F>(std::vector<F>(std::size_t{1} << 20), 13), ArgumentError);  // 2^33 points
  for (unsigned rho : {8u, 11u}) {  // WHIR's later, lower rates
    const auto m = test::random_fps(rng, 16);
    const auto cw = rs_encode<F>(m, rho);
    for (std::size_t i : {std::size_t{0}, std::size_t{5}, cw.size() - 1})
      CHECK(cw[i] == univariate_evaluate<F, F>(m, rs_domain_point(4 + rho, i)));
  }
  CHECK_THROWS_AS(rs_encode_into<F>(bad, 1, out), ArgumentError);
  CHECK_THROWS_AS(rs_encode<F>(std::vector<F>(3), 1), ArgumentError);
}

TEST_CASE("interleaved Reed-Solomon encoding in both layouts") {
  std::mt19937_64 rng(107);
  for (unsigned k : {0u, 4u, 9u, 13u, 16u}) {
    for (std::size_t rows : {1u, 5u, 16u}) {
      if (k == 16 && rows > 1 && rows != 5) continue;
      for (unsigned rho : {1u, 3u}) {
        CAPTURE(k);
        CAPTURE(rows);
        const std::size_t len = std::size_t{1} << k, n = len << rho;
        const auto m = test::random_fps(rng, rows * len);
        const auto rm = rs_encode_rows<F>(m, len, rho, CodewordLayout::kRowMajor);
        const auto cm = rs_encode_rows<F>(m, len, rho, CodewordLayout::kColumnMajor);
        bool ok = true;
        for (std::size_t r = 0; r < rows; ++r) {
          const auto cw = rs_encode<F>(std::span<const F>(m.data() + r * len, len), rho);
          for (std::size_t i = 0; i < n; ++i) ok = ok && rm[r * n + i] == cw[i] && cm[i * rows + r] == cw[i];
        }
        CHECK(ok);
      }
    }
  }
}

TEST_CASE("Reed-Solomon codeword in fiber order: leaf j holds the 2^f points over ω^{2^f j}") {
  std::mt19937_64 rng(109);
  for (unsigned k : {0u, 3u, 8u, 12u}) {
    for (unsigned rho : {1u, 2u}) {
      for (unsigned f : {0u, 1u, 4u}) {
        if (f > k + rho) continue;
        CAPTURE(k);
        CAPTURE(f);
        const auto m = test::random_fps(rng, std::size_t{1} << k);
        const auto cw = rs_encode<F>(m, rho);
        const auto fib = rs_encode_fibers<F>(m, rho, f);
        const std::size_t width = std::size_t{1} << f, leaves = cw.size() >> f;
        bool ok = fib.size() == cw.size();
        for (std::size_t j = 0; j < leaves && ok; ++j) {
          const F y = rs_domain_point(k + rho, j).pow(width);
          for (std::size_t s = 0; s < width; ++s) {
            ok = ok && fib[j * width + s] == cw[j + s * leaves];
            ok = ok && rs_domain_point(k + rho, j + s * leaves).pow(width) == y;  // same fiber
          }
        }
        CHECK(ok);
      }
    }
  }
  CHECK_THROWS_AS(rs_encode_fibers<F>(std::vector<F>(4), 1, 4), ArgumentError);
}

TEST_CASE("Möbius transform: round trip, and coefficients evaluate the MLE and the univariate") {
  std::mt19937_64 rng(108);
  for (unsigned n = 0; n <= 16; ++n) {
    CAPTURE(n);
    const auto table = test::random_fps(rng, std::size_t{1} << n);
    auto c = table;
    mle_evals_to_coeffs(c);
    auto back = c;
    mle_coeffs_to_evals(back);
    CHECK(back == table);
    // Random point z: mle_evaluate(table, z) == Σ c_i Π_j z_j^{bit_j(i)}.
    const auto z = test::random_exts(rng, n);
    const E expect = mle_evaluate<E, F>(table, z);
    CHECK(multilinear_coeffs_evaluate<E, F>(c, z) == expect);
    if (n <= 10) {  // the definition, term by term
      E sum = E::zero();
      for (std::size_t i = 0; i < c.size(); ++i) {
        E term = E(c[i]);
        for (unsigned j = 0; j < n; ++j)
          if ((i >> j) & 1) term = term * z[j];
        sum += term;
      }
      CHECK(sum == expect);
    }
    // z_j = z_0^{2^j}: the MLE equals the univariate F(z_0) = Σ c_i z_0^i.
    std::vector<E> zz(n);
    const E z0 = test::random_ext(rng);
    for (unsigned j = 0; j < n; ++j) zz[j] = j == 0 ? z0 : zz[j - 1].square();
    CHECK(mle_evaluate<E, F>(table, zz) == univariate_evaluate<E, F>(c, z0));
  }
  // Extension tables, and a size past the cache block with the parallel passes.
  for (unsigned n : {5u, 13u, 18u}) {
    const auto t = test::random_exts(rng, std::size_t{1} << n);
    auto c = t;
    mle_evals_to_coeffs(c);
    const auto z = test::random_exts(rng, n);
    CHECK(multilinear_coeffs_evaluate<E, E>(c, z) == mle_evaluate<E, E>(t, z));
    mle_coeffs_to_evals(c);
    CHECK(c == t);
  }
  // Small bands (3 bits) reach the multi-band stripe passes on small tables.
  for (unsigned n = 0; n <= 11; ++n) {
    const auto t = test::random_fps(rng, std::size_t{1} << n);
    auto c1 = t, c2 = t;
    mle_evals_to_coeffs(c1);
    detail::poly::subset_transform<false>(c2.data(), n, 1, 3);
    CHECK(c1 == c2);
    const auto te = test::random_exts(rng, std::size_t{1} << n);
    auto e1 = te, e2 = te;
    mle_coeffs_to_evals(e1);
    detail::poly::subset_transform<true>(detail::ntt::words(e2.data()), n, 2, 3);
    CHECK(e1 == e2);
  }
  std::vector<F> bad(6);
  CHECK_THROWS_AS(mle_evals_to_coeffs(bad), ArgumentError);
}
