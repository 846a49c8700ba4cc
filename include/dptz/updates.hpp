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
#include <string>
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

/// Eigenvalues of a free function, or NumericalError naming it when one is beyond the range of Real.
template <typename Real>
RealVec<Real> representableEigenvalues(const char* where, RealVec<Real> values) {
  if (!values.allFinite())
    throw NumericalError(std::string(where) + ": an eigenvalue of the updated matrix is beyond the largest finite "
                         "value of the scalar type (overflow)");
  return values;
}

}  // namespace detail

/// @brief Eigenvalues of the bordered matrix [[diag(lambda), z], [z^*, c]], i.e. of [[A, b], [b^*, c]] for
/// A = Q diag(lambda) Q^* and z = Q^* b, from a secular equation (docs/math.md, section Secular equations of the
/// updates).
/// @param lambda eigenvalues of A, real, ascending (size n, may be 0).
/// @param z real or complex vector of size n (only |z| matters).
/// @param c the new diagonal entry (real).
/// @return the n + 1 eigenvalues, ascending. Finite whenever they are representable; one within a few ulps above
///   the largest finite value (the solver's rounding) is returned as that value.
/// @throws std::invalid_argument on mismatched sizes, non-finite entries or unsorted lambda.
/// @throws dptz::NumericalError when an eigenvalue is beyond the range of the scalar type.
/// Complexity: O(n^2). Accuracy: within 10 (n + 1) eps ||[[diag(lambda), z], [z^*, c]]||_2 (tested against LAPACK).
/// Deflation: z_k <= 8 eps max(|lambda|, |c|, ||z||) or a near-repeated lambda (rotated off, as ?laed2) leaves
/// lambda_k in place.
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
  const detail::RealVec<Real> zAbs = z.cwiseAbs().template cast<Real>();
  return detail::representableEigenvalues(
      where, detail::solutionEigenvalues(detail::solveSecular(detail::SecularKind::Bordered, d, zAbs, c)));
}

/// @brief Eigenvalues of the minor M_j (A without row and column j) from lambda = eig(A) and row j of |V|^2:
/// the roots of sum_i rowAbs2(i) / (x - lambda_i) = 0, the identity run backwards (docs/math.md, section
/// Secular equations of the updates).
/// @param lambda eigenvalues of A, real, ascending (size n >= 1).
/// @param rowAbs2 |v_i(j)|^2 for i = 0..n-1, >= 0, not all zero (normalized to sum 1 here).
/// @return the n - 1 eigenvalues of M_j, ascending; they interlace lambda, so they are always finite.
/// @throws std::invalid_argument on mismatched sizes, non-finite, negative or all-zero rowAbs2, empty or unsorted
///   lambda.
/// Complexity: O(n^2). Accuracy: within 10 n eps ||A||_2 when rowAbs2 comes from accurate eigenvectors.
/// Entries with |v_i(j)| <= 4 eps and near-repeated lambda deflate.
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
  detail::RealVec<Real> weights = rowAbs2.template cast<Real>();
  if (!(sum <= (std::numeric_limits<Real>::max)())) {  // the sum overflowed: normalize by the largest entry first
    weights /= weights.maxCoeff();
    sum = weights.sum();
  }
  const detail::RealVec<Real> d = lambda.template cast<Real>();
  const detail::RealVec<Real> zAbs = (weights / sum).cwiseSqrt();
  return detail::representableEigenvalues(
      where, detail::solutionEigenvalues(detail::solveSecular(detail::SecularKind::Minor, d, zAbs, Real(0))));
}

