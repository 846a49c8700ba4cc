// dptz — secular equations of the update problems (internal): deflation, a safeguarded root finder, and the
// Löwner / Gu–Eisenstat recomputation of the update vector from the computed roots.
//
// Every update reduces (after z = Q^* v and a diagonal phase that makes z real and >= 0) to
//
//   f(x) = a + b x + sum_k z_k^2 / (d_k - x),   d strictly ascending, z_k > 0, b >= 0,
//
// which increases between consecutive poles:
//   rank-one  D + rho z z^T (rho > 0):  a = 1/rho, b = 0  -> K roots, one in each (d_k, d_k+1) and one above d_K;
//   bordered  [[D, z], [z^T, c]]:       a = -c,    b = 1  -> K+1 roots, one below d_1 and one above d_K too;
//   minor     (row j of |V|^2 = z^2):   a = 0,     b = 0  -> K-1 roots, one in each (d_k, d_k+1).
// Each root is stored as x_m = d[origin_m] + tau_m with origin the nearer pole, so the differences d_i - x_m =
// (d_i - d[origin_m]) - tau_m keep their relative accuracy (as LAPACK's ?laed4 does).
#ifndef DPTZ_DETAIL_SECULAR_HPP
#define DPTZ_DETAIL_SECULAR_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <Eigen/Core>

