// dptz — the common engine behind dptz/updates.hpp (internal): scaling, deflation tolerances, the secular
// solve (portable, or LAPACK ?laed4 for real float/double rank-one), and the single matrix product that carries
// the basis to the updated eigenvectors.
#ifndef DPTZ_DETAIL_UPDATE_ENGINE_HPP
#define DPTZ_DETAIL_UPDATE_ENGINE_HPP

#include <algorithm>
#include <cmath>
#include <complex>
#include <limits>
#include <numeric>
#include <type_traits>
#include <vector>

#include <Eigen/Core>

#include "numerics.hpp"
#include "lapack.hpp"
#include "secular.hpp"

namespace dptz {
namespace detail {

/// A solved secular problem in scaled units: eigenvalues are (deflated values and roots) / scale.
template <typename Real>
struct SecularSolution {
  SecularKind kind = SecularKind::RankOne;
  Deflation<Real> defl;
  SecularRoots<Real> roots;
  Real scale = Real(1);
  Real param = Real(0);       // scaled rho (rank-one) or c (bordered)
  bool borderedAlone = false;  // bordered with every pole deflated: the new eigenvalue is c, vector e_{n+1}

  Eigen::Index rootCount() const { return roots.size(); }
  Real root(Eigen::Index m) const { return roots.x(defl.d, m); }
};

/// Deflation tolerance of DESIGN.md / ?laed2: 8 eps times the scale of the (scaled) problem.
template <typename Real>
Real deflationTolerance(Real problemScale) {
  return Real(8) * std::numeric_limits<Real>::epsilon() * problemScale;
}

template <typename Real>
Real maxAbs(const RealVec<Real>& v) {
  return v.size() ? v.cwiseAbs().maxCoeff() : Real(0);
}

/// Roots through LAPACK ?laed4 (real float/double rank-one); false when not applicable.
template <typename Real>
bool laed4Roots(const RealVec<Real>& d, const RealVec<Real>& z, Real rho, SecularRoots<Real>& r) {
#ifdef DPTZ_HAS_LAPACKE
  if constexpr (std::is_same<Real, double>::value || std::is_same<Real, float>::value) {
    using lapack::Int;
    const Eigen::Index K = d.size();
    const Real nz = z.norm();
    const RealVec<Real> zu = z / nz;
    const Real rh = rho * nz * nz;
    RealVec<Real> delta(K);
    r.tau.resize(K);
    r.origin.resize(std::size_t(K));
    for (Eigen::Index m = 0; m < K; ++m) {
      Real dlam;
      if (lapack::laed4(Int(K), Int(m + 1), d.data(), zu.data(), delta.data(), rh, &dlam) != 0) return false;
      Eigen::Index o = m;
      if (m + 1 < K && std::abs(delta[m + 1]) < std::abs(delta[m])) o = m + 1;
      r.origin[std::size_t(m)] = o;
      r.tau[m] = -delta[o];
    }
    return true;
  }
#endif
  (void)d, (void)z, (void)rho, (void)r;
  return false;
}

/// Solves the secular problem of the given kind for poles d (ascending) and weights z >= 0, in original units.
/// param: rho > 0 (RankOne), c (Bordered), unused (Minor). useLaed4: RankOne roots from LAPACK ?laed4 where it
/// applies (off by default: the portable solver is as accurate — tested against ?laed4 — and measured ~1.5x faster).
template <typename Real>
SecularSolution<Real> solveSecular(SecularKind kind, const RealVec<Real>& d, const RealVec<Real>& z, Real param,
                                   bool useLaed4 = false) {
  using std::abs;
  const Real eps = std::numeric_limits<Real>::epsilon();
  SecularSolution<Real> s;
  s.kind = kind;
  RealVec<Real> zz = z;
  Real big = maxAbs(d), tolZ, tolRot;
  if (kind == SecularKind::RankOne) {
    const Real nz = z.stableNorm();
    zz = z / nz;
    const Real rho = param * nz * nz;
    s.scale = powerOfTwoScale((std::max)(big, abs(rho)));
    s.param = rho * s.scale;
    const Real tol = deflationTolerance((std::max)(big * s.scale, abs(s.param)));
    tolZ = tol / s.param;  // dropping z_k perturbs by rho |z_k| ||z||, ||z|| = 1
    tolRot = tol;
  } else if (kind == SecularKind::Bordered) {
    s.scale = powerOfTwoScale((std::max)((std::max)(big, abs(param)), maxAbs(z)));
    s.param = param * s.scale;
    zz = z * s.scale;
    const Real tol = deflationTolerance((std::max)((std::max)(big * s.scale, abs(s.param)), zz.stableNorm()));
    tolZ = tol;  // dropping z_k perturbs by |z_k|
    tolRot = tol;
  } else {
    zz = z / z.stableNorm();
    s.scale = powerOfTwoScale(big);
    tolZ = Real(4) * eps;  // row of a unitary matrix: dropping q_k perturbs A by at most 2 |q_k| ||A||
    tolRot = deflationTolerance(big * s.scale);
  }
  const RealVec<Real> ds = d * s.scale;
  s.defl = deflate(ds, zz, tolZ, tolRot);
  const Eigen::Index K = s.defl.d.size();
  if (kind == SecularKind::Bordered && K == 0) {
    s.borderedAlone = true;
    return s;
  }
  // ?laed4 returns eigenvector entries instead of differences for n <= 2: use it for K >= 3 only.
  if (kind == SecularKind::RankOne && useLaed4 && K >= 3 && laed4Roots(s.defl.d, s.defl.z, s.param, s.roots))
    return s;
  s.roots = secularRoots(kind, s.defl.d, s.defl.z, s.param);
  return s;
}

/// All eigenvalues of a solved problem, ascending, in original units; sign = -1 undoes a reflection.
template <typename Real>
RealVec<Real> solutionEigenvalues(const SecularSolution<Real>& s, Real sign = Real(1)) {
  std::vector<Real> v(s.defl.deflatedValue.begin(), s.defl.deflatedValue.end());
  for (Eigen::Index m = 0; m < s.rootCount(); ++m) v.push_back(s.root(m));
  if (s.borderedAlone) v.push_back(s.param);
  for (Real& x : v) x = sign * x / s.scale;
  std::sort(v.begin(), v.end());
  return Eigen::Map<const RealVec<Real>>(v.data(), Eigen::Index(v.size()));
}

/// G = Q V with Q (rows x K, real or complex) and V (K x R) real: one real GEMM (a complex Q is read as a real
/// matrix with 2 rows per row), through BLAS ?gemm for float/double when LAPACK is available, else Eigen.
template <typename Scalar>
void multiplyByReal(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q,
                    const RealMat<typename Eigen::NumTraits<Scalar>::Real>& V,
                    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& G) {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  constexpr Eigen::Index w = Eigen::NumTraits<Scalar>::IsComplex ? 2 : 1;
  G.resize(Q.rows(), V.cols());
  if (G.size() == 0) return;
  if (Q.cols() == 0) {
    G.setZero();
    return;
  }
  const Eigen::Index m = w * Q.rows(), k = Q.cols(), n = V.cols();
  const Real* q = reinterpret_cast<const Real*>(Q.data());
  Real* g = reinterpret_cast<Real*>(G.data());
#ifdef DPTZ_HAS_LAPACKE
  if constexpr (std::is_same<Real, double>::value || std::is_same<Real, float>::value) {
    using lapack::Int;
    lapack::gemm(Int(m), Int(n), Int(k), q, Int(m), V.data(), Int(k), g, Int(m));
    return;
  }
#endif
  Eigen::Map<RealMat<Real>>(g, m, n).noalias() = Eigen::Map<const RealMat<Real>>(q, m, k) * V;
}

/// C = A B for real column-major blocks given by pointer and leading dimension (A m x k, B k x n, C m x n): BLAS
/// ?gemm for float/double when LAPACK is available, else Eigen (noalias, no temporary).
template <typename Real>
void gemmStrided(Eigen::Index m, Eigen::Index n, Eigen::Index k, const Real* a, Eigen::Index lda, const Real* b,
                 Eigen::Index ldb, Real* c, Eigen::Index ldc) {
  if (m == 0 || n == 0) return;
  using Stride = Eigen::OuterStride<>;
  if (k == 0) {
    Eigen::Map<RealMat<Real>, 0, Stride>(c, m, n, Stride(ldc)).setZero();
    return;
  }
#ifdef DPTZ_HAS_LAPACKE
  if constexpr (std::is_same<Real, double>::value || std::is_same<Real, float>::value) {
    using lapack::Int;
    lapack::gemm(Int(m), Int(n), Int(k), a, Int(lda), b, Int(ldb), c, Int(ldc));
    return;
  }
#endif
  Eigen::Map<RealMat<Real>, 0, Stride>(c, m, n, Stride(ldc)).noalias() =
      Eigen::Map<const RealMat<Real>, 0, Stride>(a, m, k, Stride(lda)) *
      Eigen::Map<const RealMat<Real>, 0, Stride>(b, k, n, Stride(ldb));
}

/// Fast path of updateDecomposition for real Q without deflation rotations: the solver's basis (columns of Q
/// permuted and sign-flipped) is never formed. W (n x outRows) holds, column by
/// column in output order (W lives in buf, grown only when too small), the secular eigenvector (normalized in
/// the same pass) scattered to Q's column order
/// with the signs folded in, or the signed unit vector of a deflated column; then the new eigenvectors are ONE
/// GEMM Q W written straight into newQ (for remove(j): two row slabs of Q around row j, so Q is not copied; the
/// columns are renormalized exactly in W beforehand: ||Q_{-j} w||^2 = 1 - (q_j^T w)^2).
template <typename Real>
void updateRealFast(SecularKind kind, const RealMat<Real>& Q, const SecularSolution<Real>& s,
                    const std::vector<Eigen::Index>& perm, const RealVec<Real>& zs, Real sign, Eigen::Index removedRow,
                    RealVec<Real>& newLambda, RealMat<Real>& newQ, RealVec<Real>& buf) {
  using std::abs;
  using std::sqrt;
  const Eigen::Index n = Q.rows(), K = s.defl.d.size();
  const Eigen::Index outRows = kind == SecularKind::Bordered ? n + 1 : (kind == SecularKind::Minor ? n - 1 : n);
  // Output order: deflated values and roots merged ascending (a reflection reverses the roots' order).
  struct Pair {
    Real value;
    Eigen::Index index;  // >= 0: root m; < 0: deflated entry -1 - t
  };
  std::vector<Pair> pairs;
  pairs.reserve(std::size_t(outRows));
  for (std::size_t t = 0; t < s.defl.deflated.size(); ++t)
    pairs.push_back({sign * s.defl.deflatedValue[t] / s.scale, -1 - Eigen::Index(t)});
  for (Eigen::Index m = 0; m < s.rootCount(); ++m) pairs.push_back({sign * s.root(m) / s.scale, m});
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.value < y.value; });
  eigen_assert(Eigen::Index(pairs.size()) == outRows);

