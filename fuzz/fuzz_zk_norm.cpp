// libFuzzer target: the zero-knowledge norm proof (proofs/drift/zk_norm.hpp), which
// reads a zero-knowledge lookup, a zero-knowledge sumcheck and deferred hiding
// openings. The input is a proof, verified against a small fixed statement proven once
// at start-up: a DecodeError or a VerifyError, or acceptance of exactly the valid
// proof. Any other exception, or an empty message, is a finding. Hiding commitments
// draw fresh randomness, so the seed (the valid proof) is written by the target itself
// (VTENSOR_FUZZ_SEED_DIR=<dir>), not committed.
#include <cstdlib>
#include <memory>
#include <filesystem>
#include <fstream>

#include "fuzz_common.hpp"
#include "vtensor/proofs/drift/zk_norm.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

namespace {

struct Fixture {
  drift::ZkNormStatement st;
  std::shared_ptr<WhirProverData> pd;
  Bytes valid;
};

Transcript bound(const drift::ZkNormStatement& st) {
  Transcript t("fuzz/zk-norm", 1, GoldilocksExt2::kFieldId);
  t.absorb("delta", st.terms[0].com.root.bytes);
  t.seal_statement();
  return t;
}

Fixture& fixture() {
  static Fixture fx = [] {
    Fixture f;
    std::vector<Goldilocks> d(8);
    std::uint64_t S = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      const std::int64_t v = static_cast<std::int64_t>(i % 5) - 2;
      d[i] = Goldilocks::from_i64(v);
      S += static_cast<std::uint64_t>(v * v);
    }
    WhirParams p;
    p.num_vars = 3;
    p.security_bits = 24;
    p.final_vars = 2;
    p.hiding_openings = 2;
    f.st.entry_bits = 4;
    f.st.tau_sq = S + 3;
    f.st.base = p;
    f.st.base.hiding_openings = 0;
    auto [c, pd] = Whir::commit(p, d);
    f.pd = std::make_shared<WhirProverData>(std::move(pd));
    f.st.terms = {zk_table_of(p, c, f.pd.get())};
    f.st.coeffs = {Goldilocks::one()};
    Transcript t = bound(f.st);
    ByteWriter w;
    drift::prove_zk_norm(t, f.st, w);
    f.valid = std::move(w).take();
    return f;
  }();
  return fx;
}

void verify(const Fixture& f, std::span<const std::uint8_t> in) {
  Transcript t = bound(f.st);
  ByteReader rd(in, "zk norm proof");
  drift::verify_zk_norm(t, f.st, rd);
  rd.finish();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  Fixture& f = fixture();
  verify(f, f.valid);  // the fixture itself must verify
  if (const char* dir = std::getenv("VTENSOR_FUZZ_SEED_DIR")) {
    std::ofstream out(std::filesystem::path(dir) / "seed-valid", std::ios::binary);
    out.write(reinterpret_cast<const char*>(f.valid.data()), static_cast<std::streamsize>(f.valid.size()));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);
  Fixture& f = fixture();
  try {
    verify(f, raw);
    if (Bytes(raw.begin(), raw.end()) != f.valid) finding("verify_zk_norm accepted a proof other than the valid one", raw);
  } catch (const DecodeError& e) {
    if (std::string(e.what()).empty()) finding("DecodeError with an empty message", raw);
  } catch (const VerifyError& e) {
    if (std::string(e.what()).empty()) finding("VerifyError with an empty message", raw);
  }
  return 0;
}
