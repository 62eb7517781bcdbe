// vtensor/layout/shape.hpp — extents, shapes and strides with static and dynamic entries.
//
// An extent (or stride) is either static, carried in the type as Int<N> (any
// std::integral_constant of an integer type counts), or dynamic, a runtime
// integer stored as std::int64_t. A shape is a std::tuple of modes; a mode is an
// extent or, for hierarchical layouts, a nested tuple of modes (an "IntTuple"
// in CuTe's words). Static entries cost no storage and fold at compile time;
// arithmetic on two static values stays static (int_mul, int_div).
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "vtensor/error.hpp"

namespace vtensor {

// A compile-time integer extent or stride.
template <std::int64_t N>
using Int = std::integral_constant<std::int64_t, N>;

template <class T>
struct is_static_int : std::false_type {};
template <class I, I V>
struct is_static_int<std::integral_constant<I, V>>
    : std::bool_constant<std::is_integral_v<I> && !std::is_same_v<I, bool>> {};
template <class T>
inline constexpr bool is_static_int_v = is_static_int<std::remove_cvref_t<T>>::value;

template <class T>
concept StaticInt = is_static_int_v<T>;
template <class T>
concept DynamicInt = std::integral<std::remove_cvref_t<T>> && !std::same_as<std::remove_cvref_t<T>, bool>;
// A leaf of a shape or stride tree.
template <class T>
concept IntLike = StaticInt<T> || DynamicInt<T>;

template <class T>
struct is_std_tuple : std::false_type {};
template <class... Ts>
struct is_std_tuple<std::tuple<Ts...>> : std::true_type {};
template <class T>
concept TupleLike = is_std_tuple<std::remove_cvref_t<T>>::value;
// A shape or stride tree (the leaves of a tuple are checked where it is used).
template <class T>
concept IntTuple = IntLike<T> || TupleLike<T>;

// The integer value of a leaf, static or dynamic.
template <IntLike T>
constexpr std::int64_t value_of(const T& x) noexcept {
  if constexpr (StaticInt<T>) {
    return static_cast<std::int64_t>(std::remove_cvref_t<T>::value);
  } else {
    return static_cast<std::int64_t>(x);
  }
}

// True when every leaf of the tree is static.
template <class T>
struct is_static : std::bool_constant<StaticInt<T>> {};
template <class... Ts>
struct is_static<std::tuple<Ts...>> : std::bool_constant<(is_static<std::remove_cvref_t<Ts>>::value && ...)> {};
template <class T>
inline constexpr bool is_static_v = is_static<std::remove_cvref_t<T>>::value;

// True when the tuple has no nested tuples (every mode is a leaf).
template <class T>
struct is_flat : std::false_type {};
template <class... Ts>
struct is_flat<std::tuple<Ts...>> : std::bool_constant<(IntLike<Ts> && ...)> {};
template <class T>
inline constexpr bool is_flat_v = is_flat<std::remove_cvref_t<T>>::value;

// Canonical storage: static leaves become Int<N>, dynamic leaves std::int64_t,
// tuples are normalized recursively (std::make_tuple keeps nested tuples nested).
template <IntTuple T>
constexpr auto normalize(const T& x) {
  if constexpr (StaticInt<T>) {
    return Int<value_of(T{})>{};
  } else if constexpr (DynamicInt<T>) {
    return static_cast<std::int64_t>(x);
  } else {
    static_assert(TupleLike<T>, "a shape or stride is an integer, Int<N> or a std::tuple of them");
    return std::apply([](const auto&... e) { return std::make_tuple(normalize(e)...); }, x);
  }
}

template <IntTuple... Ts>
constexpr auto make_shape(const Ts&... xs) {
  return std::make_tuple(normalize(xs)...);
}
template <IntTuple... Ts>
constexpr auto make_stride(const Ts&... xs) {
  return std::make_tuple(normalize(xs)...);
}

// Number of elements of a shape tree: the product of its leaves (1 for an empty tuple).
template <IntTuple T>
constexpr std::int64_t product(const T& x) {
  if constexpr (IntLike<T>) {
    return value_of(x);
  } else {
    static_assert(TupleLike<T>);
    return std::apply([](const auto&... e) { return (std::int64_t{1} * ... * product(e)); }, x);
  }
}

// Products and quotients that stay static when both operands are.
template <IntLike A, IntLike B>
constexpr auto int_mul(const A& a, const B& b) {
  if constexpr (StaticInt<A> && StaticInt<B>) {
    return Int<value_of(A{}) * value_of(B{})>{};
  } else {
    return value_of(a) * value_of(b);
  }
}
// Exact quotient: a must be a multiple of b (static: compile error; dynamic: ArgumentError).
template <IntLike A, IntLike B>
constexpr auto int_div(const A& a, const B& b) {
  if constexpr (StaticInt<A> && StaticInt<B>) {
    static_assert(value_of(B{}) > 0 && value_of(A{}) % value_of(B{}) == 0, "int_div: not a multiple");
    return Int<value_of(A{}) / value_of(B{})>{};
  } else {
    if (value_of(b) <= 0 || value_of(a) % value_of(b) != 0) {
      throw ArgumentError("int_div: " + std::to_string(value_of(a)) + " is not a positive multiple of " +
                          std::to_string(value_of(b)));
    }
    return value_of(a) / value_of(b);
  }
}

// Same tree structure (tuple nesting and sizes), the precondition of a layout.
template <class A, class B>
struct is_congruent : std::bool_constant<IntLike<A> && IntLike<B>> {};
template <class... As, class... Bs>
  requires(sizeof...(As) == sizeof...(Bs))
struct is_congruent<std::tuple<As...>, std::tuple<Bs...>>
    : std::bool_constant<(is_congruent<std::remove_cvref_t<As>, std::remove_cvref_t<Bs>>::value && ...)> {};
template <class A, class B>
inline constexpr bool is_congruent_v = is_congruent<std::remove_cvref_t<A>, std::remove_cvref_t<B>>::value;

// True when every leaf is >= 0 (shapes must satisfy it).
template <IntTuple T>
constexpr bool all_nonnegative(const T& x) {
  if constexpr (IntLike<T>) {
    return value_of(x) >= 0;
  } else {
    return std::apply([](const auto&... e) { return (true && ... && all_nonnegative(e)); }, x);
  }
}

}  // namespace vtensor
