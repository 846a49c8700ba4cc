#!/usr/bin/env bash
# Builds and runs the CUDA launcher's tests (test_cuda_small) and benchmark (bench_cuda_small) on a GPU machine,
# writing every log to an output folder. Two steps, because the GPU machine has nvcc but may lack Debian's Eigen and
# GoogleTest and has no network:
#
#   scripts/gpu-check.sh --prepare [--fma]
#       On a machine with the Debian packages (no GPU needed): builds the binaries for sm_90 (CUDA runtime linked
#       statically) into build/gpu-carry/bin, copies the shared libraries they load (ldd, libc excepted) into
#       build/gpu-carry/lib, and copies Eigen's headers and GoogleTest's sources into build/gpu-carry/deps so that the
#       GPU machine can rebuild if the binaries do not start there. --fma also builds *_fma variants compiled
#       with nvcc's default --fmad=true (the CMake targets use --fmad=false). Build folder: $DPTZ_GPU_BUILD_DIR
#       (default build/gpu-check).
#
#   scripts/gpu-check.sh <outdir>
#       On the GPU machine, from the repository root with build/gpu-carry carried beside the tree: runs the carried
#       binaries when they start; otherwise rebuilds them with nvcc from build/gpu-carry/deps (or the system's Eigen
#       and GoogleTest when present). Writes <outdir>/system.txt (nvidia-smi, nvcc, clocks), test_cuda_small.{log,xml},
#       bench_cuda_small.{log,csv,json,md} (and the *_fma variants when carried) and summary.txt. Without a GPU the
#       test's GPU cases report skipped and the benchmark measures nothing. A few minutes on an H200.
#       Exit status: the test binary's. DPTZ_GPU_CHECK_REBUILD=1 forces the rebuild (=deps: also ignore a system
#       GoogleTest), to test that path.
#
#   scripts/gpu-check.sh --fill-docs <outdir>
#       Puts <outdir>/bench_cuda_small.md, the bars computed from bench_cuda_small.csv and the accuracy lines of
#       <outdir>/test_cuda_small.log (or of summary.txt when the log is absent) into docs/small.md, between the markers
#       "<!-- gpu-figures:begin -->" and "<!-- gpu-figures:end -->".
set -euo pipefail

cd "$(dirname "$0")/.."
CARRY=build/gpu-carry
ARCH=${DPTZ_CUDA_ARCH:-90}
NVCC=${NVCC:-$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)}
NVCC_FLAGS=(-O3 -std=c++17 -arch=sm_"$ARCH" --expt-relaxed-constexpr --diag-suppress=20012)

