// vtensor/tensor.hpp — umbrella for tensor views, owning tensors, Eigen interop,
// float formats and fixed-point quantization.
#pragma once

#include "vtensor/layout.hpp"
#include "vtensor/tensor/dtype.hpp"
#include "vtensor/tensor/eigen.hpp"
#include "vtensor/tensor/quantize.hpp"
#include "vtensor/tensor/tensor.hpp"
#include "vtensor/tensor/tensor_view.hpp"
