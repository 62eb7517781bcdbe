// vtensor/testing.hpp — a switch that lets provers prove false statements, so that tests
// can play the cheating prover against every verifier check.
//
// Provers check their own statement before proving (a claimed value that is not the
// polynomial's, lookups that do not balance, a policy the model breaks) and throw
// ArgumentError or PolicyViolation: an honest user learns early and clearly that the
// statement is false. Under a CheatingProver guard those checks are skipped and the
// prover writes the proof it would write, with the false values it was given; the
// verifier must then reject. Thread-local, off by default, never set by vtensor itself.
#pragma once

namespace vtensor::testing {

inline bool& cheating() noexcept {
  static thread_local bool on = false;
  return on;
}

// RAII: provers on this thread skip their honesty checks while it lives.
class CheatingProver {
 public:
  CheatingProver() noexcept : prev_(cheating()) { cheating() = true; }
  ~CheatingProver() { cheating() = prev_; }
  CheatingProver(const CheatingProver&) = delete;
  CheatingProver& operator=(const CheatingProver&) = delete;

 private:
  bool prev_;
};

// The honesty check of a prover: true when it must throw.
inline bool refuse(bool statement_false) noexcept { return statement_false && !cheating(); }

}  // namespace vtensor::testing