prepare() {
  local fma=${1:-}
  local build=${DPTZ_GPU_BUILD_DIR:-build/gpu-check}
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DDPTZ_WITH_CUDA=ON -DCMAKE_CUDA_ARCHITECTURES="$ARCH" \
    -DDPTZ_BUILD_TESTS=ON -DDPTZ_BUILD_BENCHMARKS=ON -DDPTZ_BUILD_EXAMPLES=OFF -DDPTZ_WERROR=ON
  cmake --build "$build" --target test_cuda_small bench_cuda_small -j"$(nproc)"
  rm -rf "$CARRY" && mkdir -p "$CARRY/bin" "$CARRY/lib" "$CARRY/deps/eigen3" "$CARRY/deps/googletest"
  cp "$build/tests/cuda/test_cuda_small" "$build/bench/bench_cuda_small" "$CARRY/bin/"
  if [ "$fma" = "--fma" ]; then
    local eigen
    eigen=$(find_eigen)
    "$NVCC" "${NVCC_FLAGS[@]}" -Iinclude -Itests -isystem "$eigen" bench/bench_cuda_small.cu -ldl \
      -o "$CARRY/bin/bench_cuda_small_fma"
    "$NVCC" "${NVCC_FLAGS[@]}" -Iinclude -Itests -isystem "$eigen" tests/cuda/test_cuda_small.cu \
      tests/cuda/example_kernel.cu tests/cuda/small_cases.cpp -lgtest -lgtest_main -lpthread \
      -o "$CARRY/bin/test_cuda_small_fma"
  fi
  for bin in "$CARRY"/bin/*; do
    ldd "$bin" | awk '/=> \// {print $3}' | grep -Ev '/(libc|libm|libpthread|libdl|librt|ld-linux[^/]*)\.so' |
      while read -r lib; do cp -L "$lib" "$CARRY/lib/"; done
  done
  cp -r "$(find_eigen)/Eigen" "$CARRY/deps/eigen3/"
  if [ -d /usr/src/googletest/googletest ]; then cp -r /usr/src/googletest/googletest "$CARRY/deps/googletest/"; fi
  du -sh "$CARRY"
  echo "prepared $CARRY; on the GPU machine run: scripts/gpu-check.sh <outdir>  (carry $CARRY)"
}

find_eigen() {
  for d in "$CARRY/deps/eigen3" /usr/include/eigen3 /usr/local/include/eigen3; do
    if [ -f "$d/Eigen/Core" ]; then echo "$d"; return; fi
  done
  echo "gpu-check: no Eigen headers (looked in $CARRY/deps/eigen3, /usr/include/eigen3)" >&2
  exit 2
}

# Rebuilds the binaries on this machine with nvcc alone (no CMake, no packages): Eigen from deps or the system,
# GoogleTest compiled from its sources unless the system has it.
rebuild() {
  local out=$1 eigen gtest_args=()
  eigen=$(find_eigen)
  mkdir -p "$out"
  if [ "${DPTZ_GPU_CHECK_REBUILD:-}" != deps ] && [ -f /usr/include/gtest/gtest.h ] &&
     ls /usr/lib/*/libgtest.a > /dev/null 2>&1; then
    gtest_args=(-lgtest -lgtest_main -lpthread)
  elif [ -d "$CARRY/deps/googletest/googletest/src" ]; then
    local g=$CARRY/deps/googletest/googletest
    g++ -O2 -std=c++17 -I"$g/include" -I"$g" -c "$g/src/gtest-all.cc" -o "$out/gtest-all.o" &
    g++ -O2 -std=c++17 -I"$g/include" -I"$g" -c "$g/src/gtest_main.cc" -o "$out/gtest_main.o" &
    wait
    gtest_args=(-isystem "$g/include" "$out/gtest-all.o" "$out/gtest_main.o" -lpthread)
  else
    echo "gpu-check: no GoogleTest (system or $CARRY/deps/googletest)" >&2
    exit 2
  fi
  local common=("${NVCC_FLAGS[@]}" -Iinclude -Itests -isystem "$eigen")
  "$NVCC" "${common[@]}" --fmad=false tests/cuda/test_cuda_small.cu tests/cuda/example_kernel.cu \
    tests/cuda/small_cases.cpp "${gtest_args[@]}" -o "$out/test_cuda_small" &
  "$NVCC" "${common[@]}" --fmad=false bench/bench_cuda_small.cu -ldl -o "$out/bench_cuda_small" &
  wait
}

