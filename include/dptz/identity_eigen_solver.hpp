// dptz — IdentityEigenSolver: a drop-in for Eigen::SelfAdjointEigenSolver whose eigenvector information comes from
// the eigenvector–eigenvalue identity: |V|^2, whole eigenvectors with phases, clusters, and chosen rows.
#ifndef DPTZ_IDENTITY_EIGEN_SOLVER_HPP
#define DPTZ_IDENTITY_EIGEN_SOLVER_HPP

#include <algorithm>
#include <numeric>
#include <vector>

#include <Eigen/Core>

#include "detail/dense_identity.hpp"
#include "detail/householder_rows.hpp"
#include "detail/numerics.hpp"
#include "detail/rotation_phases.hpp"
#include "detail/spectrum.hpp"
#include "detail/tridiagonal_eigenvectors.hpp"
#include "detail/validate.hpp"
#include "small.hpp"
#include "types.hpp"

namespace dptz {

/// Option bits of IdentityEigenSolver::compute, combined with Eigen's (Eigen::EigenvaluesOnly = 0x40,
/// Eigen::ComputeEigenvectors = 0x80) by |.
enum IdentitySolverFlags {
  /// |V|^2 from the identity on all n minors (O(n^4), OpenMP over minors); no phase work. Alone or with
  /// Eigen::ComputeEigenvectors.
  ComputeEigenvectorsAbs2 = 0x1000,
  /// With Eigen::ComputeEigenvectors: phases from eigenvalues only. With pivot p (largest projector diagonal)
  /// coordinates (p, k) are rotated by (e_p + e_k)/sqrt2 (and (e_p + i e_k)/sqrt2 for complex A) and the identity
  /// applied to the rotated minor gives Re and Im of the projector entry P(k, p) (docs/math.md, section "Phases").
  /// Cost O(P n^4) with P <= n distinct pivots: for study, n up to a few dozen; accuracy eps ||A|| / gap per entry.
  PhasesByRotations = 0x2000
};

/// Combines Eigen's option bits with dptz's, e.g. Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2 (C++20
/// deprecates | between two different enumerations; these overloads make the combination an int explicitly).
constexpr int operator|(Eigen::DecompositionOptions eigenOption, IdentitySolverFlags dptzOption) noexcept {
  return int(eigenOption) | int(dptzOption);
}
/// @copydoc operator|(Eigen::DecompositionOptions, IdentitySolverFlags)
constexpr int operator|(IdentitySolverFlags dptzOption, Eigen::DecompositionOptions eigenOption) noexcept {
  return int(dptzOption) | int(eigenOption);
}

/// Eigen-style solver (mirrors Eigen::SelfAdjointEigenSolver) for Hermitian matrices with eigenvector information
/// from the Denton–Parke–Tao–Zhang identity.
///
///   dptz::IdentityEigenSolver<Eigen::MatrixXd> es(A);                       // eigenvalues + eigenvectors
///   es.eigenvalues(); es.eigenvectors(); es.clusters(); es.info();
///   es.compute(A, dptz::ComputeEigenvectorsAbs2);                         // |V|^2 only, no phase work
///   es.compute(A, Eigen::ComputeEigenvectors | dptz::PhasesByRotations);  // phases from eigenvalues only
///   es.computeRows(A, {0, 5});                                            // rows 0 and 5 of |V|^2
///
/// Eigenvalues come from a Householder tridiagonalization (LAPACK ?sytrd/?hetrd or Eigen) and the tridiagonal
/// eigenvalues. Eigenvectors (Eigen::ComputeEigenvectors): for each eigenvalue one twisted solve of T - lambda_i I
/// with the twist at the component the identity says is largest, groups of close eigenvalues (gap <= 1e-3 ||A||)
/// completed by a Rayleigh–Ritz step, then V = Q U: the cost class of LAPACK's ?syevd with vectors. Fixed-size
/// 2x2 and 3x3 matrices of float, double or std::complex (Backend::Default) use the closed form of small.hpp and
/// allocate nothing after the first compute().
///
/// @tparam MatrixType_ any Eigen matrix type of a real or complex scalar Eigen supports (float, double, long double,
///         std::complex<float/double>, mpfr::mpreal, ...), fixed or dynamic size
template <typename MatrixType_>
class IdentityEigenSolver {
 public:
  using MatrixType = MatrixType_;                                 ///< the matrix type of the problem
  using Scalar = typename MatrixType::Scalar;                     ///< its scalar (real or complex)
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;     ///< the real type of eigenvalues and |V|^2
  using Index = Eigen::Index;                                     ///< Eigen's index type
  /// Compile-time sizes of the problem.
  enum { Size = MatrixType::RowsAtCompileTime, MaxSize = MatrixType::MaxRowsAtCompileTime };
  /// Type of eigenvectors(): unit columns.
  using EigenvectorsType = Eigen::Matrix<Scalar, Size, Size, Eigen::ColMajor, MaxSize, MaxSize>;
  /// Type of eigenvalues(): ascending.
  using RealVectorType = Eigen::Matrix<RealScalar, Size, 1, Eigen::ColMajor, MaxSize, 1>;
  /// Type of eigenvectorsAbs2(): one row per requested row of A.
  using RealMatrixType = Eigen::Matrix<RealScalar, Eigen::Dynamic, Eigen::Dynamic>;

