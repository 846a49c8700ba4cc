// dptz — eigenvectors with phases from eigenvalues only, through rotated minors (internal).
//
// With pivot p (largest projector diagonal of a cluster) rotate coordinates (p, k) by (e_p + e_k)/sqrt2 (and
// (e_p + i e_k)/sqrt2 for complex A) and apply the identity to the rotated matrix's minor at p: its projector diagonal
// gives Re and Im of P(k, p) = sum over the cluster of v_s(k) conj(v_s(p)) (docs/math.md, section "Phases"). A cluster
// of size m uses its m largest diagonal entries as pivots and gets an orthonormal basis of the span of those
// projector columns. Cost: (n - 1) (x2 complex) minor spectra per distinct pivot: O(P n^4), P <= n pivots.
#ifndef DPTZ_DETAIL_ROTATION_PHASES_HPP
#define DPTZ_DETAIL_ROTATION_PHASES_HPP

#include <algorithm>
#include <cmath>
#include <numeric>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "dense_identity.hpp"
#include "numerics.hpp"
#include "spectrum.hpp"

namespace dptz {
namespace detail {

template <typename Scalar>
Scalar fromParts(const typename Eigen::NumTraits<Scalar>::Real& re, const typename Eigen::NumTraits<Scalar>::Real& im) {
  if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
    return Scalar(re, im);
  else
    return (void)im, Scalar(re);
}

/// Pivots of each cluster: the cluster's size largest projector diagonals (abs2 = |V|^2, all rows).
template <typename RealMatrix, typename Runs>
std::vector<std::vector<Eigen::Index>> clusterPivots(const RealMatrix& abs2, const Runs& clusters) {
  const Eigen::Index n = abs2.rows();
  std::vector<std::vector<Eigen::Index>> pivots(clusters.size());
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  for (std::size_t c = 0; c < clusters.size(); ++c) {
    const Eigen::Index col = clusters[c].first;
    std::iota(order.begin(), order.end(), Eigen::Index(0));
    std::stable_sort(order.begin(), order.end(),
                     [&](Eigen::Index x, Eigen::Index y) { return abs2(x, col) > abs2(y, col); });
    pivots[c].assign(order.begin(), order.begin() + clusters[c].size);
  }
  return pivots;
}

/// Projector diagonals of the rotated minors: rotated(job, c) for job = (pivot index, k, real/imaginary part), the
/// identity's cluster sums for the rotation of coordinates (p, k). OpenMP over jobs. False on non-convergence.
template <typename Scalar, typename RealMatrix>
bool rotatedDiagonals(const DenseIdentity<Scalar>& dense, const std::vector<Eigen::Index>& pivotList, int nParts,
                      RealMatrix& rotated) {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using std::sqrt;
  const Eigen::Index n = dense.A.rows(), jobs = Eigen::Index(pivotList.size()) * n * nParts;
  rotated.resize(jobs, Eigen::Index(dense.clusters.size()));
  bool bad = false;
#ifdef _OPENMP
  const int nt = dense.threads > 0 ? dense.threads : omp_get_max_threads();
  // Built-in scalars only: multiprecision types keep thread-local state (mpfr's default precision).
  const bool parallel = std::is_arithmetic<Real>::value && jobs > 1 && n > 8;
#pragma omp parallel num_threads(nt) if (parallel) reduction(|| : bad)
#endif
  {
    HermitianEigenvalues<Scalar> eig(dense.useLapack);
    typename DenseIdentity<Scalar>::Matrix X, minor;
    typename DenseIdentity<Scalar>::RealVector mu;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
    for (Eigen::Index job = 0; job < jobs; ++job) {
      const Eigen::Index p = pivotList[std::size_t(job / (n * nParts))], k = (job / nParts) % n;
      if (k == p) continue;
      const Scalar alpha = job % nParts == 0 ? Scalar(1) : fromParts<Scalar>(Real(0), Real(1));
      const Real invSqrt2 = Real(1) / sqrt(Real(2));
      X = dense.A;
      X.col(k) = (dense.A.col(k) - Eigen::numext::conj(alpha) * dense.A.col(p)) * invSqrt2;
      X.row(k) = (X.row(k) - alpha * X.row(p)) * invSqrt2;
      extractMinor(X, p, minor);
      if (!eig.compute(minor, mu)) {
        bad = true;
        continue;
      }
      for (std::size_t c = 0; c < dense.clusters.size(); ++c)
        rotated(job, Eigen::Index(c)) = pairedProduct(dense.lambda, mu, dense.clusters[c]);
    }
  }
  return !bad;
}

/// Removes from y its components along columns [first, first + count) of V (twice: enough for orthogonality).
template <typename Matrix, typename Vector>
void orthogonalize(const Matrix& V, Eigen::Index first, Eigen::Index count, Vector& y) {
  for (int pass = 0; pass < 2; ++pass)
    for (Eigen::Index t = first; t < first + count; ++t) y -= V.col(t) * V.col(t).dot(y);
}

/// Unit eigenvectors V (n x n) with phases from eigenvalues only; abs2 holds all rows of |V|^2 (dense.allRows).
/// False on non-convergence.
template <typename Scalar, typename RealMatrix, typename Matrix>
bool eigenvectorsByRotations(const DenseIdentity<Scalar>& dense, const RealMatrix& abs2, Matrix& V) {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Vector = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using std::abs;
  using std::sqrt;
  const Eigen::Index n = dense.A.rows();
  const bool complex = Eigen::NumTraits<Scalar>::IsComplex;
  const int nParts = complex ? 2 : 1;
  const auto pivots = clusterPivots(abs2, dense.clusters);
  std::vector<Eigen::Index> pivotList;
  for (const auto& ps : pivots) pivotList.insert(pivotList.end(), ps.begin(), ps.end());
  std::sort(pivotList.begin(), pivotList.end());
  pivotList.erase(std::unique(pivotList.begin(), pivotList.end()), pivotList.end());
  RealMatrix rotated;
  if (!rotatedDiagonals(dense, pivotList, nParts, rotated)) return false;
  V.resize(n, n);
  for (std::size_t c = 0; c < dense.clusters.size(); ++c) {
    const auto& cl = dense.clusters[c];
    const Real m = Real(cl.size);
    Eigen::Index found = 0;
    for (Eigen::Index p : pivots[c]) {  // projector column P(:, p) = sum_s v_s conj(v_s(p)), then normalized
      const Eigen::Index pi = Eigen::Index(std::lower_bound(pivotList.begin(), pivotList.end(), p) - pivotList.begin());
      const Real pivotDiagonal = abs2(p, cl.first) * m;
      Vector y(n);
      for (Eigen::Index k = 0; k < n; ++k) {
        if (k == p) {
          y(k) = Scalar(pivotDiagonal);
          continue;
        }
        const Real half = (pivotDiagonal + abs2(k, cl.first) * m) / Real(2);
        const Real re = rotated((pi * n + k) * nParts, Eigen::Index(c)) - half;
        const Real im = complex ? rotated((pi * n + k) * nParts + 1, Eigen::Index(c)) - half : Real(0);
        y(k) = fromParts<Scalar>(re, im);
      }
      if (cl.size == 1) {  // moduli from the identity, phases from the projector column
        for (Eigen::Index k = 0; k < n; ++k) {
          const Real modulus = sqrt(abs2(k, cl.first)), ay = abs(y(k));
          y(k) = ay > Real(0) ? y(k) * (modulus / ay) : Scalar(modulus);
        }
      }
      orthogonalize(V, cl.first, found, y);
      const Real nrm = y.norm();
      if (nrm > Real(0) && found < cl.size) V.col(cl.first + found++) = y / nrm;
    }
    for (Eigen::Index k = 0; found < cl.size && k < n; ++k) {  // dependent projector columns: complete the basis
      Vector y = Vector::Unit(n, k);
      orthogonalize(V, 0, cl.first + found, y);
      const Real nrm = y.norm();
      if (nrm > Real(0.5)) V.col(cl.first + found++) = y / nrm;
    }
  }
  return true;
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_ROTATION_PHASES_HPP
