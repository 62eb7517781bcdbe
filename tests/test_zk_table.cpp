// Tables inside hiding commitments (commit/zk_table.hpp): the extended table and full
// point agree with the commitment, malformed tables are refused, and a prover refuses
// claims that would outnumber the random values masking them (a one-entry table, or a
// claim at Boolean coordinates that leaves a small slice).
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/commit/zk_table.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {
WhirParams base_params() { return test::zk_params(); }
}  // namespace

TEST_CASE("zk table: extended tables and full points agree with the commitment") {
  std::mt19937_64 rng(130);
  const ZkBundle b(base_params(), {test::random_fps(rng, 64), test::random_fps(rng, 8), test::random_fps(rng, 16)}, 2);
  for (std::size_t i = 0; i < b.size(); ++i) {
    const auto& t = b.table(i);
    const auto ext = t.extended();
    CHECK(ext.size() == (std::size_t{1} << t.ext_vars()));
    const auto r = test::random_exts(rng, t.ext_vars());
    CHECK(mle_evaluate<E, F>(ext, r) == mle_evaluate<E, F>(t.pd->table, t.full_point(r)));
  }
  // The verifier's view places the tables identically.
  const unsigned vars[3] = {6, 3, 4};
  const auto v = ZkBundle::tables_of(base_params(), vars, b.commitment(), 2);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(v[i].offset == b.table(i).offset);
    CHECK(v[i].params.encode() == b.table(i).params.encode());
  }
}

TEST_CASE("zk table: malformed tables are refused") {
  std::mt19937_64 rng(131);
  const ZkBundle b(base_params(), {test::random_fps(rng, 64), test::random_fps(rng, 8)}, 2);
  ZkTable t = b.table(1);
  t.offset += 1;  // not aligned to its size
  CHECK_THROWS_AS(t.extended(), ArgumentError);
  t = b.table(1);
  t.offset = std::uint64_t{1} << t.params.num_vars;  // outside the real table
  CHECK_THROWS_AS(t.full_point(test::random_exts(rng, t.ext_vars())), ArgumentError);
  t = b.table(1);
  t.vars = t.params.num_vars + 1;
  CHECK_THROWS_AS(t.extended(), ArgumentError);
  t = b.table(1);
  t.params.security_bits += 1;  // not the prover's data's parameters
  CHECK_THROWS_AS(t.extended(), ArgumentError);
  ZkOpeningsVerifier v;
  t = b.table(1);
  t.offset += 1;
  CHECK_THROWS_AS(v.add(t, test::random_exts(rng, t.ext_vars()), E::zero()), VerifyError);
}

TEST_CASE("zk table: claims beyond a slice's random values are refused by the prover") {
  std::mt19937_64 rng(132);
  // A one-entry table: its slice holds 2^0·(2^e − 1) random values.
  const ZkBundle b(base_params(), {test::random_fps(rng, 1024), test::random_fps(rng, 1)}, 2);
  const auto& one = b.table(1);
  const double cap = std::exp2(static_cast<double>(one.mask_vars())) - 1.0;
  ZkOpenings open;
  std::size_t ok = 0;
  for (int i = 0; i < 64; ++i) {
    try {
      open.add(one, test::random_exts(rng, one.ext_vars()));
      ++ok;
    } catch (const ArgumentError&) {
      break;
    }
  }
  CHECK(static_cast<double>(2 * ok) <= cap);
  CHECK(static_cast<double>(2 * (ok + 1)) > cap);
  // Boolean coordinates fix a slice: on the 1024-entry table, claims with all ten
  // local coordinates Boolean are masked by 2^0·(2^e − 1) values only.
  const auto& big = b.table(0);
  ZkOpenings o2;
  std::size_t n2 = 0;
  for (int i = 0; i < 64; ++i) {
    auto r = test::random_exts(rng, big.ext_vars());
    for (unsigned j = 0; j < big.vars; ++j) r[j] = E::zero();
    try {
      o2.add(big, r);
      ++n2;
    } catch (const ArgumentError&) {
      break;
    }
  }
  CHECK(static_cast<double>(2 * (n2 + 1)) > std::exp2(static_cast<double>(big.mask_vars())) - 1.0);
  // Random coordinates: many claims fit.
  ZkOpenings o3;
  for (int i = 0; i < 16; ++i) CHECK_NOTHROW(o3.add(big, test::random_exts(rng, big.ext_vars())));
}
