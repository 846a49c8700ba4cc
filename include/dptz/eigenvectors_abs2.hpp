// dptz — |V|^2 of a dense Hermitian matrix from eigenvalues of the matrix and of its minors.
#ifndef DPTZ_EIGENVECTORS_ABS2_HPP
#define DPTZ_EIGENVECTORS_ABS2_HPP

#include <vector>

#include <Eigen/Core>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "config.hpp"
#include "detail/spectrum.hpp"
#include "detail/validate.hpp"
#include "identity.hpp"

namespace dptz {

/// Options of eigenvectorsAbs2.
struct Abs2Options {
  Backend backend = Backend::Default;  ///< where eig(A) and eig(M_j) come from
  double clusterTolerance = -1;        ///< relative to ||A||_2; negative: n eps (DESIGN.md, repeated eigenvalues)
  int threads = 0;                     ///< OpenMP threads over minors; 0: OpenMP's default. Results never depend on it.
};

namespace detail {

/// Checked, power-of-two-scaled dense copy of A (|V|^2 is scale invariant; the scaling is exact and keeps every
/// spectrum O(1), so no difference of eigenvalues overflows or underflows needlessly).
template <typename Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> checkedScaledCopy(
    const char* where, const Eigen::MatrixBase<Derived>& A) {
  checkSquareFinite(where, A);
  const auto maxAbs = checkHermitian(where, A);
  return A.derived() * powerOfTwoScale(maxAbs);
}

template <typename Scalar>
struct Abs2Context {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

  Matrix A;  // scaled copy
  RealVector lambda;
  std::vector<Cluster> clusters;
  Backend backend;
  int threads;

  Abs2Context(const char* where, Matrix scaled, const Abs2Options& opt)
      : A(std::move(scaled)), backend(resolveBackend<Scalar>(where, opt.backend, A.rows())), threads(opt.threads) {
    if (!(opt.clusterTolerance == opt.clusterTolerance)) fail(where, "clusterTolerance is NaN");
    Matrix work = A;
    HermitianEigenvalues<Scalar> eig(backend);
    if (!eig.compute(work, lambda)) throw NumericalError(std::string(where) + ": eigenvalues of A did not converge");
    const Real tol = opt.clusterTolerance < 0 ? defaultClusterTolerance(lambda)
                                              : Real(opt.clusterTolerance) * lambda.cwiseAbs().maxCoeff();
    clusters = findClusters(lambda, tol);
  }

  /// out.row(r) = row rows[r] of |V|^2, minors in parallel. Each row is computed by exactly the same serial code
  /// whatever the thread count, so results are bitwise identical for any number of threads.
  template <typename OutT>
  void rows(const char* where, const std::vector<Eigen::Index>& rowList, OutT& out) const {
    const Eigen::Index count = Eigen::Index(rowList.size()), n = A.rows();
    bool failed = false;
#ifdef _OPENMP
    const int nt = threads > 0 ? threads : omp_get_max_threads();
#pragma omp parallel num_threads(nt) if (count > 1 && n > 8) reduction(|| : failed)
#endif
    {
      HermitianEigenvalues<Scalar> eig(backend);
      Matrix M;
      RealVector mu;
      RealVector w(n);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
      for (Eigen::Index r = 0; r < count; ++r) {
        extractMinor(A, rowList[std::size_t(r)], M);
        if (!eig.compute(M, mu)) {
          failed = true;
          continue;
        }
        abs2Row(lambda, mu, clusters, w);
        out.row(r) = w.transpose();
      }
    }
    if (failed) throw NumericalError(std::string(where) + ": eigenvalues of a minor did not converge");
  }
};

}  // namespace detail

/// W(j, i) = |v_i(j)|^2 for the Hermitian matrix A (eigenvalues ascending), from eig(A) and the n minor spectra
/// eig(M_j): O(n^4) — n eigensolves of size n-1. Columns are scaled to sum to 1 (each column shares the
/// denominator prod_{k != i}(lambda_i - lambda_k); the scaling cancels its rounding). Numerically equal eigenvalues
/// share their projector diagonal equally. Throws std::invalid_argument on non-square, empty, non-finite or
/// non-Hermitian input, dptz::NumericalError if an eigensolve fails.
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic> eigenvectorsAbs2(
    const Eigen::MatrixBase<Derived>& A, const Abs2Options& options = Abs2Options()) {
  using Scalar = typename Derived::Scalar;
  using Real = typename Derived::RealScalar;
  constexpr const char* where = "dptz::eigenvectorsAbs2";
  const detail::Abs2Context<Scalar> ctx(where, detail::checkedScaledCopy(where, A), options);
  const Eigen::Index n = ctx.A.rows();
  std::vector<Eigen::Index> all(static_cast<std::size_t>(n));
  for (Eigen::Index j = 0; j < n; ++j) all[std::size_t(j)] = j;
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> W(n, n);
  ctx.rows(where, all, W);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Real s = W.col(i).sum();
    if (s > Real(0)) W.col(i) /= s;
  }
  return W;
}

/// Only the rows listed in `rows` (any order, repeats allowed): rows.size() x n, only those minors are solved.
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic> eigenvectorsAbs2(
    const Eigen::MatrixBase<Derived>& A, const std::vector<Eigen::Index>& rows,
    const Abs2Options& options = Abs2Options()) {
  using Scalar = typename Derived::Scalar;
  using Real = typename Derived::RealScalar;
  constexpr const char* where = "dptz::eigenvectorsAbs2";
  auto scaled = detail::checkedScaledCopy(where, A);
  for (Eigen::Index j : rows) detail::checkIndex(where, "row index", j, scaled.rows());
  const detail::Abs2Context<Scalar> ctx(where, std::move(scaled), options);
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> W(Eigen::Index(rows.size()), ctx.A.rows());
  ctx.rows(where, rows, W);
  return W;
}

}  // namespace dptz

#endif  // DPTZ_EIGENVECTORS_ABS2_HPP
