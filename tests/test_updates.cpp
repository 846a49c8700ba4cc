// Tests of dptz/updates.hpp: borderedEigenvalues, minorEigenvalues, rankOneEigenvalues, EigenUpdater.
// References: LapackEigenSolver (when the build has LAPACK) or Eigen in long double on the updated matrix.
#include <dptz/updates.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <complex>
#include <limits>
#include <random>
#include <string>
#include <utility>

#include "test_util.hpp"

using Eigen::Index;
using Eigen::MatrixXcd;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

template <typename M>
using RealVecOf = Eigen::Matrix<typename Eigen::NumTraits<typename M::Scalar>::Real, Eigen::Dynamic, 1>;

/// Reference eigenvalues of the updated matrix: LapackEigenSolver where it applies, else Eigen in long double.
template <typename M>
RealVecOf<M> referenceEigenvalues(const M& A) {
  using S = typename M::Scalar;
  using R = typename Eigen::NumTraits<S>::Real;
  if constexpr (dptz::detail::lapackApplies<S>()) {
    return dptz::LapackEigenSolver<M>(A, Eigen::EigenvaluesOnly).eigenvalues();
  } else {
    using SL = typename std::conditional<Eigen::NumTraits<S>::IsComplex, std::complex<long double>, long double>::type;
    using ML = Eigen::Matrix<SL, Eigen::Dynamic, Eigen::Dynamic>;
    Eigen::SelfAdjointEigenSolver<ML> es(A.template cast<SL>(), Eigen::EigenvaluesOnly);
    return es.eigenvalues().template cast<R>();
  }
}

template <typename M>
typename Eigen::NumTraits<typename M::Scalar>::Real norm2(const M& A) {
  const auto ev = referenceEigenvalues(A);
  return (std::max)(std::abs(ev(0)), std::abs(ev(ev.size() - 1)));
}

template <typename Scalar>
typename Eigen::NumTraits<Scalar>::Real epsOf() {
  return std::numeric_limits<typename Eigen::NumTraits<Scalar>::Real>::epsilon();
}

/// Asserts the accuracy targets of one update: eigenvalues within 10 n eps ||A'||, residual and orthogonality
/// <= 50 n eps (1-norms, residual relative to ||A'||_1). scale (if larger than ||A'||) replaces ||A'|| in the
/// eigenvalue bound: for remove the data carry errors of order eps ||A|| (and ||M_j|| may be far below ||A||),
/// for rank-one the formed A + rho u u^* carries rounding errors of order eps |rho| ||u||^2.
template <typename Updater, typename M>
void expectAccurate(const Updater& up, const M& Aref, const char* what,
                    typename Eigen::NumTraits<typename M::Scalar>::Real scale = 0) {
  using S = typename M::Scalar;
  using R = typename Eigen::NumTraits<S>::Real;
  const R eps = epsOf<S>();
  const Index n = Aref.rows();
  ASSERT_EQ(up.rows(), n) << what;
  ASSERT_TRUE(up.eigenvalues().allFinite() && up.eigenvectors().allFinite()) << what;
  const auto ref = referenceEigenvalues(Aref);
  const R nA = (std::max)(norm2(Aref), scale);
  const R evErr = (up.eigenvalues() - ref).cwiseAbs().maxCoeff();
  EXPECT_LE(evErr, R(10) * R(n) * eps * nA) << what << ": eigenvalue error " << evErr / (eps * nA) << " eps ||A||";
  const M& Q = up.eigenvectors();
  const M Rm = Aref * Q - Q * up.eigenvalues().template cast<S>().asDiagonal();
  const R nA1 = Aref.cwiseAbs().colwise().sum().maxCoeff();
  const R res = Rm.cwiseAbs().colwise().sum().maxCoeff() / nA1;
  EXPECT_LE(res, R(50) * R(n) * eps) << what << ": residual " << res / (R(n) * eps) << " n eps";
  EXPECT_LE(up.drift(), R(50) * R(n) * eps) << what << ": orthogonality " << up.drift() / (R(n) * eps) << " n eps";
  for (Index i = 1; i < n; ++i) EXPECT_LE(up.eigenvalues()(i - 1), up.eigenvalues()(i)) << what;
}

template <typename Scalar>
void singleUpdates(Index n, std::uint64_t seed) {
  using M = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using V = Eigen::Matrix<Scalar, Eigen::Dynamic, 1>;
  using R = typename Eigen::NumTraits<Scalar>::Real;
  const M big = dptz_test::randomHermitian<Scalar>(n + 1, seed);
  const M A = big.topLeftCorner(n, n);
  {
    dptz::EigenUpdater<M> up(A);
    up.append(big.col(n).head(n), big(n, n));
    expectAccurate(up, big, "append");
  }
  for (Index j : {Index(0), n / 2, n - 1}) {
    if (n == 1) break;
    dptz::EigenUpdater<M> up(A);
    up.remove(j);
    M Mj;
    dptz::detail::extractMinor(A, j, Mj);
    expectAccurate(up, Mj, "remove", norm2(A));
  }
  const V u = dptz_test::randomHermitian<Scalar>(n, seed + 7).col(0);
  for (R rho : {R(0.75), R(-2.5), R(1e-3), R(-40)}) {
    dptz::EigenUpdater<M> up(A);
    up.rankOneUpdate(rho, u);
    M Ar = A;  // scalar loops: Eigen's pset1 of a stack complex<float> is a misaligned load under UBSan
    for (Index c = 0; c < n; ++c)
      for (Index r = 0; r < n; ++r) Ar(r, c) += Scalar(rho) * u(r) * Eigen::numext::conj(u(c));
    const R scale = (std::max)(norm2(A), std::abs(rho) * u.squaredNorm());
    expectAccurate(up, Ar, rho > 0 ? "rank-one rho > 0" : "rank-one rho < 0", scale);
  }
}

}  // namespace

// ---- eigenvalue-level functions -------------------------------------------------------------------------------

TEST(Updates, BorderedEigenvaluesMatchReference) {
  for (Index n : {1, 2, 5, 40, 120}) {
    const MatrixXd big = dptz_test::randomHermitian<double>(n + 1, 11 + std::uint64_t(n));
    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(big.topLeftCorner(n, n));
    const VectorXd z = es.eigenvectors().adjoint() * big.col(n).head(n);
    const VectorXd x = dptz::borderedEigenvalues(es.eigenvalues(), z, big(n, n));
    const VectorXd ref = referenceEigenvalues(big);
    EXPECT_LE((x - ref).cwiseAbs().maxCoeff(), 10.0 * double(n + 1) * epsOf<double>() * norm2(big)) << n;
  }
  // complex z
  const Index n = 60;
  const MatrixXcd big = dptz_test::randomHermitian<std::complex<double>>(n + 1, 5);
  const Eigen::SelfAdjointEigenSolver<MatrixXcd> es(big.topLeftCorner(n, n));
  const Eigen::VectorXcd z = es.eigenvectors().adjoint() * big.col(n).head(n);
  const VectorXd x = dptz::borderedEigenvalues(es.eigenvalues(), z, big(n, n).real());
  EXPECT_LE((x - referenceEigenvalues(big)).cwiseAbs().maxCoeff(), 10.0 * (n + 1) * epsOf<double>() * norm2(big));
  // empty lambda: the 1 x 1 matrix [c]
  EXPECT_EQ(dptz::borderedEigenvalues(VectorXd(0), VectorXd(0), 3.5)(0), 3.5);
}

