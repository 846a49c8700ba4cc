// dptz — Householder tridiagonal form, tridiagonal eigenvalues, and eigenvectors of the tridiagonal form by one
// twisted (shifted) solve each (internal).
//
// Householder from column 1 (LAPACK ?sytrd / ?hetrd with uplo = 'L', Eigen::Tridiagonalization) gives A = Q T Q^*
// with Q e_1 = e_1: eig(T) = eig(A) and eig(T[2:n, 2:n]) = eig(A[2:n, 2:n]). After a symmetric permutation that
// moves coordinate j to position 1, one reduction gives both eig(A) and eig(M_j), each from a tridiagonal in O(n^2).
#ifndef DPTZ_DETAIL_TRIDIAGONAL_HPP
#define DPTZ_DETAIL_TRIDIAGONAL_HPP

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Cholesky>
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
class RowSpectra {
 public:
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

  explicit RowSpectra(bool useLapack) : m_useLapack(useLapack), m_tri(useLapack) {}

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
    RealVector mu = m_d.tail(n - 1), e = m_e.tail(n - 2);
    if (!tridiagonalEigenvalues(m_useLapack, mu, e)) return false;
    abs2Row(lambda, mu, clusters, w);
    return true;
  }

 private:
  bool m_useLapack;
  Tridiagonal<Scalar> m_tri;
  Matrix m_b;
  RealVector m_d, m_e, m_b2;
  SweepWork<Real, kJacobiLanes> m_sweep;
};

// ---- eigenvectors of a real symmetric tridiagonal T = tridiag(e, d, e) ---------------------------------------------

/// Replaces a (near-)zero pivot by +-pivmin so that the factorization of T - lambda I never divides by zero.
template <typename Real>
Real guardPivot(const Real& p, const Real& pivmin) {
  using std::abs;
  return abs(p) < pivmin ? (p < Real(0) ? -pivmin : pivmin) : p;
}

/// Twisted factorization of T - lambda I: dplus (top-down LDL^T pivots), dminus (bottom-up), and
/// gamma_k = 1 / [(T - lambda I)^{-1}]_kk. By the identity in characteristic-polynomial form,
/// 1 / gamma_k = p_{T without k}(lambda) / p_T(lambda) = sum_i |u_i(k)|^2 / (lambda_i - lambda): near an eigenvalue
/// lambda_i, |gamma_k| is smallest where |u_i(k)|^2 is largest — the pivot component.
template <typename Real>
struct Twisted {
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  Vector dplus, dminus, gamma;

  void factor(const Vector& d, const Vector& e, const Real& lambda, const Real& pivmin) {
    const Eigen::Index n = d.size();
    dplus.resize(n);
    dminus.resize(n);
    gamma.resize(n);
    dplus(0) = guardPivot(Real(d(0) - lambda), pivmin);
    for (Eigen::Index k = 1; k < n; ++k)
      dplus(k) = guardPivot(Real(d(k) - lambda - e(k - 1) * (e(k - 1) / dplus(k - 1))), pivmin);
    dminus(n - 1) = guardPivot(Real(d(n - 1) - lambda), pivmin);
    for (Eigen::Index k = n - 2; k >= 0; --k)
      dminus(k) = guardPivot(Real(d(k) - lambda - e(k) * (e(k) / dminus(k + 1))), pivmin);
    for (Eigen::Index k = 0; k < n; ++k) gamma(k) = dplus(k) + dminus(k) - (d(k) - lambda);
  }

  /// x = (T - lambda I)^{-1} e_r * gamma_r, i.e. x(r) = 1: the r-th column of the adjugate up to scale; normalized.
  void solve(const Vector& e, Eigen::Index r, Vector& x) const {
    using std::abs;
    const Eigen::Index n = dplus.size();
    const Real big = Real(1) / Eigen::NumTraits<Real>::epsilon() / Eigen::NumTraits<Real>::epsilon();
    x.setZero(n);
    x(r) = Real(1);
    for (Eigen::Index k = r - 1; k >= 0; --k) {
      x(k) = -(e(k) / dplus(k)) * x(k + 1);
      if (abs(x(k)) > big) x.segment(k, r - k + 1) /= big;
    }
    for (Eigen::Index k = r + 1; k < n; ++k) {
      x(k) = -(e(k - 1) / dminus(k)) * x(k - 1);
      if (abs(x(k)) > big) x.head(k + 1) /= big;
    }
    const Real nrm = x.norm();
    if (nrm > Real(0) && nrm == nrm) x /= nrm;
  }
};

