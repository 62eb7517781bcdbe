// vtensor/commit/zk_model.hpp — a hiding commitment of a whole model, in memory: the
// model table M of a ModelLayout (every tensor on its own aligned sub-cube, no index
// rotation) committed with WHIR's hiding mode, each tensor a ZkTable
// (commit/zk_table.hpp) for the zero-knowledge drift blocks (proofs/drift/zk_*.hpp).
//
// This is the zero-knowledge counterpart of commit_model for models that fit in
// memory: 2^{n + e + R} ≤ 2^32 codeword values (n the layout's variables, e the mask
// variables, R the rate), the table and codeword held by the prover. The streamed,
// multi-part hiding commitment is not built yet (docs/zk.md).
//
// The verifier rebuilds every tensor's ZkTable from the layout, the parameters and the
// root (zk_model_tables).
#pragma once

#include <memory>
#include <vector>

#include "vtensor/commit/model_layout.hpp"
#include "vtensor/commit/model_source.hpp"
#include "vtensor/commit/zk_table.hpp"

namespace vtensor {

// The parameters of a model's hiding commitment: base with num_vars = the layout's n
// and `openings` hiding openings (2: one opening for all of a certificate's claims,
// and a reserve for the values its sumchecks reveal).
inline WhirParams zk_model_params(const WhirParams& base, const ModelLayout& layout, unsigned openings = 2) {
  WhirParams p = base;
  p.num_vars = layout.num_vars();
  p.hiding_openings = openings;
  p.validate();
  return p;
}

// The verifier's view: tensor t's table at its offset, 2^{d_t} entries.
inline std::vector<ZkTable> zk_model_tables(const ModelLayout& layout, const WhirParams& params,
                                            const WhirCommitment& com, const WhirProverData* pd = nullptr) {
  if (params.num_vars != layout.num_vars() || params.hiding_openings == 0)
    throw ArgumentError("zk model: the parameters are not a hiding commitment of this layout");
  std::vector<ZkTable> out;
  for (const auto& x : layout.tensors()) out.push_back({params, com, x.offset, x.log_size, pd});
  return out;
}

class ZkModelProverData {
 public:
  ZkModelProverData(const WhirParams& base, ModelSource& source, unsigned openings = 2)
      : layout_(source.layout()), pd_(std::make_shared<WhirProverData>()) {
    const auto p = zk_model_params(base, layout_, openings);
    auto [com, pd] = Whir::commit(p, read_model_table(source));
    *pd_ = std::move(pd);
    com_ = com;
    tables_ = zk_model_tables(layout_, p, com_, pd_.get());
  }
  const ModelLayout& layout() const noexcept { return layout_; }
  const WhirParams& params() const noexcept { return pd_->params; }
  const WhirCommitment& commitment() const noexcept { return com_; }
  const ZkTable& tensor(std::size_t t) const { return tables_.at(t); }
  const std::vector<ZkTable>& tensors() const noexcept { return tables_; }
  std::shared_ptr<const WhirProverData> data() const { return pd_; }

 private:
  ModelLayout layout_;
  std::shared_ptr<WhirProverData> pd_;
  WhirCommitment com_;
  std::vector<ZkTable> tables_;
};

}  // namespace vtensor
