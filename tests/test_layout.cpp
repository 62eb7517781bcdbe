// Layouts, tensor views, Eigen interop and the hypercube map.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <numeric>
#include <random>
#include <vector>

#include "vtensor/layout.hpp"
#include "vtensor/tensor/eigen.hpp"
#include "vtensor/tensor/tensor.hpp"
#include "vtensor/tensor/tensor_view.hpp"

using namespace vtensor;

// ---- compile-time evaluation of static layouts --------------------------------
namespace {
constexpr auto kRm = row_major(make_shape(Int<2>{}, Int<3>{}, Int<4>{}));
static_assert(decltype(kRm)::is_static);
static_assert(decltype(kRm)::rank == 3);
static_assert(kRm.size() == 24 && decltype(kRm)::static_size() == 24);
static_assert(kRm(0, 0, 1) == 1 && kRm(0, 1, 0) == 4 && kRm(1, 0, 0) == 12 && kRm(1, 2, 3) == 23);
static_assert(std::is_same_v<std::remove_cvref_t<decltype(kRm.stride())>, std::tuple<Int<12>, Int<4>, Int<1>>>);
static_assert(kRm.coord(23) == std::array<std::int64_t, 3>{1, 2, 3});
static_assert(kRm.offset_of(17) == 17);

constexpr auto kCm = col_major(make_shape(Int<2>{}, Int<3>{}, Int<4>{}));
static_assert(std::is_same_v<std::remove_cvref_t<decltype(kCm.stride())>, std::tuple<Int<1>, Int<2>, Int<6>>>);
static_assert(kCm(1, 2, 3) == 1 + 2 * 2 + 3 * 6);

// 4x6 matrix in 2x3 tiles: tile (ti, tj) starts at (ti*2 + tj)*6.
constexpr auto kBl = blocked_layout(Int<4>{}, Int<6>{}, Int<2>{}, Int<3>{});
static_assert(decltype(kBl)::is_static && decltype(kBl)::rank == 2 && kBl.size() == 24);
static_assert(kBl.extents() == std::array<std::int64_t, 2>{4, 6});
static_assert(kBl(0, 0) == 0 && kBl(0, 2) == 2 && kBl(1, 0) == 3 && kBl(1, 2) == 5);
static_assert(kBl(0, 3) == 6 && kBl(2, 0) == 12 && kBl(3, 5) == 23 && kBl(2, 4) == 19);

// Mixed: runtime rows, static columns -> static unit stride and static row stride.
using Mixed = decltype(row_major(make_shape(std::int64_t{}, Int<8>{})));
static_assert(std::is_same_v<Mixed::stride_type, std::tuple<Int<8>, Int<1>>>);
static_assert(!Mixed::is_static);
static_assert(Layout<Mixed> && Layout<decltype(kBl)>);
static_assert(std::is_empty_v<Int<3>>);

// A general static layout with explicit strides (padding between rows).
constexpr auto kPadded = make_layout(make_shape(Int<3>{}, Int<4>{}), make_stride(Int<5>{}, Int<1>{}));
static_assert(kPadded(2, 3) == 13 && kPadded.size() == 12 && kPadded.offset_of(11) == 13);
}  // namespace

TEST_CASE("layout: dynamic row/col-major offsets and index<->coord round trip") {
  const auto rm = row_major(make_shape(3, 5, 7));
  const auto cm = col_major(make_shape(3, 5, 7));
  CHECK(rm.size() == 105);
  CHECK(rm(2, 4, 6) == 2 * 35 + 4 * 7 + 6);
  CHECK(cm(2, 4, 6) == 2 + 4 * 3 + 6 * 15);
  CHECK(is_compact_row_major(rm));
  CHECK(!is_compact_row_major(cm));
  CHECK(is_compact_col_major(cm));
  for (std::int64_t i = 0; i < rm.size(); ++i) {
    const auto c = rm.coord(i);
    CHECK(rm(c) == i);                                   // row-major offset == flat index
    CHECK(cm.coord(i) == c);                             // coord() is layout-independent
    CHECK(cm(c) == c[0] + 3 * c[1] + 15 * c[2]);
  }
  CHECK(rm.contains({2, 4, 6}));
  CHECK(!rm.contains({3, 0, 0}));
  CHECK(!rm.contains({0, -1, 0}));
  CHECK_THROWS_AS(make_layout(make_shape(-1, 2), make_stride(2, 1)), ArgumentError);
}

