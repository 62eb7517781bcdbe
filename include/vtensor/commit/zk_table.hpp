// vtensor/commit/zk_table.hpp — tables inside hiding WHIR commitments, for
// zero-knowledge protocols (docs/zk.md): the extended table a sumcheck runs on, the
// masked point of a claim, several tables in one commitment (a hiding bundle), and
// openings deferred so that each commitment is opened once, for all its claims.
//
// A hiding commitment holds f̂(x, y) over n + e variables: the real table (2^n entries)
// on y = 0, uniform values elsewhere (WhirParams::hiding_openings). A table of 2^v
// entries at offset o (a multiple of 2^v) of the real table is the sub-cube
// x = (x_t, bits of o / 2^v); its extended table over v + e variables is
//     ext(x_t, y) = f̂(x_t, bits of o / 2^v, y),
// the real table on y = 0 and uniform elsewhere. A claim about ext at (r, r_y) is a
// claim about f̂ at the full point (r, bits of o / 2^v, r_y), which
// Whir::open_hiding_masked proves; with r_y random it is masked by the table's random
// part. Each commitment is opened once for all its claims, so hiding_openings = 2
// leaves a whole opening's worth of the random half for the values the claims and
// the protocol's sumchecks reveal (≤ a few per table; docs/zk.md).
//
// Wire of ZkOpenings: per commitment, in the order of its first claim: u32 length ‖ the
// hiding WHIR proof of its claims (the values are the protocol's, not sent here).
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vtensor/commit/whir.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/transcript/transcript.hpp"
#include "vtensor/mle/dense.hpp"

namespace vtensor {

struct ZkTable {
  using E = GoldilocksExt2;
  WhirParams params;                   // the commitment's (hiding)
  WhirCommitment com;
  std::uint64_t offset = 0;            // in the real table, a multiple of 2^vars
  unsigned vars = 0;
  const WhirProverData* pd = nullptr;  // the prover's data; null on the verifier's side

  unsigned mask_vars() const { return params.committed_vars() - params.num_vars; }
  unsigned ext_vars() const { return vars + mask_vars(); }

  // The table lies inside the real table, aligned to its size, in a hiding commitment.
  void check() const {
    if (params.hiding_openings == 0) throw ArgumentError("ZkTable: the commitment is not hiding");
    if (vars > params.num_vars || vars > 40) throw ArgumentError("ZkTable: the table is larger than its commitment");
    const std::uint64_t size = std::uint64_t{1} << vars;
    if (offset % size != 0 || offset + size > (std::uint64_t{1} << params.num_vars))
      throw ArgumentError("ZkTable: offset " + std::to_string(offset) + " is not an aligned sub-cube of the table");
    if (pd && pd->params.encode() != params.encode())
      throw ArgumentError("ZkTable: the prover's data has other parameters");
  }

