// vtensor/proofs/drift/witness.hpp — the prover's side of a drift certificate before
// any proof: reading tensors, checking that the tuned model satisfies the policy (with
// an error that names the tensor, the entry and the bound when it does not), and the
// witness each constraint commits (low-rank factors and residual, sparse lists).
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vtensor/commit/model_layout.hpp"
#include "vtensor/commit/model_source.hpp"
#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/proofs/drift/constraints.hpp"
#include "vtensor/testing.hpp"

namespace vtensor::drift {

// The tuned model breaks the policy (the prover cannot certify it).
class PolicyViolation : public Error {
 public:
  explicit PolicyViolation(const std::string& w) : Error("policy violated: " + w) {}
};

// Integer factors of a low-rank update at the models' scale: Δ_q ≈ U·V, U row-major
// rows × r, V row-major r × cols (cols = numel / rows: the tensor's trailing dimensions
// flattened). A LoRA adapter gives them (U = round(scale·B·2^a), V = round(A·2^{s−a})).
struct LowRankFactors {
  std::vector<std::int64_t> u, v;
};

// The padded hypercube table of tensor x (2^{d} entries) from a source.
inline std::vector<Goldilocks> read_tensor(ModelSource& src, const ModelTensor& x) {
  std::vector<Goldilocks> v(x.padded());
  src.read(x.offset, v);
  return v;
}

// Row-major position → hypercube index (docs/layout.md §3) for a shape.
class HypercubeIndexer {
 public:
  explicit HypercubeIndexer(std::span<const std::uint64_t> shape) : shape_(shape.begin(), shape.end()) {
    for (auto d : shape_) bits_.push_back(log2_ceil(d));
  }
  std::uint64_t operator()(std::uint64_t flat) const {
    std::uint64_t idx = 0;
    unsigned at = 0;
    for (std::size_t j = shape_.size(); j-- > 0;) {
      idx |= (flat % shape_[j]) << at;
      flat /= shape_[j];
      at += bits_[j];
    }
    return idx;
  }
  // The coordinates of a row-major position, for messages.
  std::string coords(std::uint64_t flat) const {
    std::vector<std::uint64_t> c(shape_.size());
    for (std::size_t j = shape_.size(); j-- > 0;) {
      c[j] = flat % shape_[j];
      flat /= shape_[j];
    }
    std::string s = "(";
    for (std::size_t j = 0; j < c.size(); ++j) s += (j ? ", " : "") + std::to_string(c[j]);
    return s + ")";
  }

