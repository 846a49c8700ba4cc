#!/usr/bin/env bash
# Installs the Debian packages dptz's build, tests and benchmarks need, only when some are missing.
# `deps.sh test` adds the test command's second toolchain: Clang 14 with OpenMP and the libFuzzer runtime, and ccache.
set -euo pipefail
pkgs=(cmake make g++ libeigen3-dev liblapacke-dev libopenblas-dev libgtest-dev libbenchmark-dev libmpfrc++-dev
      libmpfr-dev libgmp-dev python3 python3-matplotlib doxygen)
if [ "${1:-}" = test ]; then pkgs+=(clang-14 libomp-14-dev libclang-rt-14-dev ccache); fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "dptz: installing missing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
