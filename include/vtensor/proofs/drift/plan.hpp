// vtensor/proofs/drift/plan.hpp — everything a drift proof commits, looks up and sums,
// derived from the resolved constraints alone, so the prover and the verifier build
// the same structures from the statement (nothing about them travels in the proof).
//
// Bundle A (committed first, before any challenge of the drift proof):
//   low rank (tensor t, rank r):  U_t {rows_t, r}, V_t {r, d_1, …, d_{k−1}} (V's column
//                                 variables are t's), E_t (t's shape) when a residual is allowed;
//   sparse (t, s slots):          row_t, col_t, val_t {2^σ}, σ = ⌈log2 s⌉ (row and column
//                                 indices as hypercube indices of t's matrix view; slots
//                                 k ≥ s hold (0, 0, 0) and a selector [k < s] drops them);
//   every lookup table T:         m_T {2^{b_T}} (its multiplicities).
// Bundle B (after the sparse points z are drawn): er0_t, er1_t (if t has row
// variables), ec0_t, ec1_t {2^σ}: the coordinates of eq(row_k, z_row), eq(col_k, z_col).
// Lookup tables: range tables R(b, live), one per distinct (bits, live count); for
// each sparse tensor, a rows table (eq over z_row, live = its rows) and a columns
// table (eq over z_col, live = its trailing dimensions).
// Lookup columns (x0 = sign·source + shift):
//   norm:     Δ_t + 2^{b−1}       into R(b, 2^b)
//   entry:    Δ_t + ε             into R(b, 2ε + 1)
//   low rank: U_t + 2^{f−1}, V_t + 2^{f−1} into R(f, 2^f); E_t + e into R(b, 2e + 1)
//   sparse:   (row_t, er_t) into t's rows table, (col_t, ec_t) into its columns table.
// Names in the bundles: "<kind>#<tensor index>" and "m#<table index>".
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vtensor/commit/model_layout.hpp"
#include "vtensor/proofs/drift/constraints.hpp"

namespace vtensor::drift {

inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

enum class PieceKind : std::uint8_t { kU, kV, kResidual, kRow, kCol, kVal, kMult, kEr0, kEr1, kEc0, kEc1 };

struct PlannedTensor {
  PieceKind kind;
  std::size_t owner = 0;  // model tensor index (or table index for kMult)
  std::string name;
  std::vector<std::uint64_t> shape;
};

enum class ColumnSource : std::uint8_t { kDelta, kBundleA, kSparseRow, kSparseCol };

struct PlannedColumn {
  ColumnSource source = ColumnSource::kDelta;
  std::size_t tensor = kNone;  // the model tensor it belongs to
  std::size_t piece = kNone;   // kBundleA: index in bundle A; sparse: the row/col index tensor in A
  std::size_t x1_lo = kNone, x1_hi = kNone;  // sparse: er0/er1 (ec0/ec1) in bundle B
  std::uint64_t shift = 0;     // x0 = source + shift
  std::size_t table = 0;
  unsigned log_size = 0;
};

struct PlannedTable {
  unsigned log_size = 0;
  std::vector<std::uint64_t> live_shape;  // empty: all live
  std::size_t sparse_tensor = kNone;      // an eq table of this sparse tensor …
  bool rows = false;                      // … over its rows (else its columns)
  std::size_t mult = kNone;               // m_T in bundle A
};

// Where each tensor's pieces sit (kNone when absent).
struct TensorPieces {
  std::size_t u = kNone, v = kNone, e = kNone, row = kNone, col = kNone, val = kNone;
  std::size_t er0 = kNone, er1 = kNone, ec0 = kNone, ec1 = kNone;
};

struct Plan {
  std::vector<TensorConstraints> constraints;
  std::vector<PlannedTensor> bundle_a, bundle_b;
  std::vector<PlannedTable> tables;
  std::vector<PlannedColumn> columns;
  std::vector<TensorPieces> pieces;  // per model tensor
  bool any_sparse = false;

  // How many model claims the certificate opens (one per frozen tensor; per constrained
  // tensor one per low-rank, sparse, norm and projection constraint and one for its Δ
  // lookups): the model opening takes at most 2^16.
  std::size_t model_claims() const {
    std::vector<bool> delta_col(pieces.size(), false);
    for (const auto& c : columns)
      if (c.source == ColumnSource::kDelta) delta_col[c.tensor] = true;
    std::size_t n = 0;
    for (const auto& c : constraints)
      n += c.frozen ? 1
                    : std::size_t{c.low_rank.has_value()} + c.sparse.has_value() + c.norm.has_value() +
                          c.projection.has_value() + delta_col[c.tensor];
    return n;
  }

  std::vector<ModelTensorSpec> specs_a() const { return specs_of(bundle_a); }
  std::vector<ModelTensorSpec> specs_b() const { return specs_of(bundle_b); }

