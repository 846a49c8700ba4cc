// Tests of dptz/small.hpp: closed-form 2x2 / 3x3 eigenvalues, |V|^2 from the identity, eigenvectors, the batched
// API and the compile-time dispatch of dptz::eigenvectorsAbs2 for fixed-size input.
#include <dptz/small.hpp>
#include <dptz/eigenvectors_abs2.hpp>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kSamples = 5000;  // ASan/UBSan build (-O1): the same sweep, shorter
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kSamples = 5000;
#else
constexpr int kSamples = 100000;
#endif
#else
constexpr int kSamples = 100000;
#endif

/// A random Hermitian matrix of fixed size N (test_util.hpp's generator; its seed drawn from g).
template <typename S, int N>
Eigen::Matrix<S, N, N> randomSmall(std::mt19937_64& g) {
  return dptz_test::randomHermitian<S>(N, g());
}

/// Long double reference: |V|^2, eigenvalues.
template <typename S, int N>
struct Ref {
  Eigen::Matrix<double, N, N> W;
  Eigen::Matrix<long double, N, 1> lambda;
  long double norm = 0, gap = 0;
};
template <typename S, int N>
Ref<S, N> reference(const Eigen::Matrix<S, N, N>& A) {
  using SL = typename std::conditional<Eigen::NumTraits<S>::IsComplex, std::complex<long double>, long double>::type;
  using ML = Eigen::Matrix<SL, N, N>;
  Eigen::SelfAdjointEigenSolver<ML> es(A.template cast<SL>());
  Ref<S, N> r;
  r.W = es.eigenvectors().cwiseAbs2().template cast<double>();
  r.lambda = es.eigenvalues();
  r.norm = std::max(std::abs(r.lambda(0)), std::abs(r.lambda(N - 1)));
  r.gap = std::numeric_limits<long double>::max();
  for (int i = 1; i < N; ++i) r.gap = std::min(r.gap, r.lambda(i) - r.lambda(i - 1));
  return r;
}

template <typename M>
void expectStochastic(const M& W, double tol, const char* what) {
  ASSERT_TRUE(W.allFinite()) << what << "\n" << W;
  EXPECT_TRUE((W.array() >= 0).all() && (W.array() <= 1).all()) << what << "\n" << W;
  for (int i = 0; i < W.rows(); ++i) {
    EXPECT_NEAR(W.row(i).sum(), 1.0, tol) << what << " row " << i << "\n" << W;
    EXPECT_NEAR(W.col(i).sum(), 1.0, tol) << what << " col " << i << "\n" << W;
  }
}

/// Accuracy sweep: max |W - W_ref| <= 1e-13 where the smallest gap is >= 1e-3 ||A||; otherwise
/// |W - W_ref| <= c eps ||A|| / gap with c = 64 (measured max: about 22, 3x3 real).
template <typename S, int N>
void randomSweep(std::uint64_t seed) {
  std::mt19937_64 g(seed);
  const double eps = std::numeric_limits<double>::epsilon();
  double worstWellSeparated = 0, worstScaled = 0;
  int wellSeparated = 0, notBitwise = 0;
  // the same matrices through the batch (its structure-of-arrays kernel) as well
  std::vector<Eigen::Matrix<S, N, N>> As(static_cast<std::size_t>(kSamples));
  for (auto& A : As) A = randomSmall<S, N>(g);
  std::vector<Eigen::Matrix<double, N, N>> Wb(As.size());
  dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), Wb.begin());
  for (std::size_t t = 0; t < As.size(); ++t) {
    const Eigen::Matrix<S, N, N>& A = As[t];
    const Ref<S, N> ref = reference<S, N>(A);
    const Eigen::Matrix<double, N, N> W = dptz::smallEigenvectorsAbs2(A);
    notBitwise += Wb[t] != W;
    const double err = std::max((W - ref.W).cwiseAbs().maxCoeff(), (Wb[t] - ref.W).cwiseAbs().maxCoeff());
    if (ref.gap >= 1e-3L * ref.norm) {
      worstWellSeparated = std::max(worstWellSeparated, err);
      ++wellSeparated;
    }
    worstScaled = std::max(worstScaled, err * double(ref.gap / ref.norm) / eps);
  }
  EXPECT_GT(wellSeparated, kSamples * 9 / 10);
#ifndef __FMA__  // with FMA the compiler may contract the scalar and the packet code differently
  EXPECT_EQ(notBitwise, 0) << "batch results that differ from smallEigenvectorsAbs2 in some bit";
#endif
  EXPECT_LE(worstWellSeparated, 1e-13);
  EXPECT_LE(worstScaled, 64.0);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3e", worstWellSeparated);
  ::testing::Test::RecordProperty("max_err_gap_ge_1e-3", buf);
  ::testing::Test::RecordProperty("max_err_times_gap_over_norm_in_eps", std::to_string(worstScaled));
}

}  // namespace

TEST(Small, Random3x3RealVsLongDouble) { randomSweep<double, 3>(1); }
TEST(Small, Random3x3ComplexVsLongDouble) { randomSweep<std::complex<double>, 3>(2); }
TEST(Small, Random2x2RealVsLongDouble) { randomSweep<double, 2>(3); }
TEST(Small, Random2x2ComplexVsLongDouble) { randomSweep<std::complex<double>, 2>(4); }

TEST(Small, EigenvaluesMatchLongDouble) {
  std::mt19937_64 g(5);
  for (int t = 0; t < 2000; ++t) {
    const Eigen::Matrix3cd A = randomSmall<std::complex<double>, 3>(g);
    const auto ref = reference<std::complex<double>, 3>(A);
    dptz::SmallEigenSolver<Eigen::Matrix3cd> es(A, Eigen::EigenvaluesOnly);
    for (int i = 0; i < 3; ++i)
      EXPECT_LE(std::abs((long double)es.eigenvalues()(i) - ref.lambda(i)), 8 * 2.3e-16L * ref.norm);
  }
}

