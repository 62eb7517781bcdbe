// The main job: a drift certificate for a fine-tuned transformer block, end to end.
//
//   model:    one transformer layer of width 1024 (q, k, v, o projections 1024×1024, an MLP
//             of 4096×1024 and 1024×4096, biases and norms) plus an embedding, float32,
//             about 13 M parameters
//   tuning:   a rank-8 LoRA update merged into q and v (in float32, then quantized: the
//             merge leaves a rounding residual), the biases of q and v nudged, the rest
//             untouched
//   policy:   low rank ≤ 8 (16-bit factors, residual ≤ 2 units) on q and v, a norm bound on
//             their biases, everything else frozen
//   prover:   quantize both checkpoints (scale 2^16), commit each (streamed WHIR
//             commitments: what a verifier holds), prove, write the certificate file
//   verifier: reads the statement (commitments, layout, policy, scale) and the file only
//
// Usage: demo [certificate path] (default demo_certificate.bin).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "vtensor/smdp.hpp"
#include "vtensor/tensor/quantize.hpp"

using namespace vtensor;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

struct FloatTensor {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::vector<float> base, tuned;
};

const char* kPolicy = R"({"vtensor_policy": 1, "rules": [
  {"tensors": ["layer.attn.q.weight", "layer.attn.v.weight"],
   "low_rank": {"rank": 8, "factor_bits": 16, "residual_max": 0.00003}},
  {"tensors": ["layer.attn.q.bias", "layer.attn.v.bias"], "norm": {"max": 0.01}}
]})";

}  // namespace

