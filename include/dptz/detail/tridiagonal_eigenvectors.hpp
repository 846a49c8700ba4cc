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

  /// x := (T - lambda I)^{-1} x through the top-down factorization L D L^T (pivots dplus), normalized: one step of
  /// inverse iteration. Rescaled on the way so that guarded (tiny) pivots cannot overflow it.
  void inverseIterate(const Vector& e, Vector& x) const {
    using std::abs;
    const Eigen::Index n = dplus.size();
    const Real big = Real(1) / Eigen::NumTraits<Real>::epsilon() / Eigen::NumTraits<Real>::epsilon();
    for (Eigen::Index k = 1; k < n; ++k) {
      x(k) -= (e(k - 1) / dplus(k - 1)) * x(k - 1);
      if (abs(x(k)) > big) x.head(k + 1) /= big;
    }
    const Real top = x.cwiseAbs().maxCoeff();
    if (!(top > Real(0))) return;
    x = (x / top).cwiseQuotient(dplus);
    for (Eigen::Index k = n - 2; k >= 0; --k) {
      x(k) -= (e(k) / dplus(k)) * x(k + 1);
      if (abs(x(k)) > big) x.tail(n - k) /= big;
    }
    const Real nrm = x.norm();
    if (nrm > Real(0) && nrm == nrm) x /= nrm;
  }
};

/// Unit eigenvectors of a real symmetric tridiagonal (d, e) for its ascending eigenvalues lambda, one group of close
/// eigenvalues at a time. Each vector comes from one twisted solve at its eigenvalue with the twist at the pivot
/// component (smallest |gamma_k|). Eigenvalues closer than groupTol form a group whose members' vectors are
/// orthonormalized and rotated by a Rayleigh–Ritz step, so every group gets an orthonormal basis of its invariant
/// subspace. Cost O(n^2) plus O(n m^2) per group of size m; deterministic.
template <typename Real>
class TridiagonalEigenvectors {
 public:
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;

  TridiagonalEigenvectors(const Vector& d, const Vector& e, const Vector& lambda, const Real& groupTol)
      : m_d(d), m_e(e), m_lambda(lambda), m_groupTol(groupTol), m_order(static_cast<std::size_t>(d.size())) {
    const Real eps = Eigen::NumTraits<Real>::epsilon();
    Real tnorm = d.cwiseAbs().maxCoeff() + (e.size() > 0 ? Real(2) * e.cwiseAbs().maxCoeff() : Real(0));
    if (!(tnorm > Real(0))) tnorm = Real(1);
    m_pivmin = eps * eps * tnorm;
    // What rounding leaves in the residual of a vector of the group's subspace (twisted solve, orthogonalization).
    m_residualTol = Real(16) * Real(d.size()) * eps * tnorm;
  }

