// tridiagonalEigenvectorsAbs2: rows of |V|^2 of Jacobi matrices against the dense identity path and long double
// references; splitting and clustered matrices (fallback path); bad input.
#include <dptz/eigenvectors_abs2.hpp>
#include <dptz/tridiagonal.hpp>

#include <limits>
#include <numeric>
#include <random>
#include <sstream>
#include <string>
#include <utility>

#include "test_util.hpp"

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

struct Jacobi {
  VectorXd a, b;
  MatrixXd dense() const {
    const Index n = a.size();
    MatrixXd T = MatrixXd::Zero(n, n);
    T.diagonal() = a;
    for (Index k = 0; k + 1 < n; ++k) T(k + 1, k) = T(k, k + 1) = b[k];
    return T;
  }
};

Jacobi randomJacobi(Index n, std::uint64_t seed) {
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d;
  Jacobi J{VectorXd(n), VectorXd(n - 1)};
  for (Index k = 0; k < n; ++k) J.a[k] = d(g);
  for (Index k = 0; k + 1 < n; ++k) J.b[k] = d(g);
  return J;
}

std::vector<Index> allRows(Index n) {
  std::vector<Index> r(static_cast<std::size_t>(n));
  for (Index k = 0; k < n; ++k) r[std::size_t(k)] = k;
  return r;
}

TEST(TridiagonalAbs2, MatchesDenseIdentityAllRows) {
  for (Index n : {2, 3, 5, 8, 17, 30}) {
    const Jacobi J = randomJacobi(n, 100 + std::uint64_t(n));
    const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(n));
    const MatrixXd D = dptz::eigenvectorsAbs2(J.dense());
    const MatrixXd R = dptz_test::referenceAbs2LongDouble(J.dense());
    ASSERT_EQ(W.rows(), n);
    ASSERT_EQ(W.cols(), n);
    // The dense paired product carries its own error (2.7e-12 against long double at n = 30, seed 130, where the
    // tridiagonal path is at 1.3e-13): compare with the dense path within 1e-12 plus that error.
    const double denseErr = (D - R).cwiseAbs().maxCoeff();
    EXPECT_LE((W - D).cwiseAbs().maxCoeff(), 1e-12 + denseErr) << "n = " << n;
    EXPECT_LE((W - R).cwiseAbs().maxCoeff(), 1e-12) << "n = " << n;
  }
}

TEST(TridiagonalAbs2, MatchesLongDoubleReference) {
  const Index n = 40;
  const Jacobi J = randomJacobi(n, 7);
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(n));
  const MatrixXd R = dptz_test::referenceAbs2LongDouble(J.dense());
  EXPECT_LE((W - R).cwiseAbs().maxCoeff(), 1e-13);
  // Columns and rows of |V|^2 sum to one.
  EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-13);
}

TEST(TridiagonalAbs2, SelectedRowsInAnyOrder) {
  const Index n = 12;
  const Jacobi J = randomJacobi(n, 3);
  const std::vector<Index> rows{11, 0, 5, 5};
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, rows);
  const MatrixXd D = dptz::eigenvectorsAbs2(J.dense());
  ASSERT_EQ(W.rows(), 4);
  for (std::size_t r = 0; r < rows.size(); ++r)
    EXPECT_LE((W.row(Index(r)) - D.row(rows[r])).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(TridiagonalAbs2, FirstRowOfLegendreMatrixIsHalfTheWeights) {
  // Jacobi matrix of Legendre polynomials: |v_i(0)|^2 = w_i / 2 with the closed-form 3-point rule.
  VectorXd a = VectorXd::Zero(3), b(2);
  for (Index k = 0; k < 2; ++k) b[k] = double(k + 1) / std::sqrt(4.0 * double((k + 1) * (k + 1)) - 1.0);
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(a, b, {0});
  EXPECT_NEAR(W(0, 0), 5.0 / 18.0, 1e-15);
  EXPECT_NEAR(W(0, 1), 8.0 / 18.0, 1e-15);
  EXPECT_NEAR(W(0, 2), 5.0 / 18.0, 1e-15);
}

TEST(TridiagonalAbs2, ScaleInvariantAndSignOfBetaIrrelevant) {
  const Index n = 15;
  const Jacobi J = randomJacobi(n, 11);
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(n));
  const MatrixXd Wbig = dptz::tridiagonalEigenvectorsAbs2(VectorXd(J.a * 1e200), VectorXd(J.b * 1e200), allRows(n));
  const MatrixXd Wsmall =
      dptz::tridiagonalEigenvectorsAbs2(VectorXd(J.a * 1e-200), VectorXd(-J.b * 1e-200), allRows(n));
  EXPECT_LE((W - Wbig).cwiseAbs().maxCoeff(), 1e-13);
  EXPECT_LE((W - Wsmall).cwiseAbs().maxCoeff(), 1e-13);
}

