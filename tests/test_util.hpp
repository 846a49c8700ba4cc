// Shared helpers for the tests: random Hermitian matrices, references, error measures.
#ifndef DPTZ_TEST_UTIL_HPP
#define DPTZ_TEST_UTIL_HPP

#include <complex>
#include <random>
#include <string>
#include <type_traits>

#include <Eigen/Dense>
#include <gtest/gtest.h>

#include "random_matrices.hpp"

namespace dptz_test {

/// Hermitian matrix Q diag(lambda) Q^* with a random unitary Q (Householder QR of a random matrix), exactly
/// Hermitian by symmetrization.
template <typename Scalar, typename Vec>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> withSpectrum(const Vec& lambda, std::uint64_t seed) {
  using M = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = lambda.size();
  std::mt19937_64 g(seed);
  M X(n, n);
  for (Eigen::Index c = 0; c < n; ++c)
    for (Eigen::Index r = 0; r < n; ++r) X(r, c) = drawNormal<Scalar>(g);
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

/// Names the instantiations of a typed test suite by the scalar type (an explicit generator: without one,
/// TYPED_TEST_SUITE passes an empty variadic argument, which Clang's -Wpedantic rejects).
struct ScalarNames {
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same<T, float>::value) return "float";
    if (std::is_same<T, double>::value) return "double";
    if (std::is_same<T, std::complex<float>>::value) return "complex_float";
    if (std::is_same<T, std::complex<double>>::value) return "complex_double";
    return "other";
  }
};

/// The rows `rows` of M, in order (Eigen 3.4 spells "all columns" Eigen::all, Eigen 5 Eigen::placeholders::all).
template <typename Derived, typename Rows>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> selectRows(const Eigen::MatrixBase<Derived>& M,
                                                                                   const Rows& rows) {
  Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> out(Eigen::Index(rows.size()), M.cols());
  Eigen::Index r = 0;
  for (const auto j : rows) out.row(r++) = M.row(Eigen::Index(j));
  return out;
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