TEST(Updates, AppendedRowOfAbs2WithoutEigensolve) {
  // abs2FromEigenvalues(newLambda, lambda) = last row of |V'|^2: the old spectrum is that of the minor M_{n+1}.
  const Index n = 50;
  const MatrixXd big = dptz_test::randomHermitian<double>(n + 1, 3);
  const Eigen::SelfAdjointEigenSolver<MatrixXd> es(big.topLeftCorner(n, n));
  const VectorXd z = es.eigenvectors().adjoint() * big.col(n).head(n);
  const VectorXd newLambda = dptz::borderedEigenvalues(es.eigenvalues(), z, big(n, n));
  const VectorXd row = dptz::abs2FromEigenvalues(newLambda, es.eigenvalues());
  const MatrixXd ref = dptz_test::referenceAbs2LongDouble(big);
  EXPECT_LE((row.transpose() - ref.row(n)).cwiseAbs().maxCoeff(), 1e3 * epsOf<double>());
}

TEST(Updates, MinorEigenvaluesAreTheIdentityBackwards) {
  for (Index n : {2, 3, 30, 100}) {
    const MatrixXd A = dptz_test::randomHermitian<double>(n, 21 + std::uint64_t(n));
    const Eigen::SelfAdjointEigenSolver<MatrixXd> es(A);
    for (Index j : {Index(0), n - 1}) {
      const VectorXd row = es.eigenvectors().row(j).cwiseAbs2().transpose();
      const VectorXd mu = dptz::minorEigenvalues(es.eigenvalues(), row);
      MatrixXd Mj;
      dptz::detail::extractMinor(A, j, Mj);
      EXPECT_LE((mu - referenceEigenvalues(Mj)).cwiseAbs().maxCoeff(), 10.0 * n * epsOf<double>() * norm2(A));
    }
  }
  VectorXd one(1), w1(1);
  one << 2;
  w1 << 1;
  EXPECT_EQ(dptz::minorEigenvalues(one, w1).size(), 0);
}

TEST(Updates, RankOneEigenvaluesBothSigns) {
  const Index n = 80;
  const MatrixXd A = dptz_test::randomHermitian<double>(n, 31);
  const Eigen::SelfAdjointEigenSolver<MatrixXd> es(A);
  const VectorXd u = dptz_test::randomHermitian<double>(n, 32).col(1);
  const VectorXd z = es.eigenvectors().adjoint() * u;
  for (double rho : {3.0, -3.0, 1e-8, -1e8}) {
    const VectorXd x = dptz::rankOneEigenvalues(es.eigenvalues(), z, rho);
    const MatrixXd Ar = A + rho * u * u.transpose();
    EXPECT_LE((x - referenceEigenvalues(Ar)).cwiseAbs().maxCoeff(), 10.0 * n * epsOf<double>() * norm2(Ar)) << rho;
  }
  EXPECT_EQ(dptz::rankOneEigenvalues(es.eigenvalues(), z, 0.0), es.eigenvalues());
}

// A weight of 1e-8 beside weights of order 1: the model of the root between 0.5 and 8 has a second zero within
// rounding of the pole 8, which must not be taken for the root (it returned {0.39, 8, 8}). Then random problems
// with one or two tiny weights, both signs of rho, against LAPACK on the dense matrix.
TEST(Updates, RankOneRootBesideATinyWeight) {
  VectorXd d(3), z(3);
  d << 0, 0.5, 8;
  for (double tiny : {1e-7, 1e-8, 1e-9, 1e-12, 1e-15}) {
    z << 4, 2, tiny;
    const MatrixXd A = MatrixXd(d.asDiagonal()) + 0.25 * z * z.transpose();
    const VectorXd x = dptz::rankOneEigenvalues(d, z, 0.25);
    EXPECT_LE((x - referenceEigenvalues(A)).cwiseAbs().maxCoeff(), 10.0 * 3 * epsOf<double>() * norm2(A)) << tiny;
  }
  std::mt19937_64 g(11);
  std::normal_distribution<double> nd;
  std::uniform_int_distribution<int> pick(0, 1 << 20);
  double worst = 0;
  for (int t = 0; t < 3000; ++t) {
    const Index n = 2 + t % 7;
    VectorXd dd(n), zz(n);
    for (Index i = 0; i < n; ++i) dd(i) = nd(g), zz(i) = nd(g);
    std::sort(dd.data(), dd.data() + n);
    zz(pick(g) % n) = std::pow(10.0, -double(pick(g) % 17));
    if (t % 3 == 0) zz(pick(g) % n) *= 1e-9;
    const double rho = nd(g);
    const MatrixXd A = MatrixXd(dd.asDiagonal()) + rho * zz * zz.transpose();
    const double scale = (std::max)(norm2(A), std::abs(rho) * zz.squaredNorm());
    const VectorXd x = dptz::rankOneEigenvalues(dd, zz, rho);
    worst = (std::max)(worst, (x - referenceEigenvalues(A)).cwiseAbs().maxCoeff() / (n * epsOf<double>() * scale));
  }
  EXPECT_LE(worst, 10.0);
}

namespace {

/// Reference root of the deflated rank-one problem 1/rho + sum z_k^2 / (d_k - x) = 0 in the interval of root m, by
/// plain bisection in long double on the distance to the nearer pole (the differences d_k - d_origin are formed
/// first, so they keep their accuracy however close the root is to its pole). Returns origin and tau.
std::pair<Index, long double> bisectedRankOneRoot(const VectorXd& d, const VectorXd& z, double rho, Index m) {
  using LD = long double;
  const Index K = d.size();
  auto f = [&](Index origin, LD tau) {
    LD sum = LD(1) / LD(rho);
    for (Index k = 0; k < K; ++k) sum += LD(z(k)) * LD(z(k)) / ((LD(d(k)) - LD(d(origin))) - tau);
    return sum;
  };
  Index origin = m;
  LD lo = 0, hi = 0;
  if (m + 1 < K) {
    const LD mid = (LD(d(m + 1)) - LD(d(m))) / 2;
    if (f(m, mid) > 0) {
      hi = mid;  // f increases from -inf just above d_m: the root lies in (d_m, d_m + mid)
    } else {
      origin = m + 1, lo = -mid;
    }
  } else {
    hi = 2 * LD(rho) * LD(z.squaredNorm());  // f(d_K + rho ||z||^2) >= 0
  }
  for (int it = 0; it < 20000; ++it) {
    const LD mid = lo + (hi - lo) / 2;
    if (mid <= lo || mid >= hi) break;
    (f(origin, mid) < 0 ? lo : hi) = mid;
  }
  return {origin, lo + (hi - lo) / 2};
}

}  // namespace

