// Zero-knowledge LogUp over hiding-committed columns (lookup/zk_lookup.hpp): range
// checks that hold verify; an entry outside the table, wrong multiplicities, another
// statement and mutated bytes are rejected.
#include <doctest/doctest.h>

#include <memory>
#include <random>

#include "test_util.hpp"
#include "vtensor/lookup/zk_lookup.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

WhirParams hiding(unsigned n, unsigned lambda) { return test::zk_params(n, lambda, 2); }

struct Setup {
  ZkLookupStatement st;
  std::vector<std::unique_ptr<WhirProverData>> pds;  // stable addresses: the tables point at them
};

ZkTable commit_table(Setup& s, const std::vector<F>& values, unsigned lambda) {
  const auto p = hiding(log2_exact(values.size()), lambda);
  auto [c, pd] = Whir::commit(p, values);
  s.pds.push_back(std::make_unique<WhirProverData>(std::move(pd)));
  return zk_table_of(p, c, s.pds.back().get());
}

// Columns (each 2^na entries) looked up as Σ β_k A_k in the table 0 … 2^nt − 1;
// multiplicities counted honestly over the entries that are in the table.
Setup make(const std::vector<std::vector<F>>& columns, const std::vector<E>& beta, unsigned nt, unsigned lambda,
           const std::vector<std::int64_t>& mult_shift = {}) {
  Setup s;
  s.st.base = hiding(0, lambda);
  s.st.base.hiding_openings = 0;
  s.st.coeffs = beta;
  s.st.table.resize(std::size_t{1} << nt);
  for (std::size_t j = 0; j < s.st.table.size(); ++j) s.st.table[j] = F::from_u64(j);
  std::vector<std::uint64_t> m(s.st.table.size(), 0);
  for (std::size_t x = 0; x < columns[0].size(); ++x) {
    std::uint64_t a = 0;
    for (std::size_t c = 0; c < columns.size(); ++c)
      a += columns[c][x].value() * beta[c].c0().value();  // small coefficients in these tests
    if (a < m.size()) ++m[a];
  }
  std::vector<F> mf(m.size());
  for (std::size_t j = 0; j < m.size(); ++j)
    mf[j] = F::from_u64(m[j]) + (j < mult_shift.size() ? F::from_i64(mult_shift[j]) : F::zero());
  for (const auto& col : columns) s.st.columns.push_back(commit_table(s, col, lambda));
  s.st.mult = commit_table(s, mf, lambda);
  return s;
}

Transcript bound(const ZkLookupStatement& st) {
  Transcript t("test/zk-lookup", 1, E::kFieldId);
  for (const auto& c : st.columns) t.absorb("column", c.com.root.bytes);
  t.absorb("mult", st.mult.com.root.bytes);
  t.seal_statement();
  return t;
}

std::vector<std::uint8_t> prove(const Setup& s, const ZkLookupInverseEdit& edit = {}) {
  Transcript t = bound(s.st);
  ByteWriter w;
  ZkOpenings open;
  prove_zk_lookup(t, s.st, open, w, edit);
  open.prove(t, w);
  return std::move(w).take();
}

bool accepts(const ZkLookupStatement& st, std::span<const std::uint8_t> proof) {
  Transcript t = bound(st);
  return test::verifies([&] {
    ByteReader rd(proof, "zk lookup proof");
    ZkOpeningsVerifier open;
    verify_zk_lookup(t, st, open, rd);
    open.verify(t, rd);
    rd.finish();
  });
}

std::vector<F> small_values(std::mt19937_64& rng, std::size_t n, std::uint64_t bound) {
  std::vector<F> v(n);
  for (auto& x : v) x = F::from_u64(rng() % bound);
  return v;
}

}  // namespace

TEST_CASE("zk lookup: range checks that hold verify, for one and two columns") {
  std::mt19937_64 rng(80);
  for (unsigned na : {3u, 6u}) {
    CAPTURE(na);
    const auto s1 = make({small_values(rng, std::size_t{1} << na, 256)}, {E::one()}, 8, 60);
    const auto p1 = prove(s1);
    CHECK(accepts(s1.st, p1));
    // a = A_1 + 16·A_2 with both in [0, 16): a byte.
    const auto s2 = make({small_values(rng, std::size_t{1} << na, 16), small_values(rng, std::size_t{1} << na, 16)},
                         {E::one(), E::from_u64(16)}, 8, 60);
    const auto p2 = prove(s2);
    CHECK(accepts(s2.st, p2));
    // Another statement: other coefficients, another table, other commitments.
    auto other = s2.st;
    other.coeffs[1] = E::from_u64(17);
    CHECK_FALSE(accepts(other, p2));
    other = s2.st;
    other.table[3] = F::from_u64(1000);
    CHECK_FALSE(accepts(other, p2));
    CHECK_FALSE(accepts(s1.st, p2));
  }
}

