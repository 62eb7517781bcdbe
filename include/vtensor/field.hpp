// vtensor/field.hpp — umbrella header for the field layer.
#pragma once

#include "vtensor/field/batch_inverse.hpp"
#include "vtensor/field/concepts.hpp"
#include "vtensor/field/goldilocks.hpp"
#include "vtensor/field/goldilocks_ext2.hpp"
#include "vtensor/field/lazy.hpp"
#include "vtensor/field/packed_goldilocks.hpp"
