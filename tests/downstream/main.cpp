// Downstream consumer: compiles against the installed (or add_subdirectory'd)
// vtensor with the consumer's own flags (no -mavx2), and links fmt only through
// vtensor::vtensor's usage requirements.
#include <vtensor/config.hpp>
#include <vtensor/field/goldilocks_ext2.hpp>
#include <vtensor/io/bytes.hpp>

#include <fmt/core.h>

int main() {
  using vtensor::Goldilocks;
  using vtensor::GoldilocksExt2;
  const GoldilocksExt2 x{Goldilocks::from_u64(3), Goldilocks::from_i64(-5)};
  const GoldilocksExt2 y = x * x.inverse();

  // Round-trip one element through the wire encoding.
  vtensor::ByteWriter w;
  w.field(x);
  vtensor::ByteReader r(w.data(), "downstream");
  const auto back = r.field<GoldilocksExt2>("x");
  r.finish();

  fmt::print("vtensor {}.{}.{}: (3 - 5X) * (3 - 5X)^-1 = {} + {} X, {} wire bytes\n",
             vtensor::kVersionMajor, vtensor::kVersionMinor, vtensor::kVersionPatch,
             y.c0().value(), y.c1().value(), w.size());
  return (y == GoldilocksExt2::one() && back == x) ? 0 : 1;
}
