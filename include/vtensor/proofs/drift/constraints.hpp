// vtensor/proofs/drift/constraints.hpp — a policy resolved against a model layout and
// a fixed-point scale: for every tensor, the exact integer constraints a drift
// certificate proves, with the no-wraparound conditions checked (docs/drift.md §2).
//
// Units. Both models hold fixed-point integers q = round(x·2^s) (tensor/quantize.hpp)
// as Goldilocks elements; Δ = W' − W entrywise, read as the centred integer
// (Goldilocks::to_signed). A real bound m becomes the integer ⌊m·2^s⌋ (m the IEEE
// double of the policy; the scaling by 2^s is exact), a squared norm bound
// ⌊(m·2^s)²⌋, computed exactly in 128-bit integers. So "‖Δ‖_F ≤ m" is certified as
// Σ Δ_q² ≤ ⌊(m 2^s)²⌋, which for integer Δ_q is exactly ‖Δ_q 2^-s‖_F ≤ m.
//
// No wraparound (the integer meaning of a field statement), per constraint:
//   norm (τ):       Δ_i ∈ [−2^{b−1}, 2^{b−1}), 2^{b−1} > ⌊τ 2^s⌋, and 2^{d}·2^{2(b−1)} ≤ 2^62
//                   (< (p−1)/2): Σ Δ_i² over the 2^d padded entries is an integer < p/2.
//   entry (ε):      Δ_i + ε_q ∈ [0, 2ε_q] (a table of 2^b entries, 2ε_q+1 of them live).
//   low rank (r):   U, V entries in [−2^{f−1}, 2^{f−1}), residual E in [−e_q, e_q],
//                   r·2^{2(f−1)} + e_q ≤ 2^62: Δ − E = U·V holds over ℤ, rank_ℚ(Δ − E) ≤ r.
//   sparse (s):     indices are lookups into the live rows / columns (no index ≥ N).
//   projection:     none (a baseline estimate; docs/drift.md says what it does not prove).
// Range tables have at most 2^kMaxRangeBits entries; a bound that needs more is refused.
// The certificate's integer statements are about the committed field elements; they
// are statements about the models' real weights when the base entries are bounded
// as their quantization declares (|W_i| < 2^62 − 2^{b}), docs/drift.md §2.
#pragma once

#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "vtensor/commit/model_layout.hpp"
#include "vtensor/detail/bits.hpp"
#include "vtensor/error.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/proofs/drift/policy.hpp"

namespace vtensor::drift {

inline constexpr unsigned kMaxRangeBits = 24;
inline constexpr std::uint64_t kNoWrapLimit = std::uint64_t{1} << 62;  // < (p − 1)/2

// ⌊x·2^s⌋ for a finite x ≥ 0; ArgumentError when it is not below 2^62.
inline std::uint64_t to_fixed(double x, int s, const std::string& what) {
  if (!std::isfinite(x) || x < 0) throw ArgumentError(what + ": the bound must be finite and ≥ 0");
  const double y = std::ldexp(x, s);
  if (!(y < std::ldexp(1.0, 62))) throw ArgumentError(what + ": the bound is 2^62 or more in fixed point (scale 2^" + std::to_string(s) + ")");
  return static_cast<std::uint64_t>(std::floor(y));
}

// ⌊(x·2^s)²⌋ exactly; ArgumentError when it is not below 2^62.
inline std::uint64_t to_fixed_squared(double x, int s, const std::string& what) {
  if (!std::isfinite(x) || x < 0) throw ArgumentError(what + ": the bound must be finite and ≥ 0");
  if (x == 0) return 0;
  int e = 0;
  const double m = std::frexp(x, &e);                            // x = m·2^e, m ∈ [0.5, 1)
  const auto mant = static_cast<std::uint64_t>(std::ldexp(m, 53));  // x = mant·2^{e−53+s}·2^{−s}
  const long long shift = 2LL * (static_cast<long long>(e) - 53 + s);
  const unsigned __int128 sq = static_cast<unsigned __int128>(mant) * mant;  // < 2^106
  // mant ≥ 2^52, so sq ≥ 2^104: any shift ≥ 0 is past 2^62 (and would overflow 128 bits).
  if (shift >= 0) throw ArgumentError(what + ": the squared bound is 2^62 or more in fixed point");
  const unsigned __int128 v = shift <= -128 ? 0 : sq >> static_cast<unsigned>(-shift);
  if (v >> 62) throw ArgumentError(what + ": the squared bound is 2^62 or more in fixed point");
  return static_cast<std::uint64_t>(v);
}

// Bits of v (0 for v = 0): the smallest b with v < 2^b.
inline unsigned bit_length(std::uint64_t v) { return v == 0 ? 0u : 64u - static_cast<unsigned>(__builtin_clzll(v)); }

// The resolved constraints of one tensor (all integers at the statement's scale).
struct TensorConstraints {
  std::size_t tensor = 0;            // index in the layout (input order)
  std::optional<std::size_t> rule;   // the policy rule that matched; none: unnamed, frozen
  bool frozen = true;

