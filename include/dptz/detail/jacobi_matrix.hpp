// dptz — kernels for symmetric tridiagonal (Jacobi) matrices (internal): eigenvalues, and the characteristic-
// polynomial form of the identity evaluated by the two three-term (LDL^T pivot) recurrences.
//
// For T - x I = L D L^T (top-down pivots d+_j) and = U D U^T (bottom-up pivots d-_j), the twisted pivots
// gamma_j = d+_j + d-_j - (alpha_j - x) satisfy 1/gamma_j = [(T - x I)^{-1}]_jj = p_{M_j}(x) / p_T(x) (Cramer),
// with p(x) = det(. - x I). Their sum is tr((T - x I)^{-1}) = -p_T'(x)/p_T(x). Hence at an eigenvalue x = lambda_i
//
//   |v_i(j)|^2 = p_{M_j}(lambda_i) / p_T'(lambda_i) = (1/gamma_j) / sum_k (1/gamma_k),
//
// the identity in its characteristic-polynomial form, with the polynomials carried as ratios (pivots): no overflow,
// no differences of close eigenvalues, O(n) per eigenvalue. The same sum gives the Newton step for the eigenvalue:
// lambda_i ~ x + 1 / sum_k (1/gamma_k).
#ifndef DPTZ_DETAIL_JACOBI_MATRIX_HPP
#define DPTZ_DETAIL_JACOBI_MATRIX_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "lapack.hpp"
#include "numerics.hpp"
#include "validate.hpp"

