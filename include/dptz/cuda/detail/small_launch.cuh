// dptz — CUDA kernels and host plumbing behind dptz/cuda/small.cuh (internal).
//
// Array-of-structures input (std::vector<Eigen::Matrix3cd>'s layout) is read through shared memory: a block copies
// the bytes of its 128 matrices with coalesced 16-, 8- or 4-byte words, each thread then reads its own matrix, and
// the |V|^2 results leave the same way. Structure-of-arrays input is read directly (already coalesced).
#ifndef DPTZ_CUDA_DETAIL_SMALL_LAUNCH_CUH
#define DPTZ_CUDA_DETAIL_SMALL_LAUNCH_CUH

#include <cuda_runtime.h>

#include <cstddef>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

#include <Eigen/Core>

namespace dptz {
namespace cuda {

/// A CUDA runtime call failed. what() is "<dptz function>: <cudaGetErrorName>: <cudaGetErrorString>".
class CudaError : public std::runtime_error {
 public:
  /// where: the dptz function that made the call; code: the runtime's error code.
  CudaError(const std::string& where, cudaError_t code)
      : std::runtime_error(where + ": " + cudaGetErrorName(code) + ": " + cudaGetErrorString(code)), m_code(code) {}
  /// The CUDA runtime's error code.
  cudaError_t code() const noexcept { return m_code; }

 private:
  cudaError_t m_code;
};

namespace detail {

/// Matrices per block of the array-of-structures kernels.
constexpr int kTileMatrices = 128;

inline void check(const char* where, cudaError_t code) {
  if (code != cudaSuccess) throw CudaError(where, code);
}

/// Stream-ordered device allocation, freed on scope exit (errors at release are dropped: destructors must not
/// throw, and the allocation's own errors were reported when it was made).
template <typename T>
class DeviceBuffer {
 public:
  DeviceBuffer(const char* where, std::size_t count, cudaStream_t stream) : m_stream(stream) {
    check(where, cudaMallocAsync(reinterpret_cast<void**>(&m_data), count * sizeof(T), stream));
  }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (m_data != nullptr) (void)cudaFreeAsync(m_data, m_stream);
  }
  T* get() const { return m_data; }

 private:
  T* m_data = nullptr;
  cudaStream_t m_stream;
};

/// Largest of 16, 8, 4 bytes that divides the size of T and the address p (T is a whole number of floats).
template <typename T>
int wordBytes(const void* p) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  for (int w : {16, 8})
    if (sizeof(T) % std::size_t(w) == 0 && addr % std::uintptr_t(w) == 0) return w;
  return 4;
}

/// Copies `words` words from src to dst, the block's threads striding together (coalesced).
template <typename Word>
__device__ __forceinline__ void copyWords(void* dst, const void* src, int words) {
  Word* d = static_cast<Word*>(dst);
  const Word* s = static_cast<const Word*>(src);
  for (int k = int(threadIdx.x); k < words; k += int(blockDim.x)) d[k] = s[k];
}

/// Copies `bytes` bytes (a multiple of wordBytes, both pointers aligned to it) in words of wordBytes (16, 8 or 4):
/// a run-time choice, so the kernels that call it are compiled once per matrix type.
__device__ __forceinline__ void copyTile(void* dst, const void* src, int bytes, int wordBytes) {
  if (wordBytes == 16)
    copyWords<uint4>(dst, src, bytes / 16);
  else if (wordBytes == 8)
    copyWords<uint2>(dst, src, bytes / 8);
  else
    copyWords<unsigned int>(dst, src, bytes / 4);
}

/// One tile of 128 matrices per block: stage the input in shared memory, apply op (one thread per matrix), stage
/// the results, store. op(const Matrix&, Result&) is a device function; inWord, outWord: word sizes in bytes for the
/// copies (wordBytes of the two pointers).
template <typename Matrix, typename Result, typename Op>
__global__ void __launch_bounds__(kTileMatrices) tileKernel(const Matrix* __restrict__ in, Result* __restrict__ out,
                                                            long long n, Op op, int inWord, int outWord) {
  constexpr std::size_t bytes = kTileMatrices * (sizeof(Matrix) > sizeof(Result) ? sizeof(Matrix) : sizeof(Result));
  __shared__ alignas(16) unsigned char tile[bytes];
  const long long base = (long long)blockIdx.x * kTileMatrices;
  const int count = int(n - base < kTileMatrices ? n - base : kTileMatrices);
  const int t = int(threadIdx.x);
  copyTile(tile, in + base, count * int(sizeof(Matrix)), inWord);
  __syncthreads();
  Result r;
  if (t < count) op(reinterpret_cast<const Matrix*>(tile)[t], r);
  __syncthreads();
  if (t < count) reinterpret_cast<Result*>(tile)[t] = r;
  __syncthreads();
  copyTile(out + base, tile, count * int(sizeof(Result)), outWord);
}

/// Marks in *firstBad the smallest index i in [begin, n) whose matrix pred(const Matrix&) rejects (atomicMin;
/// *firstBad must hold n or less before the launch). Staged through shared memory like tileKernel.
template <typename Matrix, typename Pred>
__global__ void __launch_bounds__(kTileMatrices) screenKernel(const Matrix* __restrict__ in, long long begin,
                                                              long long n, unsigned long long* firstBad, Pred pred,
                                                              int inWord) {
  __shared__ alignas(16) unsigned char tile[kTileMatrices * sizeof(Matrix)];
  const long long base = begin + (long long)blockIdx.x * kTileMatrices;
  const int count = int(n - base < kTileMatrices ? n - base : kTileMatrices);
  copyTile(tile, in + base, count * int(sizeof(Matrix)), inWord);
  __syncthreads();
  const int t = int(threadIdx.x);
  if (t < count && !pred(reinterpret_cast<const Matrix*>(tile)[t]))
    atomicMin(firstBad, static_cast<unsigned long long>(base + t));
}

/// Structure of arrays: thread i gathers its components (component c of matrix i at in[c * n + i]), applies
/// op(const Real (&)[Components], Real (&)[Outputs]) and scatters output k to out[k * n + i].
template <int Components, int Outputs, typename Real, typename Op>
__global__ void soaKernel(const Real* __restrict__ in, Real* __restrict__ out, long long n, Op op) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  Real c[Components], w[Outputs];
  for (int k = 0; k < Components; ++k) c[k] = in[k * n + i];
  op(c, w);
  for (int k = 0; k < Outputs; ++k) out[k * n + i] = w[k];
}

