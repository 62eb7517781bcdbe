// vtensor/sumcheck.hpp — umbrella header for the sumcheck engine.
#pragma once

#include "vtensor/sumcheck/composition.hpp"
#include "vtensor/sumcheck/proof.hpp"
#include "vtensor/sumcheck/prover.hpp"
#include "vtensor/sumcheck/round_poly.hpp"
#include "vtensor/sumcheck/verifier.hpp"
#include "vtensor/sumcheck/hadamard.hpp"
#include "vtensor/sumcheck/matmul.hpp"
#include "vtensor/sumcheck/protocol.hpp"
