// vtensor/proofs/drift/zk_norm.hpp — a zero-knowledge norm bound: ‖Δ‖_F² ≤ τ² for a
// hiding-committed Δ, revealing the verdict and nothing else (not Σ Δ²). The piece
// the drift certificate's zero-knowledge mode uses for its norm classes (docs/zk.md).
//
// Statement: Δ = Σ_k c_k T_k for tables T_k in hiding commitments (commit/zk_table.hpp;
// a certificate's Δ = W′ − W is two tensors of two hiding model commitments, c = (1, −1)),
// 2^n signed fixed-point units, an entry bound b (every Δ(x) ∈ [−2^{b−1}, 2^{b−1})),
// and τ² < 2^48 (units²).
// The prover commits one hiding bundle (commit/zk_table.hpp) of
//   m_Δ  the multiplicities of Δ's entries in the range table R_b = (j − 2^{b−1})_j,
//   L    the three 16-bit limbs of D = τ² − Σ Δ² (and a zero: 4 entries),
//   m_L  the multiplicities of the limbs in (0 … 2^16 − 1),
// then proves with lookup/zk_lookup.hpp that Δ ⊂ R_b and L ⊂ [0, 2^16), and with one
// zero-knowledge sumcheck over the extended domains that
//   Σ_x sel·(Σ_k c_k T̂_k(x))² + Σ_i 2^{16 i}·L̂(i) = τ²;
// every claim joins a ZkOpenings, one opening per commitment (prove_zk_norm_with leaves
// them to the caller, so several blocks share the models' openings).
// Exactness over ℤ: |Δ(x)| ≤ 2^{b−1} gives S = Σ Δ² ≤ 2^{n + 2b − 2} ≤ 2^61 (required
// by validate), and 0 ≤ D < 2^48; so S + D < p and S + D ≡ τ² (mod p) means
// S + D = τ² over ℤ, hence S ≤ τ². The limbs cannot encode a negative D: the only
// integers in [0, 2^48) are taken at face value, and τ² − S + p > 2^48.
// Each T_k's commitment is opened once (two claims here), so hiding_openings ≥ 2.
//
// Wire: the bundle's root ‖ the lookup of Δ ‖ that of L (lookup/zk_lookup.hpp) ‖ the
// sum's mask root ‖ its zero-knowledge sumcheck ‖ [prove_zk_norm only: the openings
// (commit/zk_table.hpp), one per commitment in the order of its first claim: the first
// lookup's bundle, the terms' commitments, the norm bundle, the second lookup's bundle,
// the sum's mask]. The statement (tables, coefficients, b, τ², parameters) is absorbed
// first.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vtensor/lookup/zk_lookup.hpp"
#include "vtensor/testing.hpp"

namespace vtensor::drift {

inline constexpr unsigned kZkNormLimbBits = 16;
inline constexpr unsigned kZkNormLimbs = 3;  // τ² < 2^48

struct ZkNormStatement {
  std::vector<ZkTable> terms;        // T_k: one size, one extension (pd set on the prover's side)
  std::vector<Goldilocks> coeffs;    // c_k
  unsigned entry_bits = 16;
  std::uint64_t tau_sq = 0;
  WhirParams base;  // regime, rate, folding, security of everything the proof commits

