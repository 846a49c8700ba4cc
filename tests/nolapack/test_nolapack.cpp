// The whole library without LAPACKE (DPTZ_HAS_LAPACKE undefined): every header compiles, the Eigen backend
// serves everything, and asking for LAPACK is a clear error.
#include <dptz/dptz.hpp>

#include "test_util.hpp"

static_assert(!dptz::hasLapack(), "this target is built without LAPACKE");

TEST(NoLapack, EigenBackendServesEverything) {
  const Eigen::MatrixXcd A = dptz_test::randomHermitian<std::complex<double>>(20, 3);
  const Eigen::MatrixXd W = dptz::eigenvectorsAbs2(A);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> es(A);
  EXPECT_LT((W - es.eigenvectors().cwiseAbs2()).cwiseAbs().maxCoeff(), 1e-12);
  const Eigen::MatrixXd row = dptz::eigenvectorsAbs2(A, std::vector<Eigen::Index>{4});
  EXPECT_LT((row.row(0) - W.row(4)).cwiseAbs().maxCoeff(), 1e-12);
}

TEST(NoLapack, LapackBackendRequestIsAnError) {
  const Eigen::MatrixXd A = dptz_test::randomHermitian<double>(5, 1);
  dptz::Abs2Options options;
  options.backend = dptz::Backend::Lapack;
  DPTZ_EXPECT_INVALID(dptz::eigenvectorsAbs2(A, options), "this build has no LAPACKE");
}
