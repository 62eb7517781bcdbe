// vtensor/detail/trace.hpp — phase timings on stderr when VTENSOR_TRACE is set in the
// environment (any value): "[vtensor] drift/lookups: 812.4 ms". Off by default; costs a
// getenv per process and a clock read per phase.
#pragma once

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace vtensor::detail {

inline bool trace_enabled() {
  static const bool on = std::getenv("VTENSOR_TRACE") != nullptr;
  return on;
}

// Prints the time since construction (or since the last lap) under a label.
class TraceClock {
 public:
  TraceClock() : t0_(std::chrono::steady_clock::now()) {}
  void lap(const std::string& label) {
    if (!trace_enabled()) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "[vtensor] %s: %.1f ms\n", label.c_str(),
                 std::chrono::duration<double, std::milli>(now - t0_).count());
    t0_ = now;
  }

 private:
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace vtensor::detail
