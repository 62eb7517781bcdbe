// vtensor/proofs/drift/zk_blocks.hpp — zero-knowledge drift blocks over hiding
// commitments (docs/zk.md): a frozen check and an entry bound, next to the norm bound
// of zk_norm.hpp. Each takes tables of hiding commitments (commit/zk_table.hpp; for a
// certificate, tensors of the base and tuned models' hiding commitments) and leaves
// its claims in a ZkOpenings, so that blocks proven one after another open each
// commitment once.
//
// Frozen: pairs (A_t, B_t) of tables with one size and extension each; claim A_t = B_t
// on the real domain. z_t is drawn per pair, and one zero-knowledge batched sumcheck
// proves Σ_{x,y} eq(z_t, (x, y))·[y = 0]·(Â_t − B̂_t)(x, y) = 0 for every t: the
// multilinear extension of [y = 0](A_t − B_t) vanishes at a random point, so
// A_t ≠ B_t escapes with probability ≤ (its variables)/|E|.
//
// Entry: Δ = Σ c_k T_k, claim |Δ(x)| ≤ ε for every x. The table (−ε … ε), padded to
// 2^b entries with copies of −ε (a duplicate entry only takes no multiplicity), and
// Δ's multiplicities (committed hiding, counted on the first copy) feed
// lookup/zk_lookup.hpp. ε < 2^20.
//
// Wire: frozen: the mask's root ‖ the zero-knowledge sumcheck (z_t drawn before the mask); entry: the multiplicities'
// root ‖ the zero-knowledge lookup. The openings follow wherever the caller proves them.
#pragma once

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "vtensor/proofs/drift/zk_norm.hpp"

namespace vtensor::drift {

struct ZkFrozenStatement {
  std::vector<std::pair<ZkTable, ZkTable>> pairs;
  WhirParams base;  // the mask's regime, rate, folding, security

  void validate() const {
    if (pairs.empty()) throw ArgumentError("zk frozen: no pair");
    for (const auto& [a, b] : pairs)
      if (a.vars != b.vars || a.ext_vars() != b.ext_vars())
        throw ArgumentError("zk frozen: a pair's tables differ in size or extension");
  }
  void absorb(Transcript& t) const {
    for (const auto& [a, b] : pairs) {
      absorb_table(t, "zk_frozen/a", a);
      absorb_table(t, "zk_frozen/b", b);
    }
    t.absorb("zk_frozen/base", base.encode());
  }
  std::size_t num_vars() const {
    std::size_t n = 0;
    for (const auto& pr : pairs) n = std::max<std::size_t>(n, pr.first.ext_vars());
    return n;
  }
};

namespace zk_blocks_detail {
inline constexpr std::size_t kFrozenDegree = 3;  // eq · sel · table
}  // namespace zk_blocks_detail

inline void prove_zk_frozen_with(Transcript& t, const ZkFrozenStatement& s, ZkOpenings& open, ByteWriter& w) {
  using namespace zk_detail;
  using E = GoldilocksExt2;
  s.validate();
  for (const auto& [a, b] : s.pairs) {
    const auto ea = a.extended(), eb = b.extended();
    bool same = true;
    for (std::size_t x = 0; x < (std::size_t{1} << a.vars); ++x) same = same && ea[x] == eb[x];
    if (testing::refuse(!same)) throw ArgumentError("zk frozen: a pair's tables differ");
  }
  s.absorb(t);
  std::vector<std::unique_ptr<DenseProductInstance>> inst;
  std::vector<SumcheckInstance*> ptrs;
  for (const auto& [a, b] : s.pairs) {
    const unsigned d = a.ext_vars();
    const auto z = t.challenge_exts("zk_frozen/z", d);
    inst.push_back(std::make_unique<DenseProductInstance>(
        std::vector<std::vector<E>>{lift(a.extended(), d), lift(b.extended(), d), selector(a.vars, d)},
        std::vector<DenseProductInstance::Term>{{E::one(), {2, 0}}, {-E::one(), {2, 1}}},
        std::vector<bool>{false, false, true}, z));
    ptrs.push_back(inst.back().get());
  }
  const std::vector<E> zeros(ptrs.size(), E::zero());
  std::vector<E> r;
  prove_zk_batched_masked(t, "zk_frozen/mask_root", ptrs, zeros, s.base, open, w, &r);
  for (const auto& [a, b] : s.pairs) {
    open.add(a, std::span<const E>(r.data(), a.ext_vars()));
    open.add(b, std::span<const E>(r.data(), b.ext_vars()));
  }
}

inline void verify_zk_frozen_with(Transcript& t, const ZkFrozenStatement& s, ZkOpeningsVerifier& open,
                                  ByteReader& rd) {
  verifying([&] {
    using namespace zk_detail;
    using E = GoldilocksExt2;
    s.validate();
    s.absorb(t);
    std::vector<BatchedInstanceSpec> specs;
    std::vector<std::vector<E>> zs;
    for (const auto& pr : s.pairs) zs.push_back(t.challenge_exts("zk_frozen/z", pr.first.ext_vars()));
    for (std::size_t i = 0; i < s.pairs.size(); ++i) {
      const unsigned d = s.pairs[i].first.ext_vars(), v = s.pairs[i].first.vars;
      specs.push_back({d, zk_blocks_detail::kFrozenDegree, 2, [&zs, i, d, v](std::span<const E> p, std::span<const E> f) {
                         return eq_eval<E>(zs[i], p) * zero_above(p, v, d) * (f[0] - f[1]);
                       }});
    }
    const std::vector<E> zeros(specs.size(), E::zero());
    const auto res = verify_zk_batched_masked(t, "zk_frozen/mask_root", specs, zeros, s.base, open, rd);
    for (std::size_t i = 0; i < s.pairs.size(); ++i) {
      const auto& [a, b] = s.pairs[i];
      open.add(a, std::span<const E>(res.point.data(), a.ext_vars()), res.finals[i][0]);
      open.add(b, std::span<const E>(res.point.data(), b.ext_vars()), res.finals[i][1]);
    }
  });
}

struct ZkEntryStatement {
  std::vector<ZkTable> terms;      // Δ = Σ c_k T_k (pd set on the prover's side)
  std::vector<Goldilocks> coeffs;
  std::uint64_t eps = 0;           // |Δ(x)| ≤ ε, ε < 2^20
  WhirParams base;

