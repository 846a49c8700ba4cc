// dptz — Gauss quadrature from Jacobi matrices (Golub–Welsch without eigenvectors): nodes = eig(J), weights =
// mu0 |v_i(0)|^2 from the identity's characteristic-polynomial form, O(n^2); classical rules by Newton.
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

/// A Gauss rule: integral of f(x) w(x) dx ~ sum_i weights(i) f(nodes(i)).
/// @tparam Real  float, double or long double
template <typename Real = double>
struct QuadratureRule {
  Eigen::Matrix<Real, Eigen::Dynamic, 1> nodes;    ///< the n nodes, ascending
  Eigen::Matrix<Real, Eigen::Dynamic, 1> weights;  ///< the n weights, >= 0, summing to the total mass mu0
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
  // Parameters so large that the total mass mu0 or a recurrence coefficient overflows: the rule (its weights, or
  // the coefficients it is computed from) is not representable in Real.
  using std::isfinite;
  if (!isfinite(rec.mu0))
    throw NumericalError(std::string(where) + ": the total mass mu0 of this weight function overflows for these "
                                              "parameters (beyond the largest finite value)");
  if (!rec.a.allFinite() || !rec.b.allFinite())
    throw NumericalError(std::string(where) + ": a recurrence coefficient of this weight function is not representable "
                                              "(parameters too large)");
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

/// Gauss rule of a weight function given by the recurrence of its orthonormal polynomials (Golub–Welsch without
/// eigenvectors).
///
/// The polynomials satisfy x p_k = beta_{k-1} p_{k-1} + alpha_k p_k + beta_k p_{k+1}: the Jacobi matrix J has
/// diagonal alpha and off-diagonal beta (beta itself, not its square). Nodes = eig(J) (?sterf, or Eigen's tridiagonal
/// QR for long double / Backend::Eigen; for alpha identically 0 the half-size bidiagonal singular values), each
/// refined by a Rayleigh (twisted-factorization) correction; weights = mu0 |v_i(0)|^2 = mu0 p_{M_0}(x_i) / p_J'(x_i)
/// by the identity's characteristic-polynomial form (docs/math.md, section Jacobi matrices and the
/// characteristic-polynomial form). J splits into unreduced blocks where a beta is negligible (relative to its
/// diagonal neighbours, or below eps times the block's norm); the block holding row 0 carries the weights, the
/// others give nodes of weight 0. Each block is scaled by a power of two (exact), so any finite input works as long
/// as the nodes are representable.
///
/// @param alpha    diagonal (recurrence coefficients alpha_0..alpha_{n-1}), real, finite, n >= 1
/// @param beta     off-diagonal (beta_0..beta_{n-2}), real, finite, > 0
/// @param mu0      total mass (integral of the weight function), finite, > 0 (subnormal and huge values work)
/// @param backend  where eig(J) comes from (Default: LAPACK when available)
/// @return         nodes ascending and finite; weights in [0, mu0] summing to mu0 to rounding (the weights are mu0
///                 times first components normalized to sum 1)
/// @throws std::invalid_argument on empty alpha, size mismatch, non-finite entries, beta <= 0, mu0 <= 0 or not
///         finite, Backend::Lapack without LAPACK (message starting "dptz::gaussQuadrature");
///         dptz::NumericalError if the eigenvalues do not converge, or if a node exceeds the largest finite number
///         (the message names the node).
/// Complexity: O(n^2) (eigenvalues plus one O(n) sweep per node); O(n^3) on the safety net below.
/// Accuracy: nodes to O(eps ||J||) absolutely; weights to about n^2 eps relative for Legendre-like spectra (measured
/// 1.6e4 eps at n = 1000), and to O(eps ||J|| / gap) absolutely in general. Where the computed eigenvalues are too
/// inaccurate for the sweep (graded matrices: the first components then miss their sum by more than sqrt(eps)), the
/// block is recomputed by Golub–Welsch with eigenvectors.
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
  QuadratureRule<Real> rule;
  if (!detail::generalRule(rec, lapack, rule.nodes, rule.weights))
    throw NumericalError(std::string(where) + ": eigenvalues of the Jacobi matrix did not converge");
  for (Eigen::Index i = 0; i < rule.nodes.size(); ++i)
    if (!std::isfinite(rule.nodes[i]))
      throw NumericalError(std::string(where) + ": node " + std::to_string(i) +
                           " (an eigenvalue of the Jacobi matrix) exceeds the largest finite number");
  return rule;
}

