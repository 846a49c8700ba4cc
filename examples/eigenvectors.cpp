// Full eigenvectors from eigenvalues: dptz::IdentityEigenSolver next to LAPACK (or Eigen), with residual and
// orthogonality, then |V|^2 and one row of it from the identity.
//
//   ./eigenvectors [n]
#include <dptz/dptz.hpp>

#include <complex>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <random>

using Matrix = Eigen::MatrixXcd;

int main(int argc, char** argv) {
  const Eigen::Index n = argc > 1 ? std::atol(argv[1]) : 200;
  std::mt19937_64 g(1);
  std::normal_distribution<double> d;
  Matrix A(n, n);  // a GUE matrix
  for (Eigen::Index c = 0; c < n; ++c)
    for (Eigen::Index r = c; r < n; ++r) {
      A(r, c) = r == c ? std::complex<double>(d(g), 0) : std::complex<double>(d(g), d(g));
      A(c, r) = std::conj(A(r, c));
    }
  const double eps = std::numeric_limits<double>::epsilon();
  const auto report = [&](const char* name, const Matrix& V, const Eigen::VectorXd& lambda) {
    const double res = (A * V - V * lambda.asDiagonal()).norm() / A.norm() / (double(n) * eps);
    const double orth = (V.adjoint() * V - Matrix::Identity(n, n)).norm() / (double(n) * eps);
    std::printf("%-34s ||AV - V L||/||A|| = %6.3f n eps   ||V*V - I|| = %6.3f n eps\n", name, res, orth);
  };

  dptz::IdentityEigenSolver<Matrix> es(A);  // eigenvalues + eigenvectors (phases by twisted solves)
  report("dptz::IdentityEigenSolver", es.eigenvectors(), es.eigenvalues());
#ifdef DPTZ_HAS_LAPACKE
  dptz::LapackEigenSolver<Matrix> lap(A);
  report("dptz::LapackEigenSolver (zheevd)", lap.eigenvectors(), lap.eigenvalues());
  std::printf("max |lambda_identity - lambda_lapack| = %.3g\n",
              (es.eigenvalues() - lap.eigenvalues()).cwiseAbs().maxCoeff());
#else
  Eigen::SelfAdjointEigenSolver<Matrix> eig(A);
  report("Eigen::SelfAdjointEigenSolver", eig.eigenvectors(), eig.eigenvalues());
#endif
  std::printf("clusters: %zu (tolerance %.3g)\n", es.clusters().size(), double(es.clusterTolerance()));

  // One row of |V|^2 at the price of the eigenvalues, next to the moduli of the solver's vectors.
  const Eigen::MatrixXd row = dptz::eigenvectorsAbs2(A, std::vector<Eigen::Index>{0});
  std::printf("row 0 of |V|^2: max |identity - |V_solver|^2| = %.3g\n",
              (row.row(0) - es.eigenvectors().row(0).cwiseAbs2()).cwiseAbs().maxCoeff());
  return 0;
}
