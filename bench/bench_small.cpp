// Closed-form 2x2 / 3x3 (dptz/small.hpp) against Eigen, side by side, 10^4 matrices per iteration.
//
// Tables (n = matrices per iteration; counters: ns_per_matrix and matrices/s as items_per_second):
//   small3_complex_abs2: eigen_selfadjoint (baseline: Eigen::SelfAdjointEigenSolver<Matrix3cd>, |V|^2 of its
//                        vectors), dptz_closed_form (smallEigenvectorsAbs2 per matrix), dptz_batch_1thread
//   small3_real_abs2:    eigen_computeDirect (baseline), eigen_selfadjoint, dptz_closed_form, dptz_batch_1thread
//   small3_complex_batch: dptz_batch_1thread (baseline), dptz_batch_2threads
//   small3_complex_vectors: eigen_selfadjoint (baseline), dptz_small_solver (eigenvalues + eigenvectors)
// Run with OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 (the 2-thread path sets its own count).
#include <dptz/small.hpp>

#include <vector>

#include <Eigen/Eigenvalues>

#include "bench_common.hpp"

namespace {

constexpr int kCount = 10000;

template <typename M>
const std::vector<M>& inputs() {
  static const std::vector<M> v = [] {
    std::vector<M> r(kCount);
    for (int i = 0; i < kCount; ++i) r[std::size_t(i)] = dptz_bench::randomHermitian<typename M::Scalar>(
                                                              M::RowsAtCompileTime, std::uint64_t(1000 + i));
    return r;
  }();
  return v;
}

void perMatrix(benchmark::State& state) {
  state.SetItemsProcessed(std::int64_t(state.iterations()) * kCount);
  state.counters["ns_per_matrix"] =
      benchmark::Counter(double(kCount) * 1e-9, benchmark::Counter::kIsIterationInvariantRate |
                                                    benchmark::Counter::kInvert);
}

template <typename M>
void eigenSelfAdjoint(benchmark::State& state, bool baseline) {
  const auto& A = inputs<M>();
  std::vector<Eigen::Matrix<typename M::RealScalar, M::RowsAtCompileTime, M::RowsAtCompileTime>> W(A.size());
  Eigen::SelfAdjointEigenSolver<M> es;
  for (auto _ : state) {
    for (std::size_t i = 0; i < A.size(); ++i) {
      es.compute(A[i]);
      W[i] = es.eigenvectors().cwiseAbs2();
    }
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  if (baseline) dptz_bench::markBaseline(state);
  perMatrix(state);
}

template <typename M>
void eigenDirect(benchmark::State& state) {
  const auto& A = inputs<M>();
  std::vector<Eigen::Matrix<typename M::RealScalar, M::RowsAtCompileTime, M::RowsAtCompileTime>> W(A.size());
  Eigen::SelfAdjointEigenSolver<M> es;
  for (auto _ : state) {
    for (std::size_t i = 0; i < A.size(); ++i) {
      es.computeDirect(A[i]);
      W[i] = es.eigenvectors().cwiseAbs2();
    }
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  dptz_bench::markBaseline(state);
  perMatrix(state);
}

template <typename M>
void closedForm(benchmark::State& state) {
  const auto& A = inputs<M>();
  std::vector<Eigen::Matrix<typename M::RealScalar, M::RowsAtCompileTime, M::RowsAtCompileTime>> W(A.size());
  for (auto _ : state) {
    for (std::size_t i = 0; i < A.size(); ++i) W[i] = dptz::smallEigenvectorsAbs2(A[i]);
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  perMatrix(state);
}

template <typename M>
void batch(benchmark::State& state, int threads, bool baseline) {
  const auto& A = inputs<M>();
  std::vector<Eigen::Matrix<typename M::RealScalar, M::RowsAtCompileTime, M::RowsAtCompileTime>> W(A.size());
  dptz::SmallOptions opt;
  opt.threads = threads;
  for (auto _ : state) {
    dptz::eigenvectorsAbs2Batch(A.begin(), A.end(), W.begin(), opt);
    benchmark::DoNotOptimize(W.data());
    benchmark::ClobberMemory();
  }
  if (baseline) dptz_bench::markBaseline(state);
  state.counters["threads"] = threads;
  perMatrix(state);
}

template <typename M>
void smallSolver(benchmark::State& state) {
  const auto& A = inputs<M>();
  std::vector<M> V(A.size());
  dptz::SmallEigenSolver<M> es;
  for (auto _ : state) {
    for (std::size_t i = 0; i < A.size(); ++i) V[i] = es.compute(A[i]).eigenvectors();
    benchmark::DoNotOptimize(V.data());
    benchmark::ClobberMemory();
  }
  perMatrix(state);
}

template <typename M>
void eigenVectors(benchmark::State& state) {
  const auto& A = inputs<M>();
  std::vector<M> V(A.size());
  Eigen::SelfAdjointEigenSolver<M> es;
  for (auto _ : state) {
    for (std::size_t i = 0; i < A.size(); ++i) V[i] = es.compute(A[i]).eigenvectors();
    benchmark::DoNotOptimize(V.data());
    benchmark::ClobberMemory();
  }
  dptz_bench::markBaseline(state);
  perMatrix(state);
}

using C3 = Eigen::Matrix3cd;
using R3 = Eigen::Matrix3d;

const bool registered = [] {
  benchmark::RegisterBenchmark("small3_complex_abs2/eigen_selfadjoint/10000",
                               [](benchmark::State& s) { eigenSelfAdjoint<C3>(s, true); });
  benchmark::RegisterBenchmark("small3_complex_abs2/dptz_closed_form/10000", closedForm<C3>);
  benchmark::RegisterBenchmark("small3_complex_abs2/dptz_batch_1thread/10000",
                               [](benchmark::State& s) { batch<C3>(s, 1, false); });
  benchmark::RegisterBenchmark("small3_real_abs2/eigen_computeDirect/10000", eigenDirect<R3>);
  benchmark::RegisterBenchmark("small3_real_abs2/eigen_selfadjoint/10000",
                               [](benchmark::State& s) { eigenSelfAdjoint<R3>(s, false); });
  benchmark::RegisterBenchmark("small3_real_abs2/dptz_closed_form/10000", closedForm<R3>);
  benchmark::RegisterBenchmark("small3_real_abs2/dptz_batch_1thread/10000",
                               [](benchmark::State& s) { batch<R3>(s, 1, false); });
  benchmark::RegisterBenchmark("small3_complex_batch/dptz_batch_1thread/10000",
                               [](benchmark::State& s) { batch<C3>(s, 1, true); })
      ->UseRealTime();
  benchmark::RegisterBenchmark("small3_complex_batch/dptz_batch_2threads/10000",
                               [](benchmark::State& s) { batch<C3>(s, 2, false); })
      ->UseRealTime();
  benchmark::RegisterBenchmark("small3_complex_vectors/eigen_selfadjoint/10000", eigenVectors<C3>);
  benchmark::RegisterBenchmark("small3_complex_vectors/dptz_small_solver/10000", smallSolver<C3>);
  return true;
}();

}  // namespace

DPTZ_BENCHMARK_MAIN();
