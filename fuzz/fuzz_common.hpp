// fuzz/fuzz_common.hpp — fixtures and checks shared by the libFuzzer targets and
// the seed-corpus generator (docs/fuzzing.md).
//
// Every target takes (selector bytes ‖ payload): the selector picks one of a few
// fixed statements built here from fixed seeds (so the valid proofs are the same
// in every process), the payload is the proof / path under test. A target
// "finds" something when
//   * an exception other than a vtensor::Error subclass escapes (libFuzzer reports
//     the uncaught exception as a crash: std::bad_alloc, std::length_error, ...),
//   * a vtensor::Error carries an empty message,
//   * a decoder accepts bytes that do not re-encode to themselves, or
//   * a verifier accepts (returns, and its claims hold on the tables) bytes that
//     differ from the valid proof,
// and, through the sanitizers, on any memory error, undefined behaviour, leak,
// timeout or out-of-memory. Findings abort with the input in hex on stderr.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/mle/dense.hpp"
#include "vtensor/sumcheck.hpp"

// The seeded data helpers are the test suite's own.
#include "../tests/test_util.hpp"

namespace vtensor::fuzz {

using Bytes = std::vector<std::uint8_t>;
using E = GoldilocksExt2;
using F = Goldilocks;

inline std::string hex(std::span<const std::uint8_t> b) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t x : b) {
    s += kHex[x >> 4];
    s += kHex[x & 15];
  }
  return s;
}

[[noreturn]] inline void finding(const char* what, std::span<const std::uint8_t> input) {
  std::fprintf(stderr, "\n*** vtensor fuzz finding: %s\n*** input (%zu bytes): %s\n", what, input.size(),
               hex(input).c_str());
  std::abort();
}

// Runs fn() -> bool. vtensor::Error is a rejection (false); its message must not be
// empty. Anything else thrown escapes to libFuzzer, which reports it as a crash.
template <class Fn>
bool guarded(std::span<const std::uint8_t> input, Fn&& fn) {
  try {
    return fn();
  } catch (const Error& e) {
    if (std::string(e.what()).empty()) finding("vtensor::Error with an empty message", input);
    return false;
  }
}

inline Bytes as_bytes(const std::uint8_t* data, std::size_t size) {
  return size == 0 ? Bytes{} : Bytes(data, data + size);
}

// ---- deterministic test data ----------------------------------------------------------

using test::random_ext;
using test::random_fp;
using test::random_small;

// ---- verify_sum ------------------------------------------------------------------------

// Type-erased sumcheck fixture: the statement, its tables and its valid proof.
struct SumFixture {
  std::string name;
  Bytes proof;
  std::uint32_t num_vars = 0, degree = 0, arity = 0;  // the proof's shape
  // verify_sum on `bytes`, then the claims checked against the tables.
  bool (*accept)(const SumFixture&, std::span<const std::uint8_t>) = nullptr;
  SumStatement<E> st;
  std::vector<std::vector<F>> tables;
};

template <Composition G>
bool sum_accept(const SumFixture& fx, std::span<const std::uint8_t> bytes) {
  const auto claims = verify_sum<G, E>(fx.st, bytes);
  for (std::size_t j = 0; j < G::kArity; ++j)
    if (claims.values[j] != mle_evaluate<E, F>(fx.tables[j], claims.point)) return false;  // openings would refute
  return true;
}

template <Composition G>
SumFixture make_sum_fixture(std::uint64_t seed, std::uint32_t n, bool with_eq) {
  std::mt19937_64 rng(seed);
  SumFixture fx;
  fx.name = std::string(G::kId) + (with_eq ? "+eq" : "") + " n=" + std::to_string(n);
  fx.tables.resize(G::kArity);
  for (auto& t : fx.tables) {
    t.resize(std::size_t{1} << n);
    for (auto& x : t) x = random_fp(rng);
  }
  fx.st.num_vars = n;
  if (with_eq)
    for (std::uint32_t i = 0; i < n; ++i) fx.st.eq_point.push_back(random_ext(rng));
  fx.st.claim = test::sum_of<G>(fx.tables, std::span<const E>(fx.st.eq_point));
  fx.st.context = {0x66, static_cast<std::uint8_t>(n)};
  std::array<std::span<const F>, G::kArity> spans;
  for (std::size_t j = 0; j < G::kArity; ++j) spans[j] = fx.tables[j];
  fx.proof = prove_sum<G, F, E>(fx.st, spans);
  fx.num_vars = n;
  fx.degree = static_cast<std::uint32_t>(G::kDegree + (fx.st.eq_point.empty() ? 0 : 1));
  fx.arity = static_cast<std::uint32_t>(G::kArity);
  fx.accept = &sum_accept<G>;
  return fx;
}

