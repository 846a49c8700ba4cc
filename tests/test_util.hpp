// Shared helpers for the tests: random Hermitian matrices, references, error measures.
#ifndef DPTZ_TEST_UTIL_HPP
#define DPTZ_TEST_UTIL_HPP

#include <complex>
#include <random>
#include <string>
#include <type_traits>

#include <Eigen/Dense>
#include <gtest/gtest.h>

namespace dptz_test {

template <typename Scalar>
struct Rand {
  static Scalar draw(std::mt19937_64& g) {
    std::normal_distribution<double> d;
    return Scalar(d(g));
  }
};
template <typename R>
struct Rand<std::complex<R>> {
  static std::complex<R> draw(std::mt19937_64& g) {
    std::normal_distribution<double> d;
    return {R(d(g)), R(d(g))};
  }
};

/// GOE / GUE-like random Hermitian matrix (exactly Hermitian: built from the lower triangle).
template <typename Scalar>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> randomHermitian(Eigen::Index n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> A(n, n);
  for (Eigen::Index c = 0; c < n; ++c)
    for (Eigen::Index r = c; r < n; ++r) {
      Scalar x = Rand<Scalar>::draw(g);
      if (r == c) x = Scalar(Eigen::numext::real(x));
      A(r, c) = x;
      A(c, r) = Eigen::numext::conj(x);
    }
  return A;
}

/// Hermitian matrix Q diag(lambda) Q^* with a random unitary Q (Householder QR of a random matrix), exactly
/// Hermitian by symmetrization.
template <typename Scalar, typename Vec>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> withSpectrum(const Vec& lambda, std::uint64_t seed) {
  using M = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = lambda.size();
  std::mt19937_64 g(seed);
  M X(n, n);
  for (Eigen::Index c = 0; c < n; ++c)
    for (Eigen::Index r = 0; r < n; ++r) X(r, c) = Rand<Scalar>::draw(g);
  const M Q = Eigen::HouseholderQR<M>(X).householderQ();
  M A = Q * lambda.template cast<Scalar>().asDiagonal() * Q.adjoint();
  const M H = (A + A.adjoint()) / typename Eigen::NumTraits<Scalar>::Real(2);
  return H;
}

/// |V|^2 from Eigen's solver in long double (real or complex): the higher-precision reference for double.
template <typename Derived>
Eigen::MatrixXd referenceAbs2LongDouble(const Eigen::MatrixBase<Derived>& A) {
  using S = typename Derived::Scalar;
  using SL = typename std::conditional<Eigen::NumTraits<S>::IsComplex, std::complex<long double>, long double>::type;
  using ML = Eigen::Matrix<SL, Eigen::Dynamic, Eigen::Dynamic>;
  const ML AL = A.template cast<SL>();
  Eigen::SelfAdjointEigenSolver<ML> es(AL);
  return es.eigenvectors().cwiseAbs2().template cast<double>();
}

template <typename T>
bool allFinite(const T& m) {
  return m.allFinite();
}

}  // namespace dptz_test

/// EXPECT that `statement` throws std::invalid_argument whose message contains `needle`.
#define DPTZ_EXPECT_INVALID(statement, needle)                                                   \
  do {                                                                                           \
    try {                                                                                        \
      statement;                                                                                 \
      ADD_FAILURE() << "expected std::invalid_argument containing \"" << (needle) << "\"";     \
    } catch (const std::invalid_argument& e) {                                                   \
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos)                          \
          << "message was: " << e.what() << "\nexpected to contain: " << (needle);              \
    }                                                                                            \
  } while (0)

#endif  // DPTZ_TEST_UTIL_HPP