  // ext[x + 2^vars·y] = f̂[offset + x + 2^n·y] (prover only).
  std::vector<Goldilocks> extended() const {
    check();
    if (!pd) throw ArgumentError("ZkTable: the prover's data is missing");
    const std::size_t v = std::size_t{1} << vars, n = std::size_t{1} << params.num_vars,
                      ys = std::size_t{1} << mask_vars();
    std::vector<Goldilocks> out(v * ys);
    for (std::size_t y = 0; y < ys; ++y)
      std::copy_n(pd->table.begin() + static_cast<std::ptrdiff_t>(offset + n * y), v,
                  out.begin() + static_cast<std::ptrdiff_t>(v * y));
    return out;
  }
  // The commitment's point for an extended-table point (r, r_y).
  std::vector<E> full_point(std::span<const E> r) const {
    check();
    if (r.size() != ext_vars()) throw ArgumentError("ZkTable: a point has the wrong number of coordinates");
    std::vector<E> p(r.begin(), r.begin() + vars);
    for (unsigned j = vars; j < params.num_vars; ++j) p.push_back((offset >> j) & 1 ? E::one() : E::zero());
    p.insert(p.end(), r.begin() + vars, r.end());
    return p;
  }
};

// Binds a table (its commitment, parameters and place) into a transcript.
inline void absorb_table(Transcript& t, std::string_view label, const ZkTable& x) {
  t.absorb(label, x.com.root.bytes);
  t.absorb(label, x.params.encode());
  t.absorb_u64(label, x.offset);
  t.absorb_u64(label, x.vars);
}

// A commitment's root in a proof: sent and absorbed under `label` (prover), read and
// absorbed (verifier).
inline void send_root(Transcript& t, ByteWriter& w, std::string_view label, const WhirCommitment& c) {
  w.bytes(std::span<const std::uint8_t>(c.root.data(), Digest::kSize));
  t.absorb(label, c.root.bytes);
}
inline WhirCommitment receive_root(Transcript& t, ByteReader& rd, std::string_view label) {
  const WhirCommitment c{Digest::from_bytes(rd.bytes(Digest::kSize, "commitment root").data())};
  t.absorb(label, c.root.bytes);
  return c;
}

// Runs a verifier body: an ArgumentError from the statement (a shape it cannot have)
// is a rejection like any other.
template <class Body>
auto verifying(Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const ArgumentError& e) {
    throw VerifyError(e.what());
  }
}

// The extended domains zero-knowledge instances run on (sumcheck/zk.hpp and the
// protocols over it): tables padded with zeros above to a common number of variables,
// and the public selectors of their real parts.
namespace zk_detail {
using E = GoldilocksExt2;

// A base table (or an F_{p²} one) as an F_{p²} table padded to `to` variables.
inline std::vector<E> lift(std::span<const Goldilocks> t, unsigned to) {
  std::vector<E> out(std::size_t{1} << to, E::zero());
  std::copy(t.begin(), t.end(), out.begin());
  return out;
}
inline std::vector<E> lift(std::span<const E> t, unsigned to) {
  std::vector<E> out(std::size_t{1} << to, E::zero());
  std::copy(t.begin(), t.end(), out.begin());
  return out;
}
// The F_{p²} view of a component-interleaved base table (the component is the lowest
// variable), padded to `to`; interleave is its inverse.
inline std::vector<E> lift_ext(std::span<const Goldilocks> t, unsigned to) {
  std::vector<E> out(std::size_t{1} << to, E::zero());
  for (std::size_t i = 0; i < t.size() / 2; ++i) out[i] = E(t[2 * i], t[2 * i + 1]);
  return out;
}
inline std::vector<Goldilocks> interleave(std::span<const E> h) {
  std::vector<Goldilocks> out(2 * h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    out[2 * i] = h[i].c0();
    out[2 * i + 1] = h[i].c1();
  }
  return out;
}
// [x < 2^n] over `to` variables: the selector of a padded table's real part.
inline std::vector<E> selector(unsigned n, unsigned to) {
  std::vector<E> s(std::size_t{1} << to, E::zero());
  std::fill(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(std::size_t{1} << n), E::one());
  return s;
}
// Π_{i ∈ [from, to)} (1 − r_i): the MLE of "the coordinates from `from` on are 0", the
// selector's value and the factor a padded table's value carries.
inline E zero_above(std::span<const E> r, std::size_t from, std::size_t to) {
  E acc = E::one();
  for (std::size_t i = from; i < to; ++i) acc *= E::one() - r[i];
  return acc;
}
}  // namespace zk_detail

// A whole hiding commitment as one table.
inline ZkTable zk_table_of(const WhirParams& params, const WhirCommitment& com, const WhirProverData* pd = nullptr) {
  if (params.hiding_openings == 0) throw ArgumentError("ZkTable: the commitment is not hiding");
  return {params, com, 0, params.num_vars, pd};
}

