// dptz quickstart: |V|^2 of a Hermitian matrix from eigenvalues alone, next to the LAPACK reference.
#include <cstdio>
#include <random>

#include <dptz/dptz.hpp>

template <typename Matrix>
void show(const char* title, const Matrix& A) {
  // The identity: W(j, i) = |v_i(j)|^2 from eig(A) and the eigenvalues of the n minors M_j.
  const Eigen::MatrixXd W = dptz::eigenvectorsAbs2(A);

  // The reference: eigenvectors from LAPACK's ?syevd / ?heevd (Eigen's solver if the build has no LAPACK).
#ifdef DPTZ_HAS_LAPACKE
  const dptz::LapackEigenSolver<Matrix> ref(A);
  const char* refName = "LAPACK";
#else
  const Eigen::SelfAdjointEigenSolver<Matrix> ref(A);
  const char* refName = "Eigen";
#endif
  const Eigen::MatrixXd Wref = ref.eigenvectors().cwiseAbs2();

  std::printf("\n== %s ==\neigenvalues: ", title);
  for (Eigen::Index i = 0; i < ref.eigenvalues().size(); ++i) std::printf("%.6g ", double(ref.eigenvalues()(i)));
  std::printf("\n|V|^2 from the identity (row j = component, column i = eigenvector):\n");
  for (Eigen::Index j = 0; j < W.rows(); ++j) {
    for (Eigen::Index i = 0; i < W.cols(); ++i) std::printf(" %8.6f", W(j, i));
    std::printf("\n");
  }
  std::printf("largest |W - W_%s| = %.3g  (%.1f eps)\n", refName, (W - Wref).cwiseAbs().maxCoeff(),
              (W - Wref).cwiseAbs().maxCoeff() / Eigen::NumTraits<double>::epsilon());
}

int main() {
  // diag(1, ..., 6): the eigenvectors are the unit vectors, so |V|^2 is the identity matrix.
  Eigen::VectorXd d = Eigen::VectorXd::LinSpaced(6, 1, 6);
  show("diag(1, ..., 6)", Eigen::MatrixXd(d.asDiagonal()));

  // A random 8x8 complex Hermitian matrix.
  std::mt19937_64 g(2019);
  std::normal_distribution<double> nd;
  Eigen::MatrixXcd A(8, 8);
  for (int c = 0; c < 8; ++c)
    for (int r = c; r < 8; ++r) {
      A(r, c) = r == c ? std::complex<double>(nd(g), 0) : std::complex<double>(nd(g), nd(g));
      A(c, r) = std::conj(A(r, c));
    }
  show("random 8x8 complex Hermitian", A);

  // One row only: row 0 of |V|^2 (one extra minor spectrum, not n).
  const Eigen::MatrixXd row0 = dptz::eigenvectorsAbs2(A, std::vector<Eigen::Index>{0});
  std::printf("\nrow 0 alone: ");
  for (Eigen::Index i = 0; i < row0.cols(); ++i) std::printf("%.6f ", row0(0, i));
  std::printf("\n");
  return 0;
}
