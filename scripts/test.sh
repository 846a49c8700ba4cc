#!/usr/bin/env bash
# The whole test command. Installs missing Debian packages, then runs these legs and prints a summary:
#   gcc       GCC 12, C++17, Eigen 3.4 (Debian), Release -Werror: tests, benchmarks, examples, full suite,
#             install + find_package consumer; the CUDA tests too where nvcc exists
#   consumer  the installed package configured against Eigen 5 with find_package(dptz), compiling dptz/dptz.hpp
#   clang     Clang 14, C++20, Eigen 5 (Debian's Eigen 3.4 when no Eigen 5 is given), AddressSanitizer +
#             UndefinedBehaviorSanitizer at -O1, -Werror: tests and examples, full suite
#   asan      (not in the default set; --legs asan) GCC 12, C++20, the same Eigen, ASan + UBSan, full suite
#   docs      the Doxygen `docs` target (warnings are errors), where doxygen is installed
#   fuzz      `scripts/fuzz.sh 30` (30 s per fuzzer), where clang's libFuzzer runtime is installed
# All compiler legs build with -Wall -Wextra -Wpedantic -Werror. A leg whose compiler, Eigen copy or tool is
# missing is skipped with the reason; the command fails when any leg that ran failed.
#
# Usage: bash scripts/test.sh [--eigen5 DIR] [--legs gcc,clang,...]
#   --eigen5 DIR  (or DPTZ_EIGEN5_DIR) an installed Eigen 5: the folder holding Eigen3Config.cmake, or its prefix
#   --legs LIST   (or DPTZ_TEST_LEGS) run only these legs; the default is all of them
# Environment: DPTZ_TEST_JOBS (parallel jobs, default nproc), DPTZ_TEST_BUILD (build folder root, default build),
# DPTZ_GCC / DPTZ_CLANG (compilers; default g++-12 or g++, clang++-14 or clang++), DPTZ_TEST_BUDGET_MIN (default
# 58: the docs leg (about 2 min) and the fuzz leg (about 12 min on 2 cores) are skipped when they would end later
# than that, so that the whole command stays under CI's hour).
# ccache is used when installed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

eigen5=${DPTZ_EIGEN5_DIR:-}
legs=${DPTZ_TEST_LEGS:-gcc,consumer,clang,docs,fuzz}
while [ $# -gt 0 ]; do
  case "$1" in
    --eigen5) eigen5=$2; shift 2 ;;
    --legs) legs=$2; shift 2 ;;
    *) echo "scripts/test.sh: unknown argument '$1'" >&2
       echo "usage: bash scripts/test.sh [--eigen5 DIR] [--legs gcc,consumer,clang,asan,docs,fuzz]" >&2
       exit 2 ;;
  esac
done

bash scripts/deps.sh test

