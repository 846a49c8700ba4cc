// Tests of dptz/eigenvectors_abs2.hpp: dptz::eigenvectorsAbs2 (all rows and the rows overload) against
// independent references (LapackEigenSolver's |V|^2, Eigen's solver in long double, closed forms), the sum and
// range properties of |V|^2, repeated eigenvalues, extreme scales, thread-count determinism and bad input.
//
// Accuracy model (docs/math.md, section "Accuracy"): an entry of column i carries an absolute error of order eps ||A|| / gap_i, with
// gap_i the distance from lambda_i to the nearest other eigenvalue — for the identity and for LAPACK's vectors
// alike. Tolerances against an equally-accurate reference are therefore K eps ||A|| / gap_i; the constants K were
// set from measured errors with a margin (the measured maxima are printed by the tests, "[measured]" lines).
#include <dptz/dptz.hpp>

#include <algorithm>
#include <array>
#include <cfloat>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "test_util.hpp"

namespace {

using dptz::Abs2Options;
using dptz::Backend;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

template <typename Scalar>
using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <typename Real>
using RVec = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

template <typename Scalar>
using RealOf = typename Eigen::NumTraits<Scalar>::Real;

/// |V|^2 from dptz::LapackEigenSolver (the reference path) and its eigenvalues.
template <typename Derived>
Mat<typename Derived::RealScalar> lapackAbs2(const Eigen::MatrixBase<Derived>& A,
                                             RVec<typename Derived::RealScalar>* lambda = nullptr) {
  using S = typename Derived::Scalar;
  const Mat<S> a = A;
  dptz::LapackEigenSolver<Mat<S>> es(a);
  EXPECT_EQ(es.info(), Eigen::Success);
  if (lambda) *lambda = es.eigenvalues();
  return es.eigenvectors().cwiseAbs2();
}

/// gap_i / max|lambda|: the relative distance from lambda_i to the nearest other eigenvalue (1 for n = 1).
template <typename Real>
RVec<Real> relativeGaps(const RVec<Real>& lambda) {
  const Index n = lambda.size();
  const Real norm = std::max(lambda.cwiseAbs().maxCoeff(), std::numeric_limits<Real>::min());
  RVec<Real> g = RVec<Real>::Constant(n, Real(1));
  for (Index i = 0; i < n; ++i) {
    Real d = std::numeric_limits<Real>::infinity();
    if (i > 0) d = std::min(d, lambda(i) - lambda(i - 1));
    if (i + 1 < n) d = std::min(d, lambda(i + 1) - lambda(i));
    if (n > 1) g(i) = std::min(Real(1), d / norm);
  }
  return g;
}

/// max over entries of |W - R|(j, i) * relgap_i / eps: the error in units of its condition eps ||A|| / gap_i.
template <typename Real>
double scaledError(const Mat<Real>& W, const Mat<Real>& R, const RVec<Real>& relgap, double eps) {
  double worst = 0;
  for (Index i = 0; i < W.cols(); ++i)
    for (Index j = 0; j < W.rows(); ++j)
      worst = std::max(worst, double(std::abs(W(j, i) - R(j, i))) * double(relgap(i)) / eps);
  return worst;
}

template <typename Real>
void expectInUnitRange(const Mat<Real>& W) {
  ASSERT_TRUE(W.allFinite());
  EXPECT_GE(W.minCoeff(), Real(0));
  EXPECT_LE(W.maxCoeff(), Real(1));
}

/// Column sums are 1 by construction (columns are normalized): a few n eps.
template <typename Real>
void expectColumnSumsOne(const Mat<Real>& W, double k = 2) {
  const double tol = k * double(W.rows()) * double(Eigen::NumTraits<Real>::epsilon());
  for (Index i = 0; i < W.cols(); ++i) EXPECT_NEAR(double(W.col(i).sum()), 1.0, tol) << "column " << i;
}

// ---------------------------------------------------------------------------------------------------------------
// Exact cases

TEST(EigenvectorsAbs2, DiagonalOneToSixGivesExactlyTheIdentity) {
  VectorXd d(6);
  d << 1, 2, 3, 4, 5, 6;
  const MatrixXd A = d.asDiagonal();
  for (Backend b : {Backend::Default, Backend::Eigen, Backend::Lapack}) {
    if (b == Backend::Lapack && !dptz::hasLapack()) continue;
    const MatrixXd W = dptz::eigenvectorsAbs2(A, Abs2Options{b});
    EXPECT_EQ(W, MatrixXd::Identity(6, 6)) << "backend " << int(b);
  }
  // Reversed diagonal: eigenvalue i sits in row 5 - i, so W is the anti-identity.
  const MatrixXd R = d.reverse().asDiagonal();
  EXPECT_EQ(dptz::eigenvectorsAbs2(R), MatrixXd::Identity(6, 6).rowwise().reverse().eval());
  // Other scalar types.
  EXPECT_EQ(dptz::eigenvectorsAbs2(A.cast<float>().eval()), Eigen::MatrixXf::Identity(6, 6));
  EXPECT_EQ(dptz::eigenvectorsAbs2(A.cast<long double>().eval()), Mat<long double>::Identity(6, 6));
  EXPECT_EQ(dptz::eigenvectorsAbs2(A.cast<std::complex<double>>().eval()), MatrixXd::Identity(6, 6));
  // The rows overload on the diagonal example.
  EXPECT_EQ(dptz::eigenvectorsAbs2(A, std::vector<Index>{4, 0}),
            dptz_test::selectRows(MatrixXd::Identity(6, 6), std::vector<Index>{4, 0}));
}

TEST(EigenvectorsAbs2, OneByOneIsOne) {
  MatrixXd A(1, 1);
  A << -7.5;
  EXPECT_EQ(dptz::eigenvectorsAbs2(A), MatrixXd::Ones(1, 1));
  EXPECT_EQ(dptz::eigenvectorsAbs2(A, std::vector<Index>{0}), MatrixXd::Ones(1, 1));
  Eigen::Matrix<std::complex<float>, 1, 1> C;
  C << std::complex<float>(2, 0);
  EXPECT_EQ(dptz::eigenvectorsAbs2(C), Eigen::MatrixXf::Ones(1, 1));
}

TEST(EigenvectorsAbs2, TwoByTwoClosedForm) {
  // [[a, b], [b, c]]: |v_0(0)|^2 = (1 - (a - c) / sqrt((a - c)^2 + 4 b^2)) / 2 (smaller eigenvalue).
  for (auto abc : {std::array<double, 3>{1, 2, 3}, std::array<double, 3>{0, 1, 0}, std::array<double, 3>{5, -1e-3, 1},
                   std::array<double, 3>{-2, 4, 7}}) {
    const double a = abc[0], b = abc[1], c = abc[2];
    MatrixXd A(2, 2);
    A << a, b, b, c;
    const double r = std::hypot(a - c, 2 * b), w00 = 0.5 * (1 - (a - c) / r);
    MatrixXd ref(2, 2);
    ref << w00, 1 - w00, 1 - w00, w00;
    EXPECT_LE((dptz::eigenvectorsAbs2(A) - ref).cwiseAbs().maxCoeff(), 1e-14) << A;
    // complex off-diagonal with the same modulus: same |V|^2
    Eigen::Matrix2cd C;
    C << a, std::polar(std::abs(b), 0.7), std::polar(std::abs(b), -0.7), c;
    EXPECT_LE((dptz::eigenvectorsAbs2(C) - ref).cwiseAbs().maxCoeff(), 1e-14) << C;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Random matrices against LapackEigenSolver's |V|^2

template <typename Scalar>
struct Tol;
// Measured max of |W - W_lapack| gap_i / (||A|| eps) over the sizes below: ~1-25 (double and float, real and
// complex). K = 200 keeps a margin of about 10 and still fails on any O(1)-relative mistake in a well-conditioned
// entry. Float: the same model with float eps (1.2e-7); nothing in the algorithm depends on the precision.
template <>
struct Tol<double> {
  static constexpr double K = 200;
};
template <>
struct Tol<float> {
  static constexpr double K = 200;
};
template <typename R>
struct Tol<std::complex<R>> : Tol<R> {};

template <typename Scalar>
class RandomVsLapack : public ::testing::Test {};
using LapackScalars = ::testing::Types<double, std::complex<double>, float, std::complex<float>>;
TYPED_TEST_SUITE(RandomVsLapack, LapackScalars, dptz_test::ScalarNames);

TYPED_TEST(RandomVsLapack, AllRowsSmallAndMedium) {
  using Scalar = TypeParam;
  using Real = RealOf<Scalar>;
  const double eps = double(Eigen::NumTraits<Real>::epsilon());
  double worst = 0, worstPlain = 0;
  for (Index n : {1, 2, 3, 5, 10, 50}) {
    for (std::uint64_t seed : {1u, 2u, 3u}) {
      if (n == 50 && seed > 1) continue;
      const Mat<Scalar> A = dptz_test::randomHermitian<Scalar>(n, 100 * std::uint64_t(n) + seed);
      RVec<Real> lambda;
      const Mat<Real> R = lapackAbs2(A, &lambda);
      const Mat<Real> W = dptz::eigenvectorsAbs2(A);
      ASSERT_EQ(W.rows(), n);
      ASSERT_EQ(W.cols(), n);
      expectInUnitRange(W);
      expectColumnSumsOne(W);
      const RVec<Real> g = relativeGaps(lambda);
      const double e = scaledError(W, R, g, eps);
      worst = std::max(worst, e);
      worstPlain = std::max(worstPlain, double((W - R).cwiseAbs().maxCoeff()) / eps);
      EXPECT_LE(e, Tol<Scalar>::K) << "n = " << n << " seed " << seed;
    }
  }
  std::printf("[measured] %s: max |W - W_lapack| = %.3g eps; in units of eps ||A|| / gap_i: %.3g\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->type_param(), worstPlain, worst);
}

TYPED_TEST(RandomVsLapack, NTwoHundred) {
  using Scalar = TypeParam;
  using Real = RealOf<Scalar>;
  const double eps = double(Eigen::NumTraits<Real>::epsilon());
  const Index n = 200;
  const Mat<Scalar> A = dptz_test::randomHermitian<Scalar>(n, 200);
  RVec<Real> lambda;
  const Mat<Real> R = lapackAbs2(A, &lambda);
  const RVec<Real> g = relativeGaps(lambda);
  // Real double: all rows once (200 eigensolves of size 199). The other types: the rows overload on a few rows
  // (no column normalization there, same accuracy model).
  const bool allRows = std::is_same<Scalar, double>::value;
  std::vector<Index> rows;
  if (allRows)
    for (Index j = 0; j < n; ++j) rows.push_back(j);
  else
    rows = {0, 1, 77, 198, 199};
  const Mat<Real> W = allRows ? dptz::eigenvectorsAbs2(A) : dptz::eigenvectorsAbs2(A, rows);
  ASSERT_EQ(W.rows(), Index(rows.size()));
  ASSERT_EQ(W.cols(), n);
  expectInUnitRange(W);
  if (allRows) expectColumnSumsOne(W);
  const Mat<Real> Rr = dptz_test::selectRows(R, rows);
  const double e = scaledError(W, Rr, g, eps);
  std::printf("[measured] %s n = 200 (%s): max |W - W_lapack| = %.3g eps; in units of eps ||A|| / gap_i: %.3g\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->type_param(), allRows ? "all rows" : "5 rows",
              double((W - Rr).cwiseAbs().maxCoeff()) / eps, e);
  EXPECT_LE(e, Tol<Scalar>::K);
}

// ---------------------------------------------------------------------------------------------------------------
// The 1e-12 target: double, n <= 50, well-separated eigenvalues, against a long double reference.

template <typename Scalar>
void wellSeparatedCase(double& worst) {
  for (Index n : {2, 3, 5, 10, 20, 50}) {
    // Spectrum in [-1, 1] with gaps between 1 / n and 3 / n (random), shuffled into a random unitary basis.
    std::mt19937_64 g(7 * std::uint64_t(n));
    std::uniform_real_distribution<double> u(1.0, 3.0);
    VectorXd lambda(n);
    double x = 0;
    for (Index i = 0; i < n; ++i) lambda(i) = (x += u(g));
    lambda = (lambda.array() - lambda.mean()) / lambda.cwiseAbs().maxCoeff();
    const Mat<Scalar> A = dptz_test::withSpectrum<Scalar>(lambda, 11 * std::uint64_t(n));
    const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
    for (Backend b : {Backend::Eigen, Backend::Lapack}) {
      if (b == Backend::Lapack && !dptz::hasLapack()) continue;
      const MatrixXd W = dptz::eigenvectorsAbs2(A, Abs2Options{b});
      const double err = (W - ref).cwiseAbs().maxCoeff();
      worst = std::max(worst, err);
      EXPECT_LE(err, 1e-12) << "n = " << n << " backend " << int(b);
    }
  }
}

TEST(EigenvectorsAbs2, DoubleWellSeparatedWithinOneEMinus12OfLongDoubleReference) {
  double worstReal = 0, worstComplex = 0;
  wellSeparatedCase<double>(worstReal);
  wellSeparatedCase<std::complex<double>>(worstComplex);
  const double eps = std::numeric_limits<double>::epsilon();
  std::printf("[measured] well separated, n <= 50, vs long double: max |W - W_ref| = %.3g (%.1f eps) real, "
              "%.3g (%.1f eps) complex\n",
              worstReal, worstReal / eps, worstComplex, worstComplex / eps);
}

TEST(EigenvectorsAbs2, LapackReferenceItselfAgreesWithLongDouble) {
  // Sanity of the reference used above: LapackEigenSolver's |V|^2 is within the same bound.
  const Mat<double> A = dptz_test::randomHermitian<double>(30, 5);
  RVec<double> lambda;
  const MatrixXd R = lapackAbs2(A, &lambda);
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  EXPECT_LE(scaledError<double>(R, ref, relativeGaps(lambda), DBL_EPSILON), Tol<double>::K);
}

// ---------------------------------------------------------------------------------------------------------------
// Sums, range, interlacing

TEST(EigenvectorsAbs2, RowsAndColumnsSumToOneEntriesInUnitInterval) {
  const double eps = DBL_EPSILON;
  double worstRow = 0;
  for (Index n : {2, 5, 17, 40}) {
    // Real and complex, random and well separated.
    VectorXd lambda = VectorXd::LinSpaced(n, -1, 1);
    const std::vector<MatrixXd> Ws = {
        dptz::eigenvectorsAbs2(dptz_test::randomHermitian<double>(n, 31 + std::uint64_t(n))),
        dptz::eigenvectorsAbs2(dptz_test::randomHermitian<std::complex<double>>(n, 37 + std::uint64_t(n))),
        dptz::eigenvectorsAbs2(dptz_test::withSpectrum<double>(lambda, 41 + std::uint64_t(n))),
        dptz::eigenvectorsAbs2(dptz_test::withSpectrum<std::complex<double>>(lambda, 43 + std::uint64_t(n)))};
    for (const MatrixXd& W : Ws) {
      expectInUnitRange(W);
      expectColumnSumsOne(W);
      const double rowErr = (W.rowwise().sum().array() - 1).abs().maxCoeff();
      worstRow = std::max(worstRow, rowErr / eps);
      // Without near-degenerate groups rows are not corrected: they sum to 1 because the identity is right. The
      // errors of the n entries of a row add up; measured below 1e3 eps for random GOE/GUE up to n = 40.
      EXPECT_LE(rowErr, 4096 * eps) << "n = " << n;
    }
  }
  std::printf("[measured] max |row sum - 1| = %.3g eps\n", worstRow);
  // Float: same properties, float eps.
  const Eigen::MatrixXf Wf = dptz::eigenvectorsAbs2(dptz_test::randomHermitian<float>(20, 3));
  expectInUnitRange(Wf);
  expectColumnSumsOne(Wf);
  EXPECT_LE((Wf.rowwise().sum().array() - 1).abs().maxCoeff(), 4096 * FLT_EPSILON);
}

template <typename Scalar>
void checkInterlacing(const Mat<Scalar>& A) {
  using Real = RealOf<Scalar>;
  const Index n = A.rows();
  dptz::LapackEigenSolver<Mat<Scalar>> es(A, Eigen::EigenvaluesOnly);
  const RVec<Real> lambda = es.eigenvalues();
  const Real tol = Real(4 * n) * Eigen::NumTraits<Real>::epsilon() * lambda.cwiseAbs().maxCoeff();
  for (Index j = 0; j < n; ++j) {
    Mat<Scalar> M(n - 1, n - 1);
    std::vector<Index> keep;
    for (Index k = 0; k < n; ++k)
      if (k != j) keep.push_back(k);
    M = A(keep, keep);
    dptz::LapackEigenSolver<Mat<Scalar>> em(M, Eigen::EigenvaluesOnly);
    ASSERT_EQ(em.info(), Eigen::Success);
    const RVec<Real> mu = em.eigenvalues();
    for (Index k = 0; k + 1 < n; ++k) {
      EXPECT_LE(lambda(k), mu(k) + tol) << "j = " << j << " k = " << k;
      EXPECT_LE(mu(k), lambda(k + 1) + tol) << "j = " << j << " k = " << k;
    }
  }
}

TEST(EigenvectorsAbs2, InterlacingHoldsForComputedSpectra) {
  for (Index n : {2, 3, 8, 30}) {
    checkInterlacing<double>(dptz_test::randomHermitian<double>(n, 51 + std::uint64_t(n)));
    checkInterlacing<std::complex<double>>(dptz_test::randomHermitian<std::complex<double>>(n, 53 + std::uint64_t(n)));
    checkInterlacing<float>(dptz_test::randomHermitian<float>(n, 57 + std::uint64_t(n)));
  }
  // Repeated eigenvalues: interlacing pins the minor eigenvalues, still within tolerance.
  checkInterlacing<double>(MatrixXd::Identity(5, 5));
  VectorXd l(6);
  l << 1, 1, 1, 2, 3, 3;
  checkInterlacing<double>(dptz_test::withSpectrum<double>(l, 3));
}

// ---------------------------------------------------------------------------------------------------------------
// Repeated eigenvalues: no NaN, cluster sums = projector diagonal (basis independent), even split inside.

/// Sums over each cluster of the columns of W and of the reference R; clusters from lambda_ref with a tolerance
/// far above rounding and far below the real gaps of the test matrices.
template <typename Real>
void expectClusterSumsMatch(const Mat<Real>& W, const Mat<Real>& R, const RVec<Real>& lambdaRef, double tol,
                            const char* what) {
  const auto clusters = dptz::findClusters(lambdaRef, Real(1e-8) * lambdaRef.cwiseAbs().maxCoeff());
  for (const auto& c : clusters) {
    const RVec<Real> pw = W.middleCols(c.first, c.size).rowwise().sum();
    const RVec<Real> pr = R.middleCols(c.first, c.size).rowwise().sum();
    EXPECT_LE(double((pw - pr).cwiseAbs().maxCoeff()), tol) << what << ": cluster at " << c.first << " size " << c.size;
    // inside a cluster the projector diagonal is split evenly
    for (Index s = 1; s < c.size; ++s)
      EXPECT_LE(double((W.col(c.first + s) - W.col(c.first)).cwiseAbs().maxCoeff()), tol) << what;
  }
}

TEST(EigenvectorsAbs2, IdentityMatrixSplitsEvenly) {
  for (Index n = 1; n <= 7; ++n) {
    const MatrixXd W = dptz::eigenvectorsAbs2(MatrixXd::Identity(n, n));
    ASSERT_TRUE(W.allFinite());
    EXPECT_LE((W.array() - 1.0 / double(n)).abs().maxCoeff(), 4 * DBL_EPSILON) << "n = " << n;
    const Eigen::MatrixXf Wf = dptz::eigenvectorsAbs2(Eigen::MatrixXf::Identity(n, n));
    EXPECT_LE((Wf.array() - 1.0f / float(n)).abs().maxCoeff(), 4 * FLT_EPSILON) << "n = " << n;
    const MatrixXd Wc = dptz::eigenvectorsAbs2(Eigen::MatrixXcd::Identity(n, n) * 3.0);
    EXPECT_LE((Wc.array() - 1.0 / double(n)).abs().maxCoeff(), 4 * DBL_EPSILON) << "n = " << n;
  }
}

TEST(EigenvectorsAbs2, CompleteGraphLaplacian) {
  // L = n I - J: eigenvalue 0 (vector ones / sqrt n) and n with multiplicity n - 1 (projector I - J / n), so
  // |v_0(j)|^2 = 1 / n and the cluster's diagonal 1 - 1 / n split over n - 1 members: W = 1 / n everywhere.
  for (Index n : {2, 3, 7, 16}) {
    const MatrixXd L = double(n) * MatrixXd::Identity(n, n) - MatrixXd::Ones(n, n);
    for (Backend b : {Backend::Eigen, Backend::Lapack}) {
      if (b == Backend::Lapack && !dptz::hasLapack()) continue;
      const MatrixXd W = dptz::eigenvectorsAbs2(L, Abs2Options{b});
      ASSERT_TRUE(W.allFinite());
      EXPECT_LE((W.array() - 1.0 / double(n)).abs().maxCoeff(), 64 * DBL_EPSILON) << "n = " << n << " backend "
                                                                                   << int(b);
      RVec<double> lambda;
      const MatrixXd R = lapackAbs2(L, &lambda);
      expectClusterSumsMatch<double>(W, R, lambda, 1e-13, "K_n");
      EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
    }
  }
}

template <typename Scalar>
void blockRepeatedCase(std::uint64_t seed) {
  using Real = RealOf<Scalar>;
  const Index m = 5;
  const Mat<Scalar> B = dptz_test::randomHermitian<Scalar>(m, seed);
  Mat<Scalar> A = Mat<Scalar>::Zero(2 * m, 2 * m);
  A.topLeftCorner(m, m) = B;
  A.bottomRightCorner(m, m) = B;
  RVec<Real> lambda;
  const Mat<Real> R = lapackAbs2(A, &lambda);
  for (Backend b : {Backend::Eigen, Backend::Lapack}) {
    if (b == Backend::Lapack && !dptz::hasLapack()) continue;
    const Mat<Real> W = dptz::eigenvectorsAbs2(A, Abs2Options{b});
    expectInUnitRange(W);
    expectColumnSumsOne(W);
    expectClusterSumsMatch<Real>(W, R, lambda, 1e-12, "blockdiag(B, B)");
    // the projector diagonal of eigenvalue k of blockdiag(B, B) is |u_k|^2 of B on both blocks: W's rows j and
    // j + m are equal, and each cluster member holds half of |u_k(j)|^2.
    const Mat<Real> WB = lapackAbs2(B);
    for (Index k = 0; k < m; ++k)
      for (Index j = 0; j < m; ++j) {
        EXPECT_NEAR(double(W(j, 2 * k)), double(WB(j, k)) / 2, 1e-12) << "k = " << k << " j = " << j;
        EXPECT_NEAR(double(W(j + m, 2 * k + 1)), double(WB(j, k)) / 2, 1e-12) << "k = " << k << " j = " << j;
      }
  }
}

TEST(EigenvectorsAbs2, BlockRepeatedSpectrum) {
  blockRepeatedCase<double>(61);
  blockRepeatedCase<std::complex<double>>(62);
}

TEST(EigenvectorsAbs2, WithSpectrumOfRepeatedEigenvalues) {
  VectorXd l(6);
  l << 1, 1, 1, 2, 3, 3;
  double worst = 0;
  for (std::uint64_t seed : {1u, 2u, 3u, 4u, 5u}) {
    const MatrixXd A = dptz_test::withSpectrum<double>(l, seed);
    const Eigen::MatrixXcd C = dptz_test::withSpectrum<std::complex<double>>(l, seed);
    for (Backend b : {Backend::Eigen, Backend::Lapack}) {
      if (b == Backend::Lapack && !dptz::hasLapack()) continue;
      for (int t = 0; t < 2; ++t) {
        const MatrixXd W = t == 0 ? dptz::eigenvectorsAbs2(A, Abs2Options{b}) : dptz::eigenvectorsAbs2(C, Abs2Options{b});
        expectInUnitRange(W);
        expectColumnSumsOne(W);
        // Reference: long double eigenvectors, summed over each cluster (the projector diagonal does not depend
        // on the basis LAPACK or Eigen picked inside the eigenspace).
        const MatrixXd ref = t == 0 ? dptz_test::referenceAbs2LongDouble(A) : dptz_test::referenceAbs2LongDouble(C);
        expectClusterSumsMatch<double>(W, ref, l, 1e-13, t == 0 ? "real {1,1,1,2,3,3}" : "complex {1,1,1,2,3,3}");
        for (const auto& c : dptz::findClusters(l, 0.0))
          worst = std::max(worst, (W.middleCols(c.first, c.size).rowwise().sum() -
                                   ref.middleCols(c.first, c.size).rowwise().sum())
                                      .cwiseAbs()
                                      .maxCoeff());
      }
    }
  }
  std::printf("[measured] {1,1,1,2,3,3}: max |cluster sum - projector diagonal| = %.3g eps\n", worst / DBL_EPSILON);
}

TEST(EigenvectorsAbs2, ClusterToleranceOption) {
  // Eigenvalues 1 and 1 + 1e-9: separate by default, one cluster with clusterTolerance 1e-6 (relative to ||A||).
  VectorXd l(4);
  l << -1, 1, 1 + 1e-9, 2;
  const MatrixXd A = dptz_test::withSpectrum<double>(l, 9);
  const MatrixXd split = dptz::eigenvectorsAbs2(A);
  Abs2Options o;
  o.clusterTolerance = 1e-6;
  const MatrixXd merged = dptz::eigenvectorsAbs2(A, o);
  EXPECT_EQ(merged.col(1), merged.col(2));
  EXPECT_LE((merged.col(1) + merged.col(2) - split.col(1) - split.col(2)).cwiseAbs().maxCoeff(), 1e-6);
  EXPECT_LE((merged.col(0) - split.col(0)).cwiseAbs().maxCoeff(), 1e-13);
  // A huge tolerance makes one cluster of everything: every entry 1 / n.
  o.clusterTolerance = 1e300;
  EXPECT_LE((dptz::eigenvectorsAbs2(A, o).array() - 0.25).abs().maxCoeff(), 1e-15);
  // clusterTolerance = 0: only exactly equal eigenvalues cluster; still finite.
  o.clusterTolerance = 0;
  expectInUnitRange<double>(dptz::eigenvectorsAbs2(A, o));
}

// The zero matrix with an infinite tolerance: one cluster, every entry 1/n, on every backend and on the rows path
// (the absolute tolerance inf * ||A|| = inf * 0 was NaN).
TEST(EigenvectorsAbs2, ZeroMatrixWithInfiniteToleranceIsOneCluster) {
  for (dptz::Backend b : {dptz::Backend::Default, dptz::Backend::Eigen, dptz::Backend::Lapack}) {
    if (b == dptz::Backend::Lapack && !dptz::hasLapack()) continue;
    Abs2Options o;
    o.backend = b;
    o.clusterTolerance = std::numeric_limits<double>::infinity();
    for (Index n = 1; n <= 5; ++n) {
      const MatrixXd even = MatrixXd::Constant(n, n, 1.0 / double(n));
      EXPECT_EQ(dptz::eigenvectorsAbs2(MatrixXd(MatrixXd::Zero(n, n)), o), even) << n;
      EXPECT_EQ(dptz::eigenvectorsAbs2(Eigen::MatrixXcd(Eigen::MatrixXcd::Zero(n, n)), o), even) << n;
      EXPECT_EQ(dptz::eigenvectorsAbs2(MatrixXd(MatrixXd::Zero(n, n)), std::vector<Index>{n - 1}, o), even.topRows(1));
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Extreme scales

TEST(EigenvectorsAbs2, ScaledBy1e150And1eMinus150GiveTheSameW) {
  VectorXd l = VectorXd::LinSpaced(12, -3, 5);
  const MatrixXd A = dptz_test::withSpectrum<double>(l, 71);
  const Eigen::MatrixXcd C = dptz_test::withSpectrum<std::complex<double>>(l, 72);
  const MatrixXd W = dptz::eigenvectorsAbs2(A), WC = dptz::eigenvectorsAbs2(C);
  for (double s : {1e150, 1e-150, 1e300, 1e-300}) {
    // The scaled matrix is A rounded after multiplying by s: a relative perturbation of eps per entry, so W moves
    // by O(eps ||A|| / gap) — 1e-13 is a tight bound here (||A|| / gap = 5 / (8 / 11)).
    const MatrixXd Ws = dptz::eigenvectorsAbs2(MatrixXd(A * s));
    const MatrixXd WCs = dptz::eigenvectorsAbs2(Eigen::MatrixXcd(C * s));
    ASSERT_TRUE(Ws.allFinite() && WCs.allFinite()) << "scale " << s;
    EXPECT_LE((Ws - W).cwiseAbs().maxCoeff(), 1e-13) << "scale " << s;
    EXPECT_LE((WCs - WC).cwiseAbs().maxCoeff(), 1e-13) << "scale " << s;
    const MatrixXd Wr = dptz::eigenvectorsAbs2(MatrixXd(A * s), std::vector<Index>{3, 0});
    EXPECT_LE((Wr - dptz_test::selectRows(W, std::vector<Index>{3, 0})).cwiseAbs().maxCoeff(), 1e-13) << "scale " << s;
  }
  // A power-of-two scaling is exact, and the library's internal scaling is a power of two: bitwise equal.
  for (double s : {0x1p+600, 0x1p-600, 0x1p+1000, 0x1p-1000}) {
    EXPECT_EQ(dptz::eigenvectorsAbs2(MatrixXd(A * s)), W) << "scale " << s;
    EXPECT_EQ(dptz::eigenvectorsAbs2(Eigen::MatrixXcd(C * s)), WC) << "scale " << s;
  }
}

TEST(EigenvectorsAbs2, EntriesNearOverflowAndInTheDenormalRange) {
  const Index n = 8;
  VectorXd l = VectorXd::LinSpaced(n, -1, 1);
  MatrixXd A = dptz_test::withSpectrum<double>(l, 81);
  A /= A.cwiseAbs().maxCoeff();
  const MatrixXd W = dptz::eigenvectorsAbs2(A);
  // Entries up to DBL_MAX / n: the eigenvalues (up to ||A||_2 <= n max|A_ij|) stay finite but sums of entries or
  // differences of eigenvalues of opposite sign would overflow without the internal scaling.
  const MatrixXd big = A * (DBL_MAX / double(n));
  const MatrixXd Wb = dptz::eigenvectorsAbs2(big);
  ASSERT_TRUE(Wb.allFinite());
  EXPECT_LE((Wb - W).cwiseAbs().maxCoeff(), 1e-13);
  const MatrixXd Wbr = dptz::eigenvectorsAbs2(big, std::vector<Index>{n - 1});
  ASSERT_TRUE(Wbr.allFinite());
  EXPECT_LE((Wbr.row(0) - W.row(n - 1)).cwiseAbs().maxCoeff(), 1e-13);
  Eigen::MatrixXcd bigC = dptz_test::withSpectrum<std::complex<double>>(l, 82);
  bigC *= (DBL_MAX / double(n)) / bigC.cwiseAbs().maxCoeff();
  ASSERT_TRUE(bigC.allFinite());
  expectInUnitRange<double>(dptz::eigenvectorsAbs2(bigC));
  // Denormal-scale entries (|A_ij| ~ 1e-310 < DBL_MIN): they carry only ~44 bits, so W agrees with the unscaled
  // W to ~1e-12, and must be finite.
  const MatrixXd tiny = A * 1e-310;
  ASSERT_GT(tiny.cwiseAbs().maxCoeff(), 0.0);
  ASSERT_LT(tiny.cwiseAbs().maxCoeff(), DBL_MIN);
  for (Backend b : {Backend::Eigen, Backend::Lapack}) {
    if (b == Backend::Lapack && !dptz::hasLapack()) continue;
    const MatrixXd Wt = dptz::eigenvectorsAbs2(tiny, Abs2Options{b});
    ASSERT_TRUE(Wt.allFinite()) << "backend " << int(b);
    EXPECT_LE((Wt - W).cwiseAbs().maxCoeff(), 1e-9) << "backend " << int(b);
    const MatrixXd Wtr = dptz::eigenvectorsAbs2(tiny, std::vector<Index>{2}, Abs2Options{b});
    ASSERT_TRUE(Wtr.allFinite()) << "backend " << int(b);
    EXPECT_LE((Wtr.row(0) - W.row(2)).cwiseAbs().maxCoeff(), 1e-9) << "backend " << int(b);
  }
  // The smallest denormal on the diagonal: diagonal matrix, exact identity-like answer.
  VectorXd d(3);
  d << 1, 2, 3;
  const MatrixXd D = (d * std::numeric_limits<double>::denorm_min()).asDiagonal();
  const MatrixXd Wd = dptz::eigenvectorsAbs2(D);
  ASSERT_TRUE(Wd.allFinite());
  EXPECT_EQ(Wd, MatrixXd::Identity(3, 3));
  // Zero matrix: one cluster, even split, no NaN.
  const MatrixXd Wz = dptz::eigenvectorsAbs2(MatrixXd::Zero(4, 4));
  ASSERT_TRUE(Wz.allFinite());
  EXPECT_LE((Wz.array() - 0.25).abs().maxCoeff(), 1e-15);
}

// ---------------------------------------------------------------------------------------------------------------
// Threads

TEST(EigenvectorsAbs2, ThreadCountDoesNotChangeOneBit) {
  const Index n = 64;
  const MatrixXd A = dptz_test::randomHermitian<double>(n, 91);
  const Eigen::MatrixXcd C = dptz_test::randomHermitian<std::complex<double>>(n, 92);
  const std::vector<Index> rows = {63, 0, 17, 17, 40, 1, 2, 3, 4, 5, 6};
  for (Backend b : {Backend::Eigen, Backend::Lapack}) {
    if (b == Backend::Lapack && !dptz::hasLapack()) continue;
    Abs2Options o1{b}, o2{b}, o3{b};
    o1.threads = 1;
    o2.threads = 2;
    o3.threads = 3;
    const MatrixXd W1 = dptz::eigenvectorsAbs2(A, o1);
    EXPECT_EQ(W1, dptz::eigenvectorsAbs2(A, o2)) << "backend " << int(b);
    EXPECT_EQ(W1, dptz::eigenvectorsAbs2(A, o3)) << "backend " << int(b);
    EXPECT_EQ(dptz::eigenvectorsAbs2(C, o1), dptz::eigenvectorsAbs2(C, o2)) << "backend " << int(b);
    const MatrixXd R1 = dptz::eigenvectorsAbs2(A, rows, o1);
    EXPECT_EQ(R1, dptz::eigenvectorsAbs2(A, rows, o2)) << "backend " << int(b);
    EXPECT_EQ(R1.row(2), R1.row(3));  // a repeated row is computed the same way
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Scalar types, fixed sizes, expressions, backends

TEST(EigenvectorsAbs2, LongDoubleAgainstLongDoubleEigen) {
  using LD = long double;
  const LD eps = std::numeric_limits<LD>::epsilon();
  double worst = 0;
  for (Index n : {1, 2, 3, 6, 12}) {
    const Mat<LD> A = dptz_test::randomHermitian<LD>(n, 101 + std::uint64_t(n));
    Eigen::SelfAdjointEigenSolver<Mat<LD>> es(A);
    const Mat<LD> R = es.eigenvectors().cwiseAbs2();
    const Mat<LD> W = dptz::eigenvectorsAbs2(A);
    expectInUnitRange(W);
    expectColumnSumsOne(W);
    const double e = scaledError<LD>(W, R, relativeGaps<LD>(es.eigenvalues()), double(eps));
    worst = std::max(worst, e);
    EXPECT_LE(e, 200) << "n = " << n;
    using CLD = std::complex<LD>;
    const Mat<CLD> C = dptz_test::randomHermitian<CLD>(n, 107 + std::uint64_t(n));
    Eigen::SelfAdjointEigenSolver<Mat<CLD>> ec(C);
    const Mat<LD> WC = dptz::eigenvectorsAbs2(C);
    const double ec_ = scaledError<LD>(WC, ec.eigenvectors().cwiseAbs2(), relativeGaps<LD>(ec.eigenvalues()),
                                       double(eps));
    worst = std::max(worst, ec_);
    EXPECT_LE(ec_, 200) << "complex n = " << n;
    // long double is more accurate than double: W of the double-rounded matrix vs the double reference
    const MatrixXd Ad = A.template cast<double>();
    EXPECT_LE((W.template cast<double>() - dptz_test::referenceAbs2LongDouble(Ad)).cwiseAbs().maxCoeff(), 1e-10);
  }
  std::printf("[measured] long double: max |W - W_ref| in units of eps_ld ||A|| / gap_i: %.3g\n", worst);
}

/// Fixed-size input (2x2 and 3x3 may go through a closed form): compared with LAPACK on the dynamic copy.
template <typename FixedMatrix>
void fixedSizeCase(std::uint64_t seed) {
  using Scalar = typename FixedMatrix::Scalar;
  using Real = RealOf<Scalar>;
  const Index n = FixedMatrix::RowsAtCompileTime;
  for (std::uint64_t s = seed; s < seed + 5; ++s) {
    const FixedMatrix A = dptz_test::randomHermitian<Scalar>(n, s);
    const Mat<Real> W = dptz::eigenvectorsAbs2(A);
    ASSERT_EQ(W.rows(), n);
    ASSERT_EQ(W.cols(), n);
    expectInUnitRange(W);
    expectColumnSumsOne(W, 4);
    RVec<Real> lambda;
    const Mat<Real> R = lapackAbs2(Mat<Scalar>(A), &lambda);
    EXPECT_LE(scaledError(W, R, relativeGaps(lambda), double(Eigen::NumTraits<Real>::epsilon())), Tol<Scalar>::K)
        << "n = " << n << " seed " << s;
    // the rows overload on a fixed-size matrix
    const Mat<Real> Wr = dptz::eigenvectorsAbs2(A, std::vector<Index>{n - 1, 0});
    EXPECT_LE(scaledError<Real>(Wr, dptz_test::selectRows(R, std::vector<Index>{n - 1, 0}), relativeGaps(lambda),
                                double(Eigen::NumTraits<Real>::epsilon())),
              Tol<Scalar>::K);
  }
  // diagonal fixed-size input: exact
  FixedMatrix D = FixedMatrix::Zero();
  for (Index i = 0; i < n; ++i) D(i, i) = Scalar(Real(n - i));
  const Mat<Real> WD = dptz::eigenvectorsAbs2(D);
  EXPECT_LE(double((WD - Mat<Real>::Identity(n, n).rowwise().reverse()).cwiseAbs().maxCoeff()),
            4 * double(Eigen::NumTraits<Real>::epsilon()));
  // repeated eigenvalues through the fixed-size path
  const Mat<Real> WI = dptz::eigenvectorsAbs2(FixedMatrix(FixedMatrix::Identity()));
  ASSERT_TRUE(WI.allFinite());
  EXPECT_LE(double((WI.array() - Real(1) / Real(n)).abs().maxCoeff()), 8 * double(Eigen::NumTraits<Real>::epsilon()));
}

TEST(EigenvectorsAbs2, FixedSizeMatrices) {
  fixedSizeCase<Eigen::Matrix2d>(110);
  fixedSizeCase<Eigen::Matrix3d>(120);
  fixedSizeCase<Eigen::Matrix4d>(130);
  fixedSizeCase<Eigen::Matrix<double, 7, 7>>(140);
  fixedSizeCase<Eigen::Matrix2cd>(150);
  fixedSizeCase<Eigen::Matrix3cd>(160);
  fixedSizeCase<Eigen::Matrix4cd>(170);
  fixedSizeCase<Eigen::Matrix2f>(180);
  fixedSizeCase<Eigen::Matrix3f>(190);
  fixedSizeCase<Eigen::Matrix3cf>(200);
  fixedSizeCase<Eigen::Matrix4f>(210);
}

/// eigenvectorsAbs2(A) on both backends: entries in [0, 1], rows and columns summing to 1, and each row's sum over
/// the columns [first, first + count) within tol of the same sum of the reference ref.
template <typename MatrixType>
void expectGroupSums(const MatrixType& A, const MatrixXd& ref, Index first, Index count, double tol) {
  const VectorXd refGroup = ref.middleCols(first, count).rowwise().sum();
  for (dptz::Backend backend : {dptz::Backend::Default, dptz::Backend::Eigen}) {
    dptz::Abs2Options options;
    options.backend = backend;
    const MatrixXd W = dptz::eigenvectorsAbs2(A, options);
    expectInUnitRange(W);
    expectColumnSumsOne(W);
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
    const VectorXd group = W.middleCols(first, count).rowwise().sum();
    EXPECT_LE((group - refGroup).cwiseAbs().maxCoeff(), tol);
  }
}

// Two near-degenerate groups in one row: -1 beside a triple cluster 7.3e-12 above it (entries with errors
// eps / 7.3e-12), and a double cluster at 7 whose shared projector diagonal is accurate (its gap to the rest is 8).
// A row's deficit belongs to the first group: weighting the cluster at 7 by its (zero) inner gap gave it half,
// and the first group's row sums came out 8e-6 off.
TEST(EigenvectorsAbs2, RowDeficitGoesToTheInaccurateGroup) {
  Eigen::MatrixXd A(6, 6);
  A << 0.77777777778182045, 1.7777777777793955, 1.7777777777793955, 1.7777777777793955, -0.88888888888727158,
      -0.88888888888727369, 1.7777777777793955, 0.77777777778424573, 1.7777777777769699, 1.7777777777769699,
      -0.88888888888969697, -0.88888888888969897, 1.7777777777793955, 1.7777777777769699, 0.77777777778424584,
      1.7777777777769699, -0.88888888888969697, -0.88888888888969897, 1.7777777777793955, 1.7777777777769699,
      1.7777777777769699, 0.77777777778424595, -0.88888888888969697, -0.88888888888969897, -0.88888888888727158,
      -0.88888888888969697, -0.88888888888969697, -0.88888888888969697, 3.4444444444509137, -3.5555555555563654,
      -0.88888888888727369, -0.88888888888969897, -0.88888888888969897, -0.88888888888969897, -3.5555555555563654,
      3.4444444444509159;
  const Eigen::MatrixXcd C = A.cast<std::complex<double>>();
  expectGroupSums(C, dptz_test::referenceAbs2LongDouble(C), 0, 4, 1e-13);
}

// A cluster of three beside a fourth eigenvalue 8e-13 ||A|| away, and a pair as close at the other end of the
// spectrum (a subnormal matrix, so the inputs are exact and small). Summed member by member, the four-member
// group's row sums are 2.4e-4 off (the cluster's shared value and its neighbour's entry do not cancel); its
// projector diagonal from the cluster formula is accurate to width / gap ~ 1e-12.
TEST(EigenvectorsAbs2, ClusterBesideANearEigenvalueKeepsGroupSums) {
  const double a = 2.4143596555421823e-312, b = 6.0358991388554558e-313, c = 4.2251293972037597e-312,
               d = -1.2071798277710912e-312;
  MatrixXd A(6, 6);
  A << a, a, b, b, b, b, a, a, b, b, b, b, b, b, c, d, d, d, b, b, d, c, d, d, b, b, d, d, c, d, b, b, d, d, d, c;
  const MatrixXd W = dptz::eigenvectorsAbs2(A);
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(MatrixXd(A * std::ldexp(1.0, 520) * std::ldexp(1.0, 520)));
  expectInUnitRange(W);
  EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
  const VectorXd low = W.leftCols(2).rowwise().sum(), refLow = ref.leftCols(2).rowwise().sum();
  EXPECT_LE((low - refLow).cwiseAbs().maxCoeff(), 1e-12);
}

// I plus 1e-3 couplings: a double eigenvalue, a pair 2.6e-15 apart, another double 3.8e-6 above the pair. The pair's
// projector diagonal comes from the cluster formula over the pair alone (error 2.6e-15 / 3.8e-6 = 7e-10); taken over
// the whole 1e-3-group (width 3.8e-6) the formula's own error, 1e-3, showed as 7.6e-5 in a row.
TEST(EigenvectorsAbs2, TightPairInsideAWiderGroupKeepsItsSum) {
  MatrixXd A(6, 6);
  A << 1.0002183307220669, 0.00077628701179349724, 9.3580567651609103e-05, 0.00025485771615757491,
      0.00025434850786106022, 0.00025434850786106022, 0.00077628701179349724, 1.0027601315974879,
      0.00033273090720573051, 0.00090616076856026018, 0.00090435025017268633, 0.00090435025017271409,
      9.3580567651609103e-05, 0.00033273090720573051, 1.0037784599350981, -0.00034802400654118659,
      -0.00034868880626164056, -0.00034868880626164056, 0.00025485771615757491, 0.00090616076856026018,
      -0.00034802400654118659, 1.0029584399396325, -0.00094962057875505601, -0.00094962057875505601,
      0.00025434850786106022, 0.00090435025017268633, -0.00034868880626164056, -0.00094962057875505601,
      1.0029586336001228, -0.00095143109714268537, 0.00025434850786106022, 0.00090435025017271409,
      -0.00034868880626164056, -0.00094962057875505601, -0.00095143109714268537, 1.0029586336001228;
  const MatrixXd W = dptz::eigenvectorsAbs2(A), ref = dptz_test::referenceAbs2LongDouble(A);
  expectInUnitRange(W);
  expectColumnSumsOne(W);
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
  const VectorXd pair = W.middleCols(2, 2).rowwise().sum(), refPair = ref.middleCols(2, 2).rowwise().sum();
  EXPECT_LE((pair - refPair).cwiseAbs().maxCoeff(), 1e-9);
}

// A row that is e_0 (an isolated eigenvalue) beside a group {2.25, a block 1.9e-9 above it whose triple cluster is
// 2.9e-11 from its fourth eigenvalue}: the row's 2.9e-10 of error mass in the group is corrected away; entries the
// correction would drive negative are held at 0 (clamping them afterwards left the row 7.3e-11 over 1).
TEST(EigenvectorsAbs2, CorrectionKeepsEntriesNonNegative) {
  Eigen::MatrixXcd A = Eigen::MatrixXcd::Zero(6, 6);
  A(0, 0) = -1;
  A(1, 1) = 2.25;
  const double d = 2.250000001884473, e = 7.2759576141834259e-12;
  for (Index i = 2; i < 6; ++i) A(i, i) = d;
  A(2, 3) = A(2, 4) = A(2, 5) = e;
  A(3, 4) = A(3, 5) = A(4, 5) = -e;
  A = A.selfadjointView<Eigen::Upper>();
  for (dptz::Backend backend : {dptz::Backend::Default, dptz::Backend::Eigen}) {
    dptz::Abs2Options options;
    options.backend = backend;
    const MatrixXd W = dptz::eigenvectorsAbs2(A, options);
    expectInUnitRange(W);
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
    EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
    EXPECT_EQ(W(0, 0), 1.0);
  }
}

// 1 beside a pair 1.9e-9 above it (a cluster) and a triple 3.9e-3 away. Summed member by member, the first three
// columns' row sums were 5.9e-8 off (the pair's shared value and the single eigenvalue's entry each carry
// eps / 1.9e-9); the cluster formula over the three has error width / gap = 5e-7. The group formula (a divided
// difference over the three eigenvalues) is accurate to eps / gap.
TEST(EigenvectorsAbs2, GroupOfAClusterAndANearEigenvalueKeepsItsSum) {
  MatrixXd A(6, 6);
  A << 1.0013020843681364, 0.0013020837472543789, 0.0013020837472544344, 4.1392109184634762e-10, 4.1392109184634762e-10, 4.1392109184634762e-10,
      0.0013020837472543789, 1.0013020849890182, 0.0013020831263726995, -2.0696061531211285e-10, -2.0696062918990066e-10, -2.0696064306768847e-10,
      0.0013020837472544344, 0.0013020831263726995, 1.0013020849890182, -2.0696064306768847e-10, -2.0696064306768847e-10, -2.0696064306768847e-10,
      4.1392109184634762e-10, -2.0696061531211285e-10, -2.0696064306768847e-10, 1.0026041683223514, -0.0013020835402939857, -0.0013020835402939857,
      4.1392109184634762e-10, -2.0696062918990066e-10, -2.0696064306768847e-10, -0.0013020835402939857, 1.0026041683223512, -0.0013020835402939857,
      4.1392109184634762e-10, -2.0696064306768847e-10, -2.0696064306768847e-10, -0.0013020835402939857, -0.0013020835402939857, 1.0026041683223514;
  expectGroupSums(A, dptz_test::referenceAbs2LongDouble(A), 0, 3, 1e-12);
}

/// The 10 x 10 Hermitian matrix with the given diagonal and strictly lower triangle (column by column).
Eigen::MatrixXcd hermitianFromLower(const double (&diagonal)[10], const std::complex<double> (&lower)[45]) {
  Eigen::MatrixXcd A(10, 10);
  for (Index c = 0, k = 0; c < 10; ++c) {
    A(c, c) = diagonal[c];
    for (Index r = c + 1; r < 10; ++r, ++k) A(r, c) = lower[k], A(c, r) = std::conj(lower[k]);
  }
  return A;
}

// A fourfold cluster at DBL_MIN scale (width 6 eps) 6.1e-5 below six eigenvalues with inner gaps of 7e-12: the
// six members' columns, evaluated one by one, are balanced; blending toward an even spread over all ten columns
// moved the accurately summed cluster's row sums by 0.02 (one common scale factor over all ten, by 1e-7). Spread
// and scaling now stay within each piece (the cluster, the group summed by its formula).
TEST(EigenvectorsAbs2, AccurateClusterKeepsItsSumBesideABalancedGroup) {
  const double diagonal[] = {2.2250926862254893e-308, 2.2250886365514777e-308, 2.2250960827262726e-308, 2.2251042473916174e-308, 2.2252068548101439e-308, 2.2252085827506672e-308, 2.2251801422193547e-308, 2.2251839485663341e-308, 2.2251880049517808e-308, 2.2252042505081631e-308};
  const std::complex<double> lower[] = {
      {1.6672246636881268e-313, -5.2253858231221539e-315}, {1.4827032267489115e-313, -1.4092212386930858e-313},
      {2.062394466311619e-313, -1.2116363373566365e-313}, {3.7704089343378668e-314, -4.0287403794953078e-314},
      {3.1307310721382785e-314, -1.3900691993424449e-314}, {1.058543845629516e-313, -1.4411204127610595e-313},
      {6.3228897998329536e-314, -1.5444334909423127e-313}, {5.0127335828595433e-314, -1.4472346164311196e-313},
      {4.8712660935795423e-314, -5.9107155491177974e-314}, {1.3520685812943741e-313, -1.2067375380903331e-313},
      {1.8599107657582728e-313, -1.0156843690266106e-313}, {3.4505700044732368e-314, -3.4628715019087402e-314},
      {2.8108921422736485e-314, -1.1440392516205074e-314}, {9.7735396329629171e-314, -1.2467567549105217e-313},
      {6.0276575910824314e-314, -1.3500722869676181e-313}, {4.8405169704927036e-314, -1.2676372903835295e-313},
      {4.477628427999649e-314, -5.0988378678426716e-314}, {2.5310462571885631e-313, 5.8948883789768793e-314},
      {5.9846784559302547e-314, -3.5059267493558557e-315}, {3.5059267414508053e-314, 1.2486019798222866e-314},
      {1.9122677608353491e-313, -3.4259670086140986e-314}, {1.6539154348332982e-313, -7.4300105815357641e-314},
      {1.4779875830522436e-313, -7.6451875397382691e-314}, {8.2602403579052078e-314, -1.008696513323974e-314},
      {6.7227682971198049e-314, -1.9866918210118368e-314}, {4.3239763139948653e-314, 4.9205989494980952e-315},
      {2.086949022937301e-313, -8.9739423065721123e-314}, {1.6865139913818862e-313, -1.2848751742162881e-313},
      {1.4804478204846992e-313, -1.2627168157656512e-313}, {9.1397745137315751e-314, -3.339769556189937e-314},
      {-1.6071055073982769e-314, -6.8070383678393384e-315}, {-9.0465137135598499e-314, 1.0794593396560199e-314},
      {-7.9470684229872752e-314, 3.0249611691347987e-314}, {-7.129539939997687e-314, 3.1740550690637775e-314},
      {-3.8950697342435398e-314, 2.4570760447262138e-315}, {-4.9099288597895535e-314, 2.8073998481492013e-314},
      {-3.810403817140427e-314, 3.6533152868476094e-314}, {-3.3069786969403465e-314, 3.5406020392072187e-314},
      {-2.1670605140647288e-314, 1.0835302577734629e-314}, {-2.6733245390724924e-313, 6.6823043696379057e-314},
      {-2.4159876036930348e-313, 7.4759469703262745e-314}, {-1.2627759691584833e-313, -7.0489886682920023e-315},
      {-2.3568216070486315e-313, 1.3010654234178351e-314}, {-1.1274571229872646e-313, -3.4963657831690721e-314},
      {-1.015496321564796e-313, -3.7743754593487373e-314}};
  const Eigen::MatrixXcd A = hermitianFromLower(diagonal, lower);
  expectGroupSums(A, dptz_test::referenceAbs2LongDouble(Eigen::MatrixXcd(A * std::ldexp(1.0, 1022))), 0, 4, 1e-10);
}

// Ten eigenvalues at DBL_MIN scale, 2^-26 ||A|| apart (one run for the group formula), the lowest two only
// 7e-15 ||A|| apart. Their columns come out 2.5e-2 off their sums (eps / gap), the pair's row sums to 1e-16. The
// columns are balanced across the widest gaps first, so the pair's row sums stay within a few n eps ||A|| over its
// distance to the rest (n eps / 2^-26 = 1.5e-7; measured 1.6e-7); a correction spread over the whole run moved
// 3.1e-2 of a row's mass out of the pair.
TEST(EigenvectorsAbs2, PairInsideATightRunKeepsItsSum) {
  const double diagonal[] = {2.2250738787434855e-308, 2.2250739226264426e-308, 2.225073934623144e-308, 2.2250739449602028e-308, 2.225073958587187e-308, 2.2250739895935444e-308, 2.225074021462408e-308, 2.2250739991166281e-308, 2.2250740107372704e-308, 2.2250741182444753e-308};
  const std::complex<double> lower[] = {
      {3.4781754575188437e-316, 9.3682697154612762e-317}, {2.904272805241383e-316, 7.8224949284337475e-317},
      {2.1002236539065549e-316, 9.8500459724278676e-317}, {1.6697333872408683e-316, 6.0776062514100921e-317},
      {1.0100342098939272e-317, -3.1977445380378209e-317}, {-3.4729257629989575e-318, -1.604164453184339e-317},
      {3.1638679388994241e-318, 1.4207598744633806e-318}, {-5.1010020053107211e-317, -1.9030825680342724e-317},
      {9.3488040230807769e-318, 2.4680293417561334e-317}, {5.3539483987595474e-316, -4.9406564584124654e-324},
      {4.0658279073135017e-316, 7.2072162051731012e-317}, {3.1512660040972098e-316, 2.716144168441149e-317},
      {2.5565179811232382e-318, -5.963813545925582e-317}, {-1.3395587033724342e-317, -2.5964305802568774e-317},
      {6.0957028878859653e-318, 9.7728161009981931e-319}, {-9.6485338877868276e-317, -9.0950519073767127e-318},
      {2.7494135609008069e-317, 3.8092090745125728e-317}, {3.0645321376844394e-316, 5.4322873487510063e-317},
      {2.1216310736817749e-316, 1.8286797402301016e-317}, {1.3158302125996167e-318, -3.0695542655678511e-317},
      {-7.6498654273829409e-319, -1.4827601723599987e-318}, {-9.4549130196411639e-317, -1.5158437961368202e-317},
      {-1.9919120632904431e-316, -1.877648068586365e-317}, {4.1670514345481167e-317, 5.7732919515762805e-317},
      {1.0492855515671726e-316, -9.4121531201905416e-318}, {-2.2296194465523774e-319, -1.6716464094215656e-318},
      {1.5088384393444372e-317, 1.9776039715934452e-317}, {-1.8998704002378356e-316, 3.1294216820713724e-318},
      {-2.9049796155543235e-316, 2.3714923730182747e-317}, {6.5835783852504668e-317, 6.3859377990102388e-317},
      {1.1464348652664869e-318, 2.6559106492940593e-317}, {2.7822862186468542e-317, 4.4153673459509896e-317},
      {-2.9189296084712157e-316, -2.1343443214739973e-317}, {-3.9696438496664674e-316, -3.1782847744450717e-318},
      {7.6285524235526412e-317, 8.8542117032610636e-317}, {-1.9250951688190833e-317, 1.1000544527631399e-317},
      {1.2739833464625089e-317, -1.0920994029863208e-316}, {7.1329344234521614e-318, -1.3934331529984659e-316},
      {-3.092556479841282e-317, 2.4402208568799588e-317}, {7.7792483743219715e-317, -1.0552050014765611e-316},
      {8.6132509471278293e-317, -1.342926156001359e-316}, {-4.3283579391275336e-317, 6.4925364146256545e-318},
      {-6.8825590982177284e-316, 4.4789081405313407e-317}, {1.3085362226569332e-316, 1.3117660285969266e-316},
      {1.3909257698458215e-316, 1.5885039061884152e-316}};
  const Eigen::MatrixXcd A = hermitianFromLower(diagonal, lower);
  expectGroupSums(A, dptz_test::referenceAbs2LongDouble(Eigen::MatrixXcd(A * std::ldexp(1.0, 1022))), 0, 2, 5e-7);
}

// At DBL_MIN scale with equal couplings: three eigenvalues within 4e-15 ||A|| (a pair and a single), 1.5e-8 ||A||
// below a sevenfold cluster, the whole spectrum one sqrt(eps) run. The three's row sums come from the group formula
// over the three (error eps / 1.5e-8); taken only over the whole run, which sums to 1, they kept the members'
// errors eps / 4e-15 and row 0's was 1.3e-2 off.
TEST(EigenvectorsAbs2, TightRunInsideASqrtEpsRunKeepsItsSum) {
  const double d0 = 2.2250738677909394e-308, d2 = 2.2250738677909493e-308, d3 = 2.2250738876846592e-308;
  const double c01 = 9.283738047851714e-317, c02 = 9.2837345893921931e-317, c03 = 2.6524976438125879e-317,
               c23 = 2.6524941853530671e-317, c33 = -3.9787422661608923e-317;
  MatrixXd A = MatrixXd::Constant(10, 10, c33);
  A.diagonal().setConstant(d3);
  A(0, 0) = A(1, 1) = d0, A(2, 2) = d2;
  A(0, 1) = A(1, 0) = c01;
  for (Index k = 0; k < 2; ++k) A(k, 2) = A(2, k) = c02;
  for (Index k = 3; k < 10; ++k) A(0, k) = A(k, 0) = A(1, k) = A(k, 1) = c03, A(2, k) = A(k, 2) = c23;
  expectGroupSums(A, dptz_test::referenceAbs2LongDouble(MatrixXd(A * std::ldexp(1.0, 1022))), 0, 3, 2e-7);
}

// Four eigenvalues 1e-14 ||A|| apart, 0.56 ||A|| above a run of five within 1.5e-8 and a sixth 1.8e-6 away. The
// four's row sums come from the group formula, accurate to eps / 0.56; the rows' deficits (5e-11 with LAPACK, 4e-8
// with Eigen) come from the sixth and the run beside it. Weighted by the members' own gaps (1e-14) the four took the
// deficits (their row sums 4e-11 and 4e-8 off); weighted by the run's distance to the rest they stay at rounding.
TEST(EigenvectorsAbs2, RowDeficitStaysOutOfAFormulaSummedRun) {
  const double lower[] = {
      -7.3886544197022781, 0, 0.70079142845618669, 0.70079140798858242, 0.076649059968920713, -0.69531387318946547,
      -0.096760830501762568, -0.08693355865393973, -0.071814678888047614, -0.043088807332834878, -7.75, 0, 0, 0, 0,
      0, 0, 0, 0, -6.3908893508728504, 1.3591106094324019, 0.14865272236396743, -1.3484875116401749,
      -0.18765736824584245, -0.16859841678339885, -0.13927695299500151, -0.083566171797012923, -6.390889314778347,
      0.14865271802235441, -1.3484874722555424, -0.18765740794059027, -0.16859845244664842, -0.1392769824559473,
      -0.083566189473580355, -7.7337409791061633, -0.14749081673948813, -0.020525029536203686, -0.018440456223935659,
      -0.015233420358905566, -0.0091400522153446823, -6.4120376809829933, 0.18619638059709137, 0.16728581069272291,
      0.1381926262244435, 0.082915575734678393, -4.9844104737474328, -1.5582728073919463, -1.2872688408890194,
      -0.77236130453342389, -4.6499958135197419, -1.1565305992362467, -0.69391835954175884, -4.2053799309757887,
      -0.57323690570841845, -3.5939272315534159};
  MatrixXd A(10, 10);
  for (Index c = 0, k = 0; c < 10; ++c)
    for (Index r = c; r < 10; ++r, ++k) A(r, c) = A(c, r) = lower[k];
  expectGroupSums(A, dptz_test::referenceAbs2LongDouble(A), 6, 4, 1e-13);
}

// Four eigenvalues 5.5e-15 ||A|| apart (-4.5, one of them of the decoupled row 1), 1.06 ||A|| below the rest. The
// rows path evaluates them member by member (error eps / 5.5e-15 each); their sum, row 0's projector diagonal onto
// the four, comes from the group formula with eig(M_0) from the same tridiagonalization, accurate to eps / 1.06.
// Summed member by member it was 6e-3 off.
TEST(EigenvectorsAbs2, RowsPathTakesTightRunSumsFromTheGroupFormula) {
  const double lower[] = {
      -1.8149200602750026, 0, 2.6850799397249734, 2.6850799397249618, 0.51404956394452161, 0.50601753950788853,
      0.48534081695425352, 0.4971783978555771, 0.4971783978555715, -4.4999999999999538, 0, 0, 0, 0, 0, 0, 0,
      -1.8149200602749578, 2.6850799397249383, 0.51404956394449808, 0.50601753950786543, 0.48534081695423109,
      0.49717839785555401, 0.4971783978555484, -1.8149200602749351, 0.51404956394448631, 0.50601753950785366,
      0.48534081695421977, 0.49717839785554202, 0.49717839785553641, 2.3430191881641846, -1.6310904866510167,
      -1.6008836847722971, -1.6399296283033284, -1.6399296283033342, 2.3943953022030442, -1.57586987719773,
      -1.6143057278610891, -1.6143057278610948, 2.4885154563084915, -1.5843637398792478, -1.5843637398792534,
      2.4121494920750557, -1.6230067579250886, 2.4121494920750672};
  MatrixXd A(9, 9);
  for (Index c = 0, k = 0; c < 9; ++c)
    for (Index r = c; r < 9; ++r, ++k) A(r, c) = A(c, r) = lower[k];
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  const std::vector<Index> rows{0, 1, 2};
  for (dptz::Backend backend : {dptz::Backend::Default, dptz::Backend::Eigen}) {
    dptz::Abs2Options options;
    options.backend = backend;
    const MatrixXd W = dptz::eigenvectorsAbs2(A, rows, options);
    expectInUnitRange(W);
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    for (Index r = 0; r < 3; ++r)
      EXPECT_NEAR(W.row(r).head(4).sum(), ref.row(rows[std::size_t(r)]).head(4).sum(), 1e-13) << "row " << r;
  }
}

// An arrow with first row row0 and, in row 1, 4.25 on the diagonal, the coupling at (1, 2), 4.25 at (1, 3) and a
// subnormal at (1, 4): the shape of the fuzz inputs on which LAPACK's eigenvalues lost digits beside tiny entries.
MatrixXd arrowBesideTinyEntries(const std::vector<double>& row0, double coupling) {
  const Index n = Index(row0.size());
  MatrixXd A = MatrixXd::Zero(n, n);
  for (Index k = 0; k < n; ++k) A(0, k) = A(k, 0) = row0[std::size_t(k)];
  A(1, 1) = 4.25;
  A(1, 2) = A(2, 1) = coupling;
  A(1, 3) = A(3, 1) = 4.25;
  A(1, 4) = A(4, 1) = 1.9762625833649862e-323;
  return A;
}

// check(W) for W = eigenvectorsAbs2(A) from LAPACK (where the build has it) and from Eigen, each W first checked
// for entries in [0, 1] and columns summing to 1.
template <typename MatrixT, typename Check>
void forLapackAndEigen(const MatrixT& A, Check check) {
  for (dptz::Backend backend : {dptz::Backend::Lapack, dptz::Backend::Eigen}) {
    if (backend == dptz::Backend::Lapack && !dptz::hasLapack()) continue;
    dptz::Abs2Options options;
    options.backend = backend;
    const MatrixXd W = dptz::eigenvectorsAbs2(A, options);
    SCOPED_TRACE(backend == dptz::Backend::Lapack ? "LAPACK" : "Eigen");
    ASSERT_TRUE(W.allFinite());
    expectInUnitRange(W);
    expectColumnSumsOne(W);
    check(W);
  }
}

// An arrow at 1.2e161 with entries of 4.25 (~1e-161 ||A||) beside couplings of 1e160 and 1.8e159: LAPACK's
// eigenvalues-only path (?syevd, ending in ?sterf) lost digits of the minors' eigenvalues beside the tiny couplings,
// and |v_1(0)|^2 came out 2.26447e-4 where 2.26534e-4 is right (gap 1.2e-4 ||A||). ?sterf now sees each block
// between negligible couplings on its own, and a block's result that does not keep its ||T||_F^2 goes to Eigen.
TEST(EigenvectorsAbs2, LapackEigenvaluesBesideTinyEntriesAreChecked) {
  const MatrixXd A = arrowBesideTinyEntries(
      {1.1951290210011487e+161, 4.25, 1, 0.5, -3, 4.25, 1.7994059312383572e+159, 4.25, 4.25}, 1.0711835506395381e+160);
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  forLapackAndEigen(A, [&](const MatrixXd& W) {
    EXPECT_NEAR(W(0, 1), ref(0, 1), 1e-12);
    EXPECT_LE((W.col(1) - ref.col(1)).cwiseAbs().maxCoeff(), 1e-12);
  });
}

// An arrow at 1.5e162 with entries of 4.25 beside a coupling of 1.8e159: the tridiagonal forms of the minors M_4 and
// M_5 have diagonal entries ~1e-162 ||A|| and couplings of 1e-166 / 3e-161 next to ones of 0.8 and 1e-3 (scaled).
// ?sterf (alone or inside ?syevd) does not split there and returned the minors' eigenvalues +-1e-3 off by 3e3 and
// 5e4 eps ||A||, which still keep ||M||_F^2 to 16 n eps; row 5's sum over eigenvalues 2..3 was 1.24e-9 off. Such
// couplings are now set to 0 before ?sterf and each block is solved scaled.
TEST(EigenvectorsAbs2, LapackMinorsSplitAtNegligibleCouplings) {
  const MatrixXd A = arrowBesideTinyEntries({1, 4.25, 0.5, -11, 1.4696462496576585e+162, 1.221659801926226e+161},
                                            1.7994059312383572e+159);
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  forLapackAndEigen(A, [&](const MatrixXd& W) {
    for (Index r = 0; r < 6; ++r)
      EXPECT_NEAR(W.row(r).segment(2, 2).sum(), ref.row(r).segment(2, 2).sum(), 1e-12) << "row " << r;
    // Eigenvalues 2 and 3 are one cluster (|lambda| ~ 1e-162 ||A||): their entries share the group's value.
    for (Index c : {0, 1, 4, 5}) EXPECT_LE((W.col(c) - ref.col(c)).cwiseAbs().maxCoeff(), 1e-12) << "column " << c;
  });
}

// A complex 9 x 9 with entries up to 1.1e299 beside entries of 3 and a few subnormal ones: two eigenvalues near 0
// form a cluster whose mass in some rows is ~1e-315 after scaling. Balancing the group's sums divided by a row's sum
// of weights, subnormal there: 1 / r overflowed and inf * 0 gave NaN entries (Eigen backend). Such a row is now
// left out of the correction.
TEST(EigenvectorsAbs2, SubnormalGroupWeightsStayFinite) {
  // lower triangle by columns
  const std::complex<double> lower[45] = {
      {-4.5, 0}, {7.0825445573714663e+136, 3}, {3, 3}, {3, 1}, {0, 3}, {3, 3}, {3, 3}, {3, 3},
      {-5.3452958366751874e-51, 0}, {0, 0}, {8.245486516281192e+136, 3}, {3, 3}, {3, 3}, {3, 3}, {3, 3},
      {0, 2.7027494088220373e-77}, {2.5, 3}, {3, 0}, {3, 3}, {2, 3},
      {8.6572038391266886e-264, 1.0000000000000001e+300}, {-2.25, 1},
      {-3.9785885810634017e-45, -7.7730743687292689e+298}, {-7.8459078094539425e+298, -7.8459116763945423e+298},
      {-7.5914899370962943e+298, 0}, {-7.8459116763945423e+298, -7.8459116763945423e+298},
      {8.2458873464232764e+136, 3}, {3, 3}, {3, 3}, {0, 1.4415141807188697e-309}, {4, 0}, {3, 3}, {3, 3},
      {8.5, 0.25}, {2.2250738585072014e-308, 1.0000000000000001e+300}, {-2.25, 0},
      {-3.9785885810634017e-45, -7.7730743667802061e+298}, {-7.8459078094539425e+298, -7.8459116763945423e+298},
      {-7.5914899370962943e+298, -3.0648092485916181e+296}, {4.8345654459995399e-310, 0}, {-7.5, 1}, {1.25, 1.25},
      {5.25, 0}, {-3.9785885810747569e-45, 0}, {-10.5, 0}};
  Eigen::MatrixXcd A(9, 9);
  for (Index c = 0, k = 0; c < 9; ++c)
    for (Index r = c; r < 9; ++r, ++k) {
      A(r, c) = lower[k];
      A(c, r) = std::conj(lower[k]);
    }
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  forLapackAndEigen(A, [&](const MatrixXd& W) {
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    for (Index r = 0; r < 9; ++r)
      EXPECT_NEAR(W.row(r).segment(4, 2).sum(), ref.row(r).segment(4, 2).sum(), 1e-12) << "row " << r;
  });
}

TEST(EigenvectorsAbs2, SeparatedColumnKeepsItsSumBesideAClusterInItsGroup) {
  // The top eigenvalue lies 1e-3 relative from a cluster whose entries carry eps ||A|| / 6e-7 of error; it shares
  // the cluster's column-scaling group, but its own column sum is exact and must not take the cluster's error.
  Eigen::VectorXd d(9);
  d << 10.5, 10.5, 10.5, 10.50000000000005, 10.50000062584882, 10.50000062584882, 10.500000625848825,
      10.500000625848825, 10.510254532098825;
  const MatrixXd A = d.asDiagonal();
  forLapackAndEigen(A, [&](const MatrixXd& W) {
    EXPECT_NEAR(W(8, 8), 1.0, 1e-15);
    for (Index j = 0; j < 8; ++j) {
      EXPECT_LE(W(j, 8), 1e-15) << "row " << j;
      EXPECT_LE(W(8, j), 1e-15) << "column " << j;
    }
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
  });
}

TEST(EigenvectorsAbs2, NearlyDegeneratePairs) {
  // A close pair (gap 1e-5 .. 1e-10) and an exactly double eigenvalue. The pair's projector diagonal (the row sums
  // over the pair) is well conditioned even when the single entries are not (their error is eps ||A|| / gap).
  // - The rows overload keeps it to rounding (measured <= 5e-15), on both sides of the gap (1e-6 ||A||) where its
  //   rows switch from the paired product to the sweep, whose members are evaluated independently: the row
  //   normalization gives the deficit to the close pair, so the well separated column stays accurate too.
  // - The all-rows path scales a near-degenerate group by one factor, balances its columns without touching its
  //   row sums, then corrects rows and columns together within the group (DenseIdentity::normalizeColumns);
  //   scaling each column separately would move the pair's row sums by the columns' independent eps / gap errors
  //   (9.6e-8 at gap 1e-10, n = 3).
  // - Fixed 3x3 may take a closed form: same assertions as the all-rows path.
  for (double gap : {1e-5, 2e-6, 1.0000001e-6, 1e-6, 1e-10, 0.0}) {
    for (Index n : {3, 6}) {
      VectorXd l = VectorXd::LinSpaced(n, -1, 2);
      l(1) = 0.5;
      l(2) = 0.5 + gap;
      const MatrixXd A = dptz_test::withSpectrum<double>(l, 77 + std::uint64_t(n));
      const Eigen::MatrixXcd C = dptz_test::withSpectrum<std::complex<double>>(l, 78 + std::uint64_t(n));
      const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A), refC = dptz_test::referenceAbs2LongDouble(C);
      const double pairTol = 1e-13;
      std::vector<Index> all;
      for (Index j = 0; j < n; ++j) all.push_back(j);
      std::vector<std::pair<MatrixXd, const MatrixXd*>> cases = {
          {dptz::eigenvectorsAbs2(A), &ref}, {dptz::eigenvectorsAbs2(C), &refC}};
      if (n == 3) {
        cases.push_back({dptz::eigenvectorsAbs2(Eigen::Matrix3d(A)), &ref});
        cases.push_back({dptz::eigenvectorsAbs2(Eigen::Matrix3cd(C)), &refC});
      }
      for (const auto& c : cases) {
        const MatrixXd& W = c.first;
        const MatrixXd& R = *c.second;
        expectInUnitRange(W);
        expectColumnSumsOne(W, 4);
        EXPECT_LE((W.col(0) - R.col(0)).cwiseAbs().maxCoeff(), 1e-13) << "gap " << gap << " n = " << n;
        EXPECT_LE((W.col(1) + W.col(2) - R.col(1) - R.col(2)).cwiseAbs().maxCoeff(), pairTol)
            << "gap " << gap << " n = " << n;
      }
      const MatrixXd Wr = dptz::eigenvectorsAbs2(A, all), WrC = dptz::eigenvectorsAbs2(C, all);
      EXPECT_LE((Wr.col(1) + Wr.col(2) - ref.col(1) - ref.col(2)).cwiseAbs().maxCoeff(), 1e-13)
          << "rows overload, gap " << gap << " n = " << n;
      EXPECT_LE((WrC.col(1) + WrC.col(2) - refC.col(1) - refC.col(2)).cwiseAbs().maxCoeff(), 1e-13)
          << "rows overload, complex, gap " << gap << " n = " << n;
      EXPECT_LE((Wr.col(0) - ref.col(0)).cwiseAbs().maxCoeff(), 1e-13) << "rows overload, gap " << gap;
      EXPECT_LE((WrC.col(0) - refC.col(0)).cwiseAbs().maxCoeff(), 1e-13) << "rows overload, complex, gap " << gap;
      expectInUnitRange(Wr);
      EXPECT_LE((Wr.rowwise().sum().array() - 1).abs().maxCoeff(), 4 * n * 2.3e-16) << "gap " << gap;
    }
  }
}

TEST(EigenvectorsAbs2, BlocksMapsAndRowMajorInput) {
  const Index n = 9;
  const MatrixXd Big = dptz_test::randomHermitian<double>(n + 3, 121);
  const MatrixXd A = Big.block(2, 2, n, n);  // a principal block of a Hermitian matrix is Hermitian
  const MatrixXd W = dptz::eigenvectorsAbs2(A);
  EXPECT_EQ(dptz::eigenvectorsAbs2(Big.block(2, 2, n, n)), W);
  EXPECT_EQ(dptz::eigenvectorsAbs2(Big.bottomRightCorner(n + 1, n + 1).topLeftCorner(n, n)), W);
  // Map of a raw array (column-major), Map with an outer stride, row-major copy, an expression.
  std::vector<double> raw(std::size_t(n * n));
  Eigen::Map<MatrixXd>(raw.data(), n, n) = A;
  EXPECT_EQ(dptz::eigenvectorsAbs2(Eigen::Map<const MatrixXd>(raw.data(), n, n)), W);
  EXPECT_EQ(dptz::eigenvectorsAbs2(Eigen::Map<const MatrixXd, 0, Eigen::OuterStride<>>(
                Big.data() + 2 * (n + 3) + 2, n, n, Eigen::OuterStride<>(n + 3))),
            W);
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Arm = A;
  EXPECT_EQ(dptz::eigenvectorsAbs2(Arm), W);
  EXPECT_EQ(dptz::eigenvectorsAbs2(A.transpose()), W);  // A symmetric: the transpose is A
  EXPECT_EQ(dptz::eigenvectorsAbs2(A * 4.0), W);        // power-of-two scaled expression
  // Map of a fixed-size raw array
  double raw4[16];
  const Eigen::Matrix4d A4 = dptz_test::randomHermitian<double>(4, 122);
  Eigen::Map<Eigen::Matrix4d> m4(raw4);
  m4 = A4;
  EXPECT_EQ(dptz::eigenvectorsAbs2(Eigen::Map<const Eigen::Matrix4d>(raw4)), dptz::eigenvectorsAbs2(A4));
  // complex block and the rows overload on a block
  const Eigen::MatrixXcd CBig = dptz_test::randomHermitian<std::complex<double>>(n + 2, 123);
  const Eigen::MatrixXcd C = CBig.block(1, 1, n, n);
  EXPECT_EQ(dptz::eigenvectorsAbs2(CBig.block(1, 1, n, n)), dptz::eigenvectorsAbs2(C));
  EXPECT_EQ(dptz::eigenvectorsAbs2(Big.block(2, 2, n, n), std::vector<Index>{4}),
            dptz::eigenvectorsAbs2(A, std::vector<Index>{4}));
  // the adjoint of a Hermitian matrix is itself
  EXPECT_EQ(dptz::eigenvectorsAbs2(C.adjoint()), dptz::eigenvectorsAbs2(C));
}

TEST(EigenvectorsAbs2, BackendsAgree) {
  if (!dptz::hasLapack()) GTEST_SKIP() << "no LAPACKE in this build";
  for (Index n : {2, 3, 10, 40}) {
    const MatrixXd A = dptz_test::randomHermitian<double>(n, 131 + std::uint64_t(n));
    RVec<double> lambda;
    lapackAbs2(A, &lambda);
    const MatrixXd We = dptz::eigenvectorsAbs2(A, Abs2Options{Backend::Eigen});
    const MatrixXd Wl = dptz::eigenvectorsAbs2(A, Abs2Options{Backend::Lapack});
    const MatrixXd Wd = dptz::eigenvectorsAbs2(A);
    EXPECT_LE(scaledError<double>(We, Wl, relativeGaps(lambda), DBL_EPSILON), Tol<double>::K) << "n = " << n;
    EXPECT_TRUE(Wd == Wl || Wd == We) << "Backend::Default is one of the two backends (the faster for this n)";
    const Eigen::MatrixXcf C = dptz_test::randomHermitian<std::complex<float>>(n, 137 + std::uint64_t(n));
    RVec<float> lc;
    lapackAbs2(C, &lc);
    EXPECT_LE(scaledError<float>(dptz::eigenvectorsAbs2(C, Abs2Options{Backend::Eigen}),
                                 dptz::eigenvectorsAbs2(C, Abs2Options{Backend::Lapack}), relativeGaps(lc),
                                 FLT_EPSILON),
              Tol<float>::K)
        << "n = " << n;
    // rows overload, both backends
    const std::vector<Index> rows = {n - 1, 0};
    EXPECT_LE(scaledError<double>(dptz::eigenvectorsAbs2(A, rows, Abs2Options{Backend::Eigen}),
                                  dptz::eigenvectorsAbs2(A, rows, Abs2Options{Backend::Lapack}), relativeGaps(lambda),
                                  DBL_EPSILON),
              Tol<double>::K);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The rows overload

TEST(EigenvectorsAbs2Rows, MatchesTheRowsOfTheFullMatrix) {
  for (Index n : {1, 2, 3, 6, 25}) {
    const Eigen::MatrixXcd A = dptz_test::randomHermitian<std::complex<double>>(n, 141 + std::uint64_t(n));
    RVec<double> lambda;
    lapackAbs2(A, &lambda);
    const MatrixXd W = dptz::eigenvectorsAbs2(A);
    std::vector<Index> rows;
    for (Index j = n - 1; j >= 0; j -= 2) rows.push_back(j);  // descending, every other row
    rows.push_back(0);                                          // a repeat
    const MatrixXd Wr = dptz::eigenvectorsAbs2(A, rows);
    ASSERT_EQ(Wr.rows(), Index(rows.size()));
    ASSERT_EQ(Wr.cols(), n);
    expectInUnitRange(Wr);
    // The all-rows path normalizes columns; the rows path cannot: equal up to the accuracy model.
    EXPECT_LE(scaledError<double>(Wr, dptz_test::selectRows(W, rows), relativeGaps(lambda), DBL_EPSILON), Tol<double>::K)
        << "n = " << n;
    EXPECT_EQ(Wr.row(Index(rows.size()) - 1), Wr.row(Index(rows.size()) - (n % 2 == 1 ? 2 : 1)))
        << "row 0 listed twice";
  }
  // All rows through the overload: row sums and column sums 1 to rounding.
  const MatrixXd A = dptz_test::randomHermitian<double>(12, 149);
  std::vector<Index> all(12);
  for (Index j = 0; j < 12; ++j) all[std::size_t(j)] = j;
  const MatrixXd Wr = dptz::eigenvectorsAbs2(A, all);
  EXPECT_LE((Wr.colwise().sum().array() - 1).abs().maxCoeff(), 1e-12);
  EXPECT_LE((Wr.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-12);
  // Diagonal matrix: exact unit rows.
  VectorXd d(5);
  d << 5, 1, 4, 2, 3;
  const MatrixXd Wd = dptz::eigenvectorsAbs2(MatrixXd(d.asDiagonal()), std::vector<Index>{0, 1, 2});
  MatrixXd expect = MatrixXd::Zero(3, 5);
  expect(0, 4) = expect(1, 0) = expect(2, 3) = 1;
  EXPECT_EQ(Wd, expect);
}

TEST(EigenvectorsAbs2Rows, EmptyRowListGivesZeroRows) {
  const MatrixXd A = dptz_test::randomHermitian<double>(5, 151);
  const MatrixXd W = dptz::eigenvectorsAbs2(A, std::vector<Index>{});
  EXPECT_EQ(W.rows(), 0);
  EXPECT_EQ(W.cols(), 5);
}

TEST(EigenvectorsAbs2Rows, RepeatedEigenvaluesShareTheProjectorDiagonal) {
  VectorXd l(6);
  l << 1, 1, 1, 2, 3, 3;
  const MatrixXd A = dptz_test::withSpectrum<double>(l, 17);
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  const std::vector<Index> rows = {5, 2};
  const MatrixXd W = dptz::eigenvectorsAbs2(A, rows);
  expectInUnitRange(W);
  const MatrixXd R = dptz_test::selectRows(ref, rows);
  expectClusterSumsMatch<double>(W, R, l, 1e-13, "rows overload {1,1,1,2,3,3}");
  const MatrixXd Wi = dptz::eigenvectorsAbs2(MatrixXd::Identity(4, 4), std::vector<Index>{3});
  EXPECT_LE((Wi.array() - 0.25).abs().maxCoeff(), 4 * DBL_EPSILON);
}

TEST(EigenvectorsAbs2Rows, SweepAndPairedProductAgainstLongDouble) {
  // The rows path takes a row from the tridiagonal form by the characteristic-polynomial sweep when every relative
  // gap exceeds 1e-6 (random, graded), by the paired product otherwise (near pairs, Wilkinson). Both against a long
  // double reference in the eps ||A|| / gap_i model, above the LAPACK crossover (n >= 32) and below.
  const auto check = [](const MatrixXd& A, const std::vector<Index>& rows, const char* what) {
    const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
    const VectorXd lambda = Eigen::SelfAdjointEigenSolver<MatrixXd>(A, Eigen::EigenvaluesOnly).eigenvalues();
    const MatrixXd W = dptz::eigenvectorsAbs2(A, rows);
    expectInUnitRange(W);
    const double e = scaledError<double>(W, dptz_test::selectRows(ref, rows), relativeGaps(lambda), DBL_EPSILON);
    std::printf("[measured] rows path, %s: max |W - W_ref| in units of eps ||A|| / gap_i: %.3g\n", what, e);
    EXPECT_LE(e, Tol<double>::K) << what;
    return W;
  };
  for (Index n : {20, 100}) {
    check(dptz_test::randomHermitian<double>(n, 901 + std::uint64_t(n)), {0, n / 2, n - 1}, "random");
    // graded: entries scaled by 10^(-(i + j) / 10), a 1e-20 range
    MatrixXd G = dptz_test::randomHermitian<double>(n, 902 + std::uint64_t(n));
    for (Index i = 0; i < n; ++i)
      for (Index j = 0; j < n; ++j) G(i, j) *= std::pow(10.0, -double(i + j) * 10.0 / double(n));
    check(G, {0, n - 1}, "graded");
  }
  // Wilkinson W21+ (pairs 1e-14 .. 1e-1 apart) embedded in a rotation: the paired product.
  MatrixXd W21 = MatrixXd::Zero(21, 21);
  for (Index k = 0; k < 21; ++k) W21(k, k) = std::abs(double(k - 10));
  for (Index k = 0; k < 20; ++k) W21(k, k + 1) = W21(k + 1, k) = 1;
  check(W21, {0, 10, 20}, "W21+");
  // A close pair inside the sweep's range (gap 1e-4 of ||A||): entries to eps ||A|| / gap, and the pair's sum with
  // the same error model (not at rounding, as the paired product keeps it below 1e-6).
  VectorXd l = VectorXd::LinSpaced(40, -1, 1);
  l(20) = l(19) + 1e-4;
  const MatrixXd A = dptz_test::withSpectrum<double>(l, 903);
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  const std::vector<Index> rows = {0, 7, 39};
  const MatrixXd W = check(A, rows, "pair gap 1e-4");
  const MatrixXd refRows = dptz_test::selectRows(ref, rows);
  const double pairErr =
      (W.col(19) + W.col(20) - refRows.col(19) - refRows.col(20)).cwiseAbs().maxCoeff();
  std::printf("[measured] rows path, pair gap 1e-4: pair sum error %.3g eps ||A|| / gap\n", pairErr * 1e-4 / DBL_EPSILON);
  EXPECT_LE(pairErr, Tol<double>::K * DBL_EPSILON / 1e-4);
}

// ---------------------------------------------------------------------------------------------------------------
// Bad input

TEST(EigenvectorsAbs2BadInput, NonSquareAndEmpty) {
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(MatrixXd::Zero(3, 4)), "dptz::eigenvectorsAbs2: matrix must be square, got 3 x 4");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(MatrixXd::Zero(3, 4), std::vector<Index>{0}),
                      "matrix must be square, got 3 x 4");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(Eigen::MatrixXcf::Zero(2, 1)), "matrix must be square, got 2 x 1");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(MatrixXd(0, 0)), "dptz::eigenvectorsAbs2: matrix is empty (0 x 0)");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(MatrixXd(0, 0), std::vector<Index>{}), "matrix is empty (0 x 0)");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(MatrixXd(0, 3)), "matrix must be square, got 0 x 3");
  const MatrixXd Big = MatrixXd::Identity(5, 5);
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(Big.block(0, 0, 2, 3)), "matrix must be square, got 2 x 3");
}

TEST(EigenvectorsAbs2BadInput, NonFiniteEntryIsNamed) {
  MatrixXd A = MatrixXd::Identity(4, 4);
  A(2, 1) = A(1, 2) = std::numeric_limits<double>::quiet_NaN();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A), "entry A(2, 1) is not finite");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, std::vector<Index>{0}), "entry A(2, 1) is not finite");
  A = MatrixXd::Identity(4, 4);
  A(3, 3) = -std::numeric_limits<double>::infinity();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A), "entry A(3, 3) is not finite (-inf)");
  Eigen::MatrixXcd C = Eigen::MatrixXcd::Identity(3, 3);
  C(0, 2) = std::complex<double>(0, std::numeric_limits<double>::infinity());
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(C), "entry A(0, 2) is not finite");
  Eigen::MatrixXf F = Eigen::MatrixXf::Identity(2, 2);
  F(1, 0) = std::numeric_limits<float>::quiet_NaN();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(F), "entry A(1, 0) is not finite");
  // the first non-finite entry (column-major order) is the one named
  A = MatrixXd::Identity(4, 4);
  A(3, 2) = A(1, 0) = std::numeric_limits<double>::infinity();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A), "entry A(1, 0) is not finite (inf)");
}