namespace dptz {
namespace detail {

/// Lanes processed together by the recurrence kernels: independent chains interleave (latency hidden) and
/// vectorize across lanes.
constexpr int kJacobiLanes = 8;

/// Pivot guard and rescaling threshold of the pivot recurrences on a matrix scaled to norm ~1: pivots of magnitude
/// below 2^(minExponent/4) are replaced by -2^(minExponent/4) (a diagonal perturbation far below eps, as LAPACK's
/// pivmin), so every pivot ratio is below 2^(-minExponent/2); running products are renormalized above
/// 2^(maxExponent/4). Together nothing overflows for any n < 2^(maxExponent/4).
template <typename Real>
Real pivotMinimum() {
  using std::ldexp;
  return ldexp(Real(1), std::numeric_limits<Real>::min_exponent / 4);
}
template <typename Real>
Real rescaleThreshold() {
  using std::ldexp;
  return ldexp(Real(1), std::numeric_limits<Real>::max_exponent / 4);
}

/// Whether computed eigenvalues keep the sum of squares of their matrix, frobenius2 = ||scale M||_F^2, to 16 n eps
/// (backward stable solvers do). LAPACK's ?sterf can lose digits of the largest eigenvalues beside entries far below
/// ||M|| (seen: 2e-6 relative next to couplings 1e-161 ||M||); this O(n) check catches that.
template <typename Real>
bool keepsSumOfSquares(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& values, const Real& scale,
                       const Real& frobenius2) {
  using std::abs;
  return abs((values * scale).squaredNorm() - frobenius2) <=
         Real(16) * Real(values.size()) * Eigen::NumTraits<Real>::epsilon() * frobenius2;
}

/// Calls block(p, size, scale) for each unreduced block [p, p + size) of (d, e) between the couplings k where
/// negligible(k) holds (taken as 0), scale the power of two that brings the block to norm ~1. False as soon as a call
/// returns false.
template <typename Real, typename Negligible, typename Block>
bool forEachBlock(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& d, const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e,
                  Negligible negligible, Block block) {
  const Eigen::Index n = d.size();
  for (Eigen::Index p = 0; p < n;) {
    Eigen::Index q = p + 1;
    while (q < n && !negligible(q - 1)) ++q;
    const Real scale = powerOfTwoScale((std::max)(d.segment(p, q - p).cwiseAbs().maxCoeff(),
                                                  q - p > 1 ? e.segment(p, q - p - 1).cwiseAbs().maxCoeff() : Real(0)));
    if (!block(p, q - p, scale)) return false;
    p = q;
  }
  return true;
}

/// The test of Eigen's QL fallbacks: couplings at or below eps ||T|| (moving every eigenvalue by eps ||T|| at most).
template <typename Real>
auto negligibleBesideNorm(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& d,
                          const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e) {
  const Real small = Eigen::NumTraits<Real>::epsilon() * (std::max)(d.cwiseAbs().maxCoeff(), e.cwiseAbs().maxCoeff());
  return [&e, small](Eigen::Index k) {
    using std::abs;
    return abs(e(k)) <= small;
  };
}

/// Eigenvalues of (d, e) block by block (forEachBlock): each block of two or more, scaled, is solved by
/// solve(dBlock, eBlock) (eigenvalues over dBlock, false on failure); d then holds them all, ascending. False as soon
/// as a block fails (d is then partly overwritten). e is left as it was.
template <typename Real, typename Negligible, typename Solve>
bool blockwiseEigenvalues(Eigen::Matrix<Real, Eigen::Dynamic, 1>& d, const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e,
                          Negligible negligible, Solve solve) {
  Eigen::Matrix<Real, Eigen::Dynamic, 1> db, eb;
  const bool solved = forEachBlock(d, e, negligible, [&](Eigen::Index p, Eigen::Index size, const Real& scale) {
    if (size == 1) return true;
    db = d.segment(p, size) * scale;
    eb = e.segment(p, size - 1) * scale;
    if (!solve(db, eb)) return false;
    d.segment(p, size) = db / scale;
    return true;
  });
  if (solved) std::sort(d.data(), d.data() + d.size());
  return solved;
}

/// Ascending eigenvalues of the real symmetric tridiagonal (d, e), written over d; e is destroyed. LAPACK's ?sterf
/// when useLapack and Real is float or double, Eigen's implicit QL (SelfAdjointEigenSolver::computeFromTridiagonal,
/// values only) otherwise, and where ?sterf's result fails the check below. Returns false on non-convergence.
template <typename Real>
bool tridiagonalEigenvalues(bool useLapack, Eigen::Matrix<Real, Eigen::Dynamic, 1>& d,
                            Eigen::Matrix<Real, Eigen::Dynamic, 1>& e) {
  using Vector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;
  using std::abs;
  const Eigen::Index n = d.size();
  if (n <= 1) return true;
#ifdef DPTZ_HAS_LAPACKE
  if constexpr (IsStandardScalar<Real>::value) {
    if (useLapack) {
      const Real eps = Eigen::NumTraits<Real>::epsilon();
      // ?sterf iterates on the squared couplings and splits only where |e_k| <= eps sqrt(|d_k d_k+1|): beside
      // diagonal entries ~0 it keeps couplings of 1e-166 next to ones of 0.8, and returned an eigenvalue of 1e-3
      // 3e3 eps ||T|| off. Couplings at most eps times their neighbours (moving eigenvalues by eps ||T|| at most)
      // are set to 0 first, and each block is solved scaled; a block whose result does not keep its ||T||_F^2
      // sends the whole matrix to Eigen's QL below.
      auto negligible = [&](Eigen::Index k) {
        Real local = (std::max)(abs(d(k)), abs(d(k + 1)));
        if (k > 0) local = (std::max)(local, abs(e(k - 1)));
        if (k + 2 < n) local = (std::max)(local, abs(e(k + 1)));
        return abs(e(k)) <= eps * local;
      };
      auto sterf = [](Vector& db, Vector& eb) {
        const Real frobenius2 = db.squaredNorm() + Real(2) * eb.squaredNorm();
        return lapack::sterf(lapack::Int(db.size()), db.data(), eb.data()) == 0 &&
               keepsSumOfSquares(db, Real(1), frobenius2);
      };
      Vector values = d;
      if (blockwiseEigenvalues(values, e, negligible, sterf)) {
        d = values;
        return true;
      }
    }
  }
#endif
  (void)useLapack;
  Eigen::SelfAdjointEigenSolver<Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>> es;
  es.computeFromTridiagonal(d, e, Eigen::EigenvaluesOnly);
  if (es.info() == Eigen::Success) {
    d = es.eigenvalues();
    return true;
  }
  // Eigen's QL can stall where couplings lie far below the rest of T (their squares underflow in its shifts).
  // Couplings at or below eps ||T|| are set to 0, which moves every eigenvalue by at most eps ||T|| (this path's
  // accuracy), and each unreduced block is solved on its own.
  return blockwiseEigenvalues(d, e, negligibleBesideNorm(d, e), [&](Vector& db, Vector& eb) {
    es.computeFromTridiagonal(db, eb, Eigen::EigenvaluesOnly);
    if (es.info() != Eigen::Success) return false;
    db = es.eigenvalues();
    return true;
  });
}

/// The same for inputs that must be kept (any Eigen vector expressions): out = eig(tridiag(e, d, e)), ascending.
template <typename Real, typename DiagT, typename OffT>
bool jacobiEigenvalues(const DiagT& d, const OffT& e, bool useLapack, Eigen::Matrix<Real, Eigen::Dynamic, 1>& out) {
  out = d;
  Eigen::Matrix<Real, Eigen::Dynamic, 1> work = e;
  return tridiagonalEigenvalues(useLapack, out, work);
}

/// Golub–Welsch with eigenvectors (Eigen's tridiagonal QR, O(n^3)) on the Jacobi matrix (d, e) scaled to norm ~1:
/// lambda = eig, ascending, and W(r, i) = |v_i(rows[r])|^2. The safety net of the O(n^2) paths where the computed
/// eigenvalues are not accurate enough for them (graded matrices, whose small eigenvalues carry only an absolute
/// error eps ||T||): orthogonal vectors keep rows and columns of |V|^2 summing to 1. False on non-convergence.
template <typename Real>
bool jacobiDenseAbs2(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& d, const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e,
                     const std::vector<Eigen::Index>& rows, Eigen::Matrix<Real, Eigen::Dynamic, 1>& lambda,
                     Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>& W) {
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = d.size();
  Eigen::SelfAdjointEigenSolver<Matrix> es;
  es.computeFromTridiagonal(d, e, Eigen::ComputeEigenvectors);
  W.resize(Eigen::Index(rows.size()), n);
  if (es.info() == Eigen::Success) {
    lambda = es.eigenvalues();
    for (std::size_t r = 0; r < rows.size(); ++r) W.row(Eigen::Index(r)) = es.eigenvectors().row(rows[r]).cwiseAbs2();
    return true;
  }
  // Eigen's QL can stall where couplings lie far below the rest (as for the eigenvalues, tridiagonalEigenvalues):
  // couplings at or below eps ||T|| are set to 0 (moving eigenvalues by eps ||T|| at most) and each block is solved
  // on its own, scaled; V is block diagonal.
  Matrix V = Matrix::Zero(n, n);
  Eigen::Matrix<Real, Eigen::Dynamic, 1> values = d;
  const bool solved = forEachBlock(d, e, negligibleBesideNorm(d, e), [&](Eigen::Index p, Eigen::Index size,
                                                                          const Real& scale) {
    if (size == 1) {
      V(p, p) = Real(1);
      return true;
    }
    es.computeFromTridiagonal(d.segment(p, size) * scale, e.segment(p, size - 1) * scale, Eigen::ComputeEigenvectors);
    if (es.info() != Eigen::Success) return false;
    values.segment(p, size) = es.eigenvalues() / scale;
    V.block(p, p, size, size) = es.eigenvectors();
    return true;
  });
  if (!solved) return false;
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) order[std::size_t(i)] = i;
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index x, Eigen::Index y) { return values(x) < values(y); });
  lambda.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Eigen::Index c = order[std::size_t(i)];
    lambda(i) = values(c);
    for (std::size_t r = 0; r < rows.size(); ++r) W(Eigen::Index(r), i) = Eigen::numext::abs2(V(rows[r], c));
  }
  return true;
}

