// vtensor/commit/model_parts.hpp — model commitments beyond one WHIR polynomial
// (docs/model_commitment.md §6).
//
// One Goldilocks WHIR polynomial needs n + R ≤ 32 (the 2-adicity of p − 1 is 32: the
// codeword domain is a subgroup of order 2^{n+R}), so a model of 2^33 entries does
// not fit one. The model table M (2^n entries) is cut into 2^{n − n_part} parts,
// n_part = min(n, 32 − R, max_part_vars):
//   part q = M[q·2^{n_part}, (q+1)·2^{n_part}),
// an aligned sub-cube (the top n − n_part index bits fixed to q). Buddy placement
// aligns every tensor to its own size, so a tensor of ≤ 2^{n_part} entries lies in
// exactly one part; a layout with a larger tensor is refused (ArgumentError).
//
// Commit: each part is committed with the streamed commit of commit/model.hpp (the
// same WhirParams with num_vars = n_part, the same chunk log c), one after the
// other: peak memory is that of one part's commit; one codeword file per part.
//
// Open: claims "tensor t at r ∈ E^{d_t} is v_k in model k" on K models (1 … 32) with
// one layout and parameters (a base and a fine-tuned checkpoint). Tensor t's MLE at r
// is part q_t's MLE at the low n_part coordinates of its model point; z = those
// rotated by c (the part's WHIR point). Every part of every model is opened at the
// common points z_1..z_m with one Whir::open_batch; the prover sends the values of the
// parts that do not hold claim l's tensor (the verifier knows the others: the claimed
// values), and Whir::verify_batch binds and proves all of them.
//
// Proof wire format (little-endian, version 2):
//   u32 magic "VTMP" ‖ u16 version ‖ u32 models ‖ u32 parts ‖ u32 points ‖
//   for each model k, part q, point l with q ≠ q_l: the F_{p²} value (canonical) ‖
//   the open_batch proof (docs/commitment.md) over the K·parts polynomials, model-major.
// One part sends no values.
//
// Transcript: bind_model(t, layout, c, n_part) (layout digest, c, n_part, number of
// parts), the model count, the claims' tensor indices, then open_batch's statement
// (parameters with num_vars = n_part, every root, every point, every value) — done
// inside open_models / verify_models.
#pragma once

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "vtensor/commit/detail/model_open_stream.hpp"
#include "vtensor/commit/model.hpp"
#include "vtensor/detail/trace.hpp"

namespace vtensor {

inline constexpr std::uint32_t kModelProofMagic = 0x504D5456;       // "VTMP"
inline constexpr std::uint16_t kModelProofVersion = 2;
inline constexpr std::size_t kModelMaxModels = 32;  // models opened together
inline constexpr std::uint32_t kModelCommitmentMagic = 0x434D5456;  // "VTMC"
inline constexpr std::uint16_t kModelCommitmentVersion = 1;
inline constexpr unsigned kModelMaxPartsLog = 10;  // at most 2^10 parts (Whir::open_batch's polynomial cap)

// n_part = min(n, 32 − R, max_part_vars) (max_part_vars = 0: no extra limit).
inline unsigned model_part_vars(unsigned n, unsigned log_inv_rate, unsigned max_part_vars = 0) {
  if (log_inv_rate > Goldilocks::kTwoAdicity)
    throw ArgumentError("model_part_vars: log_inv_rate " + std::to_string(log_inv_rate) + " exceeds the 2-adicity");
  unsigned cap = Goldilocks::kTwoAdicity - log_inv_rate;
  if (max_part_vars > 0) cap = std::min(cap, max_part_vars);
  return std::min(n, cap);
}

// The parameters of every part: params with num_vars = part_vars.
inline WhirParams model_part_params(const WhirParams& params, unsigned part_vars) {
  WhirParams p = params;
  p.num_vars = part_vars;
  return p;
}

// The public side of a (multi-part) model commitment: what a verifier needs besides
// the layout and the parameters.
struct ModelCommitment {
  unsigned num_vars = 0;              // n: M has 2^n entries
  unsigned part_vars = 0;             // n_part: each part has 2^{n_part} entries
  unsigned chunk_log = 0;             // c, the same for every part
  std::vector<WhirCommitment> parts;  // 2^{n − n_part} roots, part q at index q

