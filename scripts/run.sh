#!/usr/bin/env bash
# The main job: builds (Release), runs the quickstart example, then the benchmarks, and prints the ratio tables
# (one thread for OpenMP and OpenBLAS unless the caller sets them). Installs missing Debian packages first.
# Extra arguments go to scripts/bench_table.py (e.g. --filter dense_double --repetitions 5).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DDPTZ_BUILD_TESTS=OFF
cmake --build build/bench -j "$(nproc 2>/dev/null || echo 2)"
echo "=== examples/quickstart ==="
./build/bench/examples/quickstart
echo
echo "=== benchmarks (OMP_NUM_THREADS=$OMP_NUM_THREADS, OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS) ==="
python3 scripts/bench_table.py --build build/bench "$@"
