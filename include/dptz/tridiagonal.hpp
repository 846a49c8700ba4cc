// dptz — rows of |V|^2 for symmetric tridiagonal (Jacobi) matrices in O(n^2): eigenvalues only, no eigenvectors.
#ifndef DPTZ_TRIDIAGONAL_HPP
#define DPTZ_TRIDIAGONAL_HPP

#include <string>
#include <vector>

#include <Eigen/Core>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "types.hpp"
#include "detail/jacobi_matrix.hpp"
#include "detail/numerics.hpp"
#include "detail/spectrum.hpp"
#include "detail/validate.hpp"
#include "identity.hpp"

namespace dptz {

namespace detail {

/// Checks a Jacobi matrix given by its diagonal and off-diagonal (sizes, finiteness).
template <typename DA, typename DB>
void checkJacobi(const char* where, const Eigen::MatrixBase<DA>& alpha, const Eigen::MatrixBase<DB>& beta) {
  if (alpha.size() == 0) fail(where, "alpha (the diagonal) is empty");
  if (beta.size() != alpha.size() - 1)
    fail(where, "beta (the off-diagonal) must have size alpha.size() - 1 = ", alpha.size() - 1, ", got ",
         beta.size());
  for (Eigen::Index i = 0; i < alpha.size(); ++i)
    if (!isFinite(alpha.coeff(i))) fail(where, "alpha(", i, ") is not finite (", alpha.coeff(i), ")");
  for (Eigen::Index i = 0; i < beta.size(); ++i)
    if (!isFinite(beta.coeff(i))) fail(where, "beta(", i, ") is not finite (", beta.coeff(i), ")");
}

/// Row j of |V|^2 from the paired product with merged block spectra (eig(M_j) = eig(T[0:j)) U eig(T(j:n))):
/// the fallback for matrices that split (a negligible off-diagonal) or have clusters of eigenvalues.
template <typename Real>
bool tridiagonalPairedRow(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& a, const Eigen::Matrix<Real, Eigen::Dynamic, 1>& b,
                          const Eigen::Matrix<Real, Eigen::Dynamic, 1>& lambda, const std::vector<Cluster>& clusters,
                          bool useLapack, Eigen::Index j, Eigen::Matrix<Real, Eigen::Dynamic, 1>& out) {
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  const Eigen::Index n = a.size();
  Vector top, bottom, mu(n - 1);
  if (j > 0 && !jacobiEigenvalues<Real>(a.head(j), b.head(j > 1 ? j - 1 : 0), useLapack, top)) return false;
  if (j < n - 1 &&
      !jacobiEigenvalues<Real>(a.tail(n - 1 - j), b.tail(n - 2 - j >= 0 ? n - 2 - j : 0), useLapack, bottom))
    return false;
  std::merge(top.data(), top.data() + top.size(), bottom.data(), bottom.data() + bottom.size(), mu.data());
  out.resize(n);
  abs2Row(lambda, mu, clusters, out);
  return true;
}

/// The requested rows by the paired product (tridiagonalPairedRow), OpenMP over rows. False on non-convergence.
template <typename Real>
bool tridiagonalPairedRows(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& a, const Eigen::Matrix<Real, Eigen::Dynamic, 1>& b,
                           const Eigen::Matrix<Real, Eigen::Dynamic, 1>& lambda, const std::vector<Cluster>& clusters,
                           bool useLapack, const std::vector<Eigen::Index>& rows, int threads,
                           Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& W) {
  const Eigen::Index count = Eigen::Index(rows.size()), n = a.size();
  bool failed = false;
#ifdef _OPENMP
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) if (count > 1 && n > 32) reduction(|| : failed)
#endif
  for (Eigen::Index r = 0; r < count; ++r) {
    Eigen::Matrix<Real, Eigen::Dynamic, 1> row;
    if (!tridiagonalPairedRow(a, b, lambda, clusters, useLapack, rows[std::size_t(r)], row)) {
      failed = true;
      continue;
    }
    W.row(r) = row.transpose();
  }
  (void)threads;
  (void)n;
  return !failed;
}

/// The requested rows by one componentSweep per group of eigenvalues (docs/math.md, section Jacobi matrices and the
/// characteristic-polynomial form), OpenMP over groups; a, b2 = b^2 scaled to norm ~1, every b2 above pivotMinimum.
template <typename Real>
void tridiagonalSweepRows(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& a, const Eigen::Matrix<Real, Eigen::Dynamic, 1>& b2,
                          const Eigen::Matrix<Real, Eigen::Dynamic, 1>& lambda, const std::vector<Eigen::Index>& rows,
                          int threads, Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& W) {
  constexpr int G = kJacobiLanes;
  const Eigen::Index n = a.size(), count = Eigen::Index(rows.size()), groups = (n + G - 1) / G;
  std::vector<char> wanted(std::size_t(n), 0);
  for (Eigen::Index j : rows) wanted[std::size_t(j)] = 1;
#ifdef _OPENMP
#pragma omp parallel num_threads(threads) if (n > 64)
#endif
  {
    SweepWork<Real, G> work;
    work.resize(n);
    std::vector<Real> comps(std::size_t(n) * G);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (Eigen::Index g = 0; g < groups; ++g) {
      Real x[G], first[G], delta[G];
      const Eigen::Index i0 = g * G;
      for (int l = 0; l < G; ++l) x[l] = lambda[(std::min)(i0 + l, n - 1)];
      // One sweep at the computed eigenvalues; only the requested rows are recorded.
      componentSweep<Real, G>(a.data(), b2.data(), n, x, work, first, delta, comps.data(), &wanted);
      for (int l = 0; l < G && i0 + l < n; ++l)
        for (Eigen::Index r = 0; r < count; ++r)
          W(r, i0 + l) = clamp01(comps[std::size_t(rows[std::size_t(r)]) * G + l]);
    }
  }
  (void)threads;
}

/// Whether rows `rows` of |V|^2 (W) keep the sums of an orthogonal V within tol: every row sums to 1, partial column
/// sums stay below 1, and reach 1 when every row is present.
template <typename Real>
bool abs2SumsHold(const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& W, const std::vector<Eigen::Index>& rows,
                  Eigen::Index n, Real tol) {
  using std::abs;
  std::vector<char> seen(std::size_t(n), 0);
  Eigen::Matrix<Real, 1, Eigen::Dynamic> columns = Eigen::Matrix<Real, 1, Eigen::Dynamic>::Zero(n);
  Eigen::Index distinct = 0;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (!(abs(W.row(Eigen::Index(r)).sum() - Real(1)) <= tol)) return false;
    if (seen[std::size_t(rows[r])]) continue;
    seen[std::size_t(rows[r])] = 1;
    ++distinct;
    columns += W.row(Eigen::Index(r));
  }
  if (!(columns.maxCoeff() <= Real(1) + tol)) return false;
  return distinct < n || columns.minCoeff() >= Real(1) - tol;
}

}  // namespace detail