  std::size_t num_parts() const noexcept { return parts.size(); }

  // u32 "VTMC" ‖ u16 version ‖ u32 n ‖ u32 n_part ‖ u32 c ‖ u32 parts ‖ parts × 32-byte root.
  std::vector<std::uint8_t> encode() const {
    ByteWriter w;
    w.u32(kModelCommitmentMagic);
    w.u16(kModelCommitmentVersion);
    w.u32(num_vars);
    w.u32(part_vars);
    w.u32(chunk_log);
    w.u32(static_cast<std::uint32_t>(parts.size()));
    for (const auto& c : parts) w.bytes(std::span<const std::uint8_t>(c.root.data(), Digest::kSize));
    return std::move(w).take();
  }
  // DecodeError on truncation, trailing bytes, a wrong magic or version, n > 40,
  // n_part > n, more than 2^10 parts, a part count other than 2^{n − n_part}, c > n_part.
  static ModelCommitment decode(std::span<const std::uint8_t> in) {
    ByteReader r(in, "model commitment");
    r.expect_u32(kModelCommitmentMagic, "magic");
    r.expect_u16(kModelCommitmentVersion, "version");
    ModelCommitment c;
    c.num_vars = r.u32();
    c.part_vars = r.u32();
    c.chunk_log = r.u32();
    const std::uint32_t count = r.u32();
    if (c.num_vars > kModelMaxVars) r.fail("n = " + std::to_string(c.num_vars) + " exceeds 40");
    if (c.part_vars > c.num_vars) r.fail("n_part = " + std::to_string(c.part_vars) + " exceeds n");
    if (c.num_vars - c.part_vars > kModelMaxPartsLog) r.fail("more than 2^10 parts");
    if (count != (std::uint64_t{1} << (c.num_vars - c.part_vars)))
      r.fail("part count " + std::to_string(count) + " is not 2^(n − n_part)");
    if (c.chunk_log > c.part_vars) r.fail("chunk log " + std::to_string(c.chunk_log) + " exceeds n_part");
    for (std::uint32_t q = 0; q < count; ++q) {
      const auto b = r.bytes(Digest::kSize, "part root");
      WhirCommitment w;
      std::copy(b.begin(), b.end(), w.root.data());
      c.parts.push_back(w);
    }
    r.finish();
    return c;
  }
  friend bool operator==(const ModelCommitment& a, const ModelCommitment& b) {
    if (a.num_vars != b.num_vars || a.part_vars != b.part_vars || a.chunk_log != b.chunk_log ||
        a.parts.size() != b.parts.size())
      return false;
    for (std::size_t q = 0; q < a.parts.size(); ++q)
      if (a.parts[q].root != b.parts[q].root) return false;
    return true;
  }
};

// "Tensor `tensor` (input-order index) has MLE value `value` at `point` ∈ E^{d_t}."
struct ModelClaim {
  std::size_t tensor = 0;
  std::vector<GoldilocksExt2> point;
  GoldilocksExt2 value;
};

// The prover's side of a multi-part model commitment: one codeword file per part
// (owned: removed when this object dies unless released). Move-only.
class ModelPartsProverData {
 public:
  using E = GoldilocksExt2;

  const ModelLayout& layout() const noexcept { return layout_; }
  const WhirParams& params() const noexcept { return params_; }            // num_vars = n
  const WhirParams& part_params() const noexcept { return part_params_; }  // num_vars = n_part
  unsigned num_vars() const noexcept { return com_.num_vars; }
  unsigned part_vars() const noexcept { return com_.part_vars; }
  unsigned chunk_log() const noexcept { return com_.chunk_log; }
  std::size_t num_parts() const noexcept { return com_.parts.size(); }
  const ModelCommitment& commitment() const noexcept { return com_; }
  const Digest& root(std::size_t q) const { return com_.parts.at(q).root; }
  const std::filesystem::path& codeword_path(std::size_t q) const { return codewords_.at(q).path(); }
  // The part tensor t lies in, and the point of that part's WHIR table for its r.
  std::uint64_t part_of(std::size_t t) const { return layout_.part_of(t, com_.part_vars); }
  std::vector<E> whir_point(std::size_t t, std::span<const E> r) const {
    return layout_.part_whir_point(t, r, com_.part_vars, com_.chunk_log);
  }
  std::vector<std::filesystem::path> release_codewords() noexcept {
    std::vector<std::filesystem::path> out;
    for (auto& c : codewords_) out.push_back(c.release());
    return out;
  }

