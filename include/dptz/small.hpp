// dptz — 2x2 and 3x3 Hermitian matrices in closed form: eigenvalues, |V|^2 from the identity, eigenvectors, batched.
//
//   Eigen::Matrix3cd H = ...;
//   Eigen::Matrix3d W = dptz::smallEigenvectorsAbs2(H);         // W(j, i) = |v_i(j)|^2, no heap allocation
//   dptz::SmallEigenSolver<Eigen::Matrix3cd> es(H);             // eigenvalues(), eigenvectors(), eigenvectorsAbs2()
//   dptz::eigenvectorsAbs2Batch(Hs.begin(), Hs.end(), Ws.begin());  // many matrices, OpenMP + SIMD
//
// dptz::eigenvectorsAbs2(A) dispatches here at compile time for fixed-size 2x2 / 3x3 float, double,
// std::complex<float>, std::complex<double> input (Backend::Default). The algorithm is in detail/small_kernel.hpp.
//
// Device-callable API (host and CUDA kernels, compiled by nvcc with --expt-relaxed-constexpr; no exceptions, no
// heap; on the host bitwise the results of the throwing functions above):
//   dptz::SmallStatus s = dptz::smallEigenvectorsAbs2Status(A, W);          // W: Eigen::Matrix<Real, N, N>
//   dptz::SmallStatus s = dptz::smallEigenSolveStatus(A, lambda, V, W);     // + eigenvalues, eigenvectors
// A status other than SmallStatus::Success (non-finite or non-Hermitian input, NaN tolerance, eigenvalues beyond
// the largest finite Real) leaves the outputs untouched.
#ifndef DPTZ_SMALL_HPP
#define DPTZ_SMALL_HPP

#include <complex>
#include <cstddef>
#include <iterator>
#include <sstream>
#include <string>
#include <type_traits>

#include <Eigen/Core>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "detail/host_device.hpp"
#include "detail/scalar_traits.hpp"
#include "detail/small_batch.hpp"
#include "detail/small_kernel.hpp"
#include "detail/validate.hpp"
#include "types.hpp"