TEST(Small, EigenvectorResidualAndOrthogonality) {
  std::mt19937_64 g(6);
  const double eps = std::numeric_limits<double>::epsilon();
  double res = 0, orth = 0;
  auto measure = [&](const auto& A) {
    using M = typename std::decay<decltype(A)>::type;
    dptz::SmallEigenSolver<M> es(A);
    const auto& V = es.eigenvectors();
    const double n = double(M::RowsAtCompileTime);
    const double norm = std::max(std::abs(es.eigenvalues()(0)), std::abs(es.eigenvalues()(M::RowsAtCompileTime - 1)));
    if (norm > 0) res = std::max(res, (A * V - V * es.eigenvalues().asDiagonal()).norm() / (norm * n * eps));
    orth = std::max(orth, (V.adjoint() * V - M::Identity()).norm() / (n * eps));
    EXPECT_TRUE(V.allFinite());
  };
  for (int t = 0; t < 20000; ++t) {
    measure(randomSmall<std::complex<double>, 3>(g));
    measure(randomSmall<double, 3>(g));
    measure(randomSmall<std::complex<double>, 2>(g));
    measure(randomSmall<double, 2>(g));
  }
  // Degenerate and near-degenerate: exactly repeated, gaps 1e-8 .. 1e-15, scalar matrices.
  for (double gap : {0.0, 1e-15, 1e-12, 1e-8, 1e-4}) {
    Eigen::Vector3d l(-1, 2, 2 + gap);
    for (int s = 0; s < 50; ++s) {
      measure(Eigen::Matrix3cd(dptz_test::withSpectrum<std::complex<double>>(l, 100 + s)));
      measure(Eigen::Matrix3d(dptz_test::withSpectrum<double>(l, 200 + s)));
      measure(Eigen::Matrix3d(dptz_test::withSpectrum<double>(Eigen::Vector3d(5, 5 + gap, 5 + 2 * gap), 300 + s)));
    }
  }
  measure(Eigen::Matrix3cd(Eigen::Matrix3cd::Identity() * 7.0));
  measure(Eigen::Matrix3d(Eigen::Matrix3d::Zero()));
  measure(Eigen::Matrix2cd(Eigen::Matrix2cd::Identity()));
  EXPECT_LE(res, 50.0);
  EXPECT_LE(orth, 50.0);
  RecordProperty("max_residual_in_n_eps", std::to_string(res));
  RecordProperty("max_orthogonality_in_n_eps", std::to_string(orth));
}

TEST(Small, ExtremeScalesAreHandled) {
  std::mt19937_64 g(7);
  for (int t = 0; t < 200; ++t) {
    const Eigen::Matrix3cd A = randomSmall<std::complex<double>, 3>(g);
    const Eigen::Matrix3d W = dptz::smallEigenvectorsAbs2(A);
    for (double s : {1e-150, 1e-100, 1e-30, 1e30, 1e100, 1e150, 1e-300, 1e300}) {
      const Eigen::Matrix3cd As = A * s;
      const Eigen::Matrix3d Ws = dptz::smallEigenvectorsAbs2(As);
      expectStochastic(Ws, 1e-14, "scaled");
      EXPECT_LE((Ws - W).cwiseAbs().maxCoeff(), 1e-12) << "scale " << s;
      dptz::SmallEigenSolver<Eigen::Matrix3cd> es(As);
      EXPECT_TRUE(es.eigenvalues().allFinite());
      EXPECT_TRUE(es.eigenvectors().allFinite());
    }
    const Eigen::Matrix2d B = randomSmall<double, 2>(g);
    expectStochastic(dptz::smallEigenvectorsAbs2(Eigen::Matrix2d(B * 1e-150)), 1e-14, "2x2 tiny");
    expectStochastic(dptz::smallEigenvectorsAbs2(Eigen::Matrix2d(B * 1e150)), 1e-14, "2x2 huge");
  }
  // Subnormal entries and entries near the overflow threshold.
  Eigen::Matrix3d D = Eigen::Matrix3d::Zero();
  D(0, 0) = 4e-320;
  D(1, 1) = 1e-320;
  expectStochastic(dptz::smallEigenvectorsAbs2(D), 1e-14, "subnormal");
  Eigen::Matrix3d H;
  H << 1e308, -1e308, 0, -1e308, -1e308, 1e307, 0, 1e307, 1e308;
  expectStochastic(dptz::smallEigenvectorsAbs2(H), 1e-14, "huge");
}

