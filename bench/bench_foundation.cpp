// Foundation benchmarks: the identity (all rows, one row) against LapackEigenSolver with and without vectors and
// Eigen's SelfAdjointEigenSolver, dense real and complex Hermitian matrices. Baseline: LAPACK with vectors.
#include <dptz/dptz.hpp>

#include <Eigen/Eigenvalues>

#include "bench_common.hpp"

namespace {

template <typename Scalar>
using Mat = dptz_bench::DenseMatrix<Scalar>;

template <typename Scalar>
void eigenVectors(benchmark::State& state, long n) {
  const Mat<Scalar> A = dptz_bench::randomHermitian<Scalar>(n);
  Eigen::SelfAdjointEigenSolver<Mat<Scalar>> es(A.rows());
  for (auto _ : state) {
    es.compute(A, Eigen::ComputeEigenvectors);
    benchmark::DoNotOptimize(es.eigenvectors().data());
  }
}

template <typename Scalar>
void identityAllRows(benchmark::State& state, long n) {
  const Mat<Scalar> A = dptz_bench::randomHermitian<Scalar>(n);
  for (auto _ : state) {
    const auto W = dptz::eigenvectorsAbs2(A);
    benchmark::DoNotOptimize(W.data());
  }
}

template <typename Scalar>
void registerTable(const char* table) {
  const std::string t(table);
  for (long n : {8L, 32L, 128L, 512L}) {
    const auto reg = [&](const char* path, void (*fn)(benchmark::State&, long)) {
      dptz_bench::registerCase(t, path, n, fn)->Unit(benchmark::kMicrosecond);
    };
    reg("lapack_vectors", dptz_bench::lapackSolve<Scalar, Eigen::ComputeEigenvectors, true>);
    reg("lapack_values", dptz_bench::lapackSolve<Scalar, Eigen::EigenvaluesOnly>);
    reg("eigen_vectors", eigenVectors<Scalar>);
    reg("identity_one_row", dptz_bench::identityOneRow<Scalar>);
    reg("identity_all_rows", identityAllRows<Scalar>);
  }
}

const bool registered = [] {
  registerTable<double>("dense_double");
  registerTable<std::complex<double>>("dense_complex");
  return true;
}();

}  // namespace

DPTZ_BENCHMARK_MAIN()
