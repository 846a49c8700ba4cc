// Tests of dptz/lapack_eigen_solver.hpp: dptz::LapackEigenSolver (LAPACKE ?syevd / ?heevd behind Eigen's
// SelfAdjointEigenSolver interface) — eigenvalues against Eigen's solver, orthonormality and residual of the
// eigenvectors, EigenvaluesOnly vs ComputeEigenvectors, workspace reuse, fixed sizes, expressions, bad input and
// that a failed compute leaves the solver as it was.
#include <dptz/dptz.hpp>

#include <cfloat>
#include <complex>
#include <cstdio>
#include <limits>
#include <vector>

#include "test_util.hpp"

#ifdef DPTZ_HAS_LAPACKE

namespace {

using dptz::LapackEigenSolver;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

template <typename Scalar>
using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <typename Scalar>
using RealOf = typename Eigen::NumTraits<Scalar>::Real;
template <typename Real>
using RVec = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

template <typename Scalar>
class LapackSolverTyped : public ::testing::Test {};
using LapackScalars = ::testing::Types<double, std::complex<double>, float, std::complex<float>>;
TYPED_TEST_SUITE(LapackSolverTyped, LapackScalars, dptz_test::ScalarNames);

/// ||A V - V diag(lambda)||_F / (||A||_2 n eps) and ||V^* V - I||_F / (n eps), ||A||_2 = max|lambda|.
template <typename Scalar, typename Solver>
void measure(const Mat<Scalar>& A, const Solver& es, double& residual, double& orthogonality) {
  using Real = RealOf<Scalar>;
  const Index n = A.rows();
  const double eps = double(Eigen::NumTraits<Real>::epsilon());
  const Mat<Scalar> V = es.eigenvectors();
  const Mat<Scalar> Lam = es.eigenvalues().template cast<Scalar>().asDiagonal();
  const double norm = std::max(double(es.eigenvalues().cwiseAbs().maxCoeff()), 1e-300);
  residual = double((A * V - V * Lam).norm()) / (norm * double(n) * eps);
  orthogonality = double((V.adjoint() * V - Mat<Scalar>::Identity(n, n)).norm()) / (double(n) * eps);
}

TYPED_TEST(LapackSolverTyped, RandomHermitianAgainstEigen) {
  using Scalar = TypeParam;
  using Real = RealOf<Scalar>;
  const double eps = double(Eigen::NumTraits<Real>::epsilon());
  double worstRes = 0, worstOrth = 0, worstVal = 0;
  for (Index n : {1, 2, 3, 5, 10, 50, 200}) {
    const Mat<Scalar> A = dptz_test::randomHermitian<Scalar>(n, 1000 + std::uint64_t(n));
    LapackEigenSolver<Mat<Scalar>> es(A);
    ASSERT_EQ(es.info(), Eigen::Success) << "n = " << n;
    ASSERT_EQ(es.eigenvalues().size(), n);
    ASSERT_EQ(es.eigenvectors().rows(), n);
    ASSERT_EQ(es.eigenvectors().cols(), n);
    ASSERT_TRUE(es.eigenvalues().allFinite() && es.eigenvectors().allFinite());
    for (Index i = 1; i < n; ++i) EXPECT_LE(es.eigenvalues()(i - 1), es.eigenvalues()(i)) << "ascending";
    // Eigenvalues against Eigen's solver: both backward stable, so within a few n eps ||A||.
    Eigen::SelfAdjointEigenSolver<Mat<Scalar>> ref(A, Eigen::EigenvaluesOnly);
    const double norm = double(ref.eigenvalues().cwiseAbs().maxCoeff());
    const double dv = double((es.eigenvalues() - ref.eigenvalues()).cwiseAbs().maxCoeff()) / (norm * eps);
    worstVal = std::max(worstVal, dv);
    EXPECT_LE(dv, 4.0 * double(n)) << "n = " << n;
    double res = 0, orth = 0;
    measure<Scalar>(A, es, res, orth);
    worstRes = std::max(worstRes, res);
    worstOrth = std::max(worstOrth, orth);
    // Measured max over n and the four types: residual 1.9, orthogonality 1.7 (units of n eps, Frobenius norms,
    // largest at the smallest n); 8 leaves a margin of 4.
    EXPECT_LE(res, 8.0) << "n = " << n;
    EXPECT_LE(orth, 8.0) << "n = " << n;
  }
  std::printf("[measured] %s: max |lambda - lambda_eigen| = %.3g eps ||A||; residual %.3g n eps ||A||; "
              "orthogonality %.3g n eps\n",
              ::testing::UnitTest::GetInstance()->current_test_info()->type_param(), worstVal, worstRes, worstOrth);
}

TYPED_TEST(LapackSolverTyped, EigenvaluesOnlyAgreesWithComputeEigenvectors) {
  using Scalar = TypeParam;
  using Real = RealOf<Scalar>;
  const double eps = double(Eigen::NumTraits<Real>::epsilon());
  for (Index n : {1, 4, 33}) {
    const Mat<Scalar> A = dptz_test::randomHermitian<Scalar>(n, 2000 + std::uint64_t(n));
    LapackEigenSolver<Mat<Scalar>> vals(A, Eigen::EigenvaluesOnly), vecs(A, Eigen::ComputeEigenvectors);
    ASSERT_EQ(vals.info(), Eigen::Success);
    ASSERT_EQ(vecs.info(), Eigen::Success);
    // Different algorithms inside LAPACK (?sterf vs ?stedc): equal to rounding, not bitwise.
    const double norm = double(vecs.eigenvalues().cwiseAbs().maxCoeff());
    EXPECT_LE(double((vals.eigenvalues() - vecs.eigenvalues()).cwiseAbs().maxCoeff()), 4.0 * double(n) * eps * norm);
  }
}

TYPED_TEST(LapackSolverTyped, OneSolverReusedAcrossSizesAndJobs) {
  // The LAPACK workspace is kept between calls and re-queried when n or the job changes: every result must equal
  // that of a fresh solver, bitwise.
  using Scalar = TypeParam;
  LapackEigenSolver<Mat<Scalar>> es;
  const std::vector<std::pair<Index, int>> plan = {{10, Eigen::ComputeEigenvectors}, {10, Eigen::EigenvaluesOnly},
                                                   {30, Eigen::EigenvaluesOnly},     {30, Eigen::ComputeEigenvectors},
                                                   {5, Eigen::ComputeEigenvectors},  {1, Eigen::EigenvaluesOnly},
                                                   {64, Eigen::ComputeEigenvectors}};
  std::uint64_t seed = 3000;
  for (const auto& step : plan) {
    const Mat<Scalar> A = dptz_test::randomHermitian<Scalar>(step.first, ++seed);
    LapackEigenSolver<Mat<Scalar>>& self = es.compute(A, step.second);
    EXPECT_EQ(&self, &es) << "compute returns *this";
    const LapackEigenSolver<Mat<Scalar>> fresh(A, step.second);
    ASSERT_EQ(es.info(), Eigen::Success);
    EXPECT_EQ(es.eigenvalues(), fresh.eigenvalues()) << "n = " << step.first << " options " << step.second;
    if (step.second == Eigen::ComputeEigenvectors) {
      EXPECT_EQ(es.eigenvectors(), fresh.eigenvectors());
    }
  }
  // The preallocating constructor
  LapackEigenSolver<Mat<Scalar>> pre(Index(7));
  const Mat<Scalar> A = dptz_test::randomHermitian<Scalar>(7, 3100);
  pre.compute(A);
  EXPECT_EQ(pre.eigenvalues(), LapackEigenSolver<Mat<Scalar>>(A).eigenvalues());
}

TEST(LapackEigenSolver, ClosedFormsAndExactCases) {
  // diag(1..6) in a shuffled order: exact eigenvalues, unit eigenvectors.
  VectorXd d(6);
  d << 4, 1, 6, 2, 5, 3;
  LapackEigenSolver<MatrixXd> es(MatrixXd(d.asDiagonal()));
  VectorXd sorted(6);
  sorted << 1, 2, 3, 4, 5, 6;
  EXPECT_EQ(es.eigenvalues(), sorted);
  MatrixXd P = MatrixXd::Zero(6, 6);  // eigenvalue k + 1 sits at row position of k + 1 in d
  for (Index j = 0; j < 6; ++j) P(j, Index(d(j)) - 1) = 1;
  EXPECT_EQ(es.eigenvectors().cwiseAbs(), P);
  // [[2, 1], [1, 2]]: eigenvalues 1, 3, vectors (1, -+1)/sqrt2.
  Eigen::Matrix2d T;
  T << 2, 1, 1, 2;
  LapackEigenSolver<Eigen::Matrix2d> e2(T);
  EXPECT_NEAR(e2.eigenvalues()(0), 1.0, 4 * DBL_EPSILON);
  EXPECT_NEAR(e2.eigenvalues()(1), 3.0, 4 * DBL_EPSILON);
  EXPECT_LE((e2.eigenvectors().cwiseAbs2().array() - 0.5).abs().maxCoeff(), 4 * DBL_EPSILON);
  // Complex 2x2 [[0, -i], [i, 0]] (Pauli y): eigenvalues -1, 1.
  Eigen::Matrix2cd Y;
  Y << 0, std::complex<double>(0, -1), std::complex<double>(0, 1), 0;
  LapackEigenSolver<Eigen::Matrix2cd> ey(Y);
  EXPECT_NEAR(ey.eigenvalues()(0), -1.0, 4 * DBL_EPSILON);
  EXPECT_NEAR(ey.eigenvalues()(1), 1.0, 4 * DBL_EPSILON);
  double res = 0, orth = 0;
  measure<std::complex<double>>(Y, ey, res, orth);
  EXPECT_LE(res, 4.0);
  EXPECT_LE(orth, 4.0);
  // Identity and zero: repeated eigenvalues, orthonormal vectors.
  LapackEigenSolver<MatrixXd> ei(MatrixXd::Identity(5, 5));
  EXPECT_EQ(ei.eigenvalues(), VectorXd::Ones(5));
  measure<double>(MatrixXd::Identity(5, 5), ei, res, orth);
  EXPECT_LE(orth, 4.0);
  LapackEigenSolver<MatrixXd> ez(MatrixXd::Zero(3, 3));
  EXPECT_EQ(ez.eigenvalues(), VectorXd::Zero(3));
  EXPECT_TRUE(ez.eigenvectors().allFinite());
  // 1x1
  LapackEigenSolver<Eigen::Matrix<float, 1, 1>> e1(Eigen::Matrix<float, 1, 1>::Constant(-2.5f));
  EXPECT_EQ(e1.eigenvalues()(0), -2.5f);
  EXPECT_EQ(std::abs(e1.eigenvectors()(0, 0)), 1.0f);
}

TEST(LapackEigenSolver, EigenvectorsMatchEigenUpToPhase) {
  // Well-separated spectrum: |V|^2 is well conditioned, so LAPACK's and Eigen's agree entrywise.
  const VectorXd l = VectorXd::LinSpaced(20, -1, 1);
  const Eigen::MatrixXcd A = dptz_test::withSpectrum<std::complex<double>>(l, 4000);
  LapackEigenSolver<Eigen::MatrixXcd> es(A);
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> ref(A);
  EXPECT_LE((es.eigenvectors().cwiseAbs2() - ref.eigenvectors().cwiseAbs2()).cwiseAbs().maxCoeff(), 1e-13);
  EXPECT_LE((es.eigenvalues() - l).cwiseAbs().maxCoeff(), 1e-14);
  // |V|^2 against the long double reference
  EXPECT_LE((es.eigenvectors().cwiseAbs2() - dptz_test::referenceAbs2LongDouble(A)).cwiseAbs().maxCoeff(), 1e-13);
}

TEST(LapackEigenSolver, FixedSizesBlocksMapsAndExpressions) {
  const MatrixXd Big = dptz_test::randomHermitian<double>(8, 5000);
  const MatrixXd A = Big.block(1, 1, 4, 4);
  const LapackEigenSolver<MatrixXd> dyn(A);
  // fixed size, from a block, a Map with outer stride, a row-major copy, an expression
  const LapackEigenSolver<Eigen::Matrix4d> fixed(Big.block<4, 4>(1, 1));
  EXPECT_EQ(fixed.eigenvalues(), dyn.eigenvalues());
  EXPECT_EQ(fixed.eigenvectors(), dyn.eigenvectors());
  const Eigen::Map<const MatrixXd, 0, Eigen::OuterStride<>> map(Big.data() + 8 + 1, 4, 4, Eigen::OuterStride<>(8));
  const LapackEigenSolver<MatrixXd> fromMap(map);
  EXPECT_EQ(fromMap.eigenvalues(), dyn.eigenvalues());
  EXPECT_EQ(fromMap.eigenvectors(), dyn.eigenvectors());
  double raw[16];
  Eigen::Map<Eigen::Matrix4d> m4(raw);
  m4 = A;
  const LapackEigenSolver<Eigen::Matrix4d> fromRaw{Eigen::Map<const Eigen::Matrix4d>(raw)};
  EXPECT_EQ(fromRaw.eigenvalues(), dyn.eigenvalues());
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> Arm = A;
  const LapackEigenSolver<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> rowMajor(Arm);
  EXPECT_EQ(rowMajor.eigenvalues(), dyn.eigenvalues());
  EXPECT_EQ(rowMajor.eigenvectors(), dyn.eigenvectors());  // stored column-major, same numbers
  const LapackEigenSolver<MatrixXd> expr((A + A.transpose()) * 0.5);
  EXPECT_EQ(expr.eigenvalues(), dyn.eigenvalues());
  // Fixed sizes of every LAPACK type, including a fixed max size with dynamic size
  const LapackEigenSolver<Eigen::Matrix3cf> c3(Eigen::Matrix3cf(dptz_test::randomHermitian<std::complex<float>>(3, 5001)));
  EXPECT_EQ(c3.info(), Eigen::Success);
  double res = 0, orth = 0;
  measure<std::complex<float>>(dptz_test::randomHermitian<std::complex<float>>(3, 5001), c3, res, orth);
  EXPECT_LE(res, 4.0);
  EXPECT_LE(orth, 4.0);
  using Bounded = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, 6, 6>;
  const LapackEigenSolver<Bounded> bounded{Bounded(A)};
  EXPECT_EQ(bounded.eigenvalues(), dyn.eigenvalues());
  const LapackEigenSolver<Eigen::Matrix<float, 5, 5>> f5(
      Eigen::Matrix<float, 5, 5>(dptz_test::randomHermitian<float>(5, 5002)));
  EXPECT_EQ(f5.info(), Eigen::Success);
}

TEST(LapackEigenSolver, ExtremeScales) {
  // LAPACK scales internally: entries near 1e300 and 1e-300 give finite results and the scaled eigenvalues.
  const MatrixXd A = dptz_test::randomHermitian<double>(12, 6000);
  const LapackEigenSolver<MatrixXd> es(A);
  for (double s : {1e300, 1e-300, 0x1p+900, 0x1p-900}) {
    const LapackEigenSolver<MatrixXd> ss(MatrixXd(A * s));
    ASSERT_EQ(ss.info(), Eigen::Success) << s;
    ASSERT_TRUE(ss.eigenvalues().allFinite() && ss.eigenvectors().allFinite()) << s;
    EXPECT_LE(((ss.eigenvalues() / s) - es.eigenvalues()).cwiseAbs().maxCoeff(),
              100 * DBL_EPSILON * es.eigenvalues().cwiseAbs().maxCoeff())
        << s;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Bad input

TEST(LapackEigenSolverBadInput, MessagesNameTheProblem) {
  LapackEigenSolver<MatrixXd> es;
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd::Zero(3, 4)), "dptz::LapackEigenSolver::compute: matrix must be square, got 3 x 4");
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd(0, 0)), "dptz::LapackEigenSolver::compute: matrix is empty (0 x 0)");
  DPTZ_EXPECT_INVALID(LapackEigenSolver<MatrixXd>(MatrixXd::Zero(2, 1)), "matrix must be square, got 2 x 1");
  MatrixXd A = MatrixXd::Identity(4, 4);
  A(1, 3) = std::numeric_limits<double>::quiet_NaN();
  DPTZ_EXPECT_INVALID(es.compute(A), "entry A(1, 3) is not finite");
  A = MatrixXd::Identity(4, 4);
  A(0, 0) = std::numeric_limits<double>::infinity();
  DPTZ_EXPECT_INVALID(es.compute(A, Eigen::EigenvaluesOnly), "entry A(0, 0) is not finite (inf)");
  Eigen::MatrixXcf C = Eigen::MatrixXcf::Identity(3, 3);
  C(2, 1) = std::complex<float>(std::numeric_limits<float>::quiet_NaN(), 0);
  LapackEigenSolver<Eigen::MatrixXcf> ec;
  DPTZ_EXPECT_INVALID(ec.compute(C), "entry A(2, 1) is not finite");
  // not Hermitian: says where and how far
  MatrixXd N(3, 3);
  N << 2, 1, 0, 1, 2, 1, 0, 1, 2;
  N(0, 2) = -0.25;
  DPTZ_EXPECT_INVALID(es.compute(N), "matrix is not Hermitian: |A(2, 0) - conj(A(0, 2))| = 0.25 exceeds the tolerance");
  Eigen::MatrixXcd H = Eigen::MatrixXcd::Identity(2, 2);
  H(0, 0) = std::complex<double>(1, 1e-3);
  LapackEigenSolver<Eigen::MatrixXcd> eh;
  DPTZ_EXPECT_INVALID(eh.compute(H), "|A(0, 0) - conj(A(0, 0))| = 0.002");
  // options other than ComputeEigenvectors / EigenvaluesOnly
  const MatrixXd I = MatrixXd::Identity(2, 2);
  DPTZ_EXPECT_INVALID(es.compute(I, 0), "options must be Eigen::ComputeEigenvectors or Eigen::EigenvaluesOnly, got 0");
  DPTZ_EXPECT_INVALID(es.compute(I, Eigen::ComputeEigenvectors | Eigen::EigenvaluesOnly),
                      "options must be Eigen::ComputeEigenvectors or Eigen::EigenvaluesOnly");
  DPTZ_EXPECT_INVALID(LapackEigenSolver<MatrixXd>(I, Eigen::ComputeFullU), "options must be");
}

