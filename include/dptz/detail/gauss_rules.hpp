// dptz — Gauss quadrature internals: the general Jacobi-matrix path (eigenvalues + the identity's characteristic-
// polynomial form) and the classical rules (Newton / Rayleigh-quotient steps on the orthonormal three-term
// recurrence from asymptotic initial guesses, weights mu0 / sum_k P_k(x)^2 = mu0 p_{M_1}(x)/p_J'(x)
// corrected for the node's last step).
#ifndef DPTZ_DETAIL_GAUSS_RULES_HPP
#define DPTZ_DETAIL_GAUSS_RULES_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <Eigen/Core>

#include "jacobi_matrix.hpp"
#include "numerics.hpp"

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

/// Binet's function omega(x) = ln Gamma(x) - (x - 1/2) ln x + x - ln(2 pi) / 2 for x >= 16 (its asymptotic series;
/// the first omitted term is below 1e-21 there). Zero for x = inf.
template <typename Real>
Real binetOmega(const Real& x) {
  static const double c[] = {1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156};
  const Real r = Real(1) / x, r2 = r * r;
  Real sum(0);
  for (int k = 6; k >= 0; --k) sum = sum * r2 + Real(c[k]);
  return sum * r;
}

/// mu0 of the Jacobi weight, 2^(alpha + beta + 1) B(alpha + 1, beta + 1). Differences of lgamma lose
/// eps ln Gamma(x) ~ eps x ln x, relative, in mu0 (all digits for alpha ~ 1e15); instead, with x = alpha + 1 and
/// y = beta + 1 both raised to >= 16 by Gamma's recurrence, Stirling's form with Binet's function omega:
///   mu0 = exp(x ln(2x / (x + y)) + y ln(2y / (x + y)) + omega(x) + omega(y) - omega(x + y)) sqrt(pi (x + y) / (2xy)),
/// each logarithm of a ratio near 1 by log1p, and x + y through halves (finite up to alpha = beta = DBL_MAX).
/// Relative error about eps times the exponent (0 for alpha = beta: mu0 ~ sqrt(pi / alpha) to rounding).
template <typename Real>
Real jacobiMu0(const Real& alpha, const Real& beta) {
  using std::abs;
  using std::exp;
  using std::lgamma;
  using std::log;
  using std::log1p;
  using std::sqrt;
  Real x = alpha + Real(1), y = beta + Real(1), exponent(0);
  if (x < Real(16) && y < Real(16)) return exp((x + y - Real(1)) * log(Real(2)) + lgamma(x) + lgamma(y) - lgamma(x + y));
  // mu0(x, y) = mu0(x + 1, y) (x + y) / (2 x), and symmetrically in y.
  for (; x < Real(16); x += Real(1)) exponent += log(x / Real(2) + y / Real(2)) - log(x);
  for (; y < Real(16); y += Real(1)) exponent += log(x / Real(2) + y / Real(2)) - log(y);
  const Real half = x / Real(2) + y / Real(2), d = (x / Real(2) - y / Real(2)) / half;
  // ln(x / half) = log1p(d) and ln(y / half) = log1p(-d); near d = +-1 (x, y far apart) the ratio itself is exact.
  const Real lnX = abs(d) < Real(0.5) ? log1p(d) : log(x / half), lnY = abs(d) < Real(0.5) ? log1p(-d) : log(y / half);
  exponent += x * lnX + y * lnY + binetOmega(x) + binetOmega(y) - binetOmega(Real(2) * half);
  const Real factor = sqrt(piValue<Real>() * (half / x) / y);
  // exp(exponent) alone may overflow (or underflow) where the product does not.
  const Real safe = log(Eigen::NumTraits<Real>::highest()) / Real(2);
  return exponent > safe || exponent < -safe ? exp(exponent + log(factor)) : exp(exponent) * factor;
}

