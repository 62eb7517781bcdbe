// libFuzzer target: SumcheckProof<GoldilocksExt2>::from_bytes (docs/fuzzing.md).
// Input: u8 shape selector ‖ proof bytes. The selector picks the shape (n, D, k)
// the caller expects: one of the fixtures' shapes, the caps, just past them, or
// extremes (0, 2^32 - 1). Accepted bytes must have exactly that shape and
// re-encode to themselves.
#include <algorithm>

#include "fuzz_common.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  self_check_sum();
  (void)decoder_shapes();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> raw(data, size);  // what findings print
  if (size < 1) return 0;
  const auto& shapes = decoder_shapes();
  const Shape sh = shapes[data[0] % shapes.size()];
  const std::span<const std::uint8_t> in(data + 1, size - 1);
  Bytes re;
  const bool ok = guarded(raw, [&] {
    const auto p = SumcheckProof<E>::from_bytes(in, sh.n, sh.degree, sh.arity);
    if (p.num_vars() != sh.n || p.degree != sh.degree || p.finals.size() != sh.arity)
      finding("SumcheckProof::from_bytes returned a proof of another shape", raw);
    for (const auto& round : p.rounds)
      if (round.size() != std::size_t{sh.degree} + 1)
        finding("SumcheckProof::from_bytes: a round of the wrong length", raw);
    re = p.to_bytes();
    return true;
  });
  if (ok && !std::equal(re.begin(), re.end(), in.begin(), in.end()))
    finding("SumcheckProof::from_bytes accepted a non-canonical encoding", raw);
  return 0;
}
