#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/mle/eq.hpp"
#include "vtensor/sumcheck/round_poly.hpp"

using namespace vtensor;
using E = GoldilocksExt2;

namespace {
// Σ_i f[i] eq(r, bits(i)) computed the slow, obvious way.
template <class F>
E mle_by_definition(const std::vector<F>& f, const std::vector<E>& r) {
  E acc = E::zero();
  for (std::size_t i = 0; i < f.size(); ++i) {
    E w = E::one();
    for (std::size_t j = 0; j < r.size(); ++j) w = w * (((i >> j) & 1) ? r[j] : E::one() - r[j]);
    acc += w * f[i];
  }
  return acc;
}
}  // namespace

TEST_CASE("eq table agrees with eq_eval on cube points and is a partition of unity") {
  std::mt19937_64 rng(1);
  for (std::size_t n = 0; n <= 10; ++n) {
    const auto r = test::random_exts(rng, n);
    const auto t = eq_table<E>(r);
    REQUIRE(t.size() == (std::size_t{1} << n));
    E sum = E::zero();
    for (std::size_t i = 0; i < t.size(); ++i) {
      std::vector<E> bits(n);
      for (std::size_t j = 0; j < n; ++j) bits[j] = ((i >> j) & 1) ? E::one() : E::zero();
      CHECK(t[i] == eq_eval<E>(r, bits));
      sum += t[i];
    }
    CHECK(sum == E::one());
  }
}

TEST_CASE("mle_evaluate matches the definition for base and extension tables") {
  std::mt19937_64 rng(2);
  for (std::size_t n = 0; n <= 10; ++n) {
    const auto f = test::random_fps(rng, std::size_t{1} << n);
    const auto g = test::random_exts(rng, std::size_t{1} << n);
    const auto r = test::random_exts(rng, n);
    CHECK(mle_evaluate<E, Goldilocks>(f, r) == mle_by_definition(f, r));
    CHECK(mle_evaluate<E, E>(g, r) == mle_by_definition(g, r));
  }
  // On a cube point the MLE returns the entry itself.
  const auto f = test::random_fps(rng, 64);
  std::vector<E> pt = {E::one(), E::zero(), E::one(), E::one(), E::zero(), E::zero()};  // index 0b001101 = 13
  CHECK(mle_evaluate<E, Goldilocks>(f, pt) == E(f[13]));
  CHECK_THROWS_AS((mle_evaluate<E, Goldilocks>(f, std::vector<E>(5))), ArgumentError);
}

TEST_CASE("bind_rows and bind_cols are partial evaluations of the padded matrix MLE") {
  std::mt19937_64 rng(3);
  for (auto [rows, cols] : {std::pair<std::size_t, std::size_t>{4, 8}, {3, 5}, {1, 7}, {6, 1}, {33, 17}}) {
    const auto m = test::random_fps(rng, rows * cols);
    const unsigned a = log2_ceil(rows), b = log2_ceil(cols);
    std::vector<Goldilocks> padded(std::size_t{1} << (a + b), Goldilocks::zero());
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < cols; ++j) padded[(i << b) + j] = m[i * cols + j];
    const auto rx = test::random_exts(rng, a), ry = test::random_exts(rng, b);
    std::vector<E> full(ry);
    full.insert(full.end(), rx.begin(), rx.end());
    const E want = mle_evaluate<E, Goldilocks>(padded, full);
    const auto br = bind_rows<E, Goldilocks>(m, rows, cols, rx);
    const auto bc = bind_cols<E, Goldilocks>(m, rows, cols, ry);
    CHECK(mle_evaluate<E, E>(br, ry) == want);
    CHECK(mle_evaluate<E, E>(bc, rx) == want);
  }
}

TEST_CASE("interpolate_at evaluates the polynomial through integer nodes") {
  std::mt19937_64 rng(4);
  for (std::size_t deg = 0; deg <= 8; ++deg) {
    const auto coeffs = test::random_exts(rng, deg + 1);
    auto eval = [&](const E& x) {
      E acc = E::zero();
      for (std::size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
      return acc;
    };
    std::vector<E> values;
    for (std::size_t i = 0; i <= deg; ++i) values.push_back(eval(E(Goldilocks::from_u64(i))));
    const E r = test::random_ext(rng);
    CHECK(interpolate_at<E>(values, r) == eval(r));
    CHECK(extrapolate_next<E>(values) == eval(E(Goldilocks::from_u64(deg + 1))));
    CHECK(interpolate_at<E>(values, E(Goldilocks::from_u64(deg))) == values[deg]);
  }
}

TEST_CASE("DenseMle: padding, base-field points, bind then evaluate") {
  std::mt19937_64 rng(5);
  const auto vals = test::random_fps(rng, 11);
  const auto m = DenseMle<Goldilocks>::padded(vals);
  REQUIRE(m.num_vars() == 4);
  CHECK(m.table()[10] == vals[10]);
  CHECK(m.table()[15].is_zero());
  // A base-field point: the MLE over F_p itself.
  const auto pb = test::random_fps(rng, 4);
  const Goldilocks vb = m.evaluate<Goldilocks>(pb);
  CHECK(E(vb) == mle_by_definition(std::vector<Goldilocks>(m.table().begin(), m.table().end()),
                                   std::vector<E>(pb.begin(), pb.end())));
  // bind(x_3 = r) then evaluate at (x_0, x_1, x_2) = evaluate at the full point.
  const auto pe = test::random_exts(rng, 4);
  const auto bound = m.bind(pe[3]);
  CHECK(bound.num_vars() == 3);
  CHECK(bound.evaluate<E>(std::span<const E>(pe.data(), 3)) == m.evaluate<E>(pe));
  CHECK_THROWS_AS(DenseMle<Goldilocks>(std::vector<Goldilocks>(3)), ArgumentError);
}
