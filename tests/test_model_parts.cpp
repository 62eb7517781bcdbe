// Multi-part model commitments (commit/model_parts.hpp): parts' roots against the
// in-memory WHIR commit of each part's rotated table, openings of claims on tensors
// in several parts, rejection of wrong claims, swapped roots and mutated proofs.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <random>
#include <string>

#include <unistd.h>

#include "model_test_util.hpp"
#include "test_util.hpp"
#include "vtensor/commit/model_parts.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

// n = 12: padded 512 ×5, 256 ×2, 8, 1 = 3081 entries. With parts of 2^9: the 512s fill
// parts 0–4, the 256s part 5, "norm" and "bias" part 6, part 7 is empty.
const std::vector<ModelTensorSpec> kSpecs{{"embed", 512}, {"l0.w", 500}, {"l1.w", 300}, {"l2.w", 257},
                                          {"l3.w", 200},  {"l4.w", 129}, {"norm", 7},   {"bias", 1},
                                          {"head", 512}};

MemoryModelSource make_model(std::mt19937_64& rng, std::span<const ModelTensorSpec> specs, unsigned min_vars = 0) {
  std::vector<std::vector<F>> data;
  for (const auto& s : specs) data.push_back(test::random_fps(rng, s.numel));
  return MemoryModelSource(ModelLayout(specs, min_vars), std::move(data));
}

E tensor_value(const MemoryModelSource& src, std::size_t t, std::span<const E> r) {
  std::vector<F> v = src.tensor_data(t);
  v.resize(src.layout().tensor(t).padded(), F::zero());
  return mle_evaluate<E, F>(v, r);
}

ModelClaim honest_claim(std::mt19937_64& rng, const MemoryModelSource& src, std::size_t t) {
  ModelClaim c;
  c.tensor = t;
  c.point = test::random_exts(rng, src.layout().tensor(t).log_size);
  c.value = tensor_value(src, t, c.point);
  return c;
}

// Records every read: a part's commit reads only inside that part.
class RecordingSource final : public ModelSource {
 public:
  explicit RecordingSource(ModelSource& inner) : inner_(inner) {}
  const ModelLayout& layout() const override { return inner_.layout(); }
  void read(std::uint64_t off, std::span<Goldilocks> out) override {
    std::lock_guard<std::mutex> lock(mu_);
    reads.emplace_back(off, out.size());
    inner_.read(off, out);
  }
  std::vector<std::pair<std::uint64_t, std::size_t>> reads;

 private:
  ModelSource& inner_;
  std::mutex mu_;
};

std::vector<std::uint8_t> prove(const ModelPartsProverData& pd, ModelSource& src, std::span<const ModelClaim> claims) {
  Transcript t("test/model-parts", 1, E::kFieldId);
  return open_model(pd, src, claims, t);
}

void verify(const WhirParams& p, const ModelLayout& l, const ModelCommitment& com, std::span<const ModelClaim> claims,
            std::span<const std::uint8_t> proof) {
  Transcript t("test/model-parts", 1, E::kFieldId);
  verify_model(p, l, com, claims, proof, t);
}

bool accepts(const WhirParams& p, const ModelLayout& l, const ModelCommitment& com, std::span<const ModelClaim> claims,
             std::span<const std::uint8_t> proof) {
  return test::verifies([&] { verify(p, l, com, claims, proof); });
}

}  // namespace

TEST_CASE("model parts: part count and n_part") {
  CHECK(model_part_vars(33, 1) == 31);
  CHECK(model_part_vars(33, 2) == 30);
  CHECK(model_part_vars(30, 2) == 30);
  CHECK(model_part_vars(12, 2, 9) == 9);
  CHECK(model_part_vars(8, 2, 9) == 8);
  CHECK(model_part_vars(40, 1, 35) == 31);
}

