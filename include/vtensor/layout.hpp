// vtensor/layout.hpp — umbrella for layouts and the hypercube map.
#pragma once

#include "vtensor/layout/blocked.hpp"
#include "vtensor/layout/compact.hpp"
#include "vtensor/layout/concept.hpp"
#include "vtensor/layout/hypercube.hpp"
#include "vtensor/layout/shape.hpp"
#include "vtensor/layout/strided_layout.hpp"
