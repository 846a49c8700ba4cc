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
#include <vector>

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
};

/// Result of deflation of (d, z), z >= 0 (see DESIGN.md / LAPACK ?laed2):
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

/// One root of f between pole L and pole R (L = -1: no pole on the left; R = K: none on the right). For an
/// exterior root, extent is the signed distance from the single pole to a point where f has the right sign.
/// Safeguarded: a bracket [lo, hi] (f(lo) < 0 < f(hi)) is kept; each step is the zero of a rational model that
/// matches f and f' at the current point (the nearer pole and the farther one for interior roots, as in ?laed4),
/// replaced by bisection whenever it leaves the bracket.
template <typename Real>
void secularRoot(const RealVec<Real>& d, const RealVec<Real>& w, Real a, Real b, Eigen::Index L, Eigen::Index R,
                 Real extent, Eigen::Index& originOut, Real& tauOut) {
  using std::abs;
  const Eigen::Index K = d.size();
  const Real eps = std::numeric_limits<Real>::epsilon();
  struct Eval {
    Real f, psi, dpsi, phi, dphi, err;
  };
  auto eval = [&](Eigen::Index o, Real tau) {
#ifdef DPTZ_COUNT_EVAL
    DPTZ_COUNT_EVAL
#endif
    Eval e{Real(0), Real(0), Real(0), Real(0), Real(0), Real(0)};
    const Real dO = d[o];
    for (Eigen::Index j = 0; j <= L; ++j) {
      const Real t = Real(1) / ((d[j] - dO) - tau), u = w[j] * t;
      e.psi += u;
      e.dpsi += u * t;
    }
    for (Eigen::Index j = R; j < K; ++j) {
      const Real t = Real(1) / ((d[j] - dO) - tau), u = w[j] * t;
      e.phi += u;
      e.dphi += u * t;
    }
    const Real lin0 = a + b * dO, lin1 = b * tau;
    e.f = lin0 + lin1 + e.psi + e.phi;
    e.err = abs(lin0) + abs(lin1) + abs(e.psi) + abs(e.phi);
    return e;
  };

  Eigen::Index o;
  Real lo, hi, tau;
  bool haveEval = false;
  Eval first{};
  if (L >= 0 && R < K) {
    // Midpoint decides the origin (the nearer pole); its evaluation also gives the first model step.
    const Real mid = (d[R] - d[L]) / Real(2);
    first = eval(L, mid);
    if (first.f == Real(0)) {
      originOut = L;
      tauOut = mid;
      return;
    }
    if (first.f > Real(0)) {
      o = L, lo = Real(0), hi = mid, tau = mid;
      haveEval = true;
    } else {
      o = R, lo = -mid, hi = Real(0), tau = -mid;  // same point seen from the right pole: re-evaluate there
    }
  } else if (R >= K) {  // right exterior
    o = L, lo = Real(0), hi = extent, tau = extent / Real(2);
  } else {  // left exterior
    o = R, lo = extent, hi = Real(0), tau = extent / Real(2);
  }

  const int maxIter = 400;
  for (int it = 0; it < maxIter; ++it) {
    const Eval e = (it == 0 && haveEval) ? first : eval(o, tau);
    if (e.f == Real(0)) break;
    // Converged: f is at the level of its own rounding. One more model step (no evaluation) still helps.
    const bool done = abs(e.f) <= Real(4) * eps * e.err;
    if (e.f < Real(0))
      lo = tau;
    else
      hi = tau;
    if (!done && hi - lo <= Real(2) * eps * (std::max)(abs(lo), abs(hi))) break;
    // Rational model step (Delta = change of tau).
    Real step = std::numeric_limits<Real>::quiet_NaN();
    if (L >= 0 && R < K) {
      const Real dL = (d[L] - d[o]) - tau, dR = (d[R] - d[o]) - tau;
      const Real s1 = (e.dpsi + b / Real(2)) * dL * dL, s2 = (e.dphi + b / Real(2)) * dR * dR;
      const Real c = e.f - s1 / dL - s2 / dR;
      Real r1, r2;
      // c D^2 - (c (dL + dR) + s1 + s2) D + f dL dR = 0
      if (solveQuadratic(c, -(c * (dL + dR) + s1 + s2), e.f * dL * dR, r1, r2) > 0)
        step = (r1 > dL && r1 < dR) ? r1 : r2;
    } else {
      const bool right = R >= K;
      const Real dp = right ? (d[L] - d[o]) - tau : (d[R] - d[o]) - tau;
      const Real s = (right ? e.dpsi : e.dphi) * dp * dp;
      const Real c = e.f - s / dp;
      Real r1, r2;
      // (c + b D)(dp - D) + s = 0  <=>  b D^2 + (c - b dp) D - (c dp + s) = 0
      if (solveQuadratic(b, c - b * dp, -(c * dp + s), r1, r2) > 0)
        step = right ? (r1 > dp ? r1 : r2) : (r1 < dp ? r1 : r2);
    }
    Real next = tau + step;
    if (!(next > lo && next < hi)) {
      if (done) break;
      next = lo + (hi - lo) / Real(2);
    }
    if (next == tau) break;
    tau = next;
    if (done) break;
  }
  originOut = o;
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
  Real ext = Real(0);
  const Real W = w.sum();
  if (kind == SecularKind::RankOne) {
    a = Real(1) / param;
    first = 1, count = K;
    ext = Real(2) * param * W;  // f(d_K + rho W) >= 0; twice that keeps the root inside the open bracket
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
    Real e = ext;
    if (kind == SecularKind::Bordered) {
      // Weyl: every eigenvalue of the arrowhead lies within ||z|| of [min(d_1, c), max(d_K, c)].
      const Real sw = sqrt(W);
      // (doubled: the root stays strictly inside the bracket even when the bound is attained)
      if (L < 0) e = Real(2) * (((std::min)(d[0], param) - d[0]) - sw);
      if (R >= K) e = Real(2) * (((std::max)(d[K - 1], param) - d[K - 1]) + sw);
      if (e == Real(0)) e = (L < 0 ? Real(-1) : Real(1)) * std::numeric_limits<Real>::min();
    }
    Eigen::Index o;
    Real t;
    secularRoot(d, w, a, b, L, R, e, o, t);
    r.origin[std::size_t(m)] = o;
    r.tau[m] = t;
  }
  return r;
}

