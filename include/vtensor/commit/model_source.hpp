// vtensor/commit/model_source.hpp — where a streamed model commitment reads the model
// table M from (commit/model.hpp, docs/model_commitment.md).
//
// A ModelSource knows its layout (commit/model_layout.hpp) and fills any range of
// M on request: tensor entries where a tensor lies, zeros in its padding and in the
// unused tail of M. commit_model calls read() from a helper thread (one call at a
// time, never concurrently). Two sources:
//  - MemoryModelSource: the tensors as vectors (tests, small models);
//  - FileModelSource: a raw file holding the tensors one after another in the
//    layout's input order, tensor t as numel_t little-endian u64 canonical Goldilocks
//    values (8·Σ numel_t bytes, nothing else), read with pread. A file of the wrong
//    size or a non-canonical value (≥ p) is a DecodeError naming the tensor and entry.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <fcntl.h>

#include "vtensor/commit/detail/model_io.hpp"
#include "vtensor/commit/model_layout.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"

namespace vtensor {

class ModelSource {
 public:
  virtual ~ModelSource() = default;
  virtual const ModelLayout& layout() const = 0;
  // out[i] = M[model_offset + i]; ArgumentError past the end of M.
  virtual void read(std::uint64_t model_offset, std::span<Goldilocks> out) = 0;
};

namespace model_detail {

// Splits M[off, off + out.size()) into tensor segments and zeros:
// seg(t, flat_begin, dst) fills dst with tensor t's entries flat_begin, flat_begin + 1, …
// (row-major order of its shape, unpadded). Inside a block, local index i is the
// hypercube index of docs/layout.md §3: the runs of the last dimension are contiguous,
// every padded coordinate is zero.
template <class Segment>
void fill_range(const ModelLayout& l, std::uint64_t off, std::span<Goldilocks> out, Segment&& seg) {
  if (off > l.table_size() || out.size() > l.table_size() - off)
    throw ArgumentError("model source: range [" + std::to_string(off) + ", +" + std::to_string(out.size()) +
                        ") exceeds the 2^" + std::to_string(l.num_vars()) + " entries of the model");
  std::fill(out.begin(), out.end(), Goldilocks::zero());
  const std::uint64_t end = off + out.size();
  const auto order = l.by_offset();
  // First tensor whose block ends after off (blocks are sorted and disjoint).
  auto it = std::partition_point(order.begin(), order.end(), [&](std::size_t t) {
    return l.tensors()[t].offset + l.tensors()[t].padded() <= off;
  });
  for (; it != order.end(); ++it) {
    const ModelTensor& x = l.tensors()[*it];
    if (x.offset >= end) break;
    const std::uint64_t lo = std::max(off, x.offset) - x.offset, hi = std::min(end, x.offset + x.padded()) - x.offset;
    if (x.shape.size() == 1) {  // the common case: one run
      const std::uint64_t h = std::min(hi, x.numel);
      if (lo < h) seg(*it, lo, out.subspan(x.offset + lo - off, h - lo));
      continue;
    }
    // Runs of the last dimension: local index i = row·2^{k_last} + c, row the
    // hypercube index of the leading coordinates.
    const std::size_t k = x.shape.size();
    const unsigned k_last = log2_ceil(x.shape[k - 1]);
    const std::uint64_t d_last = x.shape[k - 1];
    std::uint64_t i = lo;
    while (i < hi) {
      const std::uint64_t row = i >> k_last, c0 = i & ((std::uint64_t{1} << k_last) - 1);
      const std::uint64_t run_end = std::min(hi, (row + 1) << k_last);
      // Decode the leading coordinates (last-but-one dimension lowest) into a flat row.
      std::uint64_t rest = row, flat_row = 0, stride = 1;
      bool valid = true;
      for (std::size_t j = k - 1; j-- > 0;) {
        const unsigned kj = log2_ceil(x.shape[j]);
        const std::uint64_t cj = rest & ((std::uint64_t{1} << kj) - 1);
        rest >>= kj;
        if (cj >= x.shape[j]) valid = false;
        flat_row += cj * stride;
        stride *= x.shape[j];
      }
      if (valid && c0 < d_last) {
        const std::uint64_t c1 = std::min(d_last, c0 + (run_end - i));
        seg(*it, flat_row * d_last + c0, out.subspan(x.offset + i - off, c1 - c0));
      }
      i = run_end;
    }
  }
}

}  // namespace model_detail

// The whole of M (2^n entries) in memory.
inline std::vector<Goldilocks> read_model_table(ModelSource& src) {
  std::vector<Goldilocks> m(src.layout().table_size());
  src.read(0, m);
  return m;
}

class MemoryModelSource final : public ModelSource {
 public:
  // tensors[t] = tensor t's entries, in the layout's input order (ArgumentError on a size mismatch).
  MemoryModelSource(ModelLayout layout, std::vector<std::vector<Goldilocks>> tensors)
      : layout_(std::move(layout)), data_(std::move(tensors)) {
    if (data_.size() != layout_.size())
      throw ArgumentError("MemoryModelSource: " + std::to_string(data_.size()) + " tensors, the layout has " +
                          std::to_string(layout_.size()));
    for (std::size_t t = 0; t < data_.size(); ++t)
      if (data_[t].size() != layout_.tensor(t).numel)
        throw ArgumentError("MemoryModelSource: tensor '" + layout_.tensor(t).name + "' has " +
                            std::to_string(data_[t].size()) + " entries, the layout says " +
                            std::to_string(layout_.tensor(t).numel));
  }
  const ModelLayout& layout() const override { return layout_; }
  void read(std::uint64_t model_offset, std::span<Goldilocks> out) override {
    model_detail::fill_range(layout_, model_offset, out, [&](std::size_t t, std::uint64_t b, std::span<Goldilocks> dst) {
      std::copy_n(data_[t].begin() + static_cast<std::ptrdiff_t>(b), dst.size(), dst.begin());
    });
  }
  const std::vector<Goldilocks>& tensor_data(std::size_t t) const { return data_.at(t); }