/// Eigenvalues of a Jacobi matrix with zero diagonal and off-diagonal e (size n - 1): they are 0 (n odd) and +-sigma
/// with sigma the singular values of a half-size bidiagonal matrix. Ordering the unknowns even/odd turns T into
/// [[0, B], [B^T, 0]], B^T upper bidiagonal with diagonal e_0, e_2, ... and superdiagonal e_1, e_3, ...: square
/// (m x m, m = n/2) for even n; for odd n it is m x (m + 1), and right Givens rotations chase its extra column out
/// (singular values unchanged). LAPACK's ?bdsqr without vectors (dqds, ?lasq1) on size n/2: several times cheaper
/// than ?sterf on size n, with high relative accuracy. Writes out (size n) ascending. Only for float/double with
/// LAPACK; returns false if not applicable or on non-convergence.
template <typename Real>
bool jacobiEigenvaluesZeroDiagonal(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e,
                                   Eigen::Matrix<Real, Eigen::Dynamic, 1>& out) {
#ifdef DPTZ_HAS_LAPACKE
  if constexpr (std::is_same<Real, float>::value || std::is_same<Real, double>::value) {
    using std::abs;
    using std::hypot;
    const Eigen::Index n = e.size() + 1, m = n / 2;
    out.setZero(n);
    if (m == 0) return true;
    Eigen::Matrix<Real, Eigen::Dynamic, 1> d(m), f(m);
    for (Eigen::Index j = 0; j < m; ++j) {
      d[j] = abs(e[2 * j]);
      if (2 * j + 1 < n - 1) f[j] = abs(e[2 * j + 1]);  // f[m-1] is the extra column's entry when n is odd
    }
    if (n % 2 == 1) {
      Real fill = f[m - 1];
      for (Eigen::Index j = m - 1; j >= 0 && fill != Real(0); --j) {
        const Real r = hypot(d[j], fill), c = d[j] / r, sn = fill / r;
        d[j] = r;
        if (j > 0) {
          fill = -sn * f[j - 1];
          f[j - 1] *= c;
        }
      }
    }
    if (lapack::bdsqrValues(lapack::Int(m), d.data(), f.data()) != 0) return false;
    for (Eigen::Index k = 0; k < m; ++k) {
      out[n - 1 - k] = d[k];
      out[k] = -d[k];
    }
    return true;
  }
#endif
  (void)e;
  (void)out;
  return false;
}