TEST(Small, DiagonalAndPermutedDiagonal) {
  Eigen::Matrix3d D = Eigen::Vector3d(3, 1, 2).asDiagonal();
  const Eigen::Matrix3d W = dptz::smallEigenvectorsAbs2(D);
  // eigenvalues 1, 2, 3 sit at rows 1, 2, 0
  Eigen::Matrix3d P = Eigen::Matrix3d::Zero();
  P(1, 0) = P(2, 1) = P(0, 2) = 1;
  EXPECT_LE((W - P).cwiseAbs().maxCoeff(), 1e-15) << W;
  dptz::SmallEigenSolver<Eigen::Matrix3cd> es(Eigen::Matrix3cd(D.cast<std::complex<double>>()));
  EXPECT_LE((es.eigenvalues() - Eigen::Vector3d(1, 2, 3)).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_LE((es.eigenvectors().cwiseAbs2() - P).cwiseAbs().maxCoeff(), 1e-15);
  // Every permutation of a diagonal, real and complex, 2x2 too.
  Eigen::Vector3d d(-7, 0.5, 1e-3);
  std::vector<int> p{0, 1, 2};
  do {
    Eigen::Matrix3cd A = Eigen::Matrix3cd::Zero();
    for (int i = 0; i < 3; ++i) A(i, i) = d(p[std::size_t(i)]);
    const Eigen::Matrix3d Wp = dptz::smallEigenvectorsAbs2(A);
    expectStochastic(Wp, 1e-15, "permuted diagonal");
    EXPECT_LE((Wp.array() * (1 - Wp.array())).abs().maxCoeff(), 1e-15) << Wp;  // a permutation matrix
  } while (std::next_permutation(p.begin(), p.end()));
  const Eigen::Matrix2d W2 = dptz::smallEigenvectorsAbs2(Eigen::Matrix2d(Eigen::Vector2d(2, -1).asDiagonal()));
  EXPECT_EQ(W2(0, 1), 1.0);
  EXPECT_EQ(W2(1, 0), 1.0);
}

TEST(Small, EntriesDifferingBy1e12) {
  std::mt19937_64 g(8);
  const double eps = std::numeric_limits<double>::epsilon();
  for (int t = 0; t < 500; ++t) {
    Eigen::Matrix3cd A = randomSmall<std::complex<double>, 3>(g);
    A(0, 0) *= 1e12;
    A(2, 1) *= 1e-6;
    A(1, 2) = std::conj(A(2, 1));
    A(1, 1) *= 1e-6;
    const auto ref = reference<std::complex<double>, 3>(A);
    const Eigen::Matrix3d W = dptz::smallEigenvectorsAbs2(A);
    expectStochastic(W, 1e-14, "1e12 spread");
    EXPECT_LE((W - ref.W).cwiseAbs().maxCoeff(), 64 * eps * double(ref.norm / ref.gap) + 1e-15);
    Eigen::Matrix3d B = randomSmall<double, 3>(g);
    B.row(2) *= 1e12;
    B.col(2) *= 1e12;
    const auto refB = reference<double, 3>(B);
    const Eigen::Matrix3d WB = dptz::smallEigenvectorsAbs2(B);
    expectStochastic(WB, 1e-14, "1e12 graded");
    EXPECT_LE((WB - refB.W).cwiseAbs().maxCoeff(), 64 * eps * double(refB.norm / refB.gap) + 1e-15);
  }
}

TEST(Small, ExactlyRepeatedEigenvalues) {
  // Scalar matrices: one cluster of 3 (2): every entry 1/3 (1/2).
  const Eigen::Matrix3d W3 = dptz::smallEigenvectorsAbs2(Eigen::Matrix3d(Eigen::Matrix3d::Identity() * 2.5));
  EXPECT_LE((W3.array() - 1.0 / 3).abs().maxCoeff(), 1e-16);
  const Eigen::Matrix3d Z = dptz::smallEigenvectorsAbs2(Eigen::Matrix3cd(Eigen::Matrix3cd::Zero()));
  EXPECT_LE((Z.array() - 1.0 / 3).abs().maxCoeff(), 1e-16);
  const Eigen::Matrix2d W2 = dptz::smallEigenvectorsAbs2(Eigen::Matrix2cd(Eigen::Matrix2cd::Identity() * -4.0));
  EXPECT_LE((W2.array() - 0.5).abs().maxCoeff(), 1e-16);
  // diag(1, 1, 2): the pair shares its projector diagonal (1, 1, 0) / 2.
  const Eigen::Matrix3d Wd = dptz::smallEigenvectorsAbs2(Eigen::Matrix3d(Eigen::Vector3d(1, 2, 1).asDiagonal()));
  Eigen::Matrix3d expect;
  expect << 0.5, 0.5, 0, 0, 0, 1, 0.5, 0.5, 0;
  EXPECT_LE((Wd - expect).cwiseAbs().maxCoeff(), 1e-16) << Wd;
  // Rotated repeated spectra (repeated up to rounding): stochastic, and the cluster's row sums (its projector
  // diagonal) match the reference's.
  for (int s = 0; s < 300; ++s) {
    for (const Eigen::Vector3d& l : {Eigen::Vector3d(1, 1, 2), Eigen::Vector3d(-3, 4, 4), Eigen::Vector3d(2, 2, 2)}) {
      const Eigen::Matrix3cd A = dptz_test::withSpectrum<std::complex<double>>(l, 1000 + s);
      const Eigen::Matrix3d W = dptz::smallEigenvectorsAbs2(A);
      expectStochastic(W, 1e-14, "repeated");
      const Eigen::MatrixXd R = dptz_test::referenceAbs2LongDouble(A);
      const bool lowPair = l(0) == l(1);
      const Eigen::Vector3d clusterRows = lowPair ? Eigen::Vector3d(W.col(0) + W.col(1)) : Eigen::Vector3d(W.col(1) + W.col(2));
      const Eigen::Vector3d refRows = lowPair ? Eigen::Vector3d(R.col(0) + R.col(1)) : Eigen::Vector3d(R.col(1) + R.col(2));
      if (l(0) != l(2)) {
        EXPECT_LE((clusterRows - refRows).cwiseAbs().maxCoeff(), 1e-13);
      }
      const Eigen::Matrix3d Wr = dptz::smallEigenvectorsAbs2(Eigen::Matrix3d(A.real()));
      expectStochastic(Wr, 1e-14, "repeated real");
    }
  }
}

TEST(Small, ClusterToleranceIsHonoured) {
  Eigen::Matrix3d A = Eigen::Vector3d(0, 1, 1 + 1e-9).asDiagonal();
  A(1, 2) = A(2, 1) = 1e-10;
  const Eigen::Matrix3d split = dptz::smallEigenvectorsAbs2(A);
  const Eigen::Matrix3d merged = dptz::smallEigenvectorsAbs2(A, 1e-6);
  EXPECT_GT(split(1, 1), 0.9);
  EXPECT_DOUBLE_EQ(merged(1, 1), 0.5);
  EXPECT_DOUBLE_EQ(merged(2, 2), 0.5);
  expectStochastic(merged, 1e-15, "merged");
}

TEST(Small, FloatTypes) {
  std::mt19937_64 g(9);
  auto sweep = [&](auto tag) {
    using M = decltype(tag);
    using S = typename M::Scalar;
    constexpr int N = M::RowsAtCompileTime;
    for (int t = 0; t < 3000; ++t) {
      const M A = randomSmall<S, N>(g);
      const auto ref = reference<S, N>(A);
      const auto W = dptz::smallEigenvectorsAbs2(A);
      EXPECT_TRUE(W.allFinite());
      const double err = (W.template cast<double>() - ref.W).cwiseAbs().maxCoeff();
      EXPECT_LE(err, 64 * 1.2e-7 * double(ref.norm / ref.gap) + 1e-7);
      dptz::SmallEigenSolver<M> es(A);
      const auto& V = es.eigenvectors();
      EXPECT_LE((V.adjoint() * V - M::Identity()).norm(), 50 * N * 1.2e-7);
    }
  };
  sweep(Eigen::Matrix3f());
  sweep(Eigen::Matrix3cf());
  sweep(Eigen::Matrix2f());
  sweep(Eigen::Matrix2cf());
}

TEST(Small, EigenvectorsAbs2DispatchesForFixedSizes) {
  std::mt19937_64 g(10);
  const Eigen::Matrix3cd A = randomSmall<std::complex<double>, 3>(g);
  const Eigen::MatrixXd W = dptz::eigenvectorsAbs2(A);
  ASSERT_EQ(W.rows(), 3);
  EXPECT_EQ(W, Eigen::MatrixXd(dptz::smallEigenvectorsAbs2(A)));
  // fixed-size expressions
  const Eigen::MatrixXd Wt = dptz::eigenvectorsAbs2(A.transpose());
  EXPECT_EQ(Wt, Eigen::MatrixXd(dptz::smallEigenvectorsAbs2(Eigen::Matrix3cd(A.transpose()))));
  const Eigen::Matrix4d B4 = randomSmall<double, 4>(g);
  const Eigen::MatrixXd Wb = dptz::eigenvectorsAbs2(B4.topLeftCorner<3, 3>());
  EXPECT_EQ(Wb, Eigen::MatrixXd(dptz::smallEigenvectorsAbs2(Eigen::Matrix3d(B4.topLeftCorner<3, 3>()))));
  // an explicit backend takes the general path; both agree
  dptz::Abs2Options opt;
  opt.backend = dptz::Backend::Eigen;
  EXPECT_LE((dptz::eigenvectorsAbs2(A, opt) - W).cwiseAbs().maxCoeff(), 1e-12);
  const Eigen::Matrix2cd C = randomSmall<std::complex<double>, 2>(g);
  EXPECT_LE((dptz::eigenvectorsAbs2(C, opt) - dptz::eigenvectorsAbs2(C)).cwiseAbs().maxCoeff(), 1e-13);
  // dynamic-size input keeps the general path and agrees
  EXPECT_LE((dptz::eigenvectorsAbs2(Eigen::MatrixXcd(A)) - W).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(Small, BatchMatchesSingleAndIsThreadIndependent) {
  std::mt19937_64 g(11);
  std::vector<Eigen::Matrix3cd> As(1003);
  for (auto& A : As) A = randomSmall<std::complex<double>, 3>(g);
  As[5] = Eigen::Matrix3cd::Identity();
  As[6].setZero();
  std::vector<Eigen::Matrix3d> W1(As.size()), W2(As.size());
  dptz::SmallOptions one, two;
  one.threads = 1;
  two.threads = 2;
  auto end = dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), W1.begin(), one);
  EXPECT_TRUE(end == W1.end());
  dptz::eigenvectorsAbs2Batch(As.data(), As.data() + As.size(), W2.data(), two);
  for (std::size_t i = 0; i < As.size(); ++i) {
    EXPECT_EQ(W1[i], W2[i]) << i;
#ifndef __FMA__
    EXPECT_EQ(W1[i], dptz::smallEigenvectorsAbs2(As[i])) << i;
#endif
    EXPECT_LE((W1[i] - dptz::smallEigenvectorsAbs2(As[i])).cwiseAbs().maxCoeff(), 1e-15) << i;
  }
  // 2x2 real, and an empty range
  std::vector<Eigen::Matrix2d> Bs(37);
  for (auto& B : Bs) B = randomSmall<double, 2>(g);
  std::vector<Eigen::Matrix2d> WB(Bs.size());
  dptz::eigenvectorsAbs2Batch(Bs.begin(), Bs.end(), WB.begin());
  for (std::size_t i = 0; i < Bs.size(); ++i)
    EXPECT_LE((WB[i] - dptz::smallEigenvectorsAbs2(Bs[i])).cwiseAbs().maxCoeff(), 1e-15);
  EXPECT_TRUE(dptz::eigenvectorsAbs2Batch(Bs.begin(), Bs.begin(), WB.begin()) == WB.begin());
}

/// Ranges large enough for the parallel driver (>= 64 blocks of 8): with the careful-kernel matrices all in the first
/// half, 1, 2 and 3 threads give the same bits as the single-matrix path; valid matrices the vectorized screen leaves
/// to the scalar checks (extreme scales) are computed; a bad matrix near the end is named and nothing is written.
TEST(Small, BatchParallelDriver) {
  std::mt19937_64 g(31);
  std::vector<Eigen::Matrix3cd> As(4001);
  for (std::size_t i = 0; i < As.size(); ++i) {
    As[i] = randomSmall<std::complex<double>, 3>(g);
    if (i < As.size() / 2) {  // exact and nearly repeated pairs: the careful kernel
      Eigen::SelfAdjointEigenSolver<Eigen::Matrix3cd> es(As[i]);
      Eigen::Vector3d l = es.eigenvalues();
      l(1) = l(0) + (i % 2 ? 1e-10 * (l(2) - l(0)) : 0.0);
      As[i] = es.eigenvectors() * l.asDiagonal() * es.eigenvectors().adjoint();
    }
  }
  std::vector<Eigen::Matrix3d> W1(As.size()), W2(As.size()), W3(As.size());
  dptz::SmallOptions o1, o2, o3;
  o1.threads = 1;
  o2.threads = 2;
  o3.threads = 3;
  dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), W1.begin(), o1);
  dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), W2.begin(), o2);
  dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), W3.begin(), o3);
  for (std::size_t i = 0; i < As.size(); ++i) {
    ASSERT_EQ(W1[i], W2[i]) << i;
    ASSERT_EQ(W1[i], W3[i]) << i;
    ASSERT_LE((W1[i] - dptz::smallEigenvectorsAbs2(As[i])).cwiseAbs().maxCoeff(), 1e-15) << i;
  }
  // valid but extreme scales (the screen declines them): the scalar checks pass, then the second loop computes
  As[100] *= 1e-310;
  As[3999] *= 1e200;
  dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), W2.begin(), o2);
  for (std::size_t i : {std::size_t(0), std::size_t(100), std::size_t(3000), std::size_t(3999)}) {
    EXPECT_LE((W2[i] - dptz::smallEigenvectorsAbs2(As[i])).cwiseAbs().maxCoeff(), 1e-15) << i;
    expectStochastic(W2[i], 1e-14, "batch");
  }
  // a bad matrix near the end: named, nothing written, whatever the thread count
  As[3500](0, 1) += std::complex<double>(0.5, 0);
  std::vector<Eigen::Matrix3d> Ws(As.size(), Eigen::Matrix3d::Constant(-1));
  for (const dptz::SmallOptions& o : {o1, o2, o3}) {
    DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), Ws.begin(), o),
                        "dptz::eigenvectorsAbs2Batch: matrix 3500: matrix is not Hermitian");
    for (const auto& W : Ws) ASSERT_EQ(W, Eigen::Matrix3d::Constant(-1));
  }
}

