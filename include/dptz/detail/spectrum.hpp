// dptz — eigenvalues (no vectors) of dense Hermitian matrices from the selected backend (internal).
#ifndef DPTZ_DETAIL_SPECTRUM_HPP
#define DPTZ_DETAIL_SPECTRUM_HPP

#include <stdexcept>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "householder_rows.hpp"
#include "jacobi_matrix.hpp"
#include "lapack.hpp"
#include "numerics.hpp"
#include "validate.hpp"

namespace dptz {

namespace detail {

/// Smallest n at which LAPACK's eigenvalues beat Eigen's for the matrices a call solves (measured: the call
/// overhead of LAPACKE dominates below; bench/bench_foundation.cpp, README).
template <typename Scalar>
constexpr Eigen::Index lapackCrossover() noexcept {
  return Eigen::NumTraits<Scalar>::IsComplex ? 16 : 32;
}

/// The concrete choice behind a requested dptz::Backend (BackendT; a template parameter keeps detail/ free of
/// public headers) for n x n problems: true = LAPACK. Default takes the faster one; a request LAPACK cannot serve
/// is an error, not a silent switch.
template <typename Scalar, typename BackendT>
bool useLapack(const char* where, BackendT requested, Eigen::Index n = Eigen::Index(1) << 30) {
  if (requested == BackendT::Lapack && !lapackApplies<Scalar>()) {
#ifndef DPTZ_HAS_LAPACKE
    fail(where, "Backend::Lapack requested but this build has no LAPACKE (DPTZ_WITH_LAPACK)");
#endif
    fail(where, "Backend::Lapack requested but LAPACK has no routine for this scalar type");
  }
  if (requested == BackendT::Default) return lapackApplies<Scalar>() && n >= lapackCrossover<Scalar>();
  return requested == BackendT::Lapack;
}

/// Eigenvalues of the lower triangle of Hermitian matrices, ascending; keeps workspace between calls so that
/// solving many minors of one size allocates once. One object per thread.
template <typename Scalar, bool UseLapack = lapackApplies<Scalar>()>
class HermitianEigenvalues {
 public:
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

  explicit HermitianEigenvalues(bool useLapack) : m_useLapack(useLapack), m_tri(useLapack) {}

  /// Eigenvalues of M (overwritten) into w. Returns false on numerical failure.
  bool compute(Matrix& M, RealVector& w) {
    w.resize(M.rows());
    if (M.rows() == 0) return true;
    if (m_useLapack) {
      // ?sytrd / ?hetrd, then the tridiagonal eigenvalues block by block (?sterf, checked; Eigen's QL where it
      // fails): what ?syevd 'N' computes, without its ?sterf on couplings negligible beside their neighbours.
      return m_tri.reduce(M, w, m_e) && tridiagonalEigenvalues(true, w, m_e);
    }
    m_eigen.compute(M, Eigen::EigenvaluesOnly);
    if (m_eigen.info() == Eigen::Success) {
      w = m_eigen.eigenvalues();
      return true;
    }
    // Eigen's QL can stall where the tridiagonal form has couplings far below the rest; tridiagonalEigenvalues
    // splits there and solves each block scaled.
    const Eigen::Tridiagonalization<Matrix> tri(M);
    w = tri.diagonal();
    m_e = tri.subDiagonal();
    return tridiagonalEigenvalues(false, w, m_e);
  }

 private:
  bool m_useLapack;
  Tridiagonal<Scalar, UseLapack> m_tri;
  RealVector m_e;
  Eigen::SelfAdjointEigenSolver<Matrix> m_eigen;
};

/// M_j: A without row and column j (the lower triangle is what the solvers read, but copy all of it).
template <typename MatrixT, typename OutT>
void extractMinor(const MatrixT& A, Eigen::Index j, OutT& M) {
  const Eigen::Index n = A.rows(), b = n - j - 1;
  M.resize(n - 1, n - 1);
  M.topLeftCorner(j, j) = A.topLeftCorner(j, j);
  M.topRightCorner(j, b) = A.topRightCorner(j, b);
  M.bottomLeftCorner(b, j) = A.bottomLeftCorner(b, j);
  M.bottomRightCorner(b, b) = A.bottomRightCorner(b, b);
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_SPECTRUM_HPP
