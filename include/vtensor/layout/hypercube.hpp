// vtensor/layout/hypercube.hpp — tensor coordinates -> Boolean hypercube variables.
//
// Convention (the MLE and sumcheck code rely on it; docs/layout.md):
//   A tensor of shape (d_0, ..., d_{r-1}), every d_i >= 1, is padded to
//   (2^{k_0}, ..., 2^{k_{r-1}}) with k_i = ceil(log2 d_i) (k_i = 0 when d_i = 1),
//   laid out row-major in the padded shape; padding entries are zero. The
//   hypercube index of coordinate c is
//       i = Σ_j c_j · Π_{l>j} 2^{k_l},
//   a number of n = Σ k_i bits, and variable x_v is bit v of i. So the LAST
//   dimension occupies the LOWEST variables: dimension j owns variables
//   [lo_j, hi_j) with lo_j = Σ_{l>j} k_l and hi_j = lo_j + k_j, and
//   c_j = (i >> lo_j) & (2^{k_j} - 1). The first dimension owns the highest.
//   The table of 2^n values f(i) defines the MLE f~(x_0..x_{n-1}) with
//   i = Σ_v x_v 2^v.
#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "vtensor/error.hpp"
#include "vtensor/layout/concept.hpp"
#include "vtensor/tensor/tensor_view.hpp"

namespace vtensor {

// Half-open range [lo, hi) of hypercube variables owned by one dimension.
struct VarRange {
  unsigned lo = 0;
  unsigned hi = 0;
  constexpr unsigned count() const noexcept { return hi - lo; }
  friend constexpr bool operator==(const VarRange&, const VarRange&) = default;
};

// ceil(log2 d) for d >= 1 (0 for d = 1).
constexpr unsigned ceil_log2(std::uint64_t d) noexcept {
  return d <= 1 ? 0u : static_cast<unsigned>(std::bit_width(d - 1));
}

class HypercubeMap {
 public:
  static constexpr unsigned kMaxVars = 63;  // indices fit a uint64 with room to spare

  HypercubeMap() = default;
  // shape: extents d_i >= 1; ArgumentError otherwise or if Σ k_i > kMaxVars.
  explicit HypercubeMap(std::span<const std::int64_t> shape) { init(shape); }
  HypercubeMap(std::initializer_list<std::int64_t> shape) {
    init(std::span<const std::int64_t>(shape.begin(), shape.size()));
  }
  // The map of a layout's top-level extents.
  template <Layout L>
  static HypercubeMap of(const L& layout) {
    const auto e = layout.extents();
    return HypercubeMap(std::span<const std::int64_t>(e.data(), e.size()));
  }

  std::size_t rank() const noexcept { return shape_.size(); }
  unsigned num_vars() const noexcept { return num_vars_; }
  const std::vector<std::int64_t>& shape() const noexcept { return shape_; }
  // k_i per dimension.
  const std::vector<unsigned>& log_extents() const noexcept { return log_; }
  std::vector<std::int64_t> padded_shape() const {
    std::vector<std::int64_t> p(rank());
    for (std::size_t i = 0; i < rank(); ++i) p[i] = std::int64_t{1} << log_[i];
    return p;
  }
  // Number of real entries Π d_i, and of hypercube points 2^n.
  std::uint64_t size() const noexcept { return size_; }
  std::uint64_t padded_size() const noexcept { return std::uint64_t{1} << num_vars_; }
  VarRange var_range(std::size_t dim) const {
    if (dim >= rank()) throw ArgumentError("HypercubeMap::var_range: dimension out of range");
    return {lo_[dim], lo_[dim] + log_[dim]};
  }

  // Hypercube index of an in-bounds coordinate (ArgumentError otherwise).
  std::uint64_t index(std::span<const std::int64_t> coord) const {
    if (coord.size() != rank()) throw ArgumentError("HypercubeMap::index: coordinate rank mismatch");
    std::uint64_t i = 0;
    for (std::size_t j = 0; j < rank(); ++j) {
      if (coord[j] < 0 || coord[j] >= shape_[j]) {
        throw ArgumentError("HypercubeMap::index: coordinate " + std::to_string(coord[j]) +
                            " out of range in dimension " + std::to_string(j));
      }
      i |= static_cast<std::uint64_t>(coord[j]) << lo_[j];
    }
    return i;
  }
  std::uint64_t index(std::initializer_list<std::int64_t> coord) const {
    return index(std::span<const std::int64_t>(coord.begin(), coord.size()));
  }
  // Unchecked variant for hot loops (coord in bounds, coord.size() == rank()).
  std::uint64_t index_unchecked(const std::int64_t* coord) const noexcept {
    std::uint64_t i = 0;
    for (std::size_t j = 0; j < rank(); ++j) i |= static_cast<std::uint64_t>(coord[j]) << lo_[j];
    return i;
  }