TEST_CASE("layout: blocked layout against the tile formula") {
  const std::int64_t m = 12, n = 20, bm = 4, bn = 5;
  const auto bl = blocked_layout(m, n, bm, bn);
  CHECK(bl.size() == m * n);
  std::vector<int> seen(static_cast<std::size_t>(m * n), 0);
  for (std::int64_t i = 0; i < m; ++i) {
    for (std::int64_t j = 0; j < n; ++j) {
      const std::int64_t expect = ((i / bm) * (n / bn) + j / bn) * bm * bn + (i % bm) * bn + j % bn;
      CHECK(bl(i, j) == expect);
      seen[static_cast<std::size_t>(bl(i, j))]++;
    }
  }
  // A bijection onto [0, m·n).
  CHECK(std::all_of(seen.begin(), seen.end(), [](int s) { return s == 1; }));
  // Hierarchical coordinate ((ti, ii), (tj, jj)).
  CHECK(bl(std::make_tuple(std::make_tuple(2, 1), std::make_tuple(3, 4))) == bl(2 * 4 + 1, 3 * 5 + 4));
  CHECK_THROWS_AS(blocked_layout(std::int64_t{10}, std::int64_t{20}, std::int64_t{4}, std::int64_t{5}),
                  ArgumentError);
  // Mixed static tile sizes, dynamic matrix.
  const auto bl2 = blocked_layout(m, n, Int<4>{}, Int<5>{});
  for (std::int64_t i = 0; i < m * n; ++i) CHECK(bl2.offset_of(i) == bl.offset_of(i));
}

TEST_CASE("tensor view: strided access, const conversion, for_each_segment") {
  std::vector<int> buf(40);
  std::iota(buf.begin(), buf.end(), 0);
  // A 3x4 view with row pitch 10 starting at offset 2, and its transpose.
  TensorView v(buf.data() + 2, make_layout(make_shape(3, 4), make_stride(10, 1)));
  CHECK(v(2, 3) == 2 + 23);
  TensorView<const int, std::remove_cvref_t<decltype(v.layout())>> cv = v;
  CHECK(cv(1, 1) == 13);
  v(1, 1) = -1;
  CHECK(cv(1, 1) == -1);
  CHECK_THROWS_AS(v.at({3, 0}), ArgumentError);
  CHECK(v.flat(5) == v(1, 1));

  std::vector<int> got;
  for_each_segment(cv, 1, 11, [&](std::int64_t first, std::int64_t count, auto elem) {
    CHECK(first / 4 == (first + count - 1) / 4);  // never crosses a row
    for (std::int64_t k = 0; k < count; ++k) got.push_back(elem(k));
  });
  for (std::int64_t i = 1; i < 11; ++i) CHECK(got[static_cast<std::size_t>(i - 1)] == cv.flat(i));

  // Nested last mode (blocked) takes the per-element path.
  std::vector<int> tiles(24);
  std::iota(tiles.begin(), tiles.end(), 0);
  TensorView bv(tiles.data(), blocked_layout(Int<4>{}, Int<6>{}, Int<2>{}, Int<3>{}));
  std::int64_t idx = 0;
  for_each_segment(bv, 0, bv.size(), [&](std::int64_t first, std::int64_t count, auto elem) {
    for (std::int64_t k = 0; k < count; ++k, ++idx) {
      CHECK(first + k == idx);
      CHECK(elem(k) == bv(idx / 6, idx % 6));
    }
  });
  CHECK(idx == 24);

  Tensor<float, 2> t({2, 3});
  t(1, 2) = 5.f;
  CHECK(t.cview()(1, 2) == 5.f);
  CHECK(t.size() == 6);
  CHECK_THROWS_AS((Tensor<float, 2>({2, 3}, std::vector<float>(5))), ArgumentError);
}