TEST_CASE("model parts: every part's root is the WHIR root of its rotated table") {
  test::TempDir dir("parts_roots");
  std::mt19937_64 rng(11);
  auto big = make_model(rng, kSpecs);
  REQUIRE(big.layout().num_vars() == 12);
  // n = 10 of tensors ≤ 2^5, for parts of 2^5 ≤ final_vars (each committed in memory).
  std::vector<ModelTensorSpec> small_specs;
  for (int i = 0; i < 20; ++i) small_specs.push_back({"t" + std::to_string(i), 1 + rng() % 32});
  auto small = make_model(rng, small_specs, 10);
  struct Case {
    MemoryModelSource* src;
    unsigned max_part, c, r, k, fin;
    std::size_t block;
  };
  for (const Case cs : {Case{&big, 9, 4, 2, 4, 4, 1 << 22},   // 8 parts, m = 5 > k0 = 4
                        Case{&big, 9, 24, 1, 3, 2, 256},      // c = 6, several phase-2 blocks
                        Case{&big, 10, 2, 2, 2, 3, 64},       // 4 parts
                        Case{&big, 9, 0, 1, 2, 0, 64},        // c = 0
                        Case{&big, 0, 5, 2, 4, 4, 1 << 22},   // one part: n_part = n
                        Case{&small, 5, 24, 1, 4, 6, 1 << 22}}) {  // 32 parts, n_part ≤ final_vars
    MemoryModelSource& src = *cs.src;
    const unsigned n = src.layout().num_vars();
    CAPTURE(n);
    CAPTURE(cs.max_part);
    CAPTURE(cs.c);
    CAPTURE(cs.r);
    const auto m = read_model_table(src);
    const WhirParams p = test::model_params(n, cs.r, cs.k, cs.fin);
    ModelCommitOptions opt;
    opt.chunk_log = cs.c;
    opt.dir = dir.path;
    opt.block_entries = cs.block;
    opt.max_part_vars = cs.max_part;
    const unsigned np = model_part_vars(n, cs.r, cs.max_part);
    RecordingSource rec(src);
    {
      const ModelPartsProverData pd = commit_model_parts(p, rec, opt);
      CHECK(pd.part_vars() == np);
      CHECK(pd.num_parts() == (std::size_t{1} << (n - np)));
      CHECK(dir.files() == pd.num_parts());  // one codeword file per part, no scratch left
      const WhirParams pp = model_part_params(p, np);
      CHECK(pd.chunk_log() == model_chunk_log(pp, cs.c));
      for (std::size_t q = 0; q < pd.num_parts(); ++q) {
        const std::vector<F> part(m.begin() + static_cast<std::ptrdiff_t>(q << np),
                                  m.begin() + static_cast<std::ptrdiff_t>((q + 1) << np));
        const auto [com, wpd] = Whir::commit(pp, model_to_whir_table(part, pd.chunk_log()));
        CHECK(pd.root(q) == com.root);
        CHECK(std::filesystem::file_size(pd.codeword_path(q)) == wpd.fibers.size() * 8);
      }
      // Parts are committed one after the other; no read crosses a part boundary.
      std::uint64_t last_part = 0;
      for (const auto& [off, len] : rec.reads) {
        CHECK(len <= (std::size_t{1} << np));
        CHECK((off >> np) == ((off + len - 1) >> np));
        CHECK((off >> np) >= last_part);
        last_part = off >> np;
      }
      if (np == n) CHECK(commit_model(p, src, opt).root() == pd.root(0));  // one part: the one-polynomial root
      // The public commitment round-trips through its encoding.
      const auto bytes = pd.commitment().encode();
      CHECK(bytes.size() == 22 + 32 * pd.num_parts());
      CHECK(ModelCommitment::decode(bytes) == pd.commitment());
      for (std::size_t len = 0; len < bytes.size(); ++len)
        CHECK_THROWS_AS(ModelCommitment::decode(std::span<const std::uint8_t>(bytes.data(), len)), DecodeError);
      auto trailing = bytes;
      trailing.push_back(0);
      CHECK_THROWS_AS(ModelCommitment::decode(trailing), DecodeError);
      auto bad_count = bytes;
      bad_count[18] ^= 1;  // the part count
      CHECK_THROWS_AS(ModelCommitment::decode(bad_count), DecodeError);
    }
    CHECK(dir.files() == 0);
  }
}

