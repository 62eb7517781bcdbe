#!/usr/bin/env bash
# Builds (scripts/setup.sh) and runs the whole test suite; exits with ctest's status.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
exec ctest --test-dir build --output-on-failure -j"$(nproc)"
