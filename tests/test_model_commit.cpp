// Streamed model commitments: the layout (placement, encoding), the streamed root
// against the in-memory WHIR commit, an opening of one tensor, file-source errors.
#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include <unistd.h>

#include "model_test_util.hpp"
#include "test_util.hpp"
#include "vtensor/commit/model.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

namespace {

// Up to 10 tensors of mixed sizes whose padded total fits 2^n; n exactly (min_vars).
MemoryModelSource random_model(std::mt19937_64& rng, unsigned n) {
  const std::size_t count = n < 4 ? (std::size_t{1} << n) : 10;
  const std::uint64_t max_numel = n < 4 ? 1 : (std::uint64_t{1} << (n - 4));
  std::vector<ModelTensorSpec> specs;
  std::vector<std::vector<F>> data;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint64_t numel = 1 + rng() % max_numel;
    specs.push_back({"layer." + std::to_string(i) + ".weight", numel});
    data.push_back(test::random_fps(rng, numel));
  }
  return MemoryModelSource(ModelLayout(specs, n), std::move(data));
}

std::vector<F> padded_tensor(const MemoryModelSource& src, std::size_t t) {
  std::vector<F> v = src.tensor_data(t);
  v.resize(src.layout().tensor(t).padded(), F::zero());
  return v;
}

void write_model_file(const std::filesystem::path& p, const MemoryModelSource& src) {
  std::ofstream f(p, std::ios::binary);
  for (std::size_t t = 0; t < src.layout().size(); ++t)
    for (const F& x : src.tensor_data(t)) {
      std::uint8_t b[8];
      x.to_bytes(b);
      f.write(reinterpret_cast<const char*>(b), 8);
    }
}

}  // namespace

TEST_CASE("model layout: buddy placement by decreasing size, aligned, deterministic") {
  const std::vector<ModelTensorSpec> specs{{"a", 3}, {"b", 8}, {"c", 1}, {"d", 5}, {"e", 8}};
  const ModelLayout l(specs);
  CHECK(l.num_vars() == 5);  // 8 + 8 + 8 + 4 + 1 = 29 padded entries
  CHECK(l.tensor(1).offset == 0);
  CHECK(l.tensor(3).offset == 8);
  CHECK(l.tensor(4).offset == 16);
  CHECK(l.tensor(0).offset == 24);
  CHECK(l.tensor(2).offset == 28);
  CHECK(l.tensor(0).log_size == 2);
  CHECK(l.tensor(3).log_size == 3);
  CHECK(l.tensor(2).log_size == 0);
  CHECK(*l.find("d") == 3);
  CHECK_FALSE(l.find("zz").has_value());
  CHECK(ModelLayout(specs, 9).num_vars() == 9);
  CHECK(ModelLayout(specs) == l);

  std::mt19937_64 rng(1);
  for (int rep = 0; rep < 50; ++rep) {
    std::vector<ModelTensorSpec> s;
    const std::size_t count = 1 + rng() % 20;
    for (std::size_t i = 0; i < count; ++i) s.push_back({std::to_string(i), 1 + rng() % 5000});
    const ModelLayout x(s);
    std::uint64_t total = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> blocks;
    for (const auto& t : x.tensors()) {
      CHECK(t.offset % t.padded() == 0);
      CHECK(t.padded() >= t.numel);
      CHECK(t.padded() < 2 * t.numel + 1);
      CHECK(t.offset + t.padded() <= x.table_size());
      blocks.emplace_back(t.offset, t.offset + t.padded());
      total += t.padded();
    }
    std::sort(blocks.begin(), blocks.end());
    for (std::size_t i = 1; i < blocks.size(); ++i) CHECK(blocks[i - 1].second <= blocks[i].first);
    CHECK(x.num_vars() == log2_ceil(total));
  }

  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{}), ArgumentError);
  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{{"a", 1}, {"a", 2}}), ArgumentError);
  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{{"a", 0}}), ArgumentError);
  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{{"", 1}}), ArgumentError);
  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{{"a", 1}}, 41), ArgumentError);
}