TEST_CASE("zk lookup: an entry outside the table and wrong multiplicities are rejected") {
  std::mt19937_64 rng(81);
  // One entry is 256, outside 0 … 255.
  auto col = small_values(rng, 32, 256);
  col[7] = F::from_u64(256);
  {
    const auto s = make({col}, {E::one()}, 8, 60);
    std::vector<std::uint8_t> proof;
    {
      testing::CheatingProver cheat;
      proof = prove(s);
    }
    CHECK_FALSE(accepts(s.st, proof));
    CHECK_THROWS_AS(prove(make({col}, {E::one()}, 8, 60)), ArgumentError);  // the honest prover refuses
  }
  // In range, but one multiplicity moved from entry 0 to entry 1 (the total unchanged).
  {
    const auto s = make({small_values(rng, 32, 256)}, {E::one()}, 8, 60, {-1, 1});
    std::vector<std::uint8_t> proof;
    {
      testing::CheatingProver cheat;
      proof = prove(s);
    }
    CHECK_FALSE(accepts(s.st, proof));
  }
  // A negative entry (p − 1) is not a byte either.
  {
    auto c2 = small_values(rng, 32, 256);
    c2[0] = F::from_i64(-1);
    const auto s = make({c2}, {E::one()}, 8, 60);
    testing::CheatingProver cheat;
    CHECK_FALSE(accepts(s.st, prove(s)));
  }
}

TEST_CASE("zk lookup: inverse columns that balance the sum but are not inverses are rejected") {
  std::mt19937_64 rng(83);
  auto sum = [](const std::vector<E>& v) {
    E acc = E::zero();
    for (const auto& x : v) acc += x;
    return acc;
  };
  // Entry 7 is outside the table; the cheater moves h(7) so that Σ h = Σ k (LogUp's
  // sum holds), and h(7) is no longer 1/(α − a(7)): the zero-check I2 fails.
  auto col = small_values(rng, 32, 256);
  col[7] = F::from_u64(300);
  const auto s = make({col}, {E::one()}, 8, 60);
  testing::CheatingProver cheat;
  const auto p2 = prove(s, [&](std::vector<E>& h, std::vector<E>& k) { h[7] += sum(k) - sum(h); });
  CHECK_FALSE(accepts(s.st, p2));
  // In range; the cheater moves one unit of k between entries 0 and 1 (Σ k unchanged):
  // the zero-check I3 fails.
  const auto s3 = make({small_values(rng, 32, 256)}, {E::one()}, 8, 60);
  const auto p3 = prove(s3, [&](std::vector<E>&, std::vector<E>& k) {
    k[0] += E::one();
    k[1] -= E::one();
  });
  CHECK_FALSE(accepts(s3.st, p3));
  // Control: the same edit with no net change verifies.
  const auto s4 = make({small_values(rng, 32, 256)}, {E::one()}, 8, 60);
  CHECK(accepts(s4.st, prove(s4, [&](std::vector<E>&, std::vector<E>&) {})));
}

TEST_CASE("zk lookup: mutated bytes are rejected") {
  std::mt19937_64 rng(82);
  const auto s = make({small_values(rng, 8, 16)}, {E::one()}, 4, 24);
  const auto proof = prove(s);
  REQUIRE(accepts(s.st, proof));
  // Every byte of the roots and the first 4 KB (sumcheck rounds, finals, the mask's
  // root and sum), then every 7th (the WHIR proofs' bytes are exhausted elsewhere).
  std::vector<std::size_t> bad;
  for (std::size_t pos = 0; pos < proof.size(); pos += pos < 4096 ? 1 : 7) {
    auto m = proof;
    m[pos] ^= 0x44;
    if (accepts(s.st, m)) bad.push_back(pos);
  }
  CHECK_MESSAGE(bad.empty(), "mutations accepted, first at byte " << (bad.empty() ? 0 : bad[0]));
  CHECK_FALSE(accepts(s.st, std::span(proof).first(proof.size() - 1)));
}