TEST_CASE("model parts: claims on tensors in different parts verify; wrong claims, tensors and roots fail") {
  test::TempDir dir("parts_open");
  std::mt19937_64 rng(12);
  auto src = make_model(rng, kSpecs);
  const ModelLayout& l = src.layout();
  const WhirParams p = test::model_params(12, 2, 4, 4);
  ModelCommitOptions opt;
  opt.chunk_log = 4;
  opt.dir = dir.path;
  opt.max_part_vars = 9;
  const ModelPartsProverData pd = commit_model_parts(p, src, opt);
  REQUIRE(pd.num_parts() == 8);
  const ModelCommitment com = pd.commitment();

  // embed (part 0), l3.w and l4.w (part 5), norm and bias (part 6), head (part 4).
  const std::size_t e = 0, l3 = 4, l4 = 5, norm = 6, bias = 7, head = 8;
  CHECK(pd.part_of(e) == 0);
  CHECK(pd.part_of(l3) == 5);
  CHECK(pd.part_of(l4) == 5);
  CHECK(pd.part_of(norm) == 6);
  CHECK(pd.part_of(bias) == 6);
  CHECK(pd.part_of(head) == 4);
  std::vector<ModelClaim> claims;
  for (std::size_t t : {e, l3, l4, norm, bias, head}) claims.push_back(honest_claim(rng, src, t));
  // Each claim's part point reads the tensor's value from its part's rotated table.
  for (const auto& c : claims) {
    const auto part = pd.read_part(src, pd.part_of(c.tensor));
    CHECK(mle_evaluate<E, F>(model_to_whir_table(part, pd.chunk_log()), pd.whir_point(c.tensor, c.point)) == c.value);
  }
  const auto proof = prove(pd, src, claims);
  CHECK_NOTHROW(verify(p, l, com, claims, proof));
  // The proof carries parts × points values after a 14-byte header.
  CHECK(proof.size() > 14 + 8 * claims.size() * E::kByteSize);

  SUBCASE("a wrong claimed value") {
    auto bad = claims;
    bad[3].value += E::one();
    CHECK_THROWS_AS(verify(p, l, com, bad, proof), VerifyError);
    CHECK_THROWS_AS(prove(pd, src, bad), ArgumentError);
  }
  SUBCASE("a claim attributed to the wrong tensor") {
    // l1.w and l2.w both have 2^9 entries (parts 2 and 3): l1.w's value at r claimed for l2.w.
    std::vector<ModelClaim> one{honest_claim(rng, src, 2)};
    const auto p1 = prove(pd, src, one);
    CHECK_NOTHROW(verify(p, l, com, one, p1));
    auto moved = one;
    moved[0].tensor = 3;
    CHECK_THROWS_AS(verify(p, l, com, moved, p1), VerifyError);
    moved[0].tensor = 6;  // norm: another number of variables
    CHECK_THROWS_AS(verify(p, l, com, moved, p1), VerifyError);
    moved[0].tensor = 99;
    CHECK_THROWS_AS(verify(p, l, com, moved, p1), VerifyError);
    // Same part, same size: l3.w and l4.w (part 5).
    auto swapped = claims;
    std::swap(swapped[1].tensor, swapped[2].tensor);
    CHECK_THROWS_AS(verify(p, l, com, swapped, proof), VerifyError);
  }
  SUBCASE("a swapped part root") {
    auto c2 = com;
    std::swap(c2.parts[0], c2.parts[1]);
    CHECK_THROWS_AS(verify(p, l, c2, claims, proof), VerifyError);
    auto c3 = com;
    std::swap(c3.parts[6], c3.parts[7]);  // parts 6 (claimed) and 7 (empty)
    CHECK_THROWS_AS(verify(p, l, c3, claims, proof), VerifyError);
    auto c4 = com;
    c4.parts[7].root.bytes[0] ^= 1;  // a part no claim names
    CHECK_THROWS_AS(verify(p, l, c4, claims, proof), VerifyError);
  }
  SUBCASE("a commitment that does not fit the layout") {
    auto c2 = com;
    c2.chunk_log += 1;  // another statement: another transcript
    CHECK_FALSE(accepts(p, l, c2, claims, proof));
    auto c3 = com;
    c3.part_vars = 10;  // 4 parts needed, 8 given
    CHECK_THROWS_AS(verify(p, l, c3, claims, proof), VerifyError);
    auto c4 = com;
    c4.part_vars = 8;  // the 512-entry tensors do not fit
    c4.parts.resize(16, c4.parts[0]);
    CHECK_THROWS_AS(verify(p, l, c4, claims, proof), VerifyError);
    CHECK_THROWS_AS(verify(test::model_params(13, 2, 4, 4), l, com, claims, proof), ArgumentError);
  }
  SUBCASE("the claims must match the proof's") {
    const std::vector<ModelClaim> fewer(claims.begin(), claims.end() - 1);
    CHECK_THROWS_AS(verify(p, l, com, fewer, proof), DecodeError);
    CHECK_THROWS_AS(verify(p, l, com, std::vector<ModelClaim>{}, proof), VerifyError);
    auto reordered = claims;
    std::swap(reordered[0], reordered[5]);
    CHECK_FALSE(accepts(p, l, com, reordered, proof));
  }
}

TEST_CASE("model parts: one part is the same protocol") {
  test::TempDir dir("parts_one");
  std::mt19937_64 rng(13);
  auto src = make_model(rng, kSpecs);
  const WhirParams p = test::model_params(12, 2, 4, 4);
  ModelCommitOptions opt;
  opt.chunk_log = 5;
  opt.dir = dir.path;
  const ModelPartsProverData pd = commit_model_parts(p, src, opt);
  REQUIRE(pd.num_parts() == 1);
  const std::vector<ModelClaim> claims{honest_claim(rng, src, 0), honest_claim(rng, src, 7)};
  for (const auto& c : claims) CHECK(pd.whir_point(c.tensor, c.point) == src.layout().whir_point(c.tensor, c.point, pd.chunk_log()));
  const auto proof = prove(pd, src, claims);
  CHECK(proof[6] == 1);  // parts
  CHECK_NOTHROW(verify(p, src.layout(), pd.commitment(), claims, proof));
  auto bad = claims;
  bad[1].value += E::one();
  CHECK_THROWS_AS(verify(p, src.layout(), pd.commitment(), bad, proof), VerifyError);
}

