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

/// n eps max|lambda|: the default cluster tolerance (eigenvalues carry absolute errors of order eps ||A||).
template <typename Derived>
typename Derived::RealScalar defaultClusterTolerance(const Eigen::MatrixBase<Derived>& lambda) {
  using Real = typename Derived::RealScalar;
  using std::abs;
  if (lambda.size() == 0) return Real(0);
  const Real norm = (std::max)(Real(abs(lambda.coeff(0))), Real(abs(lambda.coeff(lambda.size() - 1))));
  return Real(lambda.size()) * Eigen::NumTraits<Real>::epsilon() * norm;
}

/// Runs of ascending eigenvalues whose consecutive gaps are <= tol (every eigenvalue is in exactly one cluster;
/// a simple eigenvalue is a cluster of size 1).
template <typename Derived>
std::vector<Cluster> findClusters(const Eigen::MatrixBase<Derived>& lambda, typename Derived::RealScalar tol) {
  std::vector<Cluster> clusters;
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    if (i > 0 && lambda.coeff(i) - lambda.coeff(i - 1) <= tol)
      ++clusters.back().size;
    else
      clusters.push_back(Cluster{i, 1});
  }
  return clusters;
}

/// |v_i(j)|^2 for i = 0..n-1 from lambda = eig(A) (ascending, size n) and mu = eig(M_j) (ascending, size n-1).
/// Eigenvalues closer than tol (absolute; default n eps max|lambda|) form a cluster whose members share the
/// diagonal of the cluster's spectral projector equally. Entries lie in [0, 1]; never NaN or Inf.
/// Throws std::invalid_argument on mismatched sizes, non-finite or non-ascending input.
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

  // Scale both spectra by the same power of two: exact, and it keeps every difference finite.
  using std::abs;
  const Real maxAbs = (std::max)((std::max)(Real(abs(lambda.coeff(0))), Real(abs(lambda.coeff(lambda.size() - 1)))),
                                 mu.size() ? (std::max)(Real(abs(mu.coeff(0))), Real(abs(mu.coeff(mu.size() - 1))))
                                           : Real(0));
  const Real s = detail::powerOfTwoScale(maxAbs);
  const Vector l = lambda.template cast<Real>() * s, m = mu.template cast<Real>() * s;
  const Real t = tol < Real(0) ? defaultClusterTolerance(l) : tol * s;

  Vector w(l.size());
  detail::abs2Row(l, m, findClusters(l, t), w);
  return w;
}

}  // namespace dptz

#endif  // DPTZ_IDENTITY_HPP