/// @brief Eigenvalues of diag(lambda) + rho z z^*, i.e. of A + rho u u^* for A = Q diag(lambda) Q^* and
/// z = Q^* u, from a secular equation solved by a safeguarded rational iteration (docs/math.md, section Secular
/// equations of the updates).
/// @param lambda eigenvalues of A, real, ascending (size n).
/// @param z real or complex vector of size n (only |z| matters).
/// @param rho real, either sign; rho ||z||^2 may exceed the range of the scalar type.
/// @return the n eigenvalues, ascending (lambda itself when rho = 0 or z = 0). Finite whenever they are
///   representable; one within a few ulps above the largest finite value is returned as that value.
/// @throws std::invalid_argument on mismatched sizes, non-finite input or unsorted lambda.
/// @throws dptz::NumericalError when an eigenvalue is beyond the range of the scalar type.
/// Complexity: O(n^2). Accuracy: within 10 n eps max(||diag(lambda) + rho z z^*||_2, |rho| ||z||^2).
/// Deflation: rho |z_k| ||z|| <= 8 eps max(|lambda|, |rho| ||z||^2), or near-repeated lambda (as ?laed2).
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
  detail::RealVec<Real> zAbs = z.cwiseAbs().template cast<Real>();
  if (rho == Real(0) || zAbs.size() == 0 || !(zAbs.maxCoeff() > Real(0))) return d;
  const Real sign = rho < Real(0) ? Real(-1) : Real(1);
  if (sign < 0) {
    d = (-d.reverse()).eval();
    zAbs = zAbs.reverse().eval();
  }
  return detail::representableEigenvalues(
      where,
      detail::solutionEigenvalues(detail::solveSecular(detail::SecularKind::RankOne, d, zAbs, sign * rho), sign));
}

/// @brief Keeps the eigendecomposition A = Q diag(lambda) Q^* of a Hermitian matrix current under appended
/// rows/columns, removed ones and rank-one changes, each in one matrix product instead of a new eigensolve
/// (docs/math.md, section Secular equations of the updates).
///
/// MatrixType gives the scalar: float, double, long double or std::complex of them (the updater works on
/// dynamic-size matrices). Each update costs O(n^2) for z = Q^* v and the secular equation, O(n^2) for the
/// recomputed update vector (so the new eigenvectors are orthogonal to working precision), and ONE matrix product
/// (n x K times K x K', a real GEMM also for complex Q). The updater also keeps A itself (O(n^2) per update) so
/// that redecompose() starts again from the exact matrix.
///
/// Accuracy of one update (tested, double and float, real and complex): eigenvalues within 10 n eps ||A'||_2 of
/// LAPACK on the updated matrix, residual ||A'Q' - Q'Lambda'||_1 / ||A'||_1 and drift ||Q'^*Q' - I||_1 within
/// 50 n eps. Drift grows slowly over many updates: drift() measures it, setDriftControl() bounds it.
///
/// Range: data are scaled by exact powers of two, so every eigenvalue, eigenvector and matrix entry that is
/// representable comes back finite, from subnormal entries up to entries near the largest finite value. An update
/// whose true eigenvalues (or matrix entries) are beyond the range throws dptz::NumericalError.
///
/// Strong guarantee: an operation that throws (std::invalid_argument on bad input, dptz::NumericalError,
/// std::bad_alloc) leaves the updater exactly as it was; everything is computed into temporaries and committed by
/// swaps.
template <typename MatrixType_>
class EigenUpdater {
  // Over ~80 lines because of its documentation; every member function is short.
 public:
  using MatrixType = MatrixType_;                                      ///< the matrix type given
  using Scalar = typename MatrixType::Scalar;                          ///< real or complex scalar
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;          ///< the real type of eigenvalues
  using Index = Eigen::Index;                                          ///< Eigen's index type
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;  ///< A and Q
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;               ///< update vectors
  using RealVector = Eigen::Matrix<RealScalar, Eigen::Dynamic, 1>;       ///< eigenvalues

  /// @brief An updater holding no matrix (info() is InvalidInput); call compute() before any update.
  EigenUpdater() = default;

  /// @brief Decomposes A; see compute().
  template <typename Derived>
  explicit EigenUpdater(const Eigen::MatrixBase<Derived>& A) {
    compute(A);
  }

