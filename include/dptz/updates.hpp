// dptz — incremental updates of a Hermitian eigendecomposition driven by the identity: append a row/column,
// remove one, add rho u u^*. Eigenvalues in O(n^2) from a secular equation; eigenvectors by one matrix product
// with the update vector recomputed from the new eigenvalues (Löwner / Gu–Eisenstat), so they stay orthogonal.
//
//   lambda' = dptz::borderedEigenvalues(lambda, Q.adjoint() * b, c);   // eig([[A, b], [b^*, c]]), O(n^2)
//   row     = dptz::abs2FromEigenvalues(lambda', lambda);              // |V'|^2 of the new last row, no eigensolve
//   mu      = dptz::minorEigenvalues(lambda, Q.row(j).cwiseAbs2());    // eig(M_j): the identity run backwards
//   x       = dptz::rankOneEigenvalues(lambda, Q.adjoint() * u, rho);  // eig(A + rho u u^*)
//
//   dptz::EigenUpdater<Eigen::MatrixXd> up(A);    // A = Q diag(lambda) Q^*, kept current:
//   up.append(b, c);  up.remove(j);  up.rankOneUpdate(rho, u);
//   up.eigenvalues();  up.eigenvectors();  up.drift();  up.redecompose();
#ifndef DPTZ_UPDATES_HPP
#define DPTZ_UPDATES_HPP

#include <cmath>
#include <utility>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "types.hpp"
#include "detail/secular.hpp"
#include "detail/spectrum.hpp"
#include "detail/update_engine.hpp"
#include "detail/validate.hpp"
#include "identity.hpp"
#include "lapack_eigen_solver.hpp"

