// Tests of dptz/identity.hpp: abs2FromEigenvalues, clusters, bad input.
#include <dptz/identity.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "test_util.hpp"

using Eigen::VectorXd;

TEST(Identity, DiagonalMatrixGivesUnitVectors) {
  // A = diag(1,2,3,4): deleting row j removes eigenvalue j+1, so |v_i(j)|^2 = delta_ij.
  VectorXd lambda(4);
  lambda << 1, 2, 3, 4;
  for (int j = 0; j < 4; ++j) {
    VectorXd mu(3);
    for (int k = 0, t = 0; k < 4; ++k)
      if (k != j) mu(t++) = lambda(k);
    const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu);
    for (int i = 0; i < 4; ++i) EXPECT_EQ(w(i), i == j ? 1.0 : 0.0);
  }
}

TEST(Identity, TwoByTwoClosedForm) {
  // A = [[0, 1], [1, 0]]: eigenvalues -1, 1, vectors (1, -+1)/sqrt2; minor M_0 = [0].
  VectorXd lambda(2), mu(1);
  lambda << -1, 1;
  mu << 0;
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu);
  EXPECT_DOUBLE_EQ(w(0), 0.5);
  EXPECT_DOUBLE_EQ(w(1), 0.5);
}

TEST(Identity, OneByOne) {
  VectorXd lambda(1), mu(0);
  lambda << 3;
  EXPECT_EQ(dptz::abs2FromEigenvalues(lambda, mu)(0), 1.0);
}

TEST(Identity, RepeatedEigenvalueSharesProjectorDiagonal) {
  // A = I_3: every minor is I_2; the single cluster {1,1,1} has projector I, so each |v_i(j)|^2 = 1/3.
  VectorXd lambda = VectorXd::Ones(3), mu = VectorXd::Ones(2);
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu);
  for (int i = 0; i < 3; ++i) EXPECT_DOUBLE_EQ(w(i), 1.0 / 3.0);
}

TEST(Identity, ExtremeScalesAreExactlyScaleInvariant) {
  VectorXd lambda(3), mu(2);
  lambda << -1.5, 0.25, 2;
  mu << -1, 1;
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu);
  for (double s : {0x1p-500, 0x1p+500, 0x1p-1000, 0x1p+1000}) {
    const VectorXd ws = dptz::abs2FromEigenvalues(VectorXd(lambda * s), VectorXd(mu * s));
    EXPECT_EQ(w, ws) << "scale " << s;
  }
  // Spectra near the overflow threshold of opposite signs: differences would overflow unscaled.
  const double big = std::numeric_limits<double>::max() / 2;
  VectorXd lb(2), mb(1);
  lb << -big, big;
  mb << 0;
  const VectorXd wb = dptz::abs2FromEigenvalues(lb, mb);
  EXPECT_TRUE(wb.allFinite());
  EXPECT_DOUBLE_EQ(wb(0), 0.5);
}

TEST(Identity, FactorsAreClampedWhenInterlacingIsViolatedByRounding) {
  VectorXd lambda(3), mu(2);
  lambda << 0, 1, 2;
  mu << -1e-17, 2 + 1e-15;  // slightly outside [lambda_0, lambda_1] and [lambda_1, lambda_2]
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu);
  EXPECT_TRUE(w.allFinite());
  EXPECT_TRUE((w.array() >= 0).all() && (w.array() <= 1).all());
}

TEST(Identity, ClusterToleranceIsHonoured) {
  VectorXd lambda(3), mu(2);
  lambda << 0, 1, 1 + 1e-9;
  mu << 0.5, 1 + 0.5e-9;
  const VectorXd split = dptz::abs2FromEigenvalues(lambda, mu);       // default tol: 3 eps * 1: not a cluster
  const VectorXd merged = dptz::abs2FromEigenvalues(lambda, mu, 1e-6);  // a cluster of two
  EXPECT_NE(split(1), split(2));
  EXPECT_EQ(merged(1), merged(2));
  EXPECT_NEAR(merged(1) + merged(2), split(1) + split(2), 1e-8);
}

TEST(Identity, FindClusters) {
  VectorXd lambda(6);
  lambda << 0, 0, 1, 2, 2, 2;
  const auto c = dptz::findClusters(lambda, 0.0);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].first, 0);
  EXPECT_EQ(c[0].size, 2);
  EXPECT_EQ(c[1].first, 2);
  EXPECT_EQ(c[1].size, 1);
  EXPECT_EQ(c[2].first, 3);
  EXPECT_EQ(c[2].size, 3);
}

TEST(Identity, FloatAndLongDouble) {
  Eigen::VectorXf lf(2), mf(1);
  lf << -1, 1;
  mf << 0;
  EXPECT_FLOAT_EQ(dptz::abs2FromEigenvalues(lf, mf)(0), 0.5f);
  Eigen::Matrix<long double, 2, 1> ll;
  Eigen::Matrix<long double, 1, 1> ml;
  ll << -1, 1;
  ml << 0;
  EXPECT_EQ(dptz::abs2FromEigenvalues(ll, ml)(1), 0.5L);
}