namespace dptz {

namespace detail {

/// True for fixed-size 2x2 and 3x3 expressions of float, double, std::complex<float>, std::complex<double>.
template <typename Derived, typename = void>
struct IsSmallFixed : std::false_type {};
template <typename Derived>
struct IsSmallFixed<Derived, typename std::enable_if<std::is_base_of<Eigen::EigenBase<Derived>, Derived>::value>::type>
    : std::integral_constant<bool, int(Derived::RowsAtCompileTime) == int(Derived::ColsAtCompileTime) &&
                                       (int(Derived::RowsAtCompileTime) == 2 || int(Derived::RowsAtCompileTime) == 3) &&
                                       IsStandardScalar<typename Derived::Scalar>::value> {};

namespace small {

/// Throws the library's usual std::invalid_argument for bad input (same messages as the general path); the
/// screen decides on the success path without allocating.
template <int N, typename M>
void check(const char* where, const M& A) {
  if (inputCheck<N>(A) == InputCheck::Ok) return;
  checkSquareFinite(where, A);
  checkHermitian(where, A);
}

/// The kernels' cluster tolerance of a user's double (NaN rejected, negative: the default).
template <typename Real>
Real relativeTolerance(const char* where, double clusterTolerance) {
  if (!(clusterTolerance == clusterTolerance)) fail(where, "clusterTolerance is NaN");
  return kernelTolerance(clusterTolerance < 0 ? Real(-1) : Real(clusterTolerance));
}

/// Throws dptz::NumericalError when an eigenvalue overflowed (the true one exceeds the largest finite Real).
template <typename Real, int N>
void checkRepresentable(const char* where, const Real (&lambda)[N]) {
  bool ok = true;
  for (int i = 0; i < N; ++i) ok = ok && finite(lambda[i]);
  if (ok) return;
  std::ostringstream os;
  os << where << ": the eigenvalues are not representable in the scalar type (an eigenvalue's magnitude exceeds "
     << std::numeric_limits<Real>::max() << "); eigenvectors and |V|^2 are available from the non-throwing "
     << "dptz::smallEigenvectorsAbs2 and dptz::eigenvectorsAbs2Batch";
  throw NumericalError(os.str());
}

}  // namespace small

/// The single-matrix |V|^2 path of dptz::smallEigenvectorsAbs2 and of dptz::eigenvectorsAbs2's compile-time
/// dispatch (where = the caller's name): checks A, then clusterTolerance, with the general path's messages.
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Derived::RowsAtCompileTime, Derived::RowsAtCompileTime> smallAbs2(
    const char* where, const Eigen::MatrixBase<Derived>& A, double clusterTolerance) {
  static_assert(IsSmallFixed<Derived>::value, "fixed-size 2x2 or 3x3 float, double or std::complex input");
  using Real = typename Derived::RealScalar;
  constexpr int N = Derived::RowsAtCompileTime;
  const Eigen::Matrix<typename Derived::Scalar, N, N> M = A;
  small::check<N>(where, M);
  const Real tol = small::relativeTolerance<Real>(where, clusterTolerance);
  small::Result<Real, N> r;
  small::run<N, false, true>(M, tol, r);
  Eigen::Matrix<Real, N, N> W;
  small::storeAbs2(r, W);
  return W;
}

}  // namespace detail

/// |V|^2 of a fixed-size 2x2 or 3x3 Hermitian matrix in closed form: W(j, i) = |v_i(j)|^2, eigenvalues ascending,
/// as a fixed-size matrix (no heap allocation).
///
/// \param A                 fixed-size 2x2 or 3x3 float, double, std::complex<float> or std::complex<double>
///                          Hermitian matrix or expression (the lower triangle is read).
/// \param clusterTolerance  eigenvalues closer than clusterTolerance * ||A||_2 (negative: n eps ||A||_2) share their
///                          projector diagonal equally (docs/math.md, section Clusters and the projector diagonal).
/// \return W, entries in [0, 1], rows and columns summing to 1 to rounding. Finite for every finite Hermitian A,
///         also where the eigenvalues themselves overflow (|V|^2 is scale-free).
/// \throws std::invalid_argument on non-finite or non-Hermitian input (100 n eps max|A_ij|), or a NaN tolerance.
/// Complexity: O(1), about 50-100 ns per 3x3 complex matrix. Accuracy: |V|^2 to ~eps ||A|| / gap absolute
/// (docs/math.md, section Accuracy). Device-callable twin: smallEigenvectorsAbs2Status (bitwise the same W).
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Derived::RowsAtCompileTime, Derived::RowsAtCompileTime>
smallEigenvectorsAbs2(const Eigen::MatrixBase<Derived>& A, double clusterTolerance = -1) {
  static_assert(detail::IsSmallFixed<Derived>::value,
                "smallEigenvectorsAbs2: fixed-size 2x2 or 3x3 float, double or std::complex input");
  return detail::smallAbs2("dptz::smallEigenvectorsAbs2", A, clusterTolerance);
}

/// Outcome of the non-throwing, device-callable 2x2 / 3x3 entry points (smallEigenvectorsAbs2Status,
/// smallEigenSolveStatus). On anything but Success, the outputs are left untouched.
enum class SmallStatus : int {
  Success = 0,                 ///< the outputs are written
  NonFiniteInput = 1,          ///< an entry of A is NaN or infinite
  NotHermitian = 2,            ///< |A(i, j) - conj A(j, i)| exceeds 100 n eps max|A_ij| somewhere
  NaNClusterTolerance = 3,     ///< clusterTolerance is NaN
  EigenvaluesNotRepresentable = 4  ///< an eigenvalue's magnitude exceeds the largest finite Real (A near its limit)
};

namespace detail {
namespace small {

template <int N, typename Derived>
DPTZ_HOST_DEVICE SmallStatus screen(const Eigen::MatrixBase<Derived>& A,
                                    typename Derived::RealScalar clusterTolerance) noexcept {
  const InputCheck c = inputCheck<N>(A.derived());
  if (c == InputCheck::NonFinite) return SmallStatus::NonFiniteInput;
  if (c == InputCheck::NotHermitian) return SmallStatus::NotHermitian;
  if (!(clusterTolerance == clusterTolerance)) return SmallStatus::NaNClusterTolerance;
  return SmallStatus::Success;
}

template <typename Scalar, typename Real>
DPTZ_FORCE_INLINE Scalar makeScalar(Real re, Real im) {
  if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
    return Scalar(re, im);
  else
    return (void)im, Scalar(re);
}

}  // namespace small
}  // namespace detail

/// Device-callable |V|^2 of a fixed-size 2x2 or 3x3 Hermitian matrix: smallEigenvectorsAbs2 without exceptions.
/// Callable on the host and, compiled by nvcc, inside CUDA kernels (no exceptions, no heap, one code for both).
///
/// \param A                 as smallEigenvectorsAbs2 (an Eigen matrix or expression of fixed size 2x2 or 3x3).
/// \param W                 receives W(j, i) = |v_i(j)|^2, only on SmallStatus::Success.
/// \param clusterTolerance  as smallEigenvectorsAbs2, in the real type (negative: n eps).
/// \return SmallStatus::Success, or NonFiniteInput / NotHermitian / NaNClusterTolerance (W untouched). Never
///         EigenvaluesNotRepresentable: |V|^2 exists for every finite Hermitian A.
/// On the host, W is bitwise smallEigenvectorsAbs2(A, clusterTolerance). Complexity O(1); accuracy as
/// smallEigenvectorsAbs2.
///
///     __global__ void abs2Kernel(const Eigen::Matrix3cd* A, Eigen::Matrix3d* W, int* status, int n) {
///       const int k = blockIdx.x * blockDim.x + threadIdx.x;
///       if (k < n) status[k] = int(dptz::smallEigenvectorsAbs2Status(A[k], W[k]));
///     }
/// (nvcc -std=c++17 --expt-relaxed-constexpr: Eigen's std::complex support on the device needs it.)
template <typename Derived>
DPTZ_HOST_DEVICE SmallStatus smallEigenvectorsAbs2Status(
    const Eigen::MatrixBase<Derived>& A,
    Eigen::Matrix<typename Derived::RealScalar, Derived::RowsAtCompileTime, Derived::RowsAtCompileTime>& W,
    typename Derived::RealScalar clusterTolerance = -1) noexcept {
  static_assert(detail::IsSmallFixed<Derived>::value,
                "smallEigenvectorsAbs2Status: fixed-size 2x2 or 3x3 float, double or std::complex input");
  using Real = typename Derived::RealScalar;
  constexpr int N = Derived::RowsAtCompileTime;
  const SmallStatus status = detail::small::screen<N>(A, clusterTolerance);
  if (status != SmallStatus::Success) return status;
  detail::small::Result<Real, N> r;
  detail::small::run<N, false, true>(A.derived(), detail::small::kernelTolerance(clusterTolerance), r);
  detail::small::storeAbs2(r, W);
  return SmallStatus::Success;
}

/// Device-callable eigen-decomposition of a fixed-size 2x2 or 3x3 Hermitian matrix: SmallEigenSolver without
/// exceptions, callable on the host and inside CUDA kernels (no exceptions, no heap, one code for both).
///
/// \param A                 as smallEigenvectorsAbs2.
/// \param eigenvalues       receives the eigenvalues, ascending (only on Success).
/// \param eigenvectors      receives orthonormal eigenvectors as columns (only on Success), also for repeated
///                          eigenvalues; phases as SmallEigenSolver (docs/math.md, section Phases).
/// \param abs2              receives W(j, i) = |v_i(j)|^2 from the identity (only on Success).
/// \param clusterTolerance  as smallEigenvectorsAbs2, in the real type (negative: n eps).
/// \return SmallStatus::Success; NonFiniteInput / NotHermitian / NaNClusterTolerance for bad input;
///         EigenvaluesNotRepresentable when an eigenvalue overflows (entries near the largest finite Real). On
///         anything but Success nothing is written, so no NaN or Inf reaches the outputs.
/// On the host, the outputs are bitwise SmallEigenSolver's (Eigen::ComputeEigenvectors) for the same input and
/// tolerance. Complexity O(1); eigenvalues to ~4 eps ||A||.
///
///     __global__ void eigKernel(const Eigen::Matrix3cd* A, Eigen::Vector3d* lambda, Eigen::Matrix3cd* V,
///                               Eigen::Matrix3d* W, int* status, int n) {
///       const int k = blockIdx.x * blockDim.x + threadIdx.x;
///       if (k < n) status[k] = int(dptz::smallEigenSolveStatus(A[k], lambda[k], V[k], W[k]));
///     }
template <typename Derived>
DPTZ_HOST_DEVICE SmallStatus smallEigenSolveStatus(
    const Eigen::MatrixBase<Derived>& A, Eigen::Matrix<typename Derived::RealScalar, Derived::RowsAtCompileTime, 1>& eigenvalues,
    Eigen::Matrix<typename Derived::Scalar, Derived::RowsAtCompileTime, Derived::RowsAtCompileTime>& eigenvectors,
    Eigen::Matrix<typename Derived::RealScalar, Derived::RowsAtCompileTime, Derived::RowsAtCompileTime>& abs2,
    typename Derived::RealScalar clusterTolerance = -1) noexcept {
  static_assert(detail::IsSmallFixed<Derived>::value,
                "smallEigenSolveStatus: fixed-size 2x2 or 3x3 float, double or std::complex input");
  using Real = typename Derived::RealScalar;
  constexpr int N = Derived::RowsAtCompileTime;
  const SmallStatus status = detail::small::screen<N>(A, clusterTolerance);
  if (status != SmallStatus::Success) return status;
  detail::small::Result<Real, N> r;
  detail::small::run<N, true, false>(A.derived(), detail::small::kernelTolerance(clusterTolerance), r);
  for (int i = 0; i < N; ++i)
    if (!detail::small::finite(r.lambda[i])) return SmallStatus::EigenvaluesNotRepresentable;
  for (int i = 0; i < N; ++i) {
    eigenvalues.coeffRef(i) = r.lambda[i];
    for (int a = 0; a < N; ++a) {
      abs2.coeffRef(a, i) = r.w[a][i];
      eigenvectors.coeffRef(a, i) = detail::small::makeScalar<typename Derived::Scalar>(r.vr[a][i], r.vi[a][i]);
    }
  }
  return SmallStatus::Success;
}

/// Eigen-style solver for fixed-size 2x2 and 3x3 Hermitian matrices in closed form (no iteration, no heap
/// allocation). eigenvectorsAbs2() comes from the identity (docs/math.md, section The identity); eigenvectors() are
/// orthonormal even for exactly repeated eigenvalues. MatrixType: Eigen::Matrix2d/3d/2f/3f/2cd/3cd/2cf/3cf.
/// Complexity O(1) per compute(); eigenvalues to ~4 eps ||A||, |V|^2 to ~eps ||A|| / gap (docs/math.md, section
/// Accuracy). Device-callable twin: smallEigenSolveStatus (bitwise the same results).
template <typename MatrixType_>
class SmallEigenSolver {
 public:
  using MatrixType = MatrixType_;                               ///< the matrix type of the problem
  using Scalar = typename MatrixType::Scalar;                   ///< its scalar (real or complex)
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;   ///< the real type of eigenvalues and |V|^2
  using Index = Eigen::Index;                                   ///< Eigen's index type
  enum { Size = MatrixType::RowsAtCompileTime };                ///< 2 or 3
  using EigenvectorsType = Eigen::Matrix<Scalar, Size, Size>;   ///< type of eigenvectors(): unit columns
  using RealVectorType = Eigen::Matrix<RealScalar, Size, 1>;    ///< type of eigenvalues(): ascending
  using Abs2Type = Eigen::Matrix<RealScalar, Size, Size>;       ///< type of eigenvectorsAbs2()
  static_assert(detail::IsSmallFixed<MatrixType>::value,
                "SmallEigenSolver: fixed-size 2x2 or 3x3 float, double or std::complex matrix type");