// ProductOf<2> and Square, each with and without an eq point, over n = 0, 2, 4 variables.
inline const std::vector<SumFixture>& sum_fixtures() {
  static const std::vector<SumFixture> all = [] {
    std::vector<SumFixture> v;
    std::uint64_t seed = 0xF5C0;
    for (std::uint32_t n : {0u, 2u, 4u}) {
      v.push_back(make_sum_fixture<ProductOf<2>>(seed++, n, false));
      v.push_back(make_sum_fixture<ProductOf<2>>(seed++, n, true));
      v.push_back(make_sum_fixture<Square>(seed++, n, false));
      v.push_back(make_sum_fixture<Square>(seed++, n, true));
    }
    return v;
  }();
  return all;
}

// ---- matmul and Hadamard ------------------------------------------------------------------

inline std::vector<F> padded(const std::vector<F>& M, std::size_t rows, std::size_t cols) {
  const unsigned a = log2_ceil(rows), b = log2_ceil(cols);
  std::vector<F> p(std::size_t{1} << (a + b), F::zero());
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t j = 0; j < cols; ++j) p[(i << b) + j] = M[i * cols + j];
  return p;
}

struct MatmulFixture {
  MatmulStatement st;
  std::vector<F> A, B, C;  // padded to powers of two
  Bytes proof;
  bool accept(std::span<const std::uint8_t> bytes) const {
    const auto c = verify_matmul<E>(st, bytes);
    return c.c_value == mle_evaluate<E, F>(C, c.point_c()) && c.a_value == mle_evaluate<E, F>(A, c.point_a()) &&
           c.b_value == mle_evaluate<E, F>(B, c.point_b());
  }
};

inline const std::vector<MatmulFixture>& matmul_fixtures() {
  static const std::vector<MatmulFixture> all = [] {
    std::vector<MatmulFixture> v;
    std::mt19937_64 rng(0xF3A7);
    const std::array<std::array<std::size_t, 3>, 4> shapes{{{1, 1, 1}, {2, 1, 3}, {3, 5, 2}, {4, 8, 4}}};
    for (const auto& [m, k, n] : shapes) {
      const auto A = random_small(rng, m * k, 100), B = random_small(rng, k * n, 100);
      std::vector<F> C(m * n, F::zero());
      for (std::size_t i = 0; i < m; ++i)
        for (std::size_t l = 0; l < n; ++l)
          for (std::size_t j = 0; j < k; ++j) C[i * n + l] += A[i * k + j] * B[j * n + l];
      MatmulFixture fx;
      fx.st = MatmulStatement{m, k, n, {0x6d}};
      fx.proof = prove_matmul<F>(fx.st, A, B);
      fx.A = padded(A, m, k);
      fx.B = padded(B, k, n);
      fx.C = padded(C, m, n);
      v.push_back(std::move(fx));
    }
    return v;
  }();
  return all;
}

struct HadamardFixture {
  HadamardStatement st;
  std::vector<F> A, B, C;  // padded to a power of two
  Bytes proof;
  bool accept(std::span<const std::uint8_t> bytes) const {
    const auto c = verify_hadamard<E>(st, bytes);
    return c.c_value == mle_evaluate<E, F>(C, c.z) && c.a_value == mle_evaluate<E, F>(A, c.r) &&
           c.b_value == mle_evaluate<E, F>(B, c.r);
  }
};

inline const std::vector<HadamardFixture>& hadamard_fixtures() {
  static const std::vector<HadamardFixture> all = [] {
    std::vector<HadamardFixture> v;
    std::mt19937_64 rng(0xF4AD);
    for (std::size_t size : {1, 2, 5, 16}) {
      auto A = random_small(rng, size, 100), B = random_small(rng, size, 100);
      HadamardFixture fx;
      fx.st = HadamardStatement{size, {0x68}};
      fx.proof = prove_hadamard<F>(fx.st, A, B);
      const std::size_t p = std::size_t{1} << log2_ceil(size);
      A.resize(p, F::zero());
      B.resize(p, F::zero());
      fx.C.resize(p);
      for (std::size_t i = 0; i < p; ++i) fx.C[i] = A[i] * B[i];
      fx.A = std::move(A);
      fx.B = std::move(B);
      v.push_back(std::move(fx));
    }
    return v;
  }();
  return all;
}

