// dptz — input checks shared by every entry point (internal). Each throws std::invalid_argument whose message
// starts with the caller's name and says what is wrong and where.
#ifndef DPTZ_DETAIL_VALIDATE_HPP
#define DPTZ_DETAIL_VALIDATE_HPP

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <sstream>
#include <stdexcept>
#include <string>

#include <Eigen/Core>

#include "numerics.hpp"

namespace dptz {
namespace detail {

template <typename... Parts>
[[noreturn]] void fail(const char* where, const Parts&... parts) {
  std::ostringstream os;
  os.precision(6);
  os << where << ": ";
  (void)std::initializer_list<int>{((os << parts), 0)...};
  throw std::invalid_argument(os.str());
}

template <typename Scalar>
bool isFinite(const Scalar& x) {
  using std::isfinite;
  return isfinite(Eigen::numext::real(x)) && isfinite(Eigen::numext::imag(x));
}

/// Square, non-empty, every entry finite.
template <typename Derived>
void checkSquareFinite(const char* where, const Eigen::MatrixBase<Derived>& A) {
  if (A.rows() != A.cols()) fail(where, "matrix must be square, got ", A.rows(), " x ", A.cols());
  if (A.rows() == 0) fail(where, "matrix is empty (0 x 0)");
  if (A.derived().allFinite()) return;  // vectorized; the loop below only runs to say where
  for (Eigen::Index c = 0; c < A.cols(); ++c)
    for (Eigen::Index r = 0; r < A.rows(); ++r)
      if (!isFinite(A.coeff(r, c))) fail(where, "entry A(", r, ", ", c, ") is not finite (", A.coeff(r, c), ")");
}

/// Relative tolerance of the Hermitian check: 100 n eps times the largest entry. Solvers read only the lower
/// triangle, so an asymmetry this small changes nothing a backward-stable solver would not.
template <typename Real>
Real hermitianTolerance(Eigen::Index n) {
  return Real(100) * Real(n) * Eigen::NumTraits<Real>::epsilon();
}

/// |A(i,j) - conj(A(j,i))| within tolerance relative to max |A(i,j)| (the diagonal must be real to that tolerance).
/// Call after checkSquareFinite. Returns max |A(i,j)|.
template <typename Derived>
typename Derived::RealScalar checkHermitian(const char* where, const Eigen::MatrixBase<Derived>& A) {
  using Real = typename Derived::RealScalar;
  using std::abs;
  const Eigen::Index n = A.rows();
  // Compared in units scaled by a power of two (exact) that bring the largest component to ~1: complex moduli and
  // differences of entries near the largest finite value would overflow (and an infinite tolerance pass anything).
  const Real s = powerOfTwoScale(largestComponent(A));
  const Real maxScaled = (A * s).cwiseAbs().maxCoeff();
  const Real tol = hermitianTolerance<Real>(n) * maxScaled;
  // Compare the lower triangle with the upper one tile by tile: reading A(c, r) along r is a strided walk that
  // misses the cache on every entry for large n.
  constexpr Eigen::Index tile = 32;
  Real worst(0);
  Eigen::Index wr = 0, wc = 0;
  for (Eigen::Index c0 = 0; c0 < n; c0 += tile)
    for (Eigen::Index r0 = c0; r0 < n; r0 += tile) {
      const Eigen::Index nc = (std::min)(tile, n - c0), nr = (std::min)(tile, n - r0);
      for (Eigen::Index c = c0; c < c0 + nc; ++c)
        for (Eigen::Index r = (std::max)(r0, c); r < r0 + nr; ++r) {
          const Real d = abs(A.coeff(r, c) * s - Eigen::numext::conj(A.coeff(c, r) * s));
          if (d > worst) worst = d, wr = r, wc = c;
        }
    }
  if (worst > tol)
    fail(where, "matrix is not Hermitian: |A(", wr, ", ", wc, ") - conj(A(", wc, ", ", wr, "))| = ", worst / s,
         " exceeds the tolerance ", tol / s, " (100 n eps max|A_ij|, max|A_ij| = ", maxScaled / s, ")");
  // max|A_ij| for the callers' scaling, finite even where a complex modulus overflows
  return (std::min)(Real(maxScaled / s), Eigen::NumTraits<Real>::highest());
}

/// Real vector: finite entries, ascending order.
template <typename Derived>
void checkAscending(const char* where, const char* name, const Eigen::MatrixBase<Derived>& v) {
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    if (!isFinite(v.coeff(i))) fail(where, name, "(", i, ") is not finite (", v.coeff(i), ")");
    if (i > 0 && v.coeff(i) < v.coeff(i - 1))
      fail(where, name, " must be ascending, but ", name, "(", i, ") = ", v.coeff(i), " < ", name, "(", i - 1,
           ") = ", v.coeff(i - 1));
  }
}

inline void checkIndex(const char* where, const char* what, Eigen::Index j, Eigen::Index n) {
  if (j < 0 || j >= n) fail(where, what, " ", j, " is out of range [0, ", n, ")");
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_VALIDATE_HPP