TEST(EigenvectorsAbs2BadInput, NotHermitianSaysHowFar) {
  MatrixXd A(3, 3);
  A << 2, 1, 0, 1, 2, 1, 0, 1, 2;
  A(2, 0) = 0.5;
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A),
                      "dptz::eigenvectorsAbs2: matrix is not Hermitian: |A(2, 0) - conj(A(0, 2))| = 0.5 exceeds the "
                      "tolerance");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, std::vector<Index>{1}), "|A(2, 0) - conj(A(0, 2))| = 0.5");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A), "max|A_ij| = 2");
  // complex: A(1, 0) must be conj(A(0, 1)); a non-real diagonal is not Hermitian either
  Eigen::MatrixXcd C = Eigen::MatrixXcd::Identity(2, 2);
  C(0, 1) = C(1, 0) = std::complex<double>(1, 1);
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(C), "|A(1, 0) - conj(A(0, 1))| = 2");
  C = Eigen::MatrixXcd::Identity(2, 2);
  C(1, 1) = std::complex<double>(1, 0.25);
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(C), "|A(1, 1) - conj(A(1, 1))| = 0.5");
  // an asymmetry within the tolerance (100 n eps max|A_ij|) is accepted: the lower triangle is used
  MatrixXd N = dptz_test::randomHermitian<double>(6, 161);
  N(4, 1) += 10 * DBL_EPSILON * N.cwiseAbs().maxCoeff();
  EXPECT_NO_THROW(dptz::eigenvectorsAbs2(N));
  N(4, 1) += 1e-6 * N.cwiseAbs().maxCoeff();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(N), "|A(4, 1) - conj(A(1, 4))|");
}