/// The batch on the hard inputs (extreme scales, subnormal and huge entries, repeated and nearly repeated
/// eigenvalues, diagonal, scalar, nearly scalar, Hermitian only to within the tolerance): every lane that leaves the
/// vectorized fast path or the vectorized input screen must come out as the single-matrix path's result.
TEST(Small, BatchHardInputsMatchSingle) {
  std::mt19937_64 g(21);
  std::vector<Eigen::Matrix3cd> As;
  for (int t = 0; t < 40; ++t) {
    const Eigen::Matrix3cd A = randomSmall<std::complex<double>, 3>(g);
    for (double s : {1.0, 1e-150, 1e-30, 1e30, 1e150, 1e-300, 1e300}) As.push_back(A * s);
    Eigen::Matrix3cd D = A;  // pair gap ~1e-9 relative, and an exact pair
    Eigen::SelfAdjointEigenSolver<Eigen::Matrix3cd> es(A);
    Eigen::Vector3d l = es.eigenvalues();
    l(1) = l(0) + 1e-9 * (l(2) - l(0));
    As.push_back(es.eigenvectors() * l.asDiagonal() * es.eigenvectors().adjoint());
    l(1) = l(0);
    As.push_back(es.eigenvectors() * l.asDiagonal() * es.eigenvectors().adjoint());
    D = Eigen::Matrix3cd::Identity() * 3.0 + A * 1e-14;  // nearly scalar
    As.push_back(D);
    D = A;
    D(1, 0) += std::complex<double>(1e-14, 0);  // Hermitian only to ~1e-14 relative: the scalar check accepts it
    As.push_back(D);
  }
  As.push_back(Eigen::Matrix3cd::Zero());
  As.push_back(Eigen::Matrix3cd::Identity());
  As.push_back(Eigen::Vector3cd(3, 1, 2).asDiagonal());
  Eigen::Matrix3cd S = Eigen::Matrix3cd::Zero();
  S(0, 0) = 4e-320;
  S(1, 1) = 1e-320;
  As.push_back(S);
  std::vector<Eigen::Matrix3d> W(As.size());
  dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), W.begin());
  for (std::size_t i = 0; i < As.size(); ++i) {
    expectStochastic(W[i], 1e-14, "batch");
    EXPECT_LE((W[i] - dptz::smallEigenvectorsAbs2(As[i])).cwiseAbs().maxCoeff(), 1e-15) << i;
  }
  // real and float ranges
  std::vector<Eigen::Matrix3d> Rs(300);
  for (auto& R : Rs) R = randomSmall<double, 3>(g);
  Rs[7] *= 1e-200;
  Rs[8] = Eigen::Matrix3d::Identity();
  std::vector<Eigen::Matrix3d> WR(Rs.size());
  dptz::eigenvectorsAbs2Batch(Rs.begin(), Rs.end(), WR.begin());
  for (std::size_t i = 0; i < Rs.size(); ++i)
    EXPECT_LE((WR[i] - dptz::smallEigenvectorsAbs2(Rs[i])).cwiseAbs().maxCoeff(), 1e-15) << i;
  std::vector<Eigen::Matrix3cf> Fs(300);
  for (auto& F : Fs) F = randomSmall<std::complex<float>, 3>(g);
  Fs[3] *= 1e-30f;
  std::vector<Eigen::Matrix3f> WF(Fs.size());
  dptz::eigenvectorsAbs2Batch(Fs.begin(), Fs.end(), WF.begin());
  for (std::size_t i = 0; i < Fs.size(); ++i)
    EXPECT_LE((WF[i] - dptz::smallEigenvectorsAbs2(Fs[i])).cwiseAbs().maxCoeff(), 1e-6f) << i;
}