// The zero matrix (beta = 0 splits it) with an infinite cluster tolerance: one cluster, entries 1/n (the absolute
// tolerance inf * ||T|| = inf * 0 was NaN).
TEST(TridiagonalAbs2, ZeroMatrixWithInfiniteToleranceIsOneCluster) {
  dptz::Abs2Options o;
  o.clusterTolerance = std::numeric_limits<double>::infinity();
  for (Index n = 1; n <= 4; ++n) {
    const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(VectorXd(VectorXd::Zero(n)), VectorXd(VectorXd::Zero(n - 1)),
                                                         allRows(n), o);
    EXPECT_EQ(W, MatrixXd::Constant(n, n, 1.0 / double(n))) << n;
  }
}

TEST(TridiagonalAbs2, SplitMatrixUsesBlockSpectra) {
  // beta(3) = 0: two independent blocks; a repeated eigenvalue across the blocks.
  Jacobi J = randomJacobi(8, 5);
  J.b[3] = 0;
  J.a.head(4) = J.a.tail(4);
  J.b.head(3) = J.b.tail(3);
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(8));
  const MatrixXd D = dptz::eigenvectorsAbs2(J.dense());
  EXPECT_TRUE(W.allFinite());
  EXPECT_LE((W - D).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(TridiagonalAbs2, WilkinsonMatrixClusteredPairs) {
  // W21+: pairs of eigenvalues agreeing to ~1e-14 at the top; row sums of each near-degenerate pair are well
  // conditioned, and every entry is finite and in [0, 1].
  const Index n = 21;
  VectorXd a(n), b = VectorXd::Ones(n - 1);
  for (Index k = 0; k < n; ++k) a[k] = std::abs(double(k) - 10.0);
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(a, b, allRows(n));
  Jacobi J{a, b};
  const MatrixXd R = dptz_test::referenceAbs2LongDouble(J.dense());
  EXPECT_TRUE(W.allFinite());
  EXPECT_GE(W.minCoeff(), 0.0);
  EXPECT_LE(W.maxCoeff(), 1.0);
  // Pair sums (top pair) agree with the reference.
  const VectorXd pw = W.col(n - 1) + W.col(n - 2), pr = R.col(n - 1) + R.col(n - 2);
  EXPECT_LE((pw - pr).cwiseAbs().maxCoeff(), 1e-12);
  // The well separated low end matches entrywise.
  EXPECT_LE((W.leftCols(5) - R.leftCols(5)).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(TridiagonalAbs2, FloatAndLongDouble) {
  const Index n = 20;
  const Jacobi J = randomJacobi(n, 21);
  const MatrixXd R = dptz_test::referenceAbs2LongDouble(J.dense());
  const Eigen::MatrixXf Wf =
      dptz::tridiagonalEigenvectorsAbs2(Eigen::VectorXf(J.a.cast<float>()), Eigen::VectorXf(J.b.cast<float>()),
                                        allRows(n));
  EXPECT_LE((Wf.cast<double>() - R).cwiseAbs().maxCoeff(), 1e-4);
  using VL = Eigen::Matrix<long double, Eigen::Dynamic, 1>;
  const Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic> Wl =
      dptz::tridiagonalEigenvectorsAbs2(VL(J.a.cast<long double>()), VL(J.b.cast<long double>()), allRows(n));
  EXPECT_LE((Wl.cast<double>() - R).cwiseAbs().maxCoeff(), 1e-15);
}

TEST(TridiagonalAbs2, ThreadCountDoesNotChangeResults) {
  const Index n = 100;
  const Jacobi J = randomJacobi(n, 31);
  dptz::Abs2Options one, many;
  one.threads = 1;
  many.threads = 2;
  const MatrixXd W1 = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(n), one);
  const MatrixXd W2 = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(n), many);
  EXPECT_EQ((W1 - W2).cwiseAbs().maxCoeff(), 0.0);
}

TEST(TridiagonalAbs2, EigenBackendAgrees) {
  const Index n = 25;
  const Jacobi J = randomJacobi(n, 41);
  dptz::Abs2Options o;
  o.backend = dptz::Backend::Eigen;
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(n), o);
  const MatrixXd D = dptz::tridiagonalEigenvectorsAbs2(J.a, J.b, allRows(n));
  EXPECT_LE((W - D).cwiseAbs().maxCoeff(), 1e-13);
}

