// vtensor/commit/detail/whir_hiding.hpp — hiding (zero-knowledge) openings
// (docs/commitment.md, "Hiding mode", gives the simulator).
//
// The commitment is to f̂(x, y) = f(x) for y = 0 and uniform random for y ≠ 0
// (e = mask_vars() extra variables), on salted rows. Opening f(z_l) = v_l:
//  1. P draws a uniformly random ĝ in the same n + e variables, commits it (salted
//     rows) and sends its root and μ_l = ĝ(ẑ_l), ẑ_l = (z_l, 0^e).
//  2. P and V run the batch opening of (f̂, ĝ) at the ẑ_l with values (v_l), (μ_l);
//     it binds both roots and all values before any challenge, draws μ, and from
//     the first folding on works on h = f̂ + μ ĝ.
// V sees: f̂'s and ĝ's rows at the sampled fibers and at the OOD points (f̂'s are
// masked by its random part, ĝ's are uniform), the μ_l (uniform), and a WHIR
// transcript of h, which is uniform and independent of f given h(ẑ_l) = v_l + μ μ_l.
#pragma once

#include "vtensor/commit/whir.hpp"

namespace vtensor {

namespace whir_detail {
// The points at which f̂ is opened: (z, 0^e) for points of f, or as given (masked).
inline std::vector<std::vector<GoldilocksExt2>> hiding_points(const WhirParams& p,
                                                              std::span<const std::vector<GoldilocksExt2>> points,
                                                              bool masked) {
  const unsigned n = masked ? p.committed_vars() : p.num_vars, nc = p.committed_vars();
  if (points.empty() || points.size() > kMaxPoints) throw ArgumentError("whir: 1 … 2^16 points");
  std::vector<std::vector<GoldilocksExt2>> ext;
  for (const auto& z : points) {
    if (z.size() != n) throw ArgumentError("whir: a point has the wrong number of coordinates");
    ext.push_back(z);
    ext.back().resize(nc, GoldilocksExt2::zero());
  }
  return ext;
}
}  // namespace whir_detail

inline std::vector<std::uint8_t> Whir::open_hiding(const WhirProverData& pd, std::span<const std::vector<E>> points,
                                                   std::span<const E> values, Transcript& t) {
  return open_hiding_impl(pd, whir_detail::hiding_points(pd.params, points, false), values, t);
}
inline std::vector<std::uint8_t> Whir::open_hiding_masked(const WhirProverData& pd,
                                                          std::span<const std::vector<E>> points,
                                                          std::span<const E> values, Transcript& t) {
  if (pd.params.hiding_openings == 0) throw ArgumentError("whir open_hiding_masked: not a hiding commitment");
  // The masked values spend the random half beyond the codeword symbols: one opening's
  // worth is kept in reserve for them (docs/zk.md).
  if (pd.openings_done + 1 >= pd.params.hiding_openings)
    throw ArgumentError("whir open_hiding_masked: a masked opening needs an unspent opening in reserve (" +
                        std::to_string(pd.openings_done) + " of " + std::to_string(pd.params.hiding_openings) +
                        " spent)");
  return open_hiding_impl(pd, whir_detail::hiding_points(pd.params, points, true), values, t);
}

inline std::vector<std::uint8_t> Whir::open_hiding_impl(const WhirProverData& pd,
                                                        const std::vector<std::vector<E>>& ext,
                                                        std::span<const E> values, Transcript& t) {
  using namespace whir_detail;
  const WhirParams& p = pd.params;
  const unsigned nc = p.committed_vars();
  if (ext.size() != values.size()) throw ArgumentError("whir open: points and values must be equally many");
  if (pd.openings_done >= p.hiding_openings)
    throw ArgumentError("whir open: this hiding commitment's " + std::to_string(p.hiding_openings) +
                        " openings are spent (more would reveal the mask)");
  WhirProverData mask;
  mask.params = p;
  mask.table = csprng_fields(std::size_t{1} << nc);
  encode_and_hash(mask);
  std::vector<E> mu_vals;
  for (const auto& z : ext) mu_vals.push_back(mle_evaluate<E, Goldilocks>(mask.table, z));
  ++pd.openings_done;
  ByteWriter w;
  w.bytes(std::span<const std::uint8_t>(mask.tree.root().data(), Digest::kSize));
  w.fields<E>(mu_vals);
  const WhirProverData* pds[2] = {&pd, &mask};
  const std::vector<std::vector<E>> vals{std::vector<E>(values.begin(), values.end()), mu_vals};
  const auto inner = open_batch(pds, ext, vals, t);
  w.bytes(inner);
  return std::move(w).take();
}

inline void Whir::verify_hiding(const WhirParams& p, const WhirCommitment& c, std::span<const std::vector<E>> points,
                                std::span<const E> values, std::span<const std::uint8_t> proof, Transcript& t) {
  verify_hiding_impl(p, c, points, false, values, proof, t);
}
inline void Whir::verify_hiding_masked(const WhirParams& p, const WhirCommitment& c,
                                       std::span<const std::vector<E>> points, std::span<const E> values,
                                       std::span<const std::uint8_t> proof, Transcript& t) {
  if (p.hiding_openings == 0) throw VerifyError("whir verify_hiding_masked: not a hiding commitment");
  verify_hiding_impl(p, c, points, true, values, proof, t);
}

inline void Whir::verify_hiding_impl(const WhirParams& p, const WhirCommitment& c,
                                     std::span<const std::vector<E>> points, bool masked, std::span<const E> values,
                                     std::span<const std::uint8_t> proof, Transcript& t) {
  using namespace whir_detail;
  p.validate();
  if (points.size() != values.size()) throw VerifyError("whir: points and values must be equally many");
  std::vector<std::vector<E>> ext;
  try {
    ext = hiding_points(p, points, masked);
  } catch (const ArgumentError& e) {
    throw VerifyError(e.what());
  }
  ByteReader r(proof, "whir hiding proof");
  const WhirCommitment coms[2] = {c, WhirCommitment{Digest::from_bytes(r.bytes(Digest::kSize, "mask root").data())}};
  const auto mu_vals = r.fields<E>(points.size(), "mask value");
  const std::size_t head = Digest::kSize + points.size() * E::kByteSize;
  const std::vector<std::vector<E>> vals{std::vector<E>(values.begin(), values.end()), mu_vals};
  verify_batch(p, coms, ext, vals, proof.subspan(head), t);
}

}  // namespace vtensor
