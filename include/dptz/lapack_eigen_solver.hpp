// dptz — the LAPACK reference eigensolver (?syevd / ?heevd) behind Eigen's SelfAdjointEigenSolver interface.
#ifndef DPTZ_LAPACK_EIGEN_SOLVER_HPP
#define DPTZ_LAPACK_EIGEN_SOLVER_HPP

#include <Eigen/Core>

#include "types.hpp"
#include "detail/lapack.hpp"
#include "detail/validate.hpp"

namespace dptz {

/// Eigen-style solver for Hermitian matrices through LAPACKE's divide-and-conquer ?syevd (real) / ?heevd
/// (complex), lower triangle. MatrixType: float, double, std::complex<float> or std::complex<double>, fixed or
/// dynamic size. Requires a build with LAPACKE (DPTZ_HAS_LAPACKE).
///
///   dptz::LapackEigenSolver<Eigen::MatrixXd> es(A);            // or es.compute(A, Eigen::EigenvaluesOnly)
///   es.eigenvalues();  es.eigenvectors();  es.info();
///
/// Bad input (non-square, empty, a non-finite entry, not Hermitian within 100 n eps max|A_ij|) throws
/// std::invalid_argument and leaves the solver as it was; LAPACK failure gives info() == NoConvergence.
template <typename MatrixType_>
class LapackEigenSolver {
 public:
  using MatrixType = MatrixType_;                              ///< the matrix type of the problem
  using Scalar = typename MatrixType::Scalar;                  ///< its scalar
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;  ///< the real type of the eigenvalues
  using Index = Eigen::Index;                                  ///< Eigen's index type
  /// Compile-time sizes of the problem.
  enum {
    Size = MatrixType::RowsAtCompileTime,
    MaxSize = MatrixType::MaxRowsAtCompileTime
  };
  /// Type of eigenvectors(): unit columns.
  using EigenvectorsType = Eigen::Matrix<Scalar, Size, Size, Eigen::ColMajor, MaxSize, MaxSize>;
  /// Type of eigenvalues(): ascending.
  using RealVectorType = Eigen::Matrix<RealScalar, Size, 1, Eigen::ColMajor, MaxSize, 1>;

  static_assert(detail::IsStandardScalar<Scalar>::value,
                "LapackEigenSolver: LAPACK handles float, double, std::complex<float> and std::complex<double>");

  /// An empty solver; call compute().
  LapackEigenSolver() = default;

  /// Preallocates for size x size matrices (dynamic sizes).
  explicit LapackEigenSolver(Index size) : m_eivec(size, size), m_eivalues(size) {}

  /// Constructs and computes: see compute().
  template <typename InputType>
  explicit LapackEigenSolver(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    compute(A.derived(), options);
  }

  /// Eigenvalues (and eigenvectors) of the Hermitian matrix A by ?syevd / ?heevd.
  /// @param A Hermitian matrix (any Eigen expression; lower triangle used, upper one checked)
  /// @param options Eigen::ComputeEigenvectors (default) or Eigen::EigenvaluesOnly
  /// @return *this; info() is Eigen::NoConvergence if LAPACK reports a failure
  /// @throws std::invalid_argument on non-square, empty, wrongly sized, non-finite or non-Hermitian input, or unknown
  ///         options; the solver is left as it was
  /// Complexity: O(n^3) (LAPACK's divide and conquer). Accuracy: backward stable, residual O(n eps ||A||).
  template <typename InputType>
  LapackEigenSolver& compute(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    static_assert(hasLapack() && sizeof(InputType) > 0, "LapackEigenSolver needs a build with LAPACKE (DPTZ_WITH_LAPACK / DPTZ_HAS_LAPACKE)");
    constexpr const char* where = "dptz::LapackEigenSolver::compute";
    if (options != Eigen::ComputeEigenvectors && options != Eigen::EigenvaluesOnly)
      detail::fail(where, "options must be Eigen::ComputeEigenvectors or Eigen::EigenvaluesOnly, got ", options);
    // Sizes before the copy (copying a wrong-size input into a fixed-size matrix is undefined behaviour).
    if (A.rows() != A.cols()) detail::fail(where, "matrix must be square, got ", A.rows(), " x ", A.cols());
    if ((Size != Eigen::Dynamic && A.rows() != Index(Size)) || (MaxSize != Eigen::Dynamic && A.rows() > Index(MaxSize)))
      detail::fail(where, "matrix is ", A.rows(), " x ", A.cols(), " but this solver's MatrixType is ",
                   Index(Size == Eigen::Dynamic ? MaxSize : Size), " x ", Index(Size == Eigen::Dynamic ? MaxSize : Size),
                   Size == Eigen::Dynamic ? " at most" : "");
    // Check on a private copy first: bad input leaves the solver untouched.
    EigenvectorsType a = A.derived();
    detail::checkSquareFinite(where, a);
    detail::checkHermitian(where, a);
    const bool vectors = options == Eigen::ComputeEigenvectors;
    RealVectorType w(a.rows());
#ifdef DPTZ_HAS_LAPACKE
    const auto info =
        m_syevd.compute(vectors ? 'V' : 'N', detail::lapack::Int(a.rows()), a.data(),
                        detail::lapack::Int(a.outerStride()), w.data());
#else
    const int info = -1;
#endif
    m_info = info == 0 ? Eigen::Success : Eigen::NoConvergence;
    m_eivalues = std::move(w);
    if (vectors) m_eivec = std::move(a);
    m_eigenvectorsOk = vectors && info == 0;
    m_isInitialized = true;
    return *this;
  }

  /// Ascending eigenvalues.
  const RealVectorType& eigenvalues() const {
    eigen_assert(m_isInitialized && "LapackEigenSolver is not initialized.");
    return m_eivalues;
  }

  /// Unit eigenvectors, column i for eigenvalues()(i).
  const EigenvectorsType& eigenvectors() const {
    eigen_assert(m_isInitialized && "LapackEigenSolver is not initialized.");
    eigen_assert(m_eigenvectorsOk && "The eigenvectors have not been computed together with the eigenvalues.");
    return m_eivec;
  }

  /// Eigen::Success, or Eigen::NoConvergence if LAPACK failed.
  Eigen::ComputationInfo info() const {
    eigen_assert(m_isInitialized && "LapackEigenSolver is not initialized.");
    return m_info;
  }

 private:
  EigenvectorsType m_eivec;
  RealVectorType m_eivalues;
#ifdef DPTZ_HAS_LAPACKE
  detail::lapack::Syevd<Scalar> m_syevd;
#endif
  Eigen::ComputationInfo m_info = Eigen::InvalidInput;
  bool m_isInitialized = false;
  bool m_eigenvectorsOk = false;
};

}  // namespace dptz

#endif  // DPTZ_LAPACK_EIGEN_SOLVER_HPP
