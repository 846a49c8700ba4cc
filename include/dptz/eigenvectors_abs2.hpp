// dptz — |V|^2 of a dense Hermitian matrix from eigenvalues of the matrix and of its minors.
#ifndef DPTZ_EIGENVECTORS_ABS2_HPP
#define DPTZ_EIGENVECTORS_ABS2_HPP

#include <memory>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "types.hpp"
#include "detail/spectrum.hpp"
#include "detail/tridiagonal.hpp"
#include "detail/validate.hpp"
#include "identity.hpp"
#include "small.hpp"

namespace dptz {

namespace detail {

/// Checked, power-of-two-scaled dense copy of A (|V|^2 is scale invariant; the scaling is exact and keeps every
/// spectrum O(1), so no difference of eigenvalues overflows or underflows needlessly).
template <typename Derived>
Eigen::Matrix<typename Derived::Scalar, Eigen::Dynamic, Eigen::Dynamic> checkedScaledCopy(
    const char* where, const Eigen::MatrixBase<Derived>& A) {
  checkSquareFinite(where, A);
  const auto maxAbs = checkHermitian(where, A);
  return A.derived() * powerOfTwoScale(maxAbs);
}

/// Relative gap below which rows from the tridiagonal form use the paired product instead of the sweep.
constexpr double kSweepGap = 1e-6;

template <typename Scalar>
struct Abs2Context {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<Real, Eigen::Dynamic, 1>;

  Matrix A;  // scaled copy
  RealVector lambda;
  std::vector<Cluster> clusters;
  bool useLapack;  // the resolved backend
  int threads;
  Real clusterTol = Real(0);     // absolute, on the scaled spectrum
  bool tridiagonalRows = false;  // rows from one tridiagonalization each (RowSpectra) instead of eig(M_j)
  bool sweepRows = false;        // those rows by the characteristic-polynomial sweep (all gaps wide)

  Abs2Context(const char* where, Matrix scaled, const Abs2Options& opt)
      : A(std::move(scaled)), useLapack(detail::useLapack<Scalar>(where, opt.backend, A.rows())), threads(opt.threads) {
    if (!(opt.clusterTolerance == opt.clusterTolerance)) fail(where, "clusterTolerance is NaN");
    Matrix work = A;
    HermitianEigenvalues<Scalar> eig(useLapack);
    if (!eig.compute(work, lambda)) throw NumericalError(std::string(where) + ": eigenvalues of A did not converge");
    setClusters(opt);
  }

  /// eig(A) already known (ascending, of the scaled copy), e.g. from the first row's tridiagonal form; A may be
  /// left empty when no further row needs it.
  Abs2Context(const char* where, Matrix scaled, const Abs2Options& opt, RealVector scaledLambda, bool lapack)
      : A(std::move(scaled)), lambda(std::move(scaledLambda)), useLapack(lapack), threads(opt.threads) {
    if (!(opt.clusterTolerance == opt.clusterTolerance)) fail(where, "clusterTolerance is NaN");
    setClusters(opt);
  }

  void setClusters(const Abs2Options& opt) {
    clusterTol = opt.clusterTolerance < 0 ? defaultClusterTolerance(lambda)
                                          : Real(opt.clusterTolerance) * lambda.cwiseAbs().maxCoeff();
    clusters = findClusters(lambda, clusterTol);
    // Rows from the tridiagonal form take the characteristic-polynomial sweep only where every gap exceeds
    // kSweepGap ||A||. Both forms give each entry to ~eps ||A|| / gap, but the sweep evaluates a close pair's
    // members independently, so their sum (the pair's projector diagonal, well conditioned) inherits that error;
    // the paired product keeps the sum at rounding (the two entries share the minor eigenvalue between them).
    // Random matrices (n <= 2000) have relative gaps >= 1e-5: they sweep.
    const Real wide = (std::max)(Real(1024) * clusterTol, Real(kSweepGap) * lambda.cwiseAbs().maxCoeff());
    sweepRows = true;
    for (Eigen::Index k = 0; k + 1 < lambda.size(); ++k) sweepRows = sweepRows && lambda(k + 1) - lambda(k) > wide;
  }