TEST(Small, BadInput) {
  Eigen::Matrix3cd A = Eigen::Matrix3cd::Identity();
  A(2, 1) = std::complex<double>(std::numeric_limits<double>::quiet_NaN(), 0);
  DPTZ_EXPECT_INVALID(dptz::smallEigenvectorsAbs2(A), "entry A(2, 1) is not finite");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A), "dptz::eigenvectorsAbs2: entry A(2, 1) is not finite");
  DPTZ_EXPECT_INVALID(dptz::SmallEigenSolver<Eigen::Matrix3cd> es3(A), "is not finite");
  Eigen::Matrix3d B = Eigen::Matrix3d::Identity();
  B(0, 2) = std::numeric_limits<double>::infinity();
  DPTZ_EXPECT_INVALID(dptz::smallEigenvectorsAbs2(B), "entry A(0, 2) is not finite");
  Eigen::Matrix3d C = Eigen::Matrix3d::Identity();
  C(1, 0) = 0.5;
  DPTZ_EXPECT_INVALID(dptz::smallEigenvectorsAbs2(C), "matrix is not Hermitian");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(C), "dptz::eigenvectorsAbs2: matrix is not Hermitian");
  // a subnormal matrix, clearly not Hermitian: the screen scales it up exactly before comparing (1 / max|A_ij|
  // itself would overflow)
  Eigen::Matrix3d S = Eigen::Matrix3d::Zero();
  S(0, 1) = 8.2890430940642199e-317;
  DPTZ_EXPECT_INVALID(dptz::SmallEigenSolver<Eigen::Matrix3d> ess(S), "matrix is not Hermitian");
  DPTZ_EXPECT_INVALID(dptz::smallEigenvectorsAbs2(S), "matrix is not Hermitian");
  // a non-real diagonal at the largest double: |A(0, 0) - conj A(0, 0)| and |A(0, 0)| overflow, and an infinite
  // tolerance must not let it pass (the comparison runs in scaled units)
  Eigen::Matrix3cd E = Eigen::Matrix3cd::Zero();
  E(0, 0) = std::complex<double>(-std::numeric_limits<double>::max(), -std::numeric_limits<double>::max());
  DPTZ_EXPECT_INVALID(dptz::SmallEigenSolver<Eigen::Matrix3cd> ese(E), "matrix is not Hermitian");
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(Eigen::MatrixXcd(E)), "dptz::eigenvectorsAbs2: matrix is not Hermitian");
  Eigen::Matrix2cd D = Eigen::Matrix2cd::Identity();
  D(0, 0) = std::complex<double>(1, 0.5);  // non-real diagonal
  DPTZ_EXPECT_INVALID(dptz::smallEigenvectorsAbs2(D), "matrix is not Hermitian");
  DPTZ_EXPECT_INVALID(dptz::smallEigenvectorsAbs2(Eigen::Matrix3d(Eigen::Matrix3d::Identity()),
                                                  std::numeric_limits<double>::quiet_NaN()),
                      "clusterTolerance is NaN");
  dptz::SmallEigenSolver<Eigen::Matrix3d> es;
  DPTZ_EXPECT_INVALID(es.compute(Eigen::Matrix3d::Identity(), 12345), "options must be");
  DPTZ_EXPECT_INVALID(es.compute(Eigen::MatrixXd::Identity(4, 4)), "matrix must be 3 x 3, got 4 x 4");
  // the batch names the first bad matrix and writes nothing
  std::vector<Eigen::Matrix3d> Ms(100, Eigen::Matrix3d::Identity()), Ws(100, Eigen::Matrix3d::Constant(-1));
  Ms[42] = C;
  Ms[77] = B;
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2Batch(Ms.begin(), Ms.end(), Ws.begin()),
                      "dptz::eigenvectorsAbs2Batch: matrix 42: matrix is not Hermitian");
  EXPECT_EQ(Ws[0](0, 0), -1.0);
  Ms[42] = Eigen::Matrix3d::Identity();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2Batch(Ms.begin(), Ms.end(), Ws.begin()),
                      "dptz::eigenvectorsAbs2Batch: matrix 77: entry A(0, 2) is not finite");
  // a valid matrix the vectorized screen leaves to the scalar checks (subnormal scale), then a bad one
  Ms[10] = Eigen::Matrix3d::Identity() * 1e-310;
  Ms[90] = C;
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2Batch(Ms.begin(), Ms.end(), Ws.begin()),
                      "dptz::eigenvectorsAbs2Batch: matrix 77: entry A(0, 2) is not finite");
  Ms[77] = Eigen::Matrix3d::Identity();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2Batch(Ms.begin(), Ms.end(), Ws.begin()),
                      "dptz::eigenvectorsAbs2Batch: matrix 90: matrix is not Hermitian");
  EXPECT_EQ(Ws[0](0, 0), -1.0);
  dptz::SmallOptions bad;
  bad.clusterTolerance = std::numeric_limits<double>::quiet_NaN();
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2Batch(Ms.begin(), Ms.end(), Ws.begin(), bad), "clusterTolerance is NaN");
}