  // The coordinate of hypercube index i, or nullopt when i is a padding point
  // (some c_j >= d_j) or i >= 2^n.
  std::optional<std::vector<std::int64_t>> coord(std::uint64_t i) const {
    std::vector<std::int64_t> c(rank());
    if (!coord_into(i, c)) return std::nullopt;
    return c;
  }
  // Allocation-free form: writes c (size rank()) and returns false on padding.
  bool coord_into(std::uint64_t i, std::span<std::int64_t> c) const {
    if (c.size() != rank()) throw ArgumentError("HypercubeMap::coord_into: output rank mismatch");
    if (num_vars_ < 64 && (i >> num_vars_) != 0) return false;
    for (std::size_t j = 0; j < rank(); ++j) {
      const std::uint64_t mask = (std::uint64_t{1} << log_[j]) - 1;
      c[j] = static_cast<std::int64_t>((i >> lo_[j]) & mask);
      if (c[j] >= shape_[j]) return false;
    }
    return true;
  }
  bool is_padding(std::uint64_t i) const {
    std::vector<std::int64_t> c(rank());
    return !coord_into(i, c);
  }

  friend bool operator==(const HypercubeMap&, const HypercubeMap&) = default;

 private:
  void init(std::span<const std::int64_t> shape) {
    shape_.assign(shape.begin(), shape.end());
    log_.resize(shape_.size());
    lo_.resize(shape_.size());
    unsigned acc = 0;
    size_ = 1;
    for (std::size_t j = shape_.size(); j-- > 0;) {
      if (shape_[j] < 1) {
        throw ArgumentError("HypercubeMap: extent " + std::to_string(shape_[j]) + " of dimension " +
                            std::to_string(j) + " must be >= 1");
      }
      log_[j] = ceil_log2(static_cast<std::uint64_t>(shape_[j]));
      lo_[j] = acc;
      acc += log_[j];
      if (acc > kMaxVars) throw ArgumentError("HypercubeMap: more than 63 variables");
      size_ *= static_cast<std::uint64_t>(shape_[j]);
    }
    num_vars_ = acc;
  }

  std::vector<std::int64_t> shape_;
  std::vector<unsigned> log_;
  std::vector<unsigned> lo_;
  unsigned num_vars_ = 0;
  std::uint64_t size_ = 1;
};

// Writes the padded dense table of v into out (size 2^n): out[index(c)] = v(c),
// every padding entry U{} (zero). U must be constructible from v's elements.
template <class T, Layout L, class U>
void pad_to_hypercube(const TensorView<T, L>& v, std::span<U> out) {
  const HypercubeMap map = HypercubeMap::of(v.layout());
  if (out.size() != map.padded_size()) {
    throw ArgumentError("pad_to_hypercube: output has " + std::to_string(out.size()) + " entries, need " +
                        std::to_string(map.padded_size()));
  }
  std::fill(out.begin(), out.end(), U{});
  // A row segment (fixed c_0..c_{r-2}) is contiguous in the padded table: the
  // last dimension owns the lowest variables.
  for_each_segment(v, 0, v.size(), [&](std::int64_t first, std::int64_t count, auto elem) {
    const auto c = v.layout().coord(first);
    const std::uint64_t base = map.index_unchecked(c.data());
    for (std::int64_t k = 0; k < count; ++k) out[base + static_cast<std::uint64_t>(k)] = U(elem(k));
  });
}

// The padded dense table as a new vector (element type: v's value_type).
template <class T, Layout L>
std::vector<std::remove_cv_t<T>> pad_to_hypercube(const TensorView<T, L>& v) {
  const HypercubeMap map = HypercubeMap::of(v.layout());
  std::vector<std::remove_cv_t<T>> out(map.padded_size());
  pad_to_hypercube(v, std::span<std::remove_cv_t<T>>(out));
  return out;
}

}  // namespace vtensor
