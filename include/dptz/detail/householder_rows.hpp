// dptz — rows of |V|^2 from one Householder tridiagonalization each (internal): the reduction, and row 0 of the
// tridiagonal form's |V|^2 from its spectrum.
//
// Householder from column 1 (LAPACK ?sytrd / ?hetrd with uplo = 'L', Eigen::Tridiagonalization) gives A = Q T Q^*
// with Q e_1 = e_1: eig(T) = eig(A) and eig(T[2:n, 2:n]) = eig(A[2:n, 2:n]). After a symmetric permutation that
// moves coordinate j to position 1, one reduction gives both eig(A) and eig(M_j), each from a tridiagonal in O(n^2).
#ifndef DPTZ_DETAIL_HOUSEHOLDER_ROWS_HPP
#define DPTZ_DETAIL_HOUSEHOLDER_ROWS_HPP

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "jacobi_matrix.hpp"
#include "lapack.hpp"
#include "numerics.hpp"

namespace dptz {
namespace detail {

/// A = Q T Q^* (lower triangle, Householder from column 1) with workspace kept between calls; one object per thread.
template <typename Scalar, bool UseLapack = lapackApplies<Scalar>()>
class Tridiagonal {
 public:
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

  explicit Tridiagonal(bool useLapack) : m_useLapack(useLapack) {}

  /// Reduces a (overwritten: the reflectors stay there for applyQ) to the tridiagonal (d, e). False on failure.
  bool reduce(Matrix& a, RealVector& d, RealVector& e) {
    const Eigen::Index n = a.rows();
    d.resize(n);
    e.resize(n > 0 ? n - 1 : 0);
#ifdef DPTZ_HAS_LAPACKE
    if constexpr (UseLapack) {
      if (m_useLapack) {
        using lapack::Int;
        if (n == 0) return true;
        m_tau.resize(std::max<Eigen::Index>(1, n - 1));
        if (n != m_n) {
          Scalar q{};
          lapack::sytrd(Int(n), a.data(), Int(a.outerStride()), d.data(), e.data(), m_tau.data(), &q, -1);
          m_work.resize(std::max<Eigen::Index>(1, Eigen::Index(std::real(q))));
          m_n = n;
        }
        return lapack::sytrd(Int(n), a.data(), Int(a.outerStride()), d.data(), e.data(), m_tau.data(), m_work.data(),
                             Int(m_work.size())) == 0;
      }
    }
#endif
    if (n == 0) return true;
    m_eigen.compute(a);
    d = m_eigen.diagonal();
    e = m_eigen.subDiagonal();
    return true;
  }

  /// C := Q C, Q from the last reduce(a) (a as reduce left it).
  void applyQ(const Matrix& a, Matrix& C) {
    if (a.rows() <= 1) return;
#ifdef DPTZ_HAS_LAPACKE
    if constexpr (UseLapack) {
      if (m_useLapack) {
        using lapack::Int;
        Scalar q{};
        lapack::ormtr(Int(C.rows()), Int(C.cols()), a.data(), Int(a.outerStride()), m_tau.data(), C.data(),
                      Int(C.outerStride()), &q, -1);
        Eigen::Matrix<Scalar, Eigen::Dynamic, 1> work(std::max<Eigen::Index>(1, Eigen::Index(std::real(q))));
        lapack::ormtr(Int(C.rows()), Int(C.cols()), a.data(), Int(a.outerStride()), m_tau.data(), C.data(),
                      Int(C.outerStride()), work.data(), Int(work.size()));
        return;
      }
    }
#endif
    (void)a;
    C.applyOnTheLeft(m_eigen.matrixQ());
  }