TEST_CASE("model layout: encode/decode round trip; malformed encodings are rejected") {
  const std::vector<ModelTensorSpec> specs{{"embed", 1000}, {"ln.w", 7}, {"q", 64}};
  const ModelLayout l(specs, 12);
  const auto bytes = l.encode();
  CHECK(ModelLayout::decode(bytes) == l);
  CHECK(ModelLayout::decode(bytes).encode() == bytes);
  CHECK(l.digest() == sha256(bytes));
  CHECK(ModelLayout(specs).digest() != l.digest());

  for (std::size_t len = 0; len < bytes.size(); ++len)
    CHECK_THROWS_AS(ModelLayout::decode(std::span<const std::uint8_t>(bytes.data(), len)), DecodeError);
  auto trailing = bytes;
  trailing.push_back(0);
  CHECK_THROWS_AS(ModelLayout::decode(trailing), DecodeError);
  auto version = bytes;
  version[4] = 1;  // the old version (numel only)
  CHECK_THROWS_AS(ModelLayout::decode(version), DecodeError);
  auto small_n = bytes;
  small_n[6] = 9;  // n = 9 < the 10 the tensors need
  CHECK_THROWS_AS(ModelLayout::decode(small_n), DecodeError);

  // Every byte matters: a mutation decodes to another layout (whose encoding it is) or throws.
  std::size_t accepted = 0;
  for (std::size_t i = 0; i < bytes.size(); ++i)
    for (std::uint8_t flip : {std::uint8_t{0x01}, std::uint8_t{0x80}, std::uint8_t{0xFF}}) {
      auto b = bytes;
      b[i] ^= flip;
      try {
        const ModelLayout d = ModelLayout::decode(b);
        CHECK_FALSE(d == l);
        CHECK(d.encode() == b);
        ++accepted;
      } catch (const DecodeError&) {
      }
    }
  CHECK(accepted > 0);  // e.g. a changed name byte
}

TEST_CASE("model layout: whir_point maps a tensor's local point to T's point") {
  std::mt19937_64 rng(2);
  for (unsigned n : {0u, 1u, 5u, 9u}) {
    auto src = random_model(rng, n);
    const auto& l = src.layout();
    const auto m = read_model_table(src);
    for (unsigned c = 0; c <= n; ++c) {
      const auto t = model_to_whir_table(m, c);
      for (std::size_t k = 0; k < l.size(); k += 3) {
        const auto r = test::random_exts(rng, l.tensor(k).log_size);
        const E v = mle_evaluate<E, F>(padded_tensor(src, k), r);
        CHECK(mle_evaluate<E, F>(m, l.model_point(k, r)) == v);
        CHECK(mle_evaluate<E, F>(t, l.whir_point(k, r, c)) == v);
      }
    }
  }
}

TEST_CASE("model commit: the streamed root equals the in-memory WHIR root") {
  test::TempDir dir("model_root");
  std::mt19937_64 rng(3);
  struct Case {
    unsigned n, c, r, k, fin;
    std::size_t block;
  };
  // m = n − c' with c' = min(c, n − k0); k0 = min(k, n − fin).
  for (const Case cs : {Case{0, 24, 1, 4, 0, 1 << 22},  // n ≤ final_vars: in memory
                        Case{5, 2, 2, 4, 6, 1 << 22},   // n ≤ final_vars
                        Case{10, 6, 2, 4, 4, 1 << 22},  // m = k0 = 4
                        Case{10, 6, 2, 4, 4, 16},       // m = k0, one y per block
                        Case{12, 5, 2, 3, 2, 1 << 22},  // m = 7 > k0 = 3
                        Case{12, 5, 2, 3, 2, 512},      // several blocks
                        Case{8, 0, 1, 2, 0, 64},        // c = 0: chunks of one entry
                        Case{8, 24, 2, 4, 6, 1 << 22},  // k0 = 2 (n − fin), c = 6
                        Case{9, 4, 3, 1, 3, 128},       // k0 = 1, R = 3
                        Case{14, 24, 1, 4, 6, 1 << 22}, // c = 10, m = 4 = k0
                        Case{14, 7, 2, 4, 6, 4096},     // m = 7
                        Case{19, 24, 5, 4, 6, 1 << 20}}) {  // c + R = 20: one chunk per phase-1 step
    CAPTURE(cs.n);
    CAPTURE(cs.c);
    CAPTURE(cs.r);
    CAPTURE(cs.k);
    CAPTURE(cs.block);
    auto src = random_model(rng, cs.n);
    const WhirParams p = test::model_params(cs.n, cs.r, cs.k, cs.fin);
    ModelCommitOptions opt;
    opt.chunk_log = cs.c;
    opt.dir = dir.path;
    opt.block_entries = cs.block;
    const unsigned c = model_chunk_log(p, cs.c);
    {
      const ModelProverData pd = commit_model(p, src, opt);
      CHECK(pd.chunk_log() == c);
      CHECK(dir.files() == 1);  // the codeword; the scratch file is gone
      const auto t = model_to_whir_table(read_model_table(src), c);
      const auto [com, wpd] = Whir::commit(p, t);
      CHECK(pd.root() == com.root);
      CHECK(std::filesystem::file_size(pd.codeword_path()) == wpd.fibers.size() * 8);
    }
    CHECK(dir.files() == 0);
  }
}

