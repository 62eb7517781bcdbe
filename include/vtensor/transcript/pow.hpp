// vtensor/transcript/pow.hpp — proof of work (grinding) bound to a transcript.
//
// Before a challenge that needs extra bits, the prover finds a nonce with
//   SHA-256("vtensor/whir/pow" ‖ seed ‖ nonce_le) < 2^{256 − bits},
// seed squeezed from the transcript right before the challenge it protects; the nonce
// is then sent and absorbed. A cheating prover pays 2^bits hashes per attempt at that
// challenge, so a round whose error is ε gives −log2 ε + bits bits (docs/security.md).
// The tag is WHIR's, where grinding first appeared (docs/commitment.md); every use sits
// at its own transcript state, so the seeds never coincide.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/hash/sha256.hpp"
#include "vtensor/io/bytes.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

inline std::array<std::uint8_t, 32> pow_seed(Transcript& t) {
  std::array<std::uint8_t, 32> s{};
  for (int i = 0; i < 4; ++i) t.challenge_base("whir/pow_seed").to_bytes(s.data() + 8 * i);
  return s;
}
inline bool pow_ok(const std::array<std::uint8_t, 32>& seed, std::uint64_t nonce, unsigned bits) {
  static constexpr std::string_view kTag = "vtensor/whir/pow";
  std::uint8_t msg[kTag.size() + 40];
  std::memcpy(msg, kTag.data(), kTag.size());
  std::memcpy(msg + kTag.size(), seed.data(), 32);
  for (int i = 0; i < 8; ++i) msg[kTag.size() + 32 + i] = static_cast<std::uint8_t>(nonce >> (8 * i));
  const Digest d = sha256(std::span<const std::uint8_t>(msg, sizeof msg));
  unsigned zeros = 0;
  for (std::size_t b = 0; b < Digest::kSize && zeros < bits; ++b) {
    const unsigned lz = d.data()[b] == 0 ? 8u : static_cast<unsigned>(std::countl_zero(d.data()[b]));
    zeros += lz;
    if (lz < 8) break;
  }
  return zeros >= bits;
}
// The smallest nonce that reaches `bits`, searched in windows split over the threads:
// every nonce below the answer is tried, so the result (and the proof bytes) do not
// depend on the thread count.
inline std::uint64_t pow_search(const std::array<std::uint8_t, 32>& seed, unsigned bits) {
  // Below 18 bits the search takes milliseconds: threads would only cost their fork
  // and join (and spin against other processes on a shared machine).
  if (bits < 18 || detail::max_threads() == 1) {
    std::uint64_t nonce = 0;
    while (!pow_ok(seed, nonce, bits)) ++nonce;
    return nonce;
  }
  const std::size_t window = std::size_t{1} << 16;
  for (std::uint64_t base = 0;; base += window) {
    std::vector<std::uint64_t> best(static_cast<std::size_t>(detail::max_threads()), ~std::uint64_t{0});
    detail::parallel_chunks(window, std::size_t{1} << 12, [&](std::size_t lo, std::size_t hi, int th) {
      for (std::size_t i = lo; i < hi; ++i)
        if (pow_ok(seed, base + i, bits)) {
          best[static_cast<std::size_t>(th)] = base + i;
          return;
        }
    });
    const std::uint64_t m = *std::min_element(best.begin(), best.end());
    if (m != ~std::uint64_t{0}) return m;
  }
}

inline void pow_prove(Transcript& t, ByteWriter& w, unsigned bits) {
  if (bits == 0) return;
  const auto seed = pow_seed(t);
  const std::uint64_t nonce = pow_search(seed, bits);
  w.u64(nonce);
  t.absorb_u64("whir/pow_nonce", nonce);
}
inline void pow_verify(Transcript& t, ByteReader& r, unsigned bits) {
  if (bits == 0) return;
  const auto seed = pow_seed(t);
  const std::uint64_t nonce = r.u64();
  if (!pow_ok(seed, nonce, bits))
    throw VerifyError("proof of work does not reach " + std::to_string(bits) + " bits");
  t.absorb_u64("whir/pow_nonce", nonce);
}

}  // namespace vtensor