  /// All n rows, then the columns scaled to sum to 1: every entry of column i shares the denominator
  /// prod_{k != i}(lambda_i - lambda_k), and the scaling cancels its rounding. A near-degenerate group (consecutive
  /// gaps below 1e-3 max|lambda|) is treated as one: its individual column sums carry independent eps/gap errors,
  /// but its row sums (the projector diagonal) are well conditioned, so the group is scaled by one factor and its
  /// columns are then balanced to sum 1 without touching those row sums (balanceGroup).
  template <typename OutT>
  void allRows(const char* where, OutT& W) const {
    const Eigen::Index n = A.rows();
    std::vector<Eigen::Index> all(static_cast<std::size_t>(n));
    for (Eigen::Index j = 0; j < n; ++j) all[std::size_t(j)] = j;
    W.resize(n, n);
    rows(where, all, W);
    const Real groupTol = Real(1e-3) * lambda.cwiseAbs().maxCoeff();
    for (const Cluster& g : findClusters(lambda, (std::max)(groupTol, clusterTol))) {
      auto B = W.middleCols(g.first, g.size);
      const Real s = B.sum();
      if (!(s > Real(0))) continue;
      B *= Real(g.size) / s;
      if (g.size > 1) balanceGroup(B);
    }
  }

  /// Columns of a group to sum 1 with its row sums r unchanged: add r_j d_i / m to entry (j, i), d_i = 1 - (column
  /// i's sum), m = group size. Row j changes by r_j (sum_i d_i) / m = 0 and column i by d_i; the change is of the
  /// size of the entries' own eps/gap error. If that would make an entry negative (gaps so small that the entries
  /// are mostly error), the group keeps its common scaling only: its row sums stay exact, its column sums are then
  /// as accurate as its entries.
  template <typename BlockT>
  static void balanceGroup(BlockT& B) {
    const Eigen::Matrix<Real, Eigen::Dynamic, 1> r = B.rowwise().sum();
    const Eigen::Matrix<Real, 1, Eigen::Dynamic> d =
        (Eigen::Matrix<Real, 1, Eigen::Dynamic>::Ones(B.cols()) - B.colwise().sum()) / Real(B.cols());
    const Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> balanced = B + r * d;
    if (balanced.minCoeff() >= Real(0)) B = balanced;
  }