TEST_CASE("eigen interop: as_eigen_map and view_of") {
  std::vector<double> buf(12);
  std::iota(buf.begin(), buf.end(), 0.0);
  auto rv = make_row_major_view(buf.data(), make_shape(3, 4));
  auto rm = as_eigen_map(rv);
  static_assert(std::remove_cvref_t<decltype(rm)>::IsRowMajor);
  CHECK(rm.rows() == 3);
  CHECK(rm.cols() == 4);
  CHECK(rm(2, 1) == 9.0);
  rm(0, 0) = 42.0;
  CHECK(buf[0] == 42.0);

  TensorView cmv(static_cast<const double*>(buf.data()), col_major(make_shape(3, 4)));
  auto cmap = as_eigen_map(cmv);
  static_assert(!std::remove_cvref_t<decltype(cmap)>::IsRowMajor);
  CHECK(cmap(2, 1) == 5.0);  // 2 + 1*3

  // Not compact: ArgumentError; the strided map still works.
  TensorView sv(buf.data(), make_layout(make_shape(2, 3), make_stride(5, 1)));
  CHECK_THROWS_AS(as_eigen_map(sv), ArgumentError);
  auto smap = as_eigen_strided_map(sv);
  CHECK(smap(1, 2) == 7.0);

  Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic> a(3, 2);  // column-major
  a << 1, 2, 3, 4, 5, 6;
  auto av = view_of(a);
  CHECK(av.extent(0) == 3);
  CHECK(av.extent(1) == 2);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 2; ++j) CHECK(av(i, j) == a(i, j));
  av(2, 1) = 60.f;
  CHECK(a(2, 1) == 60.f);
  const auto& ca = a;
  static_assert(std::is_const_v<std::remove_pointer_t<decltype(view_of(ca).data())>>);

  Eigen::Matrix<int, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> b(2, 3);
  b << 1, 2, 3, 4, 5, 6;
  auto bv = view_of(b);
  CHECK(bv(1, 0) == 4);
  CHECK(is_compact_row_major(bv.layout()));
  auto back = as_eigen_map(bv);  // dynamic strides: defaults to RowMajor, checked at run time
  CHECK(back(1, 2) == 6);
  CHECK((back.array() == b.array()).all());

  std::vector<int> raw(6, 7);
  auto mv = view_of(Eigen::Map<Eigen::MatrixXi>(raw.data(), 2, 3));
  mv(1, 2) = 3;
  CHECK(raw[5] == 3);
}

TEST_CASE("hypercube: convention, variable ranges, padding") {
  const HypercubeMap h{3, 5};  // padded 4 x 8, k = (2, 3)
  CHECK(h.num_vars() == 5);
  CHECK(h.padded_size() == 32);
  CHECK(h.size() == 15);
  CHECK(h.var_range(1) == VarRange{0, 3});  // last dimension: lowest variables
  CHECK(h.var_range(0) == VarRange{3, 5});
  CHECK(h.padded_shape() == std::vector<std::int64_t>{4, 8});
  CHECK(h.index({2, 4}) == 2 * 8 + 4);
  CHECK(h.coord(2 * 8 + 4) == std::vector<std::int64_t>{2, 4});
  CHECK(!h.coord(2 * 8 + 5).has_value());  // column 5 is padding
  CHECK(!h.coord(3 * 8 + 0).has_value());  // row 3 is padding
  CHECK(!h.coord(32).has_value());
  CHECK_THROWS_AS(h.index({3, 0}), ArgumentError);
  CHECK_THROWS_AS(HypercubeMap({4, 0}), ArgumentError);
  CHECK(ceil_log2(1) == 0);
  CHECK(ceil_log2(2) == 1);
  CHECK(ceil_log2(5) == 3);
  CHECK(ceil_log2(8) == 3);
  CHECK(ceil_log2(9) == 4);

  // Shapes with 1s own no variables.
  const HypercubeMap ones{1, 6, 1};
  CHECK(ones.num_vars() == 3);
  CHECK(ones.var_range(0).count() == 0);
  CHECK(ones.var_range(2).count() == 0);
  CHECK(ones.var_range(1) == VarRange{0, 3});
  CHECK(ones.index({0, 5, 0}) == 5);
  CHECK(HypercubeMap{1}.num_vars() == 0);
  CHECK(HypercubeMap{1}.padded_size() == 1);

  // 3-D round trip over every hypercube point.
  const HypercubeMap h3{3, 2, 5};
  CHECK(h3.num_vars() == 2 + 1 + 3);
  std::int64_t real = 0;
  for (std::uint64_t i = 0; i < h3.padded_size(); ++i) {
    const auto c = h3.coord(i);
    const std::uint64_t c0 = i >> 4, c1 = (i >> 3) & 1, c2 = i & 7;
    CHECK(c.has_value() == (c0 < 3 && c2 < 5));
    if (c) {
      ++real;
      CHECK(h3.index(*c) == i);
      CHECK(*c == std::vector<std::int64_t>{std::int64_t(c0), std::int64_t(c1), std::int64_t(c2)});
    }
  }
  CHECK(real == 30);
}