run_checks() {
  local out=$1 bin=$CARRY/bin status=0
  mkdir -p "$out"
  {
    echo "date: $(date -u)"
    echo "host: $(hostname) ($(nproc) cores)"
    "$NVCC" --version 2>&1 | tail -2 || true
    if command -v nvidia-smi > /dev/null; then
      nvidia-smi || true
      nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,clocks.max.mem,power.limit \
        --format=csv || true
    else
      echo "nvidia-smi: not found"
    fi
  } > "$out/system.txt" 2>&1
  export LD_LIBRARY_PATH="$CARRY/lib:/usr/local/cuda/lib64${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  if [ -n "${DPTZ_GPU_CHECK_REBUILD:-}" ] ||
     ! { [ -x "$bin/test_cuda_small" ] && "$bin/test_cuda_small" --gtest_list_tests > /dev/null 2>&1 &&
         [ -x "$bin/bench_cuda_small" ]; }; then
    echo "gpu-check: rebuilding with $NVCC (${DPTZ_GPU_CHECK_REBUILD:+forced; }carried binaries:" \
      "$([ -x "$bin/test_cuda_small" ] && echo present || echo absent))" | tee -a "$out/summary.txt"
    bin=build/gpu-check-rebuild
    rebuild "$bin" 2>&1 | tee "$out/rebuild.log"
  fi
  "$bin/test_cuda_small" --gtest_output=xml:"$out/test_cuda_small.xml" > "$out/test_cuda_small.log" 2>&1 || status=$?
  tail -n 40 "$out/test_cuda_small.log"
  timeout 420 "$bin/bench_cuda_small" --csv "$out/bench_cuda_small.csv" --json "$out/bench_cuda_small.json" \
    --markdown "$out/bench_cuda_small.md" 2>&1 | tee "$out/bench_cuda_small.log" || true
  if [ -x "$bin/test_cuda_small_fma" ]; then
    "$bin/test_cuda_small_fma" > "$out/test_cuda_small_fma.log" 2>&1 || true
    timeout 120 "$bin/bench_cuda_small_fma" --min-log2 20 --max-log2 24 --cusolver-max-log2 0 \
      --markdown "$out/bench_cuda_small_fma.md" > "$out/bench_cuda_small_fma.log" 2>&1 || true
  fi
  {
    if ! "$bin/test_cuda_small" --gtest_filter='CudaSmallHost.NoDeviceIsReportedAsCudaError' 2>&1 |
         grep -q 'a CUDA device is present'; then
      echo "no CUDA device here: the GPU cases were skipped and the benchmark measured nothing"
    fi
    echo "test_cuda_small exit status: $status"
    grep -E '^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ test' "$out/test_cuda_small.log" || true
    grep -E 'max \|W - W_cpu\|' "$out/test_cuda_small.log" || true
    if [ -f "$out/test_cuda_small_fma.log" ]; then
      echo "test_cuda_small_fma (--fmad=true, informational):"
      grep -E '^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ test' "$out/test_cuda_small_fma.log" || true
      grep -E 'max \|W - W_cpu\|' "$out/test_cuda_small_fma.log" || true
    fi
  } >> "$out/summary.txt"
  cat "$out/summary.txt"
  return "$status"
}

# The accuracy lines of a test log; without the log (only summary.txt kept), the lines summary.txt copied from it:
# those before the "test_cuda_small_fma" line for the default build, those after it for --fma.
accuracy_lines() {
  local out=$1 variant=$2 log=$1/test_cuda_small$2.log
  if [ -s "$log" ]; then
    grep -E 'max \|W - W_cpu\||^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ test' "$log" || true
  elif [ -s "$out/summary.txt" ]; then
    awk -v fma="$variant" '/^test_cuda_small_fma/ {after = 1; next}
      ((fma == "") == (after != 1)) && /max \|W - W_cpu\||^\[  (PASSED|FAILED|SKIPPED) *\] [0-9]+ test/' \
      "$out/summary.txt"
  fi
}

# The bars of docs/small.md from bench_cuda_small.csv: complex double 3x3 AoS at 2^24 in matrices/s, as a fraction
# of the copy kernel, and against cuSOLVER at 2^24 (or the largest batch cuSOLVER ran).
bars_line() {
  python3 - "$1/bench_cuda_small.csv" <<'EOF'
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["type"] == "complex<double> 3x3"]
rate = {(r["method"], int(r["n"])): float(r["matrices_per_s"]) for r in rows if float(r["matrices_per_s"]) > 0}
n = 1 << 24
aos, copy = rate.get(("dptz_aos", n)), rate.get(("copy_aos_bytes", n))
if aos is None:
    sys.exit(0)
line = ("Bars (complex double 3x3, Eigen's array layout, batch 2^24): %.3g matrices/s (bar 5e9: %s), %.2f of the copy "
        "kernel's throughput on the same bytes" % (aos, "met" if aos >= 5e9 else "NOT met", aos / copy))