// Zero diagonal, one coupling of 5.9e170 and the others at most 11.5 (one subnormal): scaled to norm 1, the small
// couplings are ~1e-171, and Eigen's tridiagonal QL does not converge on the block [1.7e-171, 8.5e-172, 1] (their
// squares underflow in its shifts). The Eigen backend then splits T at couplings below eps ||T|| and solves each
// block on its own; its eigenvalues are within eps ||T|| of the LAPACK backend's, and every row the same.
TEST(TridiagonalAbs2, EigenBackendSplitsWhereItsQlStalls) {
  const VectorXd a = VectorXd::Zero(11);
  VectorXd b(10);
  b << 11.5, 0.5, -4.9406564584124654e-324, 0, 1, 1.9916423077589165e-289, 0, -1, 0.5, 5.8536377186879056e+170;
  const std::vector<Index> rows{0, 8, 9, 10};
  dptz::Abs2Options o;
  o.backend = dptz::Backend::Eigen;
  MatrixXd W;
  ASSERT_NO_THROW(W = dptz::tridiagonalEigenvectorsAbs2(a, b, rows, o));
  EXPECT_GE(W.minCoeff(), 0.0);
  EXPECT_LE(W.maxCoeff(), 1.0);
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
  // The eigenvalues +-5.9e170 belong to rows 9 and 10 alone: |v|^2 = 1/2 there, 0 in the other rows.
  EXPECT_NEAR(W(2, 0) + W(2, 10), 1.0, 1e-14);
  EXPECT_NEAR(W(0, 0) + W(0, 10), 0.0, 1e-14);
  const MatrixXd D = dptz::tridiagonalEigenvectorsAbs2(a, b, rows);
  EXPECT_LE((W - D).cwiseAbs().maxCoeff(), 1e-14);
}

/// |V|^2 of the Jacobi matrix (a, b) in long double (Eigen's dense solver): the reference for extreme entries.
Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic> referenceAbs2(const VectorXd& a, const VectorXd& b) {
  using MatrixL = Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>;
  MatrixL T = MatrixL::Zero(a.size(), a.size());
  T.diagonal() = a.cast<long double>();
  T.diagonal(1) = T.diagonal(-1) = b.cast<long double>();
  return Eigen::SelfAdjointEigenSolver<MatrixL>(T).eigenvectors().cwiseAbs2();
}

// check(W) for W = tridiagonalEigenvectorsAbs2(a, b, rows) from the default backend and from Eigen.
template <typename Check>
void forDefaultAndEigen(const VectorXd& a, const VectorXd& b, const std::vector<Index>& rows, Check check,
                        double clusterTolerance = -1) {
  for (dptz::Backend backend : {dptz::Backend::Default, dptz::Backend::Eigen}) {
    dptz::Abs2Options o;
    o.backend = backend;
    o.clusterTolerance = clusterTolerance;
    SCOPED_TRACE(backend == dptz::Backend::Default ? "default backend" : "Eigen backend");
    check(dptz::tridiagonalEigenvectorsAbs2(a, b, rows, o));
  }
}