TEST(Updates, SecularRootsMatchLongDoubleBisection) {
  // Roots relative to the nearer pole: the solver against a long-double bisection on the same deflated problem.
  using dptz::detail::SecularKind;
  const Index n = 200;
  std::mt19937_64 g(7);
  std::normal_distribution<double> nd;
  VectorXd d(n), z(n);
  for (Index i = 0; i < n; ++i) d(i) = nd(g), z(i) = std::abs(nd(g));
  std::sort(d.data(), d.data() + n);
  d(5) = d(4) + 1e-13;  // a close pair
  z(10) = 1e-10;        // a small weight: root very close to its pole
  const auto s = dptz::detail::solveSecular(SecularKind::RankOne, d, z, 0.5);
  ASSERT_EQ(s.rootCount(), s.defl.d.size());
  double worst = 0;
  for (Index m = 0; m < s.rootCount(); ++m) {
    const auto ref = bisectedRankOneRoot(s.defl.d, s.defl.z, s.param, m);
    const Index o = s.roots.origin[std::size_t(m)];
    // (x_solver - x_ref) formed from pole differences, relative to the distance to the nearer pole
    const long double diff = (static_cast<long double>(s.defl.d(o)) - static_cast<long double>(s.defl.d(ref.first))) +
                             static_cast<long double>(s.roots.tau(m)) - ref.second;
    const long double x = static_cast<long double>(s.root(m));
    const long double dist = (std::max)(std::abs(ref.second), std::abs(x) * static_cast<long double>(epsOf<double>()));
    worst = (std::max)(worst, double(std::abs(diff) / dist));
  }
  EXPECT_LE(worst, 1e3 * epsOf<double>());
}

// ---- EigenUpdater: single updates, real and complex -----------------------------------------------------------

TEST(Updates, SingleUpdatesDouble) {
  for (Index n : {1, 2, 7, 60, 150}) singleUpdates<double>(n, 100 + std::uint64_t(n));
}
TEST(Updates, SingleUpdatesComplexDouble) {
  for (Index n : {1, 3, 60, 120}) singleUpdates<std::complex<double>>(n, 200 + std::uint64_t(n));
}
TEST(Updates, SingleUpdatesFloatAndComplexFloat) {
  singleUpdates<float>(40, 300);
  singleUpdates<std::complex<float>>(40, 301);
}
TEST(Updates, SingleUpdatesLongDoublePortablePath) {
  singleUpdates<long double>(30, 400);
  singleUpdates<std::complex<long double>>(20, 401);
}

TEST(Updates, RemoveUndoesAppend) {
  for (const std::uint64_t seed : {1u, 2u}) {
    const Index n = 40;
    const MatrixXcd big = dptz_test::randomHermitian<std::complex<double>>(n + 1, seed);
    const MatrixXcd A = big.topLeftCorner(n, n);
    dptz::EigenUpdater<MatrixXcd> up(A);
    const VectorXd lambda0 = up.eigenvalues();
    up.append(big.col(n).head(n), big(n, n));
    up.remove(n);
    EXPECT_EQ(up.matrix(), A);
    expectAccurate(up, A, "append then remove", norm2(big));
    EXPECT_LE((up.eigenvalues() - lambda0).cwiseAbs().maxCoeff(), 10.0 * n * epsOf<double>() * norm2(A));
  }
}

TEST(Updates, SuccessiveAppendsDriftBound) {
  // 10 x 10 grown by N appends. Documented bound (docs/updates.md): drift ||Q^*Q - I||_1 <= 50 n eps and
  // residual <= 50 n eps after every one of the N appends (the recomputed z keeps each update orthogonal; the
  // errors of successive updates add up, measured growth is far below this).
#if defined(__SANITIZE_ADDRESS__)
  const Index appends = 120;
#else
  const Index appends = 500;
#endif
  const Index n0 = 10, n = n0 + appends;
  const MatrixXd big = dptz_test::randomHermitian<double>(n, 77);
  dptz::EigenUpdater<MatrixXd> up(big.topLeftCorner(n0, n0));
  for (Index k = n0; k < n; ++k) up.append(big.col(k).head(k), big(k, k));
  EXPECT_EQ(up.matrix(), big);
  EXPECT_EQ(up.updates(), appends);
  const double eps = epsOf<double>();
  std::printf("[ info     ] %ld appends to n = %ld: drift %.2f n eps, residual %.2f n eps\n", long(appends), long(n),
              up.drift() / (n * eps), up.residual() / (n * eps));
  EXPECT_LE(up.drift(), 50.0 * n * eps) << "drift " << up.drift() / (n * eps) << " n eps";
  EXPECT_LE(up.residual(), 50.0 * n * eps) << "residual " << up.residual() / (n * eps) << " n eps";
  EXPECT_LE((up.eigenvalues() - referenceEigenvalues(big)).cwiseAbs().maxCoeff(), 10.0 * n * eps * norm2(big));
}

// ---- deflation ------------------------------------------------------------------------------------------------

