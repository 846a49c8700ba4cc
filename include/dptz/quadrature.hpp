// dptz — Gauss quadrature from Jacobi matrices (Golub–Welsch without eigenvectors): nodes = eig(J), weights =
// mu0 |v_i(1)|^2 from the identity's characteristic-polynomial form, O(n^2).
#ifndef DPTZ_QUADRATURE_HPP
#define DPTZ_QUADRATURE_HPP

#include <cmath>
#include <string>

#include <Eigen/Core>

#include "types.hpp"
#include "detail/gauss_rules.hpp"
#include "detail/spectrum.hpp"
#include "detail/validate.hpp"
#include "tridiagonal.hpp"

namespace dptz {

/// A Gauss rule: integral of f(x) w(x) dx ~ sum_i weights(i) f(nodes(i)); nodes ascending.
template <typename Real = double>
struct QuadratureRule {
  Eigen::Matrix<Real, Eigen::Dynamic, 1> nodes;
  Eigen::Matrix<Real, Eigen::Dynamic, 1> weights;
};

namespace detail {

inline void checkRuleSize(const char* where, Eigen::Index n) {
  if (n < 1) fail(where, "n must be >= 1, got ", n);
}

template <typename Real>
void checkParameter(const char* where, const char* name, Real v) {
  if (!(std::isfinite(v) && v > Real(-1))) fail(where, name, " must be finite and > -1, got ", v);
}

/// The classical path with the general path as safety net (it is taken only if Newton from the asymptotic guesses
/// fails its checks: every lane converged, nodes strictly ascending, finite non-negative weights).
template <typename Real>
QuadratureRule<Real> classicalRule(const char* where, const Recurrence<Real>& rec, Family family, Real a, Real b) {
  QuadratureRule<Real> rule;
  const Eigen::Index n = rec.a.size();
  if (n == 1) {
    rule.nodes = rec.a;
    rule.weights = QVector<Real>::Constant(1, rec.mu0);
    return rule;
  }
  if (newtonRule(rec, initialGuesses<Real>(family, n, a, b), rule.nodes, rule.weights)) return rule;
  if (!generalRule(rec, useLapack<Real>(where, Backend::Default), rule.nodes, rule.weights))
    throw NumericalError(std::string(where) + ": eigenvalues of the Jacobi matrix did not converge");
  return rule;
}

}  // namespace detail

/// Gauss rule of the orthogonal polynomials with recurrence x p_k = beta_{k-1} p_{k-1} + alpha_k p_k + beta_k p_{k+1}
/// (Jacobi matrix: diagonal alpha, size n; off-diagonal beta > 0, size n - 1) and total mass mu0 = integral of the
/// weight function. Nodes = eig(J) (?sterf, or Eigen for long double / Backend::Eigen), each refined by Rayleigh
/// (twisted-factorization) corrections; weights = mu0 |v_i(0)|^2 = mu0 p_{M_0}(x_i) / p_J'(x_i) by the identity's
/// characteristic-polynomial form. O(n^2); when alpha is identically 0 only half the nodes are computed (symmetry).
/// Throws std::invalid_argument on empty alpha, size mismatch, non-finite entries, beta <= 0, mu0 <= 0 or not
/// finite; dptz::NumericalError if the eigenvalues do not converge.
template <typename DA, typename DB>
QuadratureRule<typename DA::RealScalar> gaussQuadrature(const Eigen::MatrixBase<DA>& alpha,
                                                        const Eigen::MatrixBase<DB>& beta,
                                                        typename DA::RealScalar mu0,
                                                        Backend backend = Backend::Default) {
  using Real = typename DA::RealScalar;
  static_assert(!Eigen::NumTraits<typename DA::Scalar>::IsComplex && !Eigen::NumTraits<typename DB::Scalar>::IsComplex,
                "gaussQuadrature: alpha and beta must be real");
  constexpr const char* where = "dptz::gaussQuadrature";
  detail::checkJacobi(where, alpha, beta);
  for (Eigen::Index k = 0; k < beta.size(); ++k)
    if (!(beta.coeff(k) > 0))
      detail::fail(where, "beta(", k, ") = ", beta.coeff(k),
                   " must be positive (the recurrence of polynomials orthogonal for a positive weight)");
  if (!(std::isfinite(mu0) && mu0 > Real(0))) detail::fail(where, "mu0 must be positive and finite, got ", mu0);
  const bool lapack = detail::useLapack<Real>(where, backend);
  detail::Recurrence<Real> rec;
  rec.a = alpha.template cast<Real>();
  rec.b = beta.template cast<Real>();
  rec.mu0 = mu0;
  rec.symmetric = (rec.a.array() == Real(0)).all();
  QuadratureRule<Real> rule;
  if (!detail::generalRule(rec, lapack, rule.nodes, rule.weights))
    throw NumericalError(std::string(where) + ": eigenvalues of the Jacobi matrix did not converge");
  for (Eigen::Index i = 0; i < rule.nodes.size(); ++i)
    if (!std::isfinite(rule.nodes[i]))
      throw NumericalError(std::string(where) + ": node " + std::to_string(i) +
                           " (an eigenvalue of the Jacobi matrix) exceeds the largest finite number");
  return rule;
}

/// Gauss–Legendre: weight 1 on [-1, 1]. Newton on the orthonormal recurrence from Gatteschi–Pittaluga guesses,
/// upper half only; weights from the Christoffel function. O(n^2). Throws std::invalid_argument if n < 1.
template <typename Real = double>
QuadratureRule<Real> gaussLegendre(Eigen::Index n) {
  constexpr const char* where = "dptz::gaussLegendre";
  detail::checkRuleSize(where, n);
  return detail::classicalRule<Real>(where, detail::legendreRecurrence<Real>(n), detail::Family::Jacobi, Real(0),
                                     Real(0));
}

/// Gauss–Hermite: weight exp(-x^2) on the real line (mu0 = sqrt(pi)). Extreme weights below the smallest
/// positive number underflow to zero (they do for n >~ 400 in double). Throws std::invalid_argument if n < 1.
template <typename Real = double>
QuadratureRule<Real> gaussHermite(Eigen::Index n) {
  constexpr const char* where = "dptz::gaussHermite";
  detail::checkRuleSize(where, n);
  return detail::classicalRule<Real>(where, detail::hermiteRecurrence<Real>(n), detail::Family::Hermite, Real(0),
                                     Real(0));
}

/// Generalized Gauss–Laguerre: weight x^a exp(-x) on (0, inf), a > -1 (mu0 = Gamma(a + 1)).
/// Throws std::invalid_argument if n < 1 or a <= -1 or a is not finite.
template <typename Real = double>
QuadratureRule<Real> gaussLaguerre(Eigen::Index n, Real a = Real(0)) {
  constexpr const char* where = "dptz::gaussLaguerre";
  detail::checkRuleSize(where, n);
  detail::checkParameter(where, "a", a);
  return detail::classicalRule<Real>(where, detail::laguerreRecurrence<Real>(n, a), detail::Family::Laguerre, a,
                                     Real(0));
}

/// Gauss–Jacobi: weight (1 - x)^a (1 + x)^b on [-1, 1], a, b > -1.
/// Throws std::invalid_argument if n < 1 or a or b is <= -1 or not finite.
template <typename Real = double>
QuadratureRule<Real> gaussJacobi(Eigen::Index n, Real a, Real b) {
  constexpr const char* where = "dptz::gaussJacobi";
  detail::checkRuleSize(where, n);
  detail::checkParameter(where, "a", a);
  detail::checkParameter(where, "b", b);
  return detail::classicalRule<Real>(where, detail::jacobiRecurrence<Real>(n, a, b), detail::Family::Jacobi, a, b);
}

}  // namespace dptz

#endif  // DPTZ_QUADRATURE_HPP
