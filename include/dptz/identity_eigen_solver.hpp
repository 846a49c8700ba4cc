// dptz — IdentityEigenSolver: a drop-in for Eigen::SelfAdjointEigenSolver whose eigenvector information comes from
// the eigenvector–eigenvalue identity: |V|^2, whole eigenvectors with phases, clusters, and chosen rows.
#ifndef DPTZ_IDENTITY_EIGEN_SOLVER_HPP
#define DPTZ_IDENTITY_EIGEN_SOLVER_HPP

#include <algorithm>
#include <cmath>
#include <memory>
#include <numeric>
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
#include "eigenvectors_abs2.hpp"
#include "identity.hpp"

namespace dptz {

/// Option bits of IdentityEigenSolver::compute, combined with Eigen's (Eigen::EigenvaluesOnly = 0x40,
/// Eigen::ComputeEigenvectors = 0x80) by |.
enum IdentitySolverFlags {
  /// |V|^2 from the identity on all n minors (O(n^4), OpenMP over minors); no phase work. Alone or with
  /// Eigen::ComputeEigenvectors.
  ComputeEigenvectorsAbs2 = 0x1000,
  /// With Eigen::ComputeEigenvectors: phases from eigenvalues only (rotated coordinate pairs, see PhaseMethod).
  PhasesByRotations = 0x2000
};

/// How eigenvectors() gets signs/phases (moduli always come from the identity).
enum class PhaseMethod {
  /// Default. A = Q T Q^* (Householder), then for each eigenvalue one twisted (shifted) solve of T - lambda_i I with
  /// the twist at the pivot component: the index k where |u_i(k)|^2 = p_{T without k}(lambda_i) / p_T'(lambda_i)
  /// (the identity in characteristic-polynomial form, read off the twisted factorization) is largest; the solve is
  /// the k-th adjugate column, i.e. u_i up to a scalar. Close eigenvalues (gap <= 1e-3 ||A||, or a cluster) get an
  /// orthonormal basis by a Rayleigh–Ritz step on their group. Back-transform V = Q U. Cost: one tridiagonalization
  /// (4/3 n^3 real), O(n^2) for all solves (+ O(n m^2) per group of size m), one application of Q (2 n^3) —
  /// the cost class of LAPACK's ?syevd with vectors.
  ShiftedSolve,
  /// Eigenvalues only: with pivot p (largest projector diagonal) rotate coordinates (p, k) by
  /// (e_p + e_k)/sqrt2 (and (e_p + i e_k)/sqrt2 for complex A) and apply the identity to the rotated minor:
  /// Re and Im of P(k, p) = sum over the cluster of v_s(k) conj(v_s(p)). A cluster of size m uses its m largest
  /// diagonal entries as pivots and gets an orthonormal basis of the span of those projector columns.
  /// Cost: n minor spectra for |V|^2 plus (n - 1) (x2 complex) per distinct pivot: O(P n^4), P <= n distinct pivots.
  /// Study use only (n up to a few dozen); accuracy eps ||A|| / gap per entry.
  Rotations
};

/// Eigen-style solver (mirrors Eigen::SelfAdjointEigenSolver) for Hermitian matrices with eigenvector information
/// from the Denton–Parke–Tao–Zhang identity. MatrixType: any Eigen matrix type of a real or complex scalar Eigen
/// supports (float, double, long double, std::complex<float/double>, mpfr::mpreal, ...), fixed or dynamic size.
///
///   dptz::IdentityEigenSolver<Eigen::MatrixXd> es(A);                       // eigenvalues + eigenvectors
///   es.eigenvalues(); es.eigenvectors(); es.clusters(); es.info();
///   es.compute(A, dptz::ComputeEigenvectorsAbs2);                         // |V|^2 only, no phase work
///   es.compute(A, Eigen::ComputeEigenvectors | dptz::PhasesByRotations);  // phases from eigenvalues only
///   es.computeRows(A, {0, 5});                                            // rows 0 and 5 of |V|^2, each at the
///                                                                          // price of the eigenvalues
///
/// Options: Eigen::EigenvaluesOnly (tridiagonalization + tridiagonal eigenvalues), Eigen::ComputeEigenvectors,
/// dptz::ComputeEigenvectorsAbs2, dptz::PhasesByRotations (see PhaseMethod). Bad input (non-square, empty,
/// non-finite, not Hermitian within 100 n eps max|A_ij|, unknown options, an index out of range) throws
/// std::invalid_argument and leaves the solver as it was; numerical failure gives info() == NoConvergence.
template <typename MatrixType_>
class IdentityEigenSolver {
 public:
  using MatrixType = MatrixType_;
  using Scalar = typename MatrixType::Scalar;
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;
  using Index = Eigen::Index;
  enum { Size = MatrixType::RowsAtCompileTime, MaxSize = MatrixType::MaxRowsAtCompileTime };
  using EigenvectorsType = Eigen::Matrix<Scalar, Size, Size, Eigen::ColMajor, MaxSize, MaxSize>;
  using RealVectorType = Eigen::Matrix<RealScalar, Size, 1, Eigen::ColMajor, MaxSize, 1>;
  using RealMatrixType = Eigen::Matrix<RealScalar, Eigen::Dynamic, Eigen::Dynamic>;