// One coupling of 1.3e161 beside entries of at most 10.5: scaled to norm 1, the other couplings are ~1e-161 and
// their squares underflow in LAPACK's ?sterf, which returned the eigenvalues +-0.5939 (of the 2 x 2 block around
// the large coupling) 2e-6 off, and 3e-4 off for a minor: |v_0(3)|^2 came out 4.3e-4 where it is 1e-322. Such a
// result fails the sum-of-squares check and Eigen's QL takes over; both backends agree with the long double reference.
TEST(TridiagonalAbs2, SterfLossBesideTinyCouplingsIsCaught) {
  VectorXd a(11), b(10);
  a << 1.3404260188439824e-81, 9.9999999999999694e-311, 0.5, 1, -0.5, 1, -7, 5, 8, 9, 10.5;
  b << -7.75, -7, -0.5, 9.25, 7.25, -1, 1.3358900664774045e+161, 7, -2.75, 8.5;
  const std::vector<Index> rows{3, 6, 7, 10};
  const auto ref = referenceAbs2(a, b);
  forDefaultAndEigen(a, b, rows, [&](const MatrixXd& W) {
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-14);
    for (std::size_t r = 0; r < rows.size(); ++r)  // the two extreme eigenvalues, separated by 0.59 ||T||
      for (Index i : {Index(0), Index(10)})
        EXPECT_NEAR(W(Index(r), i), double(ref(rows[r], i)), 1e-14) << "row " << rows[r] << ", eigenvalue " << i;
  });
}

// Entries of 1e300 and DBL_MAX: scaled, seven eigenvalues lie within 1.5e-8 ||T|| of 0, two of them (3e-17 ||T||
// apart) one cluster, whose shared value 2.8e-9 is its projector diagonal to width / gap (3e-17 / 1.7e-9) where the
// truth is 3e-17. The paired product of the other members does not cancel that, and row 3 summed to 1 + 2.8e-9; each
// row's deficit now goes to its entries by their error estimates, so rows sum to 1 and the seven's sum is accurate.
TEST(TridiagonalAbs2, ClusterExcessIsBalancedWithinTheRow) {
  VectorXd a(8), b(7);
  a << -3.0091073354775233e+241, 0, 1.7976931348623157e+308, -3.0091073354775233e+241, 1e300, 1e300, 1e300, 1e300;
  b << -11, 1e300, 1e300, 1e300, 1e300, 1e300, 1e300;
  const std::vector<Index> rows{3, 1, 0};
  const auto ref = referenceAbs2(a, b);
  forDefaultAndEigen(a, b, rows, [&](const MatrixXd& W) {
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-15);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const long double want = ref.row(rows[r]).head(7).sum();
      EXPECT_NEAR(W.row(Index(r)).head(7).sum(), double(want), 1e-12) << "row " << rows[r];
    }
  });
}

// Eigenvalues (scaled) -5.6e-9, -3e-17, 5.6e-9 and 1 of ||T||: apart by more than 1024 n eps, so the rows come from
// the characteristic-polynomial sweep, whose entries carry eps ||T|| / gap each (4e-8 for the first three), and
// unnormalized they left row 1 summing to 1 + 2.8e-9. Rows from the sweep get the same deficit spreading as the
// paired product's: rows sum to 1, and the three's sum and the well separated entries stay accurate to rounding.
TEST(TridiagonalAbs2, SweepRowsSumToOneBesideDblMax) {
  VectorXd a(4), b(3);
  a << -3.0091073354399712e+241, 0, 1.7976931348623157e+308, 6.2087345278128969e-135;
  b << 1e300, 1e300, 1e300;
  const std::vector<Index> rows{0, 1, 2, 3};
  const auto ref = referenceAbs2(a, b);
  forDefaultAndEigen(a, b, rows, [&](const MatrixXd& W) {
    EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-15);
    for (Index r = 0; r < 4; ++r) {
      EXPECT_NEAR(W.row(r).head(3).sum(), double(ref.row(r).head(3).sum()), 1e-14) << "row " << r;
      EXPECT_NEAR(W(r, 3), double(ref(r, 3)), 1e-14) << "row " << r;
      for (Index i = 0; i < 3; ++i) EXPECT_NEAR(W(r, i), double(ref(r, i)), 1e-7) << "row " << r << ", column " << i;
    }
  });
}