int main(int argc, char** argv) {
  const std::string cert_path = argc > 1 ? argv[1] : "demo_certificate.bin";
  const int scale = 16;
  const std::size_t d = 1024, ff = 4096, r = 8;
  std::printf("vtensor %u.%u.%u demo: a drift certificate for a LoRA fine-tune of a transformer layer\n", kVersionMajor,
              kVersionMinor, kVersionPatch);

  // ---- the checkpoints (float32) --------------------------------------------------------
  auto t0 = Clock::now();
  std::mt19937_64 rng(2026);
  std::normal_distribution<float> g(0.f, 0.02f);
  std::vector<FloatTensor> ts;
  ts.reserve(16);  // add() hands out references
  auto add = [&](std::string name, std::vector<std::uint64_t> shape) -> FloatTensor& {
    std::uint64_t n = 1;
    for (auto x : shape) n *= x;
    FloatTensor t{std::move(name), std::move(shape), std::vector<float>(n), {}};
    for (auto& x : t.base) x = g(rng);
    t.tuned = t.base;
    ts.push_back(std::move(t));
    return ts.back();
  };
  add("embed.weight", {2048, d});
  std::map<std::string, smdp::LowRankFactors> factors;
  for (const char* p : {"q", "k", "v", "o"}) {
    auto& w = add(std::string("layer.attn.") + p + ".weight", {d, d});
    auto& b = add(std::string("layer.attn.") + p + ".bias", {d});
    if (*p != 'q' && *p != 'v') continue;
    // LoRA: W' = W + B·A with B (d×r), A (r×d) on an 8-bit grid of 2^-8 steps, so the
    // product sits on the 2^-16 grid; merged in float32 (which may round).
    std::uniform_int_distribution<int> small(-40, 40);
    std::vector<std::int64_t> bq(d * r), aq(r * d);
    for (auto& x : bq) x = small(rng);
    for (auto& x : aq) x = small(rng);
    for (std::size_t i = 0; i < d; ++i)
      for (std::size_t j = 0; j < d; ++j) {
        std::int64_t acc = 0;
        for (std::size_t k = 0; k < r; ++k) acc += bq[i * r + k] * aq[k * d + j];
        w.tuned[i * d + j] = w.base[i * d + j] + static_cast<float>(std::ldexp(static_cast<double>(acc), -2 * 8));
      }
    factors[w.name] = {bq, aq};  // U·V = round(B·A·2^16) exactly: the witness of the low-rank claim
    for (auto& x : b.tuned) x += 1e-4f * static_cast<float>(small(rng)) / 40.f;
  }
  add("layer.attn.norm.weight", {d});
  add("layer.mlp.up.weight", {ff, d});
  add("layer.mlp.down.weight", {d, ff});
  add("layer.mlp.norm.weight", {d});
  std::uint64_t params = 0;
  for (const auto& t : ts) params += t.base.size();
  std::printf("  checkpoints: %zu tensors, %.1f M parameters each (float32), made in %.0f ms\n", ts.size(),
              static_cast<double>(params) / 1e6, ms_since(t0));

  // ---- quantize and commit (what the verifier will hold) ---------------------------------
  t0 = Clock::now();
  const QuantizeSpec spec{scale, 30};
  std::vector<ModelTensorSpec> specs;
  std::vector<std::vector<Goldilocks>> qb, qt;
  for (const auto& t : ts) {
    specs.push_back({t.name, 0, t.shape});
    qb.push_back(quantize(std::span<const float>(t.base), spec, t.name));
    qt.push_back(quantize(std::span<const float>(t.tuned), spec, t.name));
  }
  const ModelLayout layout(specs);
  MemoryModelSource base_src(layout, std::move(qb)), tuned_src(layout, std::move(qt));
  const double t_quant = ms_since(t0);
  t0 = Clock::now();
  // Johnson-bound WHIR, rate 1/8, folding 4, 20 bits of query grinding, 100 bits
  const WhirParams wp = model_whir_params(layout.num_vars());
  ModelCommitOptions copt;
  copt.dir = std::filesystem::temp_directory_path();
  const auto base = commit_model_parts(wp, base_src, copt);
  const auto tuned = commit_model_parts(wp, tuned_src, copt);
  const double t_commit = ms_since(t0);
  std::printf("  quantized (scale 2^%d) in %.0f ms; both committed (2^%u padded entries each) in %.0f ms\n", scale, t_quant,
              layout.num_vars(), t_commit);

  // ---- prover ------------------------------------------------------------------------------
  const auto policy = smdp::Policy::from_json(kPolicy);
  smdp::ProveOptions opt;
  opt.scale_log2 = scale;
  opt.factors = factors;
  t0 = Clock::now();
  std::vector<std::uint8_t> bytes;
  try {
    bytes = smdp::prove({&base_src, &base}, {&tuned_src, &tuned}, policy, opt).encode();
  } catch (const Error& e) {
    std::fprintf(stderr, "prover refused: %s\n", e.what());
    return 1;
  }
  const double t_prove = ms_since(t0);
  std::ofstream(cert_path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  std::printf("  prove: %.0f ms (%d threads); certificate: %zu bytes -> %s\n", t_prove, detail::max_threads(),
              bytes.size(), cert_path.c_str());

  // ---- verifier: the statement it holds, and the file ------------------------------------
  std::ifstream in(cert_path, std::ios::binary);
  const std::vector<std::uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto st = smdp::statement(layout, wp, base.commitment(), tuned.commitment(), scale, policy);
  t0 = Clock::now();
  smdp::VerifiedCertificate ok;
  try {
    ok = smdp::verify(st, file);
  } catch (const Error& e) {
    std::fprintf(stderr, "REJECTED: %s\n", e.what());
    return 1;
  }
  const double t_verify = ms_since(t0);
  std::printf("  verify: %.2f ms -> ACCEPTED (100-bit soundness, docs/security.md)\n", t_verify);
  std::printf("  verdicts:\n");
  for (std::size_t t = 0; t < layout.size(); ++t) {
    const auto& v = ok.certificate.verdicts[t];
    std::printf("    %-26s ", layout.tensor(t).name.c_str());
    if (v.mask & kVerdictFrozen) std::printf("frozen (unchanged)");
    if (v.mask & kVerdictLowRank)
      std::printf("rank <= %u + residual <= %llu units (factors of %u bits)", v.rank,
                  static_cast<unsigned long long>(v.residual), v.factor_bits);
    if (v.mask & kVerdictNorm)
      std::printf("||dW||_F = %.6g <= %.6g (exact)", std::sqrt(static_cast<double>(*v.norm_sq)) / std::ldexp(1.0, scale),
                  std::sqrt(static_cast<double>(v.norm_bound_sq)) / std::ldexp(1.0, scale));
    std::printf("\n");
  }
  return 0;
}