  struct Norm {
    double max = 0;              // the policy's τ (real units)
    std::uint64_t bound_sq = 0;  // ⌊(τ 2^s)²⌋: Σ Δ² ≤ bound_sq
    unsigned range_bits = 1;     // Δ ∈ [−2^{b−1}, 2^{b−1})
  };
  struct Entry {
    double max = 0;
    std::uint64_t eps = 0;        // ε_q: Δ ∈ [−ε_q, ε_q]
    unsigned range_bits = 0;      // table of 2^b ≥ 2ε_q + 1 entries
  };
  struct LowRank {
    std::uint32_t rank = 1;
    unsigned rank_vars = 0;       // κ = ⌈log2 r⌉
    unsigned factor_bits = 16;    // U, V ∈ [−2^{f−1}, 2^{f−1})
    double residual_max = 0;
    std::uint64_t residual = 0;   // e_q: E ∈ [−e_q, e_q]; 0: no residual
    unsigned residual_bits = 0;
  };
  struct Sparse {
    std::uint64_t slots = 1;      // s
    unsigned slot_vars = 0;       // σ = ⌈log2 s⌉
  };
  struct Projection {
    double max = 0;
    std::uint64_t bound_sq = 0;   // accept iff (1/k) Σ y_j² ≤ bound_sq
    std::uint32_t count = 64;     // k
  };
  std::optional<Norm> norm;
  std::optional<Entry> entry;
  std::optional<LowRank> low_rank;
  std::optional<Sparse> sparse;
  std::optional<Projection> projection;
};

// Resolves `policy` for every tensor of `layout` at scale 2^scale_log2. ArgumentError,
// naming the tensor and the rule, on a constraint that cannot be certified without
// wraparound, needs a range table above 2^24, or does not fit the tensor's shape.
inline std::vector<TensorConstraints> resolve_constraints(const Policy& policy, const ModelLayout& layout,
                                                          int scale_log2) {
  if (scale_log2 < -1024 || scale_log2 > 1024) throw ArgumentError("drift: scale_log2 must be in [-1024, 1024]");
  std::vector<TensorConstraints> out;
  for (std::size_t t = 0; t < layout.size(); ++t) {
    const ModelTensor& x = layout.tensor(t);
    TensorConstraints c;
    c.tensor = t;
    c.rule = policy.match(x.name);
    if (!c.rule) {
      out.push_back(c);
      continue;
    }
    const PolicyRule& r = policy.rules[*c.rule];
    const std::string where = "tensor '" + x.name + "' (rule " + std::to_string(*c.rule) + ")";
    c.frozen = r.frozen;
    const unsigned d = x.log_size;
    if (r.norm) {
      TensorConstraints::Norm n;
      n.max = r.norm->max;
      const std::uint64_t tau = to_fixed(n.max, scale_log2, where + " norm");
      n.bound_sq = to_fixed_squared(n.max, scale_log2, where + " norm");
      n.range_bits = bit_length(tau) + 1;
      if (n.range_bits > kMaxRangeBits)
        throw ArgumentError(where + ": the norm bound needs entries of " + std::to_string(n.range_bits) +
                            " bits, above the 2^24-entry range table; lower the scale or the bound");
      if (d + 2 * (n.range_bits - 1) > 62)
        throw ArgumentError(where + ": the norm bound could wrap mod p: 2^" + std::to_string(d) + " entries of up to 2^" +
                            std::to_string(n.range_bits - 1) + " squared reach 2^62; lower the scale or the bound");
      c.norm = n;
    }
    if (r.entry) {
      TensorConstraints::Entry e;
      e.max = r.entry->max;
      e.eps = to_fixed(e.max, scale_log2, where + " entry");
      e.range_bits = bit_length(2 * e.eps);
      if (e.eps >= (std::uint64_t{1} << (kMaxRangeBits - 1)) || e.range_bits > kMaxRangeBits)
        throw ArgumentError(where + ": the entry bound needs a range table above 2^24 entries; lower the scale or the bound");
      c.entry = e;
    }
    if (r.low_rank) {
      TensorConstraints::LowRank l;
      l.rank = r.low_rank->rank;
      l.factor_bits = r.low_rank->factor_bits;
      l.residual_max = r.low_rank->residual_max;
      if (x.rows() < 2 || x.cols() < 2)
        throw ArgumentError(where + ": a low-rank constraint needs a matrix (two dimensions of at least 2), the shape has " +
                            std::to_string(x.rows()) + " rows and " + std::to_string(x.cols()) + " columns");
      if (l.rank >= std::min(x.rows(), x.cols()))
        throw ArgumentError(where + ": rank " + std::to_string(l.rank) + " is not below min(rows, cols) = " +
                            std::to_string(std::min(x.rows(), x.cols())) + ": the constraint says nothing");
      if (l.factor_bits < 1 || l.factor_bits > kMaxRangeBits)
        throw ArgumentError(where + ": factor_bits must be in [1, 24]");
      l.rank_vars = log2_ceil(l.rank);
      l.residual = to_fixed(l.residual_max, scale_log2, where + " residual");
      l.residual_bits = l.residual ? bit_length(2 * l.residual) : 0;
      if (l.residual >= (std::uint64_t{1} << (kMaxRangeBits - 1)))
        throw ArgumentError(where + ": the residual bound needs a range table above 2^24 entries");
      const unsigned __int128 prod = static_cast<unsigned __int128>(l.rank) << (2 * (l.factor_bits - 1));
      if (prod + l.residual > kNoWrapLimit)
        throw ArgumentError(where + ": rank·2^(2(factor_bits−1)) + residual reaches 2^62: U·V + E could wrap mod p");
      c.low_rank = l;
    }
    if (r.sparse) {
      TensorConstraints::Sparse s;
      s.slots = r.sparse->max_nonzeros;
      if (x.col_vars() == 0)
        throw ArgumentError(where + ": a sparse constraint needs a matrix view with at least two columns (the shape (" +
                            std::to_string(x.rows()) + ", 1) has one); store the tensor as a vector");
      if (s.slots >= x.numel)
        throw ArgumentError(where + ": max_nonzeros " + std::to_string(s.slots) + " is not below the " +
                            std::to_string(x.numel) + " entries: the constraint says nothing");
      s.slot_vars = log2_ceil(s.slots);
      c.sparse = s;
    }
    if (r.projection) {
      TensorConstraints::Projection p;
      p.max = r.projection->max;
      p.bound_sq = to_fixed_squared(p.max, scale_log2, where + " projection");
      p.count = r.projection->projections;
      c.projection = p;
    }
    out.push_back(c);
  }
  return out;
}

// The canonical bytes of the resolved constraints (absorbed by the certificate's
// transcript beside the policy digest): per tensor a mask and the integer parameters.
inline std::vector<std::uint8_t> encode_constraints(std::span<const TensorConstraints> cs) {
  ByteWriter w;
  w.u64(cs.size());
  for (const auto& c : cs) {
    w.u8(static_cast<std::uint8_t>((c.frozen ? 1 : 0) | (c.norm ? 2 : 0) | (c.entry ? 4 : 0) | (c.low_rank ? 8 : 0) |
                                   (c.sparse ? 16 : 0) | (c.projection ? 32 : 0)));
    if (c.norm) {
      w.u64(c.norm->bound_sq);
      w.u8(static_cast<std::uint8_t>(c.norm->range_bits));
    }
    if (c.entry) w.u64(c.entry->eps);
    if (c.low_rank) {
      w.u32(c.low_rank->rank);
      w.u8(static_cast<std::uint8_t>(c.low_rank->factor_bits));
      w.u64(c.low_rank->residual);
    }
    if (c.sparse) w.u64(c.sparse->slots);
    if (c.projection) {
      w.u64(c.projection->bound_sq);
      w.u32(c.projection->count);
    }
  }
  return std::move(w).take();
}

}  // namespace vtensor::drift
