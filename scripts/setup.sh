#!/usr/bin/env bash
# Installs the Debian packages vtensor needs (only those missing, so a fully
# provisioned machine never touches the network), then configures and builds
# ./build in Release.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

# build-essential: g++; ninja-build: faster builds (optional, Makefiles otherwise);
# nlohmann-json3-dev, libcli11-dev: the command-line tools.
packages=(build-essential cmake ninja-build pkg-config
          libeigen3-dev libxsimd-dev libfmt-dev libssl-dev
          doctest-dev libbenchmark-dev nlohmann-json3-dev libcli11-dev)

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "${packages[@]}"; do
    # Exactly "install ok installed"; "deinstall"/"half-configured" count as missing.
    if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
      missing+=("$p")
    fi
  done
else
  echo "setup.sh: no dpkg-query (not Debian?); assuming the dependencies are installed" >&2
fi

if ((${#missing[@]})); then
  echo "setup.sh: installing ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    sudo=()
  elif command -v sudo >/dev/null 2>&1; then
    sudo=(sudo)
  else
    echo "setup.sh: need root or sudo to install: ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update
  "${sudo[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

# Keep the generator of an existing build tree (CMake refuses to switch);
# otherwise prefer Ninja when present.
generator=()
if [[ ! -f build/CMakeCache.txt ]] && command -v ninja >/dev/null 2>&1; then
  generator=(-G Ninja)
fi

cmake -S . -B build "${generator[@]}" -DCMAKE_BUILD_TYPE=Release
cmake --build build --parallel "$(nproc)"
