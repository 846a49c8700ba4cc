// Tests of dptz/identity_eigen_solver.hpp and of the one-row path of eigenvectorsAbs2(A, rows).
#include <dptz/eigenvectors_abs2.hpp>
#include <dptz/identity_eigen_solver.hpp>
#include <dptz/lapack_eigen_solver.hpp>

#include <cmath>
#include <limits>
#include <numeric>

#include "test_util.hpp"

using Eigen::Index;
using Eigen::MatrixXcd;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();

template <typename M, typename V, typename L>
double residual(const M& A, const V& Vm, const L& lambda) {  // ||AV - V Lambda||_F / ||A||_F / (n eps)
  const double n = double(A.rows());
  return (A * Vm - Vm * lambda.asDiagonal()).norm() / A.norm() / (n * kEps);
}

template <typename V>
double orthogonality(const V& Vm) {  // ||V^* V - I||_F / (n eps)
  const Index n = Vm.cols();
  return (Vm.adjoint() * Vm - V::Identity(n, n)).norm() / (double(n) * kEps);
}

template <typename M>
void expectGoodVectors(const M& A, double bound = 50, int options = Eigen::ComputeEigenvectors) {
  dptz::IdentityEigenSolver<M> es(A, options);
  ASSERT_EQ(es.info(), Eigen::Success);
  ASSERT_TRUE(es.eigenvectors().allFinite());
  ASSERT_TRUE(es.eigenvalues().allFinite());
  EXPECT_LE(residual(A, es.eigenvectors(), es.eigenvalues()), bound) << "n = " << A.rows();
  EXPECT_LE(orthogonality(es.eigenvectors()), bound) << "n = " << A.rows();
}

MatrixXd kron(const MatrixXd& X, const MatrixXd& Y) {
  MatrixXd K(X.rows() * Y.rows(), X.cols() * Y.cols());
  for (Index i = 0; i < X.rows(); ++i)
    for (Index j = 0; j < X.cols(); ++j) K.block(i * Y.rows(), j * Y.cols(), Y.rows(), Y.cols()) = X(i, j) * Y;
  return K;
}

MatrixXd hypercube(int d) {
  const Index n = Index(1) << d;
  MatrixXd A = MatrixXd::Zero(n, n);
  for (Index v = 0; v < n; ++v)
    for (int b = 0; b < d; ++b) A(v, v ^ (Index(1) << b)) = 1;
  return A;
}

MatrixXd wilkinson(Index m) {  // W_{2m+1}^+
  const Index n = 2 * m + 1;
  MatrixXd W = MatrixXd::Zero(n, n);
  for (Index i = 0; i < n; ++i) W(i, i) = double(std::abs(m - i));
  for (Index i = 0; i + 1 < n; ++i) W(i, i + 1) = W(i + 1, i) = 1;
  return W;
}

}  // namespace

TEST(IdentityEigenSolver, RandomGoeGueVectors) {
  for (Index n : {1, 2, 3, 7, 30, 120, 200}) {
    expectGoodVectors(dptz_test::randomHermitian<double>(n, 100 + n));
    if (n <= 120) expectGoodVectors(dptz_test::randomHermitian<std::complex<double>>(n, 200 + n));
  }
}