/// Unit eigenvectors U (n x n, real) of the tridiagonal (d, e) for the ascending eigenvalues lambda.
/// Each eigenvector: one twisted solve at lambda_i with the twist at the pivot component (smallest |gamma_k|).
/// Eigenvalues closer than groupTol form a group: its members' vectors (further twist indices are tried when a solve
/// adds nothing new, e.g. exactly repeated eigenvalues) are orthonormalized and rotated by a Rayleigh–Ritz step on
/// the group, so every group gets an orthonormal basis of its invariant subspace. Cost O(n^2) plus O(n m^2) per group
/// of size m; deterministic.
template <typename Real>
void tridiagonalEigenvectors(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& d,
                             const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e,
                             const Eigen::Matrix<Real, Eigen::Dynamic, 1>& lambda, const Real& groupTol,
                             Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& U) {
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  using std::abs;
  using std::sqrt;
  const Eigen::Index n = d.size();
  U.setZero(n, n);
  if (n == 0) return;
  if (n == 1) {
    U(0, 0) = Real(1);
    return;
  }
  const Real eps = Eigen::NumTraits<Real>::epsilon();
  Real tnorm = d.cwiseAbs().maxCoeff() + Real(2) * e.cwiseAbs().maxCoeff();
  if (!(tnorm > Real(0))) tnorm = Real(1);
  const Real pivmin = eps * eps * tnorm;
  Twisted<Real> tw;
  Vector x;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));

  auto tmul = [&](const Vector& v) {  // T v
    Vector y = d.cwiseProduct(v);
    y.head(n - 1) += e.cwiseProduct(v.tail(n - 1));
    y.tail(n - 1) += e.cwiseProduct(v.head(n - 1));
    return y;
  };

  for (Eigen::Index g0 = 0; g0 < n;) {
    Eigen::Index g1 = g0 + 1;
    while (g1 < n && lambda(g1) - lambda(g1 - 1) <= groupTol) ++g1;
    const Eigen::Index m = g1 - g0;
    if (m == 1) {
      tw.factor(d, e, lambda(g0), pivmin);
      Eigen::Index r = 0;
      tw.gamma.cwiseAbs().minCoeff(&r);
      tw.solve(e, r, x);
      U.col(g0) = x;
      g0 = g1;
      continue;
    }
    // A group: one twisted solve per member at its own eigenvalue; where the result adds nothing to the span found
    // so far, the next twist index (by |gamma| at that eigenvalue: the next largest projector diagonal) is tried.
    Eigen::Index found = 0;
    for (Eigen::Index s = g0; s < g1; ++s) {
      tw.factor(d, e, lambda(s), pivmin);
      std::iota(order.begin(), order.end(), Eigen::Index(0));
      std::stable_sort(order.begin(), order.end(),
                       [&](Eigen::Index a, Eigen::Index b) { return abs(tw.gamma(a)) < abs(tw.gamma(b)); });
      for (Eigen::Index t = 0; t < n; ++t) {
        tw.solve(e, order[std::size_t(t)], x);
        for (int pass = 0; pass < 2; ++pass)  // twice is enough
          for (Eigen::Index c = 0; c < found; ++c) x -= U.col(g0 + c) * U.col(g0 + c).dot(x);
        const Real nrm = x.norm();
        if (nrm > Real(0.1)) {
          U.col(g0 + found++) = x / nrm;
          break;
        }
      }
    }
    // Unit vectors as a last resort (cannot happen for a group of a symmetric matrix, kept so U is always complete).
    for (Eigen::Index k = 0; found < m && k < n; ++k) {
      x = Vector::Unit(n, k);
      for (int pass = 0; pass < 2; ++pass)
        for (Eigen::Index c = 0; c < found; ++c) x -= U.col(g0 + c) * U.col(g0 + c).dot(x);
      const Real nrm = x.norm();
      if (nrm > Real(0.5)) U.col(g0 + found++) = x / nrm;
    }
    // Rayleigh–Ritz on the group: H = X^T T X, X := X Z (Z the ascending eigenvectors of H).
    Matrix TX(n, m);
    for (Eigen::Index c = 0; c < m; ++c) TX.col(c) = tmul(U.col(g0 + c));
    Matrix H = U.middleCols(g0, m).transpose() * TX;
    H = (H + H.transpose()).eval() / Real(2);
    Eigen::SelfAdjointEigenSolver<Matrix> rr(H);
    const Matrix X = U.middleCols(g0, m) * rr.eigenvectors();
    U.middleCols(g0, m) = X;
    g0 = g1;
  }
  // Vectors of distinct eigenvalues carry angle errors ~ eps ||T|| / gap along their neighbours. One Cholesky–QR
  // pass (U := U R^{-1}, U^T U = R^T R; ~2 n^3 flops) removes them; it moves u_i by c u_k with c ~ eps ||T|| / gap,
  // which changes the residual by only |c| gap ~ eps ||T||.
  Matrix G = Matrix::Zero(n, n);
  G.template selfadjointView<Eigen::Lower>().rankUpdate(U.transpose());
  Eigen::LLT<Matrix> llt(G);
  if (llt.info() == Eigen::Success) llt.matrixU().template solveInPlace<Eigen::OnTheRight>(U);
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_TRIDIAGONAL_HPP