  const RealVec<Real> zh = recomputeZ(kind, s.defl.d, s.roots, s.param);
  std::vector<Eigen::Index> col(static_cast<std::size_t>(K));  // Q column of kept pole k
  RealVec<Real> sg(K), zk(K), v(K);               // its sign, its |z| (Minor renormalization), scratch
  for (Eigen::Index k = 0; k < K; ++k) {
    const Eigen::Index p = perm[std::size_t(s.defl.kept[std::size_t(k)])];
    col[std::size_t(k)] = p;
    sg[k] = zs[p] < Real(0) ? Real(-1) : Real(1);
    zk[k] = abs(zs[p]);
  }
  if (buf.size() < n * outRows) buf.resize(n * outRows + n * outRows / 8 + 64);  // room for a few appends
  Eigen::Map<RealMat<Real>> W(buf.data(), n, outRows);
  newLambda.resize(outRows);
  newQ.resize(outRows, outRows);
  RealVec<Real> lastRow;
  if (kind == SecularKind::Bordered) lastRow.setZero(outRows);
  for (Eigen::Index t = 0; t < outRows; ++t) {
    const Pair& pr = pairs[std::size_t(t)];
    newLambda[t] = pr.value;
    auto w = W.col(t);
    w.setZero();
    if (pr.index < 0) {
      const Eigen::Index p = perm[std::size_t(s.defl.deflated[std::size_t(-1 - pr.index)])];
      Real scale(1);
      if (kind == SecularKind::Minor) {
        const Real r = Real(1) - zs[p] * zs[p];
        scale = r > Real(0) ? Real(1) / sqrt(r) : Real(1);
      }
      w[p] = (zs[p] < Real(0) ? Real(-1) : Real(1)) * scale;
      continue;
    }
    const Eigen::Index m = pr.index;
    v = zh.array() / s.roots.diffs(s.defl.d, m);  // v_i = zhat_i / (d_i - x_m)
    const Real last = kind == SecularKind::Bordered ? Real(-1) : Real(0);
    const Real big = (std::max)(v.cwiseAbs().maxCoeff(), abs(last));
    // Two-pass norm: scale by the largest entry first (entries near a pole can be huge).
    const Real inv = big > Real(0) ? Real(1) / big : Real(1);
    v *= inv;
    const Real ss = v.squaredNorm() + (last * inv) * (last * inv);
    const Real dot = kind == SecularKind::Minor ? zk.dot(v) : Real(0);
    Real f = Real(1) / sqrt(ss);
    if (kind == SecularKind::Minor) {  // q_j^T (Q w) = sum |z_k| v_k (signs folded)
      const Real r = Real(1) - (dot * f) * (dot * f);
      if (r > Real(0)) f /= sqrt(r);
    }
    for (Eigen::Index i = 0; i < K; ++i) w[col[std::size_t(i)]] = sg[i] * (v[i] * f);
    if (kind == SecularKind::Bordered) lastRow[t] = last * inv * f;
  }
  // The single O(n^3) step.
  if (kind == SecularKind::Minor) {
    const Eigen::Index j = removedRow;
    gemmStrided(j, outRows, n, Q.data(), n, W.data(), n, newQ.data(), outRows);
    gemmStrided(n - 1 - j, outRows, n, Q.data() + j + 1, n, W.data(), n, newQ.data() + j, outRows);
  } else {
    gemmStrided(n, outRows, n, Q.data(), n, W.data(), n, newQ.data(), outRows);
    if (kind == SecularKind::Bordered) newQ.row(n) = lastRow.transpose();
  }
}