TEST(Updates, DeflationZeroEntriesAndRepeatedEigenvalues) {
  // A diagonal with repeated entries and b with zeros: Q = I, z = b.
  VectorXd diag(8);
  diag << -1, 0.5, 0.5, 0.5, 2, 3, 3, 7;
  const MatrixXd A = diag.asDiagonal();
  VectorXd b(8);
  b << 0.3, 0, 0.2, -0.4, 0, 1.0, 0.5, 0;
  dptz::EigenUpdater<MatrixXd> up(A);
  up.append(b, 1.25);
  MatrixXd big(9, 9);
  big << A, b, b.transpose(), 1.25;
  expectAccurate(up, big, "append, deflation");
  // 0.5 (multiplicity 3, two of them deflate), 3 (multiplicity 2, one deflates), 2 and 7 (zero weight) survive.
  const VectorXd& x = up.eigenvalues();
  auto count = [&](double v) { return ((x.array() - v).abs() < 1e-14).count(); };
  EXPECT_EQ(count(0.5), 2);
  EXPECT_EQ(count(3.0), 1);
  EXPECT_EQ(count(2.0), 1);
  EXPECT_EQ(count(7.0), 1);

  // rank-one with zero entries and repeated eigenvalues, both signs
  for (double rho : {2.0, -2.0}) {
    dptz::EigenUpdater<MatrixXd> r(A);
    r.rankOneUpdate(rho, b);
    expectAccurate(r, MatrixXd(A + rho * b * b.transpose()), "rank-one, deflation", 7.0 + 2.0 * b.squaredNorm());
  }
  // remove from a matrix with a repeated eigenvalue (the identity block) and a zero row entry
  MatrixXd C = MatrixXd::Identity(6, 6);
  C(4, 5) = C(5, 4) = 0.5;
  for (Index j : {Index(0), Index(4)}) {
    dptz::EigenUpdater<MatrixXd> r(C);
    r.remove(j);
    MatrixXd Cj;
    dptz::detail::extractMinor(C, j, Cj);
    expectAccurate(r, Cj, "remove, deflation", norm2(C));
  }
  // eigenvalue-level functions on the same data
  EXPECT_LE((dptz::borderedEigenvalues(diag, b, 1.25) - referenceEigenvalues(big)).cwiseAbs().maxCoeff(), 1e-14);
  VectorXd w(8);
  w << 0.25, 0, 0.25, 0.25, 0, 0.25, 0, 0;  // row with zeros and a repeated pole
  const VectorXd mu = dptz::minorEigenvalues(diag, w);
  ASSERT_EQ(mu.size(), 7);
  EXPECT_TRUE(mu.allFinite());
  for (Index i = 0; i < 7; ++i) EXPECT_TRUE(mu(i) >= diag(i) - 1e-15 && mu(i) <= diag(i + 1) + 1e-15) << i;
}

TEST(Updates, FewDeflationsOnTheFastPath) {
  // Real updates with no rotations and few deflated columns take the fast path (the signed basis is folded into
  // the GEMM's right factor; remove renormalizes exactly). Two isolated eigenvectors e_38, e_39 that the update
  // vector misses: their z entries are exactly 0, so they deflate, and the rest is a generic problem.
  const Index n = 40;
  MatrixXd A = MatrixXd::Zero(n, n);
  A.topLeftCorner(n - 2, n - 2) = dptz_test::randomHermitian<double>(n - 2, 555);
  A(n - 2, n - 2) = 0.3;
  A(n - 1, n - 1) = -7.0;  // below the rest of the spectrum: its column moves under a reflection (rho < 0)
  VectorXd b = dptz_test::randomHermitian<double>(n, 556).col(0);
  b(n - 2) = b(n - 1) = 0;
  {
    dptz::EigenUpdater<MatrixXd> up(A);
    up.append(b, 0.5);
    MatrixXd big(n + 1, n + 1);
    big << A, b, b.transpose(), 0.5;
    expectAccurate(up, big, "append, fast path with deflation");
  }
  for (double rho : {0.8, -1.5}) {
    dptz::EigenUpdater<MatrixXd> up(A);
    up.rankOneUpdate(rho, b);
    expectAccurate(up, MatrixXd(A + rho * b * b.transpose()), "rank-one, fast path with deflation",
                   norm2(A) + std::abs(rho) * b.squaredNorm());
  }
  for (Index j : {Index(0), Index(17), n - 3}) {  // rows where the isolated eigenvectors are 0
    dptz::EigenUpdater<MatrixXd> up(A);
    up.remove(j);
    MatrixXd Mj;
    dptz::detail::extractMinor(A, j, Mj);
    expectAccurate(up, Mj, "remove, fast path with deflation", norm2(A));
  }
  // a stream mixing the three on the fast path stays accurate
  dptz::EigenUpdater<MatrixXd> up(A);
  MatrixXd ref = A;
  for (int k = 0; k < 6; ++k) {
    const VectorXd v = dptz_test::randomHermitian<double>(up.rows(), 600 + std::uint64_t(k)).col(0);
    if (k % 3 == 0) {
      up.append(v, 0.1 * k);
      MatrixXd g(ref.rows() + 1, ref.rows() + 1);
      g << ref, v, v.transpose(), 0.1 * k;
      ref = g;
    } else if (k % 3 == 1) {
      up.rankOneUpdate(-0.3, v);
      ref += -0.3 * v * v.transpose();
    } else {
      up.remove(k);
      MatrixXd m;
      dptz::detail::extractMinor(ref, k, m);
      ref = m;
    }
  }
  expectAccurate(up, ref, "mixed stream", norm2(A) + 10.0);
}

TEST(Updates, TinyAndHugeScales) {
  for (double s : {1e-150, 1e150}) {
    const Index n = 20;
    const MatrixXd big = s * dptz_test::randomHermitian<double>(n + 1, 9);
    dptz::EigenUpdater<MatrixXd> up(big.topLeftCorner(n, n));
    up.append(big.col(n).head(n), big(n, n));
    expectAccurate(up, big, "scaled append");
    const MatrixXd Ar = up.matrix() - big.col(0) * big.col(0).transpose() / s;
    up.rankOneUpdate(-1.0 / s, big.col(0));
    expectAccurate(up, Ar, "scaled rank-one", (std::max)(norm2(big), big.col(0).squaredNorm() / s));
  }
}

// ---- the ends of the range: finite whenever representable, NumericalError otherwise ---------------------------

namespace {

constexpr double kMax = std::numeric_limits<double>::max();

/// Expects NumericalError whose message contains needle.
#define DPTZ_EXPECT_NUMERICAL(statement, needle)                                                  \
  do {                                                                                            \
    try {                                                                                         \
      statement;                                                                                  \
      ADD_FAILURE() << "expected dptz::NumericalError containing \"" << (needle) << "\"";       \
    } catch (const dptz::NumericalError& e) {                                                     \
      EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << "message was: " << e.what(); \
    }                                                                                             \
  } while (0)

template <typename M>
bool sameBits(const M& x, const M& y) {
  return x.rows() == y.rows() && x.cols() == y.cols() &&
         std::memcmp(x.data(), y.data(), sizeof(typename M::Scalar) * std::size_t(x.size())) == 0;
}

/// Snapshot of an updater's state, compared bitwise.
template <typename U>
struct UpdaterState {
  typename U::Matrix A, Q;
  typename U::RealVector lambda;
  Index updates;
  explicit UpdaterState(const U& up)
      : A(up.matrix()), Q(up.eigenvectors()), lambda(up.eigenvalues()), updates(up.updates()) {}
  bool sameAs(const U& up) const {
    return sameBits(A, up.matrix()) && sameBits(Q, up.eigenvectors()) && sameBits(lambda, up.eigenvalues()) &&
           updates == up.updates();
  }
};

/// Accuracy at any scale: reference eigenvalues of the matrix scaled by 2^-e (LAPACK; exact scaling), error
/// within 10 n eps ||A||, and the updater's own residual and drift (computed on scaled data) within 50 n eps.
void expectAccurateAtScale(const dptz::EigenUpdater<MatrixXd>& up, const char* what) {
  const MatrixXd& A = up.matrix();
  const Index n = A.rows();
  const double eps = epsOf<double>();
  ASSERT_TRUE(up.eigenvalues().allFinite() && up.eigenvectors().allFinite()) << what;
  int e = 0;
  std::frexp(A.cwiseAbs().maxCoeff(), &e);
  const VectorXd ref = referenceEigenvalues(MatrixXd(A.unaryExpr([&](double x) { return std::ldexp(x, -e); })));
  const VectorXd got = up.eigenvalues().unaryExpr([&](double x) { return std::ldexp(x, -e); });
  const double normScaled = (std::max)(std::abs(ref(0)), std::abs(ref(n - 1)));
  EXPECT_LE((got - ref).cwiseAbs().maxCoeff(), 10.0 * double(n) * eps * normScaled) << what;
  EXPECT_LE(up.residual(), 50.0 * double(n) * eps) << what;
  EXPECT_LE(up.drift(), 50.0 * double(n) * eps) << what;
}

}  // namespace

