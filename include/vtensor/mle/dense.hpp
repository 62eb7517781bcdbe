// vtensor/mle/dense.hpp — dense multilinear extensions: bind, fold, evaluate.
//
// A table f of 2^n entries defines its multilinear extension
//   f~(x) = Σ_{i ∈ {0,1}^n} f[i] · eq(i, x),   variable x_j = bit j of i.
// Binding the HIGHEST variable x_{n-1} to r halves the table:
//   f'[i] = f[i] + r·(f[i + h] - f[i]),   h = 2^{n-1}, i < h,
// which is the order the sumcheck prover binds in (docs/sumcheck.md): the two
// halves are contiguous streams, friendly to SIMD, caches and GPUs alike.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <span>
#include <utility>
#include <vector>

#include "vtensor/field/concepts.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/mle/eq.hpp"

namespace vtensor {

// out[i] = in[i] + r (in[i + h] - in[i]) for i < h = in.size()/2. `in` may be a
// base-field table and r an extension element (2 base multiplications each).
template <Field E, Field F>
  requires ExtensionOf<E, F>
void fold_high_into(std::span<const F> in, const E& r, std::span<E> out) {
  const std::size_t h = in.size() / 2;
  if (out.size() < h) throw ArgumentError("fold_high_into: output too small");
  detail::parallel_for(h, [&](std::size_t i) { out[i] = E(in[i]) + r * (in[i + h] - in[i]); });
}

// In place on an extension table: keeps the first half.
template <Field E>
void fold_high_in_place(std::vector<E>& t, const E& r) {
  const std::size_t h = t.size() / 2;
  detail::parallel_for(h, [&](std::size_t i) { t[i] = t[i] + r * (t[i + h] - t[i]); });
  t.resize(h);
}

// f~(point) for a table of 2^n entries, point = (x_0, …, x_{n-1}).
// Folds from the highest variable down: O(2^n) multiplications, one scratch
// buffer of 2^{n-1} extension elements.
template <Field E, Field F>
  requires ExtensionOf<E, F>
E mle_evaluate(std::span<const F> table, std::span<const E> point) {
  const std::size_t n = point.size();
  if (table.size() != (std::size_t{1} << n))
    throw ArgumentError("mle_evaluate: table has " + std::to_string(table.size()) + " entries, point has " +
                        std::to_string(n) + " variables");
  if (n == 0) return E(table[0]);
  std::vector<E> t(table.size() / 2);
  fold_high_into<E, F>(table, point[n - 1], t);
  for (std::size_t j = n - 1; j-- > 0;) fold_high_in_place(t, point[j]);
  return t[0];
}

// An owned dense MLE: a table of 2^n entries over F (base or extension).
// evaluate() works at base- or extension-field points; bind() fixes the highest
// variable and returns the (n−1)-variable MLE over the point's field.
template <Field F>
class DenseMle {
 public:
  DenseMle() = default;
  explicit DenseMle(std::vector<F> table) : table_(std::move(table)) { n_ = log2_exact(table_.size()); }
  // Zero-padded to the next power of two (the hypercube convention, docs/layout.md).
  static DenseMle padded(std::span<const F> values) {
    std::vector<F> t(values.begin(), values.end());
    t.resize(std::size_t{1} << log2_ceil(std::max<std::size_t>(values.size(), 1)), F::zero());
    return DenseMle(std::move(t));
  }

  std::size_t num_vars() const noexcept { return n_; }
  std::span<const F> table() const noexcept { return table_; }

  template <Field E>
    requires ExtensionOf<E, F>
  E evaluate(std::span<const E> point) const {
    return mle_evaluate<E, F>(table_, point);
  }
  template <Field E>
    requires ExtensionOf<E, F>
  DenseMle<E> bind(const E& r) const {
    if (n_ == 0) throw ArgumentError("DenseMle::bind: no variable left to bind");
    std::vector<E> out(table_.size() / 2);
    fold_high_into<E, F>(table_, r, out);
    return DenseMle<E>(std::move(out));
  }

 private:
  std::vector<F> table_{F::zero()};
  std::size_t n_ = 0;
};

// Partial evaluation of a row-major rows×cols matrix M (row stride = cols) at its
// ROW variables. The MLE pads M to 2^a × 2^b with zeros (a = ⌈log2 rows⌉,
// b = ⌈log2 cols⌉; index = i·2^b + j). rx has a coordinates; the result is the
// table over the column variables of M~(·, rx):  out[j] = Σ_i eq(rx, i) M[i][j],
// 2^b entries (zero beyond cols).
template <Field E, Field F>
  requires ExtensionOf<E, F>
std::vector<E> bind_rows(std::span<const F> m, std::size_t rows, std::size_t cols, std::span<const E> rx) {
  if (m.size() != rows * cols || rx.size() != log2_ceil(rows))
    throw ArgumentError("bind_rows: " + std::to_string(m.size()) + " entries for a " + std::to_string(rows) + "x" +
                        std::to_string(cols) + " matrix bound at " + std::to_string(rx.size()) + " row variables");
  const std::vector<E> eq = eq_table<E>(rx);
  std::vector<E> out(std::size_t{1} << log2_ceil(cols), E::zero());
  // Parallel over column blocks: each thread streams every row's slice of its block.
  detail::parallel_chunks(cols, std::max<std::size_t>(1, detail::kParallelGrain / std::max<std::size_t>(rows, 1)),
                          [&](std::size_t lo, std::size_t hi, int) {
                            for (std::size_t i = 0; i < rows; ++i) {
                              const E w = eq[i];
                              const F* row = m.data() + i * cols;
                              for (std::size_t j = lo; j < hi; ++j) out[j] += w * row[j];
                            }
                          });
  return out;
}

// Partial evaluation at the COLUMN variables: out[i] = Σ_j M[i][j] eq(ry, j), the
// table of M~(ry, ·) over the row variables (2^a entries, zero beyond rows).
template <Field E, Field F>
  requires ExtensionOf<E, F>
std::vector<E> bind_cols(std::span<const F> m, std::size_t rows, std::size_t cols, std::span<const E> ry) {
  if (m.size() != rows * cols || ry.size() != log2_ceil(cols))
    throw ArgumentError("bind_cols: " + std::to_string(m.size()) + " entries for a " + std::to_string(rows) + "x" +
                        std::to_string(cols) + " matrix bound at " + std::to_string(ry.size()) + " column variables");
  const std::vector<E> eq = eq_table<E>(ry);
  std::vector<E> out(std::size_t{1} << log2_ceil(rows), E::zero());
  detail::parallel_chunks(rows, std::max<std::size_t>(1, detail::kParallelGrain / std::max<std::size_t>(cols, 1)),
                          [&](std::size_t lo, std::size_t hi, int) {
                            for (std::size_t i = lo; i < hi; ++i) {
                              const F* row = m.data() + i * cols;
                              E acc = E::zero();
                              for (std::size_t j = 0; j < cols; ++j) acc += eq[j] * row[j];
                              out[i] = acc;
                            }
                          });
  return out;
}

}  // namespace vtensor
