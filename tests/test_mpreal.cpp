// dptz with mpfr::mpreal through Eigen's MPRealSupport: the Eigen backend works for any scalar Eigen supports,
// and a 100-digit computation is the reference for double.
#include <dptz/dptz.hpp>

#include "test_util.hpp"

#ifdef DPTZ_TEST_HAS_MPREAL
#include <unsupported/Eigen/MPRealSupport>

using mpfr::mpreal;
using MatrixMp = Eigen::Matrix<mpreal, Eigen::Dynamic, Eigen::Dynamic>;

TEST(MpReal, EigenvectorsAbs2MatchesMultiprecisionEigenvectors) {
  mpreal::set_default_prec(332);  // ~100 decimal digits
  const Eigen::MatrixXd A = dptz_test::randomHermitian<double>(12, 7);
  const MatrixMp Am = A.cast<mpreal>();
  const MatrixMp W = dptz::eigenvectorsAbs2(Am);
  const Eigen::SelfAdjointEigenSolver<MatrixMp> es(Am);
  const MatrixMp Wref = es.eigenvectors().cwiseAbs2();
  EXPECT_LT(double((W - Wref).cwiseAbs().maxCoeff()), 1e-90);

  // The double path against the 100-digit reference: within a few hundred eps for a random 12x12.
  const Eigen::MatrixXd Wd = dptz::eigenvectorsAbs2(A);
  const double err = (Wd - Wref.cast<double>()).cwiseAbs().maxCoeff();
  EXPECT_LT(err, 1e-13) << "max error " << err / 2.2e-16 << " eps";
}

TEST(MpReal, AbsFromEigenvaluesAndClusters) {
  mpreal::set_default_prec(256);
  Eigen::Matrix<mpreal, Eigen::Dynamic, 1> lambda(3), mu(2);
  lambda << 1, 1, 1;
  mu << 1, 1;
  const auto w = dptz::abs2FromEigenvalues(lambda, mu);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(w(i), mpreal(1) / 3);
}
#else
TEST(MpReal, Unavailable) { GTEST_SKIP() << "mpreal.h not found (Debian: libmpfrc++-dev)"; }
#endif