TEST(Updates, AppendNearTheLargestFiniteValue) {
  // [[2, b], [b, 0]], b = DBL_MAX: eigenvalues 1 +- sqrt(1 + b^2), both within rounding of +-DBL_MAX.
  dptz::EigenUpdater<MatrixXd> up(MatrixXd::Constant(1, 1, 2.0));
  up.append(VectorXd::Constant(1, kMax), 0.0);
  ASSERT_TRUE(up.eigenvalues().allFinite());
  EXPECT_LE(std::abs(up.eigenvalues()(0) + kMax), 4 * epsOf<double>() * kMax);
  EXPECT_LE(std::abs(up.eigenvalues()(1) - kMax), 4 * epsOf<double>() * kMax);
  expectAccurateAtScale(up, "append b = DBL_MAX");
  const VectorXd x = dptz::borderedEigenvalues(VectorXd::Constant(1, 2.0), VectorXd::Constant(1, kMax), 0.0);
  EXPECT_TRUE(x.allFinite());
  EXPECT_EQ(x, up.eigenvalues());
  // b of size 2 with ||b|| near DBL_MAX, mixed by Q (A's eigenvectors are (1, +-1)/sqrt(2))
  MatrixXd A(2, 2);
  A << 1, 2, 2, 1;
  dptz::EigenUpdater<MatrixXd> mixed(A);
  mixed.append(VectorXd::Constant(2, 0.5 * kMax), 0.25 * kMax);
  expectAccurateAtScale(mixed, "append ||b|| near DBL_MAX");
  // mixed magnitudes 1e+-300
  MatrixXd B = MatrixXd::Zero(3, 3);
  B.diagonal() << 1e300, 1e-300, -3e299;
  B(0, 1) = B(1, 0) = 1e-300;
  dptz::EigenUpdater<MatrixXd> wide(B);
  VectorXd b(3);
  b << 1e-300, 2e300, 1e-200;
  wide.append(b, 1e-300);
  expectAccurateAtScale(wide, "append, entries 1e+-300");
}

TEST(Updates, AppendBeyondTheRangeThrowsAndLeavesUpdaterUnchanged) {
  // [[M, M], [M, M]]: eigenvalues 0 and 2M, beyond the range.
  dptz::EigenUpdater<MatrixXd> up(MatrixXd::Constant(1, 1, kMax));
  const UpdaterState<dptz::EigenUpdater<MatrixXd>> before(up);
  DPTZ_EXPECT_NUMERICAL(up.append(VectorXd::Constant(1, kMax), kMax),
                        "dptz::EigenUpdater::append: an eigenvalue of the updated matrix is beyond the largest finite");
  EXPECT_TRUE(before.sameAs(up));
  DPTZ_EXPECT_NUMERICAL(dptz::borderedEigenvalues(VectorXd::Constant(1, kMax), VectorXd::Constant(1, kMax), kMax),
                        "dptz::borderedEigenvalues: an eigenvalue of the updated matrix is beyond the largest finite");
  // the updater still works
  up.append(VectorXd::Constant(1, 1.0), 0.0);
  expectAccurateAtScale(up, "append after a throw");
}

TEST(Updates, ComputeBeyondTheRangeThrowsAndLeavesUpdaterUnchanged) {
  dptz::EigenUpdater<MatrixXd> up(MatrixXd::Identity(2, 2));
  const UpdaterState<dptz::EigenUpdater<MatrixXd>> before(up);
  DPTZ_EXPECT_NUMERICAL(up.compute(MatrixXd::Constant(2, 2, 0.75 * kMax)),
                        "dptz::EigenUpdater::compute: an eigenvalue of A is beyond the largest finite");
  EXPECT_TRUE(before.sameAs(up));
  // entries near the largest finite value with representable eigenvalues (+-M/sqrt(2) .. )
  MatrixXd A(2, 2);
  A << 0.5 * kMax, 0.5 * kMax, 0.5 * kMax, -0.5 * kMax;
  up.compute(A);
  expectAccurateAtScale(up, "compute near DBL_MAX");
}

TEST(Updates, RankOneNearTheLargestFiniteValue) {
  MatrixXd A(2, 2);
  A << 1, 2, 2, 1;
  // ||u|| > DBL_MAX while rho u u^T (entries ~2^1007) is in range: Q^T u overflows unless scaled.
  for (double rho : {std::ldexp(1.0, -1040), -std::ldexp(1.0, -1040)}) {
    dptz::EigenUpdater<MatrixXd> up(A);
    up.rankOneUpdate(rho, VectorXd::Constant(2, 0.9 * kMax));
    EXPECT_TRUE(up.matrix().allFinite());
    expectAccurateAtScale(up, rho > 0 ? "rank-one, ||u|| > DBL_MAX, rho > 0" : "rank-one, ||u|| > DBL_MAX, rho < 0");
  }
  // A(0,0) = -M plus rho u_0^2 = 1.5 M: the sum M/2 is in range although rho u_0^2 is not.
  MatrixXd C = MatrixXd::Zero(2, 2);
  C(0, 0) = -kMax;
  dptz::EigenUpdater<MatrixXd> up(C);
  VectorXd u = VectorXd::Zero(2);
  u(0) = std::sqrt(1.5 * std::sqrt(kMax)) * std::sqrt(std::sqrt(kMax));
  up.rankOneUpdate(1.0, u);
  ASSERT_TRUE(up.matrix().allFinite());
  EXPECT_LE(std::abs(up.matrix()(0, 0) - 0.5 * kMax), 8 * epsOf<double>() * kMax);
  expectAccurateAtScale(up, "rank-one, entry in range only after the sum");
  // rho ||z||^2 = 1.5 M beyond the range in the free function, eigenvalues {0, M/2} in range
  VectorXd lambda(2), z(2);
  lambda << -kMax, 0;
  z << std::ldexp(1.0, 600), 0;
  const VectorXd x = dptz::rankOneEigenvalues(lambda, z, 1.5 * std::ldexp(kMax, -1200));
  ASSERT_TRUE(x.allFinite());
  EXPECT_EQ(x(0), 0.0);
  EXPECT_LE(std::abs(x(1) - 0.5 * kMax), 8 * epsOf<double>() * kMax);
}