/// Rows of |V|^2 of a real symmetric tridiagonal (Jacobi) matrix from its eigenvalues, without eigenvectors.
///
/// Returns W(r, i) = |v_i(rows[r])|^2 for the symmetric tridiagonal T with diagonal alpha (size n) and off-diagonal
/// beta (size n - 1), eigenvalues lambda_i ascending. Cost O(n^2) whatever the number of rows: eig(T) by ?sterf
/// (Eigen's tridiagonal QR for long double or Backend::Eigen), then per eigenvalue one O(n) sweep of the identity's
/// characteristic-polynomial form,
///   |v_i(j)|^2 = p_{M_j}(lambda_i) / p_T'(lambda_i),   p_{M_j} = p_{T[0:j)} p_{T(j:n)},
/// with the polynomials carried as LDL^T pivot ratios (no overflow, no differences of eigenvalues), each block
/// polynomial evaluated in its stable direction so that tiny entries keep relative accuracy (docs/math.md, section
/// Jacobi matrices and the characteristic-polynomial form). A matrix that splits (some |beta| below 2^-127 ||T||)
/// or has eigenvalues closer than 1024 times the cluster tolerance takes the paired product with the merged block
/// spectra instead (docs/math.md, sections Stable paired product and Clusters and the projector diagonal; O(n^2)
/// per row; cluster members share the projector diagonal). Only |beta| matters (T is sign-similar).
/// T is scaled internally by a power of two (exact), so entries anywhere in the finite range, subnormal included,
/// are accepted.
///
/// @param alpha    diagonal, real, finite (any Eigen vector expression)
/// @param beta     off-diagonal, real, finite, size alpha.size() - 1 (zeros allowed: T splits)
/// @param rows     row indices in [0, n), any order, repeats allowed
/// @param options  backend, cluster tolerance (relative to ||T||_2; negative: n eps), OpenMP threads
/// @return         rows.size() x n matrix; entries in [0, 1]; each row sums to 1 and the rows together never
///                 exceed 1 per column (all rows: each column sums to 1), within sqrt(eps) (in practice a few n eps:
///                 a result that misses the bound, as graded matrices whose small eigenvalues carry only an
///                 absolute error eps ||T|| can, is recomputed by Golub–Welsch with eigenvectors, O(n^3))
/// @throws std::invalid_argument on empty alpha, size mismatch, non-finite entries, a row out of range or a NaN
///         cluster tolerance (message starting "dptz::tridiagonalEigenvectorsAbs2");
///         dptz::NumericalError if an eigenvalue computation does not converge.
/// Complexity: O(n^2) (sweep) or O(n^2) per row (paired product); O(n^3) on the safety net. OpenMP over
/// eigenvalues (sweep) or rows (paired product); results do not depend on the thread count.
/// Accuracy: entries to O(eps ||T|| / gap_i) absolutely; on the sweep, tiny entries to a modest multiple of eps
/// relative to themselves where the eigenvalue is well separated.
template <typename DA, typename DB>
Eigen::Matrix<typename DA::RealScalar, Eigen::Dynamic, Eigen::Dynamic> tridiagonalEigenvectorsAbs2(
    const Eigen::MatrixBase<DA>& alpha, const Eigen::MatrixBase<DB>& beta, const std::vector<Eigen::Index>& rows,
    const Abs2Options& options = Abs2Options()) {
  using Real = typename DA::RealScalar;
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  static_assert(!Eigen::NumTraits<typename DA::Scalar>::IsComplex && !Eigen::NumTraits<typename DB::Scalar>::IsComplex,
                "tridiagonalEigenvectorsAbs2: alpha and beta must be real (a complex Hermitian tridiagonal matrix is "
                "unitarily diagonal-similar to the real one with |beta|)");
  constexpr const char* where = "dptz::tridiagonalEigenvectorsAbs2";
  detail::checkJacobi(where, alpha, beta);
  const Eigen::Index n = alpha.size();
  for (Eigen::Index j : rows) detail::checkIndex(where, "row index", j, n);
  if (!(options.clusterTolerance == options.clusterTolerance)) detail::fail(where, "clusterTolerance is NaN");
  const bool lapack = detail::useLapack<Real>(where, options.backend);
  Matrix W(Eigen::Index(rows.size()), n);
  if (n == 1) {
    W.setOnes();
    return W;
  }
#ifdef _OPENMP
  const int threads = options.threads > 0 ? options.threads : omp_get_max_threads();
#else
  const int threads = 1;
#endif

  const Vector a0 = alpha.template cast<Real>(), b0 = beta.template cast<Real>().cwiseAbs();
  const Real s = detail::powerOfTwoScale((std::max)(a0.cwiseAbs().maxCoeff(), b0.maxCoeff()));
  const Vector a = a0 * s, b = b0 * s, b2 = b.cwiseAbs2();
  Vector lambda;
  if (!detail::jacobiEigenvalues<Real>(a, b, lapack, lambda))
    throw NumericalError(std::string(where) + ": eigenvalues of T did not converge");
  const Real tol = detail::absoluteClusterTolerance(options.clusterTolerance, lambda.size(),
                                                   Real(lambda.cwiseAbs().maxCoeff()));
  const std::vector<Cluster> clusters = findClusters(lambda, tol);
  // Off-diagonals whose square is below the pivot guard: T (nearly) splits, and its pieces may share eigenvalues.
  bool splits = false;
  for (Eigen::Index k = 0; k < n - 1; ++k) splits = splits || !(b2[k] > detail::pivotMinimum<Real>());
  // Near-degenerate pairs (gap below 2^10 times the cluster tolerance): the sweep treats each eigenvalue on its own,
  // which leaves the pair's projector diagonal to chance; the paired product keeps it. Pairs in (1024 tol,
  // 1e-6 ||T||) sweep (entries to eps ||T|| / gap): the paired product would make the all-rows call O(n^3).
  bool near = false;
  for (Eigen::Index k = 0; k + 1 < n; ++k) near = near || !(lambda[k + 1] - lambda[k] > Real(1024) * tol);
  const bool paired = splits || near || Eigen::Index(clusters.size()) != n;
  const Eigen::Array<Real, Eigen::Dynamic, 1> invGap = detail::inverseGaps(lambda, clusters, tol);
  if (paired) {
    if (!detail::tridiagonalPairedRows(a, b, lambda, clusters, lapack, rows, threads, W))
      throw NumericalError(std::string(where) + ": eigenvalues of a block did not converge");
    // A cluster's shared value is its projector diagonal to its width over its gap, which the paired product of
    // the other members does not cancel: each row's deficit goes to the entries by their error estimates.
    detail::normalizeRows(W, invGap);
  } else {
    detail::tridiagonalSweepRows(a, b2, lambda, rows, threads, W);
  }
  // Sums off by more than sqrt(eps) mean the identity lost the entries (graded matrices, whose small eigenvalues
  // carry only eps ||T|| absolutely): the safety net recomputes them from eigenvectors. Rows from the sweep, each
  // entry within about w_i eps ||T|| / gap_i, get the same deficit spreading as the paired product's, so tiny and
  // well separated entries keep their accuracy.
  using std::sqrt;
  if (!detail::abs2SumsHold(W, rows, n, sqrt(Eigen::NumTraits<Real>::epsilon()))) {
    if (!detail::jacobiDenseAbs2<Real>(a, b, rows, lambda, W))
      throw NumericalError(std::string(where) + ": eigenvectors of T did not converge");
    W = W.unaryExpr([](Real x) { return detail::clamp01(x); });
  } else if (!paired) {
    detail::normalizeRows(W, invGap);
  }
  return W;
}

}  // namespace dptz

#endif  // DPTZ_TRIDIAGONAL_HPP
