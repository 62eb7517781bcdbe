// vtensor/commit/concept.hpp — the PolynomialCommitment concept.
//
// A multilinear polynomial commitment over Goldilocks: commit a table of 2^n
// base-field entries (the polynomial's evaluations on the hypercube) to a
// commitment and prover data; open at an extension-field point with its value,
// against a transcript, to proof bytes; verify the bytes against the commitment,
// point and value (throwing DecodeError or VerifyError on rejection). The
// scheme absorbs its parameters, commitment, point and value into the transcript
// before any challenge, and seals it if the caller had not.
#pragma once

#include <concepts>
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/transcript/transcript.hpp"

namespace vtensor {

template <class P>
concept PolynomialCommitment =
    requires(const typename P::Params& params, std::span<const Goldilocks> table, const typename P::ProverData& pd,
             const typename P::Commitment& c, std::span<const GoldilocksExt2> z, const GoldilocksExt2& v,
             std::span<const std::uint8_t> proof, Transcript& t) {
      { P::commit(params, table) } -> std::same_as<std::pair<typename P::Commitment, typename P::ProverData>>;
      { P::open(pd, z, v, t) } -> std::same_as<std::vector<std::uint8_t>>;
      { P::verify(params, c, z, v, proof, t) };
    };

}  // namespace vtensor
