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
/// the fallback for matrices that split (a zero off-diagonal) or have clusters of eigenvalues.
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

}  // namespace detail

/// Rows `rows` (any order, repeats allowed) of W = |V|^2, W(j, i) = |v_i(j)|^2, for the symmetric tridiagonal
/// (Jacobi) matrix T with diagonal alpha (size n) and off-diagonal beta (size n - 1); eigenvalues ascending.
/// Cost O(n^2) whatever the number of rows: eig(T) by ?sterf (Eigen's tridiagonal QR for long double or
/// Backend::Eigen), then per eigenvalue one O(n) sweep of the identity's characteristic-polynomial form,
///   |v_i(j)|^2 = p_{M_j}(lambda_i) / p_T'(lambda_i),   p_{M_j} = p_{T[0:j)} p_{T(j:n)},
/// with the polynomials carried as LDL^T pivot ratios (no overflow, no differences of eigenvalues); each block
/// polynomial is evaluated in its
/// stable direction (twisted at the largest component), so tiny entries keep relative accuracy. A matrix that
/// splits (some beta = 0) or has eigenvalues closer than the cluster tolerance takes the paired product of DESIGN.md with the merged block
/// spectra instead (O(n^2) per row; cluster members share the projector diagonal). OpenMP over eigenvalues (or
/// rows in the fallback); results do not depend on the thread count. The fallback is also taken when two eigenvalues
/// are closer than 1024 times the cluster tolerance (their individual entries are ill-conditioned there; the paired
/// product keeps the pair's projector diagonal right). Only |beta| matters (T is sign-similar).
/// Throws std::invalid_argument on empty alpha, size mismatch, non-finite entries or a row out of range.
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
  const Eigen::Index count = Eigen::Index(rows.size());
  Matrix W(count, n);
  if (n == 1) {
    W.setOnes();
    return W;
  }

  using std::abs;
  const Vector a0 = alpha.template cast<Real>(), b0 = beta.template cast<Real>().cwiseAbs();
  const Real s = detail::powerOfTwoScale((std::max)(a0.cwiseAbs().maxCoeff(), b0.maxCoeff()));
  const Vector a = a0 * s, b = b0 * s, b2 = b.cwiseAbs2();
  Vector lambda;
  if (!detail::jacobiEigenvalues<Real>(a, b, lapack, lambda))
    throw NumericalError(std::string(where) + ": eigenvalues of T did not converge");
  const Real tol = options.clusterTolerance < 0 ? defaultClusterTolerance(lambda)
                                                : Real(options.clusterTolerance) * lambda.cwiseAbs().maxCoeff();
  const std::vector<Cluster> clusters = findClusters(lambda, tol);
  bool splits = false;
  for (Eigen::Index k = 0; k < n - 1; ++k) splits = splits || !(b2[k] > Real(0));
#ifdef _OPENMP
  const int nt = options.threads > 0 ? options.threads : omp_get_max_threads();
#endif

  // Near-degenerate pairs (gap below 2^10 times the cluster tolerance): the sweep treats each eigenvalue on its own,
  // which leaves the pair's projector diagonal to chance (measured 5e-3 off on W21+, gap 7e-14); the paired product
  // keeps it. The dense rows path (Abs2Context::sweepRows) also keeps pairs closer than kSweepGap ||A|| = 1e-6 ||A||
  // on the paired product: there it costs one more ?sterf next to an O(n^3) reduction; here it would turn the O(n^2)
  // all-rows call into O(n^3), so pairs in (1024 tol, 1e-6 ||T||) sweep (entries to eps ||T|| / gap, pair sums not
  // at rounding).
  const Real nearTol = Real(1024) * tol;
  bool near = false;
  for (Eigen::Index k = 0; k + 1 < n; ++k) near = near || !(lambda[k + 1] - lambda[k] > nearTol);
  if (splits || near || Eigen::Index(clusters.size()) != n) {
    bool failed = false;
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 1) if (count > 1 && n > 32) reduction(|| : failed)
#endif
    for (Eigen::Index r = 0; r < count; ++r) {
      Vector row;
      if (!detail::tridiagonalPairedRow(a, b, lambda, clusters, lapack, rows[std::size_t(r)], row)) {
        failed = true;
        continue;
      }
      W.row(r) = row.transpose();
    }
    if (failed) throw NumericalError(std::string(where) + ": eigenvalues of a block did not converge");
    return W;
  }

  constexpr int G = detail::kJacobiLanes;
  const Eigen::Index groups = (n + G - 1) / G;
  std::vector<char> wanted(std::size_t(n), 0);
  for (Eigen::Index j : rows) wanted[std::size_t(j)] = 1;
#ifdef _OPENMP
#pragma omp parallel num_threads(nt) if (n > 64)
#endif
  {
    detail::SweepWork<Real, G> work;
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
      detail::componentSweep<Real, G>(a.data(), b2.data(), n, x, work, first, delta, comps.data(), &wanted);
      for (int l = 0; l < G && i0 + l < n; ++l)
        for (Eigen::Index r = 0; r < count; ++r)
          W(r, i0 + l) = detail::clamp01(comps[std::size_t(rows[std::size_t(r)]) * G + l]);
    }
  }
  return W;
}

}  // namespace dptz

#endif  // DPTZ_TRIDIAGONAL_HPP
