// Tests of dptz/cuda/small.cuh: the batched |V|^2 launcher against the CPU path (dptz::smallEigenvectorsAbs2) on
// the small-matrix suite's hard cases, its input screen and error reporting. The GPU cases skip without a device;
// the host cases (argument checks, the screen's acceptance, the checks applied to the CPU path, CUDA errors) run
// wherever this file compiles.
#include <dptz/cuda/small.cuh>

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "small_cases.hpp"
#include "test_util.hpp"

std::vector<Eigen::Matrix3d> exampleAbs2OnDevice(const std::vector<Eigen::Matrix3cd>& matrices);  // example_kernel.cu

namespace {

using dptz::cuda::Abs2Type;
static_assert(std::is_same<Abs2Type<Eigen::Matrix3cd>, dptz_cuda_test::Abs2<Eigen::Matrix3cd>>::value, "one type");

/// cudaGetDeviceCount's answer; 0 when the runtime reports an error (no driver, no device).
int deviceCount() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();
    return 0;
  }
  return count;
}

#define DPTZ_REQUIRE_GPU()                                                                                  \
  do {                                                                                                      \
    if (deviceCount() == 0) GTEST_SKIP() << "no CUDA device (cudaGetDeviceCount found none): GPU case skipped"; \
  } while (0)

template <typename M>
using RealOf = typename M::RealScalar;
template <typename M>
constexpr int sizeOf = M::RowsAtCompileTime;
using dptz_cuda_test::cpuResults;
using dptz_cuda_test::expectLikeTheCpuPath;
using dptz_cuda_test::hardCases;
using dptz_cuda_test::randomMatrix;

template <typename T>
struct DeviceArray {
  T* data = nullptr;
  explicit DeviceArray(std::size_t n) { EXPECT_EQ(cudaMalloc(reinterpret_cast<void**>(&data), n * sizeof(T) + 64), cudaSuccess); }
  ~DeviceArray() { cudaFree(data); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
};

template <typename T>
void toDevice(T* dst, const std::vector<T>& src) {
  ASSERT_EQ(cudaMemcpy(dst, src.data(), src.size() * sizeof(T), cudaMemcpyHostToDevice), cudaSuccess);
}
template <typename T>
std::vector<T> fromDevice(const T* src, std::size_t n) {
  std::vector<T> out(n);
  EXPECT_EQ(cudaMemcpy(out.data(), src, n * sizeof(T), cudaMemcpyDeviceToHost), cudaSuccess);
  return out;
}

/// Structure-of-arrays components (the order documented at eigenvectorsAbs2BatchSoA).
template <typename M>
std::vector<RealOf<M>> toSoa(const std::vector<M>& As) {
  constexpr int N = sizeOf<M>, C = dptz::cuda::soaComponents<M>();
  const std::size_t n = As.size();
  std::vector<RealOf<M>> c(C * n);
  for (std::size_t k = 0; k < n; ++k) {
    int j = 0;
    for (int d = 0; d < N; ++d) c[(j++) * n + k] = Eigen::numext::real(As[k](d, d));
    for (int col = 0; col < N; ++col)
      for (int row = col + 1; row < N; ++row) {
        c[(j++) * n + k] = Eigen::numext::real(As[k](row, col));
        if constexpr (Eigen::NumTraits<typename M::Scalar>::IsComplex) c[(j++) * n + k] = Eigen::numext::imag(As[k](row, col));
      }
  }
  return c;
}

template <typename M>
class CudaSmall : public ::testing::Test {};
using SmallTypes = ::testing::Types<Eigen::Matrix2f, Eigen::Matrix2d, Eigen::Matrix2cf, Eigen::Matrix2cd,
                                   Eigen::Matrix3f, Eigen::Matrix3d, Eigen::Matrix3cf, Eigen::Matrix3cd>;
TYPED_TEST_SUITE(CudaSmall, SmallTypes);

}  // namespace

// ---- host cases: run wherever nvcc compiled this file ------------------------------------------------------------

