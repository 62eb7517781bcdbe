// Zero-knowledge low-rank block (proofs/drift/zk_low_rank.hpp) on two hiding "models":
// a rank-r update verifies, with and without a bounded residual; a full-rank update, a
// rank r+1 update claimed r, factors outside their bound and a residual over its bound
// are rejected.
#include <doctest/doctest.h>

#include <random>

#include "test_util.hpp"
#include "vtensor/proofs/drift/zk_low_rank.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

WhirParams base_params() { return test::zk_params(); }
constexpr unsigned kRowVars = 3, kColVars = 3;
constexpr std::size_t kRows = 8, kCols = 8;

struct Case {
  std::vector<std::int64_t> base, tuned, u, v;  // u: rows × r, v: r × cols
};

std::vector<std::int64_t> rnd(std::mt19937_64& rng, std::size_t n, std::int64_t bound) {
  std::vector<std::int64_t> x(n);
  for (auto& e : x) e = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * bound + 1)) - bound;
  return x;
}

// tuned = base + u·v (+ residual in [−res, res]).
Case make(std::mt19937_64& rng, std::size_t r, std::int64_t res = 0) {
  Case c;
  c.base = rnd(rng, kRows * kCols, 1000);
  c.u = rnd(rng, kRows * r, 7);
  c.v = rnd(rng, r * kCols, 7);
  c.tuned = c.base;
  for (std::size_t i = 0; i < kRows; ++i)
    for (std::size_t j = 0; j < kCols; ++j) {
      std::int64_t d = 0;
      for (std::size_t k = 0; k < r; ++k) d += c.u[i * r + k] * c.v[k * kCols + j];
      if (res > 0) d += static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(2 * res + 1)) - res;
      c.tuned[j + kCols * i] += d;
    }
  return c;
}

std::vector<F> fields(const std::vector<std::int64_t>& x) {
  std::vector<F> out;
  for (auto e : x) out.push_back(F::from_i64(e));
  return out;
}

drift::ZkLowRankStatement statement(const ZkTable& b, const ZkTable& t, std::uint64_t rank, unsigned res_bits) {
  drift::ZkLowRankStatement s;
  s.terms = {t, b};
  s.coeffs = {F::one(), -F::one()};
  s.row_vars = kRowVars;
  s.col_vars = kColVars;
  s.rank = rank;
  s.factor_bits = 4;  // |U|, |V| < 8
  s.residual_bits = res_bits;
  s.base = base_params();
  return s;
}

Transcript bound(const WhirCommitment& b, const WhirCommitment& t) {
  return test::pair_transcript("test/zk-low-rank", b.root, t.root);
}

struct Proven {
  WhirCommitment base, tuned;
  std::vector<std::uint8_t> proof;
};

Proven prove(const Case& c, std::uint64_t rank, unsigned res_bits) {
  const ZkBundle b(base_params(), {fields(c.base)}, 2), t(base_params(), {fields(c.tuned)}, 2);
  const auto s = statement(b.table(0), t.table(0), rank, res_bits);
  Transcript tr = bound(b.commitment(), t.commitment());
  ByteWriter w;
  ZkOpenings open;
  drift::prove_zk_low_rank_with(tr, s, c.u, c.v, open, w);
  open.prove(tr, w);
  return {b.commitment(), t.commitment(), std::move(w).take()};
}
Proven cheat(const Case& c, std::uint64_t rank, unsigned res_bits) {
  testing::CheatingProver guard;
  return prove(c, rank, res_bits);
}

bool accepts(const Proven& p, std::uint64_t rank, unsigned res_bits) {
  const unsigned vars[1] = {kRowVars + kColVars};
  const auto bt = ZkBundle::tables_of(base_params(), vars, p.base, 2);
  const auto tt = ZkBundle::tables_of(base_params(), vars, p.tuned, 2);
  const auto s = statement(bt[0], tt[0], rank, res_bits);
  Transcript tr = bound(p.base, p.tuned);
  return test::verifies([&] {
    ByteReader rd(p.proof, "zk low rank proof");
    ZkOpeningsVerifier open;
    drift::verify_zk_low_rank_with(tr, s, open, rd);
    open.verify(tr, rd);
    rd.finish();
  });
}

}  // namespace