/// Weight (1 - x)^alpha (1 + x)^beta on [-1, 1]. For huge alpha + beta (up to DBL_MAX each, where the rule is still
/// representable: mu0 ~ sqrt(pi / alpha) for alpha = beta) the same formulas as ratios in halves of alpha, beta, t.
template <typename Real>
Recurrence<Real> jacobiRecurrence(Eigen::Index n, Real alpha, Real beta) {
  using std::sqrt;
  Recurrence<Real> r;
  r.a.resize(n);
  r.b.resize(n - 1);
  const Real ab = alpha + beta;
  // The direct formulas multiply up to four factors of size alpha + beta + 2n.
  if (ab + Real(2 * n + 3) <= sqrt(sqrt(sqrt(Eigen::NumTraits<Real>::highest())))) {
    r.a[0] = (beta - alpha) / (ab + Real(2));
    for (Eigen::Index k = 1; k < n; ++k) {
      const Real t = Real(2 * k) + ab;
      r.a[k] = (beta * beta - alpha * alpha) / (t * (t + Real(2)));
    }
    if (n > 1) r.b[0] = Real(2) / (ab + Real(2)) * sqrt((alpha + 1) * (beta + 1) / (ab + Real(3)));
    for (Eigen::Index k = 1; k + 1 < n; ++k) {
      const Real m = Real(k + 1), t = Real(2 * k) + ab;
      r.b[k] = Real(2) / (t + Real(2)) * sqrt(m * (m + alpha) * (m + beta) * (m + ab) / ((t + Real(1)) * (t + Real(3))));
    }
  } else {
    // Halves: h = (alpha + beta) / 2, th = t / 2 = k + h; every factor a ratio of at most 1 in magnitude.
    const Real ah = alpha / Real(2), bh = beta / Real(2), h = ah + bh;
    r.a[0] = (bh - ah) / (h + Real(1));
    for (Eigen::Index k = 1; k < n; ++k) {
      const Real th = Real(k) + h;
      r.a[k] = ((bh - ah) / th) * (h / (th + Real(1)));
    }
    if (n > 1)
      r.b[0] = sqrt(Real(2) * ((ah + Real(0.5)) / (h + Real(1))) * ((bh + Real(0.5)) / (h + Real(1)))) /
               sqrt(h + Real(1.5));
    for (Eigen::Index k = 1; k + 1 < n; ++k) {
      const Real m = Real(k + 1), th = Real(k) + h;
      r.b[k] = sqrt((Real(2) * m / (th + Real(1))) * ((m / Real(2) + ah) / (th + Real(0.5))) *
                    ((m / Real(2) + bh) / (th + Real(1.5))) * ((m / Real(2) + h) / (th + Real(1))));
    }
  }
  r.mu0 = jacobiMu0(alpha, beta);
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

/// Zeros a_k (k >= 1, negative) of the Airy function Ai: the first ten exactly, the rest from the asymptotic series
/// -T(3 pi (4k - 1) / 8), T(t) = t^(2/3) (1 + 5/48 t^-2 - 5/36 t^-4 + ...).
template <typename Real>
Real airyZero(int k) {
  static const long double exact[10] = {-2.338107410459767038L, -4.087949444130970617L, -5.520559828095551059L,
                                        -6.786708090071758999L, -7.944133587120853123L, -9.022650853340980380L,
                                        -10.04017434155808593L, -11.00852430373326289L, -11.93601556323626252L,
                                        -12.82877675286575720L};
  if (k <= 10) return Real(exact[k - 1]);
  using std::pow;
  const Real t = Real(3) * piValue<Real>() * Real(4 * k - 1) / Real(8), t2 = Real(1) / (t * t);
  return -pow(t, Real(2) / Real(3)) *
         (Real(1) + t2 * (Real(5) / Real(48) + t2 * (Real(-5) / Real(36) + t2 * (Real(77125) / Real(82944) +
                                                                             t2 * Real(-108056875) / Real(6967296)))));
}

/// Guess for the k-th largest zero (k = 1..n) of the Laguerre polynomial L_n^(a), nu = 4n + 2a + 2 (Gatteschi,
/// "Asymptotics and bounds for the zeros of Laguerre polynomials: a survey", JCAM 144 (2002)):
///  - the largest ~1.3 n^(1/3) zeros: the Airy-type expansion (2.8) in the Airy zeros;
///  - the others: Tricomi's formula with its 1/nu correction, x = nu t - (5/(4(1-t)^2) - 1/(1-t) - 1 + 3a^2)/(3 nu),
///    t = cos^2(theta/2), theta - sin(theta) = (4k - 1) pi / nu (falls back to nu t where the correction misbehaves).
template <typename Real>
Real laguerreZeroGuess(Eigen::Index n, Real a, Eigen::Index k) {
  using std::cbrt;
  using std::cos;
  using std::pow;
  const Real nu = Real(4 * n + 2) + Real(2) * a;
  const Eigen::Index airyCount = Eigen::Index(Real(1.3) * cbrt(Real(n)));
  if (k <= airyCount && k <= 100) {
    const Real ak = airyZero<Real>(int(k)), a2 = ak * ak;
    const Real c23 = cbrt(Real(4)), c13 = cbrt(Real(2)), nu13 = cbrt(nu);
    return nu + c23 * ak * nu13 + Real(0.2) * c23 * c23 * a2 / nu13 +
           (Real(11) / Real(35) - a * a - Real(12) / Real(175) * a2 * ak) / nu +
           (Real(16) / Real(1575) * ak + Real(92) / Real(7875) * a2 * a2) * c23 / (nu * nu13 * nu13) -
           (Real(15152) / Real(3031875) * a2 * a2 * ak + Real(1088) / Real(121275) * a2) * c13 /
               (nu * nu * nu13);
  }
  const Real theta = keplerE1((Real(4 * k) - Real(1)) * piValue<Real>() / nu);
  Real t = cos(theta / Real(2));
  t *= t;
  const Real x0 = nu * t, u = Real(1) / (Real(1) - t);
  const Real x = x0 - (Real(1.25) * u * u - u - Real(1) + Real(3) * a * a) / (Real(3) * nu);
  return std::isfinite(x) && x > Real(0) ? x : x0;
}

/// Initial guesses (ascending, size n) from the asymptotic formulas:
///  - Jacobi/Legendre: Gatteschi–Pittaluga, x_k = cos(phi_k + ((1/4 - a^2) cot(phi_k/2) - (1/4 - b^2) tan(phi_k/2)) /
///    (4 rho^2)), phi_k = (k + a/2 - 1/4) pi / rho, rho = n + (a + b + 1)/2;
///  - Laguerre: laguerreZeroGuess (Tricomi with correction; Airy-type for the largest zeros);
///  - Hermite: the positive zeros of H_n are the square roots of the zeros of L_m^(-1/2) (n = 2m) or L_m^(1/2)
///    (n = 2m + 1, plus the zero at 0).
/// If the corrected guesses come out unordered (tiny n, extreme parameters), the leading-order WKB guesses are used.
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
      const Real rho = Real(n) + Real(0.5) + a / Real(2) + b / Real(2);
      const Real phi = (Real(k) + a / Real(2) - Real(0.25)) * pi / rho;
      const Real h = phi / Real(2);
      Real theta;
      if (a * a + b * b <= Eigen::NumTraits<Real>::highest()) {
        theta = phi + ((Real(0.25) - a * a) / tan(h) - (Real(0.25) - b * b) * tan(h)) / (Real(4) * rho * rho);
      } else {  // the same with every square divided by (2 rho)^2 first
        const Real r2 = Real(0.25) / (Real(4) * rho * rho), sa = a / (Real(2) * rho), sb = b / (Real(2) * rho);
        theta = phi + (r2 - sa * sa) / tan(h) - (r2 - sb * sb) * tan(h);
      }
      v = cos(theta);
    } else if (family == Family::Laguerre) {
      v = laguerreZeroGuess<Real>(n, a, k);
    } else {
      const Eigen::Index m = n / 2;  // positive zeros; the rest (and 0 for odd n) are set by symmetry below
      v = k <= m ? sqrt(laguerreZeroGuess<Real>(m, n % 2 == 0 ? Real(-0.5) : Real(0.5), k)) : Real(0);
    }
    x[n - k] = v;
  }
  if (family == Family::Hermite)
    for (Eigen::Index i = 0; i < n / 2; ++i) x[i] = -x[n - 1 - i];
  bool ascending = true;
  for (Eigen::Index i = 1; i < n; ++i) ascending = ascending && x[i] > x[i - 1];
  if (ascending || family == Family::Jacobi) return x;
  // Leading-order WKB phase condition (nu/4)(2 theta - sin 2 theta) = (k - 1/4) pi: x = sqrt(nu) cos(theta) with
  // nu = 2n + 1 (Hermite), x = nu cos^2(theta) with nu = 4n + 2a + 2 (Laguerre).
  for (Eigen::Index k = 1; k <= n; ++k) {
    const Real nu = family == Family::Hermite ? Real(2 * n + 1) : Real(4 * n + 2) + Real(2) * a;
    const Real theta = keplerE1((Real(4 * k) - Real(1)) * pi / nu) / Real(2);
    x[n - k] = family == Family::Hermite ? sqrt(nu) * cos(theta) : nu * cos(theta) * cos(theta);
  }
  return x;
}

