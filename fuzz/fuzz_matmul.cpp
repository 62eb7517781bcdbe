// libFuzzer target: verify_matmul for 1x1x1, 2x1x3, 3x5x2 and 4x8x4 products
// (docs/fuzzing.md). Input: u8 statement selector ‖ proof bytes. Accepting
// (verify_matmul returns and its three claims hold on A, B, C) anything but the
// statement's valid proof is a finding.
#include <algorithm>

#include "fuzz_common.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  self_check_matmul();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);  // what findings print
  if (size < 1) return 0;
  const auto& all = matmul_fixtures();
  const MatmulFixture& fx = all[data[0] % all.size()];
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  const bool ok = guarded(raw, [&] { return fx.accept(in); });
  if (ok && !std::equal(in.begin(), in.end(), fx.proof.begin(), fx.proof.end()))
    finding("verify_matmul accepted a proof other than the valid one", raw);
  return 0;
}