namespace dptz {

namespace detail {

template <typename Derived>
void checkVector(const char* where, const char* name, const Eigen::MatrixBase<Derived>& v, Eigen::Index n) {
  if (v.rows() != 1 && v.cols() != 1) fail(where, name, " must be a vector, got ", v.rows(), " x ", v.cols());
  if (v.size() != n) fail(where, name, " must have size ", n, ", got ", v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i)
    if (!isFinite(v.coeff(i))) fail(where, name, "(", i, ") is not finite (", v.coeff(i), ")");
}

template <typename Real>
void checkFiniteScalar(const char* where, const char* name, const Real& x) {
  if (!isFinite(x)) fail(where, name, " is not finite (", x, ")");
}

}  // namespace detail

/// Eigenvalues (ascending, n + 1) of the arrowhead [[diag(lambda), z], [z^*, c]], i.e. of [[A, b], [b^*, c]] for
/// A = Q diag(lambda) Q^* and z = Q^* b. O(n^2). lambda real ascending, z real or complex of size n, c real.
/// Deflation: z_k <= 8 eps max(|lambda|, |c|, ||z||) or a near-repeated lambda (rotated off, as ?laed2) leaves
/// lambda_k in place. Throws std::invalid_argument on mismatched sizes, non-finite or non-ascending input.
template <typename DerivedL, typename DerivedZ>
Eigen::Matrix<typename DerivedL::RealScalar, Eigen::Dynamic, 1> borderedEigenvalues(
    const Eigen::MatrixBase<DerivedL>& lambda, const Eigen::MatrixBase<DerivedZ>& z, typename DerivedL::RealScalar c) {
  using Real = typename DerivedL::RealScalar;
  static_assert(!Eigen::NumTraits<typename DerivedL::Scalar>::IsComplex, "borderedEigenvalues: lambda is real");
  constexpr const char* where = "dptz::borderedEigenvalues";
  detail::checkAscending(where, "lambda", lambda);
  detail::checkVector(where, "z", z, lambda.size());
  detail::checkFiniteScalar(where, "c", c);
  const detail::RealVec<Real> d = lambda.template cast<Real>();
  const detail::RealVec<Real> za = z.cwiseAbs().template cast<Real>();
  return detail::solutionEigenvalues(detail::solveSecular(detail::SecularKind::Bordered, d, za, c));
}

/// Eigenvalues (ascending, n - 1) of the minor M_j from lambda = eig(A) (ascending) and rowAbs2 = row j of |V|^2
/// (|v_i(j)|^2, i = 0..n-1): the roots of sum_i rowAbs2(i) / (x - lambda_i) = 0 — the identity run backwards.
/// O(n^2). The row is normalized to sum 1; entries with |v_i(j)| <= 4 eps and near-repeated lambda deflate.
/// Throws std::invalid_argument on mismatched sizes, non-finite, negative or all-zero rowAbs2, unsorted lambda.
template <typename DerivedL, typename DerivedW>
Eigen::Matrix<typename DerivedL::RealScalar, Eigen::Dynamic, 1> minorEigenvalues(
    const Eigen::MatrixBase<DerivedL>& lambda, const Eigen::MatrixBase<DerivedW>& rowAbs2) {
  using Real = typename DerivedL::RealScalar;
  static_assert(!Eigen::NumTraits<typename DerivedL::Scalar>::IsComplex &&
                    !Eigen::NumTraits<typename DerivedW::Scalar>::IsComplex,
                "minorEigenvalues: lambda and rowAbs2 are real");
  constexpr const char* where = "dptz::minorEigenvalues";
  if (lambda.size() == 0) detail::fail(where, "lambda is empty");
  detail::checkAscending(where, "lambda", lambda);
  detail::checkVector(where, "rowAbs2", rowAbs2, lambda.size());
  Real sum(0);
  for (Eigen::Index i = 0; i < rowAbs2.size(); ++i) {
    if (rowAbs2.coeff(i) < 0) detail::fail(where, "rowAbs2(", i, ") is negative (", rowAbs2.coeff(i), ")");
    sum += Real(rowAbs2.coeff(i));
  }
  if (!(sum > Real(0))) detail::fail(where, "rowAbs2 is all zero (a row of |V|^2 sums to 1)");
  const detail::RealVec<Real> d = lambda.template cast<Real>();
  const detail::RealVec<Real> za = (rowAbs2.template cast<Real>() / sum).cwiseSqrt();
  return detail::solutionEigenvalues(detail::solveSecular(detail::SecularKind::Minor, d, za, Real(0)));
}

/// Eigenvalues (ascending, n) of diag(lambda) + rho z z^*, i.e. of A + rho u u^* for z = Q^* u. O(n^2), rho of
/// either sign. Roots from the portable safeguarded solver (tested against LAPACK's ?laed4, which
/// detail::solveSecular can call instead for real float/double).
/// Deflation: rho |z_k| ||z|| <= 8 eps max(|lambda|, |rho| ||z||^2), or near-repeated lambda (as ?laed2).
/// Throws std::invalid_argument on mismatched sizes, non-finite input, unsorted lambda.
template <typename DerivedL, typename DerivedZ>
Eigen::Matrix<typename DerivedL::RealScalar, Eigen::Dynamic, 1> rankOneEigenvalues(
    const Eigen::MatrixBase<DerivedL>& lambda, const Eigen::MatrixBase<DerivedZ>& z,
    typename DerivedL::RealScalar rho) {
  using Real = typename DerivedL::RealScalar;
  static_assert(!Eigen::NumTraits<typename DerivedL::Scalar>::IsComplex, "rankOneEigenvalues: lambda is real");
  constexpr const char* where = "dptz::rankOneEigenvalues";
  detail::checkAscending(where, "lambda", lambda);
  detail::checkVector(where, "z", z, lambda.size());
  detail::checkFiniteScalar(where, "rho", rho);
  detail::RealVec<Real> d = lambda.template cast<Real>();
  detail::RealVec<Real> za = z.cwiseAbs().template cast<Real>();
  if (rho == Real(0) || za.size() == 0 || !(za.maxCoeff() > Real(0))) return d;
  const Real sign = rho < Real(0) ? Real(-1) : Real(1);
  if (sign < 0) {
    d = (-d.reverse()).eval();
    za = za.reverse().eval();
  }
  return detail::solutionEigenvalues(detail::solveSecular(detail::SecularKind::RankOne, d, za, sign * rho), sign);
}

/// Keeps A = Q diag(lambda) Q^* current under append / remove / rank-one updates. MatrixType gives the scalar
/// (float, double, long double, std::complex<...>; the updater works on dynamic-size matrices). Each update:
/// O(n^2) for z = Q^* v and the secular equation, O(n^2) for the recomputed update vector, and ONE matrix product
/// (n x K times K x K', a real GEMM also for complex Q) for the vectors. The updater also keeps A itself
/// (O(n^2) per update) so that redecompose() starts again from the exact matrix.
///
/// Drift: drift() = ||Q^* Q - I||_1 (one O(n^3) product — call it when you want it, or let setDriftControl()
/// check every k updates and redecompose above a threshold).
///
/// Bad input throws std::invalid_argument and leaves the updater unchanged (strong guarantee): everything is
/// computed into temporaries and committed by swaps.
template <typename MatrixType_>
class EigenUpdater {
 public:
  using MatrixType = MatrixType_;
  using Scalar = typename MatrixType::Scalar;
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;
  using Index = Eigen::Index;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using RealVector = Eigen::Matrix<RealScalar, Eigen::Dynamic, 1>;

  EigenUpdater() = default;

  /// Decomposes A (LapackEigenSolver where LAPACK applies, else Eigen::SelfAdjointEigenSolver).
  template <typename Derived>
  explicit EigenUpdater(const Eigen::MatrixBase<Derived>& A) {
    compute(A);
  }