TEST(EigenvectorsAbs2BadInput, RowIndexOutOfRange) {
  const MatrixXd A = dptz_test::randomHermitian<double>(5, 171);
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, std::vector<Index>{0, 5}),
                      "dptz::eigenvectorsAbs2: row index 5 is out of range [0, 5)");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, std::vector<Index>{-1}), "row index -1 is out of range [0, 5)");
  const Eigen::Matrix3cd C = Eigen::Matrix3cd::Identity();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(C, std::vector<Index>{2, 3}), "row index 3 is out of range [0, 3)");
}

TEST(EigenvectorsAbs2BadInput, BadOptions) {
  const MatrixXd A = dptz_test::randomHermitian<double>(4, 181);
  Abs2Options o;
  o.clusterTolerance = std::numeric_limits<double>::quiet_NaN();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, o), "dptz::eigenvectorsAbs2: clusterTolerance is NaN");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, std::vector<Index>{1}, o), "clusterTolerance is NaN");
  // LAPACK has no long double routine: asking for it is an error, not a silent switch to Eigen.
  const Mat<long double> L = A.cast<long double>();
  const Abs2Options lap{Backend::Lapack};
  if (dptz::hasLapack()) {
    DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(L, lap),
                        "Backend::Lapack requested but LAPACK has no routine for this scalar type");
    DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(Mat<std::complex<long double>>(L.cast<std::complex<long double>>()),
                                               std::vector<Index>{0}, lap),
                        "Backend::Lapack requested but LAPACK has no routine for this scalar type");
  } else {
    DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, lap), "Backend::Lapack requested but this build has no LAPACKE");
  }
  // long double with the default or Eigen backend works
  EXPECT_NO_THROW(dptz::eigenvectorsAbs2(L));
  EXPECT_NO_THROW(dptz::eigenvectorsAbs2(L, Abs2Options{Backend::Eigen}));
}

