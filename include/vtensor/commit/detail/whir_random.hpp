// vtensor/commit/detail/whir_random.hpp — prover-side randomness for hiding mode:
// uniform Goldilocks elements from the operating system's CSPRNG (OpenSSL
// RAND_bytes; never from the transcript), and salted codeword rows.
#pragma once

#include <openssl/rand.h>

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "vtensor/detail/parallel.hpp"
#include "vtensor/error.hpp"
#include "vtensor/field/goldilocks.hpp"

namespace vtensor::whir_detail {

// Salt elements appended to every row of a hiding tree: 2 uniform elements of F_p,
// ≈ 2^128 possibilities, so a root or a sibling hash reveals nothing about a row
// (SHA-256 as a random oracle).
inline constexpr unsigned kRowSalt = 2;

// n uniform elements of F_p: 64-bit words from the CSPRNG, the ≥ p ones (probability
// 2^-32 each) drawn again.
inline std::vector<Goldilocks> csprng_fields(std::size_t n) {
  std::vector<std::uint64_t> words(n);
  constexpr std::size_t kChunk = std::size_t{1} << 16;
  detail::parallel_chunks((n + kChunk - 1) / kChunk, 1, [&](std::size_t b, std::size_t e, int) {
    for (std::size_t c = b; c < e; ++c) {
      const std::size_t lo = c * kChunk, len = std::min(kChunk, n - lo);
      if (RAND_bytes(reinterpret_cast<unsigned char*>(words.data() + lo), static_cast<int>(len * 8)) != 1)
        throw Error("csprng: RAND_bytes failed");
    }
  });
  std::vector<Goldilocks> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    while (words[i] >= Goldilocks::kModulus)
      if (RAND_bytes(reinterpret_cast<unsigned char*>(&words[i]), 8) != 1) throw Error("csprng: RAND_bytes failed");
    out[i] = Goldilocks::from_canonical(words[i]);
  }
  return out;
}

// Rows of `width` elements → rows of width + kRowSalt, the salt after the values.
inline std::vector<Goldilocks> salt_rows(std::span<const Goldilocks> rows, std::size_t width) {
  const std::size_t count = rows.size() / width, out_w = width + kRowSalt;
  const auto salt = csprng_fields(count * kRowSalt);
  std::vector<Goldilocks> out(count * out_w);
  detail::parallel_for(count, [&](std::size_t j) {
    std::memcpy(out.data() + j * out_w, rows.data() + j * width, width * sizeof(Goldilocks));
    for (unsigned s = 0; s < kRowSalt; ++s) out[j * out_w + width + s] = salt[j * kRowSalt + s];
  });
  return out;
}

}  // namespace vtensor::whir_detail