  IdentityEigenSolver() = default;

  template <typename InputType>
  explicit IdentityEigenSolver(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    compute(A.derived(), options);
  }

  /// Cluster tolerance relative to max|lambda| (negative, the default: n eps). Eigenvalues closer than this are one
  /// cluster: their |V|^2 entries share the projector diagonal, eigenvectors() spans the invariant subspace.
  IdentityEigenSolver& setClusterTolerance(double relative) {
    if (!(relative == relative)) detail::fail("dptz::IdentityEigenSolver::setClusterTolerance", "tolerance is NaN");
    m_relTol = relative;
    return *this;
  }
  /// Where eigenvalues of A and the minors come from (Backend::Default: the faster one).
  IdentityEigenSolver& setBackend(Backend backend) {
    m_backend = backend;
    return *this;
  }
  /// OpenMP threads over minors (0: OpenMP's default). Results are bitwise identical for any count.
  IdentityEigenSolver& setThreads(int threads) {
    m_threads = threads;
    return *this;
  }

  template <typename InputType>
  IdentityEigenSolver& compute(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    constexpr const char* where = "dptz::IdentityEigenSolver::compute";
    const int known = Eigen::EigenvaluesOnly | Eigen::ComputeEigenvectors | ComputeEigenvectorsAbs2 | PhasesByRotations;
    if ((options & ~known) != 0 || options == 0 ||
        ((options & Eigen::EigenvaluesOnly) && (options & (Eigen::ComputeEigenvectors | ComputeEigenvectorsAbs2))) ||
        ((options & PhasesByRotations) && !(options & Eigen::ComputeEigenvectors)))
      detail::fail(where,
                   "options must be Eigen::EigenvaluesOnly, or Eigen::ComputeEigenvectors and/or "
                   "dptz::ComputeEigenvectorsAbs2 (dptz::PhasesByRotations only with Eigen::ComputeEigenvectors), got ",
                   options);
    Matrix a = prepare(where, A.derived());  // throws before anything changes
    const bool vectors = (options & Eigen::ComputeEigenvectors) != 0;
    const bool rotations = (options & PhasesByRotations) != 0;
    const bool abs2 = (options & ComputeEigenvectorsAbs2) != 0 || rotations;
    reset();
    if constexpr (detail::IsSmallFixed<MatrixType>::value)  // 2x2 / 3x3: closed form (small.hpp)
      if (m_backend == Backend::Default && !rotations) return computeSmall(A.derived(), vectors, abs2);
    const Index n = a.rows();
    Abs2Options opt;
    opt.backend = m_backend;
    opt.clusterTolerance = m_relTol;
    opt.threads = m_threads;
    try {
      // eig(A) from the tridiagonal form (this is all EigenvaluesOnly costs).
      detail::Tridiagonal<Scalar> tri(m_useLapack);
      Matrix reflectors = a;
      RealVector d, e;
      if (!tri.reduce(reflectors, d, e)) return failed();
      RealVector lambda = d, e2 = e;
      if (!detail::tridiagonalEigenvalues(m_useLapack, lambda, e2)) return failed();
      detail::Abs2Context<Scalar> ctx(where, a, opt, lambda, m_useLapack);
      setSpectrum(ctx);
      if (abs2) {
        ctx.allRows(where, m_abs2);
        m_abs2Ok = true;
        m_rows.resize(static_cast<std::size_t>(n));
        std::iota(m_rows.begin(), m_rows.end(), Index(0));
      }
      if (vectors) {
        if (rotations) {
          if (!phasesByRotations(ctx)) return failed();
        } else {
          RealMatrixType U;
          const RealScalar groupTol = (std::max)(ctx.clusterTol, RealScalar(1e-3) * ctx.lambda.cwiseAbs().maxCoeff());
          detail::tridiagonalEigenvectors(d, e, ctx.lambda, groupTol, U);
          Matrix C = U.template cast<Scalar>();
          tri.applyQ(reflectors, C);
          m_eivec = C;
        }
        m_eigenvectorsOk = true;
      }
    } catch (const NumericalError&) {
      return failed();
    }
    m_info = Eigen::Success;
    return *this;
  }