  /// An uninitialized solver; call compute().
  SmallEigenSolver() = default;

  /// Computes the decomposition of A (see compute()).
  template <typename InputType>
  explicit SmallEigenSolver(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    compute(A.derived(), options);
  }

  /// Eigenvalues, |V|^2 and (with Eigen::ComputeEigenvectors, the default; or Eigen::EigenvaluesOnly) eigenvectors
  /// of the Hermitian matrix A (the lower triangle is read). No heap allocation on success.
  /// \throws std::invalid_argument on bad options, size, non-finite or non-Hermitian input or a NaN cluster
  ///         tolerance; dptz::NumericalError when an eigenvalue is not representable (its magnitude exceeds the
  ///         largest finite RealScalar: entries near that limit) — the same conditions that fail the
  ///         construction, so info() stays Success. Either way the solver is left as it was.
  template <typename InputType>
  SmallEigenSolver& compute(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    constexpr const char* where = "dptz::SmallEigenSolver::compute";
    if (options != Eigen::ComputeEigenvectors && options != Eigen::EigenvaluesOnly)
      detail::fail(where, "options must be Eigen::ComputeEigenvectors or Eigen::EigenvaluesOnly, got ", options);
    if (A.rows() != Size || A.cols() != Size)
      detail::fail(where, "matrix must be ", int(Size), " x ", int(Size), ", got ", A.rows(), " x ", A.cols());
    const EigenvectorsType M = A.derived();
    detail::small::check<Size>(where, M);
    const RealScalar tol = detail::small::relativeTolerance<RealScalar>(where, m_clusterTolerance);
    detail::small::Result<RealScalar, Size> r;
    const bool vectors = options == Eigen::ComputeEigenvectors;
    if (vectors)
      detail::small::run<Size, true, false>(M, tol, r);
    else
      detail::small::run<Size, false, false>(M, tol, r);
    detail::small::checkRepresentable(where, r.lambda);
    for (int i = 0; i < Size; ++i) {
      m_eivalues(i) = r.lambda[i];
      for (int a = 0; a < Size; ++a) {
        m_abs2(a, i) = r.w[a][i];
        if (vectors) m_eivec(a, i) = detail::small::makeScalar<Scalar>(r.vr[a][i], r.vi[a][i]);
      }
    }
    m_eigenvectorsOk = vectors;
    m_isInitialized = true;
    return *this;
  }