namespace {

template <typename M>
using Abs2Of = Eigen::Matrix<typename M::RealScalar, M::RowsAtCompileTime, M::RowsAtCompileTime>;

/// The device-callable functions' host pass against the throwing path, bit for bit.
template <typename M>
void expectDeviceCallableBitwise(const M& A, typename M::RealScalar tol, const char* what) {
  using Real = typename M::RealScalar;
  constexpr int N = M::RowsAtCompileTime;
  Abs2Of<M> W;
  ASSERT_EQ(dptz::smallEigenvectorsAbs2Status(A, W, tol), dptz::SmallStatus::Success) << what;
  const Abs2Of<M> Wref = dptz::smallEigenvectorsAbs2(A, double(tol));
  EXPECT_EQ(std::memcmp(W.data(), Wref.data(), sizeof W), 0) << what << "\n" << W << "\n" << Wref;
  dptz::SmallEigenSolver<M> es;
  es.setClusterTolerance(double(tol)).compute(A);
  Eigen::Matrix<Real, N, 1> lambda;
  M V;
  Abs2Of<M> Ws;
  ASSERT_EQ(dptz::smallEigenSolveStatus(A, lambda, V, Ws, tol), dptz::SmallStatus::Success) << what;
  EXPECT_EQ(std::memcmp(lambda.data(), es.eigenvalues().data(), sizeof lambda), 0) << what;
  EXPECT_EQ(std::memcmp(V.data(), es.eigenvectors().data(), sizeof V), 0) << what;
  EXPECT_EQ(std::memcmp(Ws.data(), es.eigenvectorsAbs2().data(), sizeof Ws), 0) << what;
}

template <typename M>
void deviceCallableSweep(std::uint64_t seed) {
  using S = typename M::Scalar;
  using Real = typename M::RealScalar;
  constexpr int N = M::RowsAtCompileTime;
  std::mt19937_64 g(seed);
  for (int t = 0; t < 500; ++t) {
    const M A = randomSmall<S, N>(g);
    expectDeviceCallableBitwise(A, Real(-1), "random");
    expectDeviceCallableBitwise(A, Real(0.3), "user tolerance");
    for (double s : {1e-300, 1e-30, 1e30, 1e300}) {
      const Real sr = Real(s);
      if (sr == Real(0) || !(sr < std::numeric_limits<Real>::infinity())) continue;
      expectDeviceCallableBitwise(M(A * S(sr)), Real(-1), "scaled");
    }
    M D = M::Identity() * S(Real(2)) + A * S(Real(1e-5));  // nearly scalar
    expectDeviceCallableBitwise(D, Real(-1), "nearly scalar");
    Eigen::SelfAdjointEigenSolver<M> ref(A);
    Eigen::Matrix<Real, N, 1> l = ref.eigenvalues();
    l(1) = l(0);  // exact pair
    expectDeviceCallableBitwise(M(ref.eigenvectors() * l.template cast<S>().asDiagonal() * ref.eigenvectors().adjoint()),
                                Real(-1), "repeated");
  }
  expectDeviceCallableBitwise(M(M::Zero()), Real(-1), "zero");
  expectDeviceCallableBitwise(M(M::Identity()), Real(-1), "identity");
}

}  // namespace

TEST(Small, DeviceCallableEqualsThrowingPathBitwise) {
  deviceCallableSweep<Eigen::Matrix3cd>(50);
  deviceCallableSweep<Eigen::Matrix3d>(51);
  deviceCallableSweep<Eigen::Matrix3cf>(52);
  deviceCallableSweep<Eigen::Matrix3f>(53);
  deviceCallableSweep<Eigen::Matrix2cd>(54);
  deviceCallableSweep<Eigen::Matrix2d>(55);
  deviceCallableSweep<Eigen::Matrix2cf>(56);
  deviceCallableSweep<Eigen::Matrix2f>(57);
  // expressions are accepted
  std::mt19937_64 g(58);
  const Eigen::Matrix3cd A = randomSmall<std::complex<double>, 3>(g);
  Eigen::Matrix3d W;
  ASSERT_EQ(dptz::smallEigenvectorsAbs2Status(A.adjoint(), W), dptz::SmallStatus::Success);
  EXPECT_EQ(W, dptz::smallEigenvectorsAbs2(Eigen::Matrix3cd(A.adjoint())));
}