// Couplings of 1e-175 beside ones of 0.5 .. 11.5 on a zero diagonal, cluster tolerance 0.5: Eigen's QL with vectors
// does not converge on this T (NoConvergence), so the eigenvector safety net must split where couplings are
// negligible, as the eigenvalues do; and tridiagonalEigenvectorsAbs2 must accept the matrix on every backend.
TEST(TridiagonalAbs2, SafetyNetSplitsWhereEigensQlStalls) {
  VectorXd a = VectorXd::Zero(12), b(11);
  b << -1.0900715865557236e-175, -1.0900715865557387e-175, -1.0900715865557387e-175, -1.0900715865557387e-175,
      -1.0900715865557387e-175, 0.5, 11.5, 0.5, -9.25, -4.9406564584124654e-324, 0;
  const VectorXd babs = b.cwiseAbs() / 16;  // scaled to norm < 1, as the library calls it
  Eigen::SelfAdjointEigenSolver<MatrixXd> es;
  es.computeFromTridiagonal(a, babs, Eigen::ComputeEigenvectors);
  EXPECT_NE(es.info(), Eigen::Success);  // the case this test is about
  std::vector<Index> all(12);
  std::iota(all.begin(), all.end(), Index(0));
  VectorXd lambda;
  MatrixXd W;
  ASSERT_TRUE(dptz::detail::jacobiDenseAbs2<double>(a, babs, all, lambda, W));
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-15);
  EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), 1e-15);
  for (Index i = 0; i + 1 < 12; ++i) EXPECT_LE(lambda(i), lambda(i + 1));
  forDefaultAndEigen(
      a, b, {4, 4},
      [](const MatrixXd& V) {
        EXPECT_TRUE(V.allFinite());
        EXPECT_GE(V.minCoeff(), 0.0);
        EXPECT_LE(V.maxCoeff(), 1.0);
        EXPECT_LE((V.rowwise().sum().array() - 1).abs().maxCoeff(), 1e-15);
      },
      0.5);
}

TEST(TridiagonalAbs2, SizeOne) {
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2(VectorXd::Constant(1, 3.0), VectorXd(0), {0, 0});
  EXPECT_EQ(W.rows(), 2);
  EXPECT_EQ(W(0, 0), 1.0);
}

/// The documented contract with every row requested: finite entries in [0, 1], rows and columns summing to 1
/// within sqrt(eps).
void expectAbs2Contract(const MatrixXd& W, const std::string& what) {
  const double tol = std::sqrt(std::numeric_limits<double>::epsilon());
  EXPECT_TRUE(W.allFinite()) << what;
  EXPECT_GE(W.minCoeff(), 0.0) << what;
  EXPECT_LE(W.maxCoeff(), 1.0) << what;
  EXPECT_LE((W.rowwise().sum().array() - 1).abs().maxCoeff(), tol) << what;
  EXPECT_LE((W.colwise().sum().array() - 1).abs().maxCoeff(), tol) << what;
}

std::string describe(const VectorXd& a, const VectorXd& b) {
  std::ostringstream out;
  out.precision(17);
  out << "a = {" << a.transpose() << "}, b = {" << b.transpose() << "}";
  return out.str();
}

TEST(TridiagonalAbs2, ExtremeEntriesKeepTheContract) {
  const double M = std::numeric_limits<double>::max(), sub = std::numeric_limits<double>::denorm_min();
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> cases = {
      {{0, -1e-255, 1.0000000000000001e+290}, {1, 4}},
      {{0, 0, 0}, {0.000118255615234375, M}},
      {{0, M}, {5.9923104495410527e+307}},
      {{M, -M, M}, {M, M}},
      {{-M, -1, 0, 1e-300}, {1e300, -M, 1}},
      {{-M, M, sub, 1e-300, 0}, {1e300, 1e300, -M, 2.2e-308}},
      {{sub, 0, 1e-320}, {1e-322, 2 * sub}},
      {{1e-300, -1e300, 1e-300, 1e300}, {1e-300, 1e300, 1e-300}},
      {{-2860206.2620026227, 0.028823084439950793, 1.0898295529024011e-14, 0.68923878580384446,
        -1.9562929556386023e-19},
       {-1.0578421077644215e-05, -8.681008068065193e-09, -1.9552284993401177, 35589991220401.547}},
      {{26858.284831007102, -0.00012830065880624919, -5855416909059.1562, -1.0538411039363554e-10,
        89001258.937346667, -0.00087439196958637698},
       {211944.19493188011, 2.2191156766306106e+17, 1.2885946476978615e-11, 19889.490416049332, 1.4957762215251558}},
      {{1 + 1.9e-14, 1, 1, 1, 1}, {-1.33e-14, 0, 0, 0}},
  };
  for (const auto& c : cases) {
    const VectorXd a = Eigen::Map<const VectorXd>(c.first.data(), Index(c.first.size()));
    const VectorXd b = Eigen::Map<const VectorXd>(c.second.data(), Index(c.second.size()));
    expectAbs2Contract(dptz::tridiagonalEigenvectorsAbs2(a, b, allRows(a.size())), describe(a, b));
  }
  // Graded random matrices: entries over 30 orders of magnitude.
  std::mt19937_64 g(9);
  std::uniform_real_distribution<double> u(-1, 1), e(-15, 15);
  for (int t = 0; t < 300; ++t) {
    const Index n = 2 + Index(g() % 7);
    VectorXd a(n), b(n - 1);
    for (Index k = 0; k < n; ++k) a[k] = u(g) * std::pow(10.0, e(g));
    for (Index k = 0; k + 1 < n; ++k) b[k] = u(g) * std::pow(10.0, e(g));
    expectAbs2Contract(dptz::tridiagonalEigenvectorsAbs2(a, b, allRows(n)), describe(a, b));
  }
}

