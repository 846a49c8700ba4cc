// dptz — |V|^2 of a dense Hermitian matrix from eigenvalues of the matrix and of its minors.
#ifndef DPTZ_EIGENVECTORS_ABS2_HPP
#define DPTZ_EIGENVECTORS_ABS2_HPP

#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "detail/dense_identity.hpp"
#include "detail/spectrum.hpp"
#include "detail/validate.hpp"
#include "small.hpp"
#include "types.hpp"

namespace dptz {

namespace detail {

/// The result type of eigenvectorsAbs2(A): fixed size N x N for fixed-size 2x2 / 3x3 input of a standard scalar
/// (closed form, no heap allocation), dynamic otherwise.
template <typename Derived, bool Small = IsSmallFixed<Derived>::value>
struct Abs2Result {
  using type = Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic>;
};
template <typename Derived>
struct Abs2Result<Derived, true> {
  using type = Eigen::Matrix<typename Derived::RealScalar, Derived::RowsAtCompileTime, Derived::RowsAtCompileTime>;
};

[[noreturn]] inline void throwNotConverged(const char* where, const char* what) {
  throw NumericalError(std::string(where) + ": " + what + " did not converge");
}

}  // namespace detail

/// |V|^2 of a Hermitian matrix from eigenvalues alone: W(j, i) = |v_i(j)|^2, eigenvalues ascending.
///
/// Computes eig(A) and the n minor spectra eig(M_j) (M_j: A without row and column j) and applies the identity
/// (docs/math.md, section "The identity") in its stable paired form. Numerically equal eigenvalues (closer than
/// options.clusterTolerance ||A||_2, default n eps ||A||_2) form a cluster whose members share the cluster's
/// projector diagonal equally. Rows and columns sum to 1 to rounding (docs/math.md, section "Column scaling"); every
/// entry lies in [0, 1]; never NaN or Inf for finite Hermitian input. Fixed-size 2x2 and 3x3 input of float,
/// double or std::complex (with Backend::Default) takes the closed form of small.hpp and returns a fixed-size matrix
/// without heap allocation.
///
/// @param A Hermitian matrix (any Eigen expression; the lower triangle is used, the upper one checked)
/// @param options backend, cluster tolerance, OpenMP threads (results never depend on the thread count)
/// @return n x n matrix W with W(j, i) = |v_i(j)|^2
/// @throws std::invalid_argument on non-square, empty, non-finite or non-Hermitian input (beyond 100 n eps
///         max|A_ij|), a NaN cluster tolerance, or Backend::Lapack where LAPACK does not apply
/// @throws dptz::NumericalError if an eigensolve does not converge
/// Complexity: n + 1 Hermitian eigensolves without vectors, O(n^4); OpenMP over the minors.
/// Accuracy: each entry to about eps ||A||_2 / gap_i (gap_i: distance from lambda_i to the rest of the spectrum).
template <typename Derived>
typename detail::Abs2Result<Derived>::type eigenvectorsAbs2(const Eigen::MatrixBase<Derived>& A,
                                                           const Abs2Options& options = Abs2Options()) {
  using Scalar = typename Derived::Scalar;
  constexpr const char* where = "dptz::eigenvectorsAbs2";
  if (!(options.clusterTolerance == options.clusterTolerance)) detail::fail(where, "clusterTolerance is NaN");
  if constexpr (detail::IsSmallFixed<Derived>::value) {
    if (options.backend == Backend::Default) return detail::smallAbs2(where, A, options.clusterTolerance);
  }
  auto scaled = detail::checkedScaledCopy(where, A);
  const bool lapack = detail::useLapack<Scalar>(where, options.backend, scaled.rows());
  detail::DenseIdentity<Scalar> dense(std::move(scaled), lapack, options.threads);
  if (!dense.computeEigenvalues()) detail::throwNotConverged(where, "eigenvalues of A");
  dense.setClusters(options.clusterTolerance);
  typename detail::Abs2Result<Derived>::type W;
  if (!dense.allRows(W)) detail::throwNotConverged(where, "eigenvalues of a minor");
  return W;
}

/// Only the rows listed in `rows` of |V|^2 (any order, repeats allowed): a rows.size() x n matrix.
///
/// Each row costs one Householder tridiagonalization that keeps that coordinate fixed plus O(n^2) (eig(A) is
/// shared): one row is about the price of the eigenvalues alone. Each row sums to 1 to rounding, entries lie in
/// [0, 1]; rows agree with the all-rows result to its accuracy.
///
/// @param A Hermitian matrix (any Eigen expression)
/// @param rows row indices in [0, n)
/// @param options backend, cluster tolerance, OpenMP threads over rows
/// @return W with W(r, i) = |v_i(rows[r])|^2
/// @throws std::invalid_argument on bad input (as the all-rows overload) or a row index out of range
/// @throws dptz::NumericalError if an eigensolve does not converge
/// Complexity: (4/3 + O(1/n)) n^3 real flops per row (4x that for complex), plus O(n^2).
/// Accuracy: each entry to about eps ||A||_2 / gap_i.
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic> eigenvectorsAbs2(
    const Eigen::MatrixBase<Derived>& A, const std::vector<Eigen::Index>& rows,
    const Abs2Options& options = Abs2Options()) {
  using Scalar = typename Derived::Scalar;
  constexpr const char* where = "dptz::eigenvectorsAbs2";
  if (!(options.clusterTolerance == options.clusterTolerance)) detail::fail(where, "clusterTolerance is NaN");
  auto scaled = detail::checkedScaledCopy(where, A);
  for (Eigen::Index j : rows) detail::checkIndex(where, "row index", j, scaled.rows());
  const bool lapack = detail::useLapack<Scalar>(where, options.backend, scaled.rows());
  detail::DenseIdentity<Scalar> dense(std::move(scaled), lapack, options.threads);
  Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic> W;
  if (!detail::abs2RowsByTridiagonalization(dense, options.clusterTolerance, rows, W))
    detail::throwNotConverged(where, "eigenvalues of the tridiagonal form");
  return W;
}

}  // namespace dptz

#endif  // DPTZ_EIGENVECTORS_ABS2_HPP