TEST(Small, DeviceCallableReportsBadInputAndWritesNothing) {
  const double nan = std::numeric_limits<double>::quiet_NaN(), M = std::numeric_limits<double>::max();
  const Eigen::Matrix3d sentinel = Eigen::Matrix3d::Constant(-7);
  const Eigen::Vector3d sentinelL = Eigen::Vector3d::Constant(-7);
  const Eigen::Matrix3cd sentinelV = Eigen::Matrix3cd::Constant(-7);
  auto expectStatus = [&](const Eigen::Matrix3cd& A, double tol, dptz::SmallStatus abs2Status,
                          dptz::SmallStatus solveStatus, const char* what) {
    Eigen::Matrix3d W = sentinel, Ws = sentinel;
    Eigen::Vector3d l = sentinelL;
    Eigen::Matrix3cd V = sentinelV;
    EXPECT_EQ(dptz::smallEigenvectorsAbs2Status(A, W, tol), abs2Status) << what;
    EXPECT_EQ(dptz::smallEigenSolveStatus(A, l, V, Ws, tol), solveStatus) << what;
    if (abs2Status != dptz::SmallStatus::Success) {
      EXPECT_EQ(W, sentinel) << what;
    }
    if (solveStatus != dptz::SmallStatus::Success) {
      EXPECT_EQ(Ws, sentinel) << what;
      EXPECT_EQ(l, sentinelL) << what;
      EXPECT_EQ(V, sentinelV) << what;
    }
  };
  Eigen::Matrix3cd A = Eigen::Matrix3cd::Identity();
  A(2, 1) = std::complex<double>(0, nan);
  expectStatus(A, -1, dptz::SmallStatus::NonFiniteInput, dptz::SmallStatus::NonFiniteInput, "NaN");
  A(2, 1) = std::complex<double>(std::numeric_limits<double>::infinity(), 0);
  expectStatus(A, -1, dptz::SmallStatus::NonFiniteInput, dptz::SmallStatus::NonFiniteInput, "Inf");
  A = Eigen::Matrix3cd::Identity();
  A(1, 0) = 0.5;
  expectStatus(A, -1, dptz::SmallStatus::NotHermitian, dptz::SmallStatus::NotHermitian, "not Hermitian");
  A = Eigen::Matrix3cd::Identity();
  A(1, 1) = std::complex<double>(1, 1e-3);
  expectStatus(A, -1, dptz::SmallStatus::NotHermitian, dptz::SmallStatus::NotHermitian, "complex diagonal");
  expectStatus(Eigen::Matrix3cd::Identity(), nan, dptz::SmallStatus::NaNClusterTolerance,
               dptz::SmallStatus::NaNClusterTolerance, "NaN tolerance");
  // eigenvalues beyond the largest double: |V|^2 exists, the eigen-decomposition reports it
  Eigen::Matrix3cd H = Eigen::Matrix3cd::Zero();
  H(0, 0) = H(0, 1) = H(1, 0) = -M;
  expectStatus(H, -1, dptz::SmallStatus::Success, dptz::SmallStatus::EigenvaluesNotRepresentable, "huge");
  // the same statuses for 2x2 float
  Eigen::Matrix2f F;
  F << std::numeric_limits<float>::max(), std::numeric_limits<float>::max(), std::numeric_limits<float>::max(),
      -std::numeric_limits<float>::max();
  Eigen::Matrix2f WF = Eigen::Matrix2f::Constant(-7), VF = Eigen::Matrix2f::Constant(-7);
  Eigen::Vector2f lF = Eigen::Vector2f::Constant(-7);
  EXPECT_EQ(dptz::smallEigenSolveStatus(F, lF, VF, WF), dptz::SmallStatus::EigenvaluesNotRepresentable);
  EXPECT_EQ(lF, Eigen::Vector2f::Constant(-7));
  EXPECT_EQ(dptz::smallEigenvectorsAbs2Status(F, WF), dptz::SmallStatus::Success);
  expectStochastic(WF.cast<double>(), 1e-6, "2x2 float huge");
}

/// Entries near the largest finite value: |V|^2 (scale-free) is always returned, finite, in [0, 1], stochastic;
/// eigenvalues are returned when representable, else SmallEigenSolver throws dptz::NumericalError and is left as it
/// was.
TEST(Small, EigenvaluesBeyondTheLargestFiniteValue) {
  const double M = std::numeric_limits<double>::max();
  Eigen::Matrix3d H;
  H << -M, -M, 0, -M, 0, 0, 0, 0, 0;  // eigenvalues -M (1 + sqrt5) / 2 (not representable), 0, M (sqrt5 - 1) / 2
  const Eigen::Matrix3d scaled = H * std::ldexp(1.0, -1000);
  const Eigen::Matrix3d Wscaled = dptz::smallEigenvectorsAbs2(scaled);
  for (const Eigen::Matrix3d& W :
       {dptz::smallEigenvectorsAbs2(H), Eigen::Matrix3d(dptz::smallEigenvectorsAbs2(Eigen::Matrix3cd(H.cast<std::complex<double>>())))}) {
    expectStochastic(W, 1e-14, "huge");
    EXPECT_LE((W - Wscaled).cwiseAbs().maxCoeff(), 1e-14) << W;
  }
  const Eigen::MatrixXd Wd = dptz::eigenvectorsAbs2(H);
  EXPECT_LE((Wd - Wscaled).cwiseAbs().maxCoeff(), 1e-14);
  std::vector<Eigen::Matrix3d> Hs(20, scaled), Ws(Hs.size());
  Hs[7] = H;
  dptz::eigenvectorsAbs2Batch(Hs.begin(), Hs.end(), Ws.begin());
  expectStochastic(Ws[7], 1e-14, "batch huge");
  EXPECT_LE((Ws[7] - Wscaled).cwiseAbs().maxCoeff(), 1e-14);

  // SmallEigenSolver: NumericalError naming the function, the solver unchanged
  dptz::SmallEigenSolver<Eigen::Matrix3d> es(scaled);
  const Eigen::Vector3d before = es.eigenvalues();
  for (int options : {int(Eigen::ComputeEigenvectors), int(Eigen::EigenvaluesOnly)}) {
    try {
      es.compute(H, options);
      ADD_FAILURE() << "expected dptz::NumericalError";
    } catch (const dptz::NumericalError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(
                    "dptz::SmallEigenSolver::compute: the eigenvalues are not representable in the scalar type", 0),
                0u)
          << e.what();
    }
    EXPECT_EQ(es.eigenvalues(), before);
  }
  dptz::SmallEigenSolver<Eigen::Matrix3cf> esf;
  Eigen::Matrix3cf Hf = H.cast<std::complex<float>>() * 0.0f;
  Hf(0, 0) = Hf(0, 1) = Hf(1, 0) = -std::numeric_limits<float>::max();
  EXPECT_THROW(esf.compute(Hf), dptz::NumericalError);
  Eigen::Matrix2d H2;
  H2 << M, M, M, -M;  // eigenvalues +-sqrt2 M
  EXPECT_THROW(dptz::SmallEigenSolver<Eigen::Matrix2d>{H2}, dptz::NumericalError);
  expectStochastic(dptz::smallEigenvectorsAbs2(H2), 1e-14, "2x2 huge");

  // representable eigenvalues at the limit are returned finite: spectra {-M, 0, M} and {0, M}
  Eigen::Matrix3d B;
  B << M / 2, M / 2, 0, M / 2, M / 2, 0, 0, 0, -M;
  for (const Eigen::Matrix3d& A : {B, Eigen::Matrix3d(-B)}) {
    dptz::SmallEigenSolver<Eigen::Matrix3cd> eb(A.cast<std::complex<double>>());
    EXPECT_TRUE(eb.eigenvalues().allFinite()) << eb.eigenvalues();
    EXPECT_GE(eb.eigenvalues().cwiseAbs().maxCoeff(), M * (1 - 8 * std::numeric_limits<double>::epsilon()));
    EXPECT_TRUE(eb.eigenvectors().allFinite());
    expectStochastic(eb.eigenvectorsAbs2(), 1e-14, "limit");
  }
  Eigen::Matrix2d C;
  C << M / 2, M / 2, M / 2, M / 2;
  dptz::SmallEigenSolver<Eigen::Matrix2d> ec(C);
  EXPECT_GE(ec.eigenvalues()(1), M * (1 - 8 * std::numeric_limits<double>::epsilon()));
  EXPECT_LE(std::abs(ec.eigenvalues()(0)), M * 8 * std::numeric_limits<double>::epsilon());
}

