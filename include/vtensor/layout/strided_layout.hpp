// vtensor/layout/strided_layout.hpp — CuTe-style layouts: a Shape and a congruent Stride.
//
// offset(c) = Σ_leaves c_leaf · stride_leaf. A top-level coordinate is one integer
// per mode; on a nested mode that integer is split row-major over the sub-shape
// (last sub-mode fastest). NOTE: CuTe splits colexicographically (first sub-mode
// fastest); vtensor is row-major everywhere, matching the hypercube convention
// (layout/hypercube.hpp), so a nested mode (A, B) reads "A blocks of B".
//
// Everything is constexpr: with a fully static layout, offsets are constant
// expressions (usable in static_assert).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <tuple>
#include <type_traits>
#include <utility>

#include "vtensor/error.hpp"
#include "vtensor/layout/concept.hpp"
#include "vtensor/layout/shape.hpp"

namespace vtensor {

template <class Coord, class Shape, class Stride>
constexpr std::int64_t crd2idx(const Coord& c, const Shape& s, const Stride& d);

namespace detail {
// Distributes the integer coordinate `rem` over modes I, I-1, ..., 0 of a nested
// mode (mode I fastest); the slowest mode takes what is left (no wrap).
template <std::size_t I, class Shape, class Stride>
constexpr std::int64_t crd2idx_split(std::int64_t rem, const Shape& s, const Stride& d) {
  if constexpr (I == 0) {
    return crd2idx(rem, std::get<0>(s), std::get<0>(d));
  } else {
    const std::int64_t e = product(std::get<I>(s));
    return crd2idx(rem % e, std::get<I>(s), std::get<I>(d)) + crd2idx_split<I - 1>(rem / e, s, d);
  }
}
template <class Coord, class Shape, class Stride, std::size_t... I>
constexpr std::int64_t crd2idx_tuple(const Coord& c, const Shape& s, const Stride& d,
                                     std::index_sequence<I...>) {
  return (std::int64_t{0} + ... + crd2idx(std::get<I>(c), std::get<I>(s), std::get<I>(d)));
}
}  // namespace detail

// Offset of a (possibly hierarchical) coordinate under shape/stride trees.
template <class Coord, class Shape, class Stride>
constexpr std::int64_t crd2idx(const Coord& c, const Shape& s, const Stride& d) {
  if constexpr (TupleLike<Coord>) {
    static_assert(TupleLike<Shape> && std::tuple_size_v<Coord> == std::tuple_size_v<Shape>,
                  "coordinate rank does not match the shape");
    return detail::crd2idx_tuple(c, s, d, std::make_index_sequence<std::tuple_size_v<Coord>>{});
  } else if constexpr (TupleLike<Shape>) {
    constexpr std::size_t n = std::tuple_size_v<Shape>;
    if constexpr (n == 0) {
      return 0;
    } else {
      return detail::crd2idx_split<n - 1>(value_of(c), s, d);
    }
  } else {
    return value_of(c) * value_of(d);
  }
}

template <class Shape, class Stride>
class StridedLayout {
  static_assert(TupleLike<Shape>, "a layout's shape is a std::tuple of modes");
  static_assert(is_congruent_v<Shape, Stride>, "shape and stride must have the same tree structure");

 public:
  using shape_type = Shape;
  using stride_type = Stride;
  static constexpr std::size_t rank = std::tuple_size_v<Shape>;
  using Coord = std::array<std::int64_t, rank>;
  static constexpr bool is_static = is_static_v<Shape> && is_static_v<Stride>;

  constexpr StridedLayout() = default;
  constexpr StridedLayout(const Shape& shape, const Stride& stride) : shape_(shape), stride_(stride) {}

  constexpr const Shape& shape() const noexcept { return shape_; }
  constexpr const Stride& stride() const noexcept { return stride_; }
  constexpr std::int64_t size() const noexcept { return product(shape_); }
  // The size of a static shape, available from the type alone.
  static constexpr std::int64_t static_size() noexcept
    requires is_static_v<Shape>
  {
    return product(Shape{});
  }