 private:
  static std::vector<ModelTensorSpec> specs_of(const std::vector<PlannedTensor>& v) {
    std::vector<ModelTensorSpec> s;
    for (const auto& x : v) s.push_back({x.name, 0, x.shape});
    return s;
  }
};

inline Plan make_plan(const ModelLayout& layout, std::vector<TensorConstraints> cs) {
  Plan p;
  p.constraints = std::move(cs);
  p.pieces.resize(layout.size());
  std::map<std::pair<unsigned, std::uint64_t>, std::size_t> range_tables;
  auto range_table = [&](unsigned bits, std::uint64_t live) {
    const auto key = std::make_pair(bits, live);
    auto it = range_tables.find(key);
    if (it != range_tables.end()) return it->second;
    PlannedTable t;
    t.log_size = bits;
    if (live != (std::uint64_t{1} << bits)) t.live_shape = {live};
    p.tables.push_back(t);
    range_tables[key] = p.tables.size() - 1;
    return p.tables.size() - 1;
  };
  auto add_a = [&](PieceKind k, std::size_t owner, const char* tag, std::vector<std::uint64_t> shape) {
    p.bundle_a.push_back({k, owner, std::string(tag) + "#" + std::to_string(owner), std::move(shape)});
    return p.bundle_a.size() - 1;
  };
  auto add_b = [&](PieceKind k, std::size_t owner, const char* tag, std::vector<std::uint64_t> shape) {
    p.bundle_b.push_back({k, owner, std::string(tag) + "#" + std::to_string(owner), std::move(shape)});
    return p.bundle_b.size() - 1;
  };
  auto column = [&](ColumnSource src, std::size_t t, std::size_t piece, std::uint64_t shift, std::size_t table,
                    unsigned log_size) {
    PlannedColumn c;
    c.source = src;
    c.tensor = t;
    c.piece = piece;
    c.shift = shift;
    c.table = table;
    c.log_size = log_size;
    p.columns.push_back(c);
    return p.columns.size() - 1;
  };
  for (const auto& c : p.constraints) {
    const ModelTensor& x = layout.tensor(c.tensor);
    TensorPieces& pc = p.pieces[c.tensor];
    const std::size_t t = c.tensor;
    if (c.norm) {
      const unsigned b = c.norm->range_bits;
      column(ColumnSource::kDelta, t, kNone, std::uint64_t{1} << (b - 1), range_table(b, std::uint64_t{1} << b),
             x.log_size);
    }
    if (c.entry) {
      const auto& e = *c.entry;
      column(ColumnSource::kDelta, t, kNone, e.eps, range_table(e.range_bits, 2 * e.eps + 1), x.log_size);
    }
    if (c.low_rank) {
      const auto& l = *c.low_rank;
      std::vector<std::uint64_t> vshape{l.rank};
      if (x.shape.size() == 1) {
        vshape.push_back(x.shape[0]);
      } else {
        vshape.insert(vshape.end(), x.shape.begin() + 1, x.shape.end());
      }
      pc.u = add_a(PieceKind::kU, t, "U", {x.rows(), l.rank});
      pc.v = add_a(PieceKind::kV, t, "V", std::move(vshape));
      const std::size_t ft = range_table(l.factor_bits, std::uint64_t{1} << l.factor_bits);
      const std::uint64_t half = std::uint64_t{1} << (l.factor_bits - 1);
      column(ColumnSource::kBundleA, t, pc.u, half, ft, x.row_vars() + l.rank_vars);
      column(ColumnSource::kBundleA, t, pc.v, half, ft, x.col_vars() + l.rank_vars);
      if (l.residual > 0) {
        pc.e = add_a(PieceKind::kResidual, t, "E", x.shape);
        column(ColumnSource::kBundleA, t, pc.e, l.residual, range_table(l.residual_bits, 2 * l.residual + 1),
               x.log_size);
      }
    }
    if (c.sparse) {
      p.any_sparse = true;
      const unsigned sv = c.sparse->slot_vars;
      const std::uint64_t s = std::uint64_t{1} << sv;  // every slot real: slots ≥ s_max are (0, 0, 0)
      if (x.row_vars() > 0) pc.row = add_a(PieceKind::kRow, t, "row", {s});
      pc.col = add_a(PieceKind::kCol, t, "col", {s});
      pc.val = add_a(PieceKind::kVal, t, "val", {s});
      // An indexed eq table over the rows (or columns) and the column looking into it.
      auto eq_lookup = [&](bool rows, std::size_t index_piece, std::size_t lo, std::size_t hi) {
        PlannedTable tab;
        tab.log_size = rows ? x.row_vars() : x.col_vars();
        if (rows || x.shape.size() == 1)
          tab.live_shape = {rows ? x.rows() : x.shape[0]};
        else
          tab.live_shape.assign(x.shape.begin() + 1, x.shape.end());
        tab.sparse_tensor = t;
        tab.rows = rows;
        p.tables.push_back(tab);
        const std::size_t ci = column(rows ? ColumnSource::kSparseRow : ColumnSource::kSparseCol, t, index_piece, 0,
                                      p.tables.size() - 1, sv);
        p.columns[ci].x1_lo = lo;
        p.columns[ci].x1_hi = hi;
      };
      if (x.row_vars() > 0) {
        pc.er0 = add_b(PieceKind::kEr0, t, "er0", {s});
        pc.er1 = add_b(PieceKind::kEr1, t, "er1", {s});
        eq_lookup(true, pc.row, pc.er0, pc.er1);
      }
      pc.ec0 = add_b(PieceKind::kEc0, t, "ec0", {s});
      pc.ec1 = add_b(PieceKind::kEc1, t, "ec1", {s});
      eq_lookup(false, pc.col, pc.ec0, pc.ec1);
    }
  }
  for (std::size_t k = 0; k < p.tables.size(); ++k)
    p.tables[k].mult = add_a(PieceKind::kMult, k, "m", {std::uint64_t{1} << p.tables[k].log_size});
  return p;
}

}  // namespace vtensor::drift