/// The checks the GPU cases apply hold for the CPU path itself (so a GPU failure is the GPU's).
TYPED_TEST(CudaSmall, HostChecksHoldForTheCpuPath) {
  const std::vector<TypeParam> As = hardCases<TypeParam>(1);
  const auto W = cpuResults(As);
  expectLikeTheCpuPath(As, W, W, "cpu");
}

/// The device screen (run here on the host) passes only matrices the CPU batch accepts, and every hard case is
/// accepted by screen or CPU checks; non-finite and non-Hermitian matrices are left to the CPU checks.
TYPED_TEST(CudaSmall, HostScreenPassesOnlyWhatTheCpuBatchAccepts) {
  using M = TypeParam;
  using Real = RealOf<M>;
  constexpr int N = sizeOf<M>;
  const dptz::cuda::detail::HermitianScreen<N, M> screen{dptz::detail::hermitianTolerance<Real>(N)};
  std::size_t passed = 0;
  for (const M& A : hardCases<M>(2)) {
    passed += screen(A);
    EXPECT_TRUE(dptz_cuda_test::cpuBatchAccepts(A)) << A;
  }
  EXPECT_GT(passed, dptz_cuda_test::kRandom);
  M bad = M::Identity();
  bad(1, 0) = Real(0.5);
  EXPECT_FALSE(screen(bad));
  bad = M::Identity();
  bad(N - 1, 0) = std::numeric_limits<Real>::quiet_NaN();
  EXPECT_FALSE(screen(bad));
  bad(N - 1, 0) = std::numeric_limits<Real>::infinity();
  EXPECT_FALSE(screen(bad));
  // around the Hermitian tolerance, at ordinary and extreme scales: what the screen passes, the CPU batch accepts
  const Real t = dptz::detail::hermitianTolerance<Real>(N);
  const Real tiny = Real(std::is_same<Real, float>::value ? 1e-35 : 1e-300);
  for (Real scale : {Real(1), tiny})
    for (double factor : {0.5, 0.999, 0.9999999, 1.0, 1.0000001, 1.001, 2.0}) {
      M A = M::Identity() * scale;
      A(1, 0) += scale * Real(factor) * t;
      if (screen(A))
        EXPECT_TRUE(dptz_cuda_test::cpuBatchAccepts(A)) << factor << " " << scale;
      else
        EXPECT_GE(factor, 0.999) << scale;  // the screen's margin is 2^-20 relative
    }
  bad = M::Identity() * tiny;  // twice the tolerance at an extreme scale: rejected by both
  bad(1, 0) = tiny * Real(2) * t;
  EXPECT_FALSE(screen(bad));
  EXPECT_FALSE(dptz_cuda_test::cpuBatchAccepts(bad));
}

TEST(CudaSmallHost, ArgumentErrorsComeBeforeAnyCudaCall) {
  std::vector<Eigen::Matrix3cd> As(3, Eigen::Matrix3cd::Identity());
  std::vector<Eigen::Matrix3d> W;
  dptz::SmallOptions nan;
  nan.clusterTolerance = std::numeric_limits<double>::quiet_NaN();
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(As.data(), As.data() + 3, W.data(), 0, nan),
                      "dptz::cuda::eigenvectorsAbs2Batch: clusterTolerance is NaN");
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(As, W, 0, nan),
                      "dptz::cuda::eigenvectorsAbs2Batch: clusterTolerance is NaN");
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(As.data() + 2, As.data(), W.data()),
                      "dptz::cuda::eigenvectorsAbs2Batch: last precedes first (-2 matrices)");
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2BatchSoA<Eigen::Matrix3cd>(nullptr, -1, nullptr),
                      "dptz::cuda::eigenvectorsAbs2BatchSoA: n is negative (-1)");
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2BatchSoA<Eigen::Matrix2f>(nullptr, 5, nullptr, 0, nan),
                      "dptz::cuda::eigenvectorsAbs2BatchSoA: clusterTolerance is NaN");
  // empty ranges need no device
  EXPECT_EQ(dptz::cuda::eigenvectorsAbs2Batch(As.data(), As.data(), W.data()), W.data());
  dptz::cuda::eigenvectorsAbs2BatchSoA<Eigen::Matrix3cd>(nullptr, 0, nullptr);
  W.resize(4);
  dptz::cuda::eigenvectorsAbs2Batch(std::vector<Eigen::Matrix3cd>(), W);
  EXPECT_TRUE(W.empty());
}