TEST(Updates, RankOneBeyondTheRangeThrowsAndLeavesUpdaterUnchanged) {
  dptz::EigenUpdater<MatrixXd> up(MatrixXd::Identity(2, 2) * (0.5 * kMax));
  const UpdaterState<dptz::EigenUpdater<MatrixXd>> before(up);
  // entry (0, 0) = M/2 + M^2
  DPTZ_EXPECT_NUMERICAL(up.rankOneUpdate(1.0, VectorXd::Constant(2, kMax)),
                        "dptz::EigenUpdater::rankOneUpdate: entry (0, 0) of A + rho u u^* is beyond the largest");
  EXPECT_TRUE(before.sameAs(up));
  // entries 0.9 M and 0.4 M are in range, the eigenvalue 1.3 M is not
  DPTZ_EXPECT_NUMERICAL(up.rankOneUpdate(0.4 * kMax, VectorXd::Ones(2)),
                        "dptz::EigenUpdater::rankOneUpdate: an eigenvalue of the updated matrix is beyond the largest");
  EXPECT_TRUE(before.sameAs(up));
  VectorXd lambda(2), z(2);
  lambda << 0.5 * kMax, 0.5 * kMax + std::ldexp(1.0, 1000);
  z << 1, 1;
  DPTZ_EXPECT_NUMERICAL(dptz::rankOneEigenvalues(lambda, z, 0.4 * kMax),
                        "dptz::rankOneEigenvalues: an eigenvalue of the updated matrix is beyond the largest");
}

TEST(Updates, RemoveAndSubnormalScales) {
  // remove near the largest finite value: the eigenvalues interlace, always in range
  MatrixXd A(3, 3);
  A << 0.3, 0.1, -0.2, 0.1, -0.25, 0.05, -0.2, 0.05, 0.1;
  A *= kMax;
  for (Index j : {Index(0), Index(2)}) {
    dptz::EigenUpdater<MatrixXd> up(A);
    up.remove(j);
    expectAccurateAtScale(up, "remove near DBL_MAX");
  }
  // subnormal entries: every step runs in scaled units, the results are subnormal again
  const double tiny = std::numeric_limits<double>::denorm_min();
  MatrixXd S(3, 3);
  S << 4e-310, 1e-310, 0, 1e-310, -3e-310, 2e-311, 0, 2e-311, 1e-309;
  dptz::EigenUpdater<MatrixXd> up(S);
  up.append(VectorXd::Constant(3, 5e-311), 2e-310);
  ASSERT_TRUE(up.eigenvalues().allFinite() && up.eigenvectors().allFinite());
  EXPECT_LE(up.drift(), 50.0 * 4 * epsOf<double>());
  EXPECT_LE(up.residual(), 1e-6);  // the data carry 50 or fewer bits here
  const auto times2 = [](int e) { return [e](double x) { return std::ldexp(x, e); }; };
  const VectorXd ref = referenceEigenvalues(MatrixXd(up.matrix().unaryExpr(times2(1030)))).unaryExpr(times2(-1030));
  EXPECT_LE((up.eigenvalues() - ref).cwiseAbs().maxCoeff(), 64 * tiny);
  up.rankOneUpdate(-1e-300, VectorXd::Constant(4, 1e-5));
  up.remove(1);
  ASSERT_TRUE(up.eigenvalues().allFinite() && up.eigenvectors().allFinite());
  EXPECT_LE(up.drift(), 50.0 * 3 * epsOf<double>());
}

// A subnormal border on a complex matrix: the phases of z = Q^* b come from subnormal numbers with few bits, and a
// phase that is not of unit modulus would scale its basis column (drift 0.0195 here before phases were taken from
// the rescaled z). Every z_k deflates: the new eigenvalue is c = 0 with vector e_5, the rest is Q unchanged.
TEST(Updates, SubnormalBorderKeepsComplexBasisUnitary) {
  using C = std::complex<double>;
  MatrixXcd A = 2.0 * MatrixXcd::Identity(4, 4);
  A(0, 1) = C(-5.5511151231257827e-17, 5.5511151231257827e-17);
  A(0, 2) = -1.1102230246251565e-16;
  A(0, 3) = C(0, 1.3877787807814457e-17);
  A(1, 2) = C(-5.5511151231257827e-17, -2.7755575615628914e-17);
  A(1, 3) = -5.5511151231257827e-17;
  A(0, 0) = 1.9999999999999998;
  A(3, 3) = 1.9999999999999996;
  A = A.selfadjointView<Eigen::Upper>();
  dptz::EigenUpdater<MatrixXcd> up(A);
  Eigen::VectorXcd b = Eigen::VectorXcd::Zero(4);
  b(1) = 1.2499860839783538e-321;
  up.append(b, 0.0);
  ASSERT_TRUE(up.eigenvalues().allFinite() && up.eigenvectors().allFinite());
  EXPECT_LE(up.drift(), 100.0 * 5 * epsOf<double>());
  EXPECT_EQ(up.eigenvalues()(0), 0.0);
  EXPECT_LE(up.residual(), 100.0 * 5 * epsOf<double>());
}

// rho u u^* far below the resolution of A (|rho| u^2 = 4e-675 beside 3): in the updater's scaled units rho
// underflows to -0, which must leave A, its eigenvalues and eigenvectors as they are (not NaN from tol / rho).
TEST(Updates, RankOneUpdateBelowTheRangeChangesNothing) {
  dptz::EigenUpdater<MatrixXd> up(MatrixXd::Constant(1, 1, 3.0));
  up.rankOneUpdate(-4.0244901639149149e-87, VectorXd::Constant(1, 3.1303722527323785e-294));
  ASSERT_TRUE(up.eigenvalues().allFinite() && up.eigenvectors().allFinite());
  EXPECT_EQ(up.eigenvalues()(0), 3.0);
  EXPECT_EQ(std::abs(up.eigenvectors()(0, 0)), 1.0);
  const MatrixXd A = dptz_test::randomHermitian<double>(6, 21);
  dptz::EigenUpdater<MatrixXd> big(A);
  big.rankOneUpdate(1e-300, VectorXd::Constant(6, 1e-200));
  EXPECT_EQ(big.eigenvalues(), dptz::EigenUpdater<MatrixXd>(A).eigenvalues());
  EXPECT_LE(big.drift(), 100.0 * 6 * epsOf<double>());
}

