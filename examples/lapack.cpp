// dptz::LapackEigenSolver (LAPACK ?syevd / ?heevd behind Eigen's solver interface) and the choice of backend for the
// eigenvalues the identity needs.
#include <cstdio>

#include <Eigen/Dense>
#include <dptz/dptz.hpp>

int main() {
  const Eigen::MatrixXcd X = Eigen::MatrixXcd::Random(100, 100);
  const Eigen::MatrixXcd A = X + X.adjoint();
#ifdef DPTZ_HAS_LAPACKE
  dptz::LapackEigenSolver<Eigen::MatrixXcd> es(A);                    // zheevd: eigenvalues and eigenvectors
  if (es.info() != Eigen::Success) return 1;
  es.compute(A, Eigen::EigenvaluesOnly);                              // eigenvalues only
  std::printf("LAPACK: smallest eigenvalue %.6f\n", es.eigenvalues()(0));
#endif
  // The backend that computes eig(A) and the minor spectra inside eigenvectorsAbs2.
  dptz::Abs2Options opt;
  opt.backend = dptz::hasLapack() ? dptz::Backend::Lapack : dptz::Backend::Eigen;
  const Eigen::MatrixXd W = dptz::eigenvectorsAbs2(A, {0, 1}, opt);   // rows 0 and 1 of |V|^2
  opt.backend = dptz::Backend::Eigen;
  const Eigen::MatrixXd We = dptz::eigenvectorsAbs2(A, {0, 1}, opt);
  std::printf("LAPACK available: %s; rows 0-1 by the two backends differ by %.2e\n", dptz::hasLapack() ? "yes" : "no",
              (W - We).cwiseAbs().maxCoeff());
  return 0;
}
