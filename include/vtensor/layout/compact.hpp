// vtensor/layout/compact.hpp — compact row-major and column-major layouts.
//
// row_major(d_0..d_{r-1}): stride_j = Π_{l>j} d_l (last mode contiguous).
// col_major(d_0..d_{r-1}): stride_j = Π_{l<j} d_l (first mode contiguous).
// A stride is static exactly when every extent it multiplies is static, so
// row_major(make_shape(m, Int<4>{})) has stride (Int<4>, Int<1>) for runtime m.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>

#include "vtensor/layout/shape.hpp"
#include "vtensor/layout/strided_layout.hpp"

namespace vtensor {

namespace detail {
// Row-major strides of modes 0..I, given `acc` = the stride of mode I.
template <std::size_t I, class Shape, class Acc>
constexpr auto row_major_strides(const Shape& s, const Acc& acc) {
  if constexpr (I == 0) {
    return std::make_tuple(acc);
  } else {
    return std::tuple_cat(row_major_strides<I - 1>(s, int_mul(acc, std::get<I>(s))), std::make_tuple(acc));
  }
}
// Column-major strides of modes I..N-1, given `acc` = the stride of mode I.
template <std::size_t I, class Shape, class Acc>
constexpr auto col_major_strides(const Shape& s, const Acc& acc) {
  constexpr std::size_t n = std::tuple_size_v<Shape>;
  if constexpr (I + 1 == n) {
    return std::make_tuple(acc);
  } else {
    return std::tuple_cat(std::make_tuple(acc), col_major_strides<I + 1>(s, int_mul(acc, std::get<I>(s))));
  }
}
template <class S>
constexpr auto as_shape_tuple(const S& shape) {
  auto s = normalize(shape);
  if constexpr (TupleLike<decltype(s)>) {
    static_assert(is_flat_v<decltype(s)>, "row_major/col_major take a flat shape");
    return s;
  } else {
    return std::make_tuple(s);
  }
}
}  // namespace detail

template <IntTuple S>
constexpr auto row_major(const S& shape) {
  const auto s = detail::as_shape_tuple(shape);
  constexpr std::size_t n = std::tuple_size_v<decltype(s)>;
  if constexpr (n == 0) {
    return make_layout(s, s);
  } else {
    return make_layout(s, detail::row_major_strides<n - 1>(s, Int<1>{}));
  }
}

template <IntTuple S>
constexpr auto col_major(const S& shape) {
  const auto s = detail::as_shape_tuple(shape);
  constexpr std::size_t n = std::tuple_size_v<decltype(s)>;
  if constexpr (n == 0) {
    return make_layout(s, s);
  } else {
    return make_layout(s, detail::col_major_strides<0>(s, Int<1>{}));
  }
}

// The type of a fully dynamic row-major layout of rank R (stride of the last mode Int<1>).
template <std::size_t R>
using RowMajorLayout = decltype(row_major(std::tuple_cat(std::array<std::int64_t, R>{})));

namespace detail {
// Compact in the given order: strides 1, e_last, e_last·e_prev, … walking the modes
// from the fastest (the last for row-major, the first for column-major).
template <class S, class D>
constexpr bool is_compact(const StridedLayout<S, D>& l, bool row_major) noexcept {
  if constexpr (!is_flat_v<S>) {
    return false;
  } else {
    constexpr std::size_t n = StridedLayout<S, D>::rank;
    const auto e = l.extents();
    const auto st = std::apply([](const auto&... x) { return std::array<std::int64_t, n>{value_of(x)...}; },
                               l.stride());
    std::int64_t expect = 1;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t k = row_major ? n - 1 - i : i;
      if (e[k] != 1 && st[k] != expect) return false;
      expect *= e[k];
    }
    return true;
  }
}
}  // namespace detail

// True when a flat layout is the compact row-major (col-major) layout of its
// shape; modes of extent 1 may have any stride (they are never stepped).
template <class S, class D>
constexpr bool is_compact_row_major(const StridedLayout<S, D>& l) noexcept {
  return detail::is_compact(l, true);
}
template <class S, class D>
constexpr bool is_compact_col_major(const StridedLayout<S, D>& l) noexcept {
  return detail::is_compact(l, false);
}

}  // namespace vtensor
