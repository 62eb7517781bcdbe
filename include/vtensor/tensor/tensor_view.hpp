// vtensor/tensor/tensor_view.hpp — non-owning views over caller (host) memory.
//
// TensorView<T, L> is a pointer plus a Layout: element c is data[layout(c)].
// T may be const (read-only view); a mutable view converts to a const one.
// Views never allocate and never own; the caller keeps the memory alive.
// The flat index of an element is its row-major position in the view's shape
// (independent of how memory is strided).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "vtensor/error.hpp"
#include "vtensor/layout/compact.hpp"
#include "vtensor/layout/concept.hpp"
#include "vtensor/layout/shape.hpp"

namespace vtensor {

template <class T, Layout L>
class TensorView {
 public:
  using element_type = T;
  using value_type = std::remove_cv_t<T>;
  using layout_type = L;
  using Coord = typename L::Coord;
  static constexpr std::size_t rank = L::rank;

  constexpr TensorView() = default;
  constexpr TensorView(T* data, const L& layout) noexcept : data_(data), layout_(layout) {}
  // Mutable -> const conversion.
  template <class U>
    requires(!std::is_same_v<U, T> && std::is_convertible_v<U (*)[], T (*)[]>)
  constexpr TensorView(const TensorView<U, L>& o) noexcept : data_(o.data()), layout_(o.layout()) {}

  constexpr T* data() const noexcept { return data_; }
  constexpr const L& layout() const noexcept { return layout_; }
  constexpr std::int64_t size() const noexcept { return layout_.size(); }
  constexpr Coord extents() const noexcept { return layout_.extents(); }
  constexpr std::int64_t extent(std::size_t i) const noexcept { return layout_.extents()[i]; }

  // Unchecked element access by coordinate.
  template <IntLike... I>
    requires(sizeof...(I) == rank)
  constexpr T& operator()(const I&... i) const noexcept {
    return data_[layout_(i...)];
  }
  constexpr T& operator()(const Coord& c) const noexcept { return data_[layout_(c)]; }
  // Checked access: ArgumentError when c is out of bounds.
  T& at(const Coord& c) const {
    if (!layout_.contains(c)) throw ArgumentError("TensorView::at: coordinate out of bounds");
    return data_[layout_(c)];
  }
  // Element at flat (row-major) index i (unchecked).
  constexpr T& flat(std::int64_t i) const noexcept { return data_[layout_.offset_of(i)]; }

 private:
  T* data_ = nullptr;
  [[no_unique_address]] L layout_{};
};

template <class T, Layout L>
TensorView(T*, const L&) -> TensorView<T, L>;

template <class T, Layout L>
constexpr TensorView<T, L> make_view(T* data, const L& layout) noexcept {
  return TensorView<T, L>(data, layout);
}
// A contiguous row-major view of a shape, e.g. make_row_major_view(p, make_shape(m, n)).
template <class T, IntTuple S>
constexpr auto make_row_major_view(T* data, const S& shape) {
  const auto l = row_major(shape);
  return TensorView<T, std::remove_cv_t<decltype(l)>>(data, l);
}

template <class V>
struct is_tensor_view : std::false_type {};
template <class T, class L>
struct is_tensor_view<TensorView<T, L>> : std::true_type {};
template <class V>
inline constexpr bool is_tensor_view_v = is_tensor_view<std::remove_cvref_t<V>>::value;

// Elements per row (extent of the last mode; 1 for rank 0) and number of rows.
template <class T, Layout L>
constexpr std::int64_t row_length(const TensorView<T, L>& v) noexcept {
  if constexpr (L::rank == 0) {
    return 1;
  } else {
    return v.extent(L::rank - 1);
  }
}
template <class T, Layout L>
constexpr std::int64_t row_count(const TensorView<T, L>& v) noexcept {
  const std::int64_t len = row_length(v);
  return len == 0 ? 0 : v.size() / len;
}

// Visits flat indices [begin, end) of v in row-major order, one row segment at a
// time: seg(first, count, elem) where elem(k) is the element of flat index
// first + k, 0 <= k < count, and the segment never crosses a row. When the last
// mode is a plain extent, elem(k) is data[base + k·stride] (no index arithmetic
// per element); a nested last mode falls back to the layout per element.
template <class T, Layout L, class Seg>
constexpr void for_each_segment(const TensorView<T, L>& v, std::int64_t begin, std::int64_t end, Seg&& seg) {
  constexpr bool flat_last = [] {
    if constexpr (L::rank == 0) {
      return true;
    } else {
      using D = std::remove_cvref_t<decltype(std::declval<const L&>().stride())>;
      if constexpr (TupleLike<D>) {
        return IntLike<std::tuple_element_t<L::rank - 1, D>>;
      } else {
        return false;
      }
    }
  }();
  const std::int64_t len = row_length(v);
  std::int64_t i = begin;
  while (i < end) {
    const std::int64_t count = std::min(len - i % len, end - i);
    if constexpr (flat_last) {
      T* const base = v.data() + v.layout().offset_of(i);
      std::int64_t step = 0;
      if constexpr (L::rank > 0) step = value_of(std::get<L::rank - 1>(v.layout().stride()));
      seg(i, count, [base, step](std::int64_t k) -> T& { return base[k * step]; });
    } else {
      seg(i, count, [&v, i](std::int64_t k) -> T& { return v.flat(i + k); });
    }
    i += count;
  }
}

}  // namespace vtensor