TEST(EigenvectorsAbs2BadInput, Abs2FromEigenvaluesRemainingChecks) {
  // The size / order checks of abs2FromEigenvalues not already covered in test_identity.cpp.
  VectorXd lambda(3), longMu(3), mu(2);
  lambda << 0, 1, 2;
  longMu << 0.5, 1, 1.5;
  mu << 0.5, 1.5;
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(lambda, longMu),
                      "dptz::abs2FromEigenvalues: mu must have size lambda.size() - 1 = 2, got 3");
  VectorXd one(1), emptyMu(0);
  one << 4;
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(one, one), "mu must have size lambda.size() - 1 = 0, got 1");
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(lambda, mu, std::numeric_limits<double>::quiet_NaN()),
                      "cluster tolerance is NaN");
  VectorXd down(3);
  down << 2, 1, 0;
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(down, mu), "lambda must be ascending, but lambda(1) = 1 < lambda(0) = 2");
  VectorXd badMu(2);
  badMu << 1.5, -0.5;
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(lambda, badMu), "mu must be ascending, but mu(1) = -0.5 < mu(0) = 1.5");
  // Equal neighbours are ascending (repeated eigenvalues are legal).
  VectorXd rep(3), repMu(2);
  rep << 1, 1, 2;
  repMu << 1, 1.5;
  EXPECT_NO_THROW(dptz::abs2FromEigenvalues(rep, repMu));
  // abs2FromEigenvalues agrees with eigenvectorsAbs2 on spectra LAPACK computed (row 3 of a random matrix).
  const MatrixXd A = dptz_test::randomHermitian<double>(7, 191);
  dptz::LapackEigenSolver<MatrixXd> es(A, Eigen::EigenvaluesOnly);
  std::vector<Index> keep = {0, 1, 2, 4, 5, 6};
  dptz::LapackEigenSolver<MatrixXd> em(MatrixXd(A(keep, keep)), Eigen::EigenvaluesOnly);
  const VectorXd w = dptz::abs2FromEigenvalues(es.eigenvalues(), em.eigenvalues());
  const MatrixXd W3 = dptz::eigenvectorsAbs2(A, std::vector<Index>{3});
  EXPECT_LE((w.transpose() - W3).cwiseAbs().maxCoeff(), 1e-12);
}

}  // namespace