TEST(CudaSmallHost, SoaComponentOrder) {
  EXPECT_EQ(dptz::cuda::soaComponents<Eigen::Matrix3cd>(), 9);
  EXPECT_EQ(dptz::cuda::soaComponents<Eigen::Matrix3f>(), 6);
  EXPECT_EQ(dptz::cuda::soaComponents<Eigen::Matrix2cf>(), 4);
  EXPECT_EQ(dptz::cuda::soaComponents<Eigen::Matrix2d>(), 3);
  EXPECT_EQ(dptz::cuda::detail::componentName<Eigen::Matrix3cd>(2), "A(2, 2)");
  EXPECT_EQ(dptz::cuda::detail::componentName<Eigen::Matrix3cd>(4), "Im A(1, 0)");
  EXPECT_EQ(dptz::cuda::detail::componentName<Eigen::Matrix3cd>(7), "Re A(2, 1)");
  EXPECT_EQ(dptz::cuda::detail::componentName<Eigen::Matrix3d>(4), "A(2, 0)");
  EXPECT_EQ(dptz::cuda::detail::componentName<Eigen::Matrix2d>(2), "A(1, 0)");
}

TEST(CudaSmallHost, CudaErrorCarriesTheRuntimeText) {
  const dptz::cuda::CudaError e("dptz::cuda::eigenvectorsAbs2Batch", cudaErrorMemoryAllocation);
  EXPECT_EQ(std::string(e.what()), std::string("dptz::cuda::eigenvectorsAbs2Batch: cudaErrorMemoryAllocation: ") +
                                       cudaGetErrorString(cudaErrorMemoryAllocation));
  EXPECT_EQ(e.code(), cudaErrorMemoryAllocation);
  const std::runtime_error& base = e;
  EXPECT_NE(std::string(base.what()).find("out of memory"), std::string::npos) << base.what();
}

/// Without a device the first CUDA call fails: the launcher reports it as CudaError with the runtime's text.
TEST(CudaSmallHost, NoDeviceIsReportedAsCudaError) {
  if (deviceCount() > 0) GTEST_SKIP() << "a CUDA device is present: the no-device path is not reachable here";
  int count = 0;
  const cudaError_t code = cudaGetDeviceCount(&count);
  (void)cudaGetLastError();
  std::vector<Eigen::Matrix3cd> As(5, Eigen::Matrix3cd::Identity());
  std::vector<Eigen::Matrix3d> W;
  try {
    dptz::cuda::eigenvectorsAbs2Batch(As, W);
    ADD_FAILURE() << "expected dptz::cuda::CudaError";
  } catch (const dptz::cuda::CudaError& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("dptz::cuda::eigenvectorsAbs2Batch: ", 0), 0u) << what;
    EXPECT_NE(what.find(cudaGetErrorString(e.code())), std::string::npos) << what;
    EXPECT_EQ(e.code(), code) << what;
  }
  EXPECT_TRUE(W.empty());
}

// ---- GPU cases -----------------------------------------------------------------------------------------------------

