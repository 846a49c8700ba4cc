// An outside project: uses the installed headers and package config only.
#include <cstdio>

#include <dptz/dptz.hpp>

int main() {
  Eigen::Matrix3d A;
  A << 2, 1, 0, 1, 2, 1, 0, 1, 2;
  const Eigen::MatrixXd W = dptz::eigenvectorsAbs2(A);
  const Eigen::SelfAdjointEigenSolver<Eigen::Matrix3d> es(A);
  const double err = (W - es.eigenvectors().cwiseAbs2()).cwiseAbs().maxCoeff();
  std::printf("consumer: max |W - |V|^2| = %.3g (LAPACK %s)\n", err, dptz::hasLapack() ? "on" : "off");
  return err < 1e-12 ? 0 : 1;
}
