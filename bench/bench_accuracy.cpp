// Accuracy against a long double reference, reported as Google Benchmark counters (one iteration each; the time is
// not the point). scripts/bench_report.py turns the counters into the accuracy tables and the accuracy-vs-gap plot.
//
// Tables (all double; reference: Eigen's SelfAdjointEigenSolver in long double on the same stored matrix):
//   accuracy_gap/<path>/<k>: a 12 x 12 real symmetric matrix with spectrum in [-1, 1] and one pair of eigenvalues
//     10^-k apart; counters gap, err = max |W - W_ref| over all entries, pair_sum_err = max error of the pair's
//     projector diagonal (the sum of its two columns), bound = eps ||A|| / gap. Paths: identity_all_rows
//     (eigenvectorsAbs2(A)), identity_rows (eigenvectorsAbs2(A, rows), all rows), lapack (LapackEigenSolver, or
//     Eigen's solver without LAPACK).
//   accuracy_dense_<real|complex>/<path>/<n>: random Hermitian matrices; err = max over entries of
//     |W - W_ref| gap_i / (eps ||A||), i.e. in units of the bound eps ||A|| / gap_i.
//   accuracy_quadrature/<path>/<n>: Gauss–Legendre and Gauss–Jacobi(0.5, -0.3) rules; err = max relative weight error
//     in eps, node_err = max node error in eps (reference: Golub–Welsch in long double).
//   accuracy_updates/<path>/<n>: one append / remove / rank-one update of a random n x n symmetric matrix;
//     err = max eigenvalue error in eps ||A'||, orth = ||Q'^T Q' - I||_max / eps, residual = ||A'Q' - Q'L'||_max /
//     (eps ||A'||). Paths: updater_<kind> (EigenUpdater) and recompute_<kind> (LapackEigenSolver of A').
#include <dptz/dptz.hpp>

#include <cmath>
#include <complex>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "bench_common.hpp"

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;
constexpr double kEps = std::numeric_limits<double>::epsilon();

template <typename Scalar>
using Mat = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
template <typename Scalar>
using LongScalar = typename std::conditional<Eigen::NumTraits<Scalar>::IsComplex, std::complex<long double>,
                                             long double>::type;

/// Eigenvalues (double) and |V|^2 (double) of A from a long double eigensolve of the stored matrix.
template <typename Scalar>
void reference(const Mat<Scalar>& A, VectorXd& lambda, MatrixXd& W) {
  const Mat<LongScalar<Scalar>> Al = A.template cast<LongScalar<Scalar>>();
  const Eigen::SelfAdjointEigenSolver<Mat<LongScalar<Scalar>>> es(Al);
  lambda = es.eigenvalues().template cast<double>();
  W = es.eigenvectors().cwiseAbs2().template cast<double>();
}

/// |V|^2 of A by the dense LAPACK reference solver (Eigen's without LAPACK).
template <typename Scalar>
MatrixXd lapackAbs2(const Mat<Scalar>& A) {
#ifdef DPTZ_HAS_LAPACKE
  const dptz::LapackEigenSolver<Mat<Scalar>> es(A);
#else
  const Eigen::SelfAdjointEigenSolver<Mat<Scalar>> es(A);
#endif
  return es.eigenvectors().cwiseAbs2();
}

std::vector<Index> allRows(Index n) {
  std::vector<Index> rows(static_cast<std::size_t>(n));
  for (Index j = 0; j < n; ++j) rows[std::size_t(j)] = j;
  return rows;
}

/// Q diag(lambda) Q^T with Q a random orthogonal matrix (Householder QR of a Gaussian matrix), symmetrized.
MatrixXd withSpectrum(const VectorXd& lambda, std::uint64_t seed) {
  const Index n = lambda.size();
  std::mt19937_64 g(seed);
  std::normal_distribution<double> d;
  MatrixXd G(n, n);
  for (Index c = 0; c < n; ++c)
    for (Index r = 0; r < n; ++r) G(r, c) = d(g);
  const MatrixXd Q = Eigen::HouseholderQR<MatrixXd>(G).householderQ();
  const MatrixXd A = Q * lambda.asDiagonal() * Q.transpose();
  return (A + A.transpose()) / 2;
}