// A hiding bundle: tables of 2^{v_i} entries placed by decreasing size (ties in input
// order), each at an offset that is a multiple of its size; n = ⌈log2 Σ 2^{v_i}⌉.
struct ZkBundleLayout {
  unsigned num_vars = 0;
  std::vector<std::uint64_t> offsets;
  explicit ZkBundleLayout(std::span<const unsigned> vars) {
    if (vars.empty()) throw ArgumentError("zk bundle: no table");
    std::vector<std::size_t> order(vars.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return vars[a] > vars[b]; });
    offsets.assign(vars.size(), 0);
    std::uint64_t at = 0;
    for (auto i : order) {
      if (vars[i] > 30) throw ArgumentError("zk bundle: a table above 2^30 entries");
      offsets[i] = at;
      at += std::uint64_t{1} << vars[i];
    }
    while ((std::uint64_t{1} << num_vars) < at) ++num_vars;
  }
};

class ZkBundle {
 public:
  // Commits the tables (each of 2^v entries) in hiding mode with `base`'s regime,
  // rate, folding and security and `openings` hiding openings.
  ZkBundle(const WhirParams& base, const std::vector<std::vector<Goldilocks>>& tables, unsigned openings = 2)
      : pd_(std::make_shared<WhirProverData>()) {
    std::vector<unsigned> vars;
    for (const auto& t : tables) vars.push_back(log2_exact(t.size()));
    const ZkBundleLayout layout(vars);
    WhirParams p = base;
    p.num_vars = layout.num_vars;
    p.hiding_openings = openings;
    std::vector<Goldilocks> m(std::size_t{1} << layout.num_vars, Goldilocks::zero());
    for (std::size_t i = 0; i < tables.size(); ++i)
      std::copy(tables[i].begin(), tables[i].end(), m.begin() + static_cast<std::ptrdiff_t>(layout.offsets[i]));
    auto [com, pd] = Whir::commit(p, m);
    *pd_ = std::move(pd);
    for (std::size_t i = 0; i < tables.size(); ++i) tables_.push_back({p, com, layout.offsets[i], vars[i], pd_.get()});
  }
  const WhirCommitment& commitment() const { return tables_[0].com; }
  // The prover's data, shared: a ZkOpenings that outlives the bundle keeps it.
  std::shared_ptr<const WhirProverData> data() const { return pd_; }
  const ZkTable& table(std::size_t i) const { return tables_.at(i); }
  std::size_t size() const { return tables_.size(); }

  // The verifier's view: the same tables from the sizes and the root.
  static std::vector<ZkTable> tables_of(const WhirParams& base, std::span<const unsigned> vars,
                                        const WhirCommitment& com, unsigned openings = 2) {
    const ZkBundleLayout layout(vars);
    WhirParams p = base;
    p.num_vars = layout.num_vars;
    p.hiding_openings = openings;
    std::vector<ZkTable> out;
    for (std::size_t i = 0; i < vars.size(); ++i) out.push_back({p, com, layout.offsets[i], vars[i], nullptr});
    return out;
  }

 private:
  std::shared_ptr<WhirProverData> pd_;  // stable address: the tables point at it
  std::vector<ZkTable> tables_;
};