 private:
  bool m_useLapack;
  Eigen::Tridiagonalization<Matrix> m_eigen;
  Eigen::Matrix<Scalar, Eigen::Dynamic, 1> m_tau, m_work;
  Eigen::Index m_n = -1;
};

/// Row j of |V|^2 from one tridiagonalization of A with coordinate j moved to position 0 (A is the checked, scaled
/// copy): T = Q^* P A P Q with Q e_1 = e_1, so row j of |V|^2 is row 0 of T's, and eig(T) = eig(A). One object per
/// thread; every method returns false on numerical failure.
template <typename Scalar>
class HouseholderRows {
 public:
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

  explicit HouseholderRows(bool useLapack) : m_useLapack(useLapack), m_tri(useLapack) {}

  /// The tridiagonal form of A with j first; A is copied.
  bool reduce(const Matrix& A, Eigen::Index j) {
    m_b = A;
    return reduceInPlace(m_b, j);
  }

  /// The same, overwriting a (one row: no copy of A is needed).
  bool reduceInPlace(Matrix& a, Eigen::Index j) {
    if (j != 0) {  // the transposition (0 j): a symmetric permutation, so the minor at 0 is M_j permuted
      a.row(0).swap(a.row(j));
      a.col(0).swap(a.col(j));
    }
    return m_tri.reduce(a, m_d, m_e);
  }

  /// eig(T) = eig(A), ascending.
  bool eigenvalues(RealVector& lambda) {
    lambda = m_d;
    RealVector e = m_e;
    return tridiagonalEigenvalues(m_useLapack, lambda, e);
  }

  /// Row 0 of T's |V|^2 given lambda = eig(T) and its clusters. With every gap wide (sweep) and T unreduced, the
  /// identity's characteristic-polynomial form |u_i(0)|^2 = p_{T[1:,1:]}(lambda_i) / p_T'(lambda_i), evaluated by
  /// pivot recurrences in O(n) per eigenvalue (componentSweep, also behind tridiagonalEigenvectorsAbs2): about a
  /// third of a tridiagonal eigensolve (?sterf). Otherwise the paired product with mu = eig(T[1:, 1:]) (clusters
  /// share their projector diagonal).
  template <typename Clusters>
  bool row(const RealVector& lambda, const Clusters& clusters, bool sweep, RealVector& w) {
    const Eigen::Index n = m_d.size();
    w.resize(n);
    m_mu.resize(0);
    if (n == 1) {
      w(0) = Real(1);
      return true;
    }
    if constexpr (std::is_floating_point<Real>::value) {
      if (sweep) {
        m_b2 = m_e.cwiseAbs2();
        // Off-diagonals below the pivot guard: T (nearly) splits, and its pieces may share eigenvalues.
        if (m_b2.minCoeff() > pivotMinimum<Real>()) {
          constexpr int G = kJacobiLanes;
          m_sweep.resize(n);
          Real x[G], first[G], delta[G];
          for (Eigen::Index i0 = 0; i0 < n; i0 += G) {
            for (int l = 0; l < G; ++l) x[l] = lambda((std::min)(i0 + l, n - 1));
            componentSweep<Real, G>(m_d.data(), m_b2.data(), n, x, m_sweep, first, delta, nullptr);
            for (int l = 0; l < G && i0 + l < n; ++l) w(i0 + l) = clamp01(first[l]);
          }
          return true;
        }
      }
    }
    (void)sweep;
    m_mu = m_d.tail(n - 1);
    RealVector e = m_e.tail(n - 2);
    if (!tridiagonalEigenvalues(m_useLapack, m_mu, e)) return false;
    abs2Row(lambda, m_mu, clusters, w);
    return true;
  }

  /// eig(T[1:, 1:]) = eig(M_j) from the last call of row() that took the paired product; empty after a sweep.
  const RealVector& minorEigenvalues() const { return m_mu; }

 private:
  bool m_useLapack;
  Tridiagonal<Scalar> m_tri;
  Matrix m_b;
  RealVector m_d, m_e, m_b2, m_mu;
  SweepWork<Real, kJacobiLanes> m_sweep;
};

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_HOUSEHOLDER_ROWS_HPP
