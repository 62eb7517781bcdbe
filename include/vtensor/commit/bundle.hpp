// vtensor/commit/bundle.hpp — many small tensors committed as ONE WHIR polynomial, in
// memory: the witness a proof commits to on the fly (low-rank factors, sparse lists,
// lookup multiplicities …), opened at tensor-local points in one proof.
//
// A bundle is a ModelLayout (commit/model_layout.hpp: every tensor on its own
// hypercube, blocks placed by buddy allocation) whose model table M is committed with
// Whir::commit directly (no index rotation: the bundle is small enough to encode in
// memory, so the WHIR point of tensor t at a local point r is the model point
// (r, bits of off_t)). Parameters: those of the caller with num_vars = the layout's n
// (bundle_params). A claim (tensor, r, v) says "tensor's MLE at r is v"; every claim of a
// bundle is opened by one Whir::open_many (claims combined by β, docs/commitment.md).
// In hiding mode (params.hiding_openings > 0) the bundle is a hiding commitment.
//
// The verifier rebuilds the layout from what it knows (the statement that makes the
// prover commit the bundle fixes every tensor's name and shape), so no layout travels.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "vtensor/commit/model_layout.hpp"
#include "vtensor/commit/model_source.hpp"
#include "vtensor/commit/whir.hpp"
#include "vtensor/error.hpp"

namespace vtensor {

// One tensor of a bundle: its name, shape and row-major entries (Π shape of them).
struct BundleTensor {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<Goldilocks> values;
};

struct BundleClaim {
  std::size_t tensor = 0;                 // index in the bundle's input order
  std::vector<GoldilocksExt2> point;      // tensor-local, log_size coordinates
  GoldilocksExt2 value;
};

// The WHIR parameters of a bundle with this layout: `base` with num_vars = n.
inline WhirParams bundle_params(const WhirParams& base, const ModelLayout& layout) {
  WhirParams p = base;
  p.num_vars = layout.num_vars();
  p.validate();
  return p;
}

inline ModelLayout bundle_layout(std::span<const ModelTensorSpec> specs) { return ModelLayout(specs); }

class BundleProverData {
 public:
  using E = GoldilocksExt2;
  const ModelLayout& layout() const noexcept { return layout_; }
  const WhirParams& params() const noexcept { return pd_.params; }
  WhirCommitment commitment() const { return {pd_.tree.root()}; }
  // Tensor t's padded hypercube table (2^{d_t} entries).
  std::span<const Goldilocks> table_of(std::size_t t) const {
    const auto& x = layout_.tensor(t);
    return std::span<const Goldilocks>(table_.data() + x.offset, x.padded());
  }
  std::span<const Goldilocks> table() const noexcept { return table_; }
  const WhirProverData& whir() const noexcept { return pd_; }

 private:
  friend BundleProverData commit_bundle(const WhirParams&, std::vector<BundleTensor>);
  ModelLayout layout_;
  std::vector<Goldilocks> table_;  // M (not rotated); in hiding mode pd_.table is f̂
  WhirProverData pd_;
};

// Commits the tensors (ArgumentError on a layout the model layout refuses, or values
// that do not fill the shapes).
inline BundleProverData commit_bundle(const WhirParams& base, std::vector<BundleTensor> tensors) {
  std::vector<ModelTensorSpec> specs;
  std::vector<std::vector<Goldilocks>> data;
  for (auto& t : tensors) {
    specs.push_back({t.name, 0, t.shape});
    data.push_back(std::move(t.values));
  }
  BundleProverData out;
  out.layout_ = ModelLayout(specs);
  MemoryModelSource src(out.layout_, std::move(data));
  out.table_ = read_model_table(src);
  const WhirParams p = bundle_params(base, out.layout_);
  out.pd_ = Whir::commit(p, out.table_).second;
  return out;
}

namespace bundle_detail {
inline std::vector<std::vector<GoldilocksExt2>> points_of(const ModelLayout& l, std::span<const BundleClaim> claims) {
  std::vector<std::vector<GoldilocksExt2>> pts;
  for (const auto& c : claims) pts.push_back(l.model_point(c.tensor, c.point));
  return pts;
}
}  // namespace bundle_detail

// Proves every claim in one WHIR proof. ArgumentError on a malformed claim or a value
// that is not the tensor's.
inline std::vector<std::uint8_t> open_bundle(const BundleProverData& pd, std::span<const BundleClaim> claims,
                                             Transcript& t) {
  using E = GoldilocksExt2;
  if (claims.empty()) throw ArgumentError("open_bundle: no claim");
  for (const auto& c : claims)
    if (c.tensor >= pd.layout().size()) throw ArgumentError("open_bundle: a claim names a missing tensor");
  const auto pts = bundle_detail::points_of(pd.layout(), claims);
  std::vector<E> vals;
  for (const auto& c : claims) vals.push_back(c.value);
  t.absorb("bundle/layout", pd.layout().digest().bytes);
  return Whir::open_many(pd.whir(), pts, vals, t);
}

// Checks a proof from open_bundle against the bundle's layout, parameters (as given to
// commit_bundle) and root. DecodeError / VerifyError on rejection.
inline void verify_bundle(const WhirParams& base, const ModelLayout& layout, const WhirCommitment& com,
                          std::span<const BundleClaim> claims, std::span<const std::uint8_t> proof, Transcript& t) {
  using E = GoldilocksExt2;
  if (claims.empty()) throw VerifyError("bundle: no claim");
  for (const auto& c : claims)
    if (c.tensor >= layout.size() || c.point.size() != layout.tensor(c.tensor).log_size)
      throw VerifyError("bundle: a claim names a missing tensor or has the wrong number of coordinates");
  const auto pts = bundle_detail::points_of(layout, claims);
  std::vector<E> vals;
  for (const auto& c : claims) vals.push_back(c.value);
  t.absorb("bundle/layout", layout.digest().bytes);
  Whir::verify_many(bundle_params(base, layout), com, pts, vals, proof, t);
}

}  // namespace vtensor
