// vtensor/commit/model_layout.hpp — where the tensors of a checkpoint sit in the one
// model table that a model commitment commits (docs/model_commitment.md).
//
// Tensor t has a shape (d_0, …, d_{k−1}), k ≤ 8, every d_i ≥ 1 (a spec that gives only
// numel_t means the shape (numel_t)). It is laid out on its own hypercube exactly as
// docs/layout.md §3 says: each dimension padded to 2^{⌈log2 d_i⌉}, row-major, padding
// zero, so the last dimension owns the lowest variables; d_t = Σ_i ⌈log2 d_i⌉ and the
// tensor's block holds 2^{d_t} entries. Its first dimension (the rows of its matrix view)
// owns the top ⌈log2 d_0⌉ local variables. The block is placed at offset off_t, a
// multiple of 2^{d_t}, of the model table M of 2^n entries: buddy allocation in order of decreasing size, ties by input order. With
// sizes non-increasing powers of two, buddy allocation is plain packing: off_t is the
// sum of the padded sizes placed before t, a multiple of every one of them, hence of
// 2^{d_t}. n = max(⌈log2 Σ_t 2^{d_t}⌉, min_vars). Entries of M outside every tensor
// are zero.
//
// Tensor t occupies M[off_t, off_t + 2^{d_t}), so its MLE is M's MLE with the high
// n − d_t variables fixed to the bits of off_t >> d_t: the model point of a local point
// r ∈ E^{d_t} is p_j = r_j (j < d_t), p_j = bit j of off_t (j ≥ d_t).
//
// The WHIR table T is M with its index bits rotated by c (the chunk log):
// T[l·2^m + h] = M[h·2^c + l], m = n − c, so WHIR variable x_i is model variable
// (i + c) mod n and the WHIR point of p is z_i = p_{(i + c) mod n}.
//
// Parts (models beyond one polynomial, commit/model_parts.hpp): part q is the aligned
// sub-cube M[q·2^{n_part}, (q+1)·2^{n_part}); a tensor of ≤ 2^{n_part} entries lies in
// exactly one (part_of), at the part point = the low n_part coordinates of its model
// point (part_whir_point rotates them by c).
//
// Wire format (encode/decode, little-endian, version 2):
//   u32 magic "VTML" ‖ u16 version ‖ u32 n ‖ u32 count ‖
//   count × (u16 name length ‖ name bytes ‖ u8 rank k ‖ k × u64 d_i), in input order.
// Offsets are not sent: they are recomputed. Every accepted byte string is the
// encoding of the layout it decodes to (canonical), and digest() = SHA-256 of it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vtensor/detail/bits.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/hash/sha256.hpp"
#include "vtensor/io/bytes.hpp"

namespace vtensor {

inline constexpr std::uint32_t kModelLayoutMagic = 0x4C4D5456;  // "VTML"
inline constexpr std::uint16_t kModelLayoutVersion = 2;
inline constexpr std::size_t kModelMaxRank = 8;                  // dimensions per tensor
inline constexpr unsigned kModelMaxVars = 40;                     // M has at most 2^40 entries
inline constexpr std::size_t kModelMaxTensors = std::size_t{1} << 20;
inline constexpr std::size_t kModelMaxNameBytes = 1024;

// One tensor as the caller lists it: {name, numel} (shape (numel)) or
// {name, 0, shape} (numel = Π shape; a nonzero numel must equal it).
struct ModelTensorSpec {
  std::string name;
  std::uint64_t numel = 0;
  std::vector<std::uint64_t> shape;