namespace dptz {
namespace detail {

template <typename Real>
using RealVec = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
template <typename Real>
using RealMat = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;

enum class SecularKind { RankOne, Bordered, Minor };

/// Roots of a secular equation, x_m = d[origin[m]] + tau[m].
template <typename Real>
struct SecularRoots {
  RealVec<Real> tau;
  std::vector<Eigen::Index> origin;
  Eigen::Index size() const { return tau.size(); }
  Real x(const RealVec<Real>& d, Eigen::Index m) const { return d[origin[m]] + tau[m]; }
  /// d_i - x_m, accurate to a few ulps relative.
  Real diff(const RealVec<Real>& d, Eigen::Index i, Eigen::Index m) const { return (d[i] - d[origin[m]]) - tau[m]; }
  /// d - x_m for all i at once (the same operations as diff, as an array expression Eigen vectorizes).
  auto diffs(const RealVec<Real>& d, Eigen::Index m) const {
    return (d.array() - d[origin[m]]) - tau[m];
  }
};

/// Result of deflation of (d, z), z >= 0 (docs/math.md, section Secular equations of the updates; as LAPACK's
/// ?laed2):
///  - z_k <= tolZ: d_k is an eigenvalue of the updated problem, basis column k unchanged;
///  - consecutive kept poles p < q with |(d_q - d_p) c s| <= tolRot (c, s the Givens rotation that zeroes z_p):
///    rotate columns p, q, keep q with weight hypot(z_p, z_q), deflate p with d_p c^2 + d_q s^2.
template <typename Real>
struct Deflation {
  struct Rotation {
    Eigen::Index p, q;
    Real c, s;  // column_p' = c column_p + s column_q, column_q' = c column_q - s column_p
  };
  RealVec<Real> d, z;                   // kept poles, strictly ascending, and their weights (> 0)
  std::vector<Eigen::Index> kept;       // basis column carrying kept pole k
  std::vector<Eigen::Index> deflated;   // basis columns that are eigenvectors as they stand (after rotations)
  std::vector<Real> deflatedValue;      // their eigenvalues
  std::vector<Rotation> rotations;      // applied in order
};

template <typename Real>
Deflation<Real> deflate(const RealVec<Real>& d, const RealVec<Real>& z, Real tolZ, Real tolRot) {
  using std::abs;
  using std::hypot;
  Deflation<Real> out;
  const Eigen::Index n = d.size();
  std::vector<Real> kd, kz;
  Eigen::Index prev = -1;  // index into kd/kz of the last kept pole
  for (Eigen::Index k = 0; k < n; ++k) {
    if (!(z[k] > tolZ)) {
      out.deflated.push_back(k);
      out.deflatedValue.push_back(d[k]);
      continue;
    }
    if (prev >= 0) {
      const Eigen::Index p = out.kept[std::size_t(prev)];
      const Real zp = kz[std::size_t(prev)], zq = z[k], dp = kd[std::size_t(prev)], dq = d[k];
      const Real r = hypot(zp, zq), c = zq / r, s = -zp / r, t = dq - dp;
      if (abs(t * c * s) <= tolRot) {
        out.rotations.push_back({p, k, c, s});
        out.deflated.push_back(p);
        out.deflatedValue.push_back(dp * c * c + dq * s * s);
        kd[std::size_t(prev)] = dp * s * s + dq * c * c;
        kz[std::size_t(prev)] = r;
        out.kept[std::size_t(prev)] = k;
        continue;
      }
    }
    kd.push_back(d[k]);
    kz.push_back(z[k]);
    out.kept.push_back(k);
    prev = Eigen::Index(kd.size()) - 1;
  }
  out.d = Eigen::Map<const RealVec<Real>>(kd.data(), Eigen::Index(kd.size()));
  out.z = Eigen::Map<const RealVec<Real>>(kz.data(), Eigen::Index(kz.size()));
  return out;
}

/// Solves a A x^2 + B x + C = 0 robustly; returns the number of real roots (0, 1 or 2) in r1, r2.
template <typename Real>
int solveQuadratic(Real A, Real B, Real C, Real& r1, Real& r2) {
  using std::abs;
  using std::sqrt;
  if (A == Real(0)) {
    if (B == Real(0)) return 0;
    r1 = r2 = -C / B;
    return 1;
  }
  Real disc = B * B - Real(4) * A * C;
  if (disc < Real(0)) disc = Real(0);  // rounding; the model always has a root between its poles
  const Real q = -(B + (B < Real(0) ? -sqrt(disc) : sqrt(disc))) / Real(2);
  r1 = q / A;
  r2 = q != Real(0) ? C / q : r1;
  return 2;
}

/// sum_j w_j t_j and sum_j w_j t_j^2 with t_j = 1 / ((d_j - dO) - tau), j < m: four independent accumulators
/// (the divisions pipeline), ~2x faster than one running sum; for double with SSE2, two packed ones.
template <typename Real>
inline void poleSums(const Real* d, const Real* w, Eigen::Index m, Real dO, Real tau, Real& s, Real& ds) {
#ifdef __SSE2__
  if constexpr (std::is_same<Real, double>::value) {  // packed divisions: measured ~1.35x faster than scalar
    const __m128d vO = _mm_set1_pd(dO), vt = _mm_set1_pd(tau), one = _mm_set1_pd(1.0);
    __m128d p0 = _mm_setzero_pd(), p1 = p0, q0 = p0, q1 = p0;
    const Eigen::Index m4 = m - m % 4;
    for (Eigen::Index j = 0; j < m4; j += 4) {
      const __m128d t0 = _mm_div_pd(one, _mm_sub_pd(_mm_sub_pd(_mm_loadu_pd(d + j), vO), vt));
      const __m128d t1 = _mm_div_pd(one, _mm_sub_pd(_mm_sub_pd(_mm_loadu_pd(d + j + 2), vO), vt));
      const __m128d u0 = _mm_mul_pd(_mm_loadu_pd(w + j), t0), u1 = _mm_mul_pd(_mm_loadu_pd(w + j + 2), t1);
      p0 = _mm_add_pd(p0, u0), p1 = _mm_add_pd(p1, u1);
      q0 = _mm_add_pd(q0, _mm_mul_pd(u0, t0)), q1 = _mm_add_pd(q1, _mm_mul_pd(u1, t1));
    }
    double a[2], b[2];
    _mm_storeu_pd(a, _mm_add_pd(p0, p1));
    _mm_storeu_pd(b, _mm_add_pd(q0, q1));
    Real ps = a[0] + a[1], qs = b[0] + b[1];
    for (Eigen::Index j = m4; j < m; ++j) {
      const Real t = Real(1) / ((d[j] - dO) - tau), u = w[j] * t;
      ps += u, qs += u * t;
    }
    s = ps, ds = qs;
    return;
  }
#endif
  Real p0(0), p1(0), p2(0), p3(0), q0(0), q1(0), q2(0), q3(0);
  const Eigen::Index m4 = m - m % 4;
  for (Eigen::Index j = 0; j < m4; j += 4) {
    const Real t0 = Real(1) / ((d[j] - dO) - tau), t1 = Real(1) / ((d[j + 1] - dO) - tau);
    const Real t2 = Real(1) / ((d[j + 2] - dO) - tau), t3 = Real(1) / ((d[j + 3] - dO) - tau);
    const Real u0 = w[j] * t0, u1 = w[j + 1] * t1, u2 = w[j + 2] * t2, u3 = w[j + 3] * t3;
    p0 += u0, p1 += u1, p2 += u2, p3 += u3;
    q0 += u0 * t0, q1 += u1 * t1, q2 += u2 * t2, q3 += u3 * t3;
  }
  for (Eigen::Index j = m4; j < m; ++j) {
    const Real t = Real(1) / ((d[j] - dO) - tau), u = w[j] * t;
    p0 += u, q0 += u * t;
  }
  s = (p0 + p1) + (p2 + p3);
  ds = (q0 + q1) + (q2 + q3);
}

/// The root among r1, r2 that a model increasing on (lo, hi) and equal to f at D = 0 has: inside (lo, hi), on the
/// side of 0 that the sign of f gives, and of those the nearer to 0. The quadratic's other root lies outside
/// (lo, hi) in exact arithmetic but can round to just inside an end when that pole's weight is tiny. NaN if none.
template <typename Real>
Real modelRoot(Real r1, Real r2, Real f, Real lo, Real hi) {
  using std::abs;
  auto valid = [&](Real r) { return r > lo && r < hi && (f < Real(0) ? r >= Real(0) : r <= Real(0)); };
  if (valid(r1) && valid(r2)) return abs(r1) <= abs(r2) ? r1 : r2;
  if (valid(r1)) return r1;
  if (valid(r2)) return r2;
  return std::numeric_limits<Real>::quiet_NaN();
}

/// The "middle way" step (as ?laed4) between poles at distances dL < 0 < dR from the current point, where
/// f = value, dpsi / dphi = slopes of the left / right pole sums, b = slope of the linear part (split evenly):
/// the zero of c + s1/(dL - D) + s2/(dR - D) matching f and the slopes; NaN when the quadratic has no root.
template <typename Real>
Real middleWayStep(Real f, Real dpsi, Real dphi, Real b, Real dL, Real dR) {
  const Real s1 = (dpsi + b / Real(2)) * dL * dL, s2 = (dphi + b / Real(2)) * dR * dR;
  const Real c = f - s1 / dL - s2 / dR;
  Real r1, r2;
  // c D^2 - (c (dL + dR) + s1 + s2) D + f dL dR = 0
  if (solveQuadratic(c, -(c * (dL + dR) + s1 + s2), f * dL * dR, r1, r2) > 0) return modelRoot(r1, r2, f, dL, dR);
  return std::numeric_limits<Real>::quiet_NaN();
}

/// Poles kept exact on each side in the initial-guess model of an interior root (random n = 1000: 3.37
/// evaluations of f per root with 4, 3.59 with 2, 3.85 with 1).
constexpr int kGuessPoles = 4;

/// f and the pieces the model steps need, at x = d[origin] + tau: psi sums the poles left of the root (every term
/// < 0), phi those right of it (every term > 0), dpsi / dphi their slopes; err bounds the rounding of f.
template <typename Real>
struct SecularValue {
  Real f, psi, dpsi, phi, dphi, err;
};

/// f(x) = a + b x + sum_k w_k / (d_k - x) for the root between pole L and pole R (L = -1: none on the left;
/// R = K: none on the right), evaluated relative to a pole so that d_k - x keeps its relative accuracy.
template <typename Real>
struct SecularFunction {
  const RealVec<Real>& d;
  const RealVec<Real>& w;
  Real a, b;
  Eigen::Index L, R;