TEST(IdentityEigenSolver, EigenvaluesMatchLapackAndAbs2MatchesLapack) {
  for (Index n : {4, 17, 50}) {
    const MatrixXd A = dptz_test::randomHermitian<double>(n, 300 + n);
    dptz::IdentityEigenSolver<MatrixXd> es(A, dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
    EXPECT_LE((es.eigenvectorsAbs2() - ref).cwiseAbs().maxCoeff(), 1e-12);
#ifdef DPTZ_HAS_LAPACKE
    dptz::LapackEigenSolver<MatrixXd> lap(A);
    EXPECT_LE((es.eigenvectorsAbs2() - lap.eigenvectors().cwiseAbs2()).cwiseAbs().maxCoeff(), 1e-12);
    EXPECT_LE((es.eigenvalues() - lap.eigenvalues()).cwiseAbs().maxCoeff(), 50 * n * kEps * A.norm());
    const MatrixXcd B = dptz_test::randomHermitian<std::complex<double>>(n, 400 + n);
    dptz::IdentityEigenSolver<MatrixXcd> ec(B, dptz::ComputeEigenvectorsAbs2 | Eigen::ComputeEigenvectors);
    dptz::LapackEigenSolver<MatrixXcd> lc(B);
    EXPECT_LE((ec.eigenvectorsAbs2() - lc.eigenvectors().cwiseAbs2()).cwiseAbs().maxCoeff(), 1e-12);
    // the vectors' moduli agree with the identity's |V|^2
    EXPECT_LE((ec.eigenvectorsAbs2() - ec.eigenvectors().cwiseAbs2()).cwiseAbs().maxCoeff(), 1e-12);
#endif
  }
}

TEST(IdentityEigenSolver, EigenvaluesOnlyAndOptionsFlow) {
  const MatrixXd A = dptz_test::randomHermitian<double>(20, 5);
  dptz::IdentityEigenSolver<MatrixXd> es(A, Eigen::EigenvaluesOnly);
  ASSERT_EQ(es.info(), Eigen::Success);
  Eigen::SelfAdjointEigenSolver<MatrixXd> ref(A, Eigen::EigenvaluesOnly);
  EXPECT_LE((es.eigenvalues() - ref.eigenvalues()).cwiseAbs().maxCoeff(), 1e-13);
  EXPECT_EQ(es.clusters().size(), std::size_t(20));
  EXPECT_GT(es.clusterTolerance(), 0.0);
}

TEST(IdentityEigenSolver, EigenBackendAndFixedSizeAndFloat) {
  const MatrixXd A = dptz_test::randomHermitian<double>(40, 11);
  dptz::IdentityEigenSolver<MatrixXd> es;
  es.setBackend(dptz::Backend::Eigen).compute(A);
  ASSERT_EQ(es.info(), Eigen::Success);
  EXPECT_LE(residual(A, es.eigenvectors(), es.eigenvalues()), 50);
  EXPECT_LE(orthogonality(es.eigenvectors()), 50);

  const Eigen::Matrix3cd C = dptz_test::randomHermitian<std::complex<double>>(3, 12);
  dptz::IdentityEigenSolver<Eigen::Matrix3cd> e3(C);
  EXPECT_LE(residual(C, e3.eigenvectors(), e3.eigenvalues()), 50);

  const Eigen::MatrixXf F = dptz_test::randomHermitian<float>(30, 13);
  dptz::IdentityEigenSolver<Eigen::MatrixXf> ef(F);
  const double fe = std::numeric_limits<float>::epsilon();
  EXPECT_LE((F * ef.eigenvectors() - ef.eigenvectors() * ef.eigenvalues().asDiagonal()).norm() / F.norm(),
            50 * 30 * fe);

  using ML = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  const ML L = dptz_test::randomHermitian<double>(12, 14).cast<long double>();
  dptz::IdentityEigenSolver<ML> el(L, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
  ASSERT_EQ(el.info(), Eigen::Success);
  const long double le = std::numeric_limits<long double>::epsilon();
  EXPECT_LE((L * el.eigenvectors() - el.eigenvectors() * el.eigenvalues().asDiagonal()).norm() / L.norm(),
            50 * 12 * le);
}

TEST(IdentityEigenSolver, PhasesByRotations) {
  for (Index n : {2, 5, 16}) {
    const MatrixXd A = dptz_test::randomHermitian<double>(n, 500 + n);
    dptz::IdentityEigenSolver<MatrixXd> es(A, Eigen::ComputeEigenvectors | dptz::PhasesByRotations);
    ASSERT_EQ(es.info(), Eigen::Success);
    // accuracy eps ||A|| / gap per entry (not backward stable): looser bound
    EXPECT_LE(residual(A, es.eigenvectors(), es.eigenvalues()), 1e4);
    EXPECT_LE(orthogonality(es.eigenvectors()), 1e4);
    const MatrixXcd B = dptz_test::randomHermitian<std::complex<double>>(n, 600 + n);
    dptz::IdentityEigenSolver<MatrixXcd> ec(B, Eigen::ComputeEigenvectors | dptz::PhasesByRotations);
    EXPECT_LE(residual(B, ec.eigenvectors(), ec.eigenvalues()), 1e4);
    EXPECT_LE(orthogonality(ec.eigenvectors()), 1e4);
  }
  // a repeated eigenvalue: the cluster gets a basis of its invariant subspace from projector columns
  MatrixXd L = MatrixXd::Constant(6, 6, -1.0);
  L.diagonal().setConstant(5.0);  // complete-graph Laplacian K6: eigenvalues 0, 6 (x5)
  dptz::IdentityEigenSolver<MatrixXd> ek(L, Eigen::ComputeEigenvectors | dptz::PhasesByRotations);
  EXPECT_LE(residual(L, ek.eigenvectors(), ek.eigenvalues()), 1e3);
  EXPECT_LE(orthogonality(ek.eigenvectors()), 1e3);
}

TEST(IdentityEigenSolver, ExactlyRepeatedEigenvalues) {
  const Index n = 24;
  std::vector<MatrixXd> cases;
  cases.push_back(MatrixXd::Identity(n, n));
  MatrixXd K = MatrixXd::Constant(n, n, -1.0);
  K.diagonal().setConstant(double(n - 1));
  cases.push_back(K);  // complete-graph Laplacian: 0, n (x n-1)
  MatrixXd B = MatrixXd::Zero(5, 5);
  for (int i = 0; i < 4; ++i) B(i, i + 1) = B(i + 1, i) = 1;  // path graph
  cases.push_back(kron(MatrixXd::Identity(5, 5), B) + kron(B, MatrixXd::Identity(5, 5)));  // 2-D grid
  cases.push_back(hypercube(5));                                                           // 0..5 with binomials
  for (const MatrixXd& A : cases) {
    dptz::IdentityEigenSolver<MatrixXd> es(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    EXPECT_TRUE(es.eigenvectorsAbs2().allFinite());
    EXPECT_LE(residual(A, es.eigenvectors(), es.eigenvalues()), 50) << A.rows();
    EXPECT_LE(orthogonality(es.eigenvectors()), 50) << A.rows();
    // clusters: projector diagonals = row sums of |V|^2 over the cluster; rows and columns of |V|^2 sum to 1
    const MatrixXd& W = es.eigenvectorsAbs2();
    EXPECT_LE((W.rowwise().sum() - VectorXd::Ones(A.rows())).cwiseAbs().maxCoeff(), 1e-12);
    for (const dptz::Cluster& c : es.clusters()) {
      const MatrixXd Vc = es.eigenvectors().middleCols(c.first, c.size);
      const VectorXd pdiag = (Vc * Vc.transpose()).diagonal();
      const VectorXd pid = W.middleCols(c.first, c.size).rowwise().sum();
      EXPECT_LE((pdiag - pid).cwiseAbs().maxCoeff(), 1e-12);
    }
  }
  // multiplicities as expected
  dptz::IdentityEigenSolver<MatrixXd> ek(cases[1], Eigen::EigenvaluesOnly);
  ASSERT_EQ(ek.clusters().size(), std::size_t(2));
  EXPECT_EQ(ek.clusters()[1].first, 1);
  EXPECT_EQ(ek.clusters()[1].size, n - 1);
  dptz::IdentityEigenSolver<MatrixXd> eh(cases[3], Eigen::EigenvaluesOnly);
  ASSERT_EQ(eh.clusters().size(), std::size_t(6));
  const Index binom[6] = {1, 5, 10, 10, 5, 1};
  for (int k = 0; k < 6; ++k) EXPECT_EQ(eh.clusters()[std::size_t(k)].size, binom[k]);
  dptz::IdentityEigenSolver<MatrixXd> ei(cases[0], Eigen::EigenvaluesOnly);
  ASSERT_EQ(ei.clusters().size(), std::size_t(1));
  EXPECT_EQ(ei.clusters()[0].size, n);
}

TEST(IdentityEigenSolver, NearDegenerateGaps) {
  for (double gap : {1e-6, 1e-8, 1e-10, 1e-12, 1e-14}) {
    VectorXd lambda = VectorXd::LinSpaced(12, -1.0, 1.0);
    lambda(6) = lambda(5) + gap;
    lambda(7) = lambda(6) + gap;
    const MatrixXd A = dptz_test::withSpectrum<double>(lambda, 77);
    dptz::IdentityEigenSolver<MatrixXd> es(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    EXPECT_TRUE(es.eigenvectorsAbs2().allFinite());
    EXPECT_LE(residual(A, es.eigenvectors(), es.eigenvalues()), 50) << gap;
    EXPECT_LE(orthogonality(es.eigenvectors()), 50) << gap;
    // |V|^2 from the identity: error ~ eps ||A|| / gap for the group's entries, 1e-12 elsewhere; the group's row
    // sums (its projector diagonal) to rounding: the identity's factors inside the group carry relative errors
    // eps / gap, which the row and column correction removes from the sums.
    const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
    const double bound = (std::max)(1e-12, 10 * kEps / gap);
    const VectorXd pg = es.eigenvectorsAbs2().middleCols(5, 3).rowwise().sum();
    EXPECT_LE((pg - ref.middleCols(5, 3).rowwise().sum()).cwiseAbs().maxCoeff(), 1e-13) << gap;
    EXPECT_LE((es.eigenvectorsAbs2().rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13) << gap;
    EXPECT_LE((es.eigenvectorsAbs2() - ref).cwiseAbs().maxCoeff(), bound) << gap;
    EXPECT_LE((es.eigenvectorsAbs2().leftCols(5) - ref.leftCols(5)).cwiseAbs().maxCoeff(), 1e-12) << gap;
  }
  for (Index m : {10, 20}) {  // Wilkinson W21+, W41+: pairs with gaps down to ~1e-14 and below
    const MatrixXd W = wilkinson(m);
    dptz::IdentityEigenSolver<MatrixXd> es(W, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    EXPECT_TRUE(es.eigenvectorsAbs2().allFinite());
    EXPECT_LE(residual(W, es.eigenvectors(), es.eigenvalues()), 50);
    EXPECT_LE(orthogonality(es.eigenvectors()), 50);
  }
}

// A decoupled eigenvalue 2.2e-7 from an exact double one, beside couplings that make the rest degenerate: the
// entries of that near-degenerate group carry errors eps / 2.2e-7 ~ 1e-9 that the row and column correction must
// take out of both the row and the column sums, whose weights span 1e-6 .. 1e27 (a plain linear solve of the
// correction left a column sum off by 1.3e-9).
TEST(IdentityEigenSolver, RowsAndColumnsOfANearDegenerateGroupSumToOne) {
  MatrixXd A = MatrixXd::Zero(8, 8);
  A(0, 0) = -4.0000002235174179;
  A(1, 1) = A(3, 3) = A(4, 4) = -4;
  A(1, 4) = A(4, 1) = 1.3580773062177743e-312;
  A(2, 7) = A(7, 2) = A(3, 5) = A(5, 3) = A(4, 6) = A(6, 4) = -4;
  dptz::IdentityEigenSolver<MatrixXd> es(A, dptz::ComputeEigenvectorsAbs2);
  ASSERT_EQ(es.info(), Eigen::Success);
  const MatrixXd& W = es.eigenvectorsAbs2();
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
  EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
  EXPECT_GE(W.minCoeff(), 0.0);
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(A);
  // eigenvalues -6.47 (x2), -4.0000002, -4 (x2), 2.47 (x2), 4: the simple ones against the reference
  EXPECT_LE((W.col(7) - ref.col(7)).cwiseAbs().maxCoeff(), 1e-14);  // well separated: untouched
  EXPECT_LE((W.col(2) - ref.col(2)).cwiseAbs().maxCoeff(), 10 * kEps / 2.2e-7);  // in the group: eps / gap
}

TEST(IdentityEigenSolver, RowsPathEqualsAllRows) {
  for (Index n : {1, 2, 9, 64, 160}) {
    const MatrixXd A = dptz_test::randomHermitian<double>(n, 700 + n);
    const MatrixXd all = dptz::eigenvectorsAbs2(A);
    std::vector<Index> rows{0, n - 1, n / 2, 0};
    const MatrixXd some = dptz::eigenvectorsAbs2(A, rows);
    for (std::size_t r = 0; r < rows.size(); ++r)
      EXPECT_LE((some.row(Index(r)) - all.row(rows[r])).cwiseAbs().maxCoeff(), 1e-12) << n;
    if (n <= 64) {
      const MatrixXcd B = dptz_test::randomHermitian<std::complex<double>>(n, 800 + n);
      const MatrixXd allc = dptz::eigenvectorsAbs2(B);
      const MatrixXd somec = dptz::eigenvectorsAbs2(B, rows);
      for (std::size_t r = 0; r < rows.size(); ++r)
        EXPECT_LE((somec.row(Index(r)) - allc.row(rows[r])).cwiseAbs().maxCoeff(), 1e-12) << n;
      dptz::Abs2Options eo;
      eo.backend = dptz::Backend::Eigen;
      const MatrixXd somee = dptz::eigenvectorsAbs2(B, rows, eo);
      for (std::size_t r = 0; r < rows.size(); ++r)
        EXPECT_LE((somee.row(Index(r)) - allc.row(rows[r])).cwiseAbs().maxCoeff(), 1e-12) << n;
    }
  }
  // the solver's rows mode
  const MatrixXd A = dptz_test::randomHermitian<double>(30, 9);
  dptz::IdentityEigenSolver<MatrixXd> es;
  es.computeRows(A, {3, 7});
  ASSERT_EQ(es.info(), Eigen::Success);
  ASSERT_EQ(es.eigenvectorsAbs2().rows(), 2);
  EXPECT_EQ(es.rows(), (std::vector<Index>{3, 7}));
  const MatrixXd all = dptz::eigenvectorsAbs2(A);
  EXPECT_LE((es.eigenvectorsAbs2().row(1) - all.row(7)).cwiseAbs().maxCoeff(), 1e-12);
  Eigen::SelfAdjointEigenSolver<MatrixXd> ref(A, Eigen::EigenvaluesOnly);
  EXPECT_LE((es.eigenvalues() - ref.eigenvalues()).cwiseAbs().maxCoeff(), 1e-13);
}

TEST(IdentityEigenSolver, RowsPathRepeatedAndScaled) {
  MatrixXd K = MatrixXd::Constant(10, 10, -1.0);
  K.diagonal().setConstant(9.0);
  const MatrixXd w = dptz::eigenvectorsAbs2(K, std::vector<Index>{4});
  EXPECT_TRUE(w.allFinite());
  EXPECT_NEAR(w(0, 0), 0.1, 1e-14);
  for (Index i = 1; i < 10; ++i) EXPECT_NEAR(w(0, i), 0.1, 1e-14);
  const MatrixXd A = dptz_test::randomHermitian<double>(8, 3);
  const MatrixXd w1 = dptz::eigenvectorsAbs2(A, std::vector<Index>{2});
  const MatrixXd w2 = dptz::eigenvectorsAbs2(MatrixXd(A * 0x1p-600), std::vector<Index>{2});
  EXPECT_EQ(w1, w2);
}

TEST(IdentityEigenSolver, DeterministicAcrossThreads) {
  const MatrixXd A = dptz_test::randomHermitian<double>(40, 21);
  dptz::IdentityEigenSolver<MatrixXd> e1, e2;
  e1.setThreads(1).compute(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
  e2.setThreads(2).compute(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
  EXPECT_EQ(e1.eigenvectorsAbs2(), e2.eigenvectorsAbs2());
  EXPECT_EQ(e1.eigenvectors(), e2.eigenvectors());
}

TEST(IdentityEigenSolver, BadInput) {
  dptz::IdentityEigenSolver<MatrixXd> es;
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd(2, 3)), "matrix must be square, got 2 x 3");
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd(0, 0)), "matrix is empty");
  MatrixXd A = dptz_test::randomHermitian<double>(4, 1);
  MatrixXd bad = A;
  bad(2, 1) = std::numeric_limits<double>::quiet_NaN();
  DPTZ_EXPECT_INVALID(es.compute(bad), "entry A(2, 1) is not finite");
  bad = A;
  bad(3, 0) += 1.0;
  DPTZ_EXPECT_INVALID(es.compute(bad), "matrix is not Hermitian");
  DPTZ_EXPECT_INVALID(es.compute(A, 0x4000), "options must be");
  DPTZ_EXPECT_INVALID(es.compute(A, Eigen::EigenvaluesOnly | Eigen::ComputeEigenvectors), "options must be");
  DPTZ_EXPECT_INVALID(es.compute(A, dptz::PhasesByRotations), "options must be");
  DPTZ_EXPECT_INVALID(es.computeRows(A, {0, 4}), "row index 4 is out of range [0, 4)");
  DPTZ_EXPECT_INVALID(es.computeRows(A, {-1}), "row index -1 is out of range");
  DPTZ_EXPECT_INVALID(es.setClusterTolerance(std::numeric_limits<double>::quiet_NaN()), "tolerance is NaN");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, std::vector<Index>{7}), "row index 7 is out of range");
  MatrixXcd C = dptz_test::randomHermitian<std::complex<double>>(3, 2);
  C(1, 1) = {1.0, 0.5};
  dptz::IdentityEigenSolver<MatrixXcd> ec;
  DPTZ_EXPECT_INVALID(ec.compute(C), "matrix is not Hermitian");
  // bad input leaves a computed solver as it was
  es.compute(A);
  const VectorXd before = es.eigenvalues();
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd(2, 3)), "square");
  EXPECT_EQ(es.eigenvalues(), before);
  EXPECT_EQ(es.info(), Eigen::Success);
}