// Complex vectors whose components are near DBL_MAX: their moduli overflow (|DBL_MAX (1 + i)| = 1.41 DBL_MAX), so
// the updater's scaling is taken from the components. Representable results come back finite and exact to
// rounding; an append whose eigenvalues are +-1.41 DBL_MAX throws and leaves the updater unchanged.
TEST(Updates, ComplexComponentsNearTheLargestDouble) {
  using C = std::complex<double>;
  dptz::EigenUpdater<MatrixXcd> up(MatrixXcd::Identity(3, 3));
  Eigen::VectorXcd u = Eigen::VectorXcd::Zero(3);
  u(0) = C(kMax, kMax);
  u(2) = C(0, kMax);
  up.rankOneUpdate(1e-310, u);  // rho ||u||^2 = 3e-310 kMax^2 = 9.6951e306
  ASSERT_TRUE(up.eigenvalues().allFinite() && up.eigenvectors().allFinite());
  EXPECT_NEAR(up.eigenvalues()(2) / (3e-310 * kMax * kMax), 1.0, 1e-14);
  EXPECT_LE(up.drift(), 100.0 * 3 * epsOf<double>());
  Eigen::VectorXcd b = Eigen::VectorXcd::Zero(3);
  b(1) = C(-0.5 * kMax, 0.5 * kMax);
  up.append(b, 0.0);  // eigenvalues +-|b| = +-kMax / sqrt(2)
  EXPECT_NEAR(up.eigenvalues()(3) / (kMax / std::sqrt(2.0)), 1.0, 1e-14);
  const UpdaterState<dptz::EigenUpdater<MatrixXcd>> before(up);
  b.setZero(4);
  b(0) = C(-kMax, -kMax);
  DPTZ_EXPECT_NUMERICAL(up.append(b, 0.0), "dptz::EigenUpdater::append: an eigenvalue of the updated matrix is beyond");
  EXPECT_TRUE(before.sameAs(up));
}

// A complex u with subnormal entries is not zero (Eigen's isZero(0) squares the entries, and 5e-312 squared
// underflows): rho u u^* = -1.14e-322 must reach the matrix and its eigenvalues.
TEST(Updates, RankOneWithSubnormalComplexVector) {
  using C = std::complex<double>;
  dptz::EigenUpdater<MatrixXcd> up(MatrixXcd::Zero(2, 2));
  Eigen::VectorXcd u = Eigen::VectorXcd::Zero(2);
  u(0) = 5.352871670030302e-312;
  const double rho = -4.018157676177864e+300;
  up.rankOneUpdate(rho, u);
  const C expected = u(0) * (rho * std::conj(u(0)));
  EXPECT_NE(expected.real(), 0.0);
  EXPECT_EQ(up.matrix()(0, 0), expected);
  EXPECT_NEAR(up.eigenvalues()(0), expected.real(), 2 * std::numeric_limits<double>::denorm_min());
  EXPECT_EQ(up.updates(), 1);
}

// rho u u^* rounds in each entry: the updater forms the upper triangle and mirrors it, with a real diagonal, so the
// kept matrix is exactly Hermitian (a subnormal rho left a non-real diagonal, and redecompose() rejected it).
TEST(Updates, RankOneUpdateKeepsTheMatrixExactlyHermitian) {
  using C = std::complex<double>;
  dptz::EigenUpdater<MatrixXcd> tiny(MatrixXcd::Zero(1, 1));
  tiny.rankOneUpdate(1.6578156345450149e-316, Eigen::VectorXcd::Constant(1, C(-7.75, -8)));
  EXPECT_EQ(tiny.matrix()(0, 0).imag(), 0.0);
  EXPECT_GT(tiny.matrix()(0, 0).real(), 0.0);
  EXPECT_NO_THROW(tiny.redecompose());
  const MatrixXcd A = dptz_test::randomHermitian<C>(7, 21);
  dptz::EigenUpdater<MatrixXcd> up(A);
  up.rankOneUpdate(0.37, dptz_test::randomHermitian<C>(7, 22).col(3));
  EXPECT_TRUE(up.matrix() == MatrixXcd(up.matrix().adjoint()));
  dptz::EigenUpdater<MatrixXd> real(dptz_test::randomHermitian<double>(7, 23));
  real.rankOneUpdate(-1.3, dptz_test::randomHermitian<double>(7, 24).col(2));
  EXPECT_TRUE(real.matrix() == MatrixXd(real.matrix().transpose()));
}

// A subnormal rho: the kept matrix is A + rho u u^* rounded once per entry. Formed as u_r (rho conj(u_c)), the inner
// product rounds to the subnormal grid first and |u_r| multiplies that error (11 units of 4.9e-324 here).
TEST(Updates, SubnormalRhoEntriesRoundedOnce) {
  using C = std::complex<double>;
  using LC = std::complex<long double>;
  const double unit = std::numeric_limits<double>::denorm_min();
  for (const double rho : {1.7383e-312, -3.1e-320, 2.5e-300}) {
    Eigen::VectorXcd u(3);
    u << C(-11, 3), C(0.5, 1), C(-7.25e5, 1e-3);
    const MatrixXcd A = MatrixXcd::Zero(3, 3);
    dptz::EigenUpdater<MatrixXcd> up(A);
    up.rankOneUpdate(rho, u);
    for (Eigen::Index c = 0; c < 3; ++c)
      for (Eigen::Index r = 0; r < 3; ++r) {
        const LC exact = LC(u(r)) * (LC(rho) * std::conj(LC(u(c))));
        const C got = up.matrix()(r, c);
        // One rounding: half a unit of the subnormal grid, or a relative eps where the entry is normal.
        const long double tol = unit + 2 * epsOf<double>() * std::abs(exact);
        EXPECT_LE(std::fabs((long double)got.real() - exact.real()), tol) << rho << " " << r << c;
        EXPECT_LE(std::fabs((long double)got.imag() - exact.imag()), r == c ? 0.0L : tol) << rho << " " << r << c;
      }
    EXPECT_TRUE(up.matrix() == MatrixXcd(up.matrix().adjoint()));
    dptz::EigenUpdater<MatrixXd> real(MatrixXd::Identity(3, 3) * 1e-310);
    const VectorXd v = u.real();
    real.rankOneUpdate(rho, v);
    for (Eigen::Index c = 0; c < 3; ++c)
      for (Eigen::Index r = 0; r < 3; ++r) {
        const long double exact =
            (r == c ? (long double)1e-310 : 0.0L) + (long double)v(r) * (long double)rho * (long double)v(c);
        EXPECT_LE(std::fabs((long double)real.matrix()(r, c) - exact), 1.5L * unit + 2 * epsOf<double>() * std::fabs(exact))
            << rho << " " << r << c;
      }
  }
}