/// The vector part of an update of A = Q diag(lambda) Q^* (Q n x n unitary), z = Q^* v:
///   RankOne  A + rho v v^*          -> n x n
///   Bordered [[A, v], [v^*, c]]     -> (n+1) x (n+1)
///   Minor    A without row/column j -> (n-1) x (n-1)   (v = e_j)
/// Writes the new ascending eigenvalues and eigenvectors; leaves Q and lambda alone.
template <typename Scalar>
void updateDecomposition(SecularKind kind, const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q,
                         const RealVec<typename Eigen::NumTraits<Scalar>::Real>& lambda,
                         const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& z, typename Eigen::NumTraits<Scalar>::Real param,
                         Eigen::Index removedRow, RealVec<typename Eigen::NumTraits<Scalar>::Real>& newLambda,
                         Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& newQ,
                         RealVec<typename Eigen::NumTraits<Scalar>::Real>& work) {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  using std::abs;
  const Eigen::Index n = Q.rows();
  // rho < 0: reflect (d -> -d reversed) so that the solver always sees rho > 0.
  const bool reflect = kind == SecularKind::RankOne && param < Real(0);
  const Real sign = reflect ? Real(-1) : Real(1);
  std::vector<Eigen::Index> perm(static_cast<std::size_t>(n));
  for (Eigen::Index k = 0; k < n; ++k) perm[std::size_t(k)] = reflect ? n - 1 - k : k;

  RealVec<Real> d(n), za(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const Eigen::Index p = perm[std::size_t(k)];
    d[k] = sign * lambda[p];
    za[k] = abs(z[p]);
  }
  const SecularSolution<Real> s = solveSecular(kind, d, za, sign * param);
  if constexpr (!Eigen::NumTraits<Scalar>::IsComplex) {
    // Fast path: no rotations, few deflations (each deflated column costs a full GEMM column here).
    if (s.defl.rotations.empty() && !s.borderedAlone && s.rootCount() > 0 &&
        Eigen::Index(s.defl.deflated.size()) * 8 <= n) {
      const RealVec<Real> zs = z.real();
      updateRealFast(kind, Q, s, perm, zs, sign, removedRow, newLambda, newQ, work);
      return;
    }
  }
  // General path: basis with the phases of z absorbed (Qt^* v = |z|), in the solver's pole order.
  Matrix Qt(n, n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const Eigen::Index p = perm[std::size_t(k)];
    const Scalar phase = za[k] > Real(0) ? Scalar(z[p] / za[k]) : Scalar(1);
    for (Eigen::Index i = 0; i < n; ++i) Qt(i, k) = Q(i, p) * phase;  // scalar loop: see EigenUpdater::rankOneUpdate
  }
  for (const auto& r : s.defl.rotations) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const Scalar a = Qt(i, r.p), b = Qt(i, r.q);
      Qt(i, r.p) = r.c * a + r.s * b;
      Qt(i, r.q) = r.c * b - r.s * a;
    }
  }
  const Eigen::Index K = s.defl.d.size();
  const Eigen::Index outRows = kind == SecularKind::Bordered ? n + 1 : (kind == SecularKind::Minor ? n - 1 : n);
  auto copyRows = [&](const auto& src, auto&& dst) {  // drop removedRow for Minor
    if (kind == SecularKind::Minor) {
      dst.head(removedRow) = src.head(removedRow);
      dst.tail(n - 1 - removedRow) = src.tail(n - 1 - removedRow);
    } else {
      dst.head(n) = src;
    }
  };

  // The single O(n^3) step: kept basis columns times the secular eigenvectors.
  Matrix G;
  RealMat<Real> V;
  if (!s.borderedAlone && s.rootCount() > 0) {
    const Eigen::Index qr = kind == SecularKind::Minor ? n - 1 : n;
    Matrix Qk(qr, K);
    for (Eigen::Index k = 0; k < K; ++k) copyRows(Qt.col(s.defl.kept[std::size_t(k)]), Qk.col(k));
    const RealVec<Real> zh = recomputeZ(kind, s.defl.d, s.roots, s.param);
    V = secularVectors(kind, s.defl.d, zh, s.roots);
    multiplyByReal(Qk, RealMat<Real>(V.topRows(K)), G);
    if (kind == SecularKind::Minor)
      for (Eigen::Index m = 0; m < G.cols(); ++m) {
        const Real nrm = G.col(m).norm();
        if (nrm > Real(0)) G.col(m) /= nrm;
      }
  }

  // Merge deflated and secular eigenpairs in ascending order.
  struct Pair {
    Real value;
    int source;  // 0: deflated column, 1: secular root, 2: bordered alone (e_{n+1})
    Eigen::Index index;
  };
  std::vector<Pair> pairs;
  for (std::size_t t = 0; t < s.defl.deflated.size(); ++t)
    pairs.push_back({sign * s.defl.deflatedValue[t] / s.scale, 0, s.defl.deflated[t]});
  for (Eigen::Index m = 0; m < s.rootCount(); ++m) pairs.push_back({sign * s.root(m) / s.scale, 1, m});
  if (s.borderedAlone) pairs.push_back({s.param / s.scale, 2, 0});
  std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.value < y.value; });
  eigen_assert(Eigen::Index(pairs.size()) == outRows);

  newLambda.resize(outRows);
  newQ.resize(outRows, outRows);
  for (Eigen::Index t = 0; t < outRows; ++t) {
    const Pair& p = pairs[std::size_t(t)];
    newLambda[t] = p.value;
    auto col = newQ.col(t);
    if (p.source == 0) {
      copyRows(Qt.col(p.index), col);
      if (kind == SecularKind::Bordered) col[n] = Scalar(0);
    } else if (p.source == 1) {
      col.head(G.rows()) = G.col(p.index);
      if (kind == SecularKind::Bordered) col[n] = Scalar(V(K, p.index));
    } else {
      col.setZero();
      col[n] = Scalar(1);
    }
  }
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_UPDATE_ENGINE_HPP