TEST_CASE("model commit: one tensor's MLE opened through whir_point verifies") {
  test::TempDir dir("model_open");
  std::mt19937_64 rng(4);
  for (const unsigned n : {12u, 5u}) {
    CAPTURE(n);
    auto src = random_model(rng, n);
    const WhirParams p = test::model_params(n, 2, 4, 4);
    ModelCommitOptions opt;
    opt.chunk_log = 5;
    opt.dir = dir.path;
    const ModelProverData pd = commit_model(p, src, opt);
    const WhirProverData wpd = pd.materialize(src);
    CHECK(wpd.tree.root() == pd.root());
    for (std::size_t k : {std::size_t{0}, src.layout().size() - 1}) {
      const auto r = test::random_exts(rng, src.layout().tensor(k).log_size);
      const E v = mle_evaluate<E, F>(padded_tensor(src, k), r);
      const auto z = pd.whir_point(k, r);
      CHECK(mle_evaluate<E, F>(wpd.table, z) == v);
      Transcript tp("test/model", 1, E::kFieldId);
      bind_model(tp, pd.layout(), pd.chunk_log());
      const auto proof = Whir::open(wpd, z, v, tp);
      Transcript tv("test/model", 1, E::kFieldId);
      bind_model(tv, pd.layout(), pd.chunk_log());
      CHECK_NOTHROW(Whir::verify(p, pd.commitment(), z, v, proof, tv));
      Transcript tw("test/model", 1, E::kFieldId);
      bind_model(tw, pd.layout(), pd.chunk_log());
      CHECK_THROWS_AS(Whir::verify(p, pd.commitment(), z, v + E::one(), proof, tw), VerifyError);
      if (n > 4) {  // a verifier assuming another chunk log has another transcript
        Transcript tc("test/model", 1, E::kFieldId);
        bind_model(tc, pd.layout(), pd.chunk_log() + 1);
        CHECK_THROWS(Whir::verify(p, pd.commitment(), z, v, proof, tc));
      }
    }
  }
}