  /// @brief Starts again from A: decomposes it with LapackEigenSolver where LAPACK applies, else
  /// Eigen::SelfAdjointEigenSolver.
  /// @param A square Hermitian matrix, any Eigen expression (only finite entries).
  /// @return *this.
  /// @throws std::invalid_argument when A is non-square, empty, non-finite or not Hermitian.
  /// @throws dptz::NumericalError when an eigenvalue of A is beyond the range of the scalar type.
  /// Complexity: O(n^3). Accuracy: that of the eigensolver. info() is NoConvergence (and the updater unchanged)
  /// when the eigensolver fails.
  template <typename Derived>
  EigenUpdater& compute(const Eigen::MatrixBase<Derived>& A) {
    constexpr const char* where = "dptz::EigenUpdater::compute";
    Matrix a = A.template cast<Scalar>();
    detail::checkSquareFinite(where, a);
    detail::checkHermitian(where, a);
    decompose(where, std::move(a));
    return *this;
  }

  /// @brief A <- [[A, b], [b^*, c]]: a new last row and column.
  /// @param b vector of size rows(), any Eigen expression.
  /// @param c the new diagonal entry: real (a complex c must have zero imaginary part).
  /// @return *this.
  /// @throws std::invalid_argument on an empty updater, a wrong size, non-finite entries or a non-real c.
  /// @throws dptz::NumericalError when an eigenvalue of the new matrix is beyond the range of the scalar type.
  /// Complexity: O(n^2) + one n x n x (n + 1) GEMM. Accuracy: see the class.
  template <typename DerivedB>
  EigenUpdater& append(const Eigen::MatrixBase<DerivedB>& b, const Scalar& c) {
    constexpr const char* where = "dptz::EigenUpdater::append";
    checkReady(where);
    const Index n = rows();
    detail::checkVector(where, "b", b, n);
    detail::checkFiniteScalar(where, "c", c);
    if (Eigen::numext::imag(c) != RealScalar(0))
      detail::fail(where, "c is a diagonal entry of a Hermitian matrix and must be real, got ", c);
    const Vector bv = toVector(b);
    const RealScalar cReal = Eigen::numext::real(c);
    // Units scaled by 2^-e (exact): Q^* b cannot overflow, and the eigenvalues come back through one checked step.
    const int e = detail::largestExponent({largestEigenvalue(), detail::largestComponent(bv), RealScalar(std::abs(cReal))});
    const Vector z = m_Q.adjoint() * detail::vectorTimesPowerOfTwo(bv, -e);
    RealVector newLambda;
    Matrix newQ;
    solveUpdate(where, detail::SecularKind::Bordered, z, detail::timesPowerOfTwo(cReal, -e), Index(-1), e, newLambda,
                newQ);
    Matrix newA(n + 1, n + 1);
    newA.topLeftCorner(n, n) = m_A;
    newA.topRightCorner(n, 1) = bv;
    newA.bottomLeftCorner(1, n) = bv.adjoint();
    newA(n, n) = Scalar(cReal);
    commit(std::move(newA), std::move(newLambda), std::move(newQ));
    return *this;
  }

  /// @brief A <- A without row and column j.
  /// @param j index in [0, rows()); rows() must be at least 2.
  /// @return *this.
  /// @throws std::invalid_argument on an empty updater, j out of range or a 1 x 1 matrix.
  /// Complexity: O(n^2) + one (n - 1) x n x (n - 1) GEMM. Accuracy: see the class (eigenvalues relative to the
  /// norm of the matrix before the removal). The eigenvalues interlace the old ones, so they are always finite.
  EigenUpdater& remove(Index j) {
    constexpr const char* where = "dptz::EigenUpdater::remove";
    checkReady(where);
    const Index n = rows();
    detail::checkIndex(where, "row/column index j", j, n);
    if (n == 1) detail::fail(where, "cannot remove the only row/column of a 1 x 1 matrix");
    const Vector z = m_Q.row(j).adjoint();  // Q^* e_j
    RealVector newLambda;
    Matrix newQ;
    solveUpdate(where, detail::SecularKind::Minor, z, RealScalar(0), j, 0, newLambda, newQ);
    Matrix newA;
    detail::extractMinor(m_A, j, newA);
    commit(std::move(newA), std::move(newLambda), std::move(newQ));
    return *this;
  }

