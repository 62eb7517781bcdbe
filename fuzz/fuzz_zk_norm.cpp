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
#include "../tests/zk_norm_fixture.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

namespace {
test::ZkNormFixture& fixture() {
  static test::ZkNormFixture fx = test::make_zk_norm_fixture();
  return fx;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  test::ZkNormFixture& f = fixture();
  f.verify(f.valid);  // the fixture itself must verify
  if (const char* dir = std::getenv("VTENSOR_FUZZ_SEED_DIR")) {
    std::ofstream out(std::filesystem::path(dir) / "seed-valid", std::ios::binary);
    out.write(reinterpret_cast<const char*>(f.valid.data()), static_cast<std::streamsize>(f.valid.size()));
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);
  test::ZkNormFixture& f = fixture();
  try {
    f.verify(raw);
    if (Bytes(raw.begin(), raw.end()) != f.valid) finding("verify_zk_norm accepted a proof other than the valid one", raw);
  } catch (const DecodeError& e) {
    if (std::string(e.what()).empty()) finding("DecodeError with an empty message", raw);
  } catch (const VerifyError& e) {
    if (std::string(e.what()).empty()) finding("VerifyError with an empty message", raw);
  }
  return 0;
}