TEST_CASE("model parts: every mutated byte of a small proof is rejected; malformed bytes are DecodeErrors") {
  test::TempDir dir("parts_mutate");
  std::mt19937_64 rng(14);
  // n = 6 in 4 parts of 2^4; λ = 24 keeps the proof small.
  const std::vector<ModelTensorSpec> specs{{"a", 16}, {"b", 9}, {"c", 16}, {"d", 3}, {"e", 1}};
  auto src = make_model(rng, specs, 6);
  const ModelLayout& l = src.layout();
  const WhirParams p = test::model_params(6, 1, 2, 1, 24);
  ModelCommitOptions opt;
  opt.chunk_log = 1;
  opt.dir = dir.path;
  opt.max_part_vars = 4;
  const ModelPartsProverData pd = commit_model_parts(p, src, opt);
  REQUIRE(pd.num_parts() == 4);
  const std::vector<ModelClaim> claims{honest_claim(rng, src, 1), honest_claim(rng, src, 3)};
  REQUIRE(pd.part_of(1) != pd.part_of(3));
  const auto proof = prove(pd, src, claims);
  const ModelCommitment com = pd.commitment();
  REQUIRE(accepts(p, l, com, claims, proof));
  MESSAGE("small model proof: " << proof.size() << " bytes");

  const auto accepted = test::accepted_mutations(
      proof, {0x01, 0x80}, [&](const std::vector<std::uint8_t>& m) { return accepts(p, l, com, claims, m); });
  CHECK_MESSAGE(accepted.empty(), "mutations accepted, first at byte " << (accepted.empty() ? 0 : accepted[0]));

  for (std::size_t len = 0; len < proof.size(); ++len)
    CHECK_THROWS_AS(verify(p, l, com, claims, std::span<const std::uint8_t>(proof.data(), len)), DecodeError);
  auto trailing = proof;
  trailing.push_back(0);
  CHECK_THROWS_AS(verify(p, l, com, claims, trailing), DecodeError);
  auto models = proof;
  models[6] = 2;  // u32 models at byte 6
  CHECK_THROWS_AS(verify(p, l, com, claims, models), DecodeError);
  auto parts = proof;
  parts[10] = 3;  // u32 parts at byte 10
  CHECK_THROWS_AS(verify(p, l, com, claims, parts), DecodeError);
  auto points = proof;
  points[14] = 3;  // u32 points at byte 14
  CHECK_THROWS_AS(verify(p, l, com, claims, points), DecodeError);
  auto version = proof;
  version[4] = 1;
  CHECK_THROWS_AS(verify(p, l, com, claims, version), DecodeError);
  auto noncanon = proof;  // the first value's first coordinate := p
  for (int i = 0; i < 8; ++i) noncanon[18 + i] = static_cast<std::uint8_t>(Goldilocks::kModulus >> (8 * i));
  CHECK_THROWS_AS(verify(p, l, com, claims, noncanon), DecodeError);
}

TEST_CASE("model parts: layouts and options that cannot be cut are refused") {
  std::mt19937_64 rng(15);
  const std::vector<ModelTensorSpec> specs{{"big", 600}, {"small", 10}};
  auto src = make_model(rng, specs);  // n = 11 (1024 + 16)
  const WhirParams p = test::model_params(11, 2, 4, 4);
  ModelCommitOptions opt;
  opt.max_part_vars = 9;
  try {
    commit_model_parts(p, src, opt);
    FAIL("accepted");
  } catch (const ArgumentError& e) {
    const std::string msg = e.what();
    CHECK(msg.find("'big'") != std::string::npos);
    CHECK(msg.find("2^9") != std::string::npos);
  }
  CHECK_THROWS_AS(src.layout().part_of(0, 9), ArgumentError);
  CHECK(src.layout().part_of(1, 9) == 2);

  // More than 2^10 parts.
  const std::vector<ModelTensorSpec> tiny{{"x", 1}};
  auto src2 = make_model(rng, tiny, 12);
  opt.max_part_vars = 1;
  CHECK_THROWS_AS(commit_model_parts(test::model_params(12, 2, 4, 4), src2, opt), ArgumentError);
  // params.num_vars must be the layout's n; hiding is refused.
  opt.max_part_vars = 0;
  CHECK_THROWS_AS(commit_model_parts(test::model_params(10, 2, 4, 4), src, opt), ArgumentError);
  WhirParams h = p;
  h.hiding_openings = 1;
  CHECK_THROWS_AS(commit_model_parts(h, src, opt), ArgumentError);
}
