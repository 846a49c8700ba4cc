// dptz::EigenUpdater: keep A = Q diag(lambda) Q^T current under append, remove and rank-one updates, and the
// eigenvalue-only functions that give the new spectrum (and the new row of |V|^2) in O(n^2).
#include <cstdio>

#include <Eigen/Dense>
#include <dptz/dptz.hpp>

int main() {
  const Eigen::Index n = 200;
  Eigen::MatrixXd A = Eigen::MatrixXd::Random(n, n);
  A = (A + A.transpose()).eval();
  dptz::EigenUpdater<Eigen::MatrixXd> up(A);   // one dense eigendecomposition

  // Eigenvalues only: the spectrum after appending [b; c] and the new row of |V'|^2, no eigensolve.
  const Eigen::VectorXd b = Eigen::VectorXd::Random(n);
  const double c = 0.5;
  const Eigen::VectorXd z = up.eigenvectors().transpose() * b;
  const Eigen::VectorXd newLambda = dptz::borderedEigenvalues(up.eigenvalues(), z, c);
  const Eigen::VectorXd newRow = dptz::abs2FromEigenvalues(newLambda, up.eigenvalues());

  up.append(b, c);                              // A <- [[A, b], [b^T, c]]: one GEMM for the vectors
  std::printf("append: max eigenvalue difference %.2e, new row difference %.2e\n",
              (up.eigenvalues() - newLambda).cwiseAbs().maxCoeff(),
              (up.eigenvectors().row(n).cwiseAbs2() - newRow.transpose()).cwiseAbs().maxCoeff());

  up.rankOneUpdate(-0.25, Eigen::VectorXd::Random(n + 1));   // A <- A - 0.25 u u^T
  up.remove(3);                                              // A <- A without row and column 3

  // The decomposition stays accurate: compare with recomputing from the matrix the updater keeps.
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> ref(up.matrix(), Eigen::EigenvaluesOnly);
  std::printf("after 3 updates: n = %ld, drift ||Q^T Q - I|| = %.2e, residual %.2e, eigenvalues vs recompute %.2e\n",
              long(up.rows()), up.drift(), up.residual(), (up.eigenvalues() - ref.eigenvalues()).cwiseAbs().maxCoeff());
  return 0;
}