  /// @brief A <- A + rho u u^*.
  /// @param rho real, either sign (0 leaves A as it is, but counts as an update).
  /// @param u vector of size rows(), any Eigen expression; |rho| ||u||^2 may exceed the range of the scalar type
  ///   as long as the updated matrix does not.
  /// @return *this.
  /// @throws std::invalid_argument on an empty updater, a wrong size or non-finite input.
  /// @throws dptz::NumericalError when an entry or an eigenvalue of A + rho u u^* is beyond the range of the
  ///   scalar type.
  /// Complexity: O(n^2) + one n x n x n GEMM. Accuracy: see the class (eigenvalues relative to
  /// max(||A'||_2, |rho| ||u||^2), the scale of the rounding of A + rho u u^* itself).
  template <typename DerivedU>
  EigenUpdater& rankOneUpdate(const RealScalar& rho, const Eigen::MatrixBase<DerivedU>& u) {
    constexpr const char* where = "dptz::EigenUpdater::rankOneUpdate";
    checkReady(where);
    const Index n = rows();
    detail::checkVector(where, "u", u, n);
    detail::checkFiniteScalar(where, "rho", rho);
    const Vector uv = toVector(u);
    if (rho == RealScalar(0) || (uv.array() == Scalar(0)).all()) {  // isZero(0) squares: 1e-312 would pass
      ++m_updates;
      return *this;
    }
    // Units scaled by 2^-e, e the exponent of max(||A||, |rho| max|u|^2), with u scaled by 2^-uExp (exact):
    // z = Q^* u and rho ||z||^2 stay in range whenever the updated matrix is representable.
    const int uExp = detail::largestExponent({detail::largestComponent(uv)});
    const int rhoExp = detail::binaryExponent(rho) + 2 * uExp;
    const int e = (std::max)(detail::largestExponent({largestEigenvalue()}), rhoExp);
    Matrix newA;
    Index badRow = 0, badCol = 0;
    if (!detail::rankOneUpdatedMatrix(m_A, rho, uv, e, newA, badRow, badCol))
      throw NumericalError(std::string(where) + ": entry (" + std::to_string(badRow) + ", " + std::to_string(badCol) +
                           ") of A + rho u u^* is beyond the largest finite value of the scalar type (overflow)");
    const Vector z = m_Q.adjoint() * detail::vectorTimesPowerOfTwo(uv, -uExp);
    RealVector newLambda;
    Matrix newQ;
    solveUpdate(where, detail::SecularKind::RankOne, z, detail::timesPowerOfTwo(rho, 2 * uExp - e), Index(-1), e,
                newLambda, newQ);
    commit(std::move(newA), std::move(newLambda), std::move(newQ));
    return *this;
  }

  /// @brief Eigenvalues of the current matrix, ascending (size rows()).
  const RealVector& eigenvalues() const { return m_lambda; }
  /// @brief Unit eigenvectors of the current matrix: column i belongs to eigenvalues()(i).
  const Matrix& eigenvectors() const { return m_Q; }
  /// @brief The current matrix A, kept exactly (appended, shrunk, updated by rho u u^* in floating point).
  const Matrix& matrix() const { return m_A; }
  /// @brief Number of rows of the current matrix (0 before compute()).
  Index rows() const { return m_A.rows(); }
  /// @brief Number of columns of the current matrix (0 before compute()).
  Index cols() const { return m_A.cols(); }
  /// @brief Success; NoConvergence when the last (re)decomposition failed; InvalidInput before compute().
  Eigen::ComputationInfo info() const { return m_info; }

  /// @brief Loss of orthogonality ||Q^* Q - I||_1 (largest column sum), 0 for an empty updater.
  /// Complexity: O(n^3) (one product: call it when you want it).
  RealScalar drift() const {
    if (m_Q.size() == 0) return RealScalar(0);
    Matrix gram = m_Q.adjoint() * m_Q;
    for (Index i = 0; i < gram.rows(); ++i) gram(i, i) -= RealScalar(1);
    return gram.cwiseAbs().colwise().sum().maxCoeff();
  }