/// Löwner / Gu–Eisenstat: the update vector zhat (>= 0) for which the computed roots are the exact eigenvalues
/// of the secular problem — the identity applied to the poles and the roots. Paired products, clamped at 0.
template <typename Real>
RealVec<Real> recomputeZ(SecularKind kind, const RealVec<Real>& d, const SecularRoots<Real>& r, Real param) {
  using std::sqrt;
  const Eigen::Index K = d.size();
  RealVec<Real> zh(K);
  for (Eigen::Index i = 0; i < K; ++i) {
    Real p(1);
    if (kind == SecularKind::RankOne) {
      // z_i^2 = (x_i - d_i)/rho prod_{m != i} (x_m - d_i)/(d_m - d_i)
      p = -r.diff(d, i, i) / param;
      for (Eigen::Index m = 0; m < K; ++m)
        if (m != i) p *= -r.diff(d, i, m) / (d[m] - d[i]);
    } else if (kind == SecularKind::Bordered) {
      // roots m = 0..K, root m in (d_{m-1}, d_m):
      // z_i^2 = (d_i - x_i)(x_{i+1} - d_i) prod_{m<i} (d_i - x_m)/(d_i - d_m) prod_{m>i+1} (x_m - d_i)/(d_{m-1} - d_i)
      p = r.diff(d, i, i) * -r.diff(d, i, i + 1);
      for (Eigen::Index m = 0; m < i; ++m) p *= r.diff(d, i, m) / (d[i] - d[m]);
      for (Eigen::Index m = i + 2; m <= K; ++m) p *= -r.diff(d, i, m) / (d[m - 1] - d[i]);
    } else {
      // the identity, paired form: prod_{m<i} (d_i - mu_m)/(d_i - d_m) prod_{m>=i} (mu_m - d_i)/(d_{m+1} - d_i)
      for (Eigen::Index m = 0; m < i; ++m) p *= r.diff(d, i, m) / (d[i] - d[m]);
      for (Eigen::Index m = i; m < K - 1; ++m) p *= -r.diff(d, i, m) / (d[m + 1] - d[i]);
    }
    zh[i] = p > Real(0) ? sqrt(p) : Real(0);
  }
  return zh;
}

/// Eigenvectors of the secular problem, one column per root, unit 2-norm: rank-one and minor rows z_i/(d_i - x_m);
/// bordered adds the last row -1 (eigenvector [ (D - x)^{-1} z ; -1 ] of the arrowhead).
template <typename Real>
RealMat<Real> secularVectors(SecularKind kind, const RealVec<Real>& d, const RealVec<Real>& zh,
                             const SecularRoots<Real>& r) {
  const Eigen::Index K = d.size(), R = r.size(), rows = kind == SecularKind::Bordered ? K + 1 : K;
  RealMat<Real> V(rows, R);
  for (Eigen::Index m = 0; m < R; ++m) {
    for (Eigen::Index i = 0; i < K; ++i) V(i, m) = zh[i] / r.diff(d, i, m);
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
