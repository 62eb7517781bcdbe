// fuzz/fuzz_whir_common.hpp — the WHIR subjects of fuzz_whir and the seed-corpus
// generator (docs/fuzzing.md). Separate from fuzz_common.hpp so that the other
// targets do not compile the commitment.
//
// A subject is a fixed statement — parameters, commitments, points, claimed values —
// and its honest proof, all built from fixed seeds, so that the proof is the same
// bytes in every process (the seeds in fuzz/corpus/fuzz_whir are these proofs).
// Hiding mode draws its mask, its row salts and the opening's mask polynomial from
// the operating system's CSPRNG; here they come from a seeded generator instead:
// hiding_commit / hiding_open below are Whir::commit / Whir::open_hiding with that
// one change (same wire format: the verifier accepting the seeded proofs is the
// check).
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "fuzz_common.hpp"
#include "vtensor/commit/whir.hpp"

namespace vtensor::fuzz {

struct WhirSubject {
  std::string name;
  WhirParams params;
  std::vector<WhirCommitment> coms;    // one per polynomial
  std::vector<std::vector<E>> points;  // common points
  std::vector<std::vector<E>> values;  // values[j][l] = f_j(z_l)
  bool batch = false;                  // verify_batch (several commitments) or verify_many (one)
  Bytes proof;

