// Merkle tree construction over 2^k Goldilocks elements (all OpenMP threads).
//
//   merkle_sha256/24            2^24 elements, kMerkleDefaultLeafWidth elements per leaf
//   merkle_sha256_leaf/<w>      2^24 elements, w elements per leaf
//   merkle_sha256_openssl/<w>   the same through libcrypto one message at a time (no kernel)
//   merkle_nodes_sha256/20      2^20 leaf digests -> root (node hashing only)
//   sha256_node_x1/x4           one 65-byte node message, single vs four-way interleaved
//   sha256_api_<entry point>    one 65-byte message through each libcrypto 3.0 entry point
//
// bytes_per_second counts the input bytes (8 per element). Google Benchmark divides
// it by the main thread's CPU time; the OpenMP master works (or spins at the
// barrier) for the whole build, so that is the wall time on an unloaded machine.
// wall_bytes_per_second is measured with a steady clock as a cross-check.
#include <benchmark/benchmark.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "vtensor/field/goldilocks.hpp"
#include "vtensor/hash/merkle.hpp"

namespace {

using vtensor::Goldilocks;

const std::vector<Goldilocks>& bench_elements(unsigned log_n) {
  static std::vector<Goldilocks> v;
  if (v.size() != (std::size_t{1} << log_n)) {
    v.resize(std::size_t{1} << log_n);
    std::uint64_t s = 0x9E3779B97F4A7C15ULL;  // splitmix64, fixed seed
    for (auto& x : v) {
      s += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = s;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      x = Goldilocks::from_u64(z ^ (z >> 31));
    }
  }
  return v;
}

void run_tree(benchmark::State& state, unsigned log_n, std::size_t width, vtensor::Sha256Backend backend) {
  const auto& data = bench_elements(log_n);
  const std::span<const Goldilocks> span(data);
  double wall = 0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    auto tree = vtensor::MerkleTree::from_rows<Goldilocks>(span, width, backend);
    benchmark::DoNotOptimize(tree.root());
    wall += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  }
  const double bytes = 8.0 * static_cast<double>(data.size());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes) * state.iterations());
  state.counters["leaf_width"] = static_cast<double>(width);
  state.counters["wall_bytes_per_second"] = bytes * static_cast<double>(state.iterations()) / wall;
  state.counters["threads"] = vtensor::detail::merkle_max_threads();
}

void merkle_sha256(benchmark::State& state) {
  run_tree(state, static_cast<unsigned>(state.range(0)), vtensor::kMerkleDefaultLeafWidth, vtensor::Sha256Backend::kAuto);
}
BENCHMARK(merkle_sha256)->Arg(24)->Unit(benchmark::kMillisecond);

void merkle_sha256_leaf(benchmark::State& state) {
  run_tree(state, 24, static_cast<std::size_t>(state.range(0)), vtensor::Sha256Backend::kAuto);
}
BENCHMARK(merkle_sha256_leaf)->RangeMultiplier(2)->Range(8, 256)->Unit(benchmark::kMillisecond);

void merkle_sha256_openssl(benchmark::State& state) {
  run_tree(state, 24, static_cast<std::size_t>(state.range(0)), vtensor::Sha256Backend::kOpenSSL);
}
BENCHMARK(merkle_sha256_openssl)->Arg(16)->Arg(64)->Unit(benchmark::kMillisecond);

void merkle_nodes_sha256(benchmark::State& state) {
  std::vector<vtensor::Digest> leaves(std::size_t{1} << state.range(0));
  for (std::size_t i = 0; i < leaves.size(); ++i) leaves[i].bytes[i % 32] = static_cast<std::uint8_t>(i);
  for (auto _ : state) {
    auto tree = vtensor::MerkleTree::from_leaf_hashes(leaves);
    benchmark::DoNotOptimize(tree.root());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(leaves.size() - 1));  // nodes hashed
}
BENCHMARK(merkle_nodes_sha256)->Arg(20)->Unit(benchmark::kMillisecond);

void sha256_node_x1(benchmark::State& state) {
  vtensor::Digest a{}, b{};
  b.bytes[0] = 1;
  for (auto _ : state) {
    a = vtensor::merkle_node_hash(a, b);
    benchmark::DoNotOptimize(a);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(sha256_node_x1);

void sha256_node_x4(benchmark::State& state) {
  alignas(64) std::uint8_t msgs[4][64] = {};
  vtensor::Digest out[4];
  const std::uint8_t* m[4] = {msgs[0], msgs[1], msgs[2], msgs[3]};
  vtensor::Digest* o[4] = {&out[0], &out[1], &out[2], &out[3]};
  for (auto _ : state) {
    vtensor::sha256_prefixed_x4(vtensor::kMerkleNodeTag, m, 64, o);
    for (int l = 0; l < 4; ++l) msgs[l][0] = out[l].bytes[0];  // chain, so nothing is hoisted
  }
  state.SetItemsProcessed(4 * state.iterations());
}
BENCHMARK(sha256_node_x4);

// libcrypto entry points on a 65-byte message (docs/merkle.md §1).
const std::uint8_t kMsg65[65] = {1};

void sha256_api_evp_digest_implicit(benchmark::State& state) {
  unsigned char out[32];
  for (auto _ : state) {
    EVP_Digest(kMsg65, sizeof kMsg65, out, nullptr, EVP_sha256(), nullptr);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(sha256_api_evp_digest_implicit);

void sha256_api_evp_digest_fetched(benchmark::State& state) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char out[32];
  for (auto _ : state) {
    EVP_Digest(kMsg65, sizeof kMsg65, out, nullptr, md, nullptr);
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_free(md);
}
BENCHMARK(sha256_api_evp_digest_fetched);

void sha256_api_evp_init_ex2_reuse(benchmark::State& state) {
  EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  unsigned char out[32];
  unsigned len = 0;
  for (auto _ : state) {
    if (EVP_DigestInit_ex2(ctx, md, nullptr) != 1 || EVP_DigestUpdate(ctx, kMsg65, sizeof kMsg65) != 1 ||
        EVP_DigestFinal_ex(ctx, out, &len) != 1)
      state.SkipWithError("EVP failed");
    benchmark::DoNotOptimize(out);
  }
  EVP_MD_CTX_free(ctx);
  EVP_MD_free(md);
}
BENCHMARK(sha256_api_evp_init_ex2_reuse);

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
void sha256_api_low_level(benchmark::State& state) {
  unsigned char out[32];
  for (auto _ : state) {
    SHA256_CTX c;
    SHA256_Init(&c);
    SHA256_Update(&c, kMsg65, sizeof kMsg65);
    SHA256_Final(out, &c);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(sha256_api_low_level);
#pragma GCC diagnostic pop

void sha256_api_vtensor_sha256(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(vtensor::sha256(std::span<const std::uint8_t>(kMsg65)));
}
BENCHMARK(sha256_api_vtensor_sha256);

}  // namespace
