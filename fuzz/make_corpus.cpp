// fuzz/make_corpus.cpp — writes the seed corpus of every libFuzzer target:
// the valid proofs / paths of the fixtures in fuzz_common.hpp, each behind the
// selector bytes that pick its statement. Deterministic: the same files every run.
//   vtensor_fuzz_corpus <dir>   writes <dir>/<target>/seed-NNN
#include <filesystem>
#include <fstream>
#include <iostream>

#include "fuzz_common.hpp"
#include "fuzz_whir_common.hpp"
#include "vtensor/commit/model_layout.hpp"

using namespace vtensor;
using namespace vtensor::fuzz;

namespace {

std::filesystem::path g_root;

void write(const std::string& target, std::size_t n, const Bytes& prefix, const Bytes& body) {
  const auto dir = g_root / target;
  std::filesystem::create_directories(dir);
  char name[32];
  std::snprintf(name, sizeof name, "seed-%03zu", n);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(prefix.data()), static_cast<std::streamsize>(prefix.size()));
  out.write(reinterpret_cast<const char*>(body.data()), static_cast<std::streamsize>(body.size()));
  if (!out) throw std::runtime_error("cannot write " + (dir / name).string());
}

Bytes u8(std::size_t v) { return {static_cast<std::uint8_t>(v)}; }

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: " << argv[0] << " <corpus dir>\n";
    return 2;
  }
  g_root = argv[1];
  // Every fixture's valid proof must be accepted, or the targets test nothing.
  const auto& sums = sum_fixtures();
  for (const auto& fx : sums)
    if (!fx.accept(fx, fx.proof)) throw std::runtime_error("fixture " + fx.name + " rejects its own proof");
  for (const auto& fx : matmul_fixtures())
    if (!fx.accept(fx.proof)) throw std::runtime_error("a matmul fixture rejects its own proof");
  for (const auto& fx : hadamard_fixtures())
    if (!fx.accept(fx.proof)) throw std::runtime_error("a hadamard fixture rejects its own proof");
  for (std::size_t i = 0; i < sums.size(); ++i) {
    write("fuzz_verify_sum", i, u8(i), sums[i].proof);
    write("fuzz_sumcheck_proof", i, u8(i), sums[i].proof);  // decoder_shapes() starts with the fixtures' shapes
  }
  for (std::size_t i = 0; i < matmul_fixtures().size(); ++i) write("fuzz_matmul", i, u8(i), matmul_fixtures()[i].proof);
  for (std::size_t i = 0; i < hadamard_fixtures().size(); ++i)
    write("fuzz_hadamard", i, u8(i), hadamard_fixtures()[i].proof);

  std::size_t n = 0;
  for (std::size_t t = 0; t < path_trees().size(); ++t) {
    const MerkleTree& tree = path_trees()[t];
    for (std::uint64_t index : {std::uint64_t{0}, tree.num_leaves() - 1, tree.num_leaves() / 3})
      write("fuzz_merkle_path", n++, {static_cast<std::uint8_t>(t), static_cast<std::uint8_t>(index)},
            tree.open(index).to_bytes());
  }
  n = 0;
  for (std::size_t t = 0; t < multi_trees().size(); ++t) {
    const MerkleTree& tree = multi_trees()[t];
    const std::uint64_t L = tree.num_leaves();
    const std::vector<std::vector<std::uint64_t>> sets = {{0}, {0, 1}, {L - 1, 0, L / 2}, {3, 3, 5, 2 % L, 7}};
    for (const auto& set : sets) {
      Bytes prefix = {static_cast<std::uint8_t>(t), static_cast<std::uint8_t>(set.size() - 1)};
      std::vector<std::uint64_t> idx;
      for (std::uint64_t i : set) {
        prefix.push_back(static_cast<std::uint8_t>(i));
        idx.push_back(i % L);
      }
      write("fuzz_merkle_multipath", n++, prefix, tree.open_multi(idx).to_bytes());
    }
  }

  // ByteReader: a buffer (a valid proof, or patterned bytes) and a short script at
  // the end (FuzzedDataProvider reads integers from the back: count, then op, arg, cap).
  auto script = [](std::initializer_list<std::array<std::uint64_t, 3>> ops) {
    Bytes tail;  // built front-to-back, consumed back-to-front
    for (const auto& op : ops) {
      Bytes one;
      // Each value is read from its last byte (most significant) backwards: little-endian in the file.
      for (int i = 0; i < 8; ++i) one.push_back(static_cast<std::uint8_t>(op[2] >> (8 * i)));  // cap
      for (int i = 0; i < 8; ++i) one.push_back(static_cast<std::uint8_t>(op[1] >> (8 * i)));  // arg
      one.push_back(static_cast<std::uint8_t>(op[0]));                                         // op
      tail.insert(tail.begin(), one.begin(), one.end());
    }
    tail.push_back(static_cast<std::uint8_t>(ops.size()));
    return tail;
  };
  Bytes pattern(96);
  for (std::size_t i = 0; i < pattern.size(); ++i) pattern[i] = static_cast<std::uint8_t>(i * 37);
  auto cat = [](Bytes a, const Bytes& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
  };
  write("fuzz_byte_reader", 0, {},
        cat(sums[5].proof, script({{10, kSumcheckMagic, 0},
                                   {11, kWireVersion, 0},
                                   {11, E::kFieldId, 0},
                                   {2, 0, 0},
                                   {2, 0, 0},
                                   {2, 0, 0},
                                   {9, 4, 0},
                                   {9, 4, 0},
                                   {9, 2, 0},
                                   {12, 0, 0}})));
  write("fuzz_byte_reader", 1, {}, cat(pattern, script({{4, 2, 16}, {8, 4, 0}, {5, 7, 0}, {7, 0, 0}, {12, 0, 0}})));
  write("fuzz_byte_reader", 2, {},
        cat(Bytes(40, 0xff), script({{0, 0, 0}, {1, 0, 0}, {6, 0, 0}, {4, 32, ~std::uint64_t{0}}})));
  // WHIR: each subject's honest proof behind its selector; the Johnson subject's also
  // behind the false-claim bit (bit 7), which must be rejected.
  self_check_whir();
  const auto& whirs = whir_subjects();
  for (std::size_t i = 0; i < whirs.size(); ++i) write("fuzz_whir", i, u8(i), whirs[i].proof);
  write("fuzz_whir", whirs.size(), u8(0x80 | 1), whirs[1].proof);

  // ModelLayout: encodings of a few layouts (one tensor; mixed sizes with ties; n
  // above what the tensors need; a long non-ASCII name; the largest numel).
  const std::vector<std::pair<std::vector<ModelTensorSpec>, unsigned>> layouts = {
      {{{"w", 1}}, 0},
      {{{"embed", 1000}, {"ln.bias", 64}, {"ln.weight", 64}, {"head", 3}, {"q", 512}, {"k", 512}}, 0},
      {{{"a", 5}, {"b", 1}}, 12},
      {{{std::string(40, 'x') + std::string("\xce\xbb\0z", 4), 77}, {"block.0.attn.v", 4096}}, 0},
      {{{"big", std::uint64_t{1} << kModelMaxVars}}, 40}};
  for (std::size_t i = 0; i < layouts.size(); ++i) {
    const ModelLayout l(layouts[i].first, layouts[i].second);
    if (!(ModelLayout::decode(l.encode()) == l)) throw std::runtime_error("a layout does not round-trip");
    write("fuzz_model_layout", i, {}, l.encode());
  }
  std::cout << "wrote the seed corpus under " << g_root << "\n";
  return 0;
}
