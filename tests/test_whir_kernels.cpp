// The WHIR prover's fused and point-form kernels agree with the plain ones they
// replace (commit/detail/whir_kernels.hpp): EqWeight against a materialised weight,
// fold_and_round against fold + round_poly, evaluate_many against mle_evaluate,
// add_eq_weights against eq tables, fold_low_in_place against fold_low.
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/commit/detail/whir_kernels.hpp"
#include "vtensor/mle/dense.hpp"

using namespace vtensor;
using namespace vtensor::whir_detail;
using F = Goldilocks;

namespace {
std::vector<E> materialise(const std::vector<std::vector<E>>& pts, const std::vector<E>& coefs) {
  std::vector<E> w(std::size_t{1} << pts[0].size(), E::zero());
  for (std::size_t j = 0; j < pts.size(); ++j) {
    const auto t = eq_table<E>(pts[j]);
    for (std::size_t b = 0; b < w.size(); ++b) w[b] += coefs[j] * t[b];
  }
  return w;
}
}  // namespace

TEST_CASE("whir kernels: point-form and fused kernels equal the plain ones") {
  std::mt19937_64 rng(60);
  for (unsigned n : {2u, 5u, 9u, 15u}) {
    CAPTURE(n);
    const auto base = test::random_fps(rng, std::size_t{1} << n);
    std::vector<std::vector<E>> pts;
    for (int j = 0; j < 3; ++j) pts.push_back(test::random_exts(rng, n));
    for (unsigned c = n / 2; c < n; ++c) pts[1][c] = E::from_u64(c % 2);  // Boolean high part: a sub-cube
    const auto coefs = test::random_exts(rng, 3);
    // EqWeight over rounds, against the materialised weight folded alongside.
    EqWeight ew(pts, coefs);
    auto w = materialise(pts, coefs);
    CHECK(ew.round_poly<F>(base) == round_poly<F>(w, base));
    std::vector<E> f;
    for (unsigned r = 0; r < n; ++r) {
      const E a = test::random_ext(rng);
      const std::vector<E> f_ref = r == 0 ? fold_low<F>(base, a) : fold_low<E>(f, a);
      if (r == 0) {
        f = fold_low<F>(base, a);
      } else {
        auto g = f;
        fold_low_in_place(g, a);
        CHECK(g == f_ref);
        f = g;
      }
      w = fold_low<E>(w, a);
      ew.bind(a);
      if (r + 1 < n) CHECK(ew.round_poly<E>(f) == round_poly<E>(w, f));
      CHECK(ew.table() == w);
    }
    // fold_and_round == fold both, then round_poly.
    if (n >= 3) {
      auto w2 = test::random_exts(rng, std::size_t{1} << n), f2 = test::random_exts(rng, std::size_t{1} << n);
      const E a = test::random_ext(rng);
      const auto wf = fold_low<E>(w2, a), ff = fold_low<E>(f2, a);
      const auto h = fold_and_round(w2, f2, a);
      CHECK(w2 == wf);
      CHECK(f2 == ff);
      CHECK(h == round_poly<E>(wf, ff));
    }
    // evaluate_many and add_eq_weights.
    const auto vals = evaluate_many<F>(base, pts);
    for (int j = 0; j < 3; ++j) CHECK(vals[j] == mle_evaluate<E, F>(base, pts[j]));
    std::vector<E> acc(std::size_t{1} << n, E::one());
    add_eq_weights(acc, pts, coefs);
    const auto ref = materialise(pts, coefs);
    for (std::size_t b = 0; b < acc.size(); ++b) CHECK(acc[b] == ref[b] + E::one());
  }
}
