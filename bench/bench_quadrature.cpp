// Gauss quadrature and tridiagonal |V|^2 rows, side by side with the LAPACK Golub–Welsch baseline.
//
// Tables (n = 100, 1000, 4000 unless noted):
//   gauss_legendre, gauss_hermite, gauss_laguerre (a = 0.5), gauss_jacobi (a = 0.5, b = -0.3):
//     {lapack_stevd_vectors (baseline), lapack_sterf_only, dptz_gaussQuadrature (general path on the rule's Jacobi
//      matrix), dptz_<rule> (classical path)}
//   tridiag_row/{dense_eigenvectorsAbs2_row (baseline), lapack_stevd_vectors, dptz_tridiagonal_row}  (n = 100, 1000)
#include <dptz/eigenvectors_abs2.hpp>
#include <dptz/quadrature.hpp>
#include <dptz/tridiagonal.hpp>

#include <functional>
#include <string>

#include "bench_common.hpp"

namespace {

using Eigen::Index;
using Eigen::VectorXd;

/// A Jacobi matrix (diagonal a, off-diagonal b) with the total mass mu0 of its weight function.
struct Rec {
  VectorXd a, b;
  double mu0 = 1;
};

/// The classical rules' recurrence coefficients (library internals: the public API computes rules, not recurrences).
template <typename Recurrence>
Rec fromRecurrence(const Recurrence& r) {
  return Rec{r.a, r.b, r.mu0};
}

/// Golub–Welsch with LAPACK: ?stevd with vectors on the Jacobi matrix, weights = mu0 V(0, i)^2.
void stevdRule(const Rec& r, VectorXd& nodes, VectorXd& weights, Eigen::MatrixXd& Z, VectorXd& e) {
  const Index n = r.a.size();
  nodes = r.a;
  e = r.b;
  Z.resize(n, n);
  LAPACKE_dstevd(LAPACK_COL_MAJOR, 'V', lapack_int(n), nodes.data(), e.data(), Z.data(), lapack_int(n));
  weights = r.mu0 * Z.row(0).transpose().cwiseAbs2();
}

void registerRule(const std::string& table, const std::string& name, std::function<Rec(Index)> rec,
                  std::function<dptz::QuadratureRule<double>(Index)> rule, std::initializer_list<Index> sizes) {
  for (Index n : sizes) {
    const std::string suffix = "/" + std::to_string(n);
    benchmark::RegisterBenchmark((table + "/lapack_stevd_vectors" + suffix).c_str(), [rec, n](benchmark::State& st) {
      dptz_bench::markBaseline(st);
      const Rec r = rec(n);
      VectorXd x, w, e;
      Eigen::MatrixXd Z;
      for (auto _ : st) {
        stevdRule(r, x, w, Z, e);
        benchmark::DoNotOptimize(w.data());
      }
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((table + "/lapack_sterf_only" + suffix).c_str(), [rec, n](benchmark::State& st) {
      const Rec r = rec(n);
      for (auto _ : st) {
        VectorXd d = r.a, e = r.b;
        LAPACKE_dsterf(lapack_int(n), d.data(), e.data());
        benchmark::DoNotOptimize(d.data());
      }
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((table + "/dptz_gaussQuadrature" + suffix).c_str(), [rec, n](benchmark::State& st) {
      const Rec r = rec(n);
      for (auto _ : st) {
        auto q = dptz::gaussQuadrature(r.a, r.b, r.mu0);
        benchmark::DoNotOptimize(q.weights.data());
      }
    })->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark((table + "/dptz_" + name + suffix).c_str(), [rule, n](benchmark::State& st) {
      for (auto _ : st) {
        auto q = rule(n);
        benchmark::DoNotOptimize(q.weights.data());
      }
    })->Unit(benchmark::kMillisecond);
  }
}

void registerTridiagonalRow(std::initializer_list<Index> sizes) {
  for (Index n : sizes) {
    const std::string suffix = "/" + std::to_string(n);
    auto matrix = [n]() {
      std::mt19937_64 g(7);
      std::normal_distribution<double> d;
      Rec r;
      r.a.resize(n);
      r.b.resize(n - 1);
      for (Index k = 0; k < n; ++k) r.a[k] = d(g);
      for (Index k = 0; k + 1 < n; ++k) r.b[k] = d(g);
      return r;
    };
    benchmark::RegisterBenchmark(("tridiag_row/dense_eigenvectorsAbs2_row" + suffix).c_str(),
                                 [matrix, n](benchmark::State& st) {
                                   dptz_bench::markBaseline(st);
                                   const Rec r = matrix();
                                   Eigen::MatrixXd T = Eigen::MatrixXd::Zero(n, n);
                                   T.diagonal() = r.a;
                                   T.diagonal(1) = r.b;
                                   T.diagonal(-1) = r.b;
                                   for (auto _ : st) {
                                     auto W = dptz::eigenvectorsAbs2(T, std::vector<Index>{0});
                                     benchmark::DoNotOptimize(W.data());
                                   }
                                 })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("tridiag_row/lapack_stevd_vectors" + suffix).c_str(),
                                 [matrix](benchmark::State& st) {
                                   Rec r = matrix();
                                   r.mu0 = 1;
                                   VectorXd x, w, e;
                                   Eigen::MatrixXd Z;
                                   for (auto _ : st) {
                                     stevdRule(r, x, w, Z, e);
                                     benchmark::DoNotOptimize(w.data());
                                   }
                                 })
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("tridiag_row/dptz_tridiagonal_row" + suffix).c_str(),
                                 [matrix](benchmark::State& st) {
                                   const Rec r = matrix();
                                   for (auto _ : st) {
                                     auto W = dptz::tridiagonalEigenvectorsAbs2(r.a, r.b, std::vector<Index>{0});
                                     benchmark::DoNotOptimize(W.data());
                                   }
                                 })
        ->Unit(benchmark::kMillisecond);
  }
}

const int registered = [] {
  using namespace dptz::detail;
  registerRule(
      "gauss_legendre", "gaussLegendre", [](Index n) { return fromRecurrence(legendreRecurrence<double>(n)); },
      [](Index n) { return dptz::gaussLegendre(n); }, {100, 1000, 4000});
  registerRule(
      "gauss_hermite", "gaussHermite", [](Index n) { return fromRecurrence(hermiteRecurrence<double>(n)); },
      [](Index n) { return dptz::gaussHermite(n); }, {100, 1000, 4000});
  registerRule(
      "gauss_laguerre", "gaussLaguerre", [](Index n) { return fromRecurrence(laguerreRecurrence<double>(n, 0.5)); },
      [](Index n) { return dptz::gaussLaguerre(n, 0.5); }, {100, 1000, 4000});
  registerRule(
      "gauss_jacobi", "gaussJacobi",
      [](Index n) { return fromRecurrence(jacobiRecurrence<double>(n, 0.5, -0.3)); },
      [](Index n) { return dptz::gaussJacobi(n, 0.5, -0.3); }, {100, 1000, 4000});
  registerTridiagonalRow({100, 1000});
  return 0;
}();

}  // namespace

DPTZ_BENCHMARK_MAIN()
