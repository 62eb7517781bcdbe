#!/usr/bin/env bash
# Builds (scripts/setup.sh) and runs the demo (examples/demo.cpp).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
./scripts/setup.sh
exec ./build/examples/demo "${1:-build/demo_certificate.bin}"
