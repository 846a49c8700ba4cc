// Streaming kernel matrix: data points arrive one at a time; keep the eigendecomposition of the Gaussian (RBF)
// kernel matrix K_ij = exp(-|x_i - x_j|^2 / (2 s^2)) current with dptz::EigenUpdater::append, and compare with a
// full recompute at a few checkpoints. Also shows the eigenvalue-only path: the new eigenvalues and the new
// point's row of |V'|^2 in O(n^2), with no eigensolve (borderedEigenvalues + abs2FromEigenvalues).
#include <dptz/dptz.hpp>

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <Eigen/Dense>

int main() {
  using Eigen::Index;
  using Eigen::MatrixXd;
  using Eigen::VectorXd;
  const Index n0 = 20, nMax = 400;
  const double s = 0.7, noise = 1e-3;  // kernel width; small diagonal regularization (a GP's noise)
  std::mt19937_64 g(2024);
  std::normal_distribution<double> nd;
  std::vector<Eigen::Vector2d> pts;
  auto kernel = [&](const Eigen::Vector2d& a, const Eigen::Vector2d& b) {
    return std::exp(-(a - b).squaredNorm() / (2 * s * s));
  };
  auto newPoint = [&]() {  // two clusters
    const double cx = nd(g) > 0 ? 1.5 : -1.5;
    return Eigen::Vector2d(cx + 0.5 * nd(g), 0.5 * nd(g));
  };

  for (Index i = 0; i < n0; ++i) pts.push_back(newPoint());
  MatrixXd K0(n0, n0);
  for (Index i = 0; i < n0; ++i)
    for (Index j = 0; j < n0; ++j) K0(i, j) = kernel(pts[std::size_t(i)], pts[std::size_t(j)]) + (i == j ? noise : 0);

  dptz::EigenUpdater<MatrixXd> up(K0);
  const double eps = std::numeric_limits<double>::epsilon();
  std::printf("%6s  %-40s  %12s  %12s  %14s\n", "n", "top 4 eigenvalues", "drift/(n eps)", "resid/(n eps)",
              "max|dl|/(eps|A|)");
  for (Index n = n0; n < nMax; ++n) {
    const Eigen::Vector2d x = newPoint();
    VectorXd b(n);
    for (Index i = 0; i < n; ++i) b(i) = kernel(pts[std::size_t(i)], x);
    const double c = kernel(x, x) + noise;

    if (n == n0) {
      // Eigenvalue-only path: the new spectrum and the new point's row of |V'|^2, no eigensolve.
      const VectorXd z = up.eigenvectors().transpose() * b;
      const VectorXd newLambda = dptz::borderedEigenvalues(up.eigenvalues(), z, c);
      const VectorXd row = dptz::abs2FromEigenvalues(newLambda, up.eigenvalues());
      std::printf("eigenvalue-only: new point's weight on the top eigenvector |v'_top(n+1)|^2 = %.6f (sum %.15f)\n",
                  row(row.size() - 1), row.sum());
    }

    pts.push_back(x);
    up.append(b, c);

    const Index m = up.rows();
    if (m % 50 == 0 || m == nMax) {
      // Full recompute for comparison.
      Eigen::SelfAdjointEigenSolver<MatrixXd> es(up.matrix(), Eigen::EigenvaluesOnly);
      const VectorXd& l = up.eigenvalues();
      char top[128];
      std::snprintf(top, sizeof top, "%.5f %.5f %.5f %.5f", l(m - 1), l(m - 2), l(m - 3), l(m - 4));
      std::printf("%6ld  %-40s  %12.3f  %12.3f  %14.3f\n", long(m), top, up.drift() / (double(m) * eps),
                  up.residual() / (double(m) * eps), (l - es.eigenvalues()).cwiseAbs().maxCoeff() / (eps * l(m - 1)));
    }
  }
  std::printf("updates: %ld appends, %ld redecompositions\n", long(up.updates()), long(up.redecompositions()));
  return 0;
}