TEST_CASE("hypercube: pad_to_hypercube from strided views") {
  // 3 x 2 x 5 tensor, values 1 + flat index, viewed column-major (strided).
  const std::int64_t d0 = 3, d1 = 2, d2 = 5;
  std::vector<std::int64_t> cmbuf(30);
  const auto cm = col_major(make_shape(d0, d1, d2));
  const auto rmL = row_major(make_shape(d0, d1, d2));
  for (std::int64_t i = 0; i < 30; ++i) cmbuf[static_cast<std::size_t>(cm(rmL.coord(i)))] = 1 + i;
  TensorView v(static_cast<const std::int64_t*>(cmbuf.data()), cm);
  const auto table = pad_to_hypercube(v);
  const HypercubeMap h = HypercubeMap::of(cm);
  REQUIRE(table.size() == 64);
  std::int64_t nonzero = 0;
  for (std::uint64_t i = 0; i < table.size(); ++i) {
    const auto c = h.coord(i);
    if (c) {
      CHECK(table[i] == 1 + rmL(std::array<std::int64_t, 3>{(*c)[0], (*c)[1], (*c)[2]}));
      ++nonzero;
    } else {
      CHECK(table[i] == 0);  // padding entries are zero
    }
  }
  CHECK(nonzero == 30);

  // Blocked (nested) layout and a 1-D view agree with the logical tensor.
  std::vector<float> tiles(24);
  const auto bl = blocked_layout(Int<4>{}, Int<6>{}, Int<2>{}, Int<3>{});
  for (std::int64_t i = 0; i < 4; ++i)
    for (std::int64_t j = 0; j < 6; ++j) tiles[static_cast<std::size_t>(bl(i, j))] = float(10 * i + j);
  const auto tb = pad_to_hypercube(TensorView(tiles.data(), bl));
  REQUIRE(tb.size() == 32);
  for (std::int64_t i = 0; i < 4; ++i) {
    for (std::int64_t j = 0; j < 8; ++j) CHECK(tb[static_cast<std::size_t>(i * 8 + j)] == (j < 6 ? float(10 * i + j) : 0.f));
  }

  std::vector<double> out(3);
  std::vector<int> vec{1, 2, 3};
  CHECK_THROWS_AS(pad_to_hypercube(make_row_major_view(vec.data(), make_shape(3)), std::span<double>(out)),
                  ArgumentError);
  std::vector<double> out4(4, 9.0);
  pad_to_hypercube(make_row_major_view(vec.data(), make_shape(3)), std::span<double>(out4));
  CHECK(out4 == std::vector<double>{1, 2, 3, 0});

  // Random shapes with a fixed seed: every real entry lands at index(coord).
  std::mt19937_64 rng(20240601);
  for (int trial = 0; trial < 20; ++trial) {
    const std::int64_t a = 1 + std::int64_t(rng() % 5), b = 1 + std::int64_t(rng() % 7), c = 1 + std::int64_t(rng() % 9);
    Tensor<std::uint32_t, 3> t({a, b, c});
    for (auto& x : t.vector()) x = static_cast<std::uint32_t>(rng() | 1);
    const auto p = pad_to_hypercube(t.cview());
    const HypercubeMap hm{a, b, c};
    REQUIRE(p.size() == hm.padded_size());
    std::int64_t nz = 0;
    for (auto x : p) nz += x != 0;
    CHECK(nz == a * b * c);
    for (std::int64_t i = 0; i < t.size(); ++i) {
      const auto co = t.layout().coord(i);
      CHECK(p[hm.index(co)] == t(co));
    }
  }
}