namespace zk_table_detail {
struct Group {
  ZkTable table;  // any table of the commitment (params, com, pd)
  std::vector<std::vector<GoldilocksExt2>> points;
  std::vector<GoldilocksExt2> values;
};
inline Group& group_of(std::vector<Group>& gs, const ZkTable& t) {
  for (auto& g : gs)
    if (g.table.com.root == t.com.root && g.table.params.encode() == t.params.encode()) return g;
  gs.push_back({t, {}, {}});
  return gs.back();
}

// The random entries that mask a claim: its table's slice where the claim's Boolean
// coordinates (exactly 0 or 1) are fixed, times the y ≠ 0 part: 2^{free}·(2^e − 1) F_p
// values. Claims on one slice share them; each F_{p²} value spends two.
struct Slice {
  Digest root;
  std::uint64_t offset = 0;
  unsigned vars = 0;
  std::uint64_t fixed_mask = 0, fixed_bits = 0;
  std::size_t claims = 0;
  double capacity = 0;
};
inline void spend(std::vector<Slice>& slices, const ZkTable& t, std::span<const GoldilocksExt2> r) {
  std::uint64_t mask = 0, bits = 0;
  unsigned fixed = 0;
  for (unsigned i = 0; i < t.vars; ++i) {
    const bool zero = r[i] == GoldilocksExt2::zero(), one = r[i] == GoldilocksExt2::one();
    if (zero || one) {
      mask |= std::uint64_t{1} << i;
      if (one) bits |= std::uint64_t{1} << i;
      ++fixed;
    }
  }
  Slice* s = nullptr;
  for (auto& x : slices)
    if (x.root == t.com.root && x.offset == t.offset && x.vars == t.vars && x.fixed_mask == mask && x.fixed_bits == bits)
      s = &x;
  if (!s) {
    slices.push_back({t.com.root, t.offset, t.vars, mask, bits, 0,
                      std::ldexp(std::exp2(static_cast<double>(t.mask_vars())) - 1.0, static_cast<int>(t.vars - fixed))});
    s = &slices.back();
  }
  ++s->claims;
  if (2.0 * static_cast<double>(s->claims) > s->capacity)
    throw ArgumentError("ZkOpenings: " + std::to_string(s->claims) + " claims on a table slice of " +
                        std::to_string(static_cast<std::uint64_t>(s->capacity)) +
                        " random values would reveal it (pad the table or commit it with more mask variables)");
}
}  // namespace zk_table_detail

// The prover's deferred masked openings.
class ZkOpenings {
 public:
  using E = GoldilocksExt2;
  // Claims ext(r) for table t; returns the value (computed from the prover's data).
  E add(const ZkTable& t, std::span<const E> r) {
    const E v = mle_evaluate<E, Goldilocks>(t.extended(), r);
    zk_table_detail::spend(slices_, t, r);
    auto& g = zk_table_detail::group_of(groups_, t);
    g.points.push_back(t.full_point(r));
    g.values.push_back(v);
    return v;
  }
  // Keeps prover data alive until prove() (a table made inside a protocol step whose
  // claims are proven later).
  void keep(std::shared_ptr<const WhirProverData> pd) { keep_.push_back(std::move(pd)); }
  void prove(Transcript& t, ByteWriter& w) {
    for (const auto& g : groups_) {
      const auto proof = Whir::open_hiding_masked(*g.table.pd, g.points, g.values, t);
      w.u32(static_cast<std::uint32_t>(proof.size()));
      w.bytes(proof);
    }
    groups_.clear();
    keep_.clear();
    slices_.clear();
  }

 private:
  std::vector<zk_table_detail::Group> groups_;
  std::vector<std::shared_ptr<const WhirProverData>> keep_;
  std::vector<zk_table_detail::Slice> slices_;
};

// The verifier's side: claims collected, then every commitment's proof checked.
class ZkOpeningsVerifier {
 public:
  using E = GoldilocksExt2;
  void add(const ZkTable& t, std::span<const E> r, const E& value) {
    std::vector<E> p;
    try {
      p = t.full_point(r);  // checks the table's shape
    } catch (const ArgumentError& e) {
      throw VerifyError(e.what());
    }
    auto& g = zk_table_detail::group_of(groups_, t);
    g.points.push_back(std::move(p));
    g.values.push_back(value);
  }
  void verify(Transcript& t, ByteReader& rd) {
    for (const auto& g : groups_) {
      const std::uint32_t len = rd.u32();
      const auto proof = rd.bytes(len, "zk opening");
      Whir::verify_hiding_masked(g.table.params, g.table.com, g.points, g.values, proof, t);
    }
    groups_.clear();
  }

 private:
  std::vector<zk_table_detail::Group> groups_;
};

}  // namespace vtensor
