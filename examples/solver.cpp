// dptz::IdentityEigenSolver and the rows path: eigenvalues, |V|^2, eigenvectors with phases, one row, clusters.
#include <algorithm>
#include <cstdio>
#include <vector>

#include <dptz/dptz.hpp>

int main() {
  // diag(L + I, 3, 3), L the Laplacian of the path with 5 vertices: eigenvalue 3 is double.
  Eigen::MatrixXd A = Eigen::MatrixXd::Zero(7, 7);
  for (int k = 0; k < 4; ++k) A(k, k + 1) = A(k + 1, k) = -1;
  A.diagonal() << 2, 3, 3, 3, 2, 3, 3;

  dptz::IdentityEigenSolver<Eigen::MatrixXd> es(A, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2);
  if (es.info() != Eigen::Success) return 1;
  std::printf("eigenvalues: ");
  for (Eigen::Index i = 0; i < es.eigenvalues().size(); ++i) std::printf("%.4f ", es.eigenvalues()(i));
  std::printf("\nclusters: %zu (tolerance %.2g)\n", es.clusters().size(), es.clusterTolerance());

  const Eigen::MatrixXd& W = es.eigenvectorsAbs2();   // W(j, i) = |v_i(j)|^2
  const Eigen::MatrixXd& V = es.eigenvectors();       // unit eigenvectors, phases recovered
  double worst = 0;  // a cluster's columns of |V|^2 depend on the basis; their sum (projector diagonal) does not
  for (const dptz::Cluster& c : es.clusters())
    worst = std::max(worst, (V.middleCols(c.first, c.size).cwiseAbs2().rowwise().sum() -
                             W.middleCols(c.first, c.size).rowwise().sum()).cwiseAbs().maxCoeff());
  std::printf("projector diagonals, eigenvectors vs identity: max difference %.2e\n", worst);
  std::printf("||AV - V diag(lambda)|| = %.2e\n", (A * V - V * es.eigenvalues().asDiagonal()).norm());

  // Row 0 only: one tridiagonalization that keeps coordinate 0 fixed, at the price of the eigenvalues.
  const Eigen::MatrixXd row0 = dptz::eigenvectorsAbs2(A, std::vector<Eigen::Index>{0});
  std::printf("row 0 of |V|^2: ");
  for (Eigen::Index i = 0; i < row0.cols(); ++i) std::printf("%.4f ", row0(0, i));

  // The identity itself, on spectra you already have: lambda = eig(A), mu = eig(M_0).
  const Eigen::VectorXd mu = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(A.bottomRightCorner(6, 6)).eigenvalues();
  const Eigen::VectorXd w = dptz::abs2FromEigenvalues(es.eigenvalues(), mu);
  std::printf("\nfrom the two spectra: max difference %.2e\n", (w.transpose() - row0).cwiseAbs().maxCoeff());
  return 0;
}