/// Scratch buffers of componentSweep for G lanes and size n.
template <typename Real, int G>
struct SweepWork {
  std::vector<Real> bottomUp, bottomUpInverse, topDown;  // pivots d-_j, 1/d-_j, d+_j: j-major (n x G)
  std::vector<int> exponent;                             // power-of-two exponents of the recorded components
  void resize(Eigen::Index n) {
    bottomUp.resize(std::size_t(n) * G);
    bottomUpInverse.resize(std::size_t(n) * G);
    topDown.resize(std::size_t(n) * G);
  }
};

/// A pivot of magnitude below pivmin is replaced by -pivmin (keeps every ratio below 1/pivmin).
template <typename Real>
Real guardedPivot(Real v, Real pivmin) {
  using std::abs;
  return abs(v) < pivmin ? -pivmin : v;
}

/// Bottom-up pivots d-_j of T - x I for G shifts, and their inverses (work.bottomUp, work.bottomUpInverse).
template <typename Real, int G>
void bottomUpPivots(const Real* alpha, const Real* beta2, Eigen::Index n, const Real* x, SweepWork<Real, G>& work) {
  const Real pivmin = pivotMinimum<Real>();
  Real* pivot = work.bottomUp.data();
  Real* inverse = work.bottomUpInverse.data();
  Real inv[G];
  for (int l = 0; l < G; ++l) {
    const Real v = guardedPivot(alpha[n - 1] - x[l], pivmin);
    pivot[(n - 1) * G + l] = v;
    inv[l] = Real(1) / v;
    inverse[(n - 1) * G + l] = inv[l];
  }
  for (Eigen::Index j = n - 2; j >= 0; --j) {
    const Real a = alpha[j], b2 = beta2[j];
    for (int l = 0; l < G; ++l) {
      const Real v = guardedPivot((a - x[l]) - b2 * inv[l], pivmin);
      pivot[j * G + l] = v;
      inv[l] = Real(1) / v;
      inverse[j * G + l] = inv[l];
    }
  }
}