  /// out.row(r) = row rows[r] of |V|^2, minors in parallel. Each row is computed by exactly the same serial code
  /// whatever the thread count, so results are bitwise identical for any number of threads.
  template <typename OutT>
  void rows(const char* where, const std::vector<Eigen::Index>& rowList, OutT& out) const {
    const Eigen::Index count = Eigen::Index(rowList.size()), n = A.rows();
    bool failed = false;
#ifdef _OPENMP
    const int nt = threads > 0 ? threads : omp_get_max_threads();
    // Only built-in scalars go parallel: multiprecision types keep per-thread state (mpfr's default precision
    // is thread local, so a worker would compute in 53 bits).
    const bool parallel = std::is_arithmetic<Real>::value && count > 1 && n > 8;
#pragma omp parallel num_threads(nt) if (parallel) reduction(|| : failed)
#endif
    {
      HermitianEigenvalues<Scalar> eig(useLapack);
      RowSpectra<Scalar> rowSpectra(useLapack);
      Matrix M;
      RealVector mu;
      RealVector w(n);
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
      for (Eigen::Index r = 0; r < count; ++r) {
        const Eigen::Index j = rowList[std::size_t(r)];
        bool ok;
        if (tridiagonalRows) {
          ok = rowSpectra.reduce(A, j) && rowSpectra.row(lambda, clusters, sweepRows, w);
        } else {
          extractMinor(A, j, M);
          ok = eig.compute(M, mu);
          if (ok) abs2Row(lambda, mu, clusters, w);
        }
        if (!ok) {
          failed = true;
          continue;
        }
        out.row(r) = w.transpose();
      }
    }
    if (failed) throw NumericalError(std::string(where) + ": eigenvalues of a minor did not converge");
  }
};

}  // namespace detail

/// W(j, i) = |v_i(j)|^2 for the Hermitian matrix A (eigenvalues ascending), from eig(A) and the n minor spectra
/// eig(M_j): O(n^4) — n eigensolves of size n-1. Columns are scaled to sum to 1 (each column shares the
/// denominator prod_{k != i}(lambda_i - lambda_k); the scaling cancels its rounding). Numerically equal eigenvalues
/// share their projector diagonal equally. Throws std::invalid_argument on non-square, empty, non-finite or
/// non-Hermitian input, dptz::NumericalError if an eigensolve fails.
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic> eigenvectorsAbs2(
    const Eigen::MatrixBase<Derived>& A, const Abs2Options& options = Abs2Options()) {
  using Scalar = typename Derived::Scalar;
  using Real = typename Derived::RealScalar;
  constexpr const char* where = "dptz::eigenvectorsAbs2";
  // Fixed-size 2x2 / 3x3 (float, double, complex): closed form, see small.hpp (an explicit backend keeps this path).
  if constexpr (detail::IsSmallFixed<Derived>::value)
    if (options.backend == Backend::Default) return detail::smallAbs2(where, A, options.clusterTolerance);
  const detail::Abs2Context<Scalar> ctx(where, detail::checkedScaledCopy(where, A), options);
  const Eigen::Index n = ctx.A.rows();
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> W(n, n);
  ctx.allRows(where, W);
  return W;
}

namespace detail {

/// The rows path: each requested row j from ONE tridiagonalization of A with j moved to position 0 (Householder
/// from column 1 keeps e_1 fixed): row j of |V|^2 is row 0 of T's. eig(A) = eig(T) is taken from the first requested
/// row's T and shared by all rows; the row itself costs O(n^2) (RowSpectra::row), so one row is one
/// tridiagonalization plus one tridiagonal eigensolve plus about a third of one: about the price of eigenvalues
/// only.
/// Returns rows.size() x n (|V|^2 is scale free). The context (eig(A), clusters, tolerance) is left in *ctxOut when
/// asked for.
template <typename Scalar>
Eigen::Matrix<typename Eigen::NumTraits<Scalar>::Real, Eigen::Dynamic, Eigen::Dynamic> abs2RowsByTridiagonalization(
    const char* where, typename Abs2Context<Scalar>::Matrix scaled, const std::vector<Eigen::Index>& rows,
    const Abs2Options& options, std::unique_ptr<Abs2Context<Scalar>>* ctxOut = nullptr) {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using RealVector = typename Abs2Context<Scalar>::RealVector;
  using RealMatrix = Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = scaled.rows(), count = Eigen::Index(rows.size());
  if (!(options.clusterTolerance == options.clusterTolerance)) fail(where, "clusterTolerance is NaN");
  const bool lapack = useLapack<Scalar>(where, options.backend, n);
  RowSpectra<Scalar> first(lapack);
  const Eigen::Index j0 = count > 0 ? rows[0] : 0;
  // A single row needs no other minor: reduce the scaled copy in place.
  const bool keepA = count > 1;
  RealVector lambda;
  if (!((keepA ? first.reduce(scaled, j0) : first.reduceInPlace(scaled, j0)) && first.eigenvalues(lambda)))
    throw NumericalError(std::string(where) + ": eigenvalues of the tridiagonal form did not converge");
  using Matrix = typename Abs2Context<Scalar>::Matrix;
  auto ctx = std::make_unique<Abs2Context<Scalar>>(where, keepA ? std::move(scaled) : Matrix(), options,
                                                   std::move(lambda), lapack);
  ctx->tridiagonalRows = true;
  RealMatrix W(count, n);
  if (count > 0) {
    RealVector w;
    if (!first.row(ctx->lambda, ctx->clusters, ctx->sweepRows, w))
      throw NumericalError(std::string(where) + ": eigenvalues of a minor did not converge");
    W.row(0) = w.transpose();
  }
  if (count > 1) {
    const std::vector<Eigen::Index> rest(rows.begin() + 1, rows.end());
    RealMatrix Wrest(count - 1, n);
    ctx->rows(where, rest, Wrest);
    W.bottomRows(count - 1) = Wrest;
  }
  if (ctxOut) *ctxOut = std::move(ctx);
  return W;
}

}  // namespace detail

/// Only the rows listed in `rows` (any order, repeats allowed): rows.size() x n. Each row costs one
/// tridiagonalization that keeps that coordinate fixed plus O(n^2) (eig(A) is shared): one row is about the price of
/// the eigenvalues alone. Rows equal the all-rows result's rows to rounding (that path also scales columns to sum 1).
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic> eigenvectorsAbs2(
    const Eigen::MatrixBase<Derived>& A, const std::vector<Eigen::Index>& rows,
    const Abs2Options& options = Abs2Options()) {
  using Scalar = typename Derived::Scalar;
  constexpr const char* where = "dptz::eigenvectorsAbs2";
  auto scaled = detail::checkedScaledCopy(where, A);
  for (Eigen::Index j : rows) detail::checkIndex(where, "row index", j, scaled.rows());
  return detail::abs2RowsByTridiagonalization<Scalar>(where, std::move(scaled), rows, options);
}

}  // namespace dptz

#endif  // DPTZ_EIGENVECTORS_ABS2_HPP