  /// Eigenvalues and the rows `rows` of |V|^2 only (any order, repeats allowed): each row from one
  /// tridiagonalization that keeps that coordinate fixed, eig(A) shared — one row at the price of the eigenvalues.
  template <typename InputType>
  IdentityEigenSolver& computeRows(const Eigen::EigenBase<InputType>& A, const std::vector<Index>& rows) {
    constexpr const char* where = "dptz::IdentityEigenSolver::computeRows";
    Matrix a = prepare(where, A.derived());
    for (Index j : rows) detail::checkIndex(where, "row index", j, a.rows());
    reset();
    Abs2Options opt;
    opt.backend = m_backend;
    opt.clusterTolerance = m_relTol;
    opt.threads = m_threads;
    try {
      std::unique_ptr<detail::Abs2Context<Scalar>> ctx;
      m_abs2 = detail::abs2RowsByTridiagonalization<Scalar>(where, std::move(a), rows, opt, &ctx);
      setSpectrum(*ctx);
    } catch (const NumericalError&) {
      return failed();
    }
    m_rows = rows;
    m_abs2Ok = true;
    m_info = Eigen::Success;
    return *this;
  }

  /// Ascending eigenvalues.
  const RealVectorType& eigenvalues() const {
    eigen_assert(m_isInitialized && "IdentityEigenSolver is not initialized.");
    return m_eivalues;
  }
  /// Unit eigenvectors, column i for eigenvalues()(i); a cluster's columns are an orthonormal basis of its
  /// invariant subspace.
  const EigenvectorsType& eigenvectors() const {
    eigen_assert(m_isInitialized && "IdentityEigenSolver is not initialized.");
    eigen_assert(m_eigenvectorsOk && "The eigenvectors have not been computed (use Eigen::ComputeEigenvectors).");
    return m_eivec;
  }
  /// W(r, i) = |v_i(rows()[r])|^2 from the identity (all rows after compute with ComputeEigenvectorsAbs2; the
  /// requested rows after computeRows). A cluster's members share its projector diagonal equally.
  const RealMatrixType& eigenvectorsAbs2() const {
    eigen_assert(m_isInitialized && "IdentityEigenSolver is not initialized.");
    eigen_assert(m_abs2Ok && "|V|^2 has not been computed (use dptz::ComputeEigenvectorsAbs2 or computeRows).");
    return m_abs2;
  }
  /// The rows of A that eigenvectorsAbs2() holds, in order.
  const std::vector<Index>& rows() const { return m_rows; }
  /// Runs of numerically equal eigenvalues (every eigenvalue is in exactly one; size 1: simple).
  const std::vector<Cluster>& clusters() const { return m_clusters; }
  /// The absolute tolerance the clusters were found with (in the units of A).
  RealScalar clusterTolerance() const { return m_tolUsed; }

  Eigen::ComputationInfo info() const {
    eigen_assert(m_isInitialized && "IdentityEigenSolver is not initialized.");
    return m_info;
  }

 private:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<RealScalar, Eigen::Dynamic, 1>;

  /// Checked copy scaled by a power of two (exact; spectra O(1)); resolves the backend. Throws on bad input.
  template <typename Derived>
  Matrix prepare(const char* where, const Derived& A) {
    Matrix a = A;
    detail::checkSquareFinite(where, a);
    const RealScalar maxAbs = detail::checkHermitian(where, a);
    const bool b = detail::useLapack<Scalar>(where, m_backend, a.rows());
    m_pendingScale = detail::powerOfTwoScale(maxAbs);
    m_useLapack = b;
    a *= m_pendingScale;
    return a;
  }

