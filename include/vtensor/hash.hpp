// vtensor/hash.hpp — umbrella header for hashing and Merkle trees.
#pragma once

#include "vtensor/hash/merkle.hpp"
#include "vtensor/hash/merkle_path.hpp"
#include "vtensor/hash/sha256.hpp"
