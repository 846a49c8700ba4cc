// dptz — |V|^2 of many 2x2 / 3x3 Hermitian matrices on a CUDA device, one thread per matrix (compile with nvcc).
//
//   // device pointers: d_in holds n Eigen::Matrix3cd, d_out room for n Eigen::Matrix3d
//   dptz::cuda::eigenvectorsAbs2Batch(d_in, d_in + n, d_out, stream);
//   // host containers, copied in and out
//   std::vector<Eigen::Matrix3d> W;
//   dptz::cuda::eigenvectorsAbs2Batch(hostMatrices, W);
//   // structure of arrays (component-major, see eigenvectorsAbs2BatchSoA)
//   dptz::cuda::eigenvectorsAbs2BatchSoA<Eigen::Matrix3cd>(d_components, n, d_abs2, stream);
//
// Every thread runs the device-callable closed form of dptz/small.hpp: the code of the CPU path, the same
// results to rounding. See docs/small.md.
#ifndef DPTZ_CUDA_SMALL_CUH
#define DPTZ_CUDA_SMALL_CUH

#include <cuda_runtime.h>

#include <cstddef>
#include <string>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "../small.hpp"
#include "detail/small_launch.cuh"

namespace dptz {
namespace cuda {

/// The |V|^2 type of a small matrix type: Eigen::Matrix<RealScalar, N, N> (Matrix3cd -> Matrix3d).
template <typename MatrixType>
using Abs2Type = Eigen::Matrix<typename MatrixType::RealScalar, MatrixType::RowsAtCompileTime,
                               MatrixType::RowsAtCompileTime>;

namespace detail {

template <typename MatrixType>
struct SmallShape {
  static_assert(dptz::detail::IsSmallFixed<MatrixType>::value,
                "dptz::cuda: fixed-size 2x2 or 3x3 float, double or std::complex matrices");
  static_assert(sizeof(MatrixType) == sizeof(typename MatrixType::Scalar) * MatrixType::SizeAtCompileTime,
                "dptz::cuda: the matrix type must be dense (Eigen::Matrix, no padding)");
  using Real = typename MatrixType::RealScalar;
  static constexpr int N = MatrixType::RowsAtCompileTime;
  static constexpr bool Complex = Eigen::NumTraits<typename MatrixType::Scalar>::IsComplex;
  /// Structure-of-arrays components: the diagonal, then the strictly lower triangle column by column (real and
  /// imaginary parts for complex matrices).
  static constexpr int Components = N + (Complex ? 2 : 1) * (N * (N - 1) / 2);
};

/// |V|^2 of one matrix by the device-callable closed form of small.hpp.
template <typename MatrixType>
struct Abs2Op {
  typename MatrixType::RealScalar relTol;
  __device__ void operator()(const MatrixType& A, Abs2Type<MatrixType>& W) const {
    constexpr int N = MatrixType::RowsAtCompileTime;
    dptz::detail::small::Result<typename MatrixType::RealScalar, N> r;
    dptz::detail::small::run<N, false, true>(A, relTol, r);
    dptz::detail::small::storeAbs2(r, W);
  }
};

/// The structure-of-arrays form: rebuild the matrix from its components, then Abs2Op.
template <typename MatrixType>
struct SoaOp {
  using Shape = SmallShape<MatrixType>;
  using Real = typename Shape::Real;
  Abs2Op<MatrixType> abs2;
  __device__ void operator()(const Real (&c)[Shape::Components], Real (&w)[Shape::N * Shape::N]) const {
    constexpr int N = Shape::N;
    MatrixType A;
    int k = N;
    for (int j = 0; j < N; ++j) A(j, j) = typename MatrixType::Scalar(c[j]);
    for (int j = 0; j < N; ++j)
      for (int i = j + 1; i < N; ++i) {
        if constexpr (Shape::Complex) {
          A(i, j) = typename MatrixType::Scalar(c[k], c[k + 1]);
          k += 2;
        } else {
          A(i, j) = c[k++];
        }
        A(j, i) = Eigen::numext::conj(A(i, j));
      }
    Abs2Type<MatrixType> W;
    abs2(A, W);
    for (int i = 0; i < N; ++i)
      for (int a = 0; a < N; ++a) w[a + N * i] = W(a, i);
  }
};

/// "row, column" of structure-of-arrays component k, with "Re " / "Im " for complex off-diagonal entries.
template <typename MatrixType>
std::string componentName(int k) {
  using Shape = SmallShape<MatrixType>;
  if (k < Shape::N) return "A(" + std::to_string(k) + ", " + std::to_string(k) + ")";
  int next = Shape::N;
  for (int j = 0; j < Shape::N; ++j)
    for (int i = j + 1; i < Shape::N; ++i)
      for (int part = 0; part < (Shape::Complex ? 2 : 1); ++part, ++next)
        if (next == k)
          return std::string(Shape::Complex ? (part == 0 ? "Re " : "Im ") : "") + "A(" + std::to_string(i) + ", " +
                 std::to_string(j) + ")";
  return "?";
}

/// Throws std::invalid_argument naming the first matrix of [first, first + n) that the CPU batch would reject, and
/// returns normally when every matrix is valid. The device screen passes what is certainly valid; each matrix it
/// leaves (invalid, or valid within a rounding margin) is copied back and judged by the CPU batch's checks.
template <typename MatrixType>
void screenOnDevice(const char* where, const MatrixType* first, long long n, cudaStream_t stream) {
  using Real = typename MatrixType::RealScalar;
  constexpr int N = MatrixType::RowsAtCompileTime;
  const HermitianScreen<N, MatrixType> screen{dptz::detail::hermitianTolerance<Real>(N)};
  DeviceBuffer<unsigned long long> flag(where, 1, stream);
  for (long long begin = 0; begin < n;) {
    const long long bad = firstRejected(where, first, begin, n, screen, flag.get(), stream);
    if (bad >= n) return;
    MatrixType A;
    check(where, cudaMemcpyAsync(&A, first + bad, sizeof A, cudaMemcpyDeviceToHost, stream));
    check(where, cudaStreamSynchronize(stream));
    if (dptz::detail::small::inputCheck<N>(A) != dptz::detail::small::InputCheck::Ok)
      dptz::detail::small::checkBatchMatrix(where, std::ptrdiff_t(bad), A);
    begin = bad + 1;
  }
}

}  // namespace detail

/// |V|^2 of every matrix in [first, last) on the device: out[k](j, i) = |v_i(j)|^2 of first[k], eigenvalues
/// ascending, by the closed form of dptz::smallEigenvectorsAbs2 (the same code, one thread per matrix).
/// \param first, last device pointers to fixed-size 2x2 or 3x3 Eigen matrices of float, double,
///        std::complex<float> or std::complex<double> (array of structures: the layout of a
///        std::vector<Eigen::Matrix3cd>), Hermitian (entries compared as dptz::eigenvectorsAbs2Batch does).
/// \param out device pointer to last - first matrices Abs2Type<MatrixType> (Eigen::Matrix3d for Matrix3cd).
/// \param stream the stream everything is ordered on (default: the legacy default stream).
/// \param options clusterTolerance as for dptz::eigenvectorsAbs2Batch; threads is not used.
/// \return out + (last - first).
/// \throws std::invalid_argument "dptz::cuda::eigenvectorsAbs2Batch: matrix <k>: <what>" for the first matrix
///         that is not finite or not Hermitian (the CPU batch's checks and messages), or a NaN clusterTolerance;
///         nothing is written to out then.
/// \throws CudaError when a CUDA call fails (cudaGetErrorString's text in what()).
/// Synchronizes the stream once after the device screen; the |V|^2 kernel is then enqueued and the call returns
/// (out is ready when the stream is; errors of that kernel surface at the caller's next synchronization).
/// Complexity: O(n) work, two passes over the input and one over the output in device memory.
/// Accuracy: the CPU path's (docs/math.md, section Accuracy): every entry in [0, 1], within 8 eps of
/// dptz::smallEigenvectorsAbs2 (fused multiply-adds may round differently).
template <typename MatrixType>
Abs2Type<MatrixType>* eigenvectorsAbs2Batch(const MatrixType* first, const MatrixType* last,
                                            Abs2Type<MatrixType>* out, cudaStream_t stream = 0,
                                            const SmallOptions& options = SmallOptions()) {
  using Shape = detail::SmallShape<MatrixType>;
  using Real = typename Shape::Real;
  constexpr const char* where = "dptz::cuda::eigenvectorsAbs2Batch";
  const Real relTol = dptz::detail::small::relativeTolerance<Real>(where, options.clusterTolerance);
  const long long n = static_cast<long long>(last - first);
  if (n < 0) dptz::detail::fail(where, "last precedes first (", n, " matrices)");
  if (n == 0) return out;
  detail::screenOnDevice(where, first, n, stream);
  detail::launchTiles(where, first, out, n, detail::Abs2Op<MatrixType>{relTol}, stream);
  return out + n;
}

/// Host containers: copies matrices to the device, computes as the device-pointer overload, copies the results
/// into abs2 (resized to matrices.size()) and synchronizes the stream.
/// \throws std::invalid_argument as the device-pointer overload (abs2 is left as it was);
/// \throws CudaError when a CUDA call fails (device memory for both arrays is allocated for the call).
template <typename MatrixType, typename InAlloc, typename OutAlloc>
void eigenvectorsAbs2Batch(const std::vector<MatrixType, InAlloc>& matrices,
                           std::vector<Abs2Type<MatrixType>, OutAlloc>& abs2, cudaStream_t stream = 0,
                           const SmallOptions& options = SmallOptions()) {
  constexpr const char* where = "dptz::cuda::eigenvectorsAbs2Batch";
  const std::size_t n = matrices.size();
  (void)dptz::detail::small::relativeTolerance<typename MatrixType::RealScalar>(where, options.clusterTolerance);
  if (n == 0) {
    abs2.clear();
    return;
  }
  detail::DeviceBuffer<MatrixType> in(where, n, stream);
  detail::DeviceBuffer<Abs2Type<MatrixType>> out(where, n, stream);
  detail::check(where,
                cudaMemcpyAsync(in.get(), matrices.data(), n * sizeof(MatrixType), cudaMemcpyHostToDevice, stream));
  eigenvectorsAbs2Batch(in.get(), in.get() + n, out.get(), stream, options);
  std::vector<Abs2Type<MatrixType>, OutAlloc> result(n);
  detail::check(where, cudaMemcpyAsync(result.data(), out.get(), n * sizeof(Abs2Type<MatrixType>),
                                       cudaMemcpyDeviceToHost, stream));
  detail::check(where, cudaStreamSynchronize(stream));
  abs2.swap(result);
}

/// Number of structure-of-arrays components of MatrixType: 2x2 real 3, 2x2 complex 4, 3x3 real 6, 3x3 complex 9.
template <typename MatrixType>
constexpr int soaComponents() {
  return detail::SmallShape<MatrixType>::Components;
}

/// |V|^2 of n matrices given as structure of arrays (component-major), on the device.
/// Component c of matrix k is components[c * n + k]; the components are the diagonal A(0, 0) .. A(N-1, N-1), then
/// the strictly lower triangle column by column: 3x3 complex A00 A11 A22 ReA10 ImA10 ReA20 ImA20 ReA21 ImA21, 3x3
/// real A00 A11 A22 A10 A20 A21, 2x2 complex A00 A11 ReA10 ImA10, 2x2 real A00 A11 A10 (the matrix is Hermitian
/// by construction). Output: abs2[(j + N i) * n + k] = |v_i(j)|^2 of matrix k (entry (j, i) of the column-major
/// N x N result).
/// Reads about half the bytes of the array-of-structures layout for complex matrices and every access is
/// coalesced; use it when the data can be produced in this layout (docs/small.md, section Layouts).
/// \tparam MatrixType the matrix type the components describe (e.g. Eigen::Matrix3cd): size and scalar type.
/// \param components, abs2 device pointers to soaComponents<MatrixType>() * n and N * N * n reals.
/// \param stream, options as for eigenvectorsAbs2Batch.
/// \throws std::invalid_argument "dptz::cuda::eigenvectorsAbs2BatchSoA: matrix <k>: component <c> (<entry>) is
///         not finite (<value>)" for the first matrix with a non-finite component (nothing written), or a NaN
///         clusterTolerance; CudaError when a CUDA call fails.
/// Synchronizes the stream once after the screen, then enqueues the kernel. Complexity and accuracy as
/// eigenvectorsAbs2Batch (the same device code per matrix).
template <typename MatrixType>
void eigenvectorsAbs2BatchSoA(const typename MatrixType::RealScalar* components, std::ptrdiff_t n,
                              typename MatrixType::RealScalar* abs2, cudaStream_t stream = 0,
                              const SmallOptions& options = SmallOptions()) {
  using Shape = detail::SmallShape<MatrixType>;
  using Real = typename Shape::Real;
  constexpr const char* where = "dptz::cuda::eigenvectorsAbs2BatchSoA";
  const Real relTol = dptz::detail::small::relativeTolerance<Real>(where, options.clusterTolerance);
  if (n < 0) dptz::detail::fail(where, "n is negative (", n, ")");
  if (n == 0) return;
  const long long count = n;
  constexpr int threads = 128;
  const unsigned blocks = unsigned((count + threads - 1) / threads);
  {
    detail::DeviceBuffer<unsigned long long> flag(where, 1, stream);
    unsigned long long bad = static_cast<unsigned long long>(count);
    detail::check(where, cudaMemcpyAsync(flag.get(), &bad, sizeof bad, cudaMemcpyHostToDevice, stream));
    detail::soaScreenKernel<Shape::Components, Real><<<blocks, threads, 0, stream>>>(components, count, flag.get());
    detail::check(where, cudaGetLastError());
    detail::check(where, cudaMemcpyAsync(&bad, flag.get(), sizeof bad, cudaMemcpyDeviceToHost, stream));
    detail::check(where, cudaStreamSynchronize(stream));
    if (bad < static_cast<unsigned long long>(count)) {
      Real c[Shape::Components];
      for (int k = 0; k < Shape::Components; ++k)
        detail::check(where, cudaMemcpyAsync(&c[k], components + k * count + static_cast<long long>(bad), sizeof(Real),
                                             cudaMemcpyDeviceToHost, stream));
      detail::check(where, cudaStreamSynchronize(stream));
      for (int k = 0; k < Shape::Components; ++k)
        if (!dptz::detail::isFinite(c[k]))
          dptz::detail::fail(where, "matrix ", bad, ": component ", k, " (", detail::componentName<MatrixType>(k),
                             ") is not finite (", c[k], ")");
    }
  }
  detail::soaKernel<Shape::Components, Shape::N * Shape::N, Real>
      <<<blocks, threads, 0, stream>>>(components, abs2, count, detail::SoaOp<MatrixType>{{relTol}});
  detail::check(where, cudaGetLastError());
}

}  // namespace cuda
}  // namespace dptz

#endif  // DPTZ_CUDA_SMALL_CUH
