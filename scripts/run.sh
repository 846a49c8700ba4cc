#!/usr/bin/env bash
# The main job: builds (Release), runs the quickstart example, then the benchmarks, and writes the report
# docs/benchmarks.md with its plots in docs/img/ (scripts/bench_report.py). Installs missing Debian packages first.
#   bash scripts/run.sh           quick subset of the benchmarks (a few minutes)
#   bash scripts/run.sh --full    every size of every benchmark table
# OMP_NUM_THREADS and OPENBLAS_NUM_THREADS default to 1 (set them to override); the report states them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DDPTZ_BUILD_TESTS=OFF -DDPTZ_BUILD_BENCHMARKS=ON \
      -DDPTZ_BUILD_EXAMPLES=ON
cmake --build build/bench -j "$(nproc 2>/dev/null || echo 2)"
echo "=== examples/quickstart ==="
./build/bench/examples/quickstart
echo
echo "=== benchmarks (OMP_NUM_THREADS=$OMP_NUM_THREADS, OPENBLAS_NUM_THREADS=$OPENBLAS_NUM_THREADS) ==="
# Debian's python3 (python3-matplotlib), not another python3 earlier on PATH.
/usr/bin/python3 scripts/bench_report.py --build build/bench "$@"