// ---- accuracy_gap ----------------------------------------------------------------------------------------------

constexpr Index kGapSize = 12, kPair = 5;  // eigenvalues kPair and kPair + 1 are 10^-k apart
constexpr int kGapSeeds = 4;

enum class GapPath { AllRows, Rows, Lapack };

void accuracyGap(benchmark::State& state, GapPath path, int k) {
  const double gap = std::pow(10.0, -k);
  double err = 0, pairErr = 0;
  for (auto _ : state) {
    for (int seed = 0; seed < kGapSeeds; ++seed) {
      VectorXd lambda = VectorXd::LinSpaced(kGapSize, -1.0, 1.0);
      lambda(kPair + 1) = lambda(kPair) + gap;
      const MatrixXd A = withSpectrum(lambda, std::uint64_t(100 + seed));
      VectorXd lref;
      MatrixXd Wref;
      reference(A, lref, Wref);
      const MatrixXd W = path == GapPath::AllRows ? dptz::eigenvectorsAbs2(A)
                         : path == GapPath::Rows  ? dptz::eigenvectorsAbs2(A, allRows(A.rows()))
                                                  : lapackAbs2(A);
      err = std::max(err, (W - Wref).cwiseAbs().maxCoeff());
      const VectorXd pairSum = W.col(kPair) + W.col(kPair + 1), pairRef = Wref.col(kPair) + Wref.col(kPair + 1);
      pairErr = std::max(pairErr, (pairSum - pairRef).cwiseAbs().maxCoeff());
    }
  }
  state.counters["gap"] = gap;
  state.counters["err"] = err;
  state.counters["pair_sum_err"] = pairErr;
  state.counters["bound"] = kEps / gap;  // ||A||_2 = 1
}

// ---- accuracy_dense_* --------------------------------------------------------------------------------------------

enum class DensePath { AllRows, Rows, Lapack };

/// max over entries of |W - W_ref| gap_i / (eps ||A||), gap_i = distance from lambda_i to its nearest neighbour.
template <typename Scalar>
void accuracyDense(benchmark::State& state, DensePath path, Index n) {
  double worst = 0;
  for (auto _ : state) {
    const Mat<Scalar> A = dptz_bench::randomHermitian<Scalar>(n, 7);
    VectorXd lambda;
    MatrixXd Wref;
    reference(A, lambda, Wref);
    const MatrixXd W = path == DensePath::AllRows ? dptz::eigenvectorsAbs2(A)
                       : path == DensePath::Rows  ? dptz::eigenvectorsAbs2(A, allRows(n))
                                                  : lapackAbs2(A);
    const double norm = lambda.cwiseAbs().maxCoeff();
    for (Index i = 0; i < n; ++i) {
      double gap = std::numeric_limits<double>::infinity();
      if (i > 0) gap = std::min(gap, lambda(i) - lambda(i - 1));
      if (i + 1 < n) gap = std::min(gap, lambda(i + 1) - lambda(i));
      worst = std::max(worst, (W.col(i) - Wref.col(i)).cwiseAbs().maxCoeff() * gap / (kEps * norm));
    }
  }
  state.counters["err"] = worst;
}

// ---- accuracy_quadrature -----------------------------------------------------------------------------------------

/// Jacobi matrix of the Jacobi weight (1-x)^a (1+x)^b on [-1, 1] (orthonormal recurrence) and its mass mu0.
struct JacobiRecurrence {
  Eigen::Matrix<long double, Eigen::Dynamic, 1> alpha, beta;
  long double mu0 = 0;
};

JacobiRecurrence jacobiRecurrence(Index n, long double a, long double b) {
  JacobiRecurrence r;
  r.alpha.resize(n);
  r.beta.resize(n - 1);
  for (Index k = 0; k < n; ++k) {
    const long double s = 2 * k + a + b;
    r.alpha(k) = (s == 0 || s + 2 == 0) ? (b - a) / (a + b + 2) : (b * b - a * a) / (s * (s + 2));
  }
  for (Index k = 1; k < n; ++k) {
    const long double s = 2 * k + a + b;
    r.beta(k - 1) = std::sqrt(4 * k * (k + a) * (k + b) * (k + a + b) / (s * s * (s + 1) * (s - 1)));
  }
  r.mu0 = std::pow(2.0L, a + b + 1) * std::tgamma(a + 1) * std::tgamma(b + 1) / std::tgamma(a + b + 2);
  return r;
}