  void validate() const {
    if (terms.empty() || terms.size() != coeffs.size()) throw ArgumentError("zk entry: one coefficient per term");
    if (eps >= (std::uint64_t{1} << 20)) throw ArgumentError("zk entry: ε must be below 2^20");
  }
  void absorb(Transcript& t) const {
    for (const auto& x : terms) absorb_table(t, "zk_entry/term", x);
    t.absorb_fields<Goldilocks>("zk_entry/coeffs", coeffs);
    t.absorb_u64("zk_entry/eps", eps);
    t.absorb("zk_entry/base", base.encode());
  }
  unsigned table_vars() const {
    unsigned b = 0;
    while ((std::uint64_t{1} << b) < 2 * eps + 1) ++b;
    return b;
  }
  // −ε … ε, then copies of −ε up to 2^b entries.
  std::vector<Goldilocks> table() const {
    std::vector<Goldilocks> t(std::size_t{1} << table_vars(), Goldilocks::from_i64(-static_cast<std::int64_t>(eps)));
    for (std::uint64_t j = 0; j <= 2 * eps; ++j)
      t[j] = Goldilocks::from_i64(static_cast<std::int64_t>(j) - static_cast<std::int64_t>(eps));
    return t;
  }
  ZkLookupStatement lookup(const ZkTable& m) const {
    return {terms, std::vector<GoldilocksExt2>(coeffs.begin(), coeffs.end()), m, table(), base};
  }
};

inline void prove_zk_entry_with(Transcript& t, const ZkEntryStatement& s, ZkOpenings& open, ByteWriter& w) {
  using namespace zk_norm_detail;
  s.validate();
  const auto delta = zk_combination(s.terms, s.coeffs);
  const std::int64_t eps = static_cast<std::int64_t>(s.eps);
  bool ok = true;
  for (const auto& x : delta) ok = ok && signed_of(x) >= -eps && signed_of(x) <= eps;
  if (testing::refuse(!ok)) throw ArgumentError("zk entry: an entry of Δ exceeds ε");
  const ZkBundle m(s.base, {multiplicities(delta, -eps, std::size_t{1} << s.table_vars())}, 2);
  open.keep(m.data());
  s.absorb(t);
  send_root(t, w, "zk_entry/mult_root", m.commitment());
  prove_zk_lookup(t, s.lookup(m.table(0)), open, w);
}

inline void verify_zk_entry_with(Transcript& t, const ZkEntryStatement& s, ZkOpeningsVerifier& open,
                                 ByteReader& rd) {
  verifying([&] {
    s.validate();
    s.absorb(t);
    const WhirCommitment mc = receive_root(t, rd, "zk_entry/mult_root");
    const unsigned vars[1] = {s.table_vars()};
    const auto m = ZkBundle::tables_of(s.base, vars, mc, 2);
    verify_zk_lookup(t, s.lookup(m[0]), open, rd);
  });
}

}  // namespace vtensor::drift