 private:
  ModelLayout layout_;
  std::vector<std::vector<Goldilocks>> data_;
};

class FileModelSource final : public ModelSource {
 public:
  // Error if the file cannot be opened; DecodeError if its size is not 8·Σ numel_t.
  FileModelSource(ModelLayout layout, const std::filesystem::path& path)
      : layout_(std::move(layout)), file_(path, O_RDONLY) {
    std::uint64_t at = 0;
    for (const auto& x : layout_.tensors()) {
      file_pos_.push_back(at);
      at += 8 * x.numel;
    }
    const std::uint64_t have = file_.size();
    if (have < at) {
      std::size_t t = 0;  // first tensor that does not fit
      while (file_pos_[t] + 8 * layout_.tensor(t).numel <= have) ++t;
      throw DecodeError("model file '" + file_.path() + "' is too short: " + std::to_string(have) + " bytes, the layout needs " +
                        std::to_string(at) + " (tensor '" + layout_.tensor(t).name + "' is cut off)");
    }
    if (have > at)
      throw DecodeError("model file '" + file_.path() + "' has " + std::to_string(have - at) +
                        " trailing bytes past the " + std::to_string(at) + " the layout needs");
  }
  const ModelLayout& layout() const override { return layout_; }
  void read(std::uint64_t model_offset, std::span<Goldilocks> out) override {
    model_detail::fill_range(layout_, model_offset, out, [&](std::size_t t, std::uint64_t b, std::span<Goldilocks> dst) {
      read_tensor(t, b, dst);
    });
  }

 private:
  void read_tensor(std::size_t t, std::uint64_t begin, std::span<Goldilocks> dst) const {
    static_assert(sizeof(Goldilocks) == 8);
    auto* bytes = reinterpret_cast<std::uint8_t*>(dst.data());
    file_.pread_all(bytes, dst.size() * 8, file_pos_[t] + 8 * begin);
    for (std::size_t i = 0; i < dst.size(); ++i) {
      std::uint64_t v = 0;
      if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(&v, bytes + 8 * i, 8);
      } else {
        for (int k = 0; k < 8; ++k) v |= std::uint64_t{bytes[8 * i + k]} << (8 * k);
      }
      if (v >= Goldilocks::kModulus)
        throw DecodeError("model file '" + file_.path() + "': tensor '" + layout_.tensor(t).name + "' entry " +
                          std::to_string(begin + i) + " = " + std::to_string(v) + " is not a canonical Goldilocks element");
      dst[i] = Goldilocks::from_canonical(v);
    }
  }

  ModelLayout layout_;
  model_detail::File file_;
  std::vector<std::uint64_t> file_pos_;  // byte offset of each tensor (input order)
};

}  // namespace vtensor
