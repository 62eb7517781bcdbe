// libFuzzer target: verify_hadamard for sizes 1, 2, 5 and 16 (docs/fuzzing.md).
// Input: u8 statement selector ‖ proof bytes. Accepting (verify_hadamard returns
// and its three claims hold on A, B, C) anything but the statement's valid proof
// is a finding.
#include <algorithm>

#include "fuzz_common.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  self_check_hadamard();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);  // what findings print
  if (size < 1) return 0;
  const auto& all = hadamard_fixtures();
  const HadamardFixture& fx = all[data[0] % all.size()];
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  const bool ok = guarded(raw, [&] { return fx.accept(in); });
  if (ok && !std::equal(in.begin(), in.end(), fx.proof.begin(), fx.proof.end()))
    finding("verify_hadamard accepted a proof other than the valid one", raw);
  return 0;
}