  /// Starts again from A. Throws std::invalid_argument (non-square, empty, non-finite, not Hermitian).
  template <typename Derived>
  EigenUpdater& compute(const Eigen::MatrixBase<Derived>& A) {
    constexpr const char* where = "dptz::EigenUpdater::compute";
    Matrix a = A.template cast<Scalar>();
    detail::checkSquareFinite(where, a);
    detail::checkHermitian(where, a);
    decompose(std::move(a));
    return *this;
  }

  /// A <- [[A, b], [b^*, c]] (new last row and column). b: vector of size rows(); c: real (a complex c must have
  /// zero imaginary part).
  template <typename DerivedB>
  EigenUpdater& append(const Eigen::MatrixBase<DerivedB>& b, const Scalar& c) {
    constexpr const char* where = "dptz::EigenUpdater::append";
    checkReady(where);
    const Index n = rows();
    detail::checkVector(where, "b", b, n);
    detail::checkFiniteScalar(where, "c", c);
    using std::abs;
    if (Eigen::numext::imag(c) != RealScalar(0))
      detail::fail(where, "c is a diagonal entry of a Hermitian matrix and must be real, got ", c);
    const Vector bv = toVector(b);
    const Vector z = m_Q.adjoint() * bv;
    RealVector lam;
    Matrix Q;
    detail::updateDecomposition(detail::SecularKind::Bordered, m_Q, m_lambda, z, RealScalar(Eigen::numext::real(c)),
                                Index(-1), lam, Q, m_work);
    Matrix A(n + 1, n + 1);
    A.topLeftCorner(n, n) = m_A;
    A.topRightCorner(n, 1) = bv;
    A.bottomLeftCorner(1, n) = bv.adjoint();
    A(n, n) = Scalar(Eigen::numext::real(c));
    commit(std::move(A), std::move(lam), std::move(Q));
    return *this;
  }

  /// A <- A without row and column j.
  EigenUpdater& remove(Index j) {
    constexpr const char* where = "dptz::EigenUpdater::remove";
    checkReady(where);
    const Index n = rows();
    detail::checkIndex(where, "row/column index j", j, n);
    if (n == 1) detail::fail(where, "cannot remove the only row/column of a 1 x 1 matrix");
    const Vector z = m_Q.row(j).adjoint();  // Q^* e_j
    RealVector lam;
    Matrix Q;
    detail::updateDecomposition(detail::SecularKind::Minor, m_Q, m_lambda, z, RealScalar(0), j, lam, Q, m_work);
    Matrix A;
    detail::extractMinor(m_A, j, A);
    commit(std::move(A), std::move(lam), std::move(Q));
    return *this;
  }

  /// A <- A + rho u u^* (rho real, either sign).
  template <typename DerivedU>
  EigenUpdater& rankOneUpdate(const RealScalar& rho, const Eigen::MatrixBase<DerivedU>& u) {
    constexpr const char* where = "dptz::EigenUpdater::rankOneUpdate";
    checkReady(where);
    const Index n = rows();
    detail::checkVector(where, "u", u, n);
    detail::checkFiniteScalar(where, "rho", rho);
    const Vector uv = toVector(u);
    if (rho == RealScalar(0) || uv.isZero(0)) {
      ++m_updates;
      return *this;
    }
    const Vector z = m_Q.adjoint() * uv;
    RealVector lam;
    Matrix Q;
    detail::updateDecomposition(detail::SecularKind::RankOne, m_Q, m_lambda, z, rho, Index(-1), lam, Q, m_work);
    Matrix A = m_A;
    // Scalar loops (not an Eigen outer product): Eigen's SSE pset1 of a stack std::complex<float> is a misaligned
    // 8-byte load that UBSan reports.
    for (Index c = 0; c < n; ++c) {
      const Scalar s = rho * Eigen::numext::conj(uv[c]);
      for (Index r = 0; r < n; ++r) A(r, c) += uv[r] * s;
    }
    commit(std::move(A), std::move(lam), std::move(Q));
    return *this;
  }

  /// Ascending eigenvalues of the current matrix.
  const RealVector& eigenvalues() const { return m_lambda; }
  /// Unit eigenvectors (column i for eigenvalues()(i)).
  const Matrix& eigenvectors() const { return m_Q; }
  /// The current matrix A (kept exactly: appended, shrunk, updated by rho u u^*).
  const Matrix& matrix() const { return m_A; }
  Index rows() const { return m_A.rows(); }
  Index cols() const { return m_A.cols(); }
  /// Success, or NoConvergence when the last (re)decomposition failed.
  Eigen::ComputationInfo info() const { return m_info; }

