#!/usr/bin/env bash
# fuzz/run_campaign.sh — runs every libFuzzer target for a fixed time, one after
# the other, on one core (docs/fuzzing.md).
#   fuzz/run_campaign.sh <build dir> [seconds per target, default 180] [target ...]
# The build dir must have been configured with Clang and -DVTENSOR_BUILD_FUZZERS=ON.
# Work corpora, logs and crash artifacts go to <build dir>/campaign/<target>/; the
# committed seeds in fuzz/corpus/<target>/ are read, never written.
set -euo pipefail
build=$(cd "${1:?usage: run_campaign.sh <build dir> [seconds] [target ...]}" && pwd)
secs=${2:-180}
shift $(( $# >= 2 ? 2 : $# ))
src=$(cd "$(dirname "$0")" && pwd)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz_byte_reader fuzz_sumcheck_proof fuzz_verify_sum fuzz_matmul
                                   fuzz_hadamard fuzz_merkle_path fuzz_merkle_multipath fuzz_whir
                                   fuzz_model_layout)
export OMP_NUM_THREADS=1
for t in "${targets[@]}"; do
  out="$build/campaign/$t"
  mkdir -p "$out/corpus"
  echo "== $t: ${secs}s"
  (cd "$out" && "$build/fuzz/$t" -max_total_time="$secs" -jobs=1 -workers=1 -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/" corpus "$src/corpus/$t" >/dev/null 2>&1 || true)
  log="$out/fuzz-0.log"
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE)|stat::number_of_executed_units|ERROR|SUMMARY" "$log" | tail -6 || true
  ls "$out" | grep -E "^(crash|leak|timeout|oom|slow-unit)-" || echo "   no artifacts"
done