cus = sorted(k[1] for k in rate if k[0] == "cusolver_syevj_batched")
if n in cus:
    ratio = aos / rate[("cusolver_syevj_batched", n)]
    line += "; %.0fx cuSOLVER's batched Jacobi on the same matrices in the same run (bar 100x: %s)." % (
        ratio, "met" if ratio >= 100 else "NOT met")
elif cus:
    m = cus[-1]
    line += ("; cuSOLVER's batched Jacobi ran only up to 2^%d, where dptz is %.0fx faster on the same matrices "
             "(bar 100x at 2^24: not measured)." % (m.bit_length() - 1,
                                                    rate[("dptz_aos", m)] / rate[("cusolver_syevj_batched", m)]))
else:
    line += "; cuSOLVER not measured."
print(line)
EOF
}

fill_docs() {
  local out=$1 doc=docs/small.md fragment md=$1/bench_cuda_small.md fma_md=$1/bench_cuda_small_fma.md
  if [ ! -s "$md" ]; then
    echo "gpu-check: $md is missing (no GPU in that run?): nothing to fill" >&2
    exit 2
  fi
  fragment=$(mktemp)
  {
    echo "<!-- gpu-figures:begin -->"
    echo "Measured by \`scripts/gpu-check.sh\` on this machine:"
    echo
    echo '```'
    sed '/^$/,$d' "$md"  # the device and settings lines, up to the first blank line
    grep -E 'Cuda compilation tools|Driver Version' "$out/system.txt" | sed 's/|//g; s/  */ /g; s/^ //' || true
    grep -E ', [0-9]+ MHz, [0-9]+ MHz' "$out/system.txt" | sed 's/^/nvidia-smi (name, driver, SM clock now, max; memory clock now, max; power limit): /' || true
    echo '```'
    echo
    if [ -s "$out/bench_cuda_small.csv" ]; then bars_line "$out"; echo; fi
    sed '1,/^$/d' "$md"  # the table
    grep -E ': cusolver_' "$out/bench_cuda_small.log" 2>/dev/null | sed 's/^/- /' || true
    echo
    echo "Accuracy on the device (test_cuda_small, default \`--fmad=false\`: largest |W - W_cpu| over the hard cases,"
    echo "and the count of results equal to the CPU path bit for bit):"
    echo
    echo '```'
    accuracy_lines "$out" "" | sed 's/^\[ \([^]]*\) \]/\1/'
    echo '```'
    if [ -s "$fma_md" ]; then
      echo
      echo "Compiled with nvcc's default \`--fmad=true\` (bench_cuda_small_fma, test_cuda_small_fma; informational: fused"
      echo "multiply-adds round differently from the CPU path, and the 8 eps comparison with it fails there):"
      echo
      sed '1,/^$/d' "$fma_md"
      echo
      echo '```'
      accuracy_lines "$out" _fma | sed 's/^\[ \([^]]*\) \]/\1/'
      echo '```'
    fi
    echo "<!-- gpu-figures:end -->"
  } > "$fragment"
  python3 - "$doc" "$fragment" <<'EOF'
import re, sys
doc, frag = sys.argv[1], open(sys.argv[2]).read().rstrip("\n")
text = open(doc).read()
pattern = re.compile(r"<!-- gpu-figures:begin -->.*?<!-- gpu-figures:end -->", re.S)
if not pattern.search(text):
    sys.exit("gpu-check: markers not found in " + doc)
open(doc, "w").write(pattern.sub(lambda m: frag, text))
EOF
  rm -f "$fragment"
  echo "filled $doc from $out"
}

case "${1:-}" in
  --prepare) prepare "${2:-}" ;;
  --fill-docs) fill_docs "${2:?usage: scripts/gpu-check.sh --fill-docs <outdir>}" ;;
  "" | -h | --help) sed -n '2,30p' "$0"; exit 2 ;;
  *) run_checks "$1" ;;
esac