/// One pass of the orthonormal recurrence at G points x (n >= 2), P_0 = 1:
///   P_{k+1} = ((x - a_k) P_k - b_{k-1} P_{k-1}) / b_k,   S = sum_{k<n} P_k^2 (the inverse Christoffel function),
/// Q = b_{n-1} P_n = (x - a_{n-1}) P_{n-1} - b_{n-2} P_{n-2}. Outputs s = S and the step delta:
///  - Exact = false: delta = -Q P_{n-1} / S, the Rayleigh quotient of the vector (P_0..P_{n-1}), i.e. Newton's step
///    with Q' replaced by its Christoffel–Darboux value S / P_{n-1} (exact at the root; the relative error of the
///    step is delta P_{n-1}'/P_{n-1}, so convergence stays quadratic, with a small basin where P_{n-1} has a zero
///    close by: the extreme nodes). No derivative recurrence: 5 flops + 2 for S per step and lane.
///  - Exact = true: Newton's step -Q / Q' with Q' from the differentiated recurrence (5 more flops per step).
///    It also outputs s1 = S1 = sum P_k P_k' = S'/2 (2 more flops).
/// P (and P'), S and S1 are renormalized by powers of two (true S = s * 4^E).
template <typename Real, int G, bool Exact>
void christoffelPass(const Real* a, const Real* bprev, const Real* binv, Eigen::Index n, const Real* x, Real* delta,
                     Real* s, Real* s1, int* E) {
  using Lanes = Eigen::Array<Real, G, 1>;
  const Real big = rescaleThreshold<Real>();
  const Lanes X = Eigen::Map<const Lanes>(x);
  Lanes P = Lanes::Ones(), Pm = Lanes::Zero(), S = Lanes::Ones(), D = Lanes::Zero(), Dm = Lanes::Zero(),
        S1 = Lanes::Zero();
  for (int l = 0; l < G; ++l) E[l] = 0;
  Eigen::Index k = 0;
  while (k + 1 < n) {
    const Eigen::Index stop = (std::min)(k + 4, n - 1);
    for (; k < stop; ++k) {
      const Lanes t = X - a[k];
      const Lanes Pn = (t * P - bprev[k] * Pm) * binv[k];
      if (Exact) {
        const Lanes Dn = (t * D + P - bprev[k] * Dm) * binv[k];
        Dm = D;
        D = Dn;
        S1 += Pn * Dn;
      }
      Pm = P;
      P = Pn;
      S += Pn * Pn;
    }
    const bool over = Exact ? (P.abs().max(D.abs()) > big).any() : (P.abs() > big).any();
    if (over) {
      for (int l = 0; l < G; ++l) {
        using std::abs;
        Real m = (std::max)(abs(P[l]), abs(Pm[l]));
        if (Exact) m = (std::max)(m, (std::max)(abs(D[l]), abs(Dm[l])));
        if (!(m > big)) continue;
        const int e = std::ilogb(m);
        P[l] = std::ldexp(P[l], -e);
        Pm[l] = std::ldexp(Pm[l], -e);
        D[l] = std::ldexp(D[l], -e);
        Dm[l] = std::ldexp(Dm[l], -e);
        S[l] = std::ldexp(S[l], -2 * e);
        S1[l] = std::ldexp(S1[l], -2 * e);
        E[l] += e;
      }
    }
  }
  const Lanes t = X - a[n - 1];
  const Lanes Q = t * P - bprev[n - 1] * Pm;
  Lanes step;
  if (Exact)
    step = -Q / (t * D + P - bprev[n - 1] * Dm);
  else
    step = -(Q * P) / S;
  for (int l = 0; l < G; ++l) {
    delta[l] = step[l];
    s[l] = S[l];
    s1[l] = S1[l];
  }
}

