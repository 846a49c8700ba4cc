// The fixed-size 2x2 / 3x3 paths allocate nothing on the heap once warmed up: eigenvectorsAbs2 on fixed-size input,
// smallEigenvectorsAbs2, SmallEigenSolver and IdentityEigenSolver<Matrix2*/3*>. Every malloc-family call of the
// process goes through the counting definitions below (glibc's __libc_* entry points do the work).
#include <dptz/eigenvectors_abs2.hpp>
#include <dptz/identity_eigen_solver.hpp>
#include <dptz/small.hpp>

#include <atomic>
#include <cerrno>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "test_util.hpp"

#if defined(__SANITIZE_ADDRESS__)
#define DPTZ_TEST_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define DPTZ_TEST_SANITIZED 1
#endif
#endif

namespace {
std::atomic<long> g_allocations{0};
}  // namespace

#if !defined(DPTZ_TEST_SANITIZED) && defined(__GLIBC__)
#define DPTZ_TEST_COUNTS_MALLOC 1
extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void* malloc(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_malloc(size);
}
void* calloc(std::size_t count, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_calloc(count, size);
}
void* realloc(void* p, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_realloc(p, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  void* p = __libc_memalign(alignment, size);
  if (!p) return ENOMEM;
  *out = p;
  return 0;
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  return __libc_memalign(alignment, size);
}
}
#endif

namespace {

/// Heap allocations made by f() (after one warm-up call, which may size the solvers' members).
template <typename F>
long allocationsOf(F&& f) {
  f();
  const long before = g_allocations.load();
  for (int k = 0; k < 10; ++k) f();
  return g_allocations.load() - before;
}

void requireCounting() {
#ifndef DPTZ_TEST_COUNTS_MALLOC
  GTEST_SKIP() << "malloc is not interposable in this build (sanitizer or non-glibc)";
#else
  // The counter must see an allocation, or every zero below would prove nothing.
  const long before = g_allocations.load();
  volatile void* p = std::malloc(64);
  std::free(const_cast<void*>(p));
  ASSERT_GT(g_allocations.load(), before);
  const long beforeVector = g_allocations.load();
  { Eigen::MatrixXd probe(7, 7); probe.setZero(); EXPECT_EQ(probe.sum(), 0.0); }
  ASSERT_GT(g_allocations.load(), beforeVector);
#endif
}

template <typename MatrixType>
MatrixType sample(std::uint64_t seed) {
  std::mt19937_64 g(seed);
  return dptz_test::randomHermitian<MatrixType>(MatrixType::RowsAtCompileTime, g);
}

template <typename MatrixType>
void expectNoAllocation() {
  const MatrixType A = sample<MatrixType>(7);
  MatrixType degenerate = MatrixType::Identity();
  degenerate(0, 0) = typename MatrixType::Scalar(2);
  double sink = 0;
  for (const MatrixType& M : {A, degenerate}) {
    EXPECT_EQ(allocationsOf([&] { sink += dptz::eigenvectorsAbs2(M).sum(); }), 0) << "eigenvectorsAbs2";
    EXPECT_EQ(allocationsOf([&] { sink += dptz::smallEigenvectorsAbs2(M).sum(); }), 0) << "smallEigenvectorsAbs2";
    dptz::SmallEigenSolver<MatrixType> small;
    EXPECT_EQ(allocationsOf([&] { sink += small.compute(M).eigenvalues().sum(); }), 0) << "SmallEigenSolver";
    dptz::IdentityEigenSolver<MatrixType> es;
    EXPECT_EQ(allocationsOf([&] {
                sink += es.compute(M, Eigen::ComputeEigenvectors | dptz::ComputeEigenvectorsAbs2).eigenvalues().sum();
              }),
              0)
        << "IdentityEigenSolver with vectors and |V|^2";
    EXPECT_EQ(allocationsOf([&] { sink += es.compute(M, Eigen::EigenvaluesOnly).eigenvalues().sum(); }), 0)
        << "IdentityEigenSolver eigenvalues only";
  }
  EXPECT_TRUE(sink == sink);
}

}  // namespace

TEST(Allocation, Fixed3x3ComplexDouble) {
  requireCounting();
  if (IsSkipped() || HasFatalFailure()) return;
  expectNoAllocation<Eigen::Matrix3cd>();
}
TEST(Allocation, Fixed3x3Double) {
  requireCounting();
  if (IsSkipped() || HasFatalFailure()) return;
  expectNoAllocation<Eigen::Matrix3d>();
}
TEST(Allocation, Fixed2x2ComplexFloat) {
  requireCounting();
  if (IsSkipped() || HasFatalFailure()) return;
  expectNoAllocation<Eigen::Matrix2cf>();
}
TEST(Allocation, Fixed2x2Double) {
  requireCounting();
  if (IsSkipped() || HasFatalFailure()) return;
  expectNoAllocation<Eigen::Matrix2d>();
}

// The rest of the fixed-size surface: a subnormal scale (the scalar input screen instead of the vector one), an
// explicit tolerance, the device-callable status functions, and the batch (serial and threaded ranges, with
// matrices at extreme scales): no allocation per matrix.
TEST(Allocation, StatusFunctionsAndBatch) {
  requireCounting();
  if (IsSkipped() || HasFatalFailure()) return;
  std::mt19937_64 g(40);
  const Eigen::Matrix3cd A = dptz_test::randomHermitian<Eigen::Matrix3cd>(3, g);
  const Eigen::Matrix3d R = dptz_test::randomHermitian<Eigen::Matrix3d>(3, g);
  const Eigen::Matrix3cd tiny = A * 1e-310;
  Eigen::Matrix3d W;
  EXPECT_EQ(allocationsOf([&] { W = dptz::smallEigenvectorsAbs2(R, 1e-3); }), 0);
  EXPECT_EQ(allocationsOf([&] { W = dptz::smallEigenvectorsAbs2(tiny); }), 0);
  dptz::SmallEigenSolver<Eigen::Matrix3cd> es;
  EXPECT_EQ(allocationsOf([&] { es.compute(tiny, Eigen::EigenvaluesOnly); }), 0);
  Eigen::Vector3d lambda;
  Eigen::Matrix3cd V;
  EXPECT_EQ(allocationsOf([&] { (void)dptz::smallEigenSolveStatus(A, lambda, V, W); }), 0);
  EXPECT_EQ(allocationsOf([&] { (void)dptz::smallEigenvectorsAbs2Status(A, W); }), 0);
  std::vector<Eigen::Matrix3cd> As(1000);
  for (auto& M : As) M = dptz_test::randomHermitian<Eigen::Matrix3cd>(3, g);
  As[3] = tiny;
  As[500] *= 1e200;
  std::vector<Eigen::Matrix3d> Ws(As.size());
  dptz::SmallOptions one;
  one.threads = 1;
  EXPECT_EQ(allocationsOf([&] { dptz::eigenvectorsAbs2Batch(As.begin(), As.begin() + 100, Ws.begin()); }), 0);
  EXPECT_EQ(allocationsOf([&] { dptz::eigenvectorsAbs2Batch(As.begin(), As.end(), Ws.begin(), one); }), 0);
}

TEST(Allocation, DynamicPathIsCounted) {
  requireCounting();
  if (IsSkipped() || HasFatalFailure()) return;
  // The counter sees the general path's allocations: the zeros above are not an artefact of the counting.
  const Eigen::MatrixXd A = dptz_test::randomHermitian<double>(6, 3);
  EXPECT_GT(allocationsOf([&] { (void)dptz::eigenvectorsAbs2(A).sum(); }), 0);
}