  /// @brief Relative residual ||A Q - Q Lambda||_1 / ||A||_1 (||A Q - Q Lambda||_1 for A = 0).
  /// Computed on A scaled by a power of two, so it is finite for every representable A. Complexity: O(n^3).
  RealScalar residual() const {
    if (m_A.size() == 0) return RealScalar(0);
    const RealScalar scale = detail::powerOfTwoScale(RealScalar(m_A.cwiseAbs().maxCoeff()));
    const Matrix scaledA = m_A * scale;
    const RealScalar normA = scaledA.cwiseAbs().colwise().sum().maxCoeff();
    const Matrix R = scaledA * m_Q - m_Q * (m_lambda * scale).template cast<Scalar>().asDiagonal();
    const RealScalar normR = R.cwiseAbs().colwise().sum().maxCoeff();
    return normA > RealScalar(0) ? normR / normA : normR / scale;
  }

  /// @brief Decomposes the stored matrix again from scratch (the drift goes back to that of the eigensolver).
  /// @throws dptz::NumericalError as compute() (not for a matrix the updater accepted).
  /// Complexity: O(n^3).
  void redecompose() {
    if (m_A.size() == 0) return;
    decompose("dptz::EigenUpdater::redecompose", Matrix(m_A));
    ++m_redecompositions;
  }

  /// @brief Redecomposes when drift() > threshold.
  /// @return whether it did. Complexity: O(n^3).
  bool redecomposeIfDrift(RealScalar threshold) {
    if (drift() <= threshold) return false;
    redecompose();
    return true;
  }

  /// @brief Automatic drift control: every checkEvery updates, measure drift() and redecompose when it exceeds
  /// threshold (absolute; e.g. 1000 n eps).
  /// @param threshold >= 0.
  /// @param checkEvery >= 0; 0 (the default) never checks.
  /// @return *this.
  /// @throws std::invalid_argument on a negative or NaN threshold or a negative checkEvery.
  /// Complexity: O(n^3) per check.
  EigenUpdater& setDriftControl(RealScalar threshold, Index checkEvery) {
    if (!(threshold >= RealScalar(0)) || checkEvery < 0)
      detail::fail("dptz::EigenUpdater::setDriftControl", "threshold must be >= 0 and checkEvery >= 0, got ",
                   threshold, " and ", checkEvery);
    m_driftThreshold = threshold;
    m_checkEvery = checkEvery;
    return *this;
  }

  /// @brief Updates applied since construction (append, remove and rank-one, including rho = 0).
  Index updates() const { return m_updates; }
  /// @brief Redecompositions done (by redecompose(), redecomposeIfDrift() or the drift control).
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

  RealScalar largestEigenvalue() const { return (std::max)(std::abs(m_lambda[0]), std::abs(m_lambda[rows() - 1])); }

  /// The update's eigenvalues and eigenvectors, z and param in units scaled by 2^-e (the eigenvalues scaled the
  /// same way here); throws NumericalError when an eigenvalue is beyond the range.
  void solveUpdate(const char* where, detail::SecularKind kind, const Vector& z, RealScalar param, Index removedRow,
                   int e, RealVector& newLambda, Matrix& newQ) {
    const RealVector scaledLambda = e == 0 ? m_lambda : detail::vectorTimesPowerOfTwo(m_lambda, -e);
    detail::updateDecomposition(kind, m_Q, scaledLambda, z, param, removedRow, newLambda, newQ, m_work);
    if (!detail::unscaleEigenvalues(newLambda, e))
      throw NumericalError(std::string(where) + ": an eigenvalue of the updated matrix is beyond the largest finite "
                           "value of the scalar type (overflow)");
  }

  void decompose(const char* where, Matrix a) {
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
    if (ok && !(lam.allFinite() && Q.allFinite()))
      throw NumericalError(std::string(where) + ": an eigenvalue of A is beyond the largest finite value of the "
                           "scalar type (overflow)");
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