/// The recurrence in the form christoffelPass reads (bprev[k] = b_{k-1}, bprev[0] = 0; binv[k] = 1 / b_k) and the
/// local spacing of the guesses (the distance to the nearest neighbour), the yardstick of every step bound.
template <typename Real>
struct NewtonSetup {
  QVector<Real> bprev, binv, spacing;

  /// False if the guesses are not finite and strictly ascending.
  bool init(const Recurrence<Real>& rec, const QVector<Real>& guess) {
    const Eigen::Index n = rec.a.size();
    binv.resize(n - 1);
    bprev.resize(n);
    spacing.resize(n);
    bprev[0] = Real(0);
    for (Eigen::Index k = 0; k + 1 < n; ++k) {
      binv[k] = Real(1) / rec.b[k];
      bprev[k + 1] = rec.b[k];
    }
    for (Eigen::Index i = 0; i < n; ++i) {
      const Real lo = i > 0 ? guess[i] - guess[i - 1] : Eigen::NumTraits<Real>::highest();
      const Real hi = i + 1 < n ? guess[i + 1] - guess[i] : Eigen::NumTraits<Real>::highest();
      spacing[i] = (std::min)(lo, hi);
      if (!(spacing[i] > Real(0) && std::isfinite(guess[i]))) return false;
    }
    return true;
  }
};