  /// Cluster tolerance relative to ||A||_2 for eigenvectorsAbs2() (negative: n eps, the default); used by the
  /// next compute().
  SmallEigenSolver& setClusterTolerance(double relTol) {
    m_clusterTolerance = relTol;
    return *this;
  }

  /// The eigenvalues, ascending.
  const RealVectorType& eigenvalues() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    return m_eivalues;
  }
  /// Orthonormal eigenvectors as columns (compute() with Eigen::ComputeEigenvectors).
  const EigenvectorsType& eigenvectors() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    eigen_assert(m_eigenvectorsOk && "The eigenvectors have not been computed together with the eigenvalues.");
    return m_eivec;
  }
  /// W(j, i) = |v_i(j)|^2 from the identity (clusters share their projector diagonal).
  const Abs2Type& eigenvectorsAbs2() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    return m_abs2;
  }
  /// Always Eigen::Success after a compute() that returned: the closed form has nothing to converge, and the
  /// failures it can meet throw.
  Eigen::ComputationInfo info() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    return Eigen::Success;
  }

 private:
  EigenvectorsType m_eivec;
  RealVectorType m_eivalues;
  Abs2Type m_abs2;
  double m_clusterTolerance = -1;
  bool m_isInitialized = false;
  bool m_eigenvectorsOk = false;
};