/// Hard cases through the three entry points (device pointers on a stream, host containers, structure of
/// arrays): the CPU tests' checks, and within 8 eps of the CPU path.
TYPED_TEST(CudaSmall, HardCasesMatchTheCpuPath) {
  DPTZ_REQUIRE_GPU();
  using M = TypeParam;
  using W = Abs2Type<M>;
  const std::vector<M> As = hardCases<M>(3);
  const std::vector<W> Wcpu = cpuResults(As);
  const std::size_t n = As.size();
  cudaStream_t stream;
  ASSERT_EQ(cudaStreamCreate(&stream), cudaSuccess);
  {
    DeviceArray<M> in(n);
    DeviceArray<W> out(n);
    toDevice(in.data, As);
    EXPECT_EQ(dptz::cuda::eigenvectorsAbs2Batch(in.data, in.data + n, out.data, stream), out.data + n);
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    expectLikeTheCpuPath(As, fromDevice(out.data, n), Wcpu, "device_pointers");
  }
  std::vector<W> Wh;
  dptz::cuda::eigenvectorsAbs2Batch(As, Wh);
  expectLikeTheCpuPath(As, Wh, Wcpu, "host_containers");
  {
    const auto soa = toSoa(As);
    DeviceArray<RealOf<M>> in(soa.size());
    DeviceArray<RealOf<M>> out(sizeOf<M> * sizeOf<M> * n);
    toDevice(in.data, soa);
    dptz::cuda::eigenvectorsAbs2BatchSoA<M>(in.data, std::ptrdiff_t(n), out.data, stream);
    ASSERT_EQ(cudaStreamSynchronize(stream), cudaSuccess);
    const auto flat = fromDevice(out.data, sizeOf<M> * sizeOf<M> * n);
    std::vector<W> Ws(n);
    for (std::size_t k = 0; k < n; ++k)
      for (int e = 0; e < sizeOf<M> * sizeOf<M>; ++e) Ws[k](e % sizeOf<M>, e / sizeOf<M>) = flat[e * n + k];
    expectLikeTheCpuPath(As, Ws, Wcpu, "structure_of_arrays");
  }
  ASSERT_EQ(cudaStreamDestroy(stream), cudaSuccess);
  // a user cluster tolerance is honoured as on the CPU
  dptz::SmallOptions merge;
  merge.clusterTolerance = 1e-3;
  std::vector<W> Wm;
  dptz::cuda::eigenvectorsAbs2Batch(As, Wm, 0, merge);
  for (std::size_t k = dptz_cuda_test::kRandom; k < n; k += 7)
    EXPECT_LE((Wm[k] - dptz_cuda_test::cpuResult(As[k], 1e-3)).cwiseAbs().maxCoeff(),
              8 * std::numeric_limits<RealOf<M>>::epsilon())
        << k;
}

/// Many blocks, a tail block, and ranges that start one matrix into an allocation (narrower words).
TYPED_TEST(CudaSmall, LargeRangesTailsAndOffsets) {
  DPTZ_REQUIRE_GPU();
  using M = TypeParam;
  using W = Abs2Type<M>;
  std::mt19937_64 g(4);
  std::vector<M> As(100003);
  for (auto& A : As) A = randomMatrix<M>(g);
  const std::vector<W> Wcpu = cpuResults(As);
  DeviceArray<M> in(As.size() + 1);
  DeviceArray<W> out(As.size() + 1);
  for (std::size_t offset : {std::size_t(0), std::size_t(1)}) {
    toDevice(in.data + offset, As);
    dptz::cuda::eigenvectorsAbs2Batch(in.data + offset, in.data + offset + As.size(), out.data + 1 - offset);
    const std::vector<W> Wd = fromDevice(out.data + 1 - offset, As.size());
    double worst = 0;
    for (std::size_t k = 0; k < As.size(); ++k)
      worst = std::max(worst, double((Wd[k] - Wcpu[k]).cwiseAbs().maxCoeff()));
    EXPECT_LE(worst, 8 * std::numeric_limits<RealOf<M>>::epsilon()) << "offset " << offset;
  }
}