// Near-degenerate groups at the edge of resolution: the entries carry errors of eps ||A|| / gap (here up to a few
// per cent), but the returned matrix is still doubly stochastic: entries in [0, 1], columns summing to 1 to rounding,
// rows to the accuracy of the projector diagonals (well conditioned: a few hundred eps here), at any scale.
namespace {
void expectDoublyStochastic(const Eigen::MatrixXd& W, const std::string& what) {
  ASSERT_TRUE(W.allFinite()) << what;
  EXPECT_GE(W.minCoeff(), 0.0) << what;
  EXPECT_LE(W.maxCoeff(), 1.0) << what;
  EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 4 * double(W.rows()) * DBL_EPSILON) << what;
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1000 * DBL_EPSILON) << what;
}
}  // namespace

TEST(EigenvectorsAbs2, NearlyDegenerateGroupsStayDoublyStochastic) {
  MatrixXd A = MatrixXd::Identity(5, 5);
  A(0, 0) = 1 + 1.9e-14;
  A(0, 1) = A(1, 0) = -1.33e-14;
  for (double s : {1.0, 8.99e307, 1e-300}) expectDoublyStochastic(dptz::eigenvectorsAbs2(MatrixXd(A * s)), "5x5");
  MatrixXd B = -2 * MatrixXd::Identity(6, 6);
  B(0, 1) = B(1, 0) = -9.5496943686157465e-12;
  expectDoublyStochastic(dptz::eigenvectorsAbs2(B), "2x2 block + -2 I_4");
  // A random matrix with a tight cluster of three, at 1e-13 relative: balanced columns and exact sums together.
  Eigen::VectorXd lambda(7);
  lambda << -1, 0.25, 0.25 + 1e-13, 0.25 + 3e-13, 0.5, 0.75, 1;
  expectDoublyStochastic(dptz::eigenvectorsAbs2(dptz_test::withSpectrum<double>(lambda, 5)), "cluster of three");
}