/// Newton iteration of G consecutive nodes i0, i0 + 1, ... (lanes past n - 1 repeat the last node). Longer than a
/// screen because it holds the iteration's state; each step is a member of a few lines.
template <typename Real, int G>
class NewtonGroup {
 public:
  NewtonGroup(const Recurrence<Real>& rec, const NewtonSetup<Real>& setup, const QVector<Real>& guess,
              Eigen::Index i0)
      : m_rec(rec), m_setup(setup), m_guess(guess), m_i0(i0), m_n(rec.a.size()) {
    using std::abs;
    using std::cbrt;
    using std::sqrt;
    const Real eps = Eigen::NumTraits<Real>::epsilon();
    for (int l = 0; l < G; ++l) {
      const Eigen::Index i = node(l);
      m_loose[l] = cbrt(eps) / Real(2) * setup.spacing[i];
      // Final-step bound sqrt(eps)/2 h, but never below the steps' rounding level (float rules with n ~ 1000 have
      // end spacings h far below |x| sqrt(eps)).
      m_tight[l] = (std::max)(sqrt(eps) / Real(2) * setup.spacing[i], Real(32) * eps * abs(guess[i]));
    }
    restart();
    // Groups with an extreme node start with exact Newton steps (the Rayleigh step's basin is small there).
    m_exact = i0 == 0 || i0 + G >= m_n;
  }

  /// Iterates from the guesses; on success writes the group's nodes and weights. False after 24 passes.
  bool run(QVector<Real>& nodes, QVector<Real>& weights) {
    bool ready = false;
    for (int pass = 0; pass < 24; ++pass) {
      computePass();
      if ((ready || m_exact) && converged()) {
        store(nodes, weights);
        return true;
      }
      if (!m_exact && rayleighFails(pass)) {
        m_exact = true;
        ready = false;
        restart();
        continue;
      }
      ready = advance();
    }
    return false;
  }

 private:
  Eigen::Index node(int l) const { return (std::min)(m_i0 + l, m_n - 1); }

  void restart() {
    for (int l = 0; l < G; ++l) {
      m_x[l] = m_guess[node(l)];
      m_sPrev[l] = m_dx[l] = Real(0);
      m_exponentPrev[l] = 0;
    }
    if (m_rec.symmetric && m_n % 2 == 1 && m_i0 == m_n / 2) m_x[0] = Real(0);
  }

  void computePass() {
    const Real *a = m_rec.a.data(), *bprev = m_setup.bprev.data(), *binv = m_setup.binv.data();
    if (m_exact)
      christoffelPass<Real, G, true>(a, bprev, binv, m_n, m_x, m_delta, m_s, m_s1, m_exponent);
    else
      christoffelPass<Real, G, false>(a, bprev, binv, m_n, m_x, m_delta, m_s, m_s1, m_exponent);
  }

  bool converged() const {
    using std::abs;
    bool ok = true;
    for (int l = 0; l < G; ++l) ok = ok && abs(m_delta[l]) <= m_tight[l] && std::isfinite(m_s[l]);
    return ok;
  }

  /// Nodes x + delta; weights mu0 / S at the root, S extrapolated along the secant through the last two Rayleigh
  /// passes (scaled to this pass's exponent) or along S' = 2 S1 after an exact pass. A Rayleigh step that did not
  /// shrink is at rounding level and needs no correction.
  void store(QVector<Real>& nodes, QVector<Real>& weights) const {
    using std::abs;
    for (int l = 0; l < G && m_i0 + l < m_n; ++l) {
      const bool secant = !m_exact && m_dx[l] != Real(0) && abs(m_delta[l]) <= abs(m_dx[l]);
      Real sRoot = m_s[l];
      if (m_exact)
        sRoot += Real(2) * m_s1[l] * m_delta[l];
      else if (secant)
        sRoot += (m_s[l] - std::ldexp(m_sPrev[l], 2 * (m_exponentPrev[l] - m_exponent[l]))) * (m_delta[l] / m_dx[l]);
      weights[m_i0 + l] = std::ldexp(m_rec.mu0 / sRoot, -2 * m_exponent[l]);
      nodes[m_i0 + l] = m_x[l] + m_delta[l];
    }
  }