  ModelTensorSpec() = default;
  ModelTensorSpec(std::string n, std::uint64_t count, std::vector<std::uint64_t> dims = {})
      : name(std::move(n)), numel(count), shape(std::move(dims)) {}
};

// One tensor as placed.
struct ModelTensor {
  std::string name;
  std::uint64_t numel = 0;
  std::vector<std::uint64_t> shape;  // (d_0, …, d_{k−1}), Π = numel
  unsigned log_size = 0;             // d_t = Σ ⌈log2 d_i⌉
  std::uint64_t offset = 0;          // off_t, a multiple of 2^{d_t}
  std::uint64_t padded() const noexcept { return std::uint64_t{1} << log_size; }
  // Matrix view: rows = d_0 (the top row_vars() local variables), cols = the rest
  // (the low col_vars() variables); a one-dimensional tensor is one row.
  unsigned row_vars() const noexcept { return shape.size() > 1 ? log2_ceil(shape[0]) : 0; }
  unsigned col_vars() const noexcept { return log_size - row_vars(); }
  std::uint64_t rows() const noexcept { return shape.size() > 1 ? shape[0] : 1; }
  std::uint64_t cols() const noexcept { return numel / rows(); }
  friend bool operator==(const ModelTensor&, const ModelTensor&) = default;
};

// ⌈log2 d_i⌉ summed: the variables of a tensor of this shape (docs/layout.md §3).
inline unsigned shape_vars(std::span<const std::uint64_t> shape) {
  unsigned v = 0;
  for (auto d : shape) v += log2_ceil(d);
  return v;
}

class ModelLayout {
 public:
  using E = GoldilocksExt2;

  ModelLayout() = default;  // no tensors; only a decoded or built layout is usable
  // ArgumentError on: no tensors, more than kModelMaxTensors, a name empty, longer
  // than kModelMaxNameBytes or repeated, numel = 0, or n > kModelMaxVars.
  explicit ModelLayout(std::span<const ModelTensorSpec> specs, unsigned min_vars = 0) {
    check_specs(specs, min_vars, [](const std::string& m) { throw ArgumentError("ModelLayout: " + m); });
    place(specs, min_vars);
  }

  unsigned num_vars() const noexcept { return n_; }
  std::uint64_t table_size() const noexcept { return std::uint64_t{1} << n_; }
  std::size_t size() const noexcept { return tensors_.size(); }
  std::span<const ModelTensor> tensors() const noexcept { return tensors_; }
  const ModelTensor& tensor(std::size_t t) const {
    if (t >= tensors_.size())
      throw ArgumentError("ModelLayout: tensor " + std::to_string(t) + " of " + std::to_string(tensors_.size()));
    return tensors_[t];
  }
  // Tensor indices by increasing offset (the placement order).
  std::span<const std::size_t> by_offset() const noexcept { return order_; }
  std::optional<std::size_t> find(std::string_view name) const {
    for (std::size_t t = 0; t < tensors_.size(); ++t)
      if (tensors_[t].name == name) return t;
    return std::nullopt;
  }

  std::vector<std::uint8_t> encode() const {
    ByteWriter w;
    w.u32(kModelLayoutMagic);
    w.u16(kModelLayoutVersion);
    w.u32(n_);
    w.u32(static_cast<std::uint32_t>(tensors_.size()));
    for (const auto& t : tensors_) {
      w.u16(static_cast<std::uint16_t>(t.name.size()));
      w.bytes({reinterpret_cast<const std::uint8_t*>(t.name.data()), t.name.size()});
      w.u8(static_cast<std::uint8_t>(t.shape.size()));
      for (auto d : t.shape) w.u64(d);
    }
    return std::move(w).take();
  }

  // DecodeError on truncation, trailing bytes, a wrong magic or version, and on
  // anything the constructor rejects (including n below what the tensors need).
  static ModelLayout decode(std::span<const std::uint8_t> in) {
    ByteReader r(in, "model layout");
    r.expect_u32(kModelLayoutMagic, "magic");
    r.expect_u16(kModelLayoutVersion, "version");
    const std::uint32_t n = r.u32();
    const std::uint32_t count = r.u32();
    if (count == 0 || count > kModelMaxTensors) r.fail("tensor count " + std::to_string(count) + " not in [1, 2^20]");
    if (count > r.remaining() / 12) r.fail("tensor count " + std::to_string(count) + " needs more bytes than remain");
    std::vector<ModelTensorSpec> specs(count);
    for (auto& s : specs) {
      const std::uint16_t len = r.u16();
      const auto name = r.bytes(len, "tensor name");
      s.name.assign(reinterpret_cast<const char*>(name.data()), name.size());
      const std::uint8_t rank = r.u8();
      if (rank == 0 || rank > kModelMaxRank) r.fail("tensor rank " + std::to_string(rank) + " not in [1, 8]");
      s.shape.resize(rank);
      for (auto& d : s.shape) d = r.u64();
    }
    r.finish();
    check_specs(specs, n, [&](const std::string& m) { r.fail(m); });
    ModelLayout l;
    l.place(specs, n);
    if (l.n_ != n) r.fail("n = " + std::to_string(n) + " is below the " + std::to_string(l.n_) + " the tensors need");
    return l;
  }