  Eigen::Index poles() const { return d.size(); }
  bool interior() const { return L >= 0 && R < poles(); }

  SecularValue<Real> operator()(Eigen::Index origin, Real tau) const {
    using std::abs;
    SecularValue<Real> e{Real(0), Real(0), Real(0), Real(0), Real(0), Real(0)};
    const Real dO = d[origin];
    if (L >= 0) poleSums(d.data(), w.data(), L + 1, dO, tau, e.psi, e.dpsi);
    if (R < poles()) poleSums(d.data() + R, w.data() + R, poles() - R, dO, tau, e.phi, e.dphi);
    const Real lin0 = a + b * dO, lin1 = b * tau;
    e.f = lin0 + lin1 + e.psi + e.phi;
    e.err = abs(lin0) + abs(lin1) + abs(e.psi) + abs(e.phi);
    return e;
  }
};

/// Where the iteration for one root starts: the origin pole, the bracket [lo, hi] of tau (f(lo) < 0 < f(hi)), the
/// first tau, and (when firstIsEvaluated) f already evaluated there.
template <typename Real>
struct SecularStart {
  Eigen::Index origin;
  Real lo, hi, tau;
  bool firstIsEvaluated = false;
  SecularValue<Real> first{};
  bool exactRoot = false;  // f vanished at the midpoint: tau is the root
};

/// Initial guess of an interior root from the evaluation at the midpoint tmid (relative to origin): the root of a
/// model with the 2 kGuessPoles nearest poles exact and the rest of f (the other poles and b x) linear,
/// C + C1 (x - tmid), found by the middle-way iteration on the O(kGuessPoles) model (bracketed, a few steps).
/// Returns a tau outside (lo, hi) when the model fails.
template <typename Real>
Real interiorGuess(const SecularFunction<Real>& f, Eigen::Index origin, const SecularValue<Real>& atMid, Real tmid,
                   Real lo, Real hi) {
  using std::abs;
  constexpr int P = kGuessPoles;
  const Real eps = std::numeric_limits<Real>::epsilon();
  const Eigen::Index K = f.poles();
  Real modelPole[2 * P], modelWeight[2 * P];  // relative to d[origin]; the first P lie left of the root
  Real modelConst = atMid.f, modelSlope = atMid.dpsi + atMid.dphi + f.b;
  for (int q = 0; q < 2 * P; ++q) {
    const Eigen::Index j = q < P ? f.L - q : f.R + (q - P);
    const bool in = j >= 0 && j < K;
    modelPole[q] = in ? f.d[j] - f.d[origin] : (q < P ? Real(-1) : Real(1));
    modelWeight[q] = in ? f.w[j] : Real(0);
    const Real t = Real(1) / (modelPole[q] - tmid);
    modelConst -= modelWeight[q] * t;
    modelSlope -= modelWeight[q] * t * t;
  }
  modelSlope = (std::max)(Real(0), modelSlope);
  Real guess = tmid, modelLo = lo, modelHi = hi;
  for (int pass = 0; pass < 12; ++pass) {
    Real g = modelConst + modelSlope * (guess - tmid), slopeLeft(0), slopeRight(0);
    for (int q = 0; q < 2 * P; ++q) {
      const Real t = Real(1) / (modelPole[q] - guess), u = modelWeight[q] * t;
      g += u;
      (q < P ? slopeLeft : slopeRight) += u * t;
    }
    if (g == Real(0)) break;
    (g < Real(0) ? modelLo : modelHi) = guess;
    Real next = guess + middleWayStep(g, slopeLeft, slopeRight, modelSlope, modelPole[0] - guess,
                                      modelPole[P] - guess);
    if (!(next > modelLo && next < modelHi)) next = modelLo + (modelHi - modelLo) / Real(2);
    const bool settled = abs(next - guess) <= Real(4) * eps * abs(next);
    guess = next;
    if (settled) break;
  }
  return guess;
}

/// Start of an interior root (as ?laed4): f at the midpoint of (d_L, d_R) picks the origin (the nearer pole; the
/// same evaluation serves both origins) and the bracket; the guess is interiorGuess, or the midpoint itself.
template <typename Real>
SecularStart<Real> interiorStart(const SecularFunction<Real>& f) {
  SecularStart<Real> st;
  const Real mid = (f.d[f.R] - f.d[f.L]) / Real(2);
  st.first = f(f.L, mid);
  if (st.first.f == Real(0)) {
    st.origin = f.L, st.tau = mid, st.exactRoot = true;
    return st;
  }
  // f(mid) > 0: root in (d_L, mid], origin L; else in [mid, d_R), origin R (tau < 0).
  const bool left = st.first.f > Real(0);
  st.origin = left ? f.L : f.R;
  st.lo = left ? Real(0) : -mid;
  st.hi = left ? mid : Real(0);
  const Real tmid = left ? mid : -mid;
  const Real guess = interiorGuess(f, st.origin, st.first, tmid, st.lo, st.hi);
  if (guess > st.lo && guess < st.hi) {
    st.tau = guess;
  } else {
    st.tau = tmid;
    st.firstIsEvaluated = true;  // fall back to the model step from the midpoint evaluation
  }
  return st;
}

/// The model step (change of tau) at the current point: the middle way between two poles for an interior root;
/// for an exterior root, the zero of (c + b D)(dp - D) + s matching f and the slope of the single pole's sum.
/// NaN when the model has no root.
template <typename Real>
Real secularModelStep(const SecularFunction<Real>& f, const SecularValue<Real>& e, Eigen::Index origin, Real tau) {
  const RealVec<Real>& d = f.d;
  if (f.interior())
    return middleWayStep(e.f, e.dpsi, e.dphi, f.b, (d[f.L] - d[origin]) - tau, (d[f.R] - d[origin]) - tau);
  const bool right = f.R >= f.poles();
  const Real dp = right ? (d[f.L] - d[origin]) - tau : (d[f.R] - d[origin]) - tau;
  const Real s = (right ? e.dpsi : e.dphi) * dp * dp;
  const Real c = e.f - s / dp;
  Real r1, r2;
  // (c + b D)(dp - D) + s = 0  <=>  b D^2 + (c - b dp) D - (c dp + s) = 0
  if (solveQuadratic(f.b, c - f.b * dp, -(c * dp + s), r1, r2) > 0) {
    const Real inf = std::numeric_limits<Real>::infinity();
    return right ? modelRoot(r1, r2, e.f, dp, inf) : modelRoot(r1, r2, e.f, -inf, dp);
  }
  return std::numeric_limits<Real>::quiet_NaN();
}

/// One root of f between pole L and pole R (L = -1: no pole on the left; R = K: none on the right). For an
/// exterior root, extent is the signed distance from the single pole to a point where f has the right sign.
/// Safeguarded: a bracket [lo, hi] (f(lo) < 0 < f(hi)) is kept. Interior roots start as interiorStart says; each
/// step is the zero of the model of secularModelStep; a step that leaves the bracket is replaced by bisection.
template <typename Real>
void secularRoot(const RealVec<Real>& d, const RealVec<Real>& w, Real a, Real b, Eigen::Index L, Eigen::Index R,
                 Real extent, Eigen::Index& originOut, Real& tauOut) {
  using std::abs;
  using std::sqrt;
  const Real eps = std::numeric_limits<Real>::epsilon();
  const Real sqrtEps = sqrt(eps);
  const SecularFunction<Real> f{d, w, a, b, L, R};
  SecularStart<Real> st;
  if (f.interior()) {
    st = interiorStart(f);
  } else if (R >= f.poles()) {
    st.origin = L, st.lo = Real(0), st.hi = extent, st.tau = extent / Real(2);
  } else {
    st.origin = R, st.lo = extent, st.hi = Real(0), st.tau = extent / Real(2);
  }
  originOut = st.origin;
  if (st.exactRoot) {
    tauOut = st.tau;
    return;
  }
  const Eigen::Index o = st.origin;
  Real lo = st.lo, hi = st.hi, tau = st.tau;
  const int maxIter = 400;
  for (int it = 0; it < maxIter; ++it) {
    const SecularValue<Real> e = (it == 0 && st.firstIsEvaluated) ? st.first : f(o, tau);
    if (e.f == Real(0)) break;
    // Converged: f is at the level of its own rounding. One more model step (no evaluation) still helps.
    const bool done = abs(e.f) <= Real(4) * eps * e.err;
    if (e.f < Real(0))
      lo = tau;
    else
      hi = tau;
    if (!done && hi - lo <= Real(2) * eps * (std::max)(abs(lo), abs(hi))) break;
    const Real step = secularModelStep(f, e, o, tau);
    Real next = tau + step;
    bool modelStep = true;
    if (!(next > lo && next < hi)) {
      if (done) break;
      next = lo + (hi - lo) / Real(2);
      modelStep = false;
    }
    if (next == tau) break;
    // A model step this small ends the iteration without another evaluation: the model's error shrinks (at
    // least) quadratically, |error after| ~ c |step|^2 / |tau| with measured c ~ 1e-3..1e-2, so a step below
    // 8 sqrt(eps) |tau| leaves ~eps |tau| (random n = 1000: 3.22 evaluations per root, 3.37 with sqrt(eps)).
    const bool tiny = modelStep && abs(step) <= Real(8) * sqrtEps * abs(next);
    tau = next;
    if (done || tiny) break;
  }
  tauOut = tau;
}

/// All roots of the secular equation of the given kind on deflated poles d (strictly ascending) with weights
/// z (> 0); for RankOne, param = rho > 0; for Bordered, param = c; unused for Minor.
template <typename Real>
SecularRoots<Real> secularRoots(SecularKind kind, const RealVec<Real>& d, const RealVec<Real>& z, Real param) {
  using std::sqrt;
  const Eigen::Index K = d.size();
  const RealVec<Real> w = z.cwiseAbs2();
  SecularRoots<Real> r;
  Real a(0), b(0);
  Eigen::Index first = 0, count = 0;  // root m lies between pole first + m - 1 and first + m
  Real exteriorExtent = Real(0);
  const Real weightSum = w.sum();
  if (kind == SecularKind::RankOne) {
    a = Real(1) / param;
    first = 1, count = K;
    // f(d_K + rho W) >= 0; twice that keeps the root inside the open bracket
    exteriorExtent = Real(2) * param * weightSum;
  } else if (kind == SecularKind::Bordered) {
    a = -param, b = Real(1);
    first = 0, count = K + 1;
  } else {
    first = 1, count = K > 0 ? K - 1 : 0;
  }
  r.tau.resize(count);
  r.origin.resize(std::size_t(count));
  for (Eigen::Index m = 0; m < count; ++m) {
    const Eigen::Index L = first + m - 1, R = first + m;
    Real extent = exteriorExtent;
    if (kind == SecularKind::Bordered) {
      // Weyl: every eigenvalue of the arrowhead lies within ||z|| of [min(d_1, c), max(d_K, c)].
      const Real zNorm = sqrt(weightSum);
      // (doubled: the root stays strictly inside the bracket even when the bound is attained)
      if (L < 0) extent = Real(2) * (((std::min)(d[0], param) - d[0]) - zNorm);
      if (R >= K) extent = Real(2) * (((std::max)(d[K - 1], param) - d[K - 1]) + zNorm);
      if (extent == Real(0)) extent = (L < 0 ? Real(-1) : Real(1)) * std::numeric_limits<Real>::min();
    }
    Eigen::Index origin;
    Real tau;
    secularRoot(d, w, a, b, L, R, extent, origin, tau);
    r.origin[std::size_t(m)] = origin;
    r.tau[m] = tau;
  }
  return r;
}

/// Löwner / Gu–Eisenstat: the update vector zhat (>= 0) for which the computed roots are the exact eigenvalues
/// of the secular problem — the identity applied to the poles and the roots. Paired products, clamped at 0.
template <typename Real>
RealVec<Real> recomputeZ(SecularKind kind, const RealVec<Real>& d, const SecularRoots<Real>& r, Real param) {
  using std::sqrt;
  const Eigen::Index K = d.size();
  RealVec<Real> zHat(K);
  // prod over m in [m0, m1) of num(m) / den(m), in two interleaved running products (independent multiply
  // chains: ~2x faster; each factor lies on the same side of 1 within a range, so neither half can overflow
  // where the whole product would not).
  auto prod = [](Eigen::Index m0, Eigen::Index m1, auto&& factor) {
    Real p0(1), p1(1);
    Eigen::Index m = m0;
    for (; m + 1 < m1; m += 2) p0 *= factor(m), p1 *= factor(m + 1);
    if (m < m1) p0 *= factor(m);
    return p0 * p1;
  };
  for (Eigen::Index i = 0; i < K; ++i) {
    Real p(1);
    const Real di = d[i];
    auto below = [&](Eigen::Index m) { return r.diff(d, i, m) / (di - d[m]); };  // (d_i - x_m)/(d_i - d_m)
    if (kind == SecularKind::RankOne) {
      // z_i^2 = (x_i - d_i)/rho prod_{m != i} (x_m - d_i)/(d_m - d_i)
      p = -r.diff(d, i, i) / param;
      p *= prod(0, i, below);
      p *= prod(i + 1, K, [&](Eigen::Index m) { return r.diff(d, i, m) / (di - d[m]); });
    } else if (kind == SecularKind::Bordered) {
      // roots m = 0..K, root m in (d_{m-1}, d_m):
      // z_i^2 = (d_i - x_i)(x_{i+1} - d_i) prod_{m<i} (d_i - x_m)/(d_i - d_m) prod_{m>i+1} (x_m - d_i)/(d_{m-1} - d_i)
      p = r.diff(d, i, i) * -r.diff(d, i, i + 1);
      p *= prod(0, i, below);
      p *= prod(i + 2, K + 1, [&](Eigen::Index m) { return r.diff(d, i, m) / (di - d[m - 1]); });
    } else {
      // the identity, paired form: prod_{m<i} (d_i - mu_m)/(d_i - d_m) prod_{m>=i} (mu_m - d_i)/(d_{m+1} - d_i)
      p = prod(0, i, below);
      p *= prod(i, K - 1, [&](Eigen::Index m) { return r.diff(d, i, m) / (di - d[m + 1]); });
    }
    zHat[i] = p > Real(0) ? sqrt(p) : Real(0);
  }
  return zHat;
}

/// Eigenvectors of the secular problem, one column per root, unit 2-norm: rank-one and minor rows z_i/(d_i - x_m);
/// bordered adds the last row -1 (eigenvector [ (D - x)^{-1} z ; -1 ] of the arrowhead).
template <typename Real>
RealMat<Real> secularVectors(SecularKind kind, const RealVec<Real>& d, const RealVec<Real>& zHat,
                             const SecularRoots<Real>& r) {
  const Eigen::Index K = d.size(), R = r.size(), rows = kind == SecularKind::Bordered ? K + 1 : K;
  RealMat<Real> V(rows, R);
  for (Eigen::Index m = 0; m < R; ++m) {
    V.col(m).head(K) = (zHat.array() / r.diffs(d, m)).matrix();
    if (kind == SecularKind::Bordered) V(K, m) = Real(-1);
    // Two-pass norm: scale by the largest entry first (entries near a pole can be huge).
    const Real big = V.col(m).cwiseAbs().maxCoeff();
    if (big > Real(0)) {
      V.col(m) /= big;
      V.col(m) /= V.col(m).norm();
    }
  }
  return V;
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_SECULAR_HPP
