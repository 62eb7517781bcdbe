// vtensor/layout/concept.hpp — the Layout concept: what views and kernels rely on.
//
// A layout maps a coordinate (one integer per top-level mode) to a memory offset,
// and enumerates its coordinates in row-major order (last mode fastest): the
// logical or "flat" index i of a coordinate c is Σ_j c_j · Π_{l>j} extent_l.
#pragma once

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>

namespace vtensor {

template <class L>
concept Layout = requires(const L& l, const typename L::Coord& c, std::int64_t i) {
  { L::rank } -> std::convertible_to<std::size_t>;
  requires std::same_as<typename L::Coord, std::array<std::int64_t, L::rank>>;
  { l.size() } -> std::same_as<std::int64_t>;             // number of coordinates
  { l.extents() } -> std::same_as<typename L::Coord>;     // size of each top-level mode
  { l(c) } -> std::same_as<std::int64_t>;                 // coordinate -> offset
  { l.coord(i) } -> std::same_as<typename L::Coord>;      // flat index -> coordinate
  l.shape();
  l.stride();
};

template <Layout L>
inline constexpr std::size_t rank_v = L::rank;

}  // namespace vtensor