  Digest digest() const { return sha256(encode()); }

  // p ∈ E^n for a tensor-local point r ∈ E^{d_t} (r_j ↔ bit j of the local index).
  std::vector<E> model_point(std::size_t t, std::span<const E> r) const {
    const ModelTensor& x = tensor(t);
    if (r.size() != x.log_size)
      throw ArgumentError("ModelLayout: tensor '" + x.name + "' has " + std::to_string(x.log_size) +
                          " variables, the point has " + std::to_string(r.size()));
    std::vector<E> p(r.begin(), r.end());
    for (unsigned j = x.log_size; j < n_; ++j) p.push_back((x.offset >> j) & 1 ? E::one() : E::zero());
    return p;
  }

  // z ∈ E^n, z_i = p_{(i + c) mod n}: the point at which the WHIR table T (rotated by
  // c = chunk_log) is opened to give tensor t's MLE at r.
  std::vector<E> whir_point(std::size_t t, std::span<const E> r, unsigned chunk_log) const {
    return rotate_point(model_point(t, r), chunk_log);
  }

  // Parts (commit/model_parts.hpp): M cut into 2^{n − part_vars} aligned sub-cubes of
  // 2^{part_vars} entries, part q = M[q·2^{part_vars}, (q+1)·2^{part_vars}). Every
  // tensor must fit in one part (ArgumentError naming the first that does not); then
  // each lies in exactly one (its block is aligned to its own size).
  void check_part_vars(unsigned part_vars) const {
    if (part_vars > n_)
      throw ArgumentError("ModelLayout: part_vars = " + std::to_string(part_vars) + " exceeds n = " + std::to_string(n_));
    for (const auto& x : tensors_)
      if (x.log_size > part_vars)
        throw ArgumentError("ModelLayout: tensor '" + x.name + "' has 2^" + std::to_string(x.log_size) +
                            " padded entries, more than a part's 2^" + std::to_string(part_vars) +
                            " (n = " + std::to_string(n_) + "): it cannot be committed in parts of this size");
  }
  // The part tensor t lies in: off_t >> part_vars (ArgumentError if it does not fit one).
  std::uint64_t part_of(std::size_t t, unsigned part_vars) const {
    const ModelTensor& x = tensor(t);
    if (part_vars > n_ || x.log_size > part_vars)
      throw ArgumentError("ModelLayout: tensor '" + x.name + "' (2^" + std::to_string(x.log_size) +
                          " entries) does not fit in a part of 2^" + std::to_string(part_vars) + " entries");
    const std::uint64_t q = x.offset >> part_vars;
    if (((x.offset + x.padded() - 1) >> part_vars) != q)  // buddy alignment guarantees this
      throw Error("ModelLayout: tensor '" + x.name + "' straddles two parts (internal error)");
    return q;
  }
  // The point of part part_of(t)'s WHIR table (that part, 2^{part_vars} entries, rotated
  // by c) at which tensor t's MLE at r is read: the low part_vars coordinates of the
  // model point (the high ones are the bits of the part index), rotated by c.
  std::vector<E> part_whir_point(std::size_t t, std::span<const E> r, unsigned part_vars, unsigned chunk_log) const {
    (void)part_of(t, part_vars);
    auto p = model_point(t, r);
    p.resize(part_vars);
    return rotate_point(p, chunk_log);
  }

  // z_i = p_{(i + c) mod n}.
  static std::vector<E> rotate_point(std::span<const E> p, unsigned chunk_log) {
    const std::size_t n = p.size();
    if (chunk_log > n)
      throw ArgumentError("ModelLayout: chunk_log " + std::to_string(chunk_log) + " exceeds n = " + std::to_string(n));
    std::vector<E> z(n);
    for (std::size_t i = 0; i < n; ++i) z[i] = p[(i + chunk_log) % n];
    return z;
  }

