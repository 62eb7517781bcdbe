// whir_soundness — the WHIR soundness calculator on the command line: prints the
// schedule and the bits of every error term of a parameter set (docs/commitment.md).
//
//   whir_soundness [n] [R] [k] [final_vars] [lambda] [regime: ud|jb|cb] [polys] [claims] [hiding_openings]
#include <cstdio>
#include <cstdlib>
#include <string>

#include "vtensor/commit/whir_params.hpp"

using namespace vtensor;

int main(int argc, char** argv) {
  WhirParams p;
  p.num_vars = 24;
  auto arg = [&](int i, unsigned def) { return argc > i ? static_cast<unsigned>(std::strtoul(argv[i], nullptr, 10)) : def; };
  p.num_vars = arg(1, 24);
  p.log_inv_rate = arg(2, p.log_inv_rate);
  p.folding_factor = arg(3, p.folding_factor);
  p.final_vars = arg(4, p.final_vars);
  p.security_bits = arg(5, p.security_bits);
  if (argc > 6) {
    const std::string r = argv[6];
    p.regime = r == "ud" ? WhirRegime::kUniqueDecoding : r == "cb" ? WhirRegime::kCapacity : WhirRegime::kJohnson;
  }
  const unsigned polys = arg(7, 1), claims = arg(8, 1);
  p.hiding_openings = arg(9, 0);
  try {
    const auto sched = p.schedule();
    std::printf("n = %u (committed %u), R = %u, k = %u, final_vars = %u, lambda = %u, %s\n", p.num_vars,
                p.committed_vars(), p.log_inv_rate, p.folding_factor, p.final_vars, p.security_bits,
                whir_regime_name(p.regime));
    std::printf("%4s %4s %6s %6s %7s %4s %4s %5s %8s %9s\n", "iter", "n_i", "k_i", "log|L|", "queries", "ood",
                "pow", "gpow", "delta", "fold bits");
    for (std::size_t i = 0; i < sched.size(); ++i) {
      const auto& it = sched[i];
      std::printf("%4zu %4u %6u %6u %7u %4u %4u %5u %8.4f %9.1f\n", i, it.vars_before, it.fold, it.log_domain,
                  it.queries, it.ood, it.pow_bits, it.comb_pow_bits, it.delta, it.fold_error_bits);
    }
    std::printf("%s\n", whir_soundness(p, polys, claims).describe().c_str());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "whir_soundness: %s\n", e.what());
    return 2;
  }
  return 0;
}
