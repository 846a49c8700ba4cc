// Shared benchmark plumbing: thread pinning report, random inputs, and the naming convention of the ratio table.
//
// Naming: every benchmark is registered as "<table>/<path>/<n>" (e.g. "dense_double/identity_all_rows/128"), and
// the path every other path of a table is compared with calls markBaseline(state). scripts/bench_table.py groups
// by table and n and prints each path's time and its ratio to the baseline.
#ifndef DPTZ_BENCH_COMMON_HPP
#define DPTZ_BENCH_COMMON_HPP

#include <cstdio>
#include <cstdlib>
#include <complex>
#include <random>
#include <string>

#include <Eigen/Core>
#include <benchmark/benchmark.h>
#include <dptz/dptz.hpp>

#include "random_matrices.hpp"

#ifdef _OPENMP
#include <omp.h>
#endif

namespace dptz_bench {

inline const char* envOr(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v ? v : fallback;
}

/// Records the thread settings in the benchmark context (and so in the JSON the table script reads).
inline void addThreadContext() {
  benchmark::AddCustomContext("OMP_NUM_THREADS", envOr("OMP_NUM_THREADS", "(unset)"));
  benchmark::AddCustomContext("OPENBLAS_NUM_THREADS", envOr("OPENBLAS_NUM_THREADS", "(unset)"));
#ifdef _OPENMP
  benchmark::AddCustomContext("omp_get_max_threads", std::to_string(omp_get_max_threads()));
#else
  benchmark::AddCustomContext("omp_get_max_threads", "no OpenMP");
#endif
  std::fprintf(stderr, "threads: OMP_NUM_THREADS=%s OPENBLAS_NUM_THREADS=%s\n", envOr("OMP_NUM_THREADS", "(unset)"),
               envOr("OPENBLAS_NUM_THREADS", "(unset)"));
}

inline void markBaseline(benchmark::State& state) { state.SetLabel("baseline"); }

/// Registers fn(state, n) as "<table>/<path>/<n>" (no ->Arg: it would append "/<n>" again), timed in real time.
template <typename Fn>
benchmark::internal::Benchmark* registerCase(const std::string& table, const std::string& path, long n, Fn fn) {
  return benchmark::RegisterBenchmark((table + "/" + path + "/" + std::to_string(n)).c_str(),
                                      [fn, n](benchmark::State& state) { fn(state, n); })
      ->UseRealTime();
}

/// Random Hermitian (GOE / GUE-like) matrix, the tests' generator (tests/random_matrices.hpp).
template <typename Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> randomHermitian(Eigen::Index n, std::uint64_t seed = 42) {
  return dptz_test::randomHermitian<Scalar>(n, seed);
}

template <typename Scalar>
using DenseMatrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;

/// LapackEigenSolver on a random n x n Hermitian matrix; options Eigen::EigenvaluesOnly or ComputeEigenvectors.
template <typename Scalar, int Options, bool Baseline = false>
void lapackSolve(benchmark::State& state, long n) {
  const DenseMatrix<Scalar> A = randomHermitian<Scalar>(n);
  dptz::LapackEigenSolver<DenseMatrix<Scalar>> es(A.rows());
  for (auto _ : state) {
    es.compute(A, Options);
    benchmark::DoNotOptimize(es.eigenvalues().data());
  }
  if (Baseline) markBaseline(state);
}

/// One row (n / 3) of |V|^2 by the identity: eigenvectorsAbs2(A, {n / 3}).
template <typename Scalar>
void identityOneRow(benchmark::State& state, long n) {
  const DenseMatrix<Scalar> A = randomHermitian<Scalar>(n);
  const std::vector<Eigen::Index> rows{n / 3};
  for (auto _ : state) {
    const auto W = dptz::eigenvectorsAbs2(A, rows);
    benchmark::DoNotOptimize(W.data());
  }
}

}  // namespace dptz_bench

/// main() for every bench_*.cpp: prints and records thread settings, then runs the benchmarks.
#define DPTZ_BENCHMARK_MAIN()                                  \
  int main(int argc, char** argv) {                            \
    benchmark::Initialize(&argc, argv);                        \
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1; \
    dptz_bench::addThreadContext();                            \
    benchmark::RunSpecifiedBenchmarks();                       \
    benchmark::Shutdown();                                     \
    return 0;                                                  \
  }

#endif  // DPTZ_BENCH_COMMON_HPP
