#include <cstdio>

#include <Eigen/Dense>
#include <dptz/dptz.hpp>

int main() {
  Eigen::MatrixXcd A = Eigen::MatrixXcd::Random(6, 6);
  A = (A + A.adjoint()).eval();                              // Hermitian; any Eigen expression works
  Eigen::MatrixXd W = dptz::eigenvectorsAbs2(A);             // W(j, i) = |v_i(j)|^2, eigenvalues ascending
  Eigen::MatrixXd row = dptz::eigenvectorsAbs2(A, {2});      // row 2 only, at the price of the eigenvalues
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXcd> es(A);     // reference: |.|^2 of the eigenvectors
  double err = (W - es.eigenvectors().cwiseAbs2()).cwiseAbs().maxCoeff();
  std::printf("max |W - |V|^2| = %.1e, row 2: %.1e\n", err, (row - W.row(2)).cwiseAbs().maxCoeff());
  return err < 1e-12 ? 0 : 1;
}