TEST(Identity, BadInput) {
  VectorXd lambda(3), mu(2), shortMu(1), empty(0);
  lambda << 0, 1, 2;
  mu << 0.5, 1.5;
  shortMu << 0.5;
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(empty, empty), "lambda is empty");
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(lambda, shortMu), "mu must have size lambda.size() - 1 = 2, got 1");
  VectorXd unsorted = lambda;
  unsorted << 0, 2, 1;
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(unsorted, mu), "lambda must be ascending, but lambda(2)");
  VectorXd badMu = mu;
  badMu << 1.5, 0.5;
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(lambda, badMu), "mu must be ascending");
  VectorXd nan = lambda;
  nan(1) = std::numeric_limits<double>::quiet_NaN();
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(nan, mu), "lambda(1) is not finite");
  VectorXd inf = mu;
  inf(0) = std::numeric_limits<double>::infinity();
  DPTZ_EXPECT_INVALID(dptz::abs2FromEigenvalues(lambda, inf), "mu(0) is not finite");
}

// Interlacing spectra reaching the subnormal range beside a larger eigenvalue: the inputs are exact and the scaling
// keeps them exact, so without a cluster tolerance the entries sum to 1 to rounding; with the default tolerance
// (n eps max|lambda|, far wider than the gaps between the small eigenvalues) clusters may lump distinct eigenvalues
// and the sum is only as good as eps max|lambda| / gap, but the entries stay finite and in [0, 1].
TEST(Identity, SubnormalSpectraStayExact) {
  std::mt19937_64 g(11);
  std::uniform_real_distribution<double> exponent(-323, -300);
  double worst = 0;
  for (int t = 0; t < 20000; ++t) {
    const int n = 2 + int(g() % 5);
    std::vector<double> all(std::size_t(2 * n - 1));
    for (double& x : all) {
      x = std::pow(10.0, exponent(g));
      if (g() % 2) x = -x;
      if (g() % 4 == 0) x = 0;
    }
    std::sort(all.begin(), all.end());
    VectorXd lambda(n), mu(n - 1);
    for (int i = 0; i < n; ++i) lambda(i) = all[std::size_t(2 * i)];
    for (int i = 0; i < n - 1; ++i) mu(i) = all[std::size_t(2 * i + 1)];
    for (double tol : {-1.0, 0.0}) {
      const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu, tol);
      ASSERT_TRUE(w.allFinite());
      ASSERT_GE(w.minCoeff(), 0.0);
      ASSERT_LE(w.maxCoeff(), 1.0);
      if (tol == 0.0) worst = std::max(worst, std::abs(w.sum() - 1));
    }
  }
  EXPECT_LE(worst, 64 * 6 * std::numeric_limits<double>::epsilon());
}

// One of those spectra, checked entry by entry against the identity evaluated in long double on the same (exact)
// inputs: the subnormal inputs themselves are exact, the scaling to O(1) is exact, so nothing is lost there.
TEST(Identity, SubnormalSpectraMatchLongDouble) {
  VectorXd lambda(4), mu(3);
  lambda << -3e-318, 1e-320, 7e-319, 2.5e-317;
  mu << -1e-319, 3e-319, 1e-317;
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu);
  for (int i = 0; i < 4; ++i) {
    long double num = 1, den = 1;
    const long double s = std::ldexp(1.0L, 1050);  // exact: brings the subnormals to O(1e-2) in long double
    for (int k = 0; k < 3; ++k) num *= (s * lambda(i) - s * mu(k));
    for (int k = 0; k < 4; ++k)
      if (k != i) den *= (s * lambda(i) - s * lambda(k));
    EXPECT_NEAR(w(i), double(num / den), 1e-14) << "i = " << i;
  }
}

// Subnormal spectra a few units in the last place apart: the default tolerance n eps max|lambda| rounds to a
// multiple of the smallest subnormal (here 3 units), and the clusters are the ones findClusters gives with that
// rounded value, so lambda(6) = a + 4u, 3u above lambda(5), joins the cluster of a. Clustering it apart (the unrounded
// 2.9u) would leave the cluster's sixth minor eigenvalue a + u at its edge, a third of the way to lambda(6), and the
// sum off by 1.3e-3.
TEST(Identity, SubnormalClustersFollowTheRoundedDefaultTolerance) {
  VectorXd lambda(9), mu(8);
  lambda << 2.3793589271858784e-309, 2.3793589271858784e-309, 2.3793589271858784e-309, 2.3793589271858784e-309,
      2.3793589271858784e-309, 2.3793589271858833e-309, 2.3793589271858982e-309, 4.7587178543717766e-309,
      7.1380767815576549e-309;
  mu << 2.3793589271858784e-309, 2.3793589271858784e-309, 2.3793589271858784e-309, 2.3793589271858784e-309,
      2.3793589271858784e-309, 2.3793589271858833e-309, 2.4073513851527945e-309, 5.953062727625866e-309;
  const double tol = dptz::defaultClusterTolerance(lambda);
  EXPECT_EQ(tol, 3 * std::numeric_limits<double>::denorm_min());
  const std::vector<dptz::Cluster> clusters = dptz::findClusters(lambda, tol);
  ASSERT_EQ(clusters.size(), std::size_t(3));
  EXPECT_EQ(clusters[0].size, 7);
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu);
  EXPECT_NEAR(w.sum(), 1.0, 1e-14);
  for (int i = 1; i < 7; ++i) EXPECT_EQ(w(i), w(0));  // one cluster, one shared projector diagonal
}

