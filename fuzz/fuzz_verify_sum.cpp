// libFuzzer target: verify_sum for ProductOf<2> and Square, with and without an eq
// point, n = 0, 2, 4 (docs/fuzzing.md). Input: u8 statement selector ‖ proof bytes.
// Accepting (verify_sum returns and its claims hold on the tables) anything but
// the statement's valid proof is a finding.
#include <algorithm>

#include "fuzz_common.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  self_check_sum();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);  // what findings print
  if (size < 1) return 0;
  const auto& all = sum_fixtures();
  const SumFixture& fx = all[data[0] % all.size()];
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  const bool ok = guarded(raw, [&] { return fx.accept(fx, in); });
  if (ok && !std::equal(in.begin(), in.end(), fx.proof.begin(), fx.proof.end()))
    finding(("verify_sum accepted a proof other than the valid one for " + fx.name).c_str(), raw);
  return 0;
}