  // Part q of M (2^{n_part} entries), read from source.
  std::vector<Goldilocks> read_part(ModelSource& source, std::size_t q) const {
    check_source(source);
    if (q >= num_parts()) throw ArgumentError("model part " + std::to_string(q) + " of " + std::to_string(num_parts()));
    std::vector<Goldilocks> m(std::size_t{1} << com_.part_vars);
    source.read(static_cast<std::uint64_t>(q) << com_.part_vars, m);
    return m;
  }
  // The cap of part q's codeword tree (empty when its table is sent whole).
  const MerkleCap& cap(std::size_t q) const { return caps_.at(q); }
  // WhirProverData of part q (its table in memory, its codeword read back; DecodeError
  // if the file does not match the root). The source must hold the committed model.
  WhirProverData materialize(std::size_t q, ModelSource& source) const {
    const auto m = read_part(source, q);
    return model_detail::materialize_table(part_params_, m, com_.chunk_log, codewords_[q].path(), com_.parts[q].root);
  }

 private:
  void check_source(const ModelSource& source) const {
    if (!(source.layout() == layout_)) throw ArgumentError("model parts: the source has another layout");
  }
  friend ModelPartsProverData commit_model_parts(const WhirParams&, ModelSource&, const ModelCommitOptions&);
  ModelLayout layout_;
  WhirParams params_, part_params_;
  ModelCommitment com_;
  std::vector<model_detail::OwnedPath> codewords_;
  std::vector<MerkleCap> caps_;
};

// Commits the model of `source` in parts (see the top). params.num_vars must be the
// layout's n (it may exceed 32 − R); every other field applies to each part. options:
// those of commit_model, plus max_part_vars. ArgumentError: a tensor larger than a
// part, more than 2^10 parts, hiding parameters, invalid parameters.
inline ModelPartsProverData commit_model_parts(const WhirParams& params, ModelSource& source,
                                               const ModelCommitOptions& opt = {}) {
  const ModelLayout& layout = source.layout();
  if (params.num_vars != layout.num_vars())
    throw ArgumentError("commit_model_parts: params.num_vars = " + std::to_string(params.num_vars) +
                        ", the layout has n = " + std::to_string(layout.num_vars()));
  if (params.hiding_openings > 0)
    throw ArgumentError("commit_model_parts: hiding model commitments are not supported");
  model_part_params(params, 0).validate();  // every field but num_vars
  const unsigned n = layout.num_vars();
  const unsigned np = model_part_vars(n, params.log_inv_rate, opt.max_part_vars);
  if (n - np > kModelMaxPartsLog)
    throw ArgumentError("commit_model_parts: 2^" + std::to_string(n - np) + " parts of 2^" + std::to_string(np) +
                        " entries, more than the 2^10 one batch opening takes");
  layout.check_part_vars(np);
  ModelPartsProverData out;
  out.layout_ = layout;
  out.params_ = params;
  out.part_params_ = model_part_params(params, np);
  out.part_params_.validate();
  out.com_.num_vars = n;
  out.com_.part_vars = np;
  out.com_.chunk_log = model_chunk_log(out.part_params_, opt.chunk_log);
  const std::filesystem::path dir = opt.dir.empty() ? std::filesystem::temp_directory_path() : opt.dir;
  const std::size_t parts = std::size_t{1} << (n - np);
  for (std::size_t q = 0; q < parts; ++q) {
    auto [cw, cw_path] = model_detail::create_unique(dir, "vtensor-model-part" + std::to_string(q) + "-codeword");
    out.codewords_.push_back(std::move(cw_path));
    const std::uint64_t base = static_cast<std::uint64_t>(q) << np;
    MerkleCap cap;
    const Digest root = model_detail::commit_streamed(
        out.part_params_, [&, base](std::uint64_t off, std::span<Goldilocks> dst) { source.read(base + off, dst); },
        out.com_.chunk_log, dir, opt.block_entries, cw, &cap);
    out.caps_.push_back(std::move(cap));
    out.com_.parts.push_back(WhirCommitment{root});
  }
  return out;
}


// "Tensor `tensor` has MLE value values[k] at `point` in model k" for several models
// with one layout and one set of parameters (a base and a fine-tuned checkpoint).
struct ModelMultiClaim {
  std::size_t tensor = 0;
  std::vector<GoldilocksExt2> point;
  std::vector<GoldilocksExt2> values;  // one per model
};

namespace model_detail {

// The WHIR points and the part of every claim; VerifyError / ArgumentError (by Fail)
// on a claim that names a missing tensor or has the wrong number of coordinates.
template <class Fail>
void claim_points(const ModelLayout& layout, unsigned np, unsigned c, std::span<const ModelMultiClaim> claims,
                  std::size_t models, std::vector<std::vector<GoldilocksExt2>>& points, std::vector<std::size_t>& part_of,
                  Fail&& fail) {
  if (claims.empty() || claims.size() > whir_detail::kMaxPoints) fail("the number of claims must be in [1, 2^16]");
  for (const auto& cl : claims) {
    if (cl.tensor >= layout.size() || cl.point.size() != layout.tensor(cl.tensor).log_size)
      fail("a claim names tensor " + std::to_string(cl.tensor) + " that does not exist or has another number of variables");
    if (cl.values.size() != models) fail("a claim needs one value per model");
    points.push_back(layout.part_whir_point(cl.tensor, cl.point, np, c));
    part_of.push_back(static_cast<std::size_t>(layout.part_of(cl.tensor, np)));
  }
}

inline void bind_models(Transcript& t, const ModelLayout& layout, unsigned c, unsigned np, std::size_t models,
                        std::span<const ModelMultiClaim> claims) {
  bind_model(t, layout, c, np);
  t.absorb_u64("model/models", models);
  ByteWriter w;
  w.u64(claims.size());
  for (const auto& cl : claims) w.u64(cl.tensor);
  t.absorb("model/claim_tensors", w.data());
}

}  // namespace model_detail

// Proves every claim (1 … 2^16 of them) on every model (1 … 32 models with the same
// layout, parameters, chunk log and part size) in one proof: all parts of all models
// are opened with one Whir::open_batch at the common points. Wire format at the top
// (the values of the parts that do not hold a claim's tensor travel; the claimed ones
// are the verifier's). Each source must hold its committed model. Opening holds every
// part's table and codeword in memory (like ModelPartsProverData::materialize).
// ArgumentError on a malformed claim or a claimed value that is not the tensor's.
inline std::vector<std::uint8_t> open_models(std::span<const ModelPartsProverData* const> pds,
                                             std::span<ModelSource* const> sources,
                                             std::span<const ModelMultiClaim> claims, Transcript& t) {
  using E = GoldilocksExt2;
  if (pds.empty() || pds.size() > kModelMaxModels || sources.size() != pds.size())
    throw ArgumentError("open_models: 1 … 32 models, one source each");
  const ModelPartsProverData& p0 = *pds[0];
  const ModelLayout& layout = p0.layout();
  for (std::size_t k = 0; k < pds.size(); ++k) {
    if (!(pds[k]->layout() == layout) || !(sources[k]->layout() == layout))
      throw ArgumentError("open_models: the models or sources have different layouts");
    if (pds[k]->part_params().encode() != p0.part_params().encode() || pds[k]->chunk_log() != p0.chunk_log())
      throw ArgumentError("open_models: the models were committed with different parameters");
  }
  const std::size_t parts = p0.num_parts(), m = claims.size(), models = pds.size();
  std::vector<std::vector<E>> points;
  std::vector<std::size_t> part_of;
  model_detail::claim_points(layout, p0.part_vars(), p0.chunk_log(), claims, models, points, part_of,
                             [](const std::string& msg) { throw ArgumentError("open_models: " + msg); });
  const WhirParams& pp = p0.part_params();
  std::vector<std::vector<E>> values(models * parts, std::vector<E>(m, E::zero()));  // (model, part) major
  std::vector<Digest> roots;
  for (std::size_t k = 0; k < models; ++k)
    for (std::size_t q = 0; q < parts; ++q) roots.push_back(pds[k]->root(q));
  std::vector<std::uint8_t> batch;
  vtensor::detail::TraceClock clock;
  if (pp.schedule().empty()) {
    // Small parts: the tables travel whole; materialize them.
    std::vector<WhirProverData> wpds;
    for (std::size_t k = 0; k < models; ++k)
      for (std::size_t q = 0; q < parts; ++q) {
        wpds.push_back(pds[k]->materialize(q, *sources[k]));
        values[k * parts + q] = whir_detail::evaluate_many<Goldilocks>(wpds.back().table, points);
      }
    for (std::size_t k = 0; k < models; ++k)
      for (std::size_t l = 0; l < m; ++l)
        if (testing::refuse(values[k * parts + part_of[l]][l] != claims[l].values[k]))
          throw ArgumentError("open_models: claim " + std::to_string(l) + " on tensor '" +
                              layout.tensor(claims[l].tensor).name + "' of model " + std::to_string(k) +
                              ": the claimed value is not the tensor's value at the point");
    for (std::size_t k = 0; k < models; ++k)
      for (std::size_t l = 0; l < m; ++l) values[k * parts + part_of[l]][l] = claims[l].values[k];
    model_detail::bind_models(t, layout, p0.chunk_log(), p0.part_vars(), models, claims);
    std::vector<const WhirProverData*> ptrs;
    for (const auto& w : wpds) ptrs.push_back(&w);
    batch = Whir::open_batch(ptrs, points, values, t);
  } else {
    // Streamed (commit/detail/model_open_stream.hpp): tables from the sources, rows and
    // paths from the codeword files and caps.
    std::vector<model_detail::StreamPoly> polys;
    for (std::size_t k = 0; k < models; ++k)
      for (std::size_t q = 0; q < parts; ++q)
        polys.push_back({sources[k], static_cast<std::uint64_t>(q) << p0.part_vars(), pds[k]->codeword_path(q),
                         &pds[k]->cap(q)});
    std::vector<model_detail::TensorPoint> tps;
    for (const auto& cl : claims) {
      const ModelTensor& x = layout.tensor(cl.tensor);
      tps.push_back({x.offset & ((std::uint64_t{1} << p0.part_vars()) - 1), x.log_size, cl.point});
    }
    model_detail::StreamedModelFirstIteration first(pp, p0.chunk_log(), std::move(polys), std::move(tps));
    // The claimed values; the parts that do not hold a claim's tensor are evaluated on
    // the tensor's block (a wrong claimed value surfaces in the first sumcheck round).
    if (parts > 1) values = first.claim_values();
    for (std::size_t k = 0; k < models; ++k)
      for (std::size_t l = 0; l < m; ++l) values[k * parts + part_of[l]][l] = claims[l].values[k];
    clock.lap("model open/claim values");
    model_detail::bind_models(t, layout, p0.chunk_log(), p0.part_vars(), models, claims);
    batch = Whir::open_batch_with(first, pp, roots, points, values, t);
  }
  clock.lap("model open/whir");
  ByteWriter w;
  w.u32(kModelProofMagic);
  w.u16(kModelProofVersion);
  w.u32(static_cast<std::uint32_t>(models));
  w.u32(static_cast<std::uint32_t>(parts));
  w.u32(static_cast<std::uint32_t>(m));
  for (std::size_t k = 0; k < models; ++k)
    for (std::size_t q = 0; q < parts; ++q)
      for (std::size_t l = 0; l < m; ++l)
        if (q != part_of[l]) w.field<E>(values[k * parts + q][l]);
  w.bytes(batch);
  return std::move(w).take();
}

// Checks a proof from open_models. params: as given to commit_model_parts (num_vars =
// n). ArgumentError if params.num_vars is not the layout's n; DecodeError on malformed
// bytes (truncation, trailing bytes, counts other than the verifier's, non-canonical
// elements, or inside the batch proof); VerifyError on commitments that do not fit the
// layout or parameters, a malformed claim, or a failed check.
inline void verify_models(const WhirParams& params, const ModelLayout& layout, std::span<const ModelCommitment> coms,
                          std::span<const ModelMultiClaim> claims, std::span<const std::uint8_t> proof, Transcript& t) {
  using E = GoldilocksExt2;
  if (params.num_vars != layout.num_vars())
    throw ArgumentError("verify_models: params.num_vars = " + std::to_string(params.num_vars) + ", the layout has n = " +
                        std::to_string(layout.num_vars()));
  if (coms.empty() || coms.size() > kModelMaxModels) throw VerifyError("model: 1 … 32 models");
  const ModelCommitment& com = coms[0];
  const unsigned n = layout.num_vars(), np = com.part_vars;
  for (const auto& c : coms) {
    if (c.num_vars != n)
      throw VerifyError("model: a commitment has n = " + std::to_string(c.num_vars) + ", the layout " + std::to_string(n));
    if (c.part_vars != np || c.chunk_log != com.chunk_log || c.parts.size() != com.parts.size())
      throw VerifyError("model: the commitments are cut into different parts");
  }
  if (np > n || n - np > kModelMaxPartsLog || com.parts.size() != (std::size_t{1} << (n - np)))
    throw VerifyError("model: the commitment's parts (" + std::to_string(com.parts.size()) + " of 2^" +
                      std::to_string(np) + ") do not cover 2^" + std::to_string(n) + " entries");
  if (np + params.log_inv_rate > Goldilocks::kTwoAdicity)
    throw VerifyError("model: parts of 2^" + std::to_string(np) + " entries exceed the 2-adicity at R = " +
                      std::to_string(params.log_inv_rate));
  if (com.chunk_log > np) throw VerifyError("model: the chunk log exceeds n_part");
  const WhirParams pp = model_part_params(params, np);
  pp.validate();
  try {
    layout.check_part_vars(np);
  } catch (const ArgumentError& e) {
    throw VerifyError(std::string("model: ") + e.what());
  }
  const std::size_t parts = com.parts.size(), m = claims.size(), models = coms.size();
  std::vector<std::vector<E>> points;
  std::vector<std::size_t> part_of;
  model_detail::claim_points(layout, np, com.chunk_log, claims, models, points, part_of,
                             [](const std::string& msg) { throw VerifyError("model: " + msg); });
  model_detail::bind_models(t, layout, com.chunk_log, np, models, claims);
  ByteReader r(proof, "model proof");
  r.expect_u32(kModelProofMagic, "magic");
  r.expect_u16(kModelProofVersion, "version");
  if (r.u32() != models) r.fail("the model count differs from the verifier's");
  if (r.u32() != parts) r.fail("the part count differs from the commitment's");
  if (r.u32() != m) r.fail("the point count differs from the verifier's claims");
  std::vector<std::vector<E>> values(models * parts, std::vector<E>(m, E::zero()));
  std::vector<WhirCommitment> roots;
  for (std::size_t k = 0; k < models; ++k)
    for (std::size_t q = 0; q < parts; ++q) {
      roots.push_back(coms[k].parts[q]);
      for (std::size_t l = 0; l < m; ++l)
        values[k * parts + q][l] = q == part_of[l] ? claims[l].values[k] : r.field<E>("part value");
    }
  Whir::verify_batch(pp, roots, points, values, proof.subspan(r.position()), t);
}

// One model: open_models / verify_models with a single model (ModelClaim's value).
inline std::vector<std::uint8_t> open_model(const ModelPartsProverData& pd, ModelSource& source,
                                            std::span<const ModelClaim> claims, Transcript& t) {
  std::vector<ModelMultiClaim> mc;
  for (const auto& c : claims) mc.push_back({c.tensor, c.point, {c.value}});
  const ModelPartsProverData* pds[1] = {&pd};
  ModelSource* srcs[1] = {&source};
  return open_models(pds, srcs, mc, t);
}
inline void verify_model(const WhirParams& params, const ModelLayout& layout, const ModelCommitment& com,
                         std::span<const ModelClaim> claims, std::span<const std::uint8_t> proof, Transcript& t) {
  std::vector<ModelMultiClaim> mc;
  for (const auto& c : claims) mc.push_back({c.tensor, c.point, {c.value}});
  verify_models(params, layout, std::span<const ModelCommitment>(&com, 1), mc, proof, t);
}

}  // namespace vtensor
