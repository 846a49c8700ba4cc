// CPU side of the CUDA launcher's tests: compiled by the host compiler, so the reference results are the CPU
// path's own (see small_cases.hpp).
#include "small_cases.hpp"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>

#include <dptz/small.hpp>

#include "test_util.hpp"

namespace dptz_cuda_test {
namespace {

template <typename M>
using RealOf = typename M::RealScalar;
template <typename M>
constexpr int sizeOf = M::RowsAtCompileTime;

}  // namespace

template <typename M>
M randomMatrix(std::mt19937_64& g) {
  using S = typename M::Scalar;
  std::normal_distribution<double> d;
  M A;
  for (int c = 0; c < sizeOf<M>; ++c)
    for (int r = c; r < sizeOf<M>; ++r) {
      S x;
      if constexpr (Eigen::NumTraits<S>::IsComplex)
        x = S(RealOf<M>(d(g)), r == c ? RealOf<M>(0) : RealOf<M>(d(g)));
      else
        x = S(d(g));
      A(r, c) = x;
      A(c, r) = Eigen::numext::conj(x);
    }
  return A;
}

template <typename M>
static M withSpectrum(const Eigen::Matrix<double, sizeOf<M>, 1>& l, std::uint64_t seed) {
  using SD = typename std::conditional<Eigen::NumTraits<typename M::Scalar>::IsComplex, std::complex<double>,
                                       double>::type;
  const Eigen::Matrix<SD, Eigen::Dynamic, Eigen::Dynamic> A = dptz_test::withSpectrum<SD>(l, seed);
  M B = A.template cast<typename M::Scalar>();
  for (int c = 0; c < sizeOf<M>; ++c) {  // exactly Hermitian after the cast
    B(c, c) = typename M::Scalar(Eigen::numext::real(B(c, c)));
    for (int r = c + 1; r < sizeOf<M>; ++r) B(c, r) = Eigen::numext::conj(B(r, c));
  }
  return B;
}

/// The small-matrix suite's hard cases for one matrix type: random matrices; scales 2^-1000 .. 2^1000 (float:
/// 2^-120 .. 2^120) and subnormal entries; exactly and nearly repeated eigenvalues down to gap 0 (pairs and
/// triples); scalar, nearly scalar, zero, diagonal; entries spread by 1e12; Hermitian only to within the tolerance.
template <typename M>
std::vector<M> hardCases(std::uint64_t seed) {
  using Real = RealOf<M>;
  constexpr int N = sizeOf<M>;
  constexpr bool isFloat = std::is_same<Real, float>::value;
  using Vec = Eigen::Matrix<double, N, 1>;
  std::mt19937_64 g(seed);
  std::vector<M> out;
  for (int t = 0; t < 2000; ++t) out.push_back(randomMatrix<M>(g));
  const std::vector<int> exponents = isFloat ? std::vector<int>{-120, -60, -20, 20, 60, 120}
                                             : std::vector<int>{-1000, -500, -100, -30, 30, 100, 500, 1000};
  for (int t = 0; t < 50; ++t) {
    const M A = randomMatrix<M>(g);
    for (int e : exponents) out.push_back(A * Real(std::ldexp(1.0, e)));
  }
  const std::vector<double> gaps =
      isFloat ? std::vector<double>{0, 1e-7, 1e-5, 1e-3} : std::vector<double>{0, 1e-15, 1e-12, 1e-8, 1e-4};
  for (double gap : gaps)
    for (int s = 0; s < 40; ++s) {
      Vec pair, triple;
      if constexpr (N == 3) {
        pair << -1, 2, 2 + gap;
        triple << 5, 5 + gap, 5 + 2 * gap;
        out.push_back(withSpectrum<M>(triple, 300 + s));
        Vec low;
        low << 1, 1 + gap, 2;
        out.push_back(withSpectrum<M>(low, 400 + s));
      } else {
        pair << 2, 2 + gap;
      }
      out.push_back(withSpectrum<M>(pair, 100 + s));
    }
  for (int t = 0; t < 100; ++t) {
    const M A = randomMatrix<M>(g);
    out.push_back(M(M::Identity() * Real(3) + A * Real(isFloat ? 1e-6 : 1e-14)));  // nearly scalar
    M S = A;  // entries spread by 1e12
    S(0, 0) *= Real(1e12);
    S(N - 1, N - 2) *= Real(1e-6);
    S(N - 2, N - 1) = Eigen::numext::conj(S(N - 1, N - 2));
    out.push_back(S);
    M G = A;  // graded
    G.row(N - 1) *= Real(1e12);
    G.col(N - 1) *= Real(1e12);
    out.push_back(G);
    M H = A;  // Hermitian only to 10 eps relative (the tolerance is 100 n eps): the CPU checks accept it
    H(1, 0) += typename M::Scalar(Real(10) * std::numeric_limits<Real>::epsilon() * A.cwiseAbs().maxCoeff());
    out.push_back(H);
  }
  out.push_back(M::Zero());
  out.push_back(M::Identity());
  out.push_back(M(M::Identity() * Real(-4)));
  M D = M::Zero();
  for (int i = 0; i < N; ++i) D(i, i) = Real(N - i);
  out.push_back(D);
  M U = M::Zero();  // subnormal
  U(0, 0) = Real(4) * std::numeric_limits<Real>::denorm_min();
  U(1, 1) = std::numeric_limits<Real>::denorm_min();
  out.push_back(U);
  M B = M::Zero();  // near the overflow threshold
  const Real big = std::numeric_limits<Real>::max() / Real(16);
  B(0, 0) = big;
  B(1, 0) = B(0, 1) = -big;
  B(1, 1) = -big;
  out.push_back(B);
  return out;
}

template <typename M>
std::vector<Abs2<M>> cpuResults(const std::vector<M>& As) {
  std::vector<Abs2<M>> W;
  W.reserve(As.size());
  for (const M& A : As) W.push_back(dptz::smallEigenvectorsAbs2(A));
  return W;
}

/// The checks of the CPU tests (test_small.cpp) on results W of As: finite, entries in [0, 1], rows and columns
/// summing to 1 (double 1e-14, float 64 eps), the error against a long double reference within 64 eps ||A|| / gap
/// (+ eps) for the random matrices (the first `random` ones), and |W - Wcpu| <= 8 eps.
template <typename M>
void expectLikeTheCpuPath(const std::vector<M>& As, const std::vector<Abs2<M>>& W,
                          const std::vector<Abs2<M>>& Wcpu, const char* what) {
  using Real = RealOf<M>;
  constexpr int N = sizeOf<M>;
  const double eps = std::numeric_limits<Real>::epsilon();
  const double sumTol = std::is_same<Real, float>::value ? 64 * eps : 1e-14;
  ASSERT_EQ(W.size(), As.size());
  double worstVsCpu = 0;
  std::size_t bitwise = 0, failures = 0;
  for (std::size_t k = 0; k < As.size() && failures < 10; ++k) {
    const Eigen::Matrix<double, N, N> Wk = W[k].template cast<double>();
    bool ok = Wk.allFinite() && (Wk.array() >= 0).all() && (Wk.array() <= 1).all();
    for (int i = 0; i < N; ++i)
      ok = ok && std::abs(Wk.row(i).sum() - 1) <= sumTol && std::abs(Wk.col(i).sum() - 1) <= sumTol;
    const double vsCpu = (Wk - Wcpu[k].template cast<double>()).cwiseAbs().maxCoeff() / eps;
    ok = ok && vsCpu <= 8;
    worstVsCpu = std::max(worstVsCpu, vsCpu);
    bitwise += W[k] == Wcpu[k];
    if (k < kRandom) {
      using SL = typename std::conditional<Eigen::NumTraits<typename M::Scalar>::IsComplex,
                                           std::complex<long double>, long double>::type;
      Eigen::SelfAdjointEigenSolver<Eigen::Matrix<SL, N, N>> es(As[k].template cast<SL>());
      long double gap = std::numeric_limits<long double>::max();
      for (int i = 1; i < N; ++i) gap = std::min(gap, es.eigenvalues()(i) - es.eigenvalues()(i - 1));
      const long double norm = std::max(std::abs(es.eigenvalues()(0)), std::abs(es.eigenvalues()(N - 1)));
      const double err = (Wk - es.eigenvectors().cwiseAbs2().template cast<double>()).cwiseAbs().maxCoeff();
      ok = ok && err <= 64 * eps * double(norm / gap) + eps;
    }
    if (!ok) {
      ++failures;
      ADD_FAILURE() << what << ": matrix " << k << "\n" << As[k] << "\nresult\n" << W[k] << "\nCPU path\n" << Wcpu[k];
    }
  }
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::printf("[ %s %s ] %s: %zu matrices, max |W - W_cpu| = %.3g eps, %zu bitwise equal to the CPU path\n",
              info->name(), info->type_param() != nullptr ? info->type_param() : "", what, As.size(), worstVsCpu,
              bitwise);
  ::testing::Test::RecordProperty(std::string(what) + "_max_vs_cpu_eps", std::to_string(worstVsCpu));
  ::testing::Test::RecordProperty(std::string(what) + "_bitwise_equal", std::to_string(bitwise));
}

template <typename M>
Abs2<M> cpuResult(const M& A, double clusterTolerance) {
  return dptz::smallEigenvectorsAbs2(A, clusterTolerance);
}

template <typename M>
bool cpuBatchAccepts(const M& A) {
  const std::vector<M> one{A};
  std::vector<Abs2<M>> W(1);
  try {
    dptz::eigenvectorsAbs2Batch(one.begin(), one.end(), W.begin());
  } catch (const std::invalid_argument&) {
    return false;
  }
  return true;
}

#define DPTZ_INSTANTIATE(M)                                                                                   \
  template M randomMatrix<M>(std::mt19937_64&);                                                               \
  template std::vector<M> hardCases<M>(std::uint64_t);                                                        \
  template std::vector<Abs2<M>> cpuResults<M>(const std::vector<M>&);                                         \
  template Abs2<M> cpuResult<M>(const M&, double);                                                            \
  template bool cpuBatchAccepts<M>(const M&);                                                                 \
  template void expectLikeTheCpuPath<M>(const std::vector<M>&, const std::vector<Abs2<M>>&,                   \
                                        const std::vector<Abs2<M>>&, const char*);
DPTZ_INSTANTIATE(Eigen::Matrix2f)
DPTZ_INSTANTIATE(Eigen::Matrix2d)
DPTZ_INSTANTIATE(Eigen::Matrix2cf)
DPTZ_INSTANTIATE(Eigen::Matrix2cd)
DPTZ_INSTANTIATE(Eigen::Matrix3f)
DPTZ_INSTANTIATE(Eigen::Matrix3d)
DPTZ_INSTANTIATE(Eigen::Matrix3cf)
DPTZ_INSTANTIATE(Eigen::Matrix3cd)
#undef DPTZ_INSTANTIATE

}  // namespace dptz_cuda_test
