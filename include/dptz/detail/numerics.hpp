// dptz — numerics shared by every path (internal): the identity's stable paired product, exact power-of-two
// scaling, clamping to [0, 1].
#ifndef DPTZ_DETAIL_NUMERICS_HPP
#define DPTZ_DETAIL_NUMERICS_HPP

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

namespace dptz {
namespace detail {

template <typename Real>
Real clamp01(const Real& x) {
  return x < Real(0) ? Real(0) : (x > Real(1) ? Real(1) : x);
}

/// The absolute cluster tolerance for a relative one (negative: the default n eps) and norm = max|lambda|. An
/// infinite relative tolerance stays infinite, one cluster, also for the zero matrix (where inf * 0 is NaN).
template <typename Real>
Real absoluteClusterTolerance(double relTol, Eigen::Index n, const Real& norm) {
  if (relTol < 0) return Real(n) * std::numeric_limits<Real>::epsilon() * norm;
  if (relTol == std::numeric_limits<double>::infinity()) return std::numeric_limits<Real>::infinity();
  return Real(relTol) * norm;
}

/// Ascending runs of lambda whose consecutive gaps are <= tol, as (first, size) pairs into out (storage reused).
template <typename Vector, typename ClusterT>
void findRuns(const Vector& lambda, typename Vector::Scalar tol, std::vector<ClusterT>& out) {
  out.clear();
  for (Eigen::Index i = 0; i < lambda.size(); ++i) {
    if (i > 0 && lambda.coeff(i) - lambda.coeff(i - 1) <= tol)
      ++out.back().size;
    else
      out.push_back(ClusterT{i, 1});
  }
}

/// The identity for one cluster c (fields first, size) of the ascending spectrum lambda, with mu = eig(M_j)
/// ascending: the sum of |v_s(j)|^2 over the cluster, i.e. the diagonal entry j of the cluster's spectral
/// projector. Every numerator factor (x - mu_k) is paired with a denominator factor (x - lambda_k) so that each
/// ratio lies in [0, 1] by interlacing: the product cannot overflow or underflow needlessly. The c.size - 1 minor
/// eigenvalues pinned inside the cluster are skipped (docs/math.md, sections "Stable paired product" and "Clusters
/// and the projector diagonal").
template <typename LambdaT, typename MuT, typename ClusterT>
typename LambdaT::Scalar pairedProduct(const LambdaT& lambda, const MuT& mu, const ClusterT& c) {
  using Real = typename LambdaT::Scalar;
  const Eigen::Index n = lambda.size(), last = c.first + c.size - 1;
  const Real x = (lambda.coeff(c.first) + lambda.coeff(last)) / Real(2);
  // Array form: Eigen vectorizes the divisions and the product (a scalar loop is bound by the multiply chain).
  const auto below = ((x - mu.head(c.first).array()) / (x - lambda.head(c.first).array())).cwiseMax(Real(0));
  const Eigen::Index m = n - 1 - last;
  const auto above = ((mu.segment(last, m).array() - x) / (lambda.segment(last + 1, m).array() - x)).cwiseMax(Real(0));
  return below.cwiseMin(Real(1)).prod() * above.cwiseMin(Real(1)).prod();
}

/// The identity summed over a group g (fields first, size) of close eigenvalues: sum over g of |v_s(j)|^2 =
/// h[lambda_g], the divided difference over the group's eigenvalues of h(x) = prod_k (x - mu_k) / prod_{r outside g}
/// (x - lambda_r). It is evaluated as entry (0, size - 1) of h(J), J the bidiagonal matrix with the group's
/// eigenvalues on its diagonal and ones above it, one factor at a time on a row vector: no difference of two group
/// members is ever divided by, so the sum is accurate to eps ||A|| / (gap to the rest) however close the members are
/// (the cluster formula treats them as one point, error ~ width / gap). The size - 1 minor eigenvalues inside come
/// first (their product is the leading coefficient 1 plus terms of order width), then the pairs of pairedProduct.
template <typename LambdaT, typename MuT, typename RunT>
typename LambdaT::Scalar groupProduct(const LambdaT& lambda, const MuT& mu, const RunT& g) {
  using Real = typename LambdaT::Scalar;
  const Eigen::Index n = lambda.size(), m = g.size, last = g.first + m - 1;
  const auto x = lambda.segment(g.first, m);
  Eigen::Matrix<Real, Eigen::Dynamic, 1> v = Eigen::Matrix<Real, Eigen::Dynamic, 1>::Zero(m);
  v(0) = Real(1);
  auto times = [&](const Real& a) {  // v <- v (J - a I)
    for (Eigen::Index i = m - 1; i > 0; --i) v(i) = v(i) * (x.coeff(i) - a) + v(i - 1);
    v(0) *= x.coeff(0) - a;
  };
  auto divide = [&](const Real& b) {  // v <- v (J - b I)^-1
    Real previous(0);
    for (Eigen::Index i = 0; i < m; ++i) previous = v(i) = (v(i) - previous) / (x.coeff(i) - b);
  };
  for (Eigen::Index k = g.first; k < last; ++k) times(mu.coeff(k));
  for (Eigen::Index k = 0; k < g.first; ++k) times(mu.coeff(k)), divide(lambda.coeff(k));
  for (Eigen::Index k = last; k < n - 1; ++k) times(mu.coeff(k)), divide(lambda.coeff(k + 1));
  return v(m - 1);
}

/// Row j of |V|^2 from lambda and mu = eig(M_j), clusters already found: each member gets P_jj / size.
template <typename LambdaT, typename MuT, typename Clusters, typename OutT>
void abs2Row(const LambdaT& lambda, const MuT& mu, const Clusters& clusters, OutT&& out) {
  using Real = typename LambdaT::Scalar;
  for (const auto& c : clusters) {
    const Real share = pairedProduct(lambda, mu, c) / Real(c.size);
    for (Eigen::Index s = 0; s < c.size; ++s) out.coeffRef(c.first + s) = share;
  }
}

/// Largest real or imaginary part in magnitude: finite for every finite vector (the modulus of an entry may not
/// be: |DBL_MAX + DBL_MAX i| overflows), and within sqrt(2) of the largest modulus.
template <typename Derived>
typename Derived::RealScalar largestComponent(const Eigen::MatrixBase<Derived>& v) {
  using Real = typename Derived::RealScalar;
  if (v.size() == 0) return Real(0);
  if constexpr (Eigen::NumTraits<typename Derived::Scalar>::IsComplex)
    return (std::max)(Real(v.real().cwiseAbs().maxCoeff()), Real(v.imag().cwiseAbs().maxCoeff()));
  else
    return Real(v.cwiseAbs().maxCoeff());
}

/// 2^-e with 2^e ~ maxAbs: an exact scaling that brings a spectrum to O(1), so no difference of eigenvalues
/// overflows (docs/math.md, section "Accuracy"). Types with a huge exponent range (e.g. mpfr::mpreal) need none.
template <typename Real>
Real powerOfTwoScale(const Real& maxAbs) {
  if constexpr (std::is_floating_point<Real>::value) {
    if (!(maxAbs > Real(0))) return Real(1);
    int e = 0;
    std::frexp(maxAbs, &e);
    // A subnormal maxAbs would ask for 2^-e beyond the largest finite power of two (inf, then NaN entries).
    return std::ldexp(Real(1), (std::min)(-e, std::numeric_limits<Real>::max_exponent - 1));
  } else {
    (void)maxAbs;
    return Real(1);
  }
}

/// The exponent k that brings maxAbs to [2^(max_exponent - 5), 2^(max_exponent - 4)) by x * 2^k; 0 for types
/// without a fixed exponent range (e.g. mpfr::mpreal) and for maxAbs = 0.
template <typename Real>
int headroomExponent(const Real& maxAbs) {
  if constexpr (std::is_floating_point<Real>::value) {
    if (!(maxAbs > Real(0))) return 0;
    int e = 0;
    std::frexp(maxAbs, &e);
    return std::numeric_limits<Real>::max_exponent - 4 - e;
  } else {
    (void)maxAbs;
    return 0;
  }
}

/// x * 2^k, exact while the result is normal; x itself for types without a binary exponent. k may exceed the
/// exponent range of one power of two (std::ldexp scales in steps).
template <typename Real>
Real timesPowerOfTwo(const Real& x, int k) {
  if constexpr (std::is_floating_point<Real>::value) {
    return std::ldexp(x, k);
  } else {
    (void)k;
    return x;
  }
}

/// x 2^e for a real or complex scalar (real and imaginary parts); exact unless a part leaves the normal range.
template <typename Scalar>
Scalar scalarTimesPowerOfTwo(const Scalar& x, int e) {
  if constexpr (Eigen::NumTraits<Scalar>::IsComplex) {
    return Scalar(timesPowerOfTwo(x.real(), e), timesPowerOfTwo(x.imag(), e));
  } else {
    return timesPowerOfTwo(x, e);
  }
}

/// v 2^e coefficient by coefficient.
template <typename Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, 1> vectorTimesPowerOfTwo(const Eigen::MatrixBase<Derived>& v,
                                                                                  int e) {
  Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, 1> out(v.size());
  for (Eigen::Index i = 0; i < v.size(); ++i) out[i] = scalarTimesPowerOfTwo(v.coeff(i), e);
  return out;
}

/// Distance from the run [first, first + size) of the ascending lambda to the nearest eigenvalue outside it (the
/// largest finite value when the run is the whole spectrum).
template <typename LambdaT>
typename LambdaT::Scalar outsideGap(const LambdaT& lambda, Eigen::Index first, Eigen::Index size) {
  using Real = typename LambdaT::Scalar;
  const Eigen::Index last = first + size - 1;
  Real gap = Eigen::NumTraits<Real>::highest();
  if (first > 0) gap = (std::min)(gap, Real(lambda(first) - lambda(first - 1)));
  if (last + 1 < lambda.size()) gap = (std::min)(gap, Real(lambda(last + 1) - lambda(last)));
  return gap;
}

/// 1 / (distance from lambda_i's cluster to the nearest eigenvalue outside it), the distance floored at the cluster
/// tolerance (and at eps max|lambda|): entry i of a row of |V|^2 from the identity carries an error of about
/// w_i eps ||A|| times it. A cluster's members share its projector diagonal, whose error is set by the gap to the
/// rest of the spectrum, not by the (zero) gaps inside.
template <typename LambdaT, typename Runs, typename Real>
Eigen::Array<Real, Eigen::Dynamic, 1> inverseGaps(const LambdaT& lambda, const Runs& clusters, const Real& clusterTol) {
  const Eigen::Index n = lambda.size();
  const Real norm = n > 0 ? Real(lambda.cwiseAbs().maxCoeff()) : Real(0);
  Real floor = (std::max)(clusterTol, Eigen::NumTraits<Real>::epsilon() * norm);
  if (!(floor > Real(0))) floor = Real(1);
  Eigen::Array<Real, Eigen::Dynamic, 1> inv(n);
  for (const auto& c : clusters)
    inv.segment(c.first, c.size).setConstant(Real(1) / (std::max)(Real(outsideGap(lambda, c.first, c.size)), floor));
  return inv;
}

/// Each row of W to sum 1 (rows computed one by one cannot be column-scaled). Entry i carries an error of about
/// w_i eps ||A|| / gap_i (invGap: DenseIdentity::rowSumInverseGaps), so the row's deficit 1 - sum is spread in
/// proportion to the squares of those estimates (the least-squares correction): a close pair evaluated member by
/// member absorbs what it lost, and well separated entries keep their accuracy instead of inheriting the pair's
/// eps / gap. Entries stay in [0, 1].
template <typename OutT>
void normalizeRows(OutT& W, const Eigen::Array<typename OutT::Scalar, Eigen::Dynamic, 1>& invGap) {
  using Real = typename OutT::Scalar;
  for (Eigen::Index r = 0; r < W.rows(); ++r) {
    const Real s = W.row(r).sum();
    const Eigen::Array<Real, Eigen::Dynamic, 1> err2 = (W.row(r).transpose().array() * invGap).square();
    const Real total = err2.sum();
    if (total > Real(0) && total <= Eigen::NumTraits<Real>::highest())
      W.row(r) += ((Real(1) - s) / total) * err2.matrix().transpose();
    else if (s > Real(0))
      W.row(r) /= s;
  }
  W = W.cwiseMax(Real(0)).cwiseMin(Real(1));
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_NUMERICS_HPP