  friend bool operator==(const ModelLayout&, const ModelLayout&) = default;

 private:
  template <class Fail>
  static void check_specs(std::span<const ModelTensorSpec> specs, unsigned min_vars, Fail&& fail) {
    if (specs.empty() || specs.size() > kModelMaxTensors)
      fail("the number of tensors (" + std::to_string(specs.size()) + ") must be in [1, 2^20]");
    if (min_vars > kModelMaxVars) fail("n = " + std::to_string(min_vars) + " exceeds " + std::to_string(kModelMaxVars));
    std::uint64_t total = 0;  // Σ 2^{d_t} ≤ 2^20 · 2^40: no overflow
    for (std::size_t t = 0; t < specs.size(); ++t) {
      const auto& s = specs[t];
      if (s.name.empty() || s.name.size() > kModelMaxNameBytes)
        fail("tensor " + std::to_string(t) + ": name of " + std::to_string(s.name.size()) + " bytes not in [1, 1024]");
      if (s.shape.empty()) {
        if (s.numel == 0 || s.numel > (std::uint64_t{1} << kModelMaxVars))
          fail("tensor '" + s.name + "': " + std::to_string(s.numel) + " entries not in [1, 2^40]");
        total += std::uint64_t{1} << log2_ceil(s.numel);
        continue;
      }
      if (s.shape.size() > kModelMaxRank)
        fail("tensor '" + s.name + "': " + std::to_string(s.shape.size()) + " dimensions, at most 8");
      std::uint64_t numel = 1;
      unsigned vars = 0;
      for (auto d : s.shape) {
        if (d == 0 || d > (std::uint64_t{1} << kModelMaxVars))
          fail("tensor '" + s.name + "': a dimension of " + std::to_string(d) + " not in [1, 2^40]");
        vars += log2_ceil(d);
        if (vars > kModelMaxVars) fail("tensor '" + s.name + "': its padded shape exceeds 2^40 entries");
        numel *= d;  // ≤ 2^vars ≤ 2^40
      }
      if (s.numel != 0 && s.numel != numel)
        fail("tensor '" + s.name + "': numel " + std::to_string(s.numel) + " differs from its shape's " + std::to_string(numel));
      total += std::uint64_t{1} << vars;
    }
    if (total > (std::uint64_t{1} << kModelMaxVars))
      fail("the padded tensors need " + std::to_string(total) + " entries, more than 2^40");
    std::vector<std::string_view> names;
    for (const auto& s : specs) names.push_back(s.name);
    std::sort(names.begin(), names.end());
    const auto dup = std::adjacent_find(names.begin(), names.end());
    if (dup != names.end()) fail("tensor name '" + std::string(*dup) + "' appears twice");
  }

  // Buddy allocation, decreasing size, ties by input order (see the top).
  void place(std::span<const ModelTensorSpec> specs, unsigned min_vars) {
    tensors_.clear();
    for (const auto& s : specs) {
      ModelTensor x;
      x.name = s.name;
      x.shape = s.shape.empty() ? std::vector<std::uint64_t>{s.numel} : s.shape;
      x.numel = 1;
      for (auto d : x.shape) x.numel *= d;
      x.log_size = shape_vars(x.shape);
      tensors_.push_back(std::move(x));
    }
    order_.resize(tensors_.size());
    for (std::size_t t = 0; t < order_.size(); ++t) order_[t] = t;
    std::stable_sort(order_.begin(), order_.end(),
                     [&](std::size_t a, std::size_t b) { return tensors_[a].log_size > tensors_[b].log_size; });
    std::uint64_t at = 0;
    for (std::size_t t : order_) {
      tensors_[t].offset = at;
      at += tensors_[t].padded();
    }
    n_ = std::max(min_vars, log2_ceil(at));
  }

  std::vector<ModelTensor> tensors_;  // input order
  std::vector<std::size_t> order_;    // by offset
  unsigned n_ = 0;
};

}  // namespace vtensor