TEST_CASE("model commit: file source matches memory; bad files are clear DecodeErrors") {
  test::TempDir dir("model_file");
  std::mt19937_64 rng(5);
  auto src = random_model(rng, 11);
  const auto& l = src.layout();
  const auto file = dir.path / "model.bin";
  write_model_file(file, src);
  FileModelSource fsrc(l, file);
  CHECK(read_model_table(fsrc) == read_model_table(src));
  std::vector<F> part(37);
  std::vector<F> want(37);
  fsrc.read(100, part);
  src.read(100, want);
  CHECK(part == want);
  CHECK_THROWS_AS(fsrc.read(l.table_size() - 3, part), ArgumentError);

  const WhirParams p = test::model_params(11, 2, 3, 2);
  ModelCommitOptions opt;
  opt.chunk_log = 4;
  opt.dir = dir.path;
  CHECK(commit_model(p, fsrc, opt).root() == commit_model(p, src, opt).root());
  CHECK_THROWS_AS(commit_model(test::model_params(12, 2, 3, 2), fsrc, opt), ArgumentError);

  auto message_of = [](auto&& fn) -> std::string {
    try {
      fn();
    } catch (const DecodeError& e) {
      return e.what();
    }
    return "";
  };
  const auto size = std::filesystem::file_size(file);
  const auto cut = dir.path / "cut.bin";
  std::filesystem::copy_file(file, cut);
  std::filesystem::resize_file(cut, size - 8);
  const std::string short_msg = message_of([&] { FileModelSource s(l, cut); });
  CHECK(short_msg.find("too short") != std::string::npos);
  CHECK(short_msg.find(l.tensors().back().name) != std::string::npos);
  std::filesystem::resize_file(cut, size + 5);
  CHECK(message_of([&] { FileModelSource s(l, cut); }).find("trailing") != std::string::npos);

  const auto bad = dir.path / "bad.bin";
  std::filesystem::copy_file(file, bad);
  {  // entry 2 of tensor 1 := p (non-canonical)
    std::fstream f(bad, std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(static_cast<std::streamoff>(8 * (l.tensor(0).numel + 2)));
    std::uint8_t b[8];
    for (int i = 0; i < 8; ++i) b[i] = static_cast<std::uint8_t>(Goldilocks::kModulus >> (8 * i));
    f.write(reinterpret_cast<const char*>(b), 8);
  }
  FileModelSource bsrc(l, bad);
  const std::string bad_msg = message_of([&] { read_model_table(bsrc); });
  CHECK(bad_msg.find("canonical") != std::string::npos);
  CHECK(bad_msg.find(l.tensor(1).name) != std::string::npos);
  CHECK(bad_msg.find("entry 2") != std::string::npos);
  CHECK_THROWS_AS(commit_model(p, bsrc, opt), DecodeError);
  CHECK_THROWS_AS(FileModelSource(l, dir.path / "missing.bin"), Error);
}

TEST_CASE("model commit: hiding parameters are refused, not silently ignored") {
  const std::vector<ModelTensorSpec> specs{{"a", 100}, {"b", 30}};
  ModelLayout layout(specs);
  std::vector<std::vector<Goldilocks>> data{std::vector<Goldilocks>(100, Goldilocks::one()),
                                            std::vector<Goldilocks>(30, Goldilocks::one())};
  MemoryModelSource src(layout, data);
  WhirParams p;
  p.num_vars = layout.num_vars();
  p.hiding_openings = 1;
  CHECK_THROWS_AS(commit_model(p, src), ArgumentError);
}

TEST_CASE("model layout: shaped tensors sit on their own hypercube (docs/layout.md §3)") {
  // Shapes with padding in every dimension; the block of each equals the padded
  // hypercube table of the row-major data, whatever range a read covers.
  std::vector<ModelTensorSpec> specs{{"m35", 0, {3, 5}}, {"t443", 0, {4, 4, 3}}, {"v7", 7, {}},
                                     {"t213", 0, {2, 1, 3}}, {"m17", 0, {1, 7}}};
  const ModelLayout l(specs);
  CHECK(l.tensor(0).log_size == 5);
  CHECK(l.tensor(1).log_size == 6);
  CHECK(l.tensor(1).row_vars() == 2);
  CHECK(l.tensor(1).col_vars() == 4);
  CHECK(l.tensor(1).rows() == 4);
  CHECK(l.tensor(1).cols() == 12);
  CHECK(l.tensor(2).row_vars() == 0);
  CHECK(l.tensor(4).row_vars() == 0);
  CHECK(l.tensor(4).rows() == 1);
  CHECK(ModelLayout::decode(l.encode()) == l);
  std::mt19937_64 rng(7);
  std::vector<std::vector<F>> data;
  for (const auto& x : l.tensors()) data.push_back(test::random_fps(rng, x.numel));
  MemoryModelSource src(l, data);
  const auto m = read_model_table(src);
  for (std::size_t t = 0; t < l.size(); ++t) {
    const ModelTensor& x = l.tensor(t);
    std::vector<std::int64_t> shape(x.shape.begin(), x.shape.end());
    const HypercubeMap h{std::span<const std::int64_t>(shape)};
    std::vector<F> expect(x.padded(), F::zero());
    std::vector<std::int64_t> c(shape.size(), 0);
    for (std::uint64_t flat = 0; flat < x.numel; ++flat) {
      std::uint64_t rest = flat;
      for (std::size_t j = shape.size(); j-- > 0;) {
        c[j] = static_cast<std::int64_t>(rest % x.shape[j]);
        rest /= x.shape[j];
      }
      expect[h.index(std::span<const std::int64_t>(c))] = data[t][flat];
    }
    CHECK(std::equal(expect.begin(), expect.end(), m.begin() + static_cast<std::ptrdiff_t>(x.offset)));
  }
  // Reads of every short range agree with the whole table.
  for (std::uint64_t off = 0; off < l.table_size(); off += 3)
    for (std::size_t len : {1u, 5u, 17u}) {
      if (off + len > l.table_size()) continue;
      std::vector<F> part(len);
      src.read(off, part);
      CHECK(std::equal(part.begin(), part.end(), m.begin() + static_cast<std::ptrdiff_t>(off)));
    }
  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{{"a", 5, {2, 2}}}), ArgumentError);
  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{{"a", 0, {2, 0}}}), ArgumentError);
  CHECK_THROWS_AS(ModelLayout(std::vector<ModelTensorSpec>{{"a", 0, {1, 1, 1, 1, 1, 1, 1, 1, 1}}}), ArgumentError);
}
