// vtensor/sumcheck/composition.hpp — the low-degree compositions g a sumcheck proves.
//
// A composition is a stateless type naming a polynomial g(y_1, …, y_k) of total
// degree kDegree, evaluated generically over the base field (first round, on
// base-field inputs) and over the extension (after the first challenge). Its id
// is absorbed into the transcript, so a proof for one g never verifies for another.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <string_view>

#include "vtensor/field/goldilocks_ext2.hpp"

namespace vtensor {

template <class G>
concept Composition = requires {
  { G::kArity } -> std::convertible_to<std::size_t>;
  { G::kDegree } -> std::convertible_to<std::size_t>;
  { G::kId } -> std::convertible_to<std::string_view>;
} && (G::kArity >= 1) && (G::kDegree >= 1) &&
requires(const std::array<Goldilocks, G::kArity>& a, const std::array<GoldilocksExt2, G::kArity>& b) {
  { G::eval(a) } -> std::same_as<Goldilocks>;
  { G::eval(b) } -> std::same_as<GoldilocksExt2>;
};

// g(y) = y_1 · y_2 ··· y_K (degree K): inner products, Hadamard, Thaler's matmul.
template <std::size_t K>
struct ProductOf {
  static_assert(K >= 1 && K <= 8);
  static constexpr std::size_t kArity = K;
  static constexpr std::size_t kDegree = K;
  static constexpr std::string_view kId = K == 1 ? "prod1" : K == 2 ? "prod2" : K == 3 ? "prod3" : "prodK";
  template <class T>
  static T eval(const std::array<T, K>& y) {
    T acc = y[0];
    for (std::size_t i = 1; i < K; ++i) acc = acc * y[i];
    return acc;
  }
};

// g(y) = y^2 (degree 2): Σ Δ_i^2, the squared Frobenius norm.
struct Square {
  static constexpr std::size_t kArity = 1;
  static constexpr std::size_t kDegree = 2;
  static constexpr std::string_view kId = "square";
  template <class T>
  static T eval(const std::array<T, 1>& y) {
    return y[0] * y[0];
  }
};

// g(y) = y (degree 1): a plain sum, or with an eq factor an MLE evaluation claim.
struct Identity {
  static constexpr std::size_t kArity = 1;
  static constexpr std::size_t kDegree = 1;
  static constexpr std::string_view kId = "identity";
  template <class T>
  static T eval(const std::array<T, 1>& y) {
    return y[0];
  }
};

// g(a, b, c) = a·b − c (degree 2): a zero-check that c is the Hadamard product of a and b.
struct ProductMinus {
  static constexpr std::size_t kArity = 3;
  static constexpr std::size_t kDegree = 2;
  static constexpr std::string_view kId = "prod2-minus";
  template <class T>
  static T eval(const std::array<T, 3>& y) {
    return y[0] * y[1] - y[2];
  }
};

}  // namespace vtensor
