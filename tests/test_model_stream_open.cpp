// Streamed model openings (commit/detail/model_open_stream.hpp): the first WHIR
// iteration read from the sources, the codeword files and the Merkle caps gives the
// bytes of Whir::open_batch on the materialized parts; capped Merkle multipaths equal
// the full tree's.
#include <doctest/doctest.h>

#include <random>

#include "model_test_util.hpp"
#include "test_util.hpp"
#include "vtensor/commit/model_parts.hpp"
#include "vtensor/hash/capped_merkle.hpp"

using namespace vtensor;
using E = GoldilocksExt2;
using F = Goldilocks;

TEST_CASE("capped Merkle: multipaths from a cap and rehashed subtrees equal the full tree's") {
  std::mt19937_64 rng(31);
  for (unsigned depth : {3u, 6u, 9u})
    for (unsigned h : {0u, 2u, 3u}) {
      const std::size_t width = 4, leaves = std::size_t{1} << depth;
      const auto rows = test::random_fps(rng, leaves * width);
      const auto tree = MerkleTree::from_rows<F>(rows, width);
      std::vector<Digest> cap;
      for (std::size_t s = 0; s < (leaves >> h); ++s)
        cap.push_back(MerkleTree::from_rows<F>(std::span<const F>(rows).subspan(s * (width << h), width << h), width).root());
      const CappedMerkle capped(depth, h, cap, width, [&](std::uint64_t first, std::size_t count, std::span<F> dst) {
        std::copy_n(rows.begin() + static_cast<std::ptrdiff_t>(first * width), count * width, dst.begin());
      });
      CHECK(capped.root() == tree.root());
      for (int rep = 0; rep < 10; ++rep) {
        std::vector<std::uint64_t> idx;
        for (int k = 0; k < 1 + rep; ++k) idx.push_back(rng() % leaves);
        CHECK(capped.open_multi(idx) == tree.open_multi(idx));
      }
    }
}

namespace {

struct Case {
  unsigned max_part_vars;
  WhirRegime regime;
};

}  // namespace

TEST_CASE("streamed model opening: the bytes of the in-memory batch opening") {
  std::mt19937_64 rng(32);
  // Tensors larger than a chunk (2^4), several claims on one tensor, claims in every part.
  const std::vector<ModelTensorSpec> specs{{"big", 0, {20, 30}}, {"mid", 0, {9, 10}}, {"v", 100, {}},
                                           {"w", 0, {3, 3, 3}},   {"b", 1, {}},        {"x", 40, {}}};
  for (const Case cs : {Case{0, WhirRegime::kJohnson}, Case{0, WhirRegime::kUniqueDecoding},
                        Case{10, WhirRegime::kJohnson}}) {
    test::TempDir dir("stream_open");
    std::vector<std::vector<F>> d1, d2;
    for (const auto& s : specs) {
      std::uint64_t n = s.numel;
      if (!s.shape.empty()) {
        n = 1;
        for (auto d : s.shape) n *= d;
      }
      d1.push_back(test::random_fps(rng, n));
      d2.push_back(test::random_fps(rng, n));
    }
    const ModelLayout layout(specs, 12);
    MemoryModelSource s1(layout, d1), s2(layout, d2);
    WhirParams p = test::model_params(12, 2, 4, 4);
    p.regime = cs.regime;
    ModelCommitOptions opt;
    opt.dir = dir.path;
    opt.chunk_log = 5;
    opt.max_part_vars = cs.max_part_vars;
    const auto pd1 = commit_model_parts(p, s1, opt), pd2 = commit_model_parts(p, s2, opt);
    const std::size_t parts = pd1.num_parts();
    std::vector<ModelMultiClaim> claims;
    std::vector<model_detail::TensorPoint> tps;
    for (std::size_t t : {0u, 0u, 1u, 2u, 3u, 4u, 5u, 1u}) {
      const ModelTensor& x = layout.tensor(t);
      claims.push_back({t, test::random_exts(rng, x.log_size), {}});
      tps.push_back({x.offset & ((std::uint64_t{1} << pd1.part_vars()) - 1), x.log_size, claims.back().point});
    }
    // The in-memory way.
    std::vector<WhirProverData> wpds;
    std::vector<std::vector<E>> points, values;
    for (const auto& c : claims) points.push_back(pd1.whir_point(c.tensor, c.point));
    for (const auto* pd : {&pd1, &pd2})
      for (std::size_t q = 0; q < parts; ++q) {
        wpds.push_back(pd->materialize(q, pd == &pd1 ? s1 : s2));
        values.push_back(whir_detail::evaluate_many<F>(wpds.back().table, points));
      }
    std::vector<const WhirProverData*> ptrs;
    std::vector<Digest> roots;
    for (const auto& w : wpds) {
      ptrs.push_back(&w);
      roots.push_back(w.tree.root());
    }
    Transcript t1("test/stream", 1, E::kFieldId);
    const auto expect = Whir::open_batch(ptrs, points, values, t1);
    // The streamed way.
    std::vector<model_detail::StreamPoly> polys;
    for (const auto* pd : {&pd1, &pd2})
      for (std::size_t q = 0; q < parts; ++q)
        polys.push_back({pd == &pd1 ? static_cast<ModelSource*>(&s1) : &s2, static_cast<std::uint64_t>(q) << pd->part_vars(),
                         pd->codeword_path(q), &pd->cap(q)});
    model_detail::StreamedModelFirstIteration first(pd1.part_params(), pd1.chunk_log(), polys, tps, 8);
    CHECK(first.claim_values() == values);
    Transcript t2("test/stream", 1, E::kFieldId);
    const auto got = Whir::open_batch_with(first, pd1.part_params(), roots, points, values, t2);
    CHECK(got == expect);
    CHECK(t1.state() == t2.state());
  }
}