// An infinite cluster tolerance makes one cluster of everything, also for the zero matrix (inf * 0 must not turn
// into NaN): every entry 1 / n.
TEST(Small, InfiniteClusterToleranceIsOneCluster) {
  const double inf = std::numeric_limits<double>::infinity();
  for (const Eigen::Matrix3d& A : {Eigen::Matrix3d::Zero().eval(), Eigen::Matrix3d::Identity().eval(),
                                   (Eigen::Matrix3d() << 1, 2, 0, 2, -1, 0, 0, 0, 5).finished()}) {
    const Eigen::Matrix3d W = dptz::smallEigenvectorsAbs2(A, inf);
    EXPECT_LE((W.array() - 1.0 / 3).abs().maxCoeff(), 1e-15) << A;
    Eigen::Matrix3d Ws;
    ASSERT_EQ(dptz::smallEigenvectorsAbs2Status(A, Ws, inf), dptz::SmallStatus::Success);
    EXPECT_EQ(Ws, W);
  }
  const Eigen::Matrix2f Wf = dptz::smallEigenvectorsAbs2(Eigen::Matrix2f::Zero().eval(), 1e300);
  EXPECT_LE((Wf.array() - 0.5f).abs().maxCoeff(), 1e-7f);
}

namespace {

/// Eigenvectors of V^*V = I to a few eps, rows and columns of |V|^2 summing to 1, and |V|^2 = the squared moduli of
/// the eigenvectors, for one matrix and cluster tolerance.
template <typename M>
void expectUnitPair(const M& A, typename M::RealScalar tol, const std::string& what) {
  using Real = typename M::RealScalar;
  constexpr int N = M::RowsAtCompileTime;
  const double eps = double(std::numeric_limits<Real>::epsilon());
  dptz::SmallEigenSolver<M> es;
  es.setClusterTolerance(tol);
  es.compute(A, Eigen::ComputeEigenvectors);
  ASSERT_EQ(es.info(), Eigen::Success) << what;
  const M V = es.eigenvectors();
  EXPECT_LE((V.adjoint() * V - M::Identity()).norm(), 4 * N * eps) << what << "\n" << V;
  expectStochastic(es.eigenvectorsAbs2(), 4 * N * eps, what.c_str());
  if (tol >= 0) {
    EXPECT_LE((es.eigenvectorsAbs2() - V.cwiseAbs2()).cwiseAbs().maxCoeff(), 4 * N * eps) << what;
  }
}

}  // namespace

// A nearly degenerate pair far below the matrix's norm (here 1e161 next to a coupling of 4.25, or a nearly scalar
// 2x2): the pair's 2x2 part is tiny in the kernels' units and its squares would be subnormal; its eigenvectors must
// still have unit length (a row of |V|^2 summed to 1.000057 when they were formed there).
TEST(Small, PairFarBelowTheNormKeepsUnitEigenvectors) {
  Eigen::Matrix3cd A = Eigen::Matrix3cd::Zero();
  A(0, 1) = {4.25, 4.25}, A(1, 0) = std::conj(A(0, 1)), A(2, 2) = 1.221763844204417e+161;
  for (double tol : {-1.0, 1e-310, 0.0}) expectUnitPair(A, tol, "3x3 complex, tol " + std::to_string(tol));
  for (double s : {1e-150, 1e-155, 1e-160, 1e-300, 1e-315, 4e-322}) {
    for (double tol : {-1.0, 0.0}) {
      const std::string what = "scale " + std::to_string(std::log10(s)) + ", tol " + std::to_string(tol);
      Eigen::Matrix2cd B;
      B << 1, std::complex<double>(s, s), std::complex<double>(s, -s), 1 + 0.5 * s;
      expectUnitPair(B, tol, "2x2 complex " + what);
      Eigen::Matrix3d C;
      C << 3, 0, 0, 0, 2, s, 0, s, 2;
      expectUnitPair(C, tol, "3x3 real " + what);
      Eigen::Matrix3cd D = Eigen::Matrix3cd::Zero();
      D(0, 1) = {s, 3 * s}, D(1, 0) = std::conj(D(0, 1)), D(2, 2) = -1;
      expectUnitPair(D, tol, "3x3 complex " + what);
    }
  }
  // Not 1e-45f: that coupling is one subnormal bit, lost when the kernels divide the matrix by its norm.
  for (float s : {1e-20f, 1e-25f, 1e-35f, 1e-40f}) {
    Eigen::Matrix2cf B;
    B << 1, std::complex<float>(s, s), std::complex<float>(s, -s), 1;
    expectUnitPair(B, 0.0f, "2x2 complex float, scale " + std::to_string(std::log10(s)));
    Eigen::Matrix3f C;
    C << 3, 0, 0, 0, 2, s, 0, s, 2;
    expectUnitPair(C, 0.0f, "3x3 float, scale " + std::to_string(std::log10(s)));
  }
}
