#!/usr/bin/env bash
# Builds and runs the whole test suite twice: Release with -Werror (plus the install/find_package consumer test),
# then AddressSanitizer + UndefinedBehaviorSanitizer. Installs missing Debian packages first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
export OPENBLAS_NUM_THREADS=1
for preset in release asan; do
  echo "=== dptz tests: preset $preset ==="
  cmake --preset "$preset" -DDPTZ_BUILD_TESTS=ON
  cmake --build --preset "$preset" -j "$jobs"
  ctest --preset "$preset" -j "$jobs"
done