  /// An empty solver; call compute() or computeRows().
  IdentityEigenSolver() = default;

  /// Constructs and computes: see compute().
  template <typename InputType>
  explicit IdentityEigenSolver(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    compute(A.derived(), options);
  }

  /// Cluster tolerance relative to max|lambda| (negative, the default: n eps). Eigenvalues closer than this are one
  /// cluster: their |V|^2 entries share the projector diagonal, eigenvectors() spans the invariant subspace.
  /// @throws std::invalid_argument if relative is NaN
  IdentityEigenSolver& setClusterTolerance(double relative) {
    if (!(relative == relative)) detail::fail("dptz::IdentityEigenSolver::setClusterTolerance", "tolerance is NaN");
    m_relTol = relative;
    return *this;
  }
  /// Where eigenvalues of A and the minors come from (Backend::Default: the faster one for the size).
  IdentityEigenSolver& setBackend(Backend backend) {
    m_backend = backend;
    return *this;
  }
  /// OpenMP threads over minors (0: OpenMP's default). Results are bitwise identical for any count.
  IdentityEigenSolver& setThreads(int threads) {
    m_threads = threads;
    return *this;
  }

  /// Eigenvalues and, as options ask, eigenvectors and |V|^2 of the Hermitian matrix A.
  /// @param A Hermitian matrix (any Eigen expression; the lower triangle is used, the upper one checked)
  /// @param options Eigen::EigenvaluesOnly, or Eigen::ComputeEigenvectors and/or dptz::ComputeEigenvectorsAbs2
  ///        (dptz::PhasesByRotations only with Eigen::ComputeEigenvectors)
  /// @return *this; info() is Eigen::NoConvergence if an eigensolve failed, Eigen::NumericalIssue if an eigenvalue
  ///         is beyond the largest finite value of the scalar type
  /// @throws std::invalid_argument on non-square, empty, non-finite or non-Hermitian input, unknown options, or
  ///         Backend::Lapack where LAPACK does not apply; the solver is left as it was
  /// Complexity: O(n^3) for eigenvalues and eigenvectors, O(n^4) for |V|^2 (n minor spectra).
  /// Accuracy: residual and orthogonality O(n eps ||A||); |V|^2 entries to about eps ||A|| / gap.
  template <typename InputType>
  IdentityEigenSolver& compute(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    constexpr const char* where = "dptz::IdentityEigenSolver::compute";
    checkOptions(where, options);
    const bool vectors = (options & Eigen::ComputeEigenvectors) != 0;
    const bool rotations = (options & PhasesByRotations) != 0;
    const bool abs2 = (options & ComputeEigenvectorsAbs2) != 0 || rotations;
    if constexpr (detail::IsSmallFixed<MatrixType>::value) {  // 2x2 / 3x3: closed form, no heap allocation
      if (m_backend == Backend::Default && !rotations) return computeSmall(where, A.derived(), vectors, abs2);
    }
    detail::DenseIdentity<Scalar> dense = prepare(where, A.derived());  // throws before anything changes
    reset();
    return finish(computeDense(dense, vectors, rotations, abs2));
  }

