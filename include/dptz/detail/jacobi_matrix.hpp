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

#include "../config.hpp"
#include "lapack.hpp"
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

/// Eigenvalues (ascending) of the symmetric tridiagonal matrix with diagonal d and off-diagonal e, via LAPACK's
/// ?sterf where it applies (float, double, backend not Eigen) and Eigen's tridiagonal QR otherwise. Returns false on
/// non-convergence.
template <typename Real>
bool tridiagonalEigenvalues(const Eigen::Matrix<Real, Eigen::Dynamic, 1>& d,
                            const Eigen::Matrix<Real, Eigen::Dynamic, 1>& e, Backend backend,
                            Eigen::Matrix<Real, Eigen::Dynamic, 1>& out) {
  const Eigen::Index n = d.size();
  out = d;
  if (n <= 1) return true;
#ifdef DPTZ_HAS_LAPACKE
  if constexpr (std::is_same<Real, float>::value || std::is_same<Real, double>::value) {
    if (backend != Backend::Eigen) {
      Eigen::Matrix<Real, Eigen::Dynamic, 1> ework = e;
      return lapack::sterf(lapack::Int(n), out.data(), ework.data()) == 0;
    }
  }
#endif
  (void)backend;
  using Matrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  Eigen::SelfAdjointEigenSolver<Matrix> es;
  es.computeFromTridiagonal(d, e, Eigen::EigenvaluesOnly);
  if (es.info() != Eigen::Success) return false;
  out = es.eigenvalues();
  return true;
}

/// Scratch buffers of componentSweep for G lanes and size n.
template <typename Real, int G>
struct SweepWork {
  std::vector<Real> dm, invdm;  // bottom-up pivots and their inverses, j-major (n x G)
  void resize(Eigen::Index n) {
    dm.resize(std::size_t(n) * G);
    invdm.resize(std::size_t(n) * G);
  }
};

/// The characteristic-polynomial form of the identity at G shifts x[0..G) for the Jacobi matrix (alpha, beta2 =
/// beta^2), n >= 2. With top-down pivots d+_j and bottom-up pivots d-_j of T - x I,
///   w_j / w_{j-1} = p_{M_j}(x) / p_{M_{j-1}}(x) = d+_{j-1} / d-_j,
/// since p_{M_j} = p_{T[0:j)} p_{T(j:n)} and the pivots are ratios of consecutive block determinants. w_0 = 1 and
/// the running product is renormalized by powers of two (exponent E, w_j true = w_j 2^(E_j)), so nothing overflows;
/// the sum of all w_j is p_T'(x) in the same scale. Outputs per lane:
///   first[l]  = w_0 / sum_j w_j = |v(0)|^2 at an eigenvalue,
///   delta[l]  = the Rayleigh correction gamma_r w_r / sum w at the largest component r (gamma_r = d+_r + d-_r -
///               (alpha_r - x) = 1/[(T - x I)^{-1}]_rr): lambda ~ x + delta (the MRRR correction; it converges
///               quadratically and its rounding error is below eps |T|),
///   if comps != nullptr, comps[j*G + l] = w_j / sum_j w_j for all j (|v(j)|^2 at an eigenvalue).
/// Ratios use absolute values: at an eigenvalue all p_{M_j} share one sign; a tiny component whose sign rounding
/// flipped keeps its magnitude.
template <typename Real, int G>
void componentSweep(const Real* alpha, const Real* beta2, Eigen::Index n, const Real* x, SweepWork<Real, G>& work,
                    Real* first, Real* delta, Real* comps) {
  using std::abs;
  const Real pivmin = pivotMinimum<Real>(), big = rescaleThreshold<Real>();
  Real* dm = work.dm.data();
  Real* invdm = work.invdm.data();
  Real inv[G];
  for (int l = 0; l < G; ++l) {
    Real v = alpha[n - 1] - x[l];
    if (abs(v) < pivmin) v = -pivmin;
    dm[(n - 1) * G + l] = v;
    inv[l] = Real(1) / v;
    invdm[(n - 1) * G + l] = inv[l];
  }
  for (Eigen::Index j = n - 2; j >= 0; --j) {
    const Real a = alpha[j], b2 = beta2[j];
    Real* dmj = dm + j * G;
    Real* invj = invdm + j * G;
    for (int l = 0; l < G; ++l) {
      Real v = (a - x[l]) - b2 * inv[l];
      if (abs(v) < pivmin) v = -pivmin;
      dmj[l] = v;
      inv[l] = Real(1) / v;
      invj[l] = inv[l];
    }
  }
  // Top-down: d+_0 = alpha_0 - x; gamma_j = d+_j + d-_j - (alpha_j - x).
  Real dp[G], w[G], sum[G], bestW[G], bestGamma[G];
  std::vector<int> expo;  // per (j, lane) exponent when all components are wanted
  int E[G];
  if (comps) expo.assign(std::size_t(n) * G, 0);
  for (int l = 0; l < G; ++l) {
    const Real shift = alpha[0] - x[l];
    Real v = shift;
    if (abs(v) < pivmin) v = -pivmin;
    dp[l] = v;
    w[l] = Real(1);
    sum[l] = Real(1);
    bestW[l] = Real(1);
    bestGamma[l] = v + dm[l] - shift;
    E[l] = 0;
    if (comps) comps[l] = Real(1);
  }
  for (Eigen::Index j = 1; j < n; ++j) {
    const Real a = alpha[j], b2 = beta2[j - 1];
    const Real* dmj = dm + j * G;
    const Real* invj = invdm + j * G;
    bool rescale = false;
    for (int l = 0; l < G; ++l) {
      const Real shift = a - x[l];
      const Real wj = w[l] * abs(dp[l] * invj[l]);
      Real v = shift - b2 / dp[l];
      if (abs(v) < pivmin) v = -pivmin;
      dp[l] = v;
      w[l] = wj;
      sum[l] += wj;
      const bool better = wj > bestW[l];
      bestW[l] = better ? wj : bestW[l];
      bestGamma[l] = better ? (v + dmj[l] - shift) : bestGamma[l];
      rescale |= wj > big;
    }
    if (rescale) {
      for (int l = 0; l < G; ++l) {
        if (!(w[l] > big)) continue;
        const int e = std::ilogb(w[l]);
        w[l] = std::ldexp(w[l], -e);
        sum[l] = std::ldexp(sum[l], -e);
        bestW[l] = std::ldexp(bestW[l], -e);
        E[l] += e;
      }
    }
    if (comps)
      for (int l = 0; l < G; ++l) {
        comps[j * G + l] = w[l];
        expo[std::size_t(j) * G + l] = E[l];
      }
  }
  for (int l = 0; l < G; ++l) {
    first[l] = std::ldexp(Real(1) / sum[l], -E[l]);
    delta[l] = bestGamma[l] * (bestW[l] / sum[l]);
  }
  if (comps)
    for (Eigen::Index j = 0; j < n; ++j)
      for (int l = 0; l < G; ++l) {
        const std::size_t k = std::size_t(j) * G + l;
        comps[k] = std::ldexp(comps[k] / sum[l], expo[k] - E[l]);
      }
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_JACOBI_MATRIX_HPP