  /// U (n x n): column i the unit eigenvector of lambda(i).
  void compute(Matrix& U) {
    const Eigen::Index n = m_d.size();
    U.setZero(n, n);
    if (n == 1) U(0, 0) = Real(1);
    if (n <= 1) return;
    for (Eigen::Index g0 = 0; g0 < n;) {
      Eigen::Index g1 = g0 + 1;
      while (g1 < n && m_lambda(g1) - m_lambda(g1 - 1) <= m_groupTol) ++g1;
      if (g1 - g0 == 1) {
        m_twisted.factor(m_d, m_e, m_lambda(g0), m_pivmin);
        Eigen::Index r = 0;
        m_twisted.gamma.cwiseAbs().minCoeff(&r);
        m_twisted.solve(m_e, r, m_x);
        U.col(g0) = m_x;
      } else {
        group(g0, g1, U);
      }
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

 private:
  /// T v
  Vector tmul(const Vector& v) const {
    const Eigen::Index n = m_d.size();
    Vector y = m_d.cwiseProduct(v);
    y.head(n - 1) += m_e.cwiseProduct(v.tail(n - 1));
    y.tail(n - 1) += m_e.cwiseProduct(v.head(n - 1));
    return y;
  }

  /// x minus its projection on U's columns [first, first + count) (twice: enough for orthogonality to rounding).
  static void orthogonalize(const Matrix& U, Eigen::Index first, Eigen::Index count, Vector& x) {
    for (int pass = 0; pass < 2; ++pass)
      for (Eigen::Index c = 0; c < count; ++c) x -= U.col(first + c) * U.col(first + c).dot(x);
  }

  /// A group [g0, g1): one twisted solve per member at its own eigenvalue, kept if it adds a new direction of the
  /// group's invariant subspace (keep: with guarded pivots a twist can return a vector of a far eigenvalue, which
  /// must not enter the group); otherwise the solve is repeated at the next twist index (by |gamma|: the next
  /// largest projector diagonal). Then Rayleigh–Ritz on the group.
  void group(Eigen::Index g0, Eigen::Index g1, Matrix& U) {
    using std::abs;
    const Eigen::Index n = m_d.size(), m = g1 - g0;
    const Real spread = m_lambda(g1 - 1) - m_lambda(g0);
    Eigen::Index found = 0;
    for (Eigen::Index s = g0; s < g1; ++s) {
      const Eigen::Index before = found;
      m_twisted.factor(m_d, m_e, m_lambda(s), m_pivmin);
      std::iota(m_order.begin(), m_order.end(), Eigen::Index(0));
      std::stable_sort(m_order.begin(), m_order.end(), [&](Eigen::Index a, Eigen::Index b) {
        return abs(m_twisted.gamma(a)) < abs(m_twisted.gamma(b));
      });
      for (Eigen::Index t = 0; t < n; ++t) {
        m_twisted.solve(m_e, m_order[std::size_t(t)], m_x);
        if (keep(g0, found, m_lambda(s), spread, U)) {
          ++found;
          break;
        }
      }
      if (found == before) found += inverseIteration(g0, found, s, spread, U);
    }
    // Unit vectors as the last resort (not reached for the groups of a symmetric matrix; keeps U complete).
    for (Eigen::Index k = 0; found < m && k < n; ++k) {
      m_x = Vector::Unit(n, k);
      orthogonalize(U, g0, found, m_x);
      const Real nrm = m_x.norm();
      if (nrm > Real(0.5)) U.col(g0 + found++) = m_x / nrm;
    }
    purify(g0, g1, spread, U);
    // Rayleigh–Ritz: H = X^T T X, X := X Z (Z the ascending eigenvectors of H).
    Matrix TX(n, m);
    for (Eigen::Index c = 0; c < m; ++c) TX.col(c) = tmul(U.col(g0 + c));
    Matrix H = U.middleCols(g0, m).transpose() * TX;
    H = (H + H.transpose()).eval() / Real(2);
    Eigen::SelfAdjointEigenSolver<Matrix> rr(H);
    const Matrix X = U.middleCols(g0, m) * rr.eigenvectors();
    U.middleCols(g0, m) = X;
  }

  /// A member found at a later twist index (or by inverse iteration) is accepted with a residual up to the group's
  /// spread, so it may carry components of eigenvalues outside the group up to spread / gap, which Rayleigh–Ritz
  /// on the group cannot remove (a residual of 1e-11 ||T|| from a spread of 4e-6 ||T|| beside a gap of 0.06 ||T||).
  /// One step of block inverse iteration at sigma = lambda(g0) - tau, just below the group, damps them by
  /// rho = (tau + spread) / (distance from sigma to the rest) while the group's own components change by at most a
  /// factor (tau + spread) / tau: with tau >= spread the block stays well conditioned and two Gram–Schmidt passes
  /// restore an orthonormal basis. Done twice where rho <= 1/4, not at all where the group is not that isolated.
  void purify(Eigen::Index g0, Eigen::Index g1, const Real& spread, Matrix& U) {
    const Eigen::Index n = m_d.size(), m = g1 - g0;
    const Real tau = (std::max)(spread, m_groupTol / Real(16));
    const Real sigma = m_lambda(g0) - tau;
    Real rest = Eigen::NumTraits<Real>::highest();
    if (g0 > 0) rest = (std::min)(rest, Real(sigma - m_lambda(g0 - 1)));
    if (g1 < n) rest = (std::min)(rest, Real(m_lambda(g1) - sigma));
    if (!(Real(4) * (tau + spread) <= rest) || rest == Eigen::NumTraits<Real>::highest()) return;
    m_twisted.factor(m_d, m_e, sigma, m_pivmin);
    Matrix Y(n, m);
    for (int step = 0; step < 2; ++step) {
      for (Eigen::Index c = 0; c < m; ++c) {
        m_x = U.col(g0 + c);
        m_twisted.inverseIterate(m_e, m_x);
        orthogonalize(Y, 0, c, m_x);
        const Real nrm = m_x.norm();
        if (!(nrm > Real(0.1))) return;  // not reached with tau >= spread; the basis before the step stands
        Y.col(c) = m_x / nrm;
      }
      U.middleCols(g0, m) = Y;
    }
  }
  /// Where no twisted solve at lambda(s) gives a new vector of the group (exact ties in d with tiny e make every
  /// pivot guarded): inverse iteration from unit vectors at a shift just off lambda(s), which damps the components
  /// outside the group by groupTol / 64 per step. Stores the vector in column g0 + found; 1 if one was found.
  Eigen::Index inverseIteration(Eigen::Index g0, Eigen::Index found, Eigen::Index s, const Real& spread, Matrix& U) {
    const Eigen::Index n = m_d.size();
    m_twisted.factor(m_d, m_e, m_lambda(s) + m_groupTol / Real(64), m_pivmin);
    for (Eigen::Index k = 0; k < n; ++k) {
      m_x = Vector::Unit(n, k);
      for (int step = 0; step < 10; ++step) {
        orthogonalize(U, g0, found, m_x);
        if (!(m_x.norm() > Real(0.1))) break;
        m_twisted.inverseIterate(m_e, m_x);
      }
      if (keep(g0, found, m_lambda(s), spread, U)) return 1;
    }
    return 0;
  }

  /// Stores m_x, orthogonalized against the group's first `found` vectors and normalized, in column g0 + found if
  /// it adds a new direction that lies in the group's invariant subspace: ||T x - lambda x|| within the group's
  /// spread (a vector of an eigenvalue outside the group is at least groupTol off).
  bool keep(Eigen::Index g0, Eigen::Index found, const Real& lambda, const Real& spread, Matrix& U) {
    orthogonalize(U, g0, found, m_x);
    const Real nrm = m_x.norm();
    if (!(nrm > Real(0.1))) return false;
    m_x /= nrm;
    if (!((tmul(m_x) - lambda * m_x).norm() <= spread + m_residualTol)) return false;
    U.col(g0 + found) = m_x;
    return true;
  }

  const Vector& m_d;
  const Vector& m_e;
  const Vector& m_lambda;
  Real m_groupTol, m_pivmin, m_residualTol;
  Twisted<Real> m_twisted;
  Vector m_x;
  std::vector<Eigen::Index> m_order;
};

/// U (n x n): unit eigenvectors of the tridiagonal (d, e) for its ascending eigenvalues lambda (see
/// TridiagonalEigenvectors).
template <typename Real>
void tridiagonalEigenvectors(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& d,
                             const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e,
                             const Eigen::Matrix<Real, Eigen::Dynamic, 1>& lambda, const Real& groupTol,
                             Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& U) {
  TridiagonalEigenvectors<Real>(d, e, lambda, groupTol).compute(U);
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_TRIDIAGONAL_EIGENVECTORS_HPP