/// Top-down pivots d+_j (work.topDown) and, per lane, the twist index r = argmin_j |gamma_j| with its twisted pivot
/// gamma_r = d+_r + d-_r - (alpha_r - x). Needs the bottom-up pivots.
template <typename Real, int G>
void topDownPivotsAndTwist(const Real* alpha, const Real* beta2, Eigen::Index n, const Real* x,
                           SweepWork<Real, G>& work, Eigen::Index* twist, Real* twistPivot) {
  using std::abs;
  const Real pivmin = pivotMinimum<Real>();
  const Real* bottomUp = work.bottomUp.data();
  Real* topDown = work.topDown.data();
  Real inv[G], smallest[G];
  for (int l = 0; l < G; ++l) {
    const Real shift = alpha[0] - x[l];
    const Real v = guardedPivot(shift, pivmin);
    topDown[l] = v;
    inv[l] = Real(1) / v;
    twistPivot[l] = v + bottomUp[l] - shift;
    smallest[l] = abs(twistPivot[l]);
    twist[l] = 0;
  }
  for (Eigen::Index j = 1; j < n; ++j) {
    const Real a = alpha[j], b2 = beta2[j - 1];
    for (int l = 0; l < G; ++l) {
      const Real shift = a - x[l];
      const Real v = guardedPivot(shift - b2 * inv[l], pivmin);
      topDown[j * G + l] = v;
      inv[l] = Real(1) / v;
      const Real gamma = v + bottomUp[j * G + l] - shift;
      const bool better = abs(gamma) < smallest[l];
      smallest[l] = better ? abs(gamma) : smallest[l];
      twistPivot[l] = better ? gamma : twistPivot[l];
      twist[l] = better ? j : twist[l];
    }
  }
}

