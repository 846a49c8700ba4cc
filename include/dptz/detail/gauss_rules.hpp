// dptz — Gauss quadrature internals: the general Jacobi-matrix path (eigenvalues + the identity's characteristic-
// polynomial form) and the classical rules (Newton on the orthonormal three-term recurrence from asymptotic
// initial guesses, weights from the Christoffel function with a first-order correction for the node's last step).
#ifndef DPTZ_DETAIL_GAUSS_RULES_HPP
#define DPTZ_DETAIL_GAUSS_RULES_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Core>

#include "../config.hpp"
#include "../identity.hpp"
#include "jacobi_matrix.hpp"

namespace dptz {
namespace detail {

template <typename Real>
using QVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

template <typename Real>
Real piValue() {
  return Real(3.141592653589793238462643383279502884L);
}

/// Recurrence of the orthonormal polynomials: x P_k = b_{k-1} P_{k-1} + a_k P_k + b_k P_{k+1}; the Jacobi matrix has
/// diagonal a (size n) and off-diagonal b (size n - 1); mu0 is the integral of the weight function.
template <typename Real>
struct Recurrence {
  QVector<Real> a, b;
  Real mu0 = Real(1);
  bool symmetric = false;  // even weight function: a = 0, nodes and weights symmetric about 0
};

template <typename Real>
Recurrence<Real> legendreRecurrence(Eigen::Index n) {
  Recurrence<Real> r;
  r.a = QVector<Real>::Zero(n);
  r.b.resize(n - 1);
  for (Eigen::Index k = 0; k + 1 < n; ++k) {
    const Real m = Real(k + 1);
    r.b[k] = m / std::sqrt(Real(4) * m * m - Real(1));
  }
  r.mu0 = Real(2);
  r.symmetric = true;
  return r;
}

template <typename Real>
Recurrence<Real> hermiteRecurrence(Eigen::Index n) {
  Recurrence<Real> r;
  r.a = QVector<Real>::Zero(n);
  r.b.resize(n - 1);
  for (Eigen::Index k = 0; k + 1 < n; ++k) r.b[k] = std::sqrt(Real(k + 1) / Real(2));
  r.mu0 = std::sqrt(piValue<Real>());
  r.symmetric = true;
  return r;
}

template <typename Real>
Recurrence<Real> laguerreRecurrence(Eigen::Index n, Real alpha) {
  Recurrence<Real> r;
  r.a.resize(n);
  r.b.resize(n - 1);
  for (Eigen::Index k = 0; k < n; ++k) r.a[k] = Real(2 * k + 1) + alpha;
  for (Eigen::Index k = 0; k + 1 < n; ++k) r.b[k] = std::sqrt(Real(k + 1) * (Real(k + 1) + alpha));
  r.mu0 = std::tgamma(alpha + Real(1));
  return r;
}

/// Weight (1 - x)^alpha (1 + x)^beta on [-1, 1].
template <typename Real>
Recurrence<Real> jacobiRecurrence(Eigen::Index n, Real alpha, Real beta) {
  Recurrence<Real> r;
  r.a.resize(n);
  r.b.resize(n - 1);
  const Real ab = alpha + beta;
  r.a[0] = (beta - alpha) / (ab + Real(2));
  for (Eigen::Index k = 1; k < n; ++k) {
    const Real t = Real(2 * k) + ab;
    r.a[k] = (beta * beta - alpha * alpha) / (t * (t + Real(2)));
  }
  if (n > 1) r.b[0] = Real(2) / (ab + Real(2)) * std::sqrt((alpha + 1) * (beta + 1) / (ab + Real(3)));
  for (Eigen::Index k = 1; k + 1 < n; ++k) {
    const Real m = Real(k + 1), t = Real(2 * k) + ab;
    r.b[k] = Real(2) / (t + Real(2)) *
             std::sqrt(m * (m + alpha) * (m + beta) * (m + ab) / ((t + Real(1)) * (t + Real(3))));
  }
  using std::exp;
  using std::lgamma;
  r.mu0 = exp((ab + Real(1)) * std::log(Real(2)) + lgamma(alpha + Real(1)) + lgamma(beta + Real(1)) -
              lgamma(ab + Real(2)));
  r.symmetric = alpha == beta;
  return r;
}

/// Root u in (0, 2 pi) of u - sin(u) = c, 0 < c < 2 pi (Kepler's equation, eccentricity 1): Newton from the lower
/// bound (6c)^(1/3), which lands right of the root where f is convex and then converges monotonically.
template <typename Real>
Real keplerE1(Real c) {
  using std::cbrt;
  using std::cos;
  using std::sin;
  Real u = cbrt(Real(6) * c);
  for (int it = 0; it < 60; ++it) {
    const Real f = u - sin(u) - c, fp = Real(1) - cos(u);
    if (!(fp > Real(0))) break;
    const Real step = f / fp;
    u -= step;
    if (std::abs(step) <= Real(4) * std::numeric_limits<Real>::epsilon() * u) break;
  }
  return u;
}

/// Initial guesses (ascending, size n) from the asymptotic formulas:
///  - Jacobi/Legendre: Gatteschi–Pittaluga, x_k = cos(phi_k + ((1/4 - a^2) cot(phi_k/2) - (1/4 - b^2) tan(phi_k/2)) /
///    (4 rho^2)), phi_k = (k + a/2 - 1/4) pi / rho, rho = n + (a + b + 1)/2;
///  - Hermite / Laguerre: the WKB phase condition (nu/4)(2 theta - sin 2 theta) = (k - 1/4) pi with x = sqrt(nu)
///    cos(theta), nu = 2n + 1 (Hermite) and x = nu cos^2(theta), nu = 4n + 2a + 2 (Laguerre).
enum class Family { Jacobi, Hermite, Laguerre };

template <typename Real>
QVector<Real> initialGuesses(Family family, Eigen::Index n, Real a, Real b) {
  using std::cos;
  using std::sqrt;
  using std::tan;
  const Real pi = piValue<Real>();
  QVector<Real> x(n);
  for (Eigen::Index k = 1; k <= n; ++k) {
    Real v;
    if (family == Family::Jacobi) {
      const Real rho = Real(n) + (a + b + Real(1)) / Real(2);
      const Real phi = (Real(k) + a / Real(2) - Real(0.25)) * pi / rho;
      const Real h = phi / Real(2);
      const Real theta = phi + ((Real(0.25) - a * a) / tan(h) - (Real(0.25) - b * b) * tan(h)) / (Real(4) * rho * rho);
      v = cos(theta);
    } else {
      const Real nu = family == Family::Hermite ? Real(2 * n + 1) : Real(4 * n + 2) + Real(2) * a;
      const Real c = (Real(4 * k) - Real(1)) * pi / nu;
      const Real theta = keplerE1(c) / Real(2);
      v = family == Family::Hermite ? sqrt(nu) * cos(theta) : nu * cos(theta) * cos(theta);
    }
    x[n - k] = v;
  }
  return x;
}

/// One Newton pass on the orthonormal recurrence at G points: p_n(x) via the monic-scaled last step, its
/// derivative, and the Christoffel sums S0 = sum_{k<n} P_k(x)^2, S1 = sum P_k P_k' (S0' = 2 S1), all renormalized by
/// powers of two (true values = stored * 2^E for P, 2^(2E) for S). n >= 2.
template <typename Real, int G>
void orthonormalPass(const Real* a, const Real* b, const Real* binv, Eigen::Index n, const Real* x, Real* delta,
                     Real* s0, Real* s1, int* E) {
  using std::abs;
  const Real big = rescaleThreshold<Real>();
  Real P[G], Pm[G], D[G], Dm[G], S0[G], S1[G];
  for (int l = 0; l < G; ++l) {
    P[l] = Real(1);
    Pm[l] = Real(0);
    D[l] = Real(0);
    Dm[l] = Real(0);
    S0[l] = Real(1);
    S1[l] = Real(0);
    E[l] = 0;
  }
  for (Eigen::Index k = 0; k + 1 < n; ++k) {
    const Real ak = a[k], bm = k > 0 ? b[k - 1] : Real(0), bi = binv[k];
    bool rescale = false;
    for (int l = 0; l < G; ++l) {
      const Real t = x[l] - ak;
      const Real Pn = (t * P[l] - bm * Pm[l]) * bi;
      const Real Dn = (t * D[l] + P[l] - bm * Dm[l]) * bi;
      Pm[l] = P[l];
      Dm[l] = D[l];
      P[l] = Pn;
      D[l] = Dn;
      S0[l] += Pn * Pn;
      S1[l] += Pn * Dn;
      rescale |= (abs(Pn) > big) | (abs(Dn) > big);
    }
    if (rescale) {
      for (int l = 0; l < G; ++l) {
        const Real m = (std::max)(abs(P[l]), abs(D[l]));
        if (!(m > big)) continue;
        const int e = std::ilogb(m);
        P[l] = std::ldexp(P[l], -e);
        Pm[l] = std::ldexp(Pm[l], -e);
        D[l] = std::ldexp(D[l], -e);
        Dm[l] = std::ldexp(Dm[l], -e);
        S0[l] = std::ldexp(S0[l], -2 * e);
        S1[l] = std::ldexp(S1[l], -2 * e);
        E[l] += e;
      }
    }
  }
  const Real al = a[n - 1], bl = b[n - 2];
  for (int l = 0; l < G; ++l) {
    const Real t = x[l] - al;
    const Real Q = t * P[l] - bl * Pm[l];
    const Real DQ = t * D[l] + P[l] - bl * Dm[l];
    delta[l] = -Q / DQ;
    s0[l] = S0[l];
    s1[l] = S1[l];
  }
}

/// Classical rule by Newton from the guesses. Only indices >= first are computed (the upper half of a symmetric
/// rule; the rest is mirrored). Returns false if any lane failed to converge or the nodes are not strictly
/// ascending with gaps of at least a quarter of the guesses' spacing (then the caller takes the general path).
template <typename Real>
bool newtonRule(const Recurrence<Real>& rec, const QVector<Real>& guess, QVector<Real>& nodes, QVector<Real>& weights) {
  constexpr int G = kJacobiLanes;
  using std::abs;
  const Eigen::Index n = rec.a.size();
  QVector<Real> binv(n - 1), h(n);
  for (Eigen::Index k = 0; k + 1 < n; ++k) binv[k] = Real(1) / rec.b[k];
  for (Eigen::Index i = 0; i < n; ++i) {
    const Real lo = i > 0 ? guess[i] - guess[i - 1] : Eigen::NumTraits<Real>::highest();
    const Real hi = i + 1 < n ? guess[i + 1] - guess[i] : Eigen::NumTraits<Real>::highest();
    h[i] = (std::min)(lo, hi);
  }
  nodes = guess;
  weights.resize(n);
  const Eigen::Index first = rec.symmetric ? n / 2 : 0;
  if (rec.symmetric && n % 2 == 1) nodes[n / 2] = Real(0);
  const Real tauScale = std::sqrt(Eigen::NumTraits<Real>::epsilon()) / Real(2);
  bool ok = true;
  for (Eigen::Index i0 = first; i0 < n; i0 += G) {
    Real x[G], delta[G], s0[G], s1[G], tau[G];
    int E[G];
    for (int l = 0; l < G; ++l) {
      const Eigen::Index i = (std::min)(i0 + l, n - 1);
      x[l] = nodes[i];
      tau[l] = tauScale * h[i];
    }
    bool converged = false;
    for (int pass = 0; pass < 16 && !converged; ++pass) {
      orthonormalPass<Real, G>(rec.a.data(), rec.b.data(), binv.data(), n, x, delta, s0, s1, E);
      converged = true;
      for (int l = 0; l < G; ++l) converged = converged && abs(delta[l]) <= tau[l];
      if (converged) {
        // Weight at the root x + delta: S0(x + delta) ~ S0 + 2 S1 delta (the error is second order, (delta/h)^2).
        for (int l = 0; l < G && i0 + l < n; ++l) {
          const Real s = s0[l] + Real(2) * s1[l] * delta[l];
          weights[i0 + l] = std::ldexp(rec.mu0 / s, -2 * E[l]);
        }
      }
      for (int l = 0; l < G; ++l) x[l] += delta[l];
    }
    if (!converged) ok = false;
    for (int l = 0; l < G && i0 + l < n; ++l) nodes[i0 + l] = x[l];
  }
  if (!ok) return false;
  if (rec.symmetric) {
    if (n % 2 == 1) nodes[n / 2] = Real(0);
    for (Eigen::Index i = 0; i < first; ++i) {
      nodes[i] = -nodes[n - 1 - i];
      weights[i] = weights[n - 1 - i];
    }
  }
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(std::isfinite(nodes[i]) && std::isfinite(weights[i]) && weights[i] >= Real(0))) return false;
    if (i > 0 && !(nodes[i] - nodes[i - 1] > h[i] / Real(4))) return false;
  }
  return true;
}