 private:
  std::vector<std::uint64_t> shape_;
  std::vector<unsigned> bits_;
};

// What the prover knows of one constrained tensor.
struct TensorWitness {
  std::vector<Goldilocks> base, delta;  // padded tables (2^d)
  // low rank: U (rows × r), V (r × cols), residual E (the tensor's shape), row-major
  std::vector<Goldilocks> u, v, e;
  // sparse: 2^σ slots of (row, column) hypercube indices and values; unused slots are 0
  std::vector<Goldilocks> rows, cols, vals;
  std::uint64_t norm_sq = 0;  // Σ Δ² (norm)
};

namespace witness_detail {

inline std::string where(const ModelTensor& x) { return "tensor '" + x.name + "'"; }

// Calls f(flat, hypercube index) for every real entry of x.
template <class F>
void for_each_entry(const ModelTensor& x, F&& f) {
  const HypercubeIndexer h(x.shape);
  for (std::uint64_t i = 0; i < x.numel; ++i) f(i, h(i));
}

inline void check_padding_zero(const ModelTensor& x, std::span<const Goldilocks> delta) {
  std::vector<bool> real(delta.size(), false);
  for_each_entry(x, [&](std::uint64_t, std::uint64_t j) { real[j] = true; });
  for (std::size_t j = 0; j < delta.size(); ++j)
    if (testing::refuse(!real[j] && !delta[j].is_zero()))
      throw PolicyViolation(where(x) + ": a padding entry of the committed tables differs (hypercube index " +
                            std::to_string(j) + "): the commitments are not of the declared shape");
}

inline void low_rank(const ModelTensor& x, const TensorConstraints::LowRank& l, const LowRankFactors& f,
                     TensorWitness& w) {
  const std::uint64_t rows = x.rows(), cols = x.cols(), r = l.rank;
  if (f.u.size() != rows * r || f.v.size() != r * cols)
    throw ArgumentError(where(x) + ": low-rank factors must be " + std::to_string(rows) + "×" + std::to_string(r) +
                        " and " + std::to_string(r) + "×" + std::to_string(cols));
  const std::int64_t lim = std::int64_t{1} << (l.factor_bits - 1);
  for (const auto* m : {&f.u, &f.v})
    for (std::size_t i = 0; i < m->size(); ++i)
      if (testing::refuse((*m)[i] < -lim || (*m)[i] >= lim))
        throw PolicyViolation(where(x) + ": a factor entry " + std::to_string((*m)[i]) + " does not fit " +
                              std::to_string(l.factor_bits) + " signed bits");
  const HypercubeIndexer h(x.shape);
  w.e.assign(x.numel, Goldilocks::zero());
  // E = Δ − U·V over the integers (|U·V| < r·2^{2(f−1)} ≤ 2^62), rows split over the
  // threads; the worst entry (largest, then first) is the same whatever their count.
  const int nt = vtensor::detail::max_threads();
  std::vector<std::int64_t> worst_t(static_cast<std::size_t>(nt), 0);
  std::vector<std::uint64_t> at_t(static_cast<std::size_t>(nt), 0);
  vtensor::detail::parallel_chunks(rows, 1, [&](std::size_t lo, std::size_t hi, int tid) {
    std::int64_t worst = 0;
    std::uint64_t worst_at = 0;
    for (std::uint64_t i = lo; i < hi; ++i)
      for (std::uint64_t j = 0; j < cols; ++j) {
        __int128 acc = 0;
        for (std::uint64_t k = 0; k < r; ++k) acc += static_cast<__int128>(f.u[i * r + k]) * f.v[k * cols + j];
        const std::uint64_t flat = i * cols + j;
        const __int128 res = static_cast<__int128>(w.delta[h(flat)].to_signed()) - acc;
        const std::int64_t mag =
            res < 0 ? (res < -(static_cast<__int128>(1) << 62) ? INT64_MAX : static_cast<std::int64_t>(-res))
                    : (res > (static_cast<__int128>(1) << 62) ? INT64_MAX : static_cast<std::int64_t>(res));
        if (mag > worst) {
          worst = mag;
          worst_at = flat;
        }
        w.e[flat] = Goldilocks::from_i64(static_cast<std::int64_t>(res));
      }
    worst_t[static_cast<std::size_t>(tid)] = worst;
    at_t[static_cast<std::size_t>(tid)] = worst_at;
  });
  std::int64_t worst = 0;
  std::uint64_t worst_at = 0;
  for (std::size_t t = 0; t < worst_t.size(); ++t)  // chunks are in row order
    if (worst_t[t] > worst) {
      worst = worst_t[t];
      worst_at = at_t[t];
    }
  if (testing::refuse(static_cast<std::uint64_t>(worst) > l.residual))
    throw PolicyViolation(where(x) + ": Δ − U·V has an entry of " + std::to_string(worst) + " at " + h.coords(worst_at) +
                          ", above the residual bound " + std::to_string(l.residual) + " (rank " + std::to_string(r) + ")");
  for (auto q : f.u) w.u.push_back(Goldilocks::from_i64(q));
  for (auto q : f.v) w.v.push_back(Goldilocks::from_i64(q));
  if (l.residual == 0) w.e.clear();
}

inline void sparse(const ModelTensor& x, const TensorConstraints::Sparse& s, TensorWitness& w) {
  const unsigned cv = x.col_vars();
  const std::size_t slots = std::size_t{1} << s.slot_vars;
  w.rows.assign(slots, Goldilocks::zero());
  w.cols.assign(slots, Goldilocks::zero());
  w.vals.assign(slots, Goldilocks::zero());
  std::uint64_t k = 0;
  for (std::uint64_t j = 0; j < w.delta.size(); ++j) {
    if (w.delta[j].is_zero()) continue;
    if (k == s.slots) {
      if (testing::cheating()) break;  // the list holds s of them; the proof will fail
      std::uint64_t nnz = 0;
      for (auto d : w.delta) nnz += !d.is_zero();
      throw PolicyViolation(where(x) + ": " + std::to_string(nnz) + " entries changed, more than max_nonzeros " +
                            std::to_string(s.slots));
    }
    w.rows[k] = Goldilocks::from_u64(j >> cv);
    w.cols[k] = Goldilocks::from_u64(j & ((std::uint64_t{1} << cv) - 1));
    w.vals[k] = w.delta[j];
    ++k;
  }
}

}  // namespace witness_detail

// Reads a constrained tensor of both models, checks every constraint that can be
// checked before the proof's challenges, and builds its witness. PolicyViolation names
// the tensor and what fails; ArgumentError on malformed factors.
inline TensorWitness make_witness(const ModelTensor& x, const TensorConstraints& c, ModelSource& base,
                                  ModelSource& tuned, const LowRankFactors* factors) {
  using namespace witness_detail;
  TensorWitness w;
  w.base = read_tensor(base, x);
  const auto t = read_tensor(tuned, x);
  w.delta.resize(w.base.size());
  vtensor::detail::parallel_for(w.base.size(), [&](std::size_t i) { w.delta[i] = t[i] - w.base[i]; });
  check_padding_zero(x, w.delta);
  const HypercubeIndexer h(x.shape);
  auto first_bad = [&](auto&& bad) -> std::optional<std::uint64_t> {
    if (testing::cheating()) return std::nullopt;
    for (std::uint64_t i = 0; i < x.numel; ++i)
      if (bad(w.delta[h(i)].to_signed())) return i;
    return std::nullopt;
  };
  if (c.frozen) {
    if (auto i = first_bad([](std::int64_t d) { return d != 0; }))
      throw PolicyViolation(where(x) + " is frozen by the policy but changed at " + h.coords(*i) + " by " +
                            std::to_string(w.delta[h(*i)].to_signed()) + " fixed-point units");
    return w;
  }
  if (c.norm) {
    const std::int64_t lim = std::int64_t{1} << (c.norm->range_bits - 1);
    if (auto i = first_bad([&](std::int64_t d) { return d < -lim || d >= lim; }))
      throw PolicyViolation(where(x) + ": the change " + std::to_string(w.delta[h(*i)].to_signed()) + " at " +
                            h.coords(*i) + " alone exceeds the norm bound");
    unsigned __int128 s = 0;
    Goldilocks field_sum = Goldilocks::zero();
    for (auto d : w.delta) {
      const std::int64_t v = d.to_signed();
      s += static_cast<unsigned __int128>(static_cast<__int128>(v) * v);
      field_sum += d * d;
    }
    if (testing::refuse(s > c.norm->bound_sq))
      throw PolicyViolation(where(x) + ": ‖Δ‖_F² = " + std::to_string(static_cast<std::uint64_t>(s)) +
                            " fixed-point units² exceeds the bound " + std::to_string(c.norm->bound_sq));
    w.norm_sq = field_sum.value();  // = s when the range check holds (no wraparound)
  }
  if (c.entry) {
    const auto eps = static_cast<std::int64_t>(c.entry->eps);
    if (auto i = first_bad([&](std::int64_t d) { return d < -eps || d > eps; }))
      throw PolicyViolation(where(x) + ": the change " + std::to_string(w.delta[h(*i)].to_signed()) + " at " +
                            h.coords(*i) + " exceeds the entry bound " + std::to_string(eps));
  }
  if (c.low_rank) {
    if (!factors)
      throw ArgumentError(where(x) + ": a low-rank constraint needs its factors U, V (ProveOptions::factors; a LoRA "
                          "adapter gives them: B and A at the models' scale)");
    low_rank(x, *c.low_rank, *factors, w);
  }
  if (c.sparse) sparse(x, *c.sparse, w);
  return w;
}

}  // namespace vtensor::drift