  /// A Rayleigh step that walks more than h/2 from its guess or does not contract.
  bool rayleighFails(int pass) const {
    using std::abs;
    bool bad = false;
    for (int l = 0; l < G; ++l) {
      const Eigen::Index i = node(l);
      const Real d = abs(m_delta[l]);
      bad = bad || !(abs(m_x[l] + m_delta[l] - m_guess[i]) < m_setup.spacing[i] / Real(2)) ||
            (pass > 0 && d > m_tight[l] && d > abs(m_dx[l]) / Real(2));
    }
    return bad;
  }

  /// Takes the steps; true when every step was below cbrt(eps)/2 h (the next pass may be the last).
  bool advance() {
    using std::abs;
    bool ready = true;
    for (int l = 0; l < G; ++l) {
      ready = ready && abs(m_delta[l]) <= m_loose[l];
      const Real next = m_x[l] + m_delta[l];
      m_dx[l] = next - m_x[l];
      m_x[l] = next;
      m_sPrev[l] = m_s[l];
      m_exponentPrev[l] = m_exponent[l];
    }
    return ready;
  }

  const Recurrence<Real>& m_rec;
  const NewtonSetup<Real>& m_setup;
  const QVector<Real>& m_guess;
  Eigen::Index m_i0, m_n;
  bool m_exact = false;
  Real m_x[G], m_delta[G], m_s[G], m_s1[G], m_sPrev[G], m_dx[G], m_loose[G], m_tight[G];
  int m_exponent[G], m_exponentPrev[G];
};

/// For a symmetric rule whose upper half (indices >= n/2) is computed: the middle node of odd n is 0, the lower half
/// mirrors the upper.
template <typename Real>
void mirrorSymmetricHalf(QVector<Real>& nodes, QVector<Real>& weights) {
  const Eigen::Index n = nodes.size();
  if (n % 2 == 1) nodes[n / 2] = Real(0);
  for (Eigen::Index i = 0; i < n / 2; ++i) {
    nodes[i] = -nodes[n - 1 - i];
    weights[i] = weights[n - 1 - i];
  }
}

/// Classical rule by Newton from the guesses, G nodes at a time. Only indices >= n/2 are computed for a symmetric
/// rule (the rest is mirrored). Two kinds of passes (christoffelPass):
///  - Rayleigh passes (no derivative recurrence) while every step is above cbrt(eps)/2 of the local spacing h; then
///    one more pass at the updated points gives the final step (required below sqrt(eps)/2 h) and the weight
///    mu0 / S at the root, S extrapolated to it along the secant through the last two passes (error
///    O((step/h)^3) <= eps). Interior nodes from the asymptotic guesses take two passes.
///  - exact Newton passes (with P', S' = 2 S1) for groups holding an extreme node (where the Rayleigh step's basin is
///    small) and for any group whose Rayleigh steps fail to contract or walk more than h/2 from the guesses (the
///    group restarts from its guesses); converged when every step is below sqrt(eps)/2 h, weight mu0 / (S + S' step).
/// Returns false if a group does not converge in 24 passes or the nodes are not strictly ascending with gaps of at
/// least a quarter of the guesses' spacing (then the caller takes the general path).
template <typename Real>
bool newtonRule(const Recurrence<Real>& rec, const QVector<Real>& guess, QVector<Real>& nodes, QVector<Real>& weights) {
  constexpr int G = kJacobiLanes;
  const Eigen::Index n = rec.a.size();
  NewtonSetup<Real> setup;
  if (!setup.init(rec, guess)) return false;
  nodes = guess;
  weights.resize(n);
  if (rec.symmetric && n % 2 == 1) nodes[n / 2] = Real(0);
  for (Eigen::Index i0 = rec.symmetric ? n / 2 : 0; i0 < n; i0 += G) {
    NewtonGroup<Real, G> group(rec, setup, guess, i0);
    if (!group.run(nodes, weights)) return false;
  }
  if (rec.symmetric) mirrorSymmetricHalf(nodes, weights);
  for (Eigen::Index i = 0; i < n; ++i) {
    if (!(std::isfinite(nodes[i]) && std::isfinite(weights[i]) && weights[i] >= Real(0))) return false;
    if (i > 0 && !(nodes[i] - nodes[i - 1] > setup.spacing[i] / Real(4))) return false;
  }
  return true;
}

