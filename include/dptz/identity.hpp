// dptz — the eigenvector–eigenvalue identity itself, on given spectra.
//
//   |v_i(j)|^2 prod_{k != i} (lambda_i - lambda_k) = prod_{k=1}^{n-1} (lambda_i - mu_k),
//
// lambda = eig(A) ascending, mu = eig(M_j) ascending, M_j = A without row and column j.
#ifndef DPTZ_IDENTITY_HPP
#define DPTZ_IDENTITY_HPP

#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "detail/numerics.hpp"
#include "detail/validate.hpp"
#include "types.hpp"

namespace dptz {

/// The default cluster tolerance n eps max|lambda| (computed eigenvalues carry absolute errors of order eps ||A||).
/// @param lambda ascending eigenvalues
/// @return n eps max|lambda|, 0 for an empty lambda
template <typename Derived>
typename Derived::RealScalar defaultClusterTolerance(const Eigen::MatrixBase<Derived>& lambda) {
  using Real = typename Derived::RealScalar;
  using std::abs;
  if (lambda.size() == 0) return Real(0);
  const Real norm = (std::max)(Real(abs(lambda.coeff(0))), Real(abs(lambda.coeff(lambda.size() - 1))));
  return detail::absoluteClusterTolerance(-1.0, lambda.size(), norm);
}

/// Runs of ascending eigenvalues whose consecutive gaps are <= tol: every eigenvalue is in exactly one cluster, a
/// simple eigenvalue is a cluster of size 1 (docs/math.md, section "Clusters and the projector diagonal").
/// @param lambda ascending eigenvalues
/// @param tol absolute tolerance on consecutive gaps
/// @return the clusters in ascending order. Complexity: O(n).
template <typename Derived>
std::vector<Cluster> findClusters(const Eigen::MatrixBase<Derived>& lambda, typename Derived::RealScalar tol) {
  std::vector<Cluster> clusters;
  detail::findRuns(lambda.derived(), tol, clusters);
  return clusters;
}

/// |v_i(j)|^2 for i = 0..n-1 from lambda = eig(A) (ascending, size n) and mu = eig(M_j) (ascending, size n-1): the
/// identity itself (docs/math.md, sections "The identity" and "Stable paired product").
///
/// Eigenvalues closer than tol (absolute; default n eps max|lambda|) form a cluster whose members share the diagonal
/// of the cluster's spectral projector equally. The spectra are scaled by an exact power of two to the top of the
/// exponent range, so small eigenvalues beside large ones keep all their bits. For interlacing spectra without
/// clusters the entries sum to 1 to rounding; a cluster assumes its members' minor eigenvalues pinned inside it, which
/// holds to (cluster width) / (gap to the rest), the documented eps max|lambda| / gap for the default tolerance: a
/// tolerance much wider than the gaps between small eigenvalues (e.g. spectra from 1e-320 to 1e-300) moves the sum
/// by that much.
///
/// @param lambda eigenvalues of A, ascending, finite
/// @param mu eigenvalues of the minor M_j, ascending, finite, size lambda.size() - 1
/// @param tol absolute cluster tolerance; negative: n eps max|lambda|
/// @return the column vector w with w(i) = |v_i(j)|^2; entries in [0, 1], summing to 1; never NaN or Inf
/// @throws std::invalid_argument on an empty lambda, mismatched sizes, non-finite or non-ascending input, NaN tol
/// Complexity: O(n^2). Accuracy: eps max|lambda| / gap_i per entry (docs/math.md, section "Accuracy").
template <typename DerivedL, typename DerivedM>
Eigen::Matrix<typename DerivedL::RealScalar, Eigen::Dynamic, 1> abs2FromEigenvalues(
    const Eigen::MatrixBase<DerivedL>& lambda, const Eigen::MatrixBase<DerivedM>& mu,
    typename DerivedL::RealScalar tol = typename DerivedL::RealScalar(-1)) {
  using Real = typename DerivedL::RealScalar;
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  static_assert(!Eigen::NumTraits<typename DerivedL::Scalar>::IsComplex &&
                    !Eigen::NumTraits<typename DerivedM::Scalar>::IsComplex,
                "abs2FromEigenvalues: eigenvalues of a Hermitian matrix are real");
  constexpr const char* where = "dptz::abs2FromEigenvalues";
  if (lambda.size() == 0) detail::fail(where, "lambda is empty");
  if (mu.size() != lambda.size() - 1)
    detail::fail(where, "mu must have size lambda.size() - 1 = ", lambda.size() - 1, ", got ", mu.size());
  detail::checkAscending(where, "lambda", lambda);
  detail::checkAscending(where, "mu", mu);
  if (!(tol == tol)) detail::fail(where, "cluster tolerance is NaN");

  // Scale both spectra by the same power of two, bringing the largest to 2^(max_exponent - 4): exact (mantissas
  // unchanged) while every value stays normal, and the headroom keeps every difference finite. Scaling to the top
  // of the range rather than to O(1) keeps small eigenvalues next to large ones out of the subnormal range.
  using std::abs;
  const Real maxAbs = (std::max)((std::max)(Real(abs(lambda.coeff(0))), Real(abs(lambda.coeff(lambda.size() - 1)))),
                                 mu.size() ? (std::max)(Real(abs(mu.coeff(0))), Real(abs(mu.coeff(mu.size() - 1))))
                                           : Real(0));
  const int k = detail::headroomExponent(maxAbs);
  // The clusters are findClusters(lambda, tol) in the caller's units, whatever the evaluation below scales (a gap
  // that overflows there exceeds any finite tol anyway; in the subnormal range n eps max|lambda| rounds, and the
  // rounded value is the one the caller can see).
  const std::vector<Cluster> clusters =
      findClusters(lambda, tol < Real(0) ? Real(defaultClusterTolerance(lambda)) : tol);
  if constexpr (std::is_same<Real, float>::value || std::is_same<Real, double>::value) {
    // Spectra reaching the top of the range would be scaled down, pushing eigenvalues near the smallest normal
    // number into the subnormal range (and their differences lose bits). Where long double has the wider exponent
    // range (x86-64: 15 bits), the identity runs in it unscaled instead: every difference is exact to rounding.
    using Wide = long double;
    if (k < 0 && std::numeric_limits<Wide>::max_exponent > 2 * std::numeric_limits<Real>::max_exponent &&
        std::numeric_limits<Wide>::min_exponent < 2 * std::numeric_limits<Real>::min_exponent) {
      using WideVector = Eigen::Matrix<Wide, Eigen::Dynamic, 1>;
      const WideVector lw = lambda.template cast<Wide>(), mw = mu.template cast<Wide>();
      WideVector ww(lw.size());
      detail::abs2Row(lw, mw, clusters, ww);
      return ww.template cast<Real>();
    }
  }
  const Vector l = detail::vectorTimesPowerOfTwo(lambda.template cast<Real>(), k);
  const Vector m = detail::vectorTimesPowerOfTwo(mu.template cast<Real>(), k);
  Vector w(l.size());
  detail::abs2Row(l, m, clusters, w);
  return w;
}

}  // namespace dptz

#endif  // DPTZ_IDENTITY_HPP
