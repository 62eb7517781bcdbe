// Helpers for the drift-certificate tests: a small model pair built tensor by tensor,
// committed, and a prove/verify round trip.
#pragma once

#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "model_test_util.hpp"
#include "test_util.hpp"
#include "vtensor/smdp.hpp"

namespace vtensor::test {

// Row-major integer tensors; Δ is added to make the tuned model.
struct DriftTensor {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<std::int64_t> base, delta;
  std::uint64_t numel() const {
    std::uint64_t n = 1;
    for (auto d : shape) n *= d;
    return n;
  }
};

inline std::vector<std::int64_t> small_ints(std::mt19937_64& rng, std::size_t n, std::int64_t bound) {
  std::uniform_int_distribution<std::int64_t> d(-bound, bound);
  std::vector<std::int64_t> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

// U (rows×r) · V (r×cols), row-major.
inline std::vector<std::int64_t> matmul(const std::vector<std::int64_t>& u, const std::vector<std::int64_t>& v,
                                        std::size_t rows, std::size_t r, std::size_t cols) {
  std::vector<std::int64_t> out(rows * cols, 0);
  for (std::size_t i = 0; i < rows; ++i)
    for (std::size_t k = 0; k < r; ++k)
      for (std::size_t j = 0; j < cols; ++j) out[i * cols + j] += u[i * r + k] * v[k * cols + j];
  return out;
}

// A source that adds values at given model offsets (e.g. in a tensor's padding, which a
// checkpoint never has): a malformed tuned model for cheating-prover tests.
class JunkSource final : public ModelSource {
 public:
  JunkSource(std::unique_ptr<ModelSource> inner, std::vector<std::pair<std::uint64_t, Goldilocks>> junk)
      : inner_(std::move(inner)), junk_(std::move(junk)) {}
  const ModelLayout& layout() const override { return inner_->layout(); }
  void read(std::uint64_t off, std::span<Goldilocks> out) override {
    inner_->read(off, out);
    for (const auto& [at, v] : junk_)
      if (at >= off && at < off + out.size()) out[at - off] += v;
  }

 private:
  std::unique_ptr<ModelSource> inner_;
  std::vector<std::pair<std::uint64_t, Goldilocks>> junk_;
};

// A committed base/tuned pair and what a verifier needs.
struct DriftPair {
  WhirParams params;
  ModelLayout layout;
  std::unique_ptr<ModelSource> base_src, tuned_src;
  std::unique_ptr<ModelPartsProverData> base, tuned;

  DriftPair(const std::vector<DriftTensor>& ts, const TempDir& dir, unsigned max_part_vars = 0,
            WhirParams p = model_params(0, 2, 4, 4), std::vector<std::pair<std::uint64_t, Goldilocks>> junk = {}) {
    std::vector<ModelTensorSpec> specs;
    std::vector<std::vector<Goldilocks>> b, t;
    for (const auto& x : ts) {
      specs.push_back({x.name, 0, x.shape});
      std::vector<Goldilocks> bv, tv;
      for (std::size_t i = 0; i < x.base.size(); ++i) {
        bv.push_back(Goldilocks::from_i64(x.base[i]));
        tv.push_back(Goldilocks::from_i64(x.base[i] + (x.delta.empty() ? 0 : x.delta[i])));
      }
      b.push_back(std::move(bv));
      t.push_back(std::move(tv));
    }
    layout = ModelLayout(specs);
    params = p;
    params.num_vars = layout.num_vars();
    base_src = std::make_unique<MemoryModelSource>(layout, std::move(b));
    tuned_src = std::make_unique<MemoryModelSource>(layout, std::move(t));
    if (!junk.empty()) tuned_src = std::make_unique<JunkSource>(std::move(tuned_src), std::move(junk));
    ModelCommitOptions opt;
    opt.dir = dir.path;
    opt.chunk_log = 4;
    opt.max_part_vars = max_part_vars;
    base = std::make_unique<ModelPartsProverData>(commit_model_parts(params, *base_src, opt));
    tuned = std::make_unique<ModelPartsProverData>(commit_model_parts(params, *tuned_src, opt));
  }
  Certificate prove(const smdp::Policy& policy, const smdp::ProveOptions& opt) const {
    return smdp::prove({base_src.get(), base.get()}, {tuned_src.get(), tuned.get()}, policy, opt);
  }
  smdp::Statement statement(const smdp::Policy& policy, int scale = 0) const {
    return smdp::statement(layout, params, base->commitment(), tuned->commitment(), scale, policy);
  }
  bool accepts(const smdp::Statement& st, std::span<const std::uint8_t> bytes) const {
    return verifies([&] { smdp::verify(st, bytes); });
  }
};

}  // namespace vtensor::test