// Entries of DBL_MAX whose largest eigenvalue (1.79777e308, long double reference) is beyond it: info() is
// NumericalIssue, never an Inf eigenvalue.
TEST(IdentityEigenSolver, UnrepresentableEigenvalueIsNumericalIssue) {
  const double M = std::numeric_limits<double>::max();
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(4, 4);
  A(0, 0) = M;
  A(1, 2) = A(2, 1) = M;
  A(0, 2) = A(2, 0) = -1.097224875070952e+304;
  A(3, 3) = -4;
  for (int options : {int(Eigen::EigenvaluesOnly), int(Eigen::ComputeEigenvectors),
                      Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2}) {
    dptz::IdentityEigenSolver<Eigen::MatrixXd> es(A, options);
    EXPECT_EQ(es.info(), Eigen::NumericalIssue);
  }
  // Halved, every eigenvalue fits: Success and finite.
  dptz::IdentityEigenSolver<Eigen::MatrixXd> half(Eigen::MatrixXd(A / 2), Eigen::EigenvaluesOnly);
  ASSERT_EQ(half.info(), Eigen::Success);
  EXPECT_TRUE(half.eigenvalues().allFinite());
}

// Couplings of 1.9e219, 5e174 and 5e25 among entries of at most 11: scaled, the minors' tridiagonal forms carry
// couplings ~1e-200 beside O(1) ones, and Eigen's QL did not converge on one of them (info() NoConvergence with
// ComputeEigenvectorsAbs2). The minors' eigenvalues now fall back to the tridiagonal solver that splits where
// couplings are negligible; the eigenvalues +-1.89e219 belong to rows 2 and 3 alone.
TEST(IdentityEigenSolver, MinorWhereEigensQlStallsStillConverges) {
  MatrixXd A(6, 6);
  A << 0, -1, 0.75, 9, -7.75, -6.5, -1, -2.2250738585072014e-308, 5.143093437456275e+25, -2.75, -4,
      -0.0011795340397214153, 0.75, 5.143093437456275e+25, 0, 1.8889197046926809e+219, -1, 0.5, 9, -2.75,
      1.8889197046926809e+219, 0, -2, -11, -7.75, -4, -1, -2, 0, 5.0219665113717005e+174, -6.5,
      -0.0011795340397214153, 0.5, -11, 5.0219665113717005e+174, 8;
  for (dptz::Backend backend : {dptz::Backend::Default, dptz::Backend::Eigen, dptz::Backend::Lapack}) {
    if (backend == dptz::Backend::Lapack && !dptz::hasLapack()) continue;
    dptz::IdentityEigenSolver<MatrixXd> es;
    es.setBackend(backend);
    es.compute(A, dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    const MatrixXd& W = es.eigenvectorsAbs2();
    EXPECT_GE(W.minCoeff(), 0.0);
    EXPECT_LE(W.maxCoeff(), 1.0);
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    for (Index i : {Index(0), Index(5)}) {
      EXPECT_NEAR(W(2, i), 0.5, 1e-14);
      EXPECT_NEAR(W(3, i), 0.5, 1e-14);
    }
  }
}

// Entries from 1e-310 to DBL_MAX with cluster tolerance 0: scaled, four eigenvalues lie within 1e-154 of 0, two
// of them exactly equal. Balancing the group's columns divided a row's share by that row's subnormal mass in a
// cluster, which overflowed (|V|^2 entries -inf and NaN). Shares are now taken as fractions first.
TEST(IdentityEigenSolver, SubnormalRowMassInAClusterStaysFinite) {
  MatrixXd A(6, 6);
  A << -1.7976931348623157e+308, 0.75, 0.75, 0.75, 2.0067192200157644e+190, 9.25, 0.75, 7.25, -1, 2, -1.75,
      -6.111933737978629e+150, 0.75, -1, -6.6776141455008222e+153, -6.6776141455008222e+153, -6.5286748728415478e+153,
      3.2609406665831102e-309, 0.75, 2, -6.6776141455008222e+153, 0, 0, 0, 2.0067192200157644e+190, -1.75,
      -6.5286748728415478e+153, 0, 3.4732793869387628e-310, 0, 9.25, -6.111933737978629e+150, 3.2609406665831102e-309,
      0, 0, 0;
  for (dptz::Backend backend : {dptz::Backend::Default, dptz::Backend::Lapack}) {
    if (backend == dptz::Backend::Lapack && !dptz::hasLapack()) continue;
    dptz::IdentityEigenSolver<MatrixXd> es;
    es.setClusterTolerance(0.0).setBackend(backend);
    es.compute(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    const MatrixXd& W = es.eigenvectorsAbs2();
    ASSERT_TRUE(W.allFinite());
    EXPECT_GE(W.minCoeff(), 0.0);
    EXPECT_LE(W.maxCoeff(), 1.0);
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    EXPECT_NEAR(W(0, 0), 1.0, 1e-14);  // -DBL_MAX: row 0 alone, to 1e-118
  }
}

// Eigenvalues 0.9411 (five within 3.6e-6, two of them equal in double) and 0.9999 .. 1 (three) of ||A||: the
// first group's fifth member comes from a twisted solve at a later twist index, accepted with a residual up to the
// group's spread, and carried components of the other group (2e-10) that Rayleigh–Ritz on the group cannot remove:
// residual ||AV - V Lambda|| / ||A|| was 9.9e-12. One step of block inverse iteration just below the group removes
// them. Near 2.4e-304 I, with the default and a tiny cluster tolerance.
TEST(IdentityEigenSolver, GroupVectorsCarryNoComponentsOfTheNextGroup) {
  // A by columns (symmetric)
  const double v[64] = {
      2.4220209216434657e-304, 2.9623240525088877e-306, -2.6357686451457027e-306, 2.9622656068794747e-306,
      2.9620318243618532e-306, -8.6826094434126751e-307, -8.739607888962672e-307, 8.8084236991120091e-307,
      2.9623240525088877e-306, 2.4220209216434657e-304, -2.6357686451457027e-306, 2.9622656068794747e-306,
      2.9620318243618532e-306, -8.6826094434126751e-307, -8.739607888962672e-307, 8.8084236991120091e-307,
      -2.6357686451457027e-306, -2.6357686451457027e-306, 2.4158497958350277e-304, -2.6357166423415815e-306,
      -2.6355086311251172e-306, 7.7254713945325783e-307, 7.7761865468723324e-307, -7.8374163622019856e-307,
      2.9622656068794747e-306, 2.9622656068794747e-306, -2.6357166423415815e-306, 2.4220220342991005e-304,
      2.9619733787324503e-306, -8.6831938997068049e-307, -8.7401923452567007e-307, 8.8090127574240022e-307,
      2.9620318243618532e-306, 2.9620318243618532e-306, -2.6355086311251172e-306, 2.9619733787324503e-306,
      2.4220264849216408e-304, -8.6855317248830207e-307, -8.7425301704329671e-307, 8.8113689906725816e-307,
      -8.6826094434126751e-307, -8.6826094434126751e-307, 7.7254713945325783e-307, -8.6831938997068049e-307,
      -8.6855317248830207e-307, 2.494945484617477e-304, -4.7045457857464174e-306, 4.7415894533507333e-306,
      -8.739607888962672e-307, -8.739607888962672e-307, 7.7761865468723324e-307, -8.7401923452567007e-307,
      -8.7425301704329671e-307, -4.7045457857464174e-306, 2.4950539951122276e-304, 4.7473341785715167e-306,
      8.8084236991120091e-307, 8.8084236991120091e-307, -7.8374163622019856e-307, 8.8090127574240022e-307,
      8.8113689906725816e-307, 4.7415894533507333e-306, 4.7473341785715167e-306, 2.4943093037886944e-304};
  const MatrixXd A = Eigen::Map<const MatrixXd>(v, 8, 8);
  const MatrixXd B = A * std::ldexp(1.0, 1000);  // exact: the residual in range
  for (double tol : {-1.0, 1e-300}) {
    dptz::IdentityEigenSolver<MatrixXd> es;
    es.setClusterTolerance(tol);
    es.compute(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    const VectorXd lambda = es.eigenvalues() * std::ldexp(1.0, 1000);
    EXPECT_LE(residual(B, es.eigenvectors(), lambda), 4.0) << "tolerance " << tol;
    EXPECT_LE(orthogonality(es.eigenvectors()), 4.0) << "tolerance " << tol;
  }
}

TEST(IdentityEigenSolver, ExtremeScalesNoOverflow) {
  const MatrixXd A = dptz_test::randomHermitian<double>(10, 31);
  for (double s : {0x1p-900, 0x1p+900}) {
    const MatrixXd As = A * s;
    dptz::IdentityEigenSolver<MatrixXd> es(As, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
    ASSERT_EQ(es.info(), Eigen::Success);
    EXPECT_TRUE(es.eigenvectors().allFinite());
    EXPECT_TRUE(es.eigenvalues().allFinite());
    EXPECT_LE(residual(A, es.eigenvectors(), VectorXd(es.eigenvalues() / s)), 50);
  }
}

TEST(IdentityEigenSolver, FixedTwoAndThreeUseTheClosedForm) {
  // Fixed-size 2x2 / 3x3 dispatch at compile time to small.hpp: same results as SmallEigenSolver, and the
  // solver's contract (clusters, residual, orthogonality, |V|^2 against LAPACK) still holds.
  const Eigen::Matrix3cd A = dptz_test::randomHermitian<std::complex<double>>(3, 11);
  dptz::IdentityEigenSolver<Eigen::Matrix3cd> es(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
  ASSERT_EQ(es.info(), Eigen::Success);
  const dptz::SmallEigenSolver<Eigen::Matrix3cd> small(A);
  EXPECT_EQ(es.eigenvalues(), small.eigenvalues());
  EXPECT_EQ(Eigen::Matrix3d(es.eigenvectorsAbs2()), small.eigenvectorsAbs2());
  const double eps = Eigen::NumTraits<double>::epsilon();
  EXPECT_LE((A * es.eigenvectors() - es.eigenvectors() * es.eigenvalues().asDiagonal()).norm() / A.norm(), 50 * 3 * eps);
  EXPECT_LE((es.eigenvectors().adjoint() * es.eigenvectors() - Eigen::Matrix3cd::Identity()).norm(), 50 * 3 * eps);
  EXPECT_EQ(es.clusters().size(), 3u);

  Eigen::Matrix2d B;
  B << 2, 0, 0, 2;  // exactly repeated: one cluster, |V|^2 = 1/2 everywhere
  dptz::IdentityEigenSolver<Eigen::Matrix2d> e2(B, dptz::ComputeEigenvectorsAbs2);
  ASSERT_EQ(e2.clusters().size(), 1u);
  EXPECT_EQ(e2.clusters()[0].size, 2);
  EXPECT_TRUE(e2.eigenvectorsAbs2().isApprox(Eigen::MatrixXd::Constant(2, 2, 0.5)));
}

// An infinite cluster tolerance on the zero matrix: one cluster and an infinite (not NaN) tolerance, dense and
// fixed-size paths alike.
TEST(IdentityEigenSolver, ZeroMatrixWithInfiniteTolerance) {
  const double inf = std::numeric_limits<double>::infinity();
  dptz::IdentityEigenSolver<Eigen::MatrixXd> dense;
  dense.setClusterTolerance(inf).compute(Eigen::MatrixXd::Zero(4, 4), dptz::ComputeEigenvectorsAbs2);
  ASSERT_EQ(dense.info(), Eigen::Success);
  EXPECT_EQ(dense.clusters().size(), 1u);
  EXPECT_EQ(dense.clusterTolerance(), inf);
  EXPECT_EQ(Eigen::MatrixXd(dense.eigenvectorsAbs2()), Eigen::MatrixXd::Constant(4, 4, 0.25));
  dptz::IdentityEigenSolver<Eigen::Matrix3d> fixed;
  fixed.setClusterTolerance(inf).compute(Eigen::Matrix3d::Zero(), dptz::ComputeEigenvectorsAbs2);
  ASSERT_EQ(fixed.info(), Eigen::Success);
  EXPECT_EQ(fixed.clusters().size(), 1u);
  EXPECT_EQ(fixed.clusterTolerance(), inf);
  EXPECT_TRUE(fixed.eigenvectorsAbs2().isApprox(Eigen::Matrix3d::Constant(1.0 / 3)));
}

TEST(IdentityEigenSolverBadInput, FixedSizeSolverRejectsOtherSizes) {
  dptz::IdentityEigenSolver<Eigen::Matrix3d> es;
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd::Identity(4, 4)),
                      "dptz::IdentityEigenSolver::compute: matrix is 4 x 4 but this solver's MatrixType is 3 x 3");
  es.setBackend(dptz::Backend::Eigen);
  DPTZ_EXPECT_INVALID(es.compute(MatrixXd::Identity(2, 2)), "matrix is 2 x 2 but this solver's MatrixType is 3 x 3");
  DPTZ_EXPECT_INVALID(es.computeRows(MatrixXd::Identity(4, 4), {0}),
                      "dptz::IdentityEigenSolver::computeRows: matrix is 4 x 4");
}