TEST(EigenvectorsAbs2, SolverEntriesNeverExceedOne) {
  for (auto [n, big, rest] : {std::tuple<int, double, double>{8, -4.0000002235174179, -4},
                              std::tuple<int, double, double>{12, 0.99999880790710449, 1}}) {
    Eigen::VectorXd d = Eigen::VectorXd::Constant(n, rest);
    d(0) = big;
    const MatrixXd A = d.asDiagonal();
    dptz::IdentityEigenSolver<MatrixXd> es(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    expectDoublyStochastic(es.eigenvectorsAbs2(), "diagonal n = " + std::to_string(n));
    expectDoublyStochastic(dptz::eigenvectorsAbs2(A), "dense diagonal n = " + std::to_string(n));
  }
  MatrixXd B = -2 * MatrixXd::Identity(6, 6);
  B(0, 1) = B(1, 0) = -9.5496943686157465e-12;
  dptz::IdentityEigenSolver<MatrixXd> es(B, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
  expectDoublyStochastic(es.eigenvectorsAbs2(), "solver, 2x2 block + -2 I_4");
}

TEST(EigenvectorsAbs2Rows, RowsSumToOneAtTheEdgeOfResolution) {
  MatrixXd A = MatrixXd::Identity(5, 5);
  A(0, 0) = 1 + 1.9e-14;
  A(0, 1) = A(1, 0) = -1.33e-14;
  const MatrixXd W = dptz::eigenvectorsAbs2(A, std::vector<Index>{0, 1, 4});
  ASSERT_TRUE(W.allFinite());
  EXPECT_GE(W.minCoeff(), 0.0);
  EXPECT_LE(W.maxCoeff(), 1.0);
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 8 * DBL_EPSILON);
}