  /// Fixed-size 2x2 / 3x3 with Backend::Default: the closed form of small.hpp (input already checked).
  template <typename Derived>
  IdentityEigenSolver& computeSmall(const Derived& A, bool vectors, bool abs2) {
    using SmallMatrix = Eigen::Matrix<Scalar, Size, Size>;
    SmallEigenSolver<SmallMatrix> small;
    small.setClusterTolerance(m_relTol);
    small.compute(SmallMatrix(A), vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
    m_eivalues = small.eigenvalues();
    const RealScalar rel =
        m_relTol < 0 ? RealScalar(Size) * Eigen::NumTraits<RealScalar>::epsilon() : RealScalar(m_relTol);
    m_tolUsed = rel * m_eivalues.cwiseAbs().maxCoeff();
    m_clusters = findClusters(m_eivalues, m_tolUsed);
    if (abs2) {
      m_abs2 = small.eigenvectorsAbs2();
      m_abs2Ok = true;
      m_rows.resize(std::size_t(Size));
      std::iota(m_rows.begin(), m_rows.end(), Index(0));
    }
    if (vectors) {
      m_eivec = small.eigenvectors();
      m_eigenvectorsOk = true;
    }
    m_info = Eigen::Success;
    return *this;
  }

  void reset() {
    m_isInitialized = true;
    m_eigenvectorsOk = m_abs2Ok = false;
    m_abs2.resize(0, 0);
    m_rows.clear();
    m_clusters.clear();
    m_tolUsed = RealScalar(0);
    m_scale = m_pendingScale;
  }

  IdentityEigenSolver& failed() {
    m_info = Eigen::NoConvergence;
    m_eigenvectorsOk = m_abs2Ok = false;
    return *this;
  }

  void setSpectrum(const detail::Abs2Context<Scalar>& ctx) {
    m_eivalues = ctx.lambda / m_scale;
    m_clusters = ctx.clusters;
    m_tolUsed = ctx.clusterTol / m_scale;
  }

  /// PhaseMethod::Rotations: projector columns P(:, p) from rotated minors (eigenvalues only). m_abs2 holds |V|^2.
  bool phasesByRotations(const detail::Abs2Context<Scalar>& ctx) {
    using std::abs;
    using std::sqrt;
    const Index n = ctx.A.rows();
    const bool complex = Eigen::NumTraits<Scalar>::IsComplex;
    const int nAlpha = complex ? 2 : 1;
    // Projector diagonals per cluster, pivots = the m largest.
    std::vector<std::vector<Index>> pivots(ctx.clusters.size());
    std::vector<char> isPivot(static_cast<std::size_t>(n), 0);
    for (std::size_t c = 0; c < ctx.clusters.size(); ++c) {
      const Cluster& cl = ctx.clusters[c];
      std::vector<Index> order(static_cast<std::size_t>(n));
      std::iota(order.begin(), order.end(), Index(0));
      std::stable_sort(order.begin(), order.end(),
                       [&](Index x, Index y) { return m_abs2(x, cl.first) > m_abs2(y, cl.first); });
      pivots[c].assign(order.begin(), order.begin() + cl.size);
      for (Index p : pivots[c]) isPivot[std::size_t(p)] = 1;
    }
    std::vector<Index> pivotList;
    for (Index p = 0; p < n; ++p)
      if (isPivot[std::size_t(p)]) pivotList.push_back(p);
    // rot[(pivot index, alpha)](k, c) = cluster-summed |(F^* v)(p)|^2 for the rotation of (p, k).
    const Index jobs = Index(pivotList.size()) * n * nAlpha;
    RealMatrixType rot(jobs, Index(ctx.clusters.size()));
    bool bad = false;
#ifdef _OPENMP
    const int nt = m_threads > 0 ? m_threads : omp_get_max_threads();
    // Built-in scalars only: multiprecision types keep thread-local state (mpfr's default precision).
    const bool parallel = std::is_arithmetic<RealScalar>::value && jobs > 1 && n > 8;
#pragma omp parallel num_threads(nt) if (parallel) reduction(|| : bad)
#endif
    {
      detail::HermitianEigenvalues<Scalar> eig(ctx.useLapack);
      Matrix X, M;
      RealVector mu;
#ifdef _OPENMP
#pragma omp for schedule(dynamic, 1)
#endif
      for (Index job = 0; job < jobs; ++job) {
        const Index p = pivotList[std::size_t(job / (n * nAlpha))], k = (job / nAlpha) % n;
        const int a = int(job % nAlpha);
        if (k == p) continue;
        const Scalar alpha = a == 0 ? Scalar(1) : imagUnit();
        const RealScalar r2 = RealScalar(1) / sqrt(RealScalar(2));
        X = ctx.A;
        X.col(k) = (ctx.A.col(k) - Eigen::numext::conj(alpha) * ctx.A.col(p)) * r2;
        X.row(k) = (X.row(k) - alpha * X.row(p)) * r2;
        detail::extractMinor(X, p, M);
        if (!eig.compute(M, mu)) {
          bad = true;
          continue;
        }
        for (std::size_t c = 0; c < ctx.clusters.size(); ++c)
          rot(job, Index(c)) = detail::pairedProduct(ctx.lambda, mu, ctx.clusters[c]);
      }
    }
    if (bad) return false;
    m_eivec.resize(n, n);
    Matrix V(n, n);
    for (std::size_t c = 0; c < ctx.clusters.size(); ++c) {
      const Cluster& cl = ctx.clusters[c];
      const RealScalar m = RealScalar(cl.size);
      Index found = 0;
      for (Index p : pivots[c]) {
        const Index pi = Index(std::lower_bound(pivotList.begin(), pivotList.end(), p) - pivotList.begin());
        const RealScalar ppp = m_abs2(p, cl.first) * m;
        Eigen::Matrix<Scalar, Eigen::Dynamic, 1> y(n);
        for (Index k = 0; k < n; ++k) {
          if (k == p) {
            y(k) = Scalar(ppp);
            continue;
          }
          const RealScalar half = (ppp + m_abs2(k, cl.first) * m) / RealScalar(2);
          const RealScalar re = rot((pi * n + k) * nAlpha, Index(c)) - half;
          const RealScalar im = complex ? rot((pi * n + k) * nAlpha + 1, Index(c)) - half : RealScalar(0);
          y(k) = makeScalar(re, im);
        }
        if (cl.size == 1) {  // moduli from the identity, phases from the projector column
          for (Index k = 0; k < n; ++k) {
            const RealScalar mod = sqrt(m_abs2(k, cl.first)), ay = abs(y(k));
            y(k) = ay > RealScalar(0) ? y(k) * (mod / ay) : Scalar(mod);
          }
        }
        for (int pass = 0; pass < 2; ++pass)
          for (Index t = 0; t < found; ++t) y -= V.col(cl.first + t) * V.col(cl.first + t).dot(y);
        const RealScalar nrm = y.norm();
        if (nrm > RealScalar(0) && found < cl.size) V.col(cl.first + found++) = y / nrm;
      }
      for (Index k = 0; found < cl.size && k < n; ++k) {  // dependent projector columns: complete the basis
        Eigen::Matrix<Scalar, Eigen::Dynamic, 1> y = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>::Unit(n, k);
        for (int pass = 0; pass < 2; ++pass)
          for (Index t = 0; t < cl.first + found; ++t) y -= V.col(t) * V.col(t).dot(y);
        const RealScalar nrm = y.norm();
        if (nrm > RealScalar(0.5)) V.col(cl.first + found++) = y / nrm;
      }
    }
    m_eivec = V;
    return true;
  }

  static Scalar imagUnit() {
    if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
      return Scalar(RealScalar(0), RealScalar(1));
    else
      return Scalar(1);
  }
  static Scalar makeScalar(const RealScalar& re, const RealScalar& im) {
    if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
      return Scalar(re, im);
    else
      return (void)im, Scalar(re);
  }

  EigenvectorsType m_eivec;
  RealVectorType m_eivalues;
  RealMatrixType m_abs2;
  std::vector<Index> m_rows;
  std::vector<Cluster> m_clusters;
  RealScalar m_tolUsed = RealScalar(0);
  RealScalar m_scale = RealScalar(1), m_pendingScale = RealScalar(1);
  double m_relTol = -1;
  Backend m_backend = Backend::Default;
  bool m_useLapack = false;  // m_backend resolved for the last compute()
  int m_threads = 0;
  Eigen::ComputationInfo m_info = Eigen::InvalidInput;
  bool m_isInitialized = false;
  bool m_eigenvectorsOk = false;
  bool m_abs2Ok = false;
};

}  // namespace dptz

#endif  // DPTZ_IDENTITY_EIGEN_SOLVER_HPP
