// IdentityEigenSolver benchmarks.
//  one_row_<type>/<path>/<n>: one row of |V|^2 by eigenvectorsAbs2(A, {j}) (one tridiagonalization keeping j fixed)
//    against LapackEigenSolver eigenvalues-only (baseline) and with vectors; also the solver's full eigenvectors
//    (twisted solves on the tridiagonal form). Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1.
//  all_rows_threads/<path>/<n>: eigenvectorsAbs2(A) (all rows, OpenMP over minors) with 1 thread (baseline) and
//    2 threads (Abs2Options::threads). Run with OPENBLAS_NUM_THREADS=1.
#include <dptz/dptz.hpp>

#include "bench_common.hpp"

namespace {

template <typename Scalar>
using Mat = dptz_bench::DenseMatrix<Scalar>;

template <typename Scalar>
void solverVectors(benchmark::State& state, long n) {
  const Mat<Scalar> A = dptz_bench::randomHermitian<Scalar>(n);
  dptz::IdentityEigenSolver<Mat<Scalar>> es;
  for (auto _ : state) {
    es.compute(A, Eigen::ComputeEigenvectors);
    benchmark::DoNotOptimize(es.eigenvectors().data());
  }
}

template <int Threads>
void allRows(benchmark::State& state, long n) {
  const Mat<double> A = dptz_bench::randomHermitian<double>(n);
  dptz::Abs2Options opt;
  opt.threads = Threads;
  for (auto _ : state) {
    const auto W = dptz::eigenvectorsAbs2(A, opt);
    benchmark::DoNotOptimize(W.data());
  }
  if (Threads == 1) dptz_bench::markBaseline(state);
}

template <typename Scalar>
void registerOneRow(const char* table) {
  for (long n : {256L, 512L, 1000L, 2000L}) {
    const auto reg = [&](const char* path, void (*fn)(benchmark::State&, long)) {
      dptz_bench::registerCase(table, path, n, fn)->Unit(benchmark::kMillisecond);
    };
    reg("lapack_values", dptz_bench::lapackSolve<Scalar, Eigen::EigenvaluesOnly, true>);
    reg("lapack_vectors", dptz_bench::lapackSolve<Scalar, Eigen::ComputeEigenvectors>);
    reg("identity_one_row", dptz_bench::identityOneRow<Scalar>);
    reg("solver_vectors", solverVectors<Scalar>);
  }
}

const bool registered = [] {
  registerOneRow<double>("one_row_double");
  registerOneRow<std::complex<double>>("one_row_complex");
  for (long n : {128L, 256L}) {
    dptz_bench::registerCase("all_rows_threads", "threads_1", n, allRows<1>)->Unit(benchmark::kMillisecond);
    dptz_bench::registerCase("all_rows_threads", "threads_2", n, allRows<2>)->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace

DPTZ_BENCHMARK_MAIN()