// rho subnormal (7.4e-316, exact, 28 bits) with ||z||^2 beyond the range: rho ||z||^2 = 4.75e301 is formed from
// mantissas and exponents; multiplying rho by zMant^2 first rounded to the subnormal grid (relative error 6.7e-9).
TEST(Updates, SubnormalRhoTimesHugeZKeepsRelativeAccuracy) {
  VectorXd lambda(4), z(4);
  lambda << 2.7080698555881686e-130, 2.7080698555881686e-130, 2.7080698555881958e-130, 2.7080698555881958e-130;
  z << 0, 0, -kMax, -kMax;
  const double rho = 7.3559587685984689e-316;
  const VectorXd x = dptz::rankOneEigenvalues(lambda, z, rho);
  const long double exact = (long double)rho * 2 * (long double)kMax * (long double)kMax;
  EXPECT_NEAR(double((long double)x(3) / exact), 1.0, 1e-15);
}

// ---- drift control --------------------------------------------------------------------------------------------

TEST(Updates, DriftControlRedecomposes) {
  const MatrixXd big = dptz_test::randomHermitian<double>(30, 4);
  dptz::EigenUpdater<MatrixXd> up(big.topLeftCorner(20, 20));
  up.setDriftControl(0.0, 2);  // threshold 0: every check redecomposes
  for (Index k = 20; k < 30; ++k) up.append(big.col(k).head(k), big(k, k));
  EXPECT_EQ(up.redecompositions(), 5);
  expectAccurate(up, big, "with drift control");
  EXPECT_FALSE(up.redecomposeIfDrift(1.0));
  up.redecompose();
  EXPECT_EQ(up.redecompositions(), 6);
  DPTZ_EXPECT_INVALID(up.setDriftControl(-1.0, 1), "threshold must be >= 0");
}

// ---- bad input: clear errors, updater unchanged ---------------------------------------------------------------

TEST(Updates, BadInputLeavesUpdaterUnchanged) {
  const MatrixXcd A = dptz_test::randomHermitian<std::complex<double>>(5, 8);
  dptz::EigenUpdater<MatrixXcd> up(A);
  const MatrixXcd Q0 = up.eigenvectors(), A0 = up.matrix();
  const VectorXd l0 = up.eigenvalues();
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  Eigen::VectorXcd b = Eigen::VectorXcd::Ones(5);
  DPTZ_EXPECT_INVALID(up.append(Eigen::VectorXcd::Ones(4), 1.0), "b must have size 5, got 4");
  DPTZ_EXPECT_INVALID(up.append(Eigen::MatrixXcd::Ones(5, 2), 1.0), "b must be a vector");
  b(2) = std::complex<double>(nan, 0);
  DPTZ_EXPECT_INVALID(up.append(b, 1.0), "b(2) is not finite");
  b(2) = 1;
  DPTZ_EXPECT_INVALID(up.append(b, inf), "c is not finite");
  DPTZ_EXPECT_INVALID(up.append(b, std::complex<double>(1, 1)), "c is a diagonal entry of a Hermitian matrix");
  DPTZ_EXPECT_INVALID(up.remove(5), "row/column index j 5 is out of range [0, 5)");
  DPTZ_EXPECT_INVALID(up.remove(-1), "out of range");
  DPTZ_EXPECT_INVALID(up.rankOneUpdate(1.0, Eigen::VectorXcd::Ones(6)), "u must have size 5, got 6");
  DPTZ_EXPECT_INVALID(up.rankOneUpdate(nan, b), "rho is not finite");
  b(4) = std::complex<double>(0, inf);
  DPTZ_EXPECT_INVALID(up.rankOneUpdate(1.0, b), "u(4) is not finite");
  EXPECT_EQ(up.eigenvectors(), Q0);
  EXPECT_EQ(up.eigenvalues(), l0);
  EXPECT_EQ(up.matrix(), A0);
  EXPECT_EQ(up.updates(), 0);

  dptz::EigenUpdater<MatrixXd> one(MatrixXd::Constant(1, 1, 2.0));
  DPTZ_EXPECT_INVALID(one.remove(0), "cannot remove the only row/column of a 1 x 1 matrix");
  EXPECT_EQ(one.rows(), 1);
  dptz::EigenUpdater<MatrixXd> empty;
  DPTZ_EXPECT_INVALID(empty.append(VectorXd(0), 1.0), "holds no matrix");
  MatrixXd asym = MatrixXd::Identity(3, 3);
  asym(0, 2) = 1;
  DPTZ_EXPECT_INVALID(dptz::EigenUpdater<MatrixXd>{asym}, "not Hermitian");
  DPTZ_EXPECT_INVALID(dptz::EigenUpdater<MatrixXd>{MatrixXd(2, 3)}, "must be square");
}

TEST(Updates, BadInputFreeFunctions) {
  VectorXd l(3), z(3), bad(2);
  l << 1, 2, 3;
  z << 1, 1, 1;
  DPTZ_EXPECT_INVALID(dptz::borderedEigenvalues(l, bad, 0.0), "z must have size 3, got 2");
  DPTZ_EXPECT_INVALID(dptz::borderedEigenvalues(l, z, std::nan("")), "c is not finite");
  VectorXd unsorted = l;
  unsorted(0) = 5;
  DPTZ_EXPECT_INVALID(dptz::borderedEigenvalues(unsorted, z, 0.0), "lambda must be ascending");
  DPTZ_EXPECT_INVALID(dptz::rankOneEigenvalues(l, z, std::numeric_limits<double>::infinity()), "rho is not finite");
  DPTZ_EXPECT_INVALID(dptz::rankOneEigenvalues(l, bad, 1.0), "z must have size 3");
  VectorXd neg = z;
  neg(1) = -0.5;
  DPTZ_EXPECT_INVALID(dptz::minorEigenvalues(l, neg), "rowAbs2(1) is negative");
  DPTZ_EXPECT_INVALID(dptz::minorEigenvalues(l, VectorXd::Zero(3)), "rowAbs2 is all zero");
  DPTZ_EXPECT_INVALID(dptz::minorEigenvalues(VectorXd(0), VectorXd(0)), "lambda is empty");
  DPTZ_EXPECT_INVALID(dptz::minorEigenvalues(l, bad), "rowAbs2 must have size 3");
}