/// Gauss–Legendre rule: weight 1 on [-1, 1] (mu0 = 2).
///
/// Newton on the orthonormal recurrence from Gatteschi–Pittaluga guesses, upper half only (the rule is symmetric);
/// weights mu0 / sum_k P_k(x_i)^2 (the Christoffel function). If Newton fails its checks, gaussQuadrature's path on
/// the Jacobi matrix is taken.
/// @tparam Real  float, double or long double
/// @param n      number of nodes, >= 1
/// @return       nodes ascending in (-1, 1), exactly symmetric; positive weights summing to 2
/// @throws std::invalid_argument if n < 1; dptz::NumericalError if the fallback's eigenvalues do not converge.
/// Complexity: O(n^2).
/// Accuracy: nodes within 2 eps; weights within n^2 eps relative (measured 2300 eps at n = 1000).
template <typename Real = double>
QuadratureRule<Real> gaussLegendre(Eigen::Index n) {
  constexpr const char* where = "dptz::gaussLegendre";
  detail::checkRuleSize(where, n);
  return detail::classicalRule<Real>(where, detail::legendreRecurrence<Real>(n), detail::Family::Jacobi, Real(0),
                                     Real(0));
}

/// Gauss–Hermite rule: weight exp(-x^2) on the real line (mu0 = sqrt(pi)).
///
/// Newton from the Laguerre-based asymptotic guesses, upper half only; weights from the Christoffel function.
/// Extreme weights below the smallest positive number underflow to zero (they do for n >~ 400 in double).
/// @tparam Real  float, double or long double
/// @param n      number of nodes, >= 1
/// @return       nodes ascending, exactly symmetric; weights >= 0 summing to sqrt(pi)
/// @throws std::invalid_argument if n < 1; dptz::NumericalError if the fallback's eigenvalues do not converge.
/// Complexity: O(n^2).
/// Accuracy: nodes within 4 sqrt(2n + 1) eps absolutely; weights within 20 n eps relative.
template <typename Real = double>
QuadratureRule<Real> gaussHermite(Eigen::Index n) {
  constexpr const char* where = "dptz::gaussHermite";
  detail::checkRuleSize(where, n);
  return detail::classicalRule<Real>(where, detail::hermiteRecurrence<Real>(n), detail::Family::Hermite, Real(0),
                                     Real(0));
}

/// Generalized Gauss–Laguerre rule: weight x^a exp(-x) on (0, inf), a > -1 (mu0 = Gamma(a + 1)).
///
/// Newton from Tricomi / Airy-type asymptotic guesses (Gatteschi); weights from the Christoffel function.
/// @tparam Real  float, double or long double
/// @param n      number of nodes, >= 1
/// @param a      exponent of x, finite, > -1
/// @return       positive nodes ascending; weights >= 0 summing to Gamma(a + 1)
/// @throws std::invalid_argument if n < 1 or a <= -1 or a is not finite; dptz::NumericalError if the fallback's
///         eigenvalues do not converge.
/// Complexity: O(n^2).
/// Accuracy: nodes within 20 n eps relative; weights within 50 n eps relative.
template <typename Real = double>
QuadratureRule<Real> gaussLaguerre(Eigen::Index n, Real a = Real(0)) {
  constexpr const char* where = "dptz::gaussLaguerre";
  detail::checkRuleSize(where, n);
  detail::checkParameter(where, "a", a);
  return detail::classicalRule<Real>(where, detail::laguerreRecurrence<Real>(n, a), detail::Family::Laguerre, a,
                                     Real(0));
}

/// Gauss–Jacobi rule: weight (1 - x)^a (1 + x)^b on [-1, 1], a, b > -1.
///
/// Newton from Gatteschi–Pittaluga guesses (upper half only when a = b); weights from the Christoffel function.
/// @tparam Real  float, double or long double
/// @param n      number of nodes, >= 1
/// @param a      exponent of (1 - x), finite, > -1
/// @param b      exponent of (1 + x), finite, > -1
/// @return       nodes ascending in (-1, 1); weights >= 0 summing to 2^(a+b+1) B(a+1, b+1)
/// @throws std::invalid_argument if n < 1 or a or b is <= -1 or not finite; dptz::NumericalError if the total
///         mass overflows (e.g. a = 1e300, b = 0: mu0 = 2^(a+1) / (a+1)) or the fallback's eigenvalues do not
///         converge.
/// Complexity: O(n^2).
/// Accuracy: nodes within a few eps; weights within 20 n eps relative (Chebyshev closed forms). The mass comes
/// from Stirling's series rather than lgamma differences: relative error about eps (a + b) (the rounding of its
/// exponent), and to rounding for a = b, up to a = b = DBL_MAX (where the rule is the Gauss–Hermite rule scaled by
/// 1 / sqrt(a)).
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
