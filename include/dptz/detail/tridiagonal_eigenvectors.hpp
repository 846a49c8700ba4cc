// dptz — eigenvectors of a real symmetric tridiagonal matrix by one twisted (shifted) solve each (internal).
#ifndef DPTZ_DETAIL_TRIDIAGONAL_EIGENVECTORS_HPP
#define DPTZ_DETAIL_TRIDIAGONAL_EIGENVECTORS_HPP

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

namespace dptz {
namespace detail {

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
/// Eigenvalues closer than groupTol form a group: its members' vectors (further twist indices are taken when a solve
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
    // so far, the next twist index (by |gamma| at that eigenvalue: the next largest projector diagonal) is taken.
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

#endif  // DPTZ_DETAIL_TRIDIAGONAL_EIGENVECTORS_HPP