/// Ends (one past the last index) of the unreduced blocks of the Jacobi matrix (a, b): T splits after k where b_k is
/// negligible relative to its diagonal neighbours, |b_k| <= eps sqrt(|a_k|) sqrt(|a_{k+1}|) (LAPACK's ?sterf and
/// ?steqr test: it keeps small eigenvalues of graded matrices), or absolutely, |b_k| <= eps ||block|| (a
/// perturbation within the eigenvalues' own error; it keeps every scaled beta^2 of the pivot recurrences above
/// eps^2, far from underflow).
template <typename Real>
std::vector<Eigen::Index> jacobiBlockEnds(const QVector<Real>& a, const QVector<Real>& b) {
  using std::abs;
  using std::sqrt;
  const Eigen::Index n = a.size();
  const Real eps = Eigen::NumTraits<Real>::epsilon();
  std::vector<Eigen::Index> relative, ends;
  for (Eigen::Index k = 0; k + 1 < n; ++k)
    if (abs(b[k]) <= eps * sqrt(abs(a[k])) * sqrt(abs(a[k + 1]))) relative.push_back(k + 1);
  relative.push_back(n);
  Eigen::Index begin = 0;
  for (Eigen::Index end : relative) {
    const Eigen::Index m = end - begin;
    Real norm = a.segment(begin, m).cwiseAbs().maxCoeff();
    if (m > 1) norm = (std::max)(norm, b.segment(begin, m - 1).cwiseAbs().maxCoeff());
    const Real s = powerOfTwoScale(norm);
    for (Eigen::Index k = begin; k + 1 < end; ++k) {
      if (!(abs(b[k] * s) > eps)) ends.push_back(k + 1);
    }
    ends.push_back(end);
    begin = end;
  }
  return ends;
}

/// Unit first components |v_i(0)|^2 and eigenvalues of one unreduced Jacobi block (a, b) scaled to norm ~1: eig by
/// ?sterf or Eigen (for zero diagonal the half-size bidiagonal singular values, jacobiEigenvaluesZeroDiagonal), then
/// one sweep of the characteristic-polynomial form per eigenvalue, giving the first component and a Rayleigh
/// correction of the eigenvalue. O(n^2). False on non-convergence of the eigenvalues.
template <typename Real>
bool sweepFirstComponents(const QVector<Real>& a, const QVector<Real>& b, bool symmetric, bool useLapack,
                          QVector<Real>& lambda, QVector<Real>& first) {
  constexpr int G = kJacobiLanes;
  using std::abs;
  const Eigen::Index n = a.size();
  const QVector<Real> b2 = b.cwiseAbs2();
  const bool half = symmetric && useLapack && jacobiEigenvaluesZeroDiagonal<Real>(b, lambda);
  if (!half && !jacobiEigenvalues<Real>(a, b, useLapack, lambda)) return false;
  if (symmetric && n % 2 == 1) lambda[n / 2] = Real(0);
  first.resize(n);
  SweepWork<Real, G> work;
  work.resize(n);
  for (Eigen::Index i0 = symmetric ? n / 2 : 0; i0 < n; i0 += G) {
    Real x[G], w0[G], delta[G], gap[G];
    for (int l = 0; l < G; ++l) {
      const Eigen::Index i = (std::min)(i0 + l, n - 1);
      x[l] = lambda[i];
      const Real lo = i > 0 ? lambda[i] - lambda[i - 1] : Eigen::NumTraits<Real>::highest();
      const Real hi = i + 1 < n ? lambda[i + 1] - lambda[i] : Eigen::NumTraits<Real>::highest();
      gap[l] = (std::min)(lo, hi) / Real(4);
    }
    // One sweep: the weight at the computed eigenvalue (the twisted form is as insensitive to the node's last bits
    // as the Christoffel function), then the node's Rayleigh correction.
    componentSweep<Real, G>(a.data(), b2.data(), n, x, work, w0, delta, nullptr);
    for (int l = 0; l < G; ++l)
      if (abs(delta[l]) < gap[l]) x[l] += delta[l];
    // The end nodes' weights are the most sensitive to the node (d log w / dx ~ n^2 at the ends of a Legendre-like
    // spectrum): for the groups holding the first or last node, sweep again at the corrected nodes (2/ngroups extra).
    if (i0 == 0 || i0 + G >= n) {
      Real delta2[G];
      componentSweep<Real, G>(a.data(), b2.data(), n, x, work, w0, delta2, nullptr);
      for (int l = 0; l < G; ++l)
        if (abs(delta2[l]) < gap[l]) x[l] += delta2[l];
    }
    for (int l = 0; l < G && i0 + l < n; ++l) {
      lambda[i0 + l] = x[l];
      first[i0 + l] = w0[l];
    }
  }
  if (symmetric) mirrorSymmetricHalf(lambda, first);
  return true;
}