jobs=${DPTZ_TEST_JOBS:-$(nproc 2>/dev/null || echo 2)}
budget_min=${DPTZ_TEST_BUDGET_MIN:-58}
build=${DPTZ_TEST_BUILD:-build}
case "$build" in /*) ;; *) build=$root/$build ;; esac
export OPENBLAS_NUM_THREADS=1
export CTEST_OUTPUT_ON_FAILURE=1

# ---- toolchains and Eigen copies ----------------------------------------------------------------------------------
first_command() {  # the first of the given commands that exists, or nothing
  for c in "$@"; do
    if command -v "$c" >/dev/null 2>&1; then command -v "$c"; return; fi
  done
}
gcc=${DPTZ_GCC:-$(first_command g++-12 g++)}
clang=${DPTZ_CLANG:-$(first_command clang++-14 clang++)}

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR=$root  # hits across clones and worktrees at other paths
fi

eigen5_reason=""
if [ -n "$eigen5" ]; then
  [ -f "$eigen5/Eigen3Config.cmake" ] || [ ! -f "$eigen5/share/eigen3/cmake/Eigen3Config.cmake" ] ||
    eigen5=$eigen5/share/eigen3/cmake
  if [ -f "$eigen5/Eigen3Config.cmake" ]; then
    eigen5=$(cd "$eigen5" && pwd)
  else
    eigen5_reason="no Eigen3Config.cmake in DPTZ_EIGEN5_DIR=$eigen5"
    eigen5=""
  fi
else
  eigen5_reason="no Eigen 5 given (set DPTZ_EIGEN5_DIR or pass --eigen5 <dir with Eigen3Config.cmake>)"
fi
eigen_args=()            # the Eigen 5 legs' Eigen: Eigen 5 when given, Debian's Eigen 3.4 otherwise
eigen_name="Eigen 3.4"
if [ -n "$eigen5" ]; then
  eigen_args=(-DEigen3_DIR="$eigen5")
  eigen_name="Eigen 5 ($eigen5)"
fi

nvcc=$(first_command nvcc)
[ -n "$nvcc" ] || [ ! -x /usr/local/cuda/bin/nvcc ] || nvcc=/usr/local/cuda/bin/nvcc

# ---- leg bookkeeping ----------------------------------------------------------------------------------------------
summary=()
failed=0
wanted() { [[ ",$legs," == *",$1,"* ]]; }
over_budget() { [ $((SECONDS / 60 + $1)) -gt "$budget_min" ]; }  # a leg of about $1 minutes would end too late
budget_reason() {
  echo "time budget: $((SECONDS / 60)) min used, this leg takes about $1 min, budget $budget_min min (DPTZ_TEST_BUDGET_MIN)"
}
skip() {  # leg, reason
  echo "=== leg $1: SKIPPED: $2 ==="
  summary+=("$(printf '%-9s %-8s %6s %7s  %s' "$1" skipped - - "$2")")
}
cpu_file=$(mktemp)
trap 'rm -f "$cpu_file"' EXIT
record_cpu() { times > "$cpu_file"; }  # in this shell: a subshell's times would not count the legs
cpu_seconds() {  # user + system seconds of the finished child processes at the last record_cpu
  tail -n 1 "$cpu_file" | awk '{ t = 0; for (i = 1; i <= 2; ++i) { split($i, p, /[ms]/); t += 60 * p[1] + p[2] }
                                printf "%d", t }'
}
mmss() { printf '%d:%02d' $(($1 / 60)) $(($1 % 60)); }
run_leg() {  # leg, description, function; prints wall and CPU (user + system) time
  local leg=$1 what=$2 fn=$3 start=$SECONDS cpu_start rc
  record_cpu
  cpu_start=$(cpu_seconds)
  echo
  echo "=== leg $leg: $what ==="
  set +e
  (set -euo pipefail; "$fn")
  rc=$?
  set -e
  local wall cpu status=passed
  wall=$(mmss $((SECONDS - start)))
  record_cpu
  cpu=$(mmss $(($(cpu_seconds) - cpu_start)))
  if [ $rc -ne 0 ]; then status=FAILED; failed=1; fi
  summary+=("$(printf '%-9s %-8s %6s %7s  %s' "$leg" "$status" "$wall" "$cpu" "$what")")
  echo "=== leg $leg: $status in $wall (CPU $cpu) ==="
}
cxx_version() { "$1" --version | head -n 1; }
cache_value() { sed -n "s/^$2:[A-Z]*=//p" "$1/CMakeCache.txt"; }  # build folder, variable

# ---- legs ---------------------------------------------------------------------------------------------------------
leg_gcc() {
  local dir=$build/ci-gcc
  # CUDA hook: where nvcc exists, CMake finds it through CUDACXX and the CUDA tests build (and run, or report
  # skipped without a GPU) in this leg.
  if [ -n "$nvcc" ]; then export CUDACXX=$nvcc; fi
  cmake --preset release -B "$dir" -DCMAKE_CXX_COMPILER="$gcc" -DCMAKE_CXX_STANDARD=17 -DDPTZ_BUILD_TESTS=ON \
    -DDPTZ_BUILD_BENCHMARKS=ON -DDPTZ_BUILD_EXAMPLES=ON "${launcher[@]}"
  cmake --build "$dir" -j "$jobs"
  ctest --test-dir "$dir" -j "$jobs"
}

leg_clang() {
  local dir=$build/ci-clang omp_args=()
  if ! echo 'int main() { return 0; }' | "$clang" -fopenmp -x c++ - -o "$build/ci-clang-omp-probe" 2>/dev/null; then
    echo "clang leg: clang cannot link OpenMP (Debian: libomp-14-dev): configuring with DPTZ_WITH_OPENMP=OFF"
    omp_args=(-DDPTZ_WITH_OPENMP=OFF)
  fi
  rm -f "$build/ci-clang-omp-probe"
  echo "clang leg: ${eigen_name}"
  # The corpus replay runs in the gcc leg, and under clang with ASan+UBSan in the fuzz leg (libFuzzer executes the
  # corpus first): not built twice here.
  cmake --preset clang -B "$dir" -DCMAKE_CXX_COMPILER="$clang" -DDPTZ_BUILD_TESTS=ON -DDPTZ_WITH_CUDA=OFF \
    -DDPTZ_FUZZ_REPLAY=OFF "${launcher[@]}" "${omp_args[@]}" "${eigen_args[@]}"
  if [ -n "$eigen5" ] && [ "$(cache_value "$dir" Eigen3_DIR)" != "$eigen5" ]; then
    echo "clang leg: the build did not take Eigen 5 from $eigen5"; exit 1
  fi
  cmake --build "$dir" -j "$jobs"
  ASAN_OPTIONS=detect_leaks=0 ctest --test-dir "$dir" -j "$jobs" -LE install  # the consumer leg checks the package
}

leg_consumer() {  # installs the gcc leg's build and builds tests/consumer against Eigen 5
  local work=$build/ci-consumer-eigen5
  [ -f "$build/ci-gcc/CMakeCache.txt" ] ||
    cmake -S . -B "$build/ci-gcc" -DCMAKE_CXX_COMPILER="$gcc" -DDPTZ_BUILD_TESTS=OFF -DDPTZ_BUILD_BENCHMARKS=OFF \
      -DDPTZ_BUILD_EXAMPLES=OFF
  rm -rf "$work"
  cmake --install "$build/ci-gcc" --prefix "$work/prefix"
  cmake -S tests/consumer -B "$work/build" -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$gcc" \
    -DCMAKE_PREFIX_PATH="$work/prefix" -DEigen3_DIR="$eigen5" -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror"
  [ "$(cache_value "$work/build" Eigen3_DIR)" = "$eigen5" ] ||
    { echo "consumer: find_dependency(Eigen3) did not take Eigen 5 from $eigen5"; exit 1; }
  cmake --build "$work/build" -j "$jobs"
  "$work/build/consumer"
}

leg_asan() {
  local dir=$build/ci-asan
  echo "asan leg: ${eigen_name}"
  cmake --preset asan -B "$dir" -DCMAKE_CXX_COMPILER="$gcc" -DCMAKE_CXX_STANDARD=20 -DDPTZ_BUILD_TESTS=ON \
    -DDPTZ_WITH_CUDA=OFF "${launcher[@]}" "${eigen_args[@]}"
  cmake --build "$dir" -j "$jobs"
  ASAN_OPTIONS=detect_leaks=0 ctest --test-dir "$dir" -j "$jobs" -LE install
}

# Docs hook: the `docs` target runs Doxygen, with warnings as errors (DPTZ_DOCS_WERROR).
has_target() {  # grep reads all of the list: with -q it would stop early and pipefail would see a broken pipe
  cmake --build "$1" --target help 2>/dev/null | grep -E "(^|[ .:/])$2(:|$| )" >/dev/null
}
leg_docs() {
  cmake "$build/ci-gcc" -DDPTZ_DOCS_WERROR=ON
  cmake --build "$build/ci-gcc" --target docs
}

# Fuzz hook: a short libFuzzer run of every fuzzer (the corpus replay is part of ctest in every leg).
fuzzer_runtime() { [ -n "$clang" ] && [ -f "$("$clang" -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]; }
leg_fuzz() {  # exploratory: a new finding is reported, not fatal; the replayed corpus (ctest) is the regression gate
  if ! bash scripts/fuzz.sh 30; then
    echo "fuzz leg: NEW FINDING(S): inputs in build/fuzz/findings/<target>/ (see docs/fuzzing.md to reproduce)"
    fuzz_findings=1
  fi
}
fuzz_findings=0

# ---- run ----------------------------------------------------------------------------------------------------------
echo "dptz tests: legs $legs, $jobs jobs, ccache $([ ${#launcher[@]} -gt 0 ] && echo on || echo off)"
echo "  gcc:   ${gcc:-none}${gcc:+ ($(cxx_version "$gcc"))}"
echo "  clang: ${clang:-none}${clang:+ ($(cxx_version "$clang"))}"
echo "  Eigen 5: ${eigen5:-none ($eigen5_reason)}"
echo "  nvcc:  ${nvcc:-none}"

if wanted gcc; then
  if [ -n "$gcc" ]; then run_leg gcc "GCC C++17 Eigen 3.4 Release -Werror, full suite + install consumer" leg_gcc
  else skip gcc "no g++ found"; fi
fi
if wanted consumer; then
  if [ -z "$eigen5" ]; then skip consumer "$eigen5_reason"
  elif [ -z "$gcc" ]; then skip consumer "no g++ found"
  else run_leg consumer "installed package + find_package(dptz) against Eigen 5, GCC -Werror" leg_consumer; fi
fi
if wanted clang; then
  if [ -n "$clang" ]; then run_leg clang "Clang C++20 ${eigen_name%% (*} ASan+UBSan -Werror, full suite" leg_clang
  else skip clang "no clang++-14 or clang++ found (Debian: clang-14)"; fi
fi
if wanted asan; then
  if [ -n "$gcc" ]; then run_leg asan "GCC C++20 ${eigen_name%% (*} ASan+UBSan, full suite" leg_asan
  else skip asan "no g++ found"; fi
fi
if wanted docs; then
  if over_budget 2; then skip docs "$(budget_reason 2)"
  elif ! command -v doxygen >/dev/null 2>&1; then skip docs "doxygen not installed (Debian: doxygen)"
  elif [ ! -f "$build/ci-gcc/CMakeCache.txt" ]; then skip docs "needs the gcc leg's build folder"
  elif ! has_target "$build/ci-gcc" docs; then skip docs "the build has no docs target"
  else run_leg docs "Doxygen API reference, warnings as errors" leg_docs; fi
fi
if wanted fuzz; then
  if over_budget 12; then skip fuzz "$(budget_reason 12)"
  elif [ ! -f scripts/fuzz.sh ]; then skip fuzz "no scripts/fuzz.sh"
  elif ! fuzzer_runtime; then skip fuzz "clang's libFuzzer runtime not installed (Debian: libclang-rt-14-dev)"
  else run_leg fuzz "libFuzzer smoke run, 30 s per fuzzer" leg_fuzz; fi
fi

echo
echo "=== dptz tests: summary ($(mmss $SECONDS) in all) ==="
printf '%-9s %-8s %6s %7s  %s\n' leg result wall cpu what
printf '%s\n' "${summary[@]}"
if [ $failed -ne 0 ]; then
  echo "dptz tests: FAILED"
  exit 1
fi
[ "$fuzz_findings" = 0 ] || echo "dptz tests: the fuzz smoke run reported new findings (not fatal): see above"
echo "dptz tests: all legs that ran passed"