/// Bad input: the first bad matrix is named with the CPU checks' message, nothing is written; valid matrices that
/// the device screen leaves to the host (extreme scales, Hermitian only within the tolerance) are accepted.
TYPED_TEST(CudaSmall, BadInputNamesTheFirstBadMatrixAndWritesNothing) {
  DPTZ_REQUIRE_GPU();
  using M = TypeParam;
  using W = Abs2Type<M>;
  using Real = RealOf<M>;
  constexpr int N = sizeOf<M>;
  const std::size_t n = 1000;
  std::vector<M> As(n, M::Identity());
  M nonHermitian = M::Identity();
  nonHermitian(1, 0) = Real(0.5);
  M notFinite = M::Identity();
  notFinite(N - 1, 0) = std::numeric_limits<Real>::infinity();
  As[10] = M::Identity() * std::numeric_limits<Real>::denorm_min();
  As[11] = M::Identity();
  As[11](1, 0) += Real(10) * std::numeric_limits<Real>::epsilon();  // Hermitian to within the tolerance
  As[42] = nonHermitian;
  As[77] = notFinite;
  As[990] = nonHermitian;
  DeviceArray<M> in(n);
  DeviceArray<W> out(n);
  const std::vector<W> sentinel(n, W::Constant(Real(-1)));
  toDevice(out.data, sentinel);
  const std::string where = "dptz::cuda::eigenvectorsAbs2Batch: matrix ";
  auto expectNothingWritten = [&] { EXPECT_TRUE(fromDevice(out.data, n) == sentinel); };
  toDevice(in.data, As);
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(in.data, in.data + n, out.data),
                      where + "42: matrix is not Hermitian");
  expectNothingWritten();
  As[42] = M::Identity();
  toDevice(in.data, As);
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(in.data, in.data + n, out.data),
                      where + "77: entry A(" + std::to_string(N - 1) + ", 0) is not finite");
  expectNothingWritten();
  As[77] = M::Identity();
  As[77](0, 0) = std::numeric_limits<Real>::quiet_NaN();
  toDevice(in.data, As);
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(in.data, in.data + n, out.data),
                      where + "77: entry A(0, 0) is not finite");
  As[77] = M::Identity();
  toDevice(in.data, As);
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(in.data, in.data + n, out.data),
                      where + "990: matrix is not Hermitian");
  expectNothingWritten();
  // host containers: the result vector is left as it was
  std::vector<W> Wh(3, W::Constant(Real(-1)));
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2Batch(As, Wh), where + "990: matrix is not Hermitian");
  EXPECT_EQ(Wh.size(), 3u);
  As[990] = M::Identity();
  dptz::cuda::eigenvectorsAbs2Batch(As, Wh);
  ASSERT_EQ(Wh.size(), n);
  for (std::size_t k : {std::size_t(10), std::size_t(11), std::size_t(500)})
    EXPECT_LE((Wh[k] - dptz_cuda_test::cpuResult(As[k], -1)).cwiseAbs().maxCoeff(),
              8 * std::numeric_limits<Real>::epsilon());
  // structure of arrays: the first matrix with a non-finite component, named with the component
  auto soa = toSoa(As);
  soa[std::size_t(N) * n + 640] = std::numeric_limits<Real>::quiet_NaN();  // component N of matrix 640
  soa[0 * n + 900] = std::numeric_limits<Real>::infinity();
  DeviceArray<Real> sin(soa.size());
  DeviceArray<Real> sout(N * N * n);
  const std::vector<Real> flatSentinel(N * N * n, Real(-1));
  toDevice(sin.data, soa);
  toDevice(sout.data, flatSentinel);
  DPTZ_EXPECT_INVALID(dptz::cuda::eigenvectorsAbs2BatchSoA<M>(sin.data, std::ptrdiff_t(n), sout.data),
                      std::string("dptz::cuda::eigenvectorsAbs2BatchSoA: matrix 640: component ") + std::to_string(N) +
                          " (" + (Eigen::NumTraits<typename M::Scalar>::IsComplex ? "Re " : "") +
                          "A(1, 0)) is not finite (nan)");
  EXPECT_TRUE(fromDevice(sout.data, N * N * n) == flatSentinel);
}

/// The device-callable entry point from a user's kernel (the example of docs/small.md).
TEST(CudaSmallDevice, ExampleKernelMatchesTheCpuPath) {
  DPTZ_REQUIRE_GPU();
  const std::vector<Eigen::Matrix3cd> As = hardCases<Eigen::Matrix3cd>(5);
  const std::vector<Eigen::Matrix3d> W = exampleAbs2OnDevice(As);
  expectLikeTheCpuPath(As, W, cpuResults(As), "example_kernel");
}