enum class RulePath { Classical, General, GolubWelsch };

void accuracyQuadrature(benchmark::State& state, RulePath path, double a, double b, Index n) {
  double weightErr = 0, nodeErr = 0;
  for (auto _ : state) {
    const JacobiRecurrence rec = jacobiRecurrence(n, a, b);
    // Reference: Golub–Welsch in long double.
    Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic> J =
        Eigen::Matrix<long double, Eigen::Dynamic, Eigen::Dynamic>::Zero(n, n);
    J.diagonal() = rec.alpha;
    J.diagonal(1) = rec.beta;
    J.diagonal(-1) = rec.beta;
    const Eigen::SelfAdjointEigenSolver<decltype(J)> ref(J);
    const Eigen::Matrix<long double, Eigen::Dynamic, 1> wref =
        rec.mu0 * ref.eigenvectors().row(0).transpose().cwiseAbs2();
    VectorXd nodes, weights;
    const VectorXd alpha = rec.alpha.cast<double>(), beta = rec.beta.cast<double>();
    if (path == RulePath::Classical) {
      const auto rule = a == 0 && b == 0 ? dptz::gaussLegendre(n) : dptz::gaussJacobi(n, a, b);
      nodes = rule.nodes;
      weights = rule.weights;
    } else if (path == RulePath::General) {
      const auto rule = dptz::gaussQuadrature(alpha, beta, double(rec.mu0));
      nodes = rule.nodes;
      weights = rule.weights;
    } else {  // Golub–Welsch in double: tridiagonal QR with vectors
      Eigen::SelfAdjointEigenSolver<MatrixXd> gw;
      gw.computeFromTridiagonal(alpha, beta, Eigen::ComputeEigenvectors);
      nodes = gw.eigenvalues();
      weights = double(rec.mu0) * gw.eigenvectors().row(0).transpose().cwiseAbs2();
    }
    for (Index i = 0; i < n; ++i) {
      weightErr = std::max(weightErr, double(std::abs((weights(i) - wref(i)) / wref(i))) / kEps);
      nodeErr = std::max(nodeErr, double(std::abs(nodes(i) - ref.eigenvalues()(i))) / kEps);
    }
  }
  state.counters["err"] = weightErr;
  state.counters["node_err"] = nodeErr;
}

// ---- accuracy_updates --------------------------------------------------------------------------------------------

enum class UpdateKind { Append, Remove, RankOne };

void accuracyUpdate(benchmark::State& state, UpdateKind kind, bool recompute, Index n) {
  double eigErr = 0, orth = 0, residual = 0;
  for (auto _ : state) {
    const MatrixXd big = dptz_bench::randomHermitian<double>(n + 1, 31);
    const MatrixXd A = big.topLeftCorner(n, n);
    const VectorXd u = dptz_bench::randomHermitian<double>(n, 32).col(0) / std::sqrt(double(n));
    dptz::EigenUpdater<MatrixXd> up(A);
    if (kind == UpdateKind::Append)
      up.append(big.col(n).head(n), big(n, n));
    else if (kind == UpdateKind::Remove)
      up.remove(n / 2);
    else
      up.rankOneUpdate(0.5, u);
    const MatrixXd Ap = up.matrix();
    VectorXd lambda = up.eigenvalues();
    MatrixXd Q = up.eigenvectors();
    if (recompute) {
#ifdef DPTZ_HAS_LAPACKE
      const dptz::LapackEigenSolver<MatrixXd> es(Ap);
#else
      const Eigen::SelfAdjointEigenSolver<MatrixXd> es(Ap);
#endif
      lambda = es.eigenvalues();
      Q = es.eigenvectors();
    }
    VectorXd lref;
    MatrixXd Wref;
    reference(Ap, lref, Wref);
    const double norm = lref.cwiseAbs().maxCoeff();
    eigErr = (lambda - lref).cwiseAbs().maxCoeff() / (kEps * norm);
    orth = (Q.transpose() * Q - MatrixXd::Identity(Q.cols(), Q.cols())).cwiseAbs().maxCoeff() / kEps;
    residual = (Ap * Q - Q * lambda.asDiagonal()).cwiseAbs().maxCoeff() / (kEps * norm);
  }
  state.counters["err"] = eigErr;
  state.counters["orth"] = orth;
  state.counters["residual"] = residual;
}