namespace detail {
namespace small {

/// Rethrows the checks' std::invalid_argument for matrix `index` of a batch with the index in the message (only
/// ever reached for a matrix the screen rejected).
template <typename M>
void checkBatchMatrix(const char* where, std::ptrdiff_t index, const M& A) {
  try {
    checkSquareFinite(where, A);
    checkHermitian(where, A);
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what(), prefix = std::string(where) + ": ";
    const std::string detailText = what.compare(0, prefix.size(), prefix) == 0 ? what.substr(prefix.size()) : what;
    throw std::invalid_argument(prefix + "matrix " + std::to_string(index) + ": " + detailText);
  }
}

}  // namespace small
}  // namespace detail

/// |V|^2 of every matrix in [first, last), as smallEigenvectorsAbs2 per matrix (bitwise the same results, also
/// where the eigenvalues themselves would overflow). OpenMP over blocks of matrices, SIMD inside a block; results do
/// not depend on the thread count.
///
/// \param first, last  random-access iterators over fixed-size 2x2 or 3x3 Hermitian matrices of float, double or
///                     std::complex (e.g. std::vector<Eigen::Matrix3cd>::iterator or const Eigen::Matrix3cd*).
/// \param out          random-access output iterator over Eigen::Matrix<Real, N, N>: out[k] = |V|^2 of first[k].
/// \param options      cluster tolerance and OpenMP thread count (SmallOptions).
/// \return out + (last - first).
/// \throws std::invalid_argument naming the first bad matrix ("dptz::eigenvectorsAbs2Batch: matrix k: ...":
///         non-finite or non-Hermitian), or for a NaN tolerance; every matrix is checked first, so nothing is
///         written then.
/// Complexity: O(last - first), no heap allocation per matrix. Accuracy as smallEigenvectorsAbs2.
template <typename InputIt, typename OutputIt>
OutputIt eigenvectorsAbs2Batch(InputIt first, InputIt last, OutputIt out, const SmallOptions& options = SmallOptions()) {
  using MatrixT = typename std::decay<decltype(*first)>::type;
  static_assert(detail::IsSmallFixed<MatrixT>::value,
                "eigenvectorsAbs2Batch: a range of fixed-size 2x2 or 3x3 float, double or std::complex matrices");
  static_assert(std::is_base_of<std::random_access_iterator_tag,
                                typename std::iterator_traits<InputIt>::iterator_category>::value,
                "eigenvectorsAbs2Batch: random-access input range");
  using Real = typename MatrixT::RealScalar;
  constexpr int N = MatrixT::RowsAtCompileTime;
  constexpr bool Cx = Eigen::NumTraits<typename MatrixT::Scalar>::IsComplex;
  constexpr const char* where = "dptz::eigenvectorsAbs2Batch";
  const Real tol = detail::small::relativeTolerance<Real>(where, options.clusterTolerance);
  const std::ptrdiff_t n = std::ptrdiff_t(last - first);
  if (n < 0) detail::fail(where, "last precedes first (", n, " matrices)");
  if (n == 0) return out;
  const std::ptrdiff_t blocks = (n + detail::small::kBlock - 1) / detail::small::kBlock;

  // 1. validate (parallel, vectorized screen per block); from the first matrix the screen does not pass, the scalar
  //    checks run serially in order and throw for the first bad matrix (the screen also rejects valid but extreme
  //    input: subnormal or huge scales, Hermitian only to within the tolerance).
  std::ptrdiff_t suspect = n;
#ifdef _OPENMP
  const int nt = options.threads > 0 ? options.threads : omp_get_max_threads();
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16) reduction(min : suspect) if (blocks >= 64)
#endif
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::ptrdiff_t begin = b * detail::small::kBlock;
    const std::ptrdiff_t count = (std::min)(detail::small::kBlock, n - begin);
    alignas(64) Real pass[detail::small::kBlock];
    detail::small::screenBlock<N, Cx, Real>(first, begin, count, pass);
    for (std::ptrdiff_t l = 0; l < count; ++l)
      if (pass[l] == Real(0) && begin + l < suspect) {
        suspect = begin + l;
        break;
      }
  }
  for (std::ptrdiff_t i = suspect; i < n; ++i) {
    const auto& A = first[i];
    if (detail::small::inputCheck<N>(A) != detail::small::InputCheck::Ok)
      detail::small::checkBatchMatrix(where, i, A);
  }

  // 2. compute, block by block.
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16) if (blocks >= 64)
#endif
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::ptrdiff_t begin = b * detail::small::kBlock;
    const std::ptrdiff_t count = (std::min)(detail::small::kBlock, n - begin);
    detail::small::batchBlock<N, Cx, Real>(first, out, begin, count, tol);
  }
  return out + n;
}

}  // namespace dptz

#endif  // DPTZ_SMALL_HPP
