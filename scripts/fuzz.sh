#!/usr/bin/env bash
# Builds the libFuzzer harnesses with clang (build folder build/fuzz) and runs each target for N seconds (first
# argument, default 30), one target at a time, starting from its committed corpus tests/fuzz/corpus/<target>/.
# Prints the executions per target. Exits non-zero on a finding; the crashing input is saved as
# build/fuzz/findings/<target>/crash-* (reproduce: build/fuzz/tests/fuzz/fuzz_<target> <file>).
# Skipped (exit 0) with a printed reason where clang++ or Debian's libclang-rt-14-dev (libFuzzer) is missing.
# Environment: DPTZ_FUZZ_TARGETS="abs2_dense small ..." to run a subset; DPTZ_FUZZ_BUILD_DIR to move the build.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
build=${DPTZ_FUZZ_BUILD_DIR:-build/fuzz}
targets=${DPTZ_FUZZ_TARGETS:-"abs2_dense identity_solver small updater secular tridiagonal identity"}

if ! command -v clang++ >/dev/null 2>&1; then
  echo "fuzz.sh: skipped: clang++ not found (Debian: apt-get install clang-14 libclang-rt-14-dev)"
  exit 0
fi
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf '#include <cstdint>\n#include <cstddef>\nextern "C" int LLVMFuzzerTestOneInput(const std::uint8_t*, std::size_t) { return 0; }\n' \
  > "$probe/probe.cpp"
if ! clang++ -fsanitize=fuzzer,address,undefined "$probe/probe.cpp" -o "$probe/probe" >/dev/null 2>&1; then
  echo "fuzz.sh: skipped: clang++ cannot link -fsanitize=fuzzer,address,undefined (Debian: libclang-rt-14-dev)"
  exit 0
fi

launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$build" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE= -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only" \
  -DDPTZ_BUILD_FUZZERS=ON -DDPTZ_BUILD_TESTS=ON -DDPTZ_BUILD_BENCHMARKS=OFF -DDPTZ_BUILD_EXAMPLES=OFF \
  -DDPTZ_WITH_OPENMP=OFF -DDPTZ_WERROR=ON "${launcher[@]}" >/dev/null
jobs=$(nproc 2>/dev/null || echo 2)
build_start=$SECONDS
if [ -z "${DPTZ_FUZZ_TARGETS:-}" ]; then
  cmake --build "$build" --target dptz_fuzzers -j "$jobs"
else
  for t in $targets; do cmake --build "$build" --target "fuzz_$t" -j "$jobs"; done
fi
echo "fuzz.sh: built in $((SECONDS - build_start)) s"

export OPENBLAS_NUM_THREADS=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
status=0
summary=()
for t in $targets; do
  work="$build/corpus-work/$t"      # corpus grown by this run (the committed corpus is only read)
  findings="$build/findings/$t"
  mkdir -p "$work" "$findings"
  log="$build/fuzz-$t.log"
  echo "=== fuzz_$t: ${seconds}s ==="
  set +e
  "$build/tests/fuzz/fuzz_$t" "$work" "tests/fuzz/corpus/$t" -max_total_time="$seconds" -timeout=20 \
    -rss_limit_mb=4096 -max_len=4096 -print_final_stats=1 -artifact_prefix="$findings/" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  if [ "$rc" -ne 0 ]; then
    status=1
    grep -m1 -A1 'contract violation\|ERROR: \|runtime error' "$log" || tail -n 20 "$log"
    summary+=("$t: FINDING after $execs executions (input in $findings/, log $log)")
  else
    summary+=("$t: $execs executions, no finding")
  fi
done
echo "=== fuzz summary (${seconds}s per target) ==="
printf '%s\n' "${summary[@]}"
exit $status
