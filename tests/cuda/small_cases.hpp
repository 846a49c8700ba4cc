// CPU side of the CUDA launcher's tests (compiled by the host compiler, not nvcc): the small-matrix suite's hard
// cases, the CPU path's results, and the checks the CPU tests apply. Explicitly instantiated for the eight small
// matrix types in small_cases.cpp.
#ifndef DPTZ_TESTS_CUDA_SMALL_CASES_HPP
#define DPTZ_TESTS_CUDA_SMALL_CASES_HPP

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include <Eigen/Core>

namespace dptz_cuda_test {

template <typename M>
using Abs2 = Eigen::Matrix<typename M::RealScalar, M::RowsAtCompileTime, M::RowsAtCompileTime>;

/// Number of random matrices at the start of hardCases (checked against a long double reference).
constexpr std::size_t kRandom = 2000;

/// Random Hermitian matrix, normal entries.
template <typename M>
M randomMatrix(std::mt19937_64& g);

/// The small-matrix suite's hard cases for one matrix type: kRandom random matrices first; scales 2^-1000 .. 2^1000
/// (float: 2^-120 .. 2^120) and subnormal entries; exactly and nearly repeated eigenvalues down to gap 0 (pairs and
/// triples); scalar, nearly scalar, zero, diagonal; entries spread by 1e12; Hermitian only to within the tolerance.
template <typename M>
std::vector<M> hardCases(std::uint64_t seed);

/// dptz::smallEigenvectorsAbs2 of each matrix (the CPU path).
template <typename M>
std::vector<Abs2<M>> cpuResults(const std::vector<M>& As);

/// dptz::smallEigenvectorsAbs2 with a cluster tolerance.
template <typename M>
Abs2<M> cpuResult(const M& A, double clusterTolerance);

/// True when the CPU batch (dptz::eigenvectorsAbs2Batch) accepts A; false when it throws std::invalid_argument.
template <typename M>
bool cpuBatchAccepts(const M& A);

/// The checks of the CPU tests (test_small.cpp) on results W of As, as gtest failures: finite, entries in [0, 1],
/// rows and columns summing to 1 (double 1e-14, float 64 eps), the error against a long double reference within
/// 64 eps ||A|| / gap + eps for the first kRandom matrices, and |W - Wcpu| <= 8 eps. Prints and records the largest
/// |W - Wcpu| in eps and how many results equal the CPU path's bit for bit, under the name `what`.
template <typename M>
void expectLikeTheCpuPath(const std::vector<M>& As, const std::vector<Abs2<M>>& W,
                          const std::vector<Abs2<M>>& Wcpu, const char* what);

}  // namespace dptz_cuda_test

#endif  // DPTZ_TESTS_CUDA_SMALL_CASES_HPP
