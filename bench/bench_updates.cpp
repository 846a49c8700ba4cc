// Incremental updates (dptz/updates.hpp) against recomputing from scratch, side by side.
//
// Tables (n = size of the matrix before the update):
//   updates_append/<path>/n     A' = [[A, b], [b^*, c]]  (n+1 x n+1)
//   updates_remove/<path>/n     A' = A without row/column n/2
//   updates_rank_one/<path>/n   A' = A + rho u u^*
// Paths:
//   lapack_recompute  LapackEigenSolver(A') with vectors                                   (baseline)
//   gemm              one n x n x n BLAS ?gemm (the floor of the vector update)
//   eigenvalues_row   z = Q^* v, the secular equation, and (append/remove) the new row of |V'|^2 by
//                     abs2FromEigenvalues(newLambda, lambda) / (rank-one) eigenvalues only: no eigenvectors formed
//   vectors           EigenUpdater::append / remove / rankOneUpdate (eigenvalues and eigenvectors)
#include <dptz/updates.hpp>

#include <map>
#include <memory>
#include <string>

#include "bench_common.hpp"

namespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

struct Fixture {
  MatrixXd big;  // (n+1) x (n+1); A = top-left n x n
  dptz::EigenUpdater<MatrixXd> up;
  VectorXd b, u;
  double c = 0;
  explicit Fixture(Index n) : big(dptz_bench::randomHermitian<double>(n + 1, 1234)), up(big.topLeftCorner(n, n)) {
    b = big.col(n).head(n);
    c = big(n, n);
    u = dptz_bench::randomHermitian<double>(n, 99).col(0);
  }
};

Fixture& fixture(Index n) {
  static std::map<Index, std::unique_ptr<Fixture>> cache;
  auto& f = cache[n];
  if (!f) f = std::make_unique<Fixture>(n);
  return *f;
}

constexpr double kRho = 0.5;

MatrixXd updatedMatrix(const Fixture& f, int table, Index n) {
  if (table == 0) return f.big;
  if (table == 1) {
    MatrixXd M;
    dptz::detail::extractMinor(f.up.matrix(), n / 2, M);
    return M;
  }
  return f.up.matrix() + kRho * f.u * f.u.transpose();
}

void lapackRecompute(benchmark::State& state, int table) {
  const Index n = state.range(0);
  const MatrixXd Ap = updatedMatrix(fixture(n), table, n);
  dptz::LapackEigenSolver<MatrixXd> es(Ap.rows());
  for (auto _ : state) {
    es.compute(Ap);
    benchmark::DoNotOptimize(es.eigenvectors().data());
  }
  dptz_bench::markBaseline(state);
}

void gemm(benchmark::State& state, int) {
  const Index n = state.range(0);
  const MatrixXd& Q = fixture(n).up.eigenvectors();
  const MatrixXd V = dptz_bench::randomHermitian<double>(n, 5);
  MatrixXd G;
  for (auto _ : state) {
    dptz::detail::multiplyByReal(Q, V, G);  // BLAS dgemm in LAPACK builds
    benchmark::DoNotOptimize(G.data());
  }
}

void eigenvaluesRow(benchmark::State& state, int table) {
  const Index n = state.range(0);
  const Fixture& f = fixture(n);
  const MatrixXd& Q = f.up.eigenvectors();
  const VectorXd& lambda = f.up.eigenvalues();
  for (auto _ : state) {
    if (table == 0) {
      const VectorXd z = Q.transpose() * f.b;
      const VectorXd x = dptz::borderedEigenvalues(lambda, z, f.c);
      const VectorXd row = dptz::abs2FromEigenvalues(x, lambda);  // new last row of |V'|^2
      benchmark::DoNotOptimize(row.data());
    } else if (table == 1) {
      const VectorXd w = Q.row(n / 2).cwiseAbs2().transpose();
      const VectorXd mu = dptz::minorEigenvalues(lambda, w);
      benchmark::DoNotOptimize(mu.data());
    } else {
      const VectorXd z = Q.transpose() * f.u;
      const VectorXd x = dptz::rankOneEigenvalues(lambda, z, kRho);
      benchmark::DoNotOptimize(x.data());
    }
  }
}

void vectors(benchmark::State& state, int table) {
  const Index n = state.range(0);
  const Fixture& f = fixture(n);
  dptz::EigenUpdater<MatrixXd> up;
  for (auto _ : state) {
    state.PauseTiming();
    up = f.up;  // fresh copy (the update mutates); the copy and the release of the previous one are not timed
    state.ResumeTiming();
    if (table == 0)
      up.append(f.b, f.c);
    else if (table == 1)
      up.remove(n / 2);
    else
      up.rankOneUpdate(kRho, f.u);
    benchmark::DoNotOptimize(up.eigenvectors().data());
  }
}

void registerAll() {
  const char* tables[] = {"updates_append", "updates_remove", "updates_rank_one"};
  struct Path {
    const char* name;
    void (*fn)(benchmark::State&, int);
  };
  const Path paths[] = {{"lapack_recompute", lapackRecompute},
                        {"gemm", gemm},
                        {"eigenvalues_row", eigenvaluesRow},
                        {"vectors", vectors}};
  for (int t = 0; t < 3; ++t)
    for (const Path& p : paths)
      for (Index n : {250, 500, 1000, 2000}) {
        const std::string name = std::string(tables[t]) + "/" + p.name;  // Arg(n) appends "/<n>"
        benchmark::RegisterBenchmark(name.c_str(), p.fn, t)->Arg(n)->Unit(benchmark::kMillisecond);
      }
}

const int registered = (registerAll(), 0);

}  // namespace

DPTZ_BENCHMARK_MAIN()