/// Marks in *firstBad the smallest i whose components (c * n + i) are not all finite.
template <int Components, typename Real>
__global__ void soaScreenKernel(const Real* __restrict__ in, long long n, unsigned long long* firstBad) {
  const long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  Real nanSum(0);
  for (int k = 0; k < Components; ++k) nanSum += in[k * n + i] - in[k * n + i];
  if (!(nanSum == Real(0))) atomicMin(firstBad, static_cast<unsigned long long>(i));
}

/// Device screen of one matrix: true when every entry is finite and max |A(r, c) - conj A(c, r)|^2 <=
/// (1 - 2^-20) t^2 max |A(r, c)|^2 (t: the Hermitian tolerance, 100 n eps), evaluated after an exact power-of-two
/// scaling so that no square over- or underflows. False means "let the host checks decide": they accept the
/// matrices in the 2^-20 margin (rounding differs from the host's) and name what is wrong with the others.
template <int N, typename Matrix>
struct HermitianScreen {
  using Real = typename Eigen::NumTraits<typename Matrix::Scalar>::Real;
  Real tolerance;  // dptz::detail::hermitianTolerance<Real>(N), computed on the host

  __host__ __device__ bool operator()(const Matrix& A) const {
    Real nanSum(0), mc(0);
    for (int c = 0; c < N; ++c)
      for (int r = 0; r < N; ++r) {
        const Real x = Eigen::numext::real(A.coeff(r, c)), y = Eigen::numext::imag(A.coeff(r, c));
        nanSum += (x - x) + (y - y);
        mc = std::fmax(mc, std::fmax(std::fabs(x), std::fabs(y)));
      }
    if (!(nanSum == Real(0))) return false;
    if (mc == Real(0)) return true;
    // squares of numbers within [2^-lim, 2^lim] neither overflow nor lose precision to subnormals
    const int lim = std::is_same<Real, float>::value ? 30 : 250;
    int e = 0;
    if (mc > std::ldexp(Real(1), lim) || mc < std::ldexp(Real(1), -lim)) (void)std::frexp(mc, &e);
    const auto scaled = [e](Real x) { return e == 0 ? x : Real(std::ldexp(x, -e)); };
    Real m2(0), d2(0);
    for (int c = 0; c < N; ++c)
      for (int r = c; r < N; ++r) {
        const Real x = scaled(Eigen::numext::real(A.coeff(r, c))), y = scaled(Eigen::numext::imag(A.coeff(r, c)));
        const Real xt = scaled(Eigen::numext::real(A.coeff(c, r))), yt = scaled(Eigen::numext::imag(A.coeff(c, r)));
        m2 = std::fmax(m2, std::fmax(x * x + y * y, xt * xt + yt * yt));
        d2 = std::fmax(d2, (x - xt) * (x - xt) + (y + yt) * (y + yt));
      }
    return d2 <= (Real(1) - std::ldexp(Real(1), -20)) * (tolerance * tolerance) * m2;
  }
};

/// Launch geometry of the array-of-structures kernels.
inline unsigned tiles(long long n) { return unsigned((n + kTileMatrices - 1) / kTileMatrices); }

/// Runs tileKernel with the widest words the two pointers' alignments allow.
template <typename Matrix, typename Result, typename Op>
void launchTiles(const char* where, const Matrix* in, Result* out, long long n, Op op, cudaStream_t stream) {
  tileKernel<Matrix, Result, Op><<<tiles(n), kTileMatrices, 0, stream>>>(in, out, n, op, wordBytes<Matrix>(in),
                                                                          wordBytes<Result>(out));
  check(where, cudaGetLastError());
}

/// Index of the first matrix in [begin, n) that pred rejects, or n. Synchronizes the stream.
template <typename Matrix, typename Pred>
long long firstRejected(const char* where, const Matrix* in, long long begin, long long n, Pred pred,
                        unsigned long long* flag, cudaStream_t stream) {
  unsigned long long first = static_cast<unsigned long long>(n);
  check(where, cudaMemcpyAsync(flag, &first, sizeof first, cudaMemcpyHostToDevice, stream));
  screenKernel<Matrix, Pred><<<tiles(n - begin), kTileMatrices, 0, stream>>>(in, begin, n, flag, pred,
                                                                             wordBytes<Matrix>(in + begin));
  check(where, cudaGetLastError());
  check(where, cudaMemcpyAsync(&first, flag, sizeof first, cudaMemcpyDeviceToHost, stream));
  check(where, cudaStreamSynchronize(stream));
  return static_cast<long long>(first);
}

}  // namespace detail
}  // namespace cuda
}  // namespace dptz

#endif  // DPTZ_CUDA_DETAIL_SMALL_LAUNCH_CUH