/// The characteristic-polynomial form of the identity at G shifts x[0..G) for the Jacobi matrix (alpha, beta2 =
/// beta^2), n >= 2, scaled to norm ~1. Every beta2 should be well above pivotMinimum (T splits where it is not:
/// the callers treat that case); otherwise the products may overflow to inf, never to undefined behaviour. With top-down pivots d+_j and bottom-up pivots d-_j of T - x I (ratios of consecutive
/// leading / trailing block determinants), at an eigenvalue
///   w_j / w_{j-1} = p_{M_j} / p_{M_{j-1}} = d+_{j-1} / d-_j = (d+_{j-1})^2 / beta_{j-1}^2 = beta_{j-1}^2 / (d-_j)^2,
/// (p_{M_j} = p_{T[0:j)} p_{T(j:n)}, and d+_{j-1} d-_j = beta_{j-1}^2 at an eigenvalue). Off the eigenvalue the
/// three forms differ; each block polynomial is evaluated in its stable direction by twisting at the index r of the
/// smallest twisted pivot gamma_r = d+_r + d-_r - (alpha_r - x) (the largest component, as LAPACK's MRRR does): the
/// top-down form above r, the bottom-up form below. This keeps tiny components (tiny Gauss weights) accurate
/// relative to themselves. w_0 = 1 and the running product is renormalized by powers of two (no overflow); the sum
/// of the w_j is p_T'(x) / p_{M_0}(x) (docs/math.md, section Jacobi matrices and the characteristic-polynomial form).
/// Outputs per lane:
///   first[l]  = w_0 / sum_j w_j = |v(0)|^2,
///   delta[l]  = the Rayleigh correction gamma_r w_r / sum w: lambda ~ x + delta (converges quadratically; its
///               rounding error is below eps |T|),
///   if comps != nullptr, comps[j*G + l] = w_j / sum_j w_j for every j with (*wanted)[j] (all j if wanted is null).
template <typename Real, int G>
void componentSweep(const Real* alpha, const Real* beta2, Eigen::Index n, const Real* x, SweepWork<Real, G>& work,
                    Real* first, Real* delta, Real* comps, const std::vector<char>* wanted = nullptr) {
  bottomUpPivots<Real, G>(alpha, beta2, n, x, work);
  Eigen::Index twist[G];
  Real twistPivot[G];
  topDownPivotsAndTwist<Real, G>(alpha, beta2, n, x, work, twist, twistPivot);

  // Products of the ratios from w_0 = 1, renormalized by powers of two: true w_j = w * 2^scaleExponent.
  const Real big = rescaleThreshold<Real>();
  const Real* topDown = work.topDown.data();
  const Real* bottomUpInverse = work.bottomUpInverse.data();
  std::vector<int>& exponent = work.exponent;
  if (comps) exponent.assign(std::size_t(n) * G, 0);
  auto want = [wanted](Eigen::Index j) { return wanted == nullptr || (*wanted)[std::size_t(j)] != 0; };
  Real w[G], sum[G], atTwist[G];
  int scaleExponent[G];
  for (int l = 0; l < G; ++l) {
    w[l] = sum[l] = atTwist[l] = Real(1);
    scaleExponent[l] = 0;
    if (comps) comps[l] = Real(1);
  }
  for (Eigen::Index j = 1; j < n; ++j) {
    const Real b2 = beta2[j - 1], invB2 = Real(1) / b2;
    const Real* topDownPrev = topDown + (j - 1) * G;
    const Real* inverseHere = bottomUpInverse + j * G;
    bool rescale = false;
    for (int l = 0; l < G; ++l) {
      const Real fromAbove = topDownPrev[l] * topDownPrev[l] * invB2, fromBelow = b2 * inverseHere[l] * inverseHere[l];
      const Real wj = w[l] * (j <= twist[l] ? fromAbove : fromBelow);
      w[l] = wj;
      sum[l] += wj;
      atTwist[l] = j == twist[l] ? wj : atTwist[l];
      rescale |= wj > big;
    }
    if (rescale) {
      for (int l = 0; l < G; ++l) {
        if (!(w[l] > big) || !std::isfinite(w[l])) continue;  // an overflow (beta2 near underflow) stays inf
        const int e = std::ilogb(w[l]);
        w[l] = std::ldexp(w[l], -e);
        sum[l] = std::ldexp(sum[l], -e);
        if (j >= twist[l]) atTwist[l] = std::ldexp(atTwist[l], -e);
        scaleExponent[l] += e;
      }
    }
    if (comps && want(j))
      for (int l = 0; l < G; ++l) {
        comps[j * G + l] = w[l];
        exponent[std::size_t(j) * G + l] = scaleExponent[l];
      }
  }
  for (int l = 0; l < G; ++l) {
    first[l] = std::ldexp(Real(1) / sum[l], -scaleExponent[l]);
    delta[l] = twistPivot[l] * (atTwist[l] / sum[l]);
  }
  if (comps)
    for (Eigen::Index j = 0; j < n; ++j) {
      if (!want(j)) continue;
      for (int l = 0; l < G; ++l) {
        const std::size_t k = std::size_t(j) * G + l;
        comps[k] = std::ldexp(comps[k] / sum[l], exponent[k] - scaleExponent[l]);
      }
    }
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_JACOBI_MATRIX_HPP
