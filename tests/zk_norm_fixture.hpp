// The small zero-knowledge norm statement and its valid proof that the in-suite fuzz
// test (test_fuzz_zk.cpp) and the libFuzzer target (fuzz/fuzz_zk_norm.cpp) mutate:
// Δ of 8 entries in [−2, 2], a 4-bit entry bound, τ² = Σ Δ² + 3, 24-bit parameters.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "vtensor/proofs/drift/zk_norm.hpp"

namespace vtensor::test {

struct ZkNormFixture {
  drift::ZkNormStatement st;
  std::shared_ptr<WhirProverData> pd;  // Δ's hiding commitment (the statement's table points at it)
  std::vector<std::uint8_t> valid;

  Transcript transcript() const {
    Transcript t("test/zk-norm-fixture", 1, GoldilocksExt2::kFieldId);
    t.absorb("delta", st.terms[0].com.root.bytes);
    t.seal_statement();
    return t;
  }
  // Throws DecodeError or VerifyError unless `in` is accepted.
  void verify(std::span<const std::uint8_t> in) const {
    Transcript t = transcript();
    ByteReader rd(in, "zk norm proof");
    drift::verify_zk_norm(t, st, rd);
    rd.finish();
  }
};

inline ZkNormFixture make_zk_norm_fixture() {
  ZkNormFixture f;
  std::vector<Goldilocks> d(8);
  std::uint64_t S = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const std::int64_t v = static_cast<std::int64_t>(i % 5) - 2;
    d[i] = Goldilocks::from_i64(v);
    S += static_cast<std::uint64_t>(v * v);
  }
  WhirParams p;
  p.num_vars = 3;
  p.security_bits = 24;
  p.final_vars = 2;
  p.hiding_openings = 2;
  f.st.entry_bits = 4;
  f.st.tau_sq = S + 3;
  f.st.base = p;
  f.st.base.hiding_openings = 0;
  auto [c, pd] = Whir::commit(p, d);
  f.pd = std::make_shared<WhirProverData>(std::move(pd));
  f.st.terms = {zk_table_of(p, c, f.pd.get())};
  f.st.coeffs = {Goldilocks::one()};
  Transcript t = f.transcript();
  ByteWriter w;
  drift::prove_zk_norm(t, f.st, w);
  f.valid = std::move(w).take();
  return f;
}

}  // namespace vtensor::test