// ---- Merkle ---------------------------------------------------------------------------------

inline constexpr std::array<unsigned, 4> kPathDepths = {0, 1, 4, 7};
inline constexpr std::array<unsigned, 3> kMultiDepths = {0, 3, 6};

inline MerkleTree make_tree(unsigned depth, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Bytes> leaves(std::size_t{1} << depth);
  for (auto& l : leaves) {
    l.resize(1 + rng() % 40);
    for (auto& x : l) x = static_cast<std::uint8_t>(rng());
  }
  return MerkleTree::from_leaves(leaves);
}

inline const std::vector<MerkleTree>& path_trees() {
  static const std::vector<MerkleTree> all = [] {
    std::vector<MerkleTree> v;
    for (unsigned d : kPathDepths) v.push_back(make_tree(d, 0xF3E0 + d));
    return v;
  }();
  return all;
}

inline const std::vector<MerkleTree>& multi_trees() {
  static const std::vector<MerkleTree> all = [] {
    std::vector<MerkleTree> v;
    for (unsigned d : kMultiDepths) v.push_back(make_tree(d, 0xF3F0 + d));
    return v;
  }();
  return all;
}

// ---- SumcheckProof::from_bytes shapes ---------------------------------------------------------

struct Shape {
  std::uint32_t n, degree, arity;
};
// The fixtures' shapes, then the caps and just past them, and extremes.
inline const std::vector<Shape>& decoder_shapes() {
  static const std::vector<Shape> all = [] {
    std::vector<Shape> v;
    for (const auto& fx : sum_fixtures()) v.push_back({fx.num_vars, fx.degree, fx.arity});
    v.push_back({kSumcheckMaxVars, kSumcheckMaxDegree, kSumcheckMaxArity});
    v.push_back({kSumcheckMaxVars + 1, kSumcheckMaxDegree + 1, kSumcheckMaxArity + 1});
    v.push_back({0, 0, 0});
    v.push_back({1, 1, 1});
    v.push_back({0xffffffffu, 0xffffffffu, 0xffffffffu});
    v.push_back({3, 0xffffffffu, 2});
    return v;
  }();
  return all;
}

// ---- start-up self-checks (LLVMFuzzerInitialize) ---------------------------------------------
// Builds the fixtures before fuzzing starts (so their coverage is not credited to
// the first input) and makes sure every valid proof is accepted: a target whose
// fixtures reject their own proofs would fuzz nothing but error paths.
[[noreturn]] inline void broken_fixture(const std::string& what) {
  std::fprintf(stderr, "vtensor fuzz: broken fixture: %s\n", what.c_str());
  std::abort();
}
inline void self_check_sum() {
  for (const auto& fx : sum_fixtures())
    if (!fx.accept(fx, fx.proof)) broken_fixture(fx.name + " rejects its own proof");
}
inline void self_check_matmul() {
  for (const auto& fx : matmul_fixtures())
    if (!fx.accept(fx.proof)) broken_fixture("a matmul fixture rejects its own proof");
}
inline void self_check_hadamard() {
  for (const auto& fx : hadamard_fixtures())
    if (!fx.accept(fx.proof)) broken_fixture("a hadamard fixture rejects its own proof");
}
inline void self_check_merkle() {
  for (const auto& t : path_trees())
    for (std::uint64_t i = 0; i < t.num_leaves(); ++i)
      if (!merkle_verify(t.root(), t.depth(), i, t.leaf_hash(i), MerklePath::from_bytes(t.open(i).to_bytes())))
        broken_fixture("a Merkle path does not verify");
  for (const auto& t : multi_trees()) {
    const std::vector<std::uint64_t> idx = {0, t.num_leaves() - 1};
    const std::vector<Digest> leaves = {t.leaf_hash(0), t.leaf_hash(t.num_leaves() - 1)};
    if (!merkle_verify_multi(t.root(), t.depth(), idx, leaves,
                             MerkleMultiPath::from_bytes(t.open_multi(idx).to_bytes())))
      broken_fixture("a Merkle multipath does not verify");
  }
}

}  // namespace vtensor::fuzz