  // Throws a vtensor::Error when the proof is rejected. `false_claim`: the first
  // claimed value plus one (a false statement: every proof must be rejected).
  void verify(std::span<const std::uint8_t> proof_bytes, bool false_claim = false) const {
    auto vals = values;
    if (false_claim) vals[0][0] += E::one();
    Transcript t("fuzz/whir", 1, E::kFieldId);
    if (batch)
      Whir::verify_batch(params, coms, points, vals, proof_bytes, t);
    else
      Whir::verify_many(params, coms[0], points, vals[0], proof_bytes, t);
  }
};

namespace whir_fixture {

inline Transcript transcript() { return Transcript("fuzz/whir", 1, E::kFieldId); }

// Rows of `width` elements → rows of width + kRowSalt, seeded salt (whir_detail::salt_rows's layout).
inline std::vector<F> seeded_salt_rows(std::span<const F> rows, std::size_t width, std::mt19937_64& rng) {
  const std::size_t count = rows.size() / width, out_w = width + whir_detail::kRowSalt;
  std::vector<F> out;
  out.reserve(count * out_w);
  for (std::size_t j = 0; j < count; ++j) {
    out.insert(out.end(), rows.begin() + static_cast<std::ptrdiff_t>(j * width),
               rows.begin() + static_cast<std::ptrdiff_t>((j + 1) * width));
    for (unsigned s = 0; s < whir_detail::kRowSalt; ++s) out.push_back(random_fp(rng));
  }
  return out;
}

// Whir::encode_and_hash with seeded salt.
inline void seeded_encode_and_hash(WhirProverData& pd, std::mt19937_64& rng) {
  const auto sched = pd.params.schedule();
  const unsigned fold = sched.empty() ? 0 : sched[0].fold;
  const std::size_t width = std::size_t{1} << fold;
  pd.fibers = whir_detail::encode_fibers<F>(pd.table, pd.params.committed_vars() + pd.params.log_inv_rate, fold);
  pd.row_salt = whir_detail::kRowSalt;
  pd.fibers = seeded_salt_rows(pd.fibers, width, rng);
  pd.tree = MerkleTree::from_rows<F>(pd.fibers, width + pd.row_salt);
}

// Whir::commit in hiding mode, with the mask and salts from rng.
inline WhirProverData hiding_commit(const WhirParams& p, std::span<const F> table, std::mt19937_64& rng) {
  WhirProverData pd;
  pd.params = p;
  pd.table.assign(table.begin(), table.end());
  const auto mask = test::random_fps(rng, (std::size_t{1} << p.committed_vars()) - table.size());
  pd.table.insert(pd.table.end(), mask.begin(), mask.end());
  seeded_encode_and_hash(pd, rng);
  return pd;
}

// Whir::open_hiding, with the mask polynomial ĝ and its salts from rng.
inline Bytes hiding_open(const WhirProverData& pd, std::span<const std::vector<E>> points, std::span<const E> values,
                         std::mt19937_64& rng) {
  const WhirParams& p = pd.params;
  std::vector<std::vector<E>> ext;
  for (const auto& z : points) {
    ext.push_back(z);
    ext.back().resize(p.committed_vars(), E::zero());
  }
  WhirProverData mask;
  mask.params = p;
  mask.table = test::random_fps(rng, std::size_t{1} << p.committed_vars());
  seeded_encode_and_hash(mask, rng);
  std::vector<E> mu_vals;
  for (const auto& z : ext) mu_vals.push_back(mle_evaluate<E, F>(mask.table, z));
  ByteWriter w;
  w.bytes(std::span<const std::uint8_t>(mask.tree.root().data(), Digest::kSize));
  w.fields<E>(mu_vals);
  const WhirProverData* pds[2] = {&pd, &mask};
  const std::vector<std::vector<E>> vals{std::vector<E>(values.begin(), values.end()), mu_vals};
  auto t = transcript();
  w.bytes(Whir::open_batch(pds, ext, vals, t));
  return std::move(w).take();
}

// num_polys polynomials in p.num_vars variables, opened at num_points common points.
inline WhirSubject make(std::string name, const WhirParams& p, std::size_t num_polys, std::size_t num_points,
                        std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  WhirSubject s;
  s.name = std::move(name);
  s.params = p;
  s.batch = num_polys > 1;
  std::vector<std::vector<F>> tables;
  std::vector<WhirProverData> pds;
  for (std::size_t j = 0; j < num_polys; ++j) {
    tables.push_back(test::random_fps(rng, std::size_t{1} << p.num_vars));
    if (p.hiding_openings > 0) {
      pds.push_back(hiding_commit(p, tables.back(), rng));
      s.coms.push_back(WhirCommitment{pds.back().tree.root()});
    } else {
      auto [com, pd] = Whir::commit(p, tables.back());
      s.coms.push_back(com);
      pds.push_back(std::move(pd));
    }
  }
  for (std::size_t l = 0; l < num_points; ++l) s.points.push_back(test::random_exts(rng, p.num_vars));
  for (const auto& table : tables) {
    s.values.emplace_back();
    for (const auto& z : s.points) s.values.back().push_back(mle_evaluate<E, F>(table, z));
  }
  auto t = transcript();
  if (p.hiding_openings > 0) {
    if (num_polys != 1) broken_fixture("hiding subjects open one polynomial");
    s.proof = hiding_open(pds[0], s.points, s.values[0], rng);
  } else if (num_polys == 1) {
    s.proof = Whir::open_many(pds[0], s.points, s.values[0], t);
  } else {
    std::vector<const WhirProverData*> ptrs;
    for (const auto& pd : pds) ptrs.push_back(&pd);
    s.proof = Whir::open_batch(ptrs, s.points, s.values, t);
  }
  return s;
}

inline WhirParams params(unsigned n, unsigned rate, unsigned fold, unsigned final_vars, unsigned bits,
                         WhirRegime regime = WhirRegime::kJohnson) {
  WhirParams p{n, rate, fold, final_vars, bits};
  p.regime = regime;
  return p;
}

}  // namespace whir_fixture

// The subjects (selector byte mod 5):
//   0  unique decoding, n = 7 (R = 1, k = 3, final 2, λ = 16), one point
//   1  Johnson with grinding, n = 9 (R = 1, k = 2, final 3, λ = 118, ≤ 6 pow bits):
//      OOD answers and proof-of-work nonces in the proof; two points
//   2  hiding, n = 5 (R = 2, k = 4, final 6, λ = 16, one opening): mask root and
//      mask values before the inner batch proof; one point
//   3  a batch of two commitments (verify_batch), Johnson, n = 6 (R = 1, k = 2,
//      final 2, λ = 32, ≤ 4 pow bits), two points
//   4  the table sent whole (n = 4 ≤ final_vars = 6), two points
inline const std::vector<WhirSubject>& whir_subjects() {
  static const std::vector<WhirSubject> all = [] {
    using namespace whir_fixture;
    std::vector<WhirSubject> v;
    v.push_back(make("unique decoding n=7", params(7, 1, 3, 2, 16, WhirRegime::kUniqueDecoding), 1, 1, 0xF7A0));
    WhirParams ground = params(9, 1, 2, 3, 118);
    ground.max_pow_bits = 6;
    v.push_back(make("Johnson+grinding n=9", ground, 1, 2, 0xF7A1));
    WhirParams hiding = params(5, 2, 4, 6, 16);
    hiding.hiding_openings = 1;
    v.push_back(make("hiding n=5", hiding, 1, 1, 0xF7A2));
    WhirParams batch = params(6, 1, 2, 2, 32);
    batch.max_pow_bits = 4;
    v.push_back(make("batch of 2, n=6", batch, 2, 2, 0xF7A3));
    v.push_back(make("whole table n=4", params(4, 1, 4, 6, 16), 1, 2, 0xF7A4));
    return v;
  }();
  return all;
}

// Every subject accepts its honest proof and rejects it for a false claim; a
// hiding proof made by the library's own prover (CSPRNG) for the same parameters
// and points is accepted too. (Its length may differ from the seeded one: the
// number of distinct query indices depends on the transcript.)
inline void self_check_whir() {
  for (const auto& s : whir_subjects()) {
    try {
      s.verify(s.proof);
    } catch (const Error& e) {
      broken_fixture(s.name + " rejects its own proof: " + e.what());
    }
    bool rejected = false;
    try {
      s.verify(s.proof, true);
    } catch (const Error&) {
      rejected = true;
    }
    if (!rejected) broken_fixture(s.name + " accepts its proof for a false claim");
    if (s.params.hiding_openings > 0) {
      std::mt19937_64 rng(1);
      const auto table = test::random_fps(rng, std::size_t{1} << s.params.num_vars);
      auto [com, pd] = Whir::commit(s.params, table);
      std::vector<E> vals;
      for (const auto& z : s.points) vals.push_back(mle_evaluate<E, F>(table, z));
      auto t = whir_fixture::transcript();
      const auto lib = Whir::open_many(pd, s.points, vals, t);
      auto t2 = whir_fixture::transcript();
      try {
        Whir::verify_many(s.params, com, s.points, vals, lib, t2);
      } catch (const Error& e) {
        broken_fixture(s.name + ": the library's own hiding proof is rejected: " + e.what());
      }
    }
  }
}

}  // namespace vtensor::fuzz
