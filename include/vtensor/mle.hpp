// vtensor/mle.hpp — umbrella header for multilinear extensions.
#pragma once

#include "vtensor/mle/dense.hpp"
#include "vtensor/mle/eq.hpp"
