// Helpers shared by the model-commitment tests: a scratch directory and WHIR
// parameters set field by field.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "vtensor/commit/whir_params.hpp"

namespace vtensor::test {

// A scratch directory <tmp>/vtensor_test_<tag>_<pid>, emptied on creation and
// removed at the end of the test.
struct TempDir {
  std::filesystem::path path;
  explicit TempDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() / ("vtensor_test_" + tag + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::size_t files() const {
    std::size_t k = 0;
    for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(path)) ++k;
    return k;
  }
};

inline WhirParams model_params(unsigned n, unsigned r, unsigned k, unsigned fin, unsigned lambda = 100) {
  WhirParams p;
  p.num_vars = n;
  p.log_inv_rate = r;
  p.folding_factor = k;
  p.final_vars = fin;
  p.security_bits = lambda;
  return p;
}

}  // namespace vtensor::test
