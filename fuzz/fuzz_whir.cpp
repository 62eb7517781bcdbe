// libFuzzer target: the WHIR proof decoder and verifier (Whir::verify_many, and
// Whir::verify_batch for several commitments) on the fixed subjects of
// fuzz_whir_common.hpp (docs/fuzzing.md). Input: u8 selector ‖ proof bytes.
// Selector bits 0–6 pick the subject (mod 5); bit 7 makes the statement false (the
// first claimed value plus one), so that every proof must be rejected.
// Findings: an exception other than a vtensor::Error, an empty error message,
// accepting bytes other than the honest proof, or accepting anything for a false
// claim (and the sanitizers' reports).
#include <algorithm>

#include "fuzz_whir_common.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  self_check_whir();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);  // what findings print
  if (size < 1) return 0;
  const auto& all = whir_subjects();
  const WhirSubject& s = all[(data[0] & 0x7f) % all.size()];
  const bool false_claim = (data[0] & 0x80) != 0;
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  const bool ok = guarded(raw, [&] {
    s.verify(in, false_claim);
    return true;
  });
  if (!ok) return 0;
  if (false_claim) finding(("WHIR accepted a proof of a false claim for " + s.name).c_str(), raw);
  if (!std::equal(in.begin(), in.end(), s.proof.begin(), s.proof.end()))
    finding(("WHIR accepted a proof other than the honest one for " + s.name).c_str(), raw);
  return 0;
}