  // Size of each top-level mode (a nested mode counts as one dimension).
  constexpr Coord extents() const noexcept {
    return std::apply([](const auto&... m) { return Coord{product(m)...}; }, shape_);
  }
  constexpr std::int64_t extent(std::size_t i) const noexcept { return extents()[i]; }

  // coordinate -> offset; one integer per top-level mode (unchecked).
  template <IntLike... C>
    requires(sizeof...(C) == rank)
  constexpr std::int64_t operator()(const C&... c) const noexcept {
    return crd2idx(std::make_tuple(value_of(c)...), shape_, stride_);
  }
  constexpr std::int64_t operator()(const Coord& c) const noexcept {
    return std::apply([this](const auto&... x) { return crd2idx(std::make_tuple(x...), shape_, stride_); }, c);
  }
  // A hierarchical coordinate (tuple congruent with the shape, or partially so).
  template <TupleLike C>
  constexpr std::int64_t operator()(const C& c) const noexcept {
    return crd2idx(c, shape_, stride_);
  }

  // flat (row-major) index -> coordinate; the inverse of the row-major numbering.
  constexpr Coord coord(std::int64_t index) const noexcept {
    const Coord e = extents();
    Coord c{};
    for (std::size_t k = rank; k-- > 1;) {
      c[k] = e[k] > 0 ? index % e[k] : 0;
      index = e[k] > 0 ? index / e[k] : 0;
    }
    if constexpr (rank > 0) c[0] = index;
    return c;
  }
  // flat index -> offset.
  constexpr std::int64_t offset_of(std::int64_t index) const noexcept { return (*this)(coord(index)); }

  // Bounds test of a top-level coordinate.
  constexpr bool contains(const Coord& c) const noexcept {
    const Coord e = extents();
    for (std::size_t k = 0; k < rank; ++k) {
      if (c[k] < 0 || c[k] >= e[k]) return false;
    }
    return true;
  }

  template <class S2, class D2>
  constexpr bool operator==(const StridedLayout<S2, D2>& o) const noexcept {
    if constexpr (is_congruent_v<Shape, S2>) {
      return flat_equal(shape_, o.shape()) && flat_equal(stride_, o.stride());
    } else {
      return false;
    }
  }

 private:
  template <class A, class B>
  static constexpr bool flat_equal(const A& a, const B& b) noexcept {
    if constexpr (IntLike<A>) {
      return value_of(a) == value_of(b);
    } else {
      return [&]<std::size_t... I>(std::index_sequence<I...>) {
        return (true && ... && flat_equal(std::get<I>(a), std::get<I>(b)));
      }(std::make_index_sequence<std::tuple_size_v<A>>{});
    }
  }

  [[no_unique_address]] Shape shape_{};
  [[no_unique_address]] Stride stride_{};
};

// make_layout(shape, stride): integers or tuples (nested allowed); a bare integer
// is a rank-1 layout. Dynamic extents must be >= 0 (ArgumentError otherwise).
template <IntTuple S, IntTuple D>
constexpr auto make_layout(const S& shape, const D& stride) {
  auto s = normalize(shape);
  auto d = normalize(stride);
  if constexpr (!TupleLike<decltype(s)>) {
    return make_layout(std::make_tuple(s), std::make_tuple(d));
  } else {
    static_assert(is_congruent_v<decltype(s), decltype(d)>, "make_layout: shape and stride are not congruent");
    if (!all_nonnegative(s)) throw ArgumentError("make_layout: negative extent");
    return StridedLayout<decltype(s), decltype(d)>(s, d);
  }
}

template <class L>
struct is_strided_layout : std::false_type {};
template <class S, class D>
struct is_strided_layout<StridedLayout<S, D>> : std::true_type {};
template <class L>
inline constexpr bool is_strided_layout_v = is_strided_layout<std::remove_cvref_t<L>>::value;

static_assert(Layout<StridedLayout<std::tuple<std::int64_t>, std::tuple<Int<1>>>>);

}  // namespace vtensor