// Clusters are findClusters(lambda, tol) in the caller's units also where the evaluation runs elsewhere: with
// tol = 8.9884656743115785e307 the gap from -1e300 to 8.9884655743115785e307 rounds to exactly tol, so the whole
// spectrum is one cluster (1/6 each); the same gap in long double exceeds tol and splits it (sum off by 9e-12).
TEST(Identity, ClustersAreTakenInTheCallersUnits) {
  VectorXd lambda(6), mu(5);
  lambda << -1.0000000000000001e+300, -1.0000000000000001e+300, -1.0000000000000001e+300, 8.9884655743115785e+307,
      8.9884655747022034e+307, 8.9884655747022034e+307;
  mu << -1.0000000000000001e+300, -1.0000000000000001e+300, 4.2298660996760369e+307, 8.9884655743284294e+307,
      8.9884655747022034e+307;
  const double tol = 8.9884656743115785e+307;
  ASSERT_EQ(dptz::findClusters(lambda, tol).size(), std::size_t(1));
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu, tol);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(w(i), 1.0 / 6) << i;
}

// Eigenvalues at 2^1023 beside eigenvalues at the smallest normal number, apart by a few units in their last place:
// the headroom scaling (down by 2^-4) would make the small ones subnormal and their differences lose bits (entry 0
// off by 1.3e-7, relative); the identity then runs in long double, unscaled (on x86-64).
TEST(Identity, TopOfTheRangeBesideSmallestNormalsKeepsRelativeAccuracy) {
  VectorXd lambda(10), mu(9);
  lambda << -2.2250738585072014e-308, -2.2250738253510171e-308, -2.2250738253510171e-308, -2.2250738253510058e-308,
      -2.2250738253510058e-308, -2.2250738253509959e-308, -2.2250738253509959e-308, 8.9884656743115785e+307,
      8.9884656743115785e+307, 8.9884656743115785e+307;
  mu << -2.2250738468050184e-308, -2.2250738253510171e-308, -2.2250738253510152e-308, -2.2250738253510058e-308,
      -2.2250738253510048e-308, -2.2250738253509959e-308, 6.5562926094978567e+307, 8.9884656743115785e+307,
      8.9884656743115785e+307;
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu, 0.0);
  if (std::numeric_limits<long double>::max_exponent > 2048) {
    // long double paired product of the exact inputs, scaled by 2^1100 (exact in long double)
    long double num = 1, den = 1;
    const long double s = std::ldexp(1.0L, 1100);
    for (int k = 0; k < 9; ++k) num *= s * (long double)lambda(0) - s * (long double)mu(k);
    for (int k = 1; k < 10; ++k) den *= s * (long double)lambda(0) - s * (long double)lambda(k);
    EXPECT_NEAR(w(0), double(num / den), 1e-15);
  }
  EXPECT_NEAR(w.sum(), 1.0, 1e-14);
}

// Eigenvalues 1e23 beside 1e-313: scaling the spectra to O(1) would push the small ones into the subnormal range
// (losing their bits) or to zero; the identity must see them exactly. Here the small ones form a cluster of eight
// (tolerance 0 keeps them apart only where they differ): compare with the identity in long double on the same inputs.
TEST(Identity, WideSpreadKeepsSmallEigenvaluesExact) {
  VectorXd lambda(4), mu(3);
  lambda << -1.96e23, 0, 9.712e-313, 2e-312;
  mu << -9.54e22, 5e-313, 1.5e-312;
  const VectorXd w = dptz::abs2FromEigenvalues(lambda, mu, 0.0);
  long double sum = 0;
  Eigen::Matrix<long double, 4, 1> ref;
  for (int i = 0; i < 4; ++i) {
    const long double s = std::ldexp(1.0L, 1000);
    long double num = 1, den = 1;
    for (int k = 0; k < 3; ++k) num *= (s * lambda(i) - s * mu(k));
    for (int k = 0; k < 4; ++k)
      if (k != i) den *= (s * lambda(i) - s * lambda(k));
    ref(i) = num / den;
    sum += ref(i);
  }
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(w(i), double(ref(i) / sum), 1e-14) << "i = " << i;
}
