// vtensor/tensor/tensor.hpp — Tensor<T, R>: an owning, compact row-major tensor.
//
// A std::vector<T> plus a dynamic row-major layout of rank R. view()/cview()
// hand out TensorViews; the tensor must outlive them (and not be resized).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/layout/compact.hpp"
#include "vtensor/layout/shape.hpp"
#include "vtensor/tensor/tensor_view.hpp"

namespace vtensor {

template <class T, std::size_t R>
class Tensor {
 public:
  using value_type = T;
  using layout_type = RowMajorLayout<R>;
  using Coord = std::array<std::int64_t, R>;
  static constexpr std::size_t rank = R;

  Tensor() : Tensor(Coord{}) {}
  // Value-initialized (zero) tensor of the given shape (every extent >= 0).
  explicit Tensor(const Coord& shape, const T& fill = T{}) : layout_(make(shape)) {
    data_.assign(static_cast<std::size_t>(layout_.size()), fill);
  }
  // Takes ownership of data laid out row-major in `shape`.
  Tensor(const Coord& shape, std::vector<T> data) : layout_(make(shape)), data_(std::move(data)) {
    if (static_cast<std::int64_t>(data_.size()) != layout_.size()) {
      throw ArgumentError("Tensor: " + std::to_string(data_.size()) + " values for a shape of " +
                          std::to_string(layout_.size()) + " elements");
    }
  }

  const layout_type& layout() const noexcept { return layout_; }
  Coord shape() const noexcept { return layout_.extents(); }
  std::int64_t extent(std::size_t i) const noexcept { return layout_.extent(i); }
  std::int64_t size() const noexcept { return layout_.size(); }
  T* data() noexcept { return data_.data(); }
  const T* data() const noexcept { return data_.data(); }
  std::vector<T>& vector() noexcept { return data_; }
  const std::vector<T>& vector() const noexcept { return data_; }

  TensorView<T, layout_type> view() noexcept { return {data_.data(), layout_}; }
  TensorView<const T, layout_type> view() const noexcept { return {data_.data(), layout_}; }
  TensorView<const T, layout_type> cview() const noexcept { return {data_.data(), layout_}; }

  template <IntLike... I>
    requires(sizeof...(I) == R)
  T& operator()(const I&... i) noexcept {
    return data_[static_cast<std::size_t>(layout_(i...))];
  }
  template <IntLike... I>
    requires(sizeof...(I) == R)
  const T& operator()(const I&... i) const noexcept {
    return data_[static_cast<std::size_t>(layout_(i...))];
  }
  T& operator()(const Coord& c) noexcept { return data_[static_cast<std::size_t>(layout_(c))]; }
  const T& operator()(const Coord& c) const noexcept { return data_[static_cast<std::size_t>(layout_(c))]; }

 private:
  static layout_type make(const Coord& shape) { return row_major(std::tuple_cat(shape)); }

  layout_type layout_;
  std::vector<T> data_;
};

}  // namespace vtensor