/// First components (summing to 1 to rounding) and eigenvalues, ascending, of one unreduced block given unscaled:
/// the sweep, or Golub–Welsch with eigenvectors (jacobiDenseAbs2) when the sweep's components do not sum to 1 within sqrt(eps). Eigenvalues
/// beyond the largest finite number come back infinite.
template <typename Real>
bool blockFirstComponents(const QVector<Real>& a, const QVector<Real>& b, bool useLapack, QVector<Real>& lambda,
                          QVector<Real>& first) {
  using std::abs;
  using std::sqrt;
  const Eigen::Index n = a.size();
  if (n == 1) {
    lambda = a;
    first = QVector<Real>::Ones(1);
    return true;
  }
  const Real s = powerOfTwoScale((std::max)(a.cwiseAbs().maxCoeff(), b.cwiseAbs().maxCoeff()));
  const QVector<Real> as = a * s, bs = b * s;
  const bool symmetric = (a.array() == Real(0)).all();
  if (!sweepFirstComponents(as, bs, symmetric, useLapack, lambda, first)) return false;
  const Real total = first.sum();
  if (!(abs(total - Real(1)) <= sqrt(Eigen::NumTraits<Real>::epsilon()))) {
    Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> firstRow;
    if (!jacobiDenseAbs2<Real>(as, bs, {0}, lambda, firstRow)) return false;
    first = firstRow.row(0).transpose();
  }
  first /= first.sum();
  lambda /= s;
  return true;
}

/// Eigenvalues of one block (scaled to norm ~1 for the solve), ascending; infinite beyond the largest finite number.
template <typename Real>
bool blockEigenvalues(const QVector<Real>& a, const QVector<Real>& b, bool useLapack, QVector<Real>& lambda) {
  const Real s = powerOfTwoScale(
      (std::max)(a.cwiseAbs().maxCoeff(), b.size() > 0 ? b.cwiseAbs().maxCoeff() : Real(0)));
  if (!jacobiEigenvalues<Real>(QVector<Real>(a * s), QVector<Real>(b * s), useLapack, lambda)) return false;
  lambda /= s;
  return true;
}

/// General path: the Jacobi matrix split into unreduced blocks (jacobiBlockEnds); the block holding row 0 gives the
/// nodes it owns and their weights mu0 |v_i(0)|^2 (blockFirstComponents), every other block its eigenvalues with
/// weight 0 (their first components vanish); nodes merged ascending. Each block is scaled by a power of two to norm
/// ~1 (exact), so only nodes beyond the largest finite number come back infinite. O(n^2) per block. Returns false
/// on non-convergence of the eigenvalues.
template <typename Real>
bool generalRule(const Recurrence<Real>& rec, bool useLapack, QVector<Real>& nodes, QVector<Real>& weights) {
  const Eigen::Index n = rec.a.size();
  const std::vector<Eigen::Index> ends = jacobiBlockEnds(rec.a, rec.b);
  const Eigen::Index m = ends.front();
  QVector<Real> first;
  if (!blockFirstComponents<Real>(rec.a.head(m), rec.b.head(m - 1), useLapack, nodes, first)) return false;
  // mu0 times components in [0, 1] summing to 1: weights in [0, mu0] summing to mu0 (also for subnormal or huge mu0).
  weights = (rec.mu0 * first.array().max(Real(0)).min(Real(1))).matrix();
  if (m == n) return true;
  std::vector<std::pair<Real, Real>> rule;
  rule.reserve(std::size_t(n));
  for (Eigen::Index i = 0; i < m; ++i) rule.emplace_back(nodes[i], weights[i]);
  for (std::size_t k = 1; k < ends.size(); ++k) {
    const Eigen::Index begin = ends[k - 1], size = ends[k] - begin;
    QVector<Real> lambda;
    if (!blockEigenvalues<Real>(rec.a.segment(begin, size), rec.b.segment(begin, size - 1), useLapack, lambda))
      return false;
    for (Eigen::Index i = 0; i < size; ++i) rule.emplace_back(lambda[i], Real(0));
  }
  std::stable_sort(rule.begin(), rule.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  nodes.resize(n);
  weights.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    nodes[i] = rule[std::size_t(i)].first;
    weights[i] = rule[std::size_t(i)].second;
  }
  return true;
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_GAUSS_RULES_HPP
