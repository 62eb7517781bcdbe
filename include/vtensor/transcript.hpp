// vtensor/transcript.hpp — umbrella header for the Fiat–Shamir transcript.
#pragma once

#include "vtensor/transcript/transcript.hpp"
