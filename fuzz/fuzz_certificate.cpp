// libFuzzer target: the drift certificate (docs/certificate-format.md). The first input
// byte selects the subject:
//   even: Certificate::decode on the rest — a DecodeError, or a certificate that
//         re-encodes to exactly the input;
//   odd:  smdp::verify of the rest against a small fixed statement (a model pair proven
//         once at start-up, with every constraint class present) — a DecodeError or a
//         VerifyError, or acceptance of exactly the valid certificate.
// Any other exception, or an empty message, is a finding.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>

#include "fuzz_common.hpp"
#include "vtensor/smdp.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

namespace {

struct Fixture {
  std::unique_ptr<MemoryModelSource> base, tuned;
  std::unique_ptr<ModelPartsProverData> pb, pt;
  smdp::Statement st;
  Bytes valid;
};

Fixture& fixture() {
  static Fixture fx = [] {
    Fixture f;
    const ModelLayout layout(std::vector<ModelTensorSpec>{{"q", 0, {4, 4}}, {"s", 0, {2, 4}}, {"b", 0, {8}}, {"f", 0, {3, 3}}});
    std::mt19937_64 rng(5);
    std::vector<std::vector<Goldilocks>> b, t;
    std::vector<std::int64_t> u{1, -2, 0, 3}, v{2, 1, -1, 0};
    for (const auto& x : layout.tensors()) {
      std::vector<Goldilocks> bv(x.numel), tv;
      for (auto& e : bv) e = Goldilocks::from_i64(static_cast<std::int64_t>(rng() % 1000) - 500);
      tv = bv;
      if (x.name == "q")
        for (int i = 0; i < 4; ++i)
          for (int j = 0; j < 4; ++j) tv[4 * i + j] += Goldilocks::from_i64(u[i] * v[j]);
      if (x.name == "s") tv[5] += Goldilocks::from_i64(2);
      if (x.name == "b") tv[1] -= Goldilocks::one();
      b.push_back(bv);
      t.push_back(tv);
    }
    f.base = std::make_unique<MemoryModelSource>(layout, b);
    f.tuned = std::make_unique<MemoryModelSource>(layout, t);
    WhirParams p{layout.num_vars(), 2, 4, 4, 100};
    ModelCommitOptions o;
    o.dir = std::filesystem::temp_directory_path();
    o.chunk_log = 3;
    f.pb = std::make_unique<ModelPartsProverData>(commit_model_parts(p, *f.base, o));
    f.pt = std::make_unique<ModelPartsProverData>(commit_model_parts(p, *f.tuned, o));
    const auto policy = smdp::Policy::from_json(R"({"vtensor_policy": 1, "rules": [
      {"tensors": "q", "low_rank": {"rank": 1, "factor_bits": 3}},
      {"tensors": "s", "sparse": {"max_nonzeros": 1}, "entry": {"max": 2}},
      {"tensors": "b", "norm": {"max": 2}, "projection": {"max": 2, "projections": 4}}]})");
    smdp::ProveOptions opt;
    opt.factors["q"] = {u, v};
    f.valid = smdp::prove({f.base.get(), f.pb.get()}, {f.tuned.get(), f.pt.get()}, policy, opt).encode();
    f.st = smdp::statement(layout, p, f.pb->commitment(), f.pt->commitment(), 0, policy);
    return f;
  }();
  return fx;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Fixture& f = fixture();
  smdp::verify(f.st, f.valid);  // the fixture itself must verify
  // VTENSOR_FUZZ_SEED_DIR=<dir>: write the valid certificate behind each selector byte as
  // seeds (the certificate depends on the temporary codeword files' roots, so the seeds
  // are made by the target itself, not committed).
  if (const char* dir = std::getenv("VTENSOR_FUZZ_SEED_DIR")) {
    for (std::uint8_t sel : {0, 1}) {
      std::ofstream out(std::filesystem::path(dir) / ("seed-" + std::to_string(sel)), std::ios::binary);
      out.put(static_cast<char>(sel));
      out.write(reinterpret_cast<const char*>(f.valid.data()), static_cast<std::streamsize>(f.valid.size()));
    }
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::span<const std::uint8_t> raw(data + 1, size - 1);
  Fixture& f = fixture();
  try {
    if (data[0] % 2 == 0) {
      const auto c = Certificate::decode(raw);
      if (c.encode() != Bytes(raw.begin(), raw.end())) finding("Certificate::decode accepted non-canonical bytes", raw);
    } else {
      smdp::verify(f.st, raw);
      if (Bytes(raw.begin(), raw.end()) != f.valid) finding("smdp::verify accepted a certificate other than the valid one", raw);
    }
  } catch (const DecodeError& e) {
    if (std::string(e.what()).empty()) finding("DecodeError with an empty message", raw);
  } catch (const VerifyError& e) {
    if (std::string(e.what()).empty()) finding("VerifyError with an empty message", raw);
  }
  return 0;
}