TEST(LapackEigenSolverBadInput, WrongSizeForFixedSizeSolver) {
  // A fixed-size solver must not copy a wrong-size input (undefined behaviour): it throws first.
  LapackEigenSolver<Eigen::Matrix3d> es;
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd::Identity(4, 4)), "matrix is 4 x 4");
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd::Identity(2, 2)), "matrix is 2 x 2");
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd::Zero(3, 2)), "matrix must be square, got 3 x 2");
  LapackEigenSolver<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, 4, 4>> bounded;
  DPTZ_EXPECT_INVALID(bounded.compute(MatrixXd::Identity(5, 5)), "matrix is 5 x 5");
  EXPECT_NO_THROW(bounded.compute(MatrixXd::Identity(3, 3)));
}

TEST(LapackEigenSolverBadInput, FailedComputeLeavesSolverUnchanged) {
  const Eigen::MatrixXcd A = dptz_test::randomHermitian<std::complex<double>>(6, 7000);
  LapackEigenSolver<Eigen::MatrixXcd> es(A);
  ASSERT_EQ(es.info(), Eigen::Success);
  const VectorXd values = es.eigenvalues();
  const Eigen::MatrixXcd vectors = es.eigenvectors();
  Eigen::MatrixXcd bad = dptz_test::randomHermitian<std::complex<double>>(9, 7001);
  bad(4, 4) = std::complex<double>(std::numeric_limits<double>::infinity(), 0);
  DPTZ_EXPECT_INVALID(es.compute(bad), "entry A(4, 4) is not finite");
  bad = dptz_test::randomHermitian<std::complex<double>>(9, 7002);
  bad(5, 0) += 1.0;
  DPTZ_EXPECT_INVALID(es.compute(bad, Eigen::EigenvaluesOnly), "not Hermitian");
  DPTZ_EXPECT_INVALID(es.compute(Eigen::MatrixXcd(2, 3)), "must be square");
  DPTZ_EXPECT_INVALID(es.compute(A, 12345), "options must be");
  EXPECT_EQ(es.info(), Eigen::Success);
  EXPECT_EQ(es.eigenvalues(), values);
  EXPECT_EQ(es.eigenvectors(), vectors);
  // and the solver still works afterwards, with the same result as before
  es.compute(A);
  EXPECT_EQ(es.eigenvalues(), values);
  EXPECT_EQ(es.eigenvectors(), vectors);
}

TEST(LapackEigenSolverBadInput, SmallAsymmetryIsAcceptedAndOnlyTheLowerTriangleIsRead) {
  // Within 100 n eps max|A_ij| the input is accepted; ?syevd reads the lower triangle, so the result equals that
  // of the lower triangle mirrored.
  MatrixXd A = dptz_test::randomHermitian<double>(8, 8000);
  const MatrixXd sym = A;
  A(2, 6) += 50 * DBL_EPSILON * A.cwiseAbs().maxCoeff();  // upper triangle
  LapackEigenSolver<MatrixXd> es(A), ref(sym);
  EXPECT_EQ(es.eigenvalues(), ref.eigenvalues());
  EXPECT_EQ(es.eigenvectors(), ref.eigenvectors());
  A(2, 6) += 1e-8;
  DPTZ_EXPECT_INVALID(es.compute(A), "|A(6, 2) - conj(A(2, 6))|");
}

}  // namespace

#else  // no LAPACKE: LapackEigenSolver does not exist in this build (static_assert); nothing to test.

TEST(LapackEigenSolver, NotAvailableWithoutLapacke) { EXPECT_FALSE(dptz::hasLapack()); }

#endif