  unsigned num_vars() const { return terms.at(0).vars; }
  // Binds the statement before anything is committed.
  void absorb(Transcript& t) const {
    for (const auto& x : terms) absorb_table(t, "zk_norm/term", x);
    t.absorb_fields<Goldilocks>("zk_norm/coeffs", coeffs);
    t.absorb_u64("zk_norm/entry_bits", entry_bits);
    t.absorb_u64("zk_norm/tau_sq", tau_sq);
    t.absorb("zk_norm/base", base.encode());
  }
  void validate() const {
    if (terms.empty() || terms.size() != coeffs.size() || terms.size() > 8)
      throw ArgumentError("zk norm: 1 … 8 terms, one coefficient each");
    for (const auto& t : terms) {
      if (t.params.hiding_openings < 2) throw ArgumentError("zk norm: every term must be hiding with ≥ 2 openings");
      if (t.vars != terms[0].vars || t.ext_vars() != terms[0].ext_vars())
        throw ArgumentError("zk norm: the terms must have one size and one extension");
    }
    if (entry_bits < 1 || entry_bits > 20) throw ArgumentError("zk norm: entry bits must be in [1, 20]");
    if (num_vars() + 2 * entry_bits - 2 > 61)
      throw ArgumentError("zk norm: 2^n entries of " + std::to_string(entry_bits) +
                          " bits could make Σ Δ² exceed 2^61 (no-wraparound bound)");
    if (tau_sq >> (kZkNormLimbBits * kZkNormLimbs)) throw ArgumentError("zk norm: τ² must be below 2^48 units²");
  }
  std::vector<Goldilocks> range_table() const {
    std::vector<Goldilocks> t(std::size_t{1} << entry_bits);
    const std::int64_t off = std::int64_t{1} << (entry_bits - 1);
    for (std::size_t j = 0; j < t.size(); ++j) t[j] = Goldilocks::from_i64(static_cast<std::int64_t>(j) - off);
    return t;
  }
  // The bundle's tables: m_Δ, L, m_L.
  std::vector<unsigned> bundle_vars() const { return {entry_bits, 2, kZkNormLimbBits}; }
  ZkLookupStatement delta_lookup(const ZkTable& m) const {
    std::vector<GoldilocksExt2> c(coeffs.begin(), coeffs.end());
    return {terms, std::move(c), m, range_table(), base};
  }
  ZkLookupStatement limb_lookup(const ZkTable& limbs, const ZkTable& m) const {
    std::vector<Goldilocks> t(std::size_t{1} << kZkNormLimbBits);
    for (std::size_t j = 0; j < t.size(); ++j) t[j] = Goldilocks::from_u64(j);
    return {{limbs}, {GoldilocksExt2::one()}, m, std::move(t), base};
  }
};

namespace zk_norm_detail {
using E = GoldilocksExt2;
inline std::vector<E> limb_weights() {
  return {E::one(), E(Goldilocks::from_u64(std::uint64_t{1} << 16)), E(Goldilocks::from_u64(std::uint64_t{1} << 32)),
          E::zero()};
}
inline std::int64_t signed_of(Goldilocks x) {
  const std::uint64_t v = x.value();
  return v > Goldilocks::kModulus / 2 ? -static_cast<std::int64_t>(Goldilocks::kModulus - v) : static_cast<std::int64_t>(v);
}
inline std::vector<Goldilocks> multiplicities(std::span<const Goldilocks> values, std::int64_t lo, std::size_t size) {
  std::vector<std::uint64_t> m(size, 0);
  for (const auto& x : values) {
    const std::int64_t i = signed_of(x) - lo;
    if (i >= 0 && static_cast<std::size_t>(i) < size) ++m[static_cast<std::size_t>(i)];
  }
  std::vector<Goldilocks> out(size);
  for (std::size_t j = 0; j < size; ++j) out[j] = Goldilocks::from_u64(m[j]);
  return out;
}
// Σ sel·Δ̂² + Σ W·L̂ over N = max of the two extended domains.
struct SumShape {
  unsigned nd, cd, cl, N;
  SumShape(const ZkTable& d, const ZkTable& l)
      : nd(d.vars), cd(d.ext_vars()), cl(l.ext_vars()), N(std::max(d.ext_vars(), l.ext_vars())) {}
};
}  // namespace zk_norm_detail

// The real entries of Σ_k c_k T_k (prover only): a block's Δ, e.g. W′ − W.
inline std::vector<Goldilocks> zk_combination(std::span<const ZkTable> terms, std::span<const Goldilocks> coeffs) {
  if (terms.empty() || terms.size() != coeffs.size()) throw ArgumentError("zk combination: one coefficient per term");
  std::vector<Goldilocks> d(std::size_t{1} << terms[0].vars, Goldilocks::zero());
  for (std::size_t k = 0; k < terms.size(); ++k) {
    const auto ext = terms[k].extended();
    for (std::size_t x = 0; x < d.size(); ++x) d[x] += coeffs[k] * ext[x];
  }
  return d;
}

// Proves the statement (the terms carry the prover's data); the claims on every table
// join `open`, which the caller proves. ArgumentError when an entry is out of range or
// Σ Δ² > τ² (unless a test's CheatingProver is active).
inline void prove_zk_norm_with(Transcript& t, const ZkNormStatement& s, ZkOpenings& open, ByteWriter& w) {
  using namespace zk_norm_detail;
  using namespace zk_detail;
  s.validate();
  const auto delta = zk_combination(s.terms, s.coeffs);
  const std::int64_t half = std::int64_t{1} << (s.entry_bits - 1);
  unsigned __int128 S = 0;
  bool in_range = true;
  for (const auto& x : delta) {
    const std::int64_t d = signed_of(x);
    if (d < -half || d >= half) in_range = false;
    S += static_cast<unsigned __int128>(static_cast<__int128>(d) * d);
  }
  if (testing::refuse(!in_range)) throw ArgumentError("zk norm: an entry of Δ is outside the entry bound");
  if (testing::refuse(S > s.tau_sq)) throw ArgumentError("zk norm: ‖Δ‖² exceeds τ²");
  // D = τ² − S mod p, in three limbs (a cheater's last limb holds the rest).
  const Goldilocks Dp =
      Goldilocks::from_u64(s.tau_sq) - Goldilocks::from_u64(static_cast<std::uint64_t>(S % Goldilocks::kModulus));
  const std::uint64_t D = Dp.value();
  const std::vector<Goldilocks> limbs{Goldilocks::from_u64(D & 0xFFFF), Goldilocks::from_u64((D >> 16) & 0xFFFF),
                                      Goldilocks::from_u64(D >> 32), Goldilocks::zero()};
  const ZkBundle bundle(s.base,
                        {multiplicities(delta, -half, std::size_t{1} << s.entry_bits), limbs,
                         multiplicities(limbs, 0, std::size_t{1} << kZkNormLimbBits)},
                        2);
  open.keep(bundle.data());
  s.absorb(t);
  send_root(t, w, "zk_norm/bundle_root", bundle.commitment());
  prove_zk_lookup(t, s.delta_lookup(bundle.table(0)), open, w);
  prove_zk_lookup(t, s.limb_lookup(bundle.table(1), bundle.table(2)), open, w);
  // Σ sel·(Σ c_k T̂_k)² + Σ W·L̂ = τ².
  const std::size_t K = s.terms.size();
  const SumShape sh(s.terms[0], bundle.table(1));
  auto wt = limb_weights();
  wt.resize(std::size_t{1} << sh.N, E::zero());
  std::vector<std::vector<E>> tabs;
  for (const auto& term : s.terms) tabs.push_back(lift(term.extended(), sh.N));
  tabs.push_back(selector(sh.nd, sh.N));
  tabs.push_back(lift(bundle.table(1).extended(), sh.N));
  tabs.push_back(std::move(wt));
  std::vector<DenseProductInstance::Term> terms{{E::one(), {K + 2, K + 1}}};
  for (std::size_t a = 0; a < K; ++a)
    for (std::size_t b = 0; b < K; ++b) terms.push_back({E(s.coeffs[a] * s.coeffs[b]), {K, a, b}});
  std::vector<bool> pub(K + 3, false);
  pub[K] = pub[K + 2] = true;
  DenseProductInstance sum(std::move(tabs), std::move(terms), pub);
  SumcheckInstance* ip[1] = {&sum};
  const E claim = E(Goldilocks::from_u64(s.tau_sq));
  std::vector<E> r;
  prove_zk_batched_masked(t, "zk_norm/mask_root", ip, std::span<const E>(&claim, 1), s.base, open, w, &r);
  for (const auto& term : s.terms) open.add(term, std::span<const E>(r.data(), sh.cd));
  open.add(bundle.table(1), std::span<const E>(r.data(), sh.cl));
}

// The same, with the openings proven at the end of the proof.
inline void prove_zk_norm(Transcript& t, const ZkNormStatement& s, ByteWriter& w) {
  ZkOpenings open;
  prove_zk_norm_with(t, s, open, w);
  open.prove(t, w);
}

// Reads and checks a proof of prove_zk_norm_with (DecodeError / VerifyError); the
// claims join `open`, which the caller verifies. Accepting means ‖Δ‖_F² ≤ τ².
inline void verify_zk_norm_with(Transcript& t, const ZkNormStatement& s, ZkOpeningsVerifier& open, ByteReader& rd) {
  verifying([&] {
    using namespace zk_norm_detail;
    using namespace zk_detail;
    s.validate();
    s.absorb(t);
    const WhirCommitment bc = receive_root(t, rd, "zk_norm/bundle_root");
    const auto bvars = s.bundle_vars();
    const auto bundle = ZkBundle::tables_of(s.base, bvars, bc, 2);
    verify_zk_lookup(t, s.delta_lookup(bundle[0]), open, rd);
    verify_zk_lookup(t, s.limb_lookup(bundle[1], bundle[2]), open, rd);
    const std::size_t K = s.terms.size();
    const SumShape sh(s.terms[0], bundle[1]);
    const auto wl = limb_weights();
    const BatchedInstanceSpec spec{sh.N, 3, K + 1, [&](std::span<const E> p, std::span<const E> f) {
                                     const E wv = mle_evaluate<E, E>(wl, p.first(2)) * zero_above(p, 2, sh.N);
                                     E d = E::zero();
                                     for (std::size_t k = 0; k < K; ++k) d += E(s.coeffs[k]) * f[k];
                                     return zero_above(p, sh.nd, sh.N) * d * d + wv * f[K];
                                   }};
    const E claim = E(Goldilocks::from_u64(s.tau_sq));
    const auto res = verify_zk_batched_masked(t, "zk_norm/mask_root", std::span<const BatchedInstanceSpec>(&spec, 1),
                                              std::span<const E>(&claim, 1), s.base, open, rd);
    const auto& r = res.point;
    auto unpad = [&](const E& v, unsigned nc) {
      const E z = zero_above(r, nc, sh.N);
      if (z.is_zero()) throw VerifyError("zk norm: a padding factor vanishes");
      return v * z.inverse();
    };
    for (std::size_t k = 0; k < K; ++k)
      open.add(s.terms[k], std::span<const E>(r.data(), sh.cd), unpad(res.finals[0][k], sh.cd));
    open.add(bundle[1], std::span<const E>(r.data(), sh.cl), unpad(res.finals[0][K], sh.cl));
  });
}

inline void verify_zk_norm(Transcript& t, const ZkNormStatement& s, ByteReader& rd) {
  verifying([&] {
    ZkOpeningsVerifier open;
    verify_zk_norm_with(t, s, open, rd);
    open.verify(t, rd);
  });
}

}  // namespace vtensor::drift
