// Gauss quadrature: nodes and weights against independent high-precision references (Newton on the classical,
// unnormalized recurrences in long double / mpreal with the closed-form weight formulas), exactness on
// polynomials of degree 2n - 1, sum of weights, the general Jacobi-matrix path, bad input.
#include <dptz/quadrature.hpp>

#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "test_util.hpp"

#ifdef DPTZ_TEST_HAS_MPREAL
#include <mpreal.h>
#endif

namespace {

using Eigen::Index;
using Eigen::VectorXd;
using LD = long double;
constexpr double kEps = 2.220446049250313e-16;

/// Reference node/weight: Newton in type T on the unnormalized classical recurrence, started from x0, weight from
/// the closed form. Returns {node, weight}.
template <typename T>
struct Ref {
  T x, w;
};

template <typename T>
T tpi() {
  using std::acos;
  return acos(T(-1));
}

/// Legendre: P_n by (k+1) P_{k+1} = (2k+1) x P_k - k P_{k-1}; w = 2 / ((1 - x)(1 + x) P_n'(x)^2).
template <typename T>
Ref<T> legendreRef(int n, T x) {
  auto eval = [n](const T& z, T& p, T& dp) {
    T p0 = 1, p1 = z;
    for (int k = 1; k < n; ++k) {
      T p2 = (T(2 * k + 1) * z * p1 - T(k) * p0) / T(k + 1);
      p0 = p1;
      p1 = p2;
    }
    p = n == 1 ? z : p1;
    const T pm = n == 1 ? T(1) : p0;
    dp = T(n) * (pm - z * p) / ((T(1) - z) * (T(1) + z));
  };
  T p, dp;
  for (int it = 0; it < 8; ++it) {
    eval(x, p, dp);
    x -= p / dp;
  }
  eval(x, p, dp);
  return {x, T(2) / ((T(1) - x) * (T(1) + x) * dp * dp)};
}

/// Hermite (physicists'): H_{k+1} = 2x H_k - 2k H_{k-1}, w = 2^(n-1) n! sqrt(pi) / (n^2 H_{n-1}(x)^2), computed
/// with H scaled by 1/sqrt(2^k k!) to stay in range: h_k = H_k / sqrt(2^k k!), w = sqrt(pi) / (n h_{n-1}(x)^2).
template <typename T>
Ref<T> hermiteRef(int n, T x) {
  auto eval = [n](const T& z, T& h, T& hm) {
    using std::sqrt;
    T h0 = 0, h1 = 1;  // h_{-1}, h_0
    for (int k = 0; k < n; ++k) {
      T h2 = (sqrt(T(2)) * z * h1 - sqrt(T(k)) * h0) / sqrt(T(k + 1));
      h0 = h1;
      h1 = h2;
    }
    h = h1;
    hm = h0;
  };
  T h, hm;
  for (int it = 0; it < 8; ++it) {
    eval(x, h, hm);
    using std::sqrt;
    const T dh = sqrt(T(2 * n)) * hm;  // h_n' = sqrt(2n) h_{n-1}
    x -= h / dh;
  }
  eval(x, h, hm);
  using std::sqrt;
  return {x, sqrt(tpi<T>()) / (T(n) * hm * hm)};
}

template <typename T>
T tgammaT(const T& x) {
  using std::tgamma;
  return tgamma(x);
}

/// Generalized Laguerre: (k+1) L_{k+1} = (2k+1+a-x) L_k - (k+a) L_{k-1}; L_n' = (n L_n - (n+a) L_{n-1}) / x;
/// w = Gamma(n+a+1) x / (n! (n+1)^2 L_{n+1}(x)^2), with L scaled by sqrt(k! / Gamma(k+a+1)).
template <typename T>
Ref<T> laguerreRef(int n, T a, T x) {
  using std::sqrt;
  // l_k = L_k sqrt(k! / Gamma(k+a+1)) (orthonormal up to sign): recurrence with those factors.
  auto eval = [a](const T& z, int upto, T& l, T& lm) {
    T l0 = 0, l1 = 1 / sqrt(tgammaT(a + 1));
    for (int k = 0; k < upto; ++k) {
      const T c1 = sqrt(T(k + 1) * (T(k + 1) + a)), c0 = sqrt(T(k) * (T(k) + a));
      T l2 = ((T(2 * k + 1) + a - z) * l1 - c0 * l0) / c1;
      l0 = l1;
      l1 = l2;
    }
    l = l1;
    lm = l0;
  };
  T l, lm;
  for (int it = 0; it < 8; ++it) {
    eval(x, n, l, lm);
    // orthonormal derivative: x l_n' = n l_n - sqrt(n (n+a)) l_{n-1}
    const T dl = (T(n) * l - sqrt(T(n) * (T(n) + a)) * lm) / x;
    x -= l / dl;
  }
  T ln1, ln;
  eval(x, n + 1, ln1, ln);
  // w = x / ((n+1)(n+1+a) l_{n+1}(x)^2) for the orthonormal l.
  return {x, x / (T(n + 1) * (T(n + 1) + a) * ln1 * ln1)};
}

std::vector<Ref<LD>> legendreRefAll(const dptz::QuadratureRule<double>& r) {
  std::vector<Ref<LD>> out;
  for (Index i = 0; i < r.nodes.size(); ++i) out.push_back(legendreRef<LD>(int(r.nodes.size()), LD(r.nodes[i])));
  return out;
}

struct Errors {
  double node = 0, weight = 0;  // node: absolute, in eps; weight: relative, in eps
};

template <typename RefVec>
Errors errorsAgainst(const dptz::QuadratureRule<double>& r, const RefVec& ref, double weightFloor = 0) {
  Errors e;
  for (Index i = 0; i < r.nodes.size(); ++i) {
    const auto& f = ref[std::size_t(i)];
    e.node = std::max(e.node, double(std::abs(LD(r.nodes[i]) - LD(f.x))) / kEps);
    if (double(f.w) > weightFloor)
      e.weight = std::max(e.weight, double(std::abs((LD(r.weights[i]) - LD(f.w)) / LD(f.w))) / kEps);
  }
  return e;
}

// Reference nodes are Newton iterates started at our nodes; check independently that they are distinct, ascending
// roots (the count is then right) so a misplaced node cannot hide.
template <typename RefVec>
void expectAscending(const RefVec& ref) {
  for (std::size_t i = 1; i < ref.size(); ++i) ASSERT_LT(ref[i - 1].x, ref[i].x) << "reference node " << i;
}

TEST(GaussLegendre, AgainstLongDoubleNewton) {
  for (Index n : {1, 2, 5, 20, 64, 200, 1000}) {
    const auto r = dptz::gaussLegendre(n);
    ASSERT_EQ(r.nodes.size(), n);
    ASSERT_EQ(r.weights.size(), n);
    const auto ref = legendreRefAll(r);
    expectAscending(ref);
    const Errors e = errorsAgainst(r, ref);
    // Measured: max weight error 2.6 eps (n=5), 7.3 (20), 79 (64), 920 (200), 2300 (1000); nodes < 0.3 eps.
    const double bound = n <= 20 ? 1e-14 / kEps : double(n) * double(n);
    EXPECT_LE(e.weight, bound) << "n = " << n;
    EXPECT_LE(e.node, 2.0) << "n = " << n;
    EXPECT_NEAR(r.weights.sum(), 2.0, 2e-14) << "n = " << n;
  }
}

#ifdef DPTZ_TEST_HAS_MPREAL
TEST(GaussLegendre, ExtremeNodesAgainstMpreal) {
  // The hardest weights are at the ends; check them (and a few inside) at 128 bits for n = 1000.
  mpfr::mpreal::set_default_prec(128);
  const Index n = 1000;
  const auto r = dptz::gaussLegendre(n);
  double worst = 0;
  for (Index i : {Index(0), Index(1), Index(2), Index(3), Index(250), Index(500), Index(996), Index(997), Index(998),
                  Index(999)}) {
    const auto f = legendreRef<mpfr::mpreal>(int(n), mpfr::mpreal(r.nodes[i]));
    EXPECT_LE(std::abs((f.x - r.nodes[i]).toDouble()), 2 * kEps);
    worst = std::max(worst, std::abs(((r.weights[i] - f.w) / f.w).toDouble()));
  }
  EXPECT_LE(worst, 1e4 * kEps);  // measured ~2300 eps; the bound is n^2 eps = 1e6 eps
}
#endif

TEST(GaussLegendre, ClosedFormSmallRules) {
  const auto r2 = dptz::gaussLegendre(2);
  EXPECT_NEAR(r2.nodes[1], 1 / std::sqrt(3.0), 2 * kEps);
  EXPECT_NEAR(r2.weights[0], 1.0, 2 * kEps);
  const auto r3 = dptz::gaussLegendre(3);
  EXPECT_EQ(r3.nodes[1], 0.0);
  EXPECT_NEAR(r3.nodes[2], std::sqrt(0.6), 2 * kEps);
  EXPECT_NEAR(r3.weights[1], 8.0 / 9.0, 2 * kEps);
  EXPECT_NEAR(r3.weights[0], 5.0 / 9.0, 2 * kEps);
  const auto r1 = dptz::gaussLegendre(1);
  EXPECT_EQ(r1.nodes[0], 0.0);
  EXPECT_EQ(r1.weights[0], 2.0);
}

TEST(GaussHermite, AgainstLongDoubleNewton) {
  for (Index n : {1, 4, 15, 64, 200}) {
    const auto r = dptz::gaussHermite(n);
    std::vector<Ref<LD>> ref;
    for (Index i = 0; i < n; ++i) ref.push_back(hermiteRef<LD>(int(n), LD(r.nodes[i])));
    expectAscending(ref);
    const Errors e = errorsAgainst(r, ref);
    EXPECT_LE(e.weight, 20.0 * double(n)) << "n = " << n;
    EXPECT_LE(e.node, 4.0 * std::sqrt(2.0 * double(n) + 1)) << "n = " << n;  // |x| up to sqrt(2n+1)
    EXPECT_NEAR(r.weights.sum() / std::sqrt(std::acos(-1.0)), 1.0, 2e-14) << "n = " << n;
  }
}

TEST(GaussHermite, LargeRuleUnderflowsGracefully) {
  const auto r = dptz::gaussHermite(1000);
  EXPECT_TRUE(r.nodes.allFinite());
  EXPECT_TRUE(r.weights.allFinite());
  EXPECT_GE(r.weights.minCoeff(), 0.0);
  EXPECT_NEAR(r.weights.sum() / std::sqrt(std::acos(-1.0)), 1.0, 1e-13);
  for (Index i = 1; i < 1000; ++i) ASSERT_LT(r.nodes[i - 1], r.nodes[i]);
}

TEST(GaussLaguerre, AgainstLongDoubleNewton) {
  for (double a : {0.0, 0.5, -0.5, 3.0}) {
    for (Index n : {1, 6, 30, 100}) {
      const auto r = dptz::gaussLaguerre(n, a);
      std::vector<Ref<LD>> ref;
      for (Index i = 0; i < n; ++i) ref.push_back(laguerreRef<LD>(int(n), LD(a), LD(r.nodes[i])));
      expectAscending(ref);
      Errors e;
      for (Index i = 0; i < n; ++i) {
        const auto& f = ref[std::size_t(i)];
        e.node = std::max(e.node, double(std::abs((LD(r.nodes[i]) - f.x) / f.x)) / kEps);  // relative
        e.weight = std::max(e.weight, double(std::abs((LD(r.weights[i]) - f.w) / f.w)) / kEps);
      }
      EXPECT_LE(e.weight, 50.0 * double(n)) << "a = " << a << ", n = " << n;
      EXPECT_LE(e.node, 20.0 * double(n)) << "a = " << a << ", n = " << n;
      EXPECT_NEAR(r.weights.sum() / std::tgamma(a + 1), 1.0, 1e-14) << "a = " << a << ", n = " << n;
    }
  }
}

/// Discrete orthonormality of P_0..P_{n-1} under the rule (degrees up to 2n-2) and <P_{n-1}, x P_{n-1}> = a_{n-1}
/// (degree 2n-1): the rule is exact on the polynomials it must integrate exactly.
template <typename Rule>
double orthonormalityError(const Rule& r, const VectorXd& a, const VectorXd& b, double mu0) {
  const Index n = r.nodes.size();
  Eigen::MatrixXd P(n, n);  // P(i, k) = P_k(x_i) sqrt(w_i / mu0)
  for (Index i = 0; i < n; ++i) {
    const double x = r.nodes[i];
    double pm = 0, p = 1;
    for (Index k = 0; k < n; ++k) {
      P(i, k) = p * std::sqrt(r.weights[i] / mu0);
      if (k + 1 < n) {
        const double pn = ((x - a[k]) * p - (k > 0 ? b[k - 1] : 0.0) * pm) / b[k];
        pm = p;
        p = pn;
      }
    }
  }
  const Eigen::MatrixXd G = P.transpose() * P;
  double err = (G - Eigen::MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff();
  const double xm = (P.col(n - 1).array().square() * r.nodes.array()).sum();
  return std::max(err, std::abs(xm - a[n - 1]));
}

TEST(GaussRules, ExactOnPolynomialsOfDegree2nMinus1) {
  const Index n = 12;
  {
    const auto r = dptz::gaussLegendre(n);
    const auto rec = dptz::detail::legendreRecurrence<double>(n);
    EXPECT_LE(orthonormalityError(r, rec.a, rec.b, rec.mu0), 1e-13);
  }
  {
    const auto r = dptz::gaussHermite(n);
    const auto rec = dptz::detail::hermiteRecurrence<double>(n);
    EXPECT_LE(orthonormalityError(r, rec.a, rec.b, rec.mu0), 1e-13);
  }
  {
    const auto r = dptz::gaussLaguerre(n, 1.5);
    const auto rec = dptz::detail::laguerreRecurrence<double>(n, 1.5);
    EXPECT_LE(orthonormalityError(r, rec.a, rec.b, rec.mu0), 1e-12);
  }
  for (auto ab : {std::pair<double, double>{0.5, -0.3}, {-0.5, -0.5}, {2.0, 0.0}, {1.0, 1.0}}) {
    const auto r = dptz::gaussJacobi(n, ab.first, ab.second);
    const auto rec = dptz::detail::jacobiRecurrence<double>(n, ab.first, ab.second);
    EXPECT_LE(orthonormalityError(r, rec.a, rec.b, rec.mu0), 1e-13) << ab.first << ", " << ab.second;
  }
}

TEST(GaussJacobi, ChebyshevClosedForms) {
  // a = b = -1/2: x_k = cos((2k-1) pi / (2n)), w = pi / n.   a = b = 1/2: x_k = cos(k pi/(n+1)),
  // w = pi/(n+1) sin^2(k pi/(n+1)).
  const double pi = std::acos(-1.0);
  for (Index n : {3, 10, 100, 500}) {
    const auto r = dptz::gaussJacobi(n, -0.5, -0.5);
    const auto s = dptz::gaussJacobi(n, 0.5, 0.5);
    double ex = 0, ew = 0;
    for (Index k = 1; k <= n; ++k) {
      const Index i = n - k;
      ex = std::max(ex, std::abs(r.nodes[i] - std::cos((2.0 * double(k) - 1) * pi / (2.0 * double(n)))));
      ew = std::max(ew, std::abs(r.weights[i] / (pi / double(n)) - 1));
      const double t = double(k) * pi / double(n + 1);
      ex = std::max(ex, std::abs(s.nodes[i] - std::cos(t)));
      ew = std::max(ew, std::abs(s.weights[i] / (pi / double(n + 1) * std::sin(t) * std::sin(t)) - 1));
    }
    EXPECT_LE(ex, 4 * kEps) << "n = " << n;
    EXPECT_LE(ew, 20.0 * double(n) * kEps) << "n = " << n;
  }
}

TEST(GaussJacobi, GeneralParametersAgainstGeneralPath) {
  // Non-symmetric parameters: the Newton path and the eigenvalue path agree, and the mass is right.
  for (auto ab : {std::pair<double, double>{0.5, -0.3}, {3.0, 0.25}, {-0.9, 5.0}}) {
    for (Index n : {7, 80}) {
      const auto r = dptz::gaussJacobi(n, ab.first, ab.second);
      const auto rec = dptz::detail::jacobiRecurrence<double>(n, ab.first, ab.second);
      const auto g = dptz::gaussQuadrature(rec.a, rec.b, rec.mu0);
      EXPECT_LE((r.nodes - g.nodes).cwiseAbs().maxCoeff(), 8 * kEps);
      EXPECT_LE(((r.weights - g.weights).array() / g.weights.array()).abs().maxCoeff(), 1e-11);
      EXPECT_NEAR(r.weights.sum() / rec.mu0, 1.0, 1e-14);
    }
  }
}

TEST(GaussRules, NewtonPathTakenForModerateParameters) {
  // The fast path (Newton from asymptotic guesses) must succeed on its own, without the eigenvalue fallback, for
  // every size and for parameters |a|, |b| <= 10; its result agrees with the eigenvalue path. (Larger parameters
  // may take the fallback: correct, only slower.)
  using namespace dptz::detail;
  auto check = [](const Recurrence<double>& rec, const VectorXd& guess, const char* what, double a, double b) {
    const Index n = rec.a.size();
    VectorXd x, w, gx, gw;
    ASSERT_TRUE(newtonRule(rec, guess, x, w)) << what << " n = " << n << " a = " << a << " b = " << b;
    ASSERT_TRUE(generalRule(rec, dptz::hasLapack(), gx, gw));
    const double scale = std::max(1.0, gx.cwiseAbs().maxCoeff());
    EXPECT_LE((x - gx).cwiseAbs().maxCoeff(), 64 * kEps * scale) << what << " n = " << n << " a = " << a;
    double ew = 0;
    for (Index i = 0; i < n; ++i)
      if (gw[i] > 1e-250) ew = std::max(ew, std::abs(w[i] / gw[i] - 1));
    EXPECT_LE(ew, 1e-9) << what << " n = " << n << " a = " << a << " b = " << b;
    EXPECT_NEAR(w.sum() / rec.mu0, 1.0, 1e-12) << what << " n = " << n << " a = " << a << " b = " << b;
  };
  for (Index n : {2, 3, 4, 7, 8, 9, 17, 50, 101, 333}) {
    check(legendreRecurrence<double>(n), initialGuesses<double>(Family::Jacobi, n, 0.0, 0.0), "Legendre", 0, 0);
    check(hermiteRecurrence<double>(n), initialGuesses<double>(Family::Hermite, n, 0.0, 0.0), "Hermite", 0, 0);
    for (double a : {-0.99, -0.5, 0.0, 0.5, 3.0, 10.0})
      check(laguerreRecurrence<double>(n, a), initialGuesses<double>(Family::Laguerre, n, a, 0.0), "Laguerre", a, 0);
    for (auto ab : {std::pair<double, double>{-0.99, 0.0}, {0.5, -0.3}, {3.0, 0.25}, {-0.5, 10.0}, {10.0, 10.0}})
      check(jacobiRecurrence<double>(n, ab.first, ab.second),
            initialGuesses<double>(Family::Jacobi, n, ab.first, ab.second), "Jacobi", ab.first, ab.second);
  }
}

TEST(GaussQuadrature, GeneralPathOnLegendreWithinNSquaredEps) {
  for (Index n : {5, 64, 200}) {
    const auto rec = dptz::detail::legendreRecurrence<double>(n);
    const auto g = dptz::gaussQuadrature(rec.a, rec.b, 2.0);
    const auto ref = legendreRefAll(g);
    const Errors e = errorsAgainst(g, ref);
    // Measured: 3 eps (5), 130 (64), 1450 (200); 1.6e4 at n = 1000, 1.9e5 at n = 4000 (n^2 eps = 1e6, 1.6e7).
    EXPECT_LE(e.weight, double(n) * double(n)) << "n = " << n;
    EXPECT_LE(e.node, 2.0) << "n = " << n;
  }
}

TEST(GaussQuadrature, RandomJacobiMatrixAgainstLongDoubleGolubWelsch) {
  std::mt19937_64 g(17);
  std::normal_distribution<double> d;
  const Index n = 40;
  VectorXd a(n), b(n - 1);
  for (Index k = 0; k < n; ++k) a[k] = d(g);
  for (Index k = 0; k + 1 < n; ++k) b[k] = 0.1 + std::abs(d(g));
  const auto r = dptz::gaussQuadrature(a, b, 3.0);
  using ML = Eigen::Matrix<LD, Eigen::Dynamic, Eigen::Dynamic>;
  using VL = Eigen::Matrix<LD, Eigen::Dynamic, 1>;
  Eigen::SelfAdjointEigenSolver<ML> es;
  es.computeFromTridiagonal(VL(a.cast<LD>()), VL(b.cast<LD>()), Eigen::ComputeEigenvectors);
  for (Index i = 0; i < n; ++i) {
    EXPECT_NEAR(r.nodes[i], double(es.eigenvalues()[i]), 8 * kEps * 4);
    const double wref = 3.0 * double(es.eigenvectors()(0, i) * es.eigenvectors()(0, i));
    EXPECT_NEAR(r.weights[i], wref, 1e-13 * 3.0) << i;
  }
  EXPECT_NEAR(r.weights.sum(), 3.0, 3e-14);
}

TEST(GaussQuadrature, ZeroDiagonalHalfSizePathAgainstLongDouble) {
  // alpha = 0 takes the half-size bidiagonal singular value path (LAPACK); odd and even n, graded off-diagonal.
  std::mt19937_64 g(23);
  std::uniform_real_distribution<double> u(-3.0, 3.0);
  using ML = Eigen::Matrix<LD, Eigen::Dynamic, Eigen::Dynamic>;
  using VL = Eigen::Matrix<LD, Eigen::Dynamic, 1>;
  for (Index n : {2, 3, 4, 5, 40, 41}) {
    VectorXd a = VectorXd::Zero(n), b(n - 1);
    for (Index k = 0; k + 1 < n; ++k) b[k] = std::pow(10.0, u(g));
    const auto r = dptz::gaussQuadrature(a, b, 1.0);
    Eigen::SelfAdjointEigenSolver<ML> es;
    es.computeFromTridiagonal(VL(a.cast<LD>()), VL(b.cast<LD>()), Eigen::ComputeEigenvectors);
    const double norm = double(es.eigenvalues().cwiseAbs().maxCoeff());
    for (Index i = 0; i < n; ++i) {
      EXPECT_NEAR(r.nodes[i], double(es.eigenvalues()[i]), 16 * kEps * norm) << "n = " << n << ", i = " << i;
      EXPECT_EQ(r.nodes[i], -r.nodes[n - 1 - i]);
    }
    // Weights against the long double eigenvectors, where the node is well separated (gap > 1e-3 norm).
    for (Index i = 0; i < n; ++i) {
      const LD lo = i > 0 ? es.eigenvalues()[i] - es.eigenvalues()[i - 1] : LD(norm);
      const LD hi = i + 1 < n ? es.eigenvalues()[i + 1] - es.eigenvalues()[i] : LD(norm);
      if (double(std::min(lo, hi)) < 1e-3 * norm) continue;
      const double wref = double(es.eigenvectors()(0, i) * es.eigenvectors()(0, i));
      EXPECT_NEAR(r.weights[i], wref, 1e-11) << "n = " << n << ", i = " << i;
    }
    EXPECT_NEAR(r.weights.sum(), 1.0, 1e-13) << "n = " << n;
    const auto rf = dptz::gaussQuadrature(Eigen::VectorXf(a.cast<float>()), Eigen::VectorXf(b.cast<float>()), 1.0f);
    EXPECT_LE((rf.nodes.cast<double>() - r.nodes).cwiseAbs().maxCoeff(), 1e-5 * norm) << "n = " << n;
  }
}

TEST(GaussQuadrature, SymmetricAndScaledInput) {
  const auto rec = dptz::detail::hermiteRecurrence<double>(31);
  const auto g = dptz::gaussQuadrature(rec.a, VectorXd(rec.b * 0x1p+600), 1.0);
  const auto h = dptz::gaussHermite(31);
  EXPECT_EQ(g.nodes[15], 0.0);
  for (Index i = 0; i < 31; ++i) {
    EXPECT_EQ(g.nodes[i], -g.nodes[30 - i]);
    EXPECT_NEAR(g.nodes[i] * 0x1p-600, h.nodes[i], 8 * kEps * 8);
    EXPECT_NEAR(g.weights[i] * std::sqrt(std::acos(-1.0)), h.weights[i], 1e-13 * h.weights.maxCoeff());
  }
  const auto one = dptz::gaussQuadrature(VectorXd::Constant(1, 0.25), VectorXd(0), 2.0);
  EXPECT_EQ(one.nodes[0], 0.25);
  EXPECT_EQ(one.weights[0], 2.0);
}

TEST(GaussRules, FloatAndLongDouble) {
  const auto rf = dptz::gaussLegendre<float>(50);
  const auto rd = dptz::gaussLegendre(50);
  EXPECT_LE((rf.nodes.cast<double>() - rd.nodes).cwiseAbs().maxCoeff(), 4e-7);
  EXPECT_LE(((rf.weights.cast<double>() - rd.weights).array() / rd.weights.array()).abs().maxCoeff(), 5e-5);
  const auto rl = dptz::gaussLegendre<long double>(50);
  for (Index i = 0; i < 50; ++i) {
    const auto f = legendreRef<LD>(50, rl.nodes[i]);
    EXPECT_LE(std::abs(double((rl.weights[i] - f.w) / f.w)), 1e-17);
    EXPECT_LE(std::abs(double(rl.nodes[i] - f.x)), 1e-18);
  }
  const auto gl = dptz::gaussLaguerre<long double>(20, 0.5L);
  EXPECT_NEAR(double(gl.weights.sum() / std::tgamma(1.5L)), 1.0, 1e-17);
}

/// The contract of gaussQuadrature on any accepted input: finite nodes, ascending; weights in [0, mu0] summing to
/// mu0 (sum taken on w / n so that it cannot overflow for mu0 near DBL_MAX).
void expectRuleContract(const dptz::QuadratureRule<double>& r, double mu0, double sumTol) {
  const Index n = r.nodes.size();
  ASSERT_EQ(r.weights.size(), n);
  EXPECT_TRUE(r.nodes.allFinite());
  EXPECT_TRUE(r.weights.allFinite());
  for (Index i = 1; i < n; ++i) EXPECT_LE(r.nodes[i - 1], r.nodes[i]) << i;
  EXPECT_GE(r.weights.minCoeff(), 0.0);
  EXPECT_LE(r.weights.maxCoeff(), mu0);
  const double scaledSum = (r.weights / double(n)).sum(), scaledMu0 = mu0 / double(n);
  EXPECT_LE(std::abs(scaledSum - scaledMu0), sumTol * scaledMu0 + 8 * std::numeric_limits<double>::denorm_min());
}

TEST(GaussQuadrature, GradedMatrixKeepsTheSmallNodesAndSumsToMu0) {
  // The leading 2x2 block [[0, 1], [1, -1e-255]] (nodes -1, 1, weights mu0/2) is coupled by beta = 4 to a diagonal
  // 1e290: its influence on the block is below 1e-290, so the rule is {-1, 1, 1e290} with weights {mu0/2, mu0/2, 0}.
  const double mu0 = 2.4920097874293144e+35;
  const VectorXd a = (VectorXd(3) << 0, -1e-255, 1.0000000000000001e+290).finished(), b = VectorXd::LinSpaced(2, 1, 4);
  const auto r = dptz::gaussQuadrature(a, b, mu0);
  expectRuleContract(r, mu0, 4 * kEps);
  EXPECT_NEAR(r.nodes[0], -1.0, 4 * kEps);
  EXPECT_NEAR(r.nodes[1], 1.0, 4 * kEps);
  EXPECT_EQ(r.nodes[2], a[2]);
  EXPECT_NEAR(r.weights[0] / mu0, 0.5, 4 * kEps);
  EXPECT_NEAR(r.weights[1] / mu0, 0.5, 4 * kEps);
  EXPECT_LE(r.weights[2] / mu0, 1e-300);
}

TEST(GaussQuadrature, NodeBeyondDoubleMaxThrows) {
  // eig([[0, b], [b, DBL_MAX]]) with b = 5.99e307: the larger eigenvalue is DBL_MAX + b^2 / DBL_MAX ~ 1.998e308.
  const VectorXd a = (VectorXd(2) << 0, std::numeric_limits<double>::max()).finished();
  const VectorXd b = VectorXd::Constant(1, 5.9923104495410527e+307);
  try {
    (void)dptz::gaussQuadrature(a, b, 1.0);
    ADD_FAILURE() << "no exception";
  } catch (const dptz::NumericalError& e) {
    EXPECT_NE(std::string(e.what()).find("dptz::gaussQuadrature: node 1 (an eigenvalue of the Jacobi matrix) exceeds "
                                         "the largest finite number"),
              std::string::npos)
        << e.what();
  }
  // The same matrix halved is representable: nodes -b'^2 / a' (about -1e307) and about 9.99e307.
  const auto r = dptz::gaussQuadrature(VectorXd(a / 2), VectorXd(b / 2), 1.0);
  expectRuleContract(r, 1.0, 4 * kEps);
  const LD am = LD(a[1]) / 2, bm = LD(b[0]) / 2, disc = std::sqrt(am * am / 4 + bm * bm);
  EXPECT_NEAR(r.nodes[0] / double(am / 2 - disc), 1.0, 8 * kEps);
  EXPECT_NEAR(r.nodes[1] / double(am / 2 + disc), 1.0, 8 * kEps);
}

TEST(GaussQuadrature, OffDiagonalAtDoubleMaxAndSubnormalMass) {
  // beta is the off-diagonal itself (not its square): eig = 0, +-sqrt(b0^2 + b1^2) = +-DBL_MAX (to rounding). The
  // eigenvector of 0 is (b1, 0, -b0) / norm: weight mu0 (1 - 4e-625); those of +-DBL_MAX have weight below 1e-600.
  const double M = std::numeric_limits<double>::max(), mu0 = 4.150151425066471e-322;
  const VectorXd a = VectorXd::Zero(3), b = (VectorXd(2) << 0.000118255615234375, M).finished();
  const auto r = dptz::gaussQuadrature(a, b, mu0);
  expectRuleContract(r, mu0, 4 * kEps);
  EXPECT_EQ(r.nodes[0], -M);
  EXPECT_EQ(r.nodes[1], 0.0);
  EXPECT_EQ(r.nodes[2], M);
  EXPECT_EQ(r.weights[0], 0.0);
  EXPECT_EQ(r.weights[1], mu0);
  EXPECT_EQ(r.weights[2], 0.0);
}

TEST(GaussQuadrature, TinyAndHugeMassScaleTheWeights) {
  // Weights are mu0 times the unit rule, for mu0 from subnormal to DBL_MAX.
  const auto rec = dptz::detail::jacobiRecurrence<double>(30, 0.5, -0.3);
  const auto unit = dptz::gaussQuadrature(rec.a, rec.b, 1.0);
  for (double mu0 : {3.27e-201, 1e-310, 1e300, std::numeric_limits<double>::max()}) {
    const auto r = dptz::gaussQuadrature(rec.a, rec.b, mu0);
    expectRuleContract(r, mu0, 4 * kEps);
    EXPECT_TRUE(r.nodes == unit.nodes);
    for (Index i = 0; i < 30; ++i) {
      if (unit.weights[i] * mu0 > 1e-300) {
        EXPECT_NEAR(r.weights[i] / mu0, unit.weights[i], 4 * kEps * unit.weights[i]) << mu0 << " " << i;
      }
    }
  }
}

TEST(GaussQuadrature, GradedMatricesSumToMu0) {
  // Off-diagonals spread over 20 orders of magnitude: the small eigenvalues carry an absolute error eps ||T|| only,
  // too much for weights from the characteristic polynomial at them; the rule still sums to mu0 and the row 0
  // weight goes to the node of its nearly decoupled diagonal entry. Against long double Golub–Welsch.
  const double mu0 = 3.27e-201;
  const VectorXd a = (VectorXd(4) << -0.31164340857288841, -0.73347320637785929, 0.42964311877431904,
                      -0.14213196404393635)
                         .finished();
  const VectorXd b = (VectorXd(3) << 2.6275278219197674e-10, 71601781260782208, 3.8852411132188234e-11).finished();
  const auto r = dptz::gaussQuadrature(a, b, mu0);
  expectRuleContract(r, mu0, 4 * kEps);
  EXPECT_GE(r.weights.maxCoeff(), (1 - 1e-15) * mu0);
  std::mt19937_64 g(5);
  std::uniform_real_distribution<double> u(-1, 1), e(-10, 10);
  for (int t = 0; t < 300; ++t) {
    const Index n = 2 + Index(g() % 7);
    VectorXd ag(n), bg(n - 1);
    for (Index k = 0; k < n; ++k) ag[k] = u(g) * std::pow(10.0, e(g));
    for (Index k = 0; k + 1 < n; ++k) bg[k] = std::abs(u(g)) * std::pow(10.0, e(g)) + 1e-300;
    expectRuleContract(dptz::gaussQuadrature(ag, bg, mu0), mu0, 16 * kEps);
    expectRuleContract(dptz::gaussQuadrature(ag, bg, 1.0), 1.0, 16 * kEps);
  }
}

TEST(GaussRules, BadInput) {
  DPTZ_EXPECT_INVALID(dptz::gaussLegendre(0), "dptz::gaussLegendre: n must be >= 1, got 0");
  DPTZ_EXPECT_INVALID(dptz::gaussHermite(-3), "dptz::gaussHermite: n must be >= 1, got -3");
  DPTZ_EXPECT_INVALID(dptz::gaussLaguerre(0, 0.5), "n must be >= 1");
  DPTZ_EXPECT_INVALID(dptz::gaussLaguerre(5, -1.0), "dptz::gaussLaguerre: a must be finite and > -1, got -1");
  DPTZ_EXPECT_INVALID(dptz::gaussLaguerre(5, std::nan("")), "a must be finite and > -1");
  DPTZ_EXPECT_INVALID(dptz::gaussJacobi(5, -1.5, 0.0), "dptz::gaussJacobi: a must be finite and > -1, got -1.5");
  DPTZ_EXPECT_INVALID(dptz::gaussJacobi(5, 0.0, -1.0), "dptz::gaussJacobi: b must be finite and > -1, got -1");
  DPTZ_EXPECT_INVALID(dptz::gaussJacobi(0, 0.0, 0.0), "n must be >= 1");
  const VectorXd a = VectorXd::Zero(4), b = VectorXd::Ones(3);
  DPTZ_EXPECT_INVALID(dptz::gaussQuadrature(VectorXd(0), VectorXd(0), 1.0), "alpha (the diagonal) is empty");
  DPTZ_EXPECT_INVALID(dptz::gaussQuadrature(a, VectorXd::Ones(2), 1.0),
                      "beta (the off-diagonal) must have size alpha.size() - 1 = 3, got 2");
  VectorXd bz = b;
  bz[1] = 0;
  DPTZ_EXPECT_INVALID(dptz::gaussQuadrature(a, bz, 1.0), "beta(1) = 0 must be positive");
  bz[1] = -0.5;
  DPTZ_EXPECT_INVALID(dptz::gaussQuadrature(a, bz, 1.0), "beta(1) = -0.5 must be positive");
  VectorXd an = a;
  an[3] = std::numeric_limits<double>::infinity();
  DPTZ_EXPECT_INVALID(dptz::gaussQuadrature(an, b, 1.0), "alpha(3) is not finite");
  DPTZ_EXPECT_INVALID(dptz::gaussQuadrature(a, b, 0.0), "mu0 must be positive and finite, got 0");
  DPTZ_EXPECT_INVALID(dptz::gaussQuadrature(a, b, std::nan("")), "mu0 must be positive and finite");
}

}  // namespace

// Parameters so large that mu0 or the recurrence overflows: a NumericalError naming the function, never Inf or NaN.
TEST(QuadratureExtreme, ClassicalRulesWithOverflowingParametersThrow) {
  EXPECT_THROW(dptz::gaussLaguerre(27, 2.0676267120604498e118), dptz::NumericalError);
  EXPECT_THROW(dptz::gaussJacobi(336, 3.312850677792646e125, 0.0), dptz::NumericalError);
  try {
    dptz::gaussJacobi(257, std::numeric_limits<double>::max(), 1e300);  // mu0 ~ 2^a
    ADD_FAILURE() << "expected dptz::NumericalError";
  } catch (const dptz::NumericalError& e) {
    EXPECT_NE(std::string(e.what()).find("dptz::gaussJacobi"), std::string::npos) << e.what();
  }
}

// a = b up to DBL_MAX: the weight (1 - x^2)^a ~ exp(-a x^2) concentrates at 0, so the rule is representable and
// tends to the Gauss-Hermite rule scaled by 1 / sqrt(a) (relative difference O(1/a)); mu0 = sqrt(pi) Gamma(a + 1) /
// Gamma(a + 3/2) = sqrt(pi / a) (1 - 3 / (8a) + 25 / (128 a^2) - ...).
TEST(QuadratureExtreme, JacobiWithHugeEqualParametersTendsToScaledHermite) {
  const Index n = 20;
  const auto hermite = dptz::gaussHermite(n);
  for (double a : {1e20, 1e100, 1e300, std::numeric_limits<double>::max()}) {
    const auto r = dptz::gaussJacobi(n, a, a);
    ASSERT_TRUE(r.nodes.allFinite() && r.weights.allFinite()) << a;
    const double sqrtA = std::sqrt(a), mu0 = std::sqrt(std::acos(-1.0) / a);
    EXPECT_NEAR(r.weights.sum() / mu0, 1.0, 1e-14) << a;
    EXPECT_LE(((r.nodes * sqrtA) - hermite.nodes).cwiseAbs().maxCoeff(), 1e-12 * hermite.nodes.cwiseAbs().maxCoeff())
        << a;
    EXPECT_LE((r.weights / mu0 - hermite.weights / hermite.weights.sum()).cwiseAbs().maxCoeff(), 1e-13) << a;
  }
}

// mu0 = 2^(a+b+1) B(a+1, b+1) to rounding of ln mu0 (relative error ~ eps (a + b)): against the long double
// lgamma difference, which carries ~1e-19 a log a.
TEST(GaussJacobi, MassOfLargeParametersAgainstLongDouble) {
  for (const auto& ab : std::vector<std::pair<double, double>>{{100, 30}, {20, 0}, {0.5, 1000}, {300, 250}}) {
    const LD a = ab.first, b = ab.second;
    const LD mu0 = std::exp((a + b + 1) * std::log(2.0L) + std::lgamma(a + 1) + std::lgamma(b + 1) - std::lgamma(a + b + 2));
    const auto r = dptz::gaussJacobi(8, ab.first, ab.second);
    const double tol = 1e-14 + 4 * 2.2e-16 * double(a + b);
    EXPECT_NEAR(double(LD(r.weights.sum()) / mu0), 1.0, tol) << ab.first << ", " << ab.second;
  }
}