  /// ||Q^* Q - I||_1 (max column sum): O(n^3).
  RealScalar drift() const {
    if (m_Q.size() == 0) return RealScalar(0);
    Matrix P = m_Q.adjoint() * m_Q;
    for (Index i = 0; i < P.rows(); ++i) P(i, i) -= RealScalar(1);
    return P.cwiseAbs().colwise().sum().maxCoeff();
  }

  /// ||A Q - Q Lambda||_1 / ||A||_1 (0 for A = 0): O(n^3).
  RealScalar residual() const {
    if (m_A.size() == 0) return RealScalar(0);
    const RealScalar nA = m_A.cwiseAbs().colwise().sum().maxCoeff();
    const Matrix R = m_A * m_Q - m_Q * m_lambda.template cast<Scalar>().asDiagonal();
    const RealScalar nR = R.cwiseAbs().colwise().sum().maxCoeff();
    return nA > RealScalar(0) ? nR / nA : nR;
  }

  /// Recomputes the decomposition of the stored matrix from scratch (drift back to that of the eigensolver).
  void redecompose() {
    if (m_A.size() == 0) return;
    decompose(Matrix(m_A));
    ++m_redecompositions;
  }

  /// Redecomposes when drift() > threshold; returns whether it did.
  bool redecomposeIfDrift(RealScalar threshold) {
    if (drift() <= threshold) return false;
    redecompose();
    return true;
  }

  /// Automatic drift control: every checkEvery updates (0: never, the default), measure drift() and redecompose
  /// when it exceeds threshold (in absolute terms; e.g. 1000 * n * eps).
  EigenUpdater& setDriftControl(RealScalar threshold, Index checkEvery) {
    if (!(threshold >= RealScalar(0)) || checkEvery < 0)
      detail::fail("dptz::EigenUpdater::setDriftControl", "threshold must be >= 0 and checkEvery >= 0, got ",
                   threshold, " and ", checkEvery);
    m_driftThreshold = threshold;
    m_checkEvery = checkEvery;
    return *this;
  }

  /// Updates applied since construction.
  Index updates() const { return m_updates; }
  /// Redecompositions done (by redecompose(), redecomposeIfDrift() or the drift control).
  Index redecompositions() const { return m_redecompositions; }

 private:
  template <typename Derived>
  static Vector toVector(const Eigen::MatrixBase<Derived>& v) {
    Vector out(v.size());
    for (Index i = 0; i < v.size(); ++i) out[i] = Scalar(v.coeff(i));
    return out;
  }

  void checkReady(const char* where) const {
    if (m_A.size() == 0) detail::fail(where, "the updater holds no matrix (construct it from A first)");
  }

  void decompose(Matrix a) {
    RealVector lam;
    Matrix Q;
    bool ok = true;
    if constexpr (detail::lapackApplies<Scalar>()) {
      LapackEigenSolver<Matrix> es(a);
      ok = es.info() == Eigen::Success;
      if (ok) lam = es.eigenvalues(), Q = es.eigenvectors();
    } else {
      Eigen::SelfAdjointEigenSolver<Matrix> es(a);
      ok = es.info() == Eigen::Success;
      if (ok) lam = es.eigenvalues(), Q = es.eigenvectors();
    }
    m_info = ok ? Eigen::Success : Eigen::NoConvergence;
    if (!ok) return;
    // Workspace of the real vector update (n x (n+1) plus room for a few appends), allocated once here so that
    // a stream of updates does not allocate (and page-fault) it each time.
    if constexpr (!Eigen::NumTraits<Scalar>::IsComplex) {
      const Index need = a.rows() * (a.rows() + 1);
      if (m_work.size() < need) m_work.resize(need + need / 8 + 64);
    }
    m_A = std::move(a);
    m_lambda = std::move(lam);
    m_Q = std::move(Q);
  }

  void commit(Matrix&& A, RealVector&& lam, Matrix&& Q) noexcept {
    m_A.swap(A);
    m_lambda.swap(lam);
    m_Q.swap(Q);
    ++m_updates;
    if (m_checkEvery > 0 && ++m_sinceCheck >= m_checkEvery) {
      m_sinceCheck = 0;
      try {
        redecomposeIfDrift(m_driftThreshold);
      } catch (...) {  // allocation failure during the check: keep the (valid) updated decomposition
      }
    }
  }

  Matrix m_A, m_Q;
  RealVector m_lambda;
  detail::RealVec<RealScalar> m_work;  // scratch of the vector update (reused, grown on demand; not state)
  Eigen::ComputationInfo m_info = Eigen::InvalidInput;
  RealScalar m_driftThreshold = RealScalar(0);
  Index m_checkEvery = 0, m_sinceCheck = 0, m_updates = 0, m_redecompositions = 0;
};

}  // namespace dptz

#endif  // DPTZ_UPDATES_HPP
