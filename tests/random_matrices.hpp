// Random Hermitian test matrices, shared by the tests and the benchmarks (no GoogleTest dependency).
#ifndef DPTZ_TEST_RANDOM_MATRICES_HPP
#define DPTZ_TEST_RANDOM_MATRICES_HPP

#include <complex>
#include <cstdint>
#include <random>

#include <Eigen/Core>

namespace dptz_test {

/// A standard normal real, or a complex number with independent standard normal parts (real part drawn first).
template <typename Scalar>
Scalar drawNormal(std::mt19937_64& g) {
  std::normal_distribution<double> d;
  if constexpr (Eigen::NumTraits<Scalar>::IsComplex) {
    using Real = typename Eigen::NumTraits<Scalar>::Real;
    const Real re = Real(d(g));
    const Real im = Real(d(g));
    return Scalar(re, im);
  } else {
    return Scalar(d(g));
  }
}

/// GOE / GUE-like random Hermitian matrix (fixed or dynamic MatrixType), exactly Hermitian: the lower triangle is
/// drawn column by column from g and mirrored, the diagonal is real.
template <typename MatrixType>
MatrixType randomHermitian(Eigen::Index n, std::mt19937_64& g) {
  using Scalar = typename MatrixType::Scalar;
  MatrixType A(n, n);
  for (Eigen::Index c = 0; c < n; ++c)
    for (Eigen::Index r = c; r < n; ++r) {
      Scalar x = drawNormal<Scalar>(g);
      if (r == c) x = Scalar(Eigen::numext::real(x));
      A(r, c) = x;
      A(c, r) = Eigen::numext::conj(x);
    }
  return A;
}

/// The same, dynamic size, from its own generator seeded with seed.
template <typename Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> randomHermitian(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  return randomHermitian<Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>>(n, g);
}

}  // namespace dptz_test

#endif  // DPTZ_TEST_RANDOM_MATRICES_HPP
