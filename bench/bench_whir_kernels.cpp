// WHIR prover kernels (commit/detail/whir_kernels.hpp) at the sizes a 2^n commitment
// uses (R = 2, k = 4): the commit's encoding and tree, the first iteration's weight,
// sumcheck rounds and folds, the re-encoding of the folded function (2^{n−4}
// extension entries on 2^{n+1} points) and the query weights. Wall-clock, all
// threads. Every call allocates its outputs as the protocol does, so fresh-page
// costs are included.
#include <benchmark/benchmark.h>

#include "bench_util.hpp"

#include <random>
#include <vector>

#include "vtensor/commit/detail/whir_kernels.hpp"
#include "vtensor/hash/merkle.hpp"
#include "vtensor/mle/dense.hpp"

using namespace vtensor;
using E = GoldilocksExt2;

namespace {

std::vector<E> random_ext(std::size_t n, std::uint64_t seed) {
  const auto a = bench::random_table(n, seed), b = bench::random_table(n, seed + 1);
  std::vector<E> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = E(a[i], b[i]);
  return v;
}

std::vector<E> random_point(unsigned n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<E> z;
  for (unsigned i = 0; i < n; ++i) z.emplace_back(Goldilocks::from_u64(rng()), Goldilocks::from_u64(rng()));
  return z;
}

constexpr unsigned kRate = 2, kFold = 4;

// Commit: Möbius + NTT onto 2^{n+2} points in fiber order.
void encode_base(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = bench::random_table(std::size_t{1} << n, n);
  for (auto _ : state) {
    auto fib = whir_detail::encode_fibers<Goldilocks>(t, n + kRate, kFold);
    benchmark::DoNotOptimize(fib.data());
  }
}

// Open, iteration 0 → 1: 2^m extension entries on 2^{m+5} points (m = n − 4).
void encode_ext(benchmark::State& state) {
  const unsigned m = static_cast<unsigned>(state.range(0));
  const auto f = random_ext(std::size_t{1} << m, m);
  for (auto _ : state) {
    auto fib = whir_detail::encode_fibers<E>(f, m + kRate + kFold - 1, kFold);
    benchmark::DoNotOptimize(fib.data());
  }
}

// Open, iteration 1 → 2: 2^16 extension entries on 2^22 points (rate 2^-6).
void encode_ext_low_rate(benchmark::State& state) {
  const unsigned m = static_cast<unsigned>(state.range(0));
  const auto f = random_ext(std::size_t{1} << m, m);
  for (auto _ : state) {
    auto fib = whir_detail::encode_fibers<E>(f, m + 6, kFold);
    benchmark::DoNotOptimize(fib.data());
  }
}

// Commit's tree: 2^{n+2} base elements, leaves of 16.
void tree_base(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto fib = bench::random_table(std::size_t{1} << (n + kRate), n);
  for (auto _ : state) {
    auto tree = MerkleTree::from_rows<Goldilocks>(fib, std::size_t{1} << kFold);
    benchmark::DoNotOptimize(tree.root());
  }
}

// Open's first tree: 2^{m+5} extension elements, leaves of 16.
void tree_ext(benchmark::State& state) {
  const unsigned m = static_cast<unsigned>(state.range(0));
  const auto fib = random_ext(std::size_t{1} << (m + kRate + kFold - 1), m);
  for (auto _ : state) {
    auto tree = MerkleTree::from_rows<E>(fib, std::size_t{1} << kFold);
    benchmark::DoNotOptimize(tree.root());
  }
}

// The opening weight eq(z, ·) for one point.
void eq_weight(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const std::vector<std::vector<E>> pts{random_point(n, 1)};
  const std::vector<E> coefs{E::one()};
  for (auto _ : state) {
    auto w = whir_detail::eq_combination(pts, coefs, n);
    benchmark::DoNotOptimize(w.data());
  }
}

// The weight Σ_j c_j eq(p_j, ·) for 3 dense points (opening point and 2 OOD samples).
void eq_weight3(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const std::vector<std::vector<E>> pts{random_point(n, 1), random_point(n, 2), random_point(n, 3)};
  const std::vector<E> coefs{E::one(), E(Goldilocks::from_u64(9)), E(Goldilocks::from_u64(81))};
  for (auto _ : state) {
    auto w = whir_detail::eq_combination(pts, coefs, n);
    benchmark::DoNotOptimize(w.data());
  }
}

// One round over a base table and an extension weight (iteration 0, round 0).
void round_base(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = bench::random_table(std::size_t{1} << n, n);
  const auto w = random_ext(std::size_t{1} << n, n + 7);
  for (auto _ : state) benchmark::DoNotOptimize(whir_detail::round_poly<Goldilocks>(w, t));
}

void round_ext(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto f = random_ext(std::size_t{1} << n, n);
  const auto w = random_ext(std::size_t{1} << n, n + 7);
  for (auto _ : state) benchmark::DoNotOptimize(whir_detail::round_poly<E>(w, f));
}

void fold_base(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = bench::random_table(std::size_t{1} << n, n);
  const E a(Goldilocks::from_u64(3), Goldilocks::from_u64(5));
  for (auto _ : state) {
    auto f = whir_detail::fold_low<Goldilocks>(t, a);
    benchmark::DoNotOptimize(f.data());
  }
}

void fold_ext(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = random_ext(std::size_t{1} << n, n);
  const E a(Goldilocks::from_u64(3), Goldilocks::from_u64(5));
  for (auto _ : state) {
    auto f = whir_detail::fold_low<E>(t, a);
    benchmark::DoNotOptimize(f.data());
  }
}

// Iteration 0 as the protocol runs it with the table-based kernels: the weight
// Σ β^j eq(p_j, ·) over the opening point and 2 OOD points (eq_combination), then
// k = 4 rounds of round_poly with fold_low of the table and the weight.
void first_iteration_tables(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = bench::random_table(std::size_t{1} << n, n);
  const std::vector<std::vector<E>> pts{random_point(n, 1), random_point(n, 2), random_point(n, 3)};
  const std::vector<E> coefs{E::one(), E(Goldilocks::from_u64(9)), E(Goldilocks::from_u64(81))};
  for (auto _ : state) {
    auto w = whir_detail::eq_combination(pts, coefs, n);
    std::vector<E> f;
    for (unsigned r = 0; r < kFold; ++r) {
      const E a(Goldilocks::from_u64(3 + r), Goldilocks::from_u64(5 + r));
      const auto h = r == 0 ? whir_detail::round_poly<Goldilocks>(w, t) : whir_detail::round_poly<E>(w, f);
      benchmark::DoNotOptimize(h);
      f = r == 0 ? whir_detail::fold_low<Goldilocks>(t, a) : whir_detail::fold_low<E>(f, a);
      w = whir_detail::fold_low<E>(w, a);
    }
    benchmark::DoNotOptimize(f.data());
    benchmark::DoNotOptimize(w.data());
  }
}

#ifndef WHIR_KERNELS_BASELINE
// The same iteration with EqWeight (the weight kept as its 3 points; its 2^{n−4}
// table built at the end) and in-place folds of the table after the first.
void first_iteration_eq_weight(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = bench::random_table(std::size_t{1} << n, n);
  const std::vector<std::vector<E>> pts{random_point(n, 1), random_point(n, 2), random_point(n, 3)};
  const std::vector<E> coefs{E::one(), E(Goldilocks::from_u64(9)), E(Goldilocks::from_u64(81))};
  for (auto _ : state) {
    whir_detail::EqWeight ew(pts, coefs);
    std::vector<E> f;
    for (unsigned r = 0; r < kFold; ++r) {
      const E a(Goldilocks::from_u64(3 + r), Goldilocks::from_u64(5 + r));
      const auto h =
          r == 0 ? ew.round_poly<Goldilocks>(std::span<const Goldilocks>(t)) : ew.round_poly<E>(std::span<const E>(f));
      benchmark::DoNotOptimize(h);
      if (r == 0) f = whir_detail::fold_low<Goldilocks>(t, a);
      else whir_detail::fold_low_in_place(f, a);
      ew.bind(a);
    }
    auto w = ew.table();
    benchmark::DoNotOptimize(f.data());
    benchmark::DoNotOptimize(w.data());
  }
}

// Later iterations' rounds (2^m-entry weight and table): round_poly then
// fold_and_round per round, in place.
void rounds_fused(benchmark::State& state) {
  const unsigned m = static_cast<unsigned>(state.range(0));
  const auto f0 = random_ext(std::size_t{1} << m, m), w0 = random_ext(std::size_t{1} << m, m + 7);
  for (auto _ : state) {
    state.PauseTiming();
    auto f = f0, w = w0;
    state.ResumeTiming();
    auto h = whir_detail::round_poly<E>(w, f);
    for (unsigned r = 0; r < kFold; ++r) {
      const E a(Goldilocks::from_u64(3 + r), h[0].c0());
      if (r + 1 < kFold) {
        h = whir_detail::fold_and_round(w, f, a);
      } else {
        whir_detail::fold_low_in_place(w, a);
        whir_detail::fold_low_in_place(f, a);
      }
    }
    benchmark::DoNotOptimize(h);
  }
}

// f~ at 2 points (OOD answers) in one pass.
void evaluate_two(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = bench::random_table(std::size_t{1} << n, n);
  const std::vector<std::vector<E>> pts{random_point(n, 2), random_point(n, 3)};
  for (auto _ : state) benchmark::DoNotOptimize(whir_detail::evaluate_many<Goldilocks>(t, pts));
}
#endif

// The same with round_poly and separate fold_low calls (fresh tables each round).
void rounds_separate(benchmark::State& state) {
  const unsigned m = static_cast<unsigned>(state.range(0));
  const auto f0 = random_ext(std::size_t{1} << m, m), w0 = random_ext(std::size_t{1} << m, m + 7);
  for (auto _ : state) {
    state.PauseTiming();
    auto f = f0, w = w0;
    state.ResumeTiming();
    for (unsigned r = 0; r < kFold; ++r) {
      const auto h = whir_detail::round_poly<E>(w, f);
      const E a(Goldilocks::from_u64(3 + r), h[0].c0());
      f = whir_detail::fold_low<E>(f, a);
      w = whir_detail::fold_low<E>(w, a);
    }
    benchmark::DoNotOptimize(f.data());
  }
}

// f~ at 2 points with mle_evaluate (a 2^{n−1} scratch table per point).
void evaluate_two_mle(benchmark::State& state) {
  const unsigned n = static_cast<unsigned>(state.range(0));
  const auto t = bench::random_table(std::size_t{1} << n, n);
  const std::vector<std::vector<E>> pts{random_point(n, 2), random_point(n, 3)};
  for (auto _ : state)
    for (const auto& p : pts) benchmark::DoNotOptimize(mle_evaluate<E, Goldilocks>(t, p));
}

// w += Σ_l γ^{l+1} eq(pow(u_l), ·): 129 queries (iteration 0 of the default Johnson
// parameters at 2^24) on 2^m entries.
void query_weights(benchmark::State& state) {
  const unsigned m = static_cast<unsigned>(state.range(0));
  auto w = random_ext(std::size_t{1} << m, m);
  std::vector<Goldilocks> us;
  // u_l = ω^{j_l 2^k}, ω of order 2^{m+k+R}: fiber j_l of the 2^{m+R} fibers.
  const Goldilocks omega = Goldilocks::root_of_unity(m + kRate + kFold);
  std::mt19937_64 rng(m);
  for (std::size_t l = 0; l < 129; ++l) us.push_back(omega.pow((rng() % (std::uint64_t{1} << (m + kRate))) << kFold));
  const E gamma(Goldilocks::from_u64(11), Goldilocks::from_u64(13));
  for (auto _ : state) {
    whir_detail::add_query_weights(w, us, gamma);
    benchmark::DoNotOptimize(w.data());
  }
}

}  // namespace

