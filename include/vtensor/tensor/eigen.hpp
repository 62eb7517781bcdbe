// vtensor/tensor/eigen.hpp — zero-copy interop between TensorView and Eigen.
//
// as_eigen_map(v): a rank-2 compact row-major (or col-major) view as an
//   Eigen::Map<Eigen::Matrix<T, Dynamic, Dynamic, Order>>. The order is taken
//   from the layout type (a static unit stride in mode 1 -> RowMajor, in mode 0
//   -> ColMajor, otherwise RowMajor) or forced with as_eigen_map<Eigen::ColMajor>(v);
//   a view that is not compact in that order is an ArgumentError.
// as_eigen_strided_map(v): any flat rank-2 view, through Eigen::Stride<Dynamic, Dynamic>.
// view_of(m): a TensorView over an Eigen Matrix, Array or Map (strides from Eigen).
#pragma once

#include <Eigen/Core>
#include <cstdint>
#include <tuple>
#include <type_traits>

#include "vtensor/error.hpp"
#include "vtensor/layout/compact.hpp"
#include "vtensor/layout/shape.hpp"
#include "vtensor/layout/strided_layout.hpp"
#include "vtensor/tensor/tensor_view.hpp"

namespace vtensor {

template <class T, int Order>
using EigenMatrix = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Order>;

// The rank-2 layout of view_of: both extents and strides dynamic.
using DynamicLayout2 = StridedLayout<std::tuple<std::int64_t, std::int64_t>, std::tuple<std::int64_t, std::int64_t>>;

namespace detail {
template <class Stride>
constexpr int eigen_order_of() {
  using S0 = std::tuple_element_t<0, Stride>;
  using S1 = std::tuple_element_t<1, Stride>;
  if constexpr (StaticInt<S1> && value_of(S1{}) == 1) {
    return Eigen::RowMajor;
  } else if constexpr (StaticInt<S0> && value_of(S0{}) == 1) {
    return Eigen::ColMajor;
  } else {
    return Eigen::RowMajor;
  }
}
// Map<Matrix> for mutable T, Map<const Matrix> for const T.
template <class T, int Order>
using EigenMapOf = Eigen::Map<std::conditional_t<std::is_const_v<T>, const EigenMatrix<std::remove_cv_t<T>, Order>,
                                                 EigenMatrix<std::remove_cv_t<T>, Order>>>;
}  // namespace detail

// Order = -1 picks the order from the layout type.
template <int Order = -1, class T, class S, class D>
auto as_eigen_map(const TensorView<T, StridedLayout<S, D>>& v) {
  static_assert(StridedLayout<S, D>::rank == 2 && is_flat_v<S>, "as_eigen_map needs a flat rank-2 view");
  constexpr int order = Order == -1 ? detail::eigen_order_of<D>() : Order;
  static_assert(order == Eigen::RowMajor || order == Eigen::ColMajor);
  const bool ok = order == Eigen::RowMajor ? is_compact_row_major(v.layout()) : is_compact_col_major(v.layout());
  if (!ok) {
    throw ArgumentError(order == Eigen::RowMajor ? "as_eigen_map: view is not compact row-major"
                                                 : "as_eigen_map: view is not compact column-major");
  }
  return detail::EigenMapOf<T, order>(v.data(), static_cast<Eigen::Index>(v.extent(0)),
                                      static_cast<Eigen::Index>(v.extent(1)));
}

// Any flat rank-2 view with non-negative strides (element (i,j) at i·s0 + j·s1).
template <class T, class S, class D>
auto as_eigen_strided_map(const TensorView<T, StridedLayout<S, D>>& v) {
  static_assert(StridedLayout<S, D>::rank == 2 && is_flat_v<S>, "as_eigen_strided_map needs a flat rank-2 view");
  const std::int64_t s0 = value_of(std::get<0>(v.layout().stride()));
  const std::int64_t s1 = value_of(std::get<1>(v.layout().stride()));
  if (s0 < 0 || s1 < 0) throw ArgumentError("as_eigen_strided_map: negative stride");
  using M = std::conditional_t<std::is_const_v<T>, const EigenMatrix<std::remove_cv_t<T>, Eigen::RowMajor>,
                               EigenMatrix<std::remove_cv_t<T>, Eigen::RowMajor>>;
  using Str = Eigen::Stride<Eigen::Dynamic, Eigen::Dynamic>;
  return Eigen::Map<M, Eigen::Unaligned, Str>(v.data(), static_cast<Eigen::Index>(v.extent(0)),
                                              static_cast<Eigen::Index>(v.extent(1)), Str(s0, s1));
}

namespace detail {
template <class P, class Obj>
auto view_of_impl(P* data, const Obj& m) {
  const std::int64_t rows = m.rows(), cols = m.cols();
  const std::int64_t outer = m.outerStride(), inner = m.innerStride();
  const std::int64_t s0 = Obj::IsRowMajor ? outer : inner;
  const std::int64_t s1 = Obj::IsRowMajor ? inner : outer;
  return TensorView<P, DynamicLayout2>(data, DynamicLayout2({rows, cols}, {s0, s1}));
}
}  // namespace detail

// A view over an Eigen Matrix, Array or Map. Const objects give const views. Rvalue plain objects are rejected
// (the view would dangle); Maps may be passed by value.
template <class Derived>
auto view_of(Eigen::PlainObjectBase<Derived>& m) {
  return detail::view_of_impl(m.data(), m.derived());
}
template <class Derived>
auto view_of(const Eigen::PlainObjectBase<Derived>& m) {
  return detail::view_of_impl(m.data(), m.derived());
}
template <class Derived>
void view_of(Eigen::PlainObjectBase<Derived>&& m) = delete;
template <class M, int Options, class StrideT>
auto view_of(Eigen::Map<M, Options, StrideT> m) {
  return detail::view_of_impl(m.data(), m);
}

}  // namespace vtensor