TEST_CASE("zk low rank: rank-r updates verify, with and without a bounded residual") {
  std::mt19937_64 rng(110);
  for (std::size_t r : {1u, 2u, 3u}) {
    CAPTURE(r);
    const auto c = make(rng, r);
    const auto p = prove(c, r, 0);
    CHECK(accepts(p, r, 0));
    CHECK_FALSE(accepts(p, r + 1, 0));  // another statement
    CHECK_FALSE(accepts(Proven{p.tuned, p.base, p.proof}, r, 0));
  }
  const auto c = make(rng, 2, 1);  // a ±1 residual: 2 bits (|E| < 2)
  const auto p = prove(c, 2, 2);
  CHECK(accepts(p, 2, 2));
  CHECK_FALSE(accepts(p, 2, 0));
  CHECK_THROWS_AS(prove(c, 2, 0), ArgumentError);  // no residual allowed: the honest prover refuses
}

TEST_CASE("zk low rank: full rank, rank r+1, factors or residual out of bound are rejected") {
  std::mt19937_64 rng(111);
  {  // a full-rank update (random small entries), claimed rank 2 with the best small guess: zero factors
    auto c = make(rng, 2);
    const auto d = rnd(rng, kRows * kCols, 5);
    for (std::size_t i = 0; i < d.size(); ++i) c.tuned[i] = c.base[i] + d[i];
    c.tuned[0] = c.base[0] + 5;
    std::fill(c.u.begin(), c.u.end(), 0);
    std::fill(c.v.begin(), c.v.end(), 0);
    CHECK_THROWS_AS(prove(c, 2, 0), ArgumentError);
    CHECK_FALSE(accepts(cheat(c, 2, 0), 2, 0));
    CHECK_FALSE(accepts(cheat(c, 2, 3), 2, 3));  // nor with a residual of 3 bits (|E| < 4): an entry is 5
    CHECK(accepts(prove(c, 2, 4), 2, 4));        // with 4 bits (|E| < 8) the statement is true
  }
  {  // rank 3 claimed rank 2: the first two components supplied
    const auto c3 = make(rng, 3);
    Case c = c3;
    c.u.clear();
    c.v.clear();
    for (std::size_t i = 0; i < kRows; ++i)
      for (std::size_t k = 0; k < 2; ++k) c.u.push_back(c3.u[i * 3 + k]);
    for (std::size_t k = 0; k < 2; ++k)
      for (std::size_t j = 0; j < kCols; ++j) c.v.push_back(c3.v[k * kCols + j]);
    CHECK_THROWS_AS(prove(c, 2, 0), ArgumentError);
    CHECK_FALSE(accepts(cheat(c, 2, 0), 2, 0));
  }
  {  // a factor entry of 8 with |U| < 8 required
    auto c = make(rng, 1);
    c.u[0] = 8;
    for (std::size_t j = 0; j < kCols; ++j) c.tuned[j] = c.base[j] + 8 * c.v[j];
    CHECK_THROWS_AS(prove(c, 1, 0), ArgumentError);
    CHECK_FALSE(accepts(cheat(c, 1, 0), 1, 0));
  }
  {  // factors that multiply out mod p but not over ℤ: u = 2^40 entries
    auto c = make(rng, 1);
    c.u[0] = std::int64_t{1} << 40;
    CHECK_FALSE(accepts(cheat(c, 1, 0), 1, 0));
  }
  {  // control: the cheating prover on a true statement
    const auto c = make(rng, 2);
    CHECK(accepts(cheat(c, 2, 0), 2, 0));
  }
}

TEST_CASE("zk low rank: mutated bytes are rejected") {
  std::mt19937_64 rng(112);
  const auto c = make(rng, 2, 1);
  const auto p = prove(c, 2, 2);
  REQUIRE(accepts(p, 2, 2));
  std::vector<std::size_t> bad;
  for (std::size_t pos = 0; pos < p.proof.size(); pos += 173) {
    auto x = p;
    x.proof[pos] ^= 0x02;
    if (accepts(x, 2, 2)) bad.push_back(pos);
  }
  CHECK_MESSAGE(bad.empty(), "mutations accepted, first at byte " << (bad.empty() ? 0 : bad[0]));
}