TEST(TridiagonalAbs2, ExtremeScalesAgainstClosedForms) {
  // [[0, 1], [1, -1e-255]] coupled by 4 to 1e290: row 0 is (1/2, 1/2, 0) to far below eps.
  const MatrixXd W = dptz::tridiagonalEigenvectorsAbs2((VectorXd(3) << 0, -1e-255, 1e290).finished(),
                                                       (VectorXd(2) << 1, 4).finished(), {0, 2});
  EXPECT_NEAR(W(0, 0), 0.5, 4e-16);
  EXPECT_NEAR(W(0, 1), 0.5, 4e-16);
  EXPECT_LE(W(0, 2), 1e-300);
  EXPECT_EQ(W(1, 2), 1.0);
  // Zero diagonal, b = (b0, DBL_MAX): the eigenvector of 0 is (b1, 0, -b0) / norm, row 0 is (0, 1, 0) to 1e-16.
  const double M = std::numeric_limits<double>::max();
  const MatrixXd Z = dptz::tridiagonalEigenvectorsAbs2(VectorXd::Zero(3), (VectorXd(2) << 1.2e-4, M).finished(), {0, 1});
  EXPECT_LE(Z(0, 0), 1e-300);
  EXPECT_EQ(Z(0, 1), 1.0);
  EXPECT_NEAR(Z(1, 0), 0.5, 4e-16);
  EXPECT_EQ(Z(1, 1), 0.0);
}

TEST(TridiagonalAbs2, BadInput) {
  const VectorXd a = VectorXd::Ones(4), b = VectorXd::Ones(3);
  DPTZ_EXPECT_INVALID(dptz::tridiagonalEigenvectorsAbs2(VectorXd(0), VectorXd(0), {0}), "alpha (the diagonal) is empty");
  DPTZ_EXPECT_INVALID(dptz::tridiagonalEigenvectorsAbs2(a, VectorXd::Ones(4), {0}),
                      "beta (the off-diagonal) must have size alpha.size() - 1 = 3, got 4");
  VectorXd an = a;
  an[2] = std::nan("");
  DPTZ_EXPECT_INVALID(dptz::tridiagonalEigenvectorsAbs2(an, b, {0}), "alpha(2) is not finite");
  VectorXd bn = b;
  bn[1] = std::numeric_limits<double>::infinity();
  DPTZ_EXPECT_INVALID(dptz::tridiagonalEigenvectorsAbs2(a, bn, {0}), "beta(1) is not finite");
  DPTZ_EXPECT_INVALID(dptz::tridiagonalEigenvectorsAbs2(a, b, {4}), "row index 4 is out of range [0, 4)");
  DPTZ_EXPECT_INVALID(dptz::tridiagonalEigenvectorsAbs2(a, b, {-1}), "row index -1 is out of range");
  dptz::Abs2Options o;
  o.clusterTolerance = std::nan("");
  DPTZ_EXPECT_INVALID(dptz::tridiagonalEigenvectorsAbs2(a, b, {0}, o), "clusterTolerance is NaN");
}

}  // namespace