  /// Eigenvalues and the rows `rows` of |V|^2 only (any order, repeats allowed): each row from one
  /// tridiagonalization that keeps that coordinate fixed, eig(A) shared — one row at the price of the eigenvalues.
  /// @throws std::invalid_argument on bad input (as compute()) or a row index out of range
  /// Complexity: (4/3 + O(1/n)) n^3 real flops per row. Accuracy: each entry to about eps ||A|| / gap.
  template <typename InputType>
  IdentityEigenSolver& computeRows(const Eigen::EigenBase<InputType>& A, const std::vector<Index>& rows) {
    constexpr const char* where = "dptz::IdentityEigenSolver::computeRows";
    detail::DenseIdentity<Scalar> dense = prepare(where, A.derived());
    for (Index j : rows) detail::checkIndex(where, "row index", j, dense.A.rows());
    reset();
    if (!detail::abs2RowsByTridiagonalization(dense, m_relTol, rows, m_abs2)) return finish(false);
    setSpectrum(dense);
    m_rows = rows;
    m_abs2Ok = true;
    return finish(true);
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
  /// requested rows after computeRows). A cluster's members share its projector diagonal equally; entries lie in
  /// [0, 1]. All rows (compute): rows and columns sum to 1 to rounding (entries clamped to [0, 1] may
  /// leave a few eps more); chosen rows (computeRows): each row sums to 1 to rounding.
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

  /// Eigen::Success; Eigen::NoConvergence if an eigensolve failed; Eigen::NumericalIssue if an eigenvalue is beyond
  /// the largest finite value of the scalar type (one within a few ulps of it, the solver's rounding, is returned as
  /// that value).
  Eigen::ComputationInfo info() const {
    eigen_assert(m_isInitialized && "IdentityEigenSolver is not initialized.");
    return m_info;
  }

 private:
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using RealVector = Eigen::Matrix<RealScalar, Eigen::Dynamic, 1>;

  static void checkOptions(const char* where, int options) {
    const int known = Eigen::EigenvaluesOnly | Eigen::ComputeEigenvectors | ComputeEigenvectorsAbs2 | PhasesByRotations;
    if ((options & ~known) != 0 || options == 0 ||
        ((options & Eigen::EigenvaluesOnly) && (options & (Eigen::ComputeEigenvectors | ComputeEigenvectorsAbs2))) ||
        ((options & PhasesByRotations) && !(options & Eigen::ComputeEigenvectors)))
      detail::fail(where,
                   "options must be Eigen::EigenvaluesOnly, or Eigen::ComputeEigenvectors and/or "
                   "dptz::ComputeEigenvectorsAbs2 (dptz::PhasesByRotations only with Eigen::ComputeEigenvectors), got ",
                   options);
  }

  /// Checked copy scaled by a power of two (exact; spectra O(1)) with the backend resolved. Throws on bad input.
  template <typename Derived>
  detail::DenseIdentity<Scalar> prepare(const char* where, const Derived& A) {
    checkSize(where, A.rows(), A.cols());
    Matrix a = A;
    detail::checkSquareFinite(where, a);
    const RealScalar maxAbs = detail::checkHermitian(where, a);
    const bool lapack = detail::useLapack<Scalar>(where, m_backend, a.rows());
    m_pendingScale = detail::powerOfTwoScale(maxAbs);
    a *= m_pendingScale;
    return detail::DenseIdentity<Scalar>(std::move(a), lapack, m_threads);
  }

  /// The general path: eig(A) from the tridiagonal form (all that EigenvaluesOnly costs), then |V|^2 and vectors.
  bool computeDense(detail::DenseIdentity<Scalar>& dense, bool vectors, bool rotations, bool abs2) {
    detail::Tridiagonal<Scalar> tri(dense.useLapack);
    Matrix reflectors = dense.A;
    RealVector d, e;
    if (!tri.reduce(reflectors, d, e)) return false;
    dense.lambda = d;
    RealVector work = e;
    if (!detail::tridiagonalEigenvalues(dense.useLapack, dense.lambda, work)) return false;
    dense.setClusters(m_relTol);
    if (!setSpectrum(dense)) return false;
    if (abs2) {
      if (!dense.allRows(m_abs2)) return false;
      m_abs2Ok = true;
      m_rows.resize(static_cast<std::size_t>(dense.A.rows()));
      std::iota(m_rows.begin(), m_rows.end(), Index(0));
    }
    if (vectors) {
      if (rotations) {
        if (!detail::eigenvectorsByRotations(dense, m_abs2, m_eivec)) return false;
      } else {
        RealMatrixType U;
        const RealScalar groupTol =
            (std::max)(dense.clusterTol, RealScalar(detail::kGroupGap) * dense.lambda.cwiseAbs().maxCoeff());
        detail::tridiagonalEigenvectors(d, e, dense.lambda, groupTol, U);
        Matrix C = U.template cast<Scalar>();
        tri.applyQ(reflectors, C);
        m_eivec = C;
      }
      m_eigenvectorsOk = true;
    }
    return true;
  }

  /// A fixed-size MatrixType takes only its own size (copying another size into it is undefined behaviour).
  static void checkSize(const char* where, Index rows, Index cols) {
    if ((Size != Eigen::Dynamic && (rows != Index(Size) || cols != Index(Size))) ||
        (MaxSize != Eigen::Dynamic && (rows > Index(MaxSize) || cols > Index(MaxSize))))
      detail::fail(where, "matrix is ", rows, " x ", cols, " but this solver's MatrixType is ",
                   Index(Size == Eigen::Dynamic ? MaxSize : Size), " x ", Index(Size == Eigen::Dynamic ? MaxSize : Size),
                   Size == Eigen::Dynamic ? " at most" : "");
  }

  /// Fixed-size 2x2 / 3x3 with Backend::Default: the closed form of small.hpp. No heap allocation once the members
  /// have their sizes (the first call).
  template <typename Derived>
  IdentityEigenSolver& computeSmall(const char* where, const Derived& A, bool vectors, bool abs2) {
    using SmallMatrix = Eigen::Matrix<Scalar, Size, Size>;
    checkSize(where, A.rows(), A.cols());
    const SmallMatrix M = A;
    detail::small::check<Size>(where, M);
    if (!(m_relTol == m_relTol)) detail::fail(where, "clusterTolerance is NaN");
    SmallEigenSolver<SmallMatrix> small;
    small.setClusterTolerance(m_relTol);
    small.compute(M, vectors ? Eigen::ComputeEigenvectors : Eigen::EigenvaluesOnly);
    m_pendingScale = RealScalar(1);
    reset();
    m_eivalues = small.eigenvalues();
    m_tolUsed = detail::absoluteClusterTolerance(m_relTol, Size, RealScalar(m_eivalues.cwiseAbs().maxCoeff()));
    detail::findRuns(m_eivalues, m_tolUsed, m_clusters);
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
    return finish(true);
  }

  /// Clears the results (storage kept, so fixed sizes do not reallocate).
  void reset() {
    m_isInitialized = true;
    m_eigenvectorsOk = m_abs2Ok = false;
    m_rows.clear();
    m_clusters.clear();
    m_tolUsed = RealScalar(0);
    m_scale = m_pendingScale;
    m_unrepresentable = false;
  }

  IdentityEigenSolver& finish(bool ok) {
    m_info = m_unrepresentable ? Eigen::NumericalIssue : ok ? Eigen::Success : Eigen::NoConvergence;
    if (m_info != Eigen::Success) m_eigenvectorsOk = m_abs2Ok = false;
    return *this;
  }

  /// Eigenvalues in the caller's units. False (and m_unrepresentable) when one is beyond the largest finite value;
  /// one within a few ulps above it is the eigensolver's rounding of a representable value and is returned as it.
  bool setSpectrum(const detail::DenseIdentity<Scalar>& dense) {
    using std::abs;
    const RealScalar highest = Eigen::NumTraits<RealScalar>::highest();
    const RealScalar top = highest * m_scale;  // finite: the scale is below 1 wherever unscaling can overflow
    const RealScalar slack = top * (RealScalar(1) + RealScalar(8) * Eigen::NumTraits<RealScalar>::epsilon());
    m_eivalues = dense.lambda.unaryExpr([&](const RealScalar& x) {
      return abs(x) > top && abs(x) <= slack ? (x < RealScalar(0) ? -highest : highest) : RealScalar(x / m_scale);
    });
    m_unrepresentable = !m_eivalues.allFinite();
    m_clusters.clear();
    for (const auto& c : dense.clusters) m_clusters.push_back(Cluster{c.first, c.size});
    m_tolUsed = dense.clusterTol / m_scale;
    return !m_unrepresentable;
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
  int m_threads = 0;
  Eigen::ComputationInfo m_info = Eigen::InvalidInput;
  bool m_isInitialized = false;
  bool m_unrepresentable = false;  // an eigenvalue beyond the largest finite value (info() NumericalIssue)
  bool m_eigenvectorsOk = false;
  bool m_abs2Ok = false;
};

}  // namespace dptz

#endif  // DPTZ_IDENTITY_EIGEN_SOLVER_HPP