// ---- registration ------------------------------------------------------------------------------------------------

template <typename Fn>
void once(const std::string& name, Fn fn) {
  benchmark::RegisterBenchmark(name.c_str(), fn)->Iterations(1)->Unit(benchmark::kMillisecond);
}

const bool registered = [] {
  using S = benchmark::State;
  for (int k = 1; k <= 14; ++k) {
    const std::string n = "/" + std::to_string(k);
    once("accuracy_gap/identity_all_rows" + n, [k](S& s) { accuracyGap(s, GapPath::AllRows, k); });
    once("accuracy_gap/identity_rows" + n, [k](S& s) { accuracyGap(s, GapPath::Rows, k); });
    once("accuracy_gap/lapack" + n, [k](S& s) { accuracyGap(s, GapPath::Lapack, k); });
  }
  for (Index n : {50, 200}) {
    const std::string sz = "/" + std::to_string(n);
    once("accuracy_dense_real/identity_all_rows" + sz, [n](S& s) { accuracyDense<double>(s, DensePath::AllRows, n); });
    once("accuracy_dense_real/identity_rows" + sz, [n](S& s) { accuracyDense<double>(s, DensePath::Rows, n); });
    once("accuracy_dense_real/lapack" + sz, [n](S& s) { accuracyDense<double>(s, DensePath::Lapack, n); });
    using C = std::complex<double>;
    once("accuracy_dense_complex/identity_all_rows" + sz, [n](S& s) { accuracyDense<C>(s, DensePath::AllRows, n); });
    once("accuracy_dense_complex/identity_rows" + sz, [n](S& s) { accuracyDense<C>(s, DensePath::Rows, n); });
    once("accuracy_dense_complex/lapack" + sz, [n](S& s) { accuracyDense<C>(s, DensePath::Lapack, n); });
  }
  for (Index n : {20, 100, 400}) {
    const std::string sz = "/" + std::to_string(n);
    once("accuracy_quadrature/legendre_gaussLegendre" + sz,
         [n](S& s) { accuracyQuadrature(s, RulePath::Classical, 0, 0, n); });
    once("accuracy_quadrature/legendre_gaussQuadrature" + sz,
         [n](S& s) { accuracyQuadrature(s, RulePath::General, 0, 0, n); });
    once("accuracy_quadrature/legendre_golub_welsch" + sz,
         [n](S& s) { accuracyQuadrature(s, RulePath::GolubWelsch, 0, 0, n); });
    once("accuracy_quadrature/jacobi_gaussJacobi" + sz,
         [n](S& s) { accuracyQuadrature(s, RulePath::Classical, 0.5, -0.3, n); });
    once("accuracy_quadrature/jacobi_gaussQuadrature" + sz,
         [n](S& s) { accuracyQuadrature(s, RulePath::General, 0.5, -0.3, n); });
    once("accuracy_quadrature/jacobi_golub_welsch" + sz,
         [n](S& s) { accuracyQuadrature(s, RulePath::GolubWelsch, 0.5, -0.3, n); });
  }
  for (Index n : {100, 400}) {
    const std::string sz = "/" + std::to_string(n);
    const std::pair<const char*, UpdateKind> kinds[] = {
        {"append", UpdateKind::Append}, {"remove", UpdateKind::Remove}, {"rank_one", UpdateKind::RankOne}};
    for (const auto& [name, kind] : kinds) {
      const UpdateKind kd = kind;
      once(std::string("accuracy_updates/updater_") + name + sz, [kd, n](S& s) { accuracyUpdate(s, kd, false, n); });
      once(std::string("accuracy_updates/recompute_") + name + sz, [kd, n](S& s) { accuracyUpdate(s, kd, true, n); });
    }
  }
  return true;
}();

}  // namespace

DPTZ_BENCHMARK_MAIN()