#define WHIR_KERNEL(fn, name) BENCHMARK(fn)->Name(name)->Unit(benchmark::kMillisecond)->UseRealTime()
WHIR_KERNEL(encode_base, "whir_encode_fibers_base")->Arg(20)->Arg(24);
WHIR_KERNEL(encode_ext, "whir_encode_fibers_ext")->Arg(16)->Arg(20);
WHIR_KERNEL(encode_ext_low_rate, "whir_encode_fibers_ext_rate6")->Arg(16);
WHIR_KERNEL(tree_base, "whir_tree_base")->Arg(20)->Arg(24);
WHIR_KERNEL(tree_ext, "whir_tree_ext")->Arg(16)->Arg(20);
WHIR_KERNEL(eq_weight, "whir_eq_weight")->Arg(20)->Arg(24);
WHIR_KERNEL(eq_weight3, "whir_eq_weight3")->Arg(20)->Arg(24);
WHIR_KERNEL(round_base, "whir_round_poly_base")->Arg(20)->Arg(24);
WHIR_KERNEL(round_ext, "whir_round_poly_ext")->Arg(20)->Arg(24);
WHIR_KERNEL(fold_base, "whir_fold_low_base")->Arg(20)->Arg(24);
WHIR_KERNEL(fold_ext, "whir_fold_low_ext")->Arg(20)->Arg(24);
WHIR_KERNEL(first_iteration_tables, "whir_first_iteration_tables")->Arg(20)->Arg(24);
WHIR_KERNEL(rounds_separate, "whir_rounds_separate")->Arg(16)->Arg(20);
WHIR_KERNEL(evaluate_two_mle, "whir_evaluate_two_mle")->Arg(20)->Arg(24);
WHIR_KERNEL(query_weights, "whir_add_query_weights")->Arg(16)->Arg(20);
#ifndef WHIR_KERNELS_BASELINE
WHIR_KERNEL(first_iteration_eq_weight, "whir_first_iteration_eq_weight")->Arg(20)->Arg(24);
WHIR_KERNEL(rounds_fused, "whir_rounds_fused")->Arg(16)->Arg(20);
WHIR_KERNEL(evaluate_two, "whir_evaluate_two")->Arg(20)->Arg(24);
#endif
