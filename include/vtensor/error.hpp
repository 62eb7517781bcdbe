// vtensor/error.hpp — the exception types every layer throws.
//
// Bad input never crashes and never yields a silent wrong answer: parsers throw
// DecodeError, verifiers throw VerifyError (or report false through the bool
// wrappers), quantization throws QuantizeError naming the tensor and index.
#pragma once

#include <stdexcept>
#include <string>

namespace vtensor {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// Malformed bytes: truncated, trailing, oversized, non-canonical, wrong id/version.
class DecodeError : public Error {
 public:
  explicit DecodeError(const std::string& what) : Error("decode error: " + what) {}
};

// A well-formed proof that does not verify.
class VerifyError : public Error {
 public:
  explicit VerifyError(const std::string& what) : Error("verification failed: " + what) {}
};

// Floating-point data that cannot be encoded under the declared scale and bound.
class QuantizeError : public Error {
 public:
  explicit QuantizeError(const std::string& what) : Error("quantization error: " + what) {}
};

// Arguments that violate a documented precondition (shapes, sizes, parameters).
class ArgumentError : public Error {
 public:
  explicit ArgumentError(const std::string& what) : Error("invalid argument: " + what) {}
};

}  // namespace vtensor
