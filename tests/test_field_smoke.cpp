#include <doctest/doctest.h>
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/concepts.hpp"
using namespace vtensor;
static_assert(Field<Goldilocks>);
static_assert(Field<GoldilocksExt2>);
static_assert(ExtensionOf<GoldilocksExt2, Goldilocks>);
TEST_CASE("field smoke") {
  auto a = Goldilocks::from_u64(123456789), b = Goldilocks::from_i64(-5);
  CHECK((a * a.inverse()) == Goldilocks::one());
  CHECK((b + Goldilocks::from_u64(5)).is_zero());
  GoldilocksExt2 e{a, b};
  CHECK(e * e.inverse() == GoldilocksExt2::one());
}