/// General path: eigenvalues of the Jacobi matrix (?sterf or Eigen), then one sweep of the characteristic-polynomial
/// form per eigenvalue: the first components (weights) and a Rayleigh correction of the node. O(n^2). Returns false on
/// non-convergence of the eigenvalues.
template <typename Real>
bool generalRule(const Recurrence<Real>& rec, Backend backend, QVector<Real>& nodes, QVector<Real>& weights) {
  constexpr int G = kJacobiLanes;
  using std::abs;
  const Eigen::Index n = rec.a.size();
  nodes.resize(n);
  weights.resize(n);
  if (n == 1) {
    nodes[0] = rec.a[0];
    weights[0] = rec.mu0;
    return true;
  }
  const Real s = powerOfTwoScale((std::max)(rec.a.cwiseAbs().maxCoeff(), rec.b.cwiseAbs().maxCoeff()));
  const QVector<Real> a = rec.a * s, b = rec.b * s, b2 = b.cwiseAbs2();
  QVector<Real> lambda;
  if (!jacobiEigenvalues<Real>(a, b, backend, lambda)) return false;
  const Eigen::Index first = rec.symmetric ? n / 2 : 0;
  if (rec.symmetric && n % 2 == 1) lambda[n / 2] = Real(0);
  SweepWork<Real, G> work;
  work.resize(n);
  for (Eigen::Index i0 = first; i0 < n; i0 += G) {
    Real x[G], w0[G], delta[G], gap[G];
    for (int l = 0; l < G; ++l) {
      const Eigen::Index i = (std::min)(i0 + l, n - 1);
      x[l] = lambda[i];
      const Real lo = i > 0 ? lambda[i] - lambda[i - 1] : Eigen::NumTraits<Real>::highest();
      const Real hi = i + 1 < n ? lambda[i + 1] - lambda[i] : Eigen::NumTraits<Real>::highest();
      gap[l] = (std::min)(lo, hi) / Real(4);
    }
    // One sweep: the weight at the ?sterf eigenvalue (the twisted form is as insensitive to the node's last bits
    // as the Christoffel function), then the node's Rayleigh correction.
    componentSweep<Real, G>(a.data(), b2.data(), n, x, work, w0, delta, nullptr);
    for (int l = 0; l < G; ++l)
      if (abs(delta[l]) < gap[l]) x[l] += delta[l];
    for (int l = 0; l < G && i0 + l < n; ++l) {
      nodes[i0 + l] = x[l] / s;
      weights[i0 + l] = rec.mu0 * w0[l];
    }
  }
  if (rec.symmetric) {
    if (n % 2 == 1) nodes[n / 2] = Real(0);
    for (Eigen::Index i = 0; i < first; ++i) {
      nodes[i] = -nodes[n - 1 - i];
      weights[i] = weights[n - 1 - i];
    }
  }
  return true;
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_GAUSS_RULES_HPP
