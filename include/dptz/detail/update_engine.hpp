// dptz — the common engine behind dptz/updates.hpp (internal): scaling, deflation tolerances, the secular
// solve, and the single matrix product that carries the basis to the updated eigenvectors
// (docs/math.md, section Secular equations of the updates).
#ifndef DPTZ_DETAIL_UPDATE_ENGINE_HPP
#define DPTZ_DETAIL_UPDATE_ENGINE_HPP

#include <algorithm>
#include <climits>
#include <cmath>
#include <complex>
#include <initializer_list>
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

// ---- exact power-of-two scaling at the ends of the range ------------------------------------------------------

/// e with |x| = m 2^e, m in [0.5, 1) (frexp); INT_MIN for 0 and for types without a binary exponent.
template <typename Real>
int binaryExponent(const Real& x) {
  if constexpr (std::is_floating_point<Real>::value) {
    if (!(x != Real(0))) return INT_MIN;
    int e = 0;
    std::frexp(x, &e);
    return e;
  } else {
    (void)x;
    return INT_MIN;
  }
}

/// +-inf with the sign of x (a result beyond the range, reported by the caller).
template <typename Real>
Real signedInfinity(const Real& x) {
  return x < Real(0) ? -std::numeric_limits<Real>::infinity() : std::numeric_limits<Real>::infinity();
}

/// An eigenvalue x computed in units scaled by 2^-e, back in original units: x 2^e. A value at most a few ulps
/// beyond the largest finite number (the solver's rounding of a representable eigenvalue) is returned as that
/// number; one further out comes back infinite, and the caller reports the overflow.
template <typename Real>
Real unscaleByPowerOfTwo(const Real& x, int e) {
  using std::abs;
  const Real largest = (std::numeric_limits<Real>::max)();
  const Real y = timesPowerOfTwo(x, e);
  if (abs(y) <= largest) return y;
  const Real limit = timesPowerOfTwo(largest, -e) * (Real(1) + Real(16) * std::numeric_limits<Real>::epsilon());
  if (abs(x) <= limit) return x < Real(0) ? -largest : largest;
  return signedInfinity(x);
}

/// The same for the scale itself: x / scale, scale = 2^-e a power of two (0 when 2^-e underflowed: then every
/// eigenvalue is beyond the range).
template <typename Real>
Real unscaleEigenvalue(const Real& x, const Real& scale) {
  using std::abs;
  if (!(scale > Real(0))) return signedInfinity(x);
  const Real largest = (std::numeric_limits<Real>::max)();
  const Real y = x / scale;
  if (abs(y) <= largest) return y;
  // here scale < 1, and largest * scale is exact
  if (abs(x) <= largest * scale * (Real(1) + Real(16) * std::numeric_limits<Real>::epsilon()))
    return x < Real(0) ? -largest : largest;
  return signedInfinity(x);
}

// ---- the secular problem --------------------------------------------------------------------------------------

/// A solved secular problem in scaled units: eigenvalues are (deflated values and roots) / scale.
template <typename Real>
struct SecularSolution {
  SecularKind kind = SecularKind::RankOne;
  Deflation<Real> defl;
  SecularRoots<Real> roots;
  Real scale = Real(1);
  Real param = Real(0);        // scaled rho (rank-one) or c (bordered)
  bool borderedAlone = false;  // bordered with every pole deflated: the new eigenvalue is c, vector e_{n+1}

  Eigen::Index rootCount() const { return roots.size(); }
  Real root(Eigen::Index m) const { return roots.x(defl.d, m); }
};

/// Deflation tolerance (as LAPACK's ?laed2): 8 eps times the scale of the (scaled) problem.
template <typename Real>
Real deflationTolerance(Real problemScale) {
  return Real(8) * std::numeric_limits<Real>::epsilon() * problemScale;
}

template <typename Real>
Real maxAbs(const RealVec<Real>& v) {
  return v.size() ? v.cwiseAbs().maxCoeff() : Real(0);
}

/// Scale and scaled rho ||z||^2 of a rank-one problem with poles up to maxPole in magnitude, zNorm = ||z zScale||
/// (zScale a power of two): the scale brings max(maxPole, |rho| ||z||^2) to O(1). rho ||z||^2 beyond the range
/// is handled through exponents; a scale below the smallest subnormal comes back 0 (the eigenvalues overflow).
template <typename Real>
void scaleRankOne(Real maxPole, Real rho, Real zNorm, Real zScale, Real& scale, Real& scaledRho) {
  using std::abs;
  const Real rhoNorm2 = rho * (zNorm / zScale) * (zNorm / zScale);
  if constexpr (std::is_floating_point<Real>::value) {
    if (!(abs(rhoNorm2) <= (std::numeric_limits<Real>::max)())) {
      // mantissas first: a subnormal rho times zMant^2 would round to the subnormal grid
      int zExp = 0, rExp = 0, rhoExp = 0;
      const Real zMant = std::frexp(zNorm, &zExp), rMant = std::frexp(rho, &rExp);
      const Real rhoMant = std::frexp(rMant * zMant * zMant, &rhoExp);
      // rho ||z||^2 = rhoMant 2^total
      const int total = rhoExp + rExp + 2 * (zExp - binaryExponent(zScale) + 1);
      const int e = (std::max)(binaryExponent(maxPole), total);
      scale = std::ldexp(Real(1), -e);
      scaledRho = std::ldexp(rhoMant, total - e);
      return;
    }
  }
  scale = powerOfTwoScale((std::max)(maxPole, abs(rhoNorm2)));
  scaledRho = rhoNorm2 * scale;
}

/// Solves the secular problem of the given kind for poles d (ascending) and weights z >= 0, in original units.
/// param: rho > 0 (RankOne), c (Bordered), unused (Minor).
template <typename Real>
SecularSolution<Real> solveSecular(SecularKind kind, const RealVec<Real>& d, const RealVec<Real>& z, Real param) {
  using std::abs;
  const Real eps = std::numeric_limits<Real>::epsilon();
  SecularSolution<Real> s;
  s.kind = kind;
  RealVec<Real> scaledZ;
  const Real maxPole = maxAbs(d);
  Real tolZ, tolRot;
  if (kind == SecularKind::RankOne) {
    const Real zScale = powerOfTwoScale(maxAbs(z));  // ||z|| may exceed the range while rho ||z||^2 does not
    scaledZ = z * zScale;
    const Real zNorm = scaledZ.stableNorm();
    scaledZ /= zNorm;
    scaleRankOne(maxPole, param, zNorm, zScale, s.scale, s.param);
    const Real tol = deflationTolerance((std::max)(maxPole * s.scale, abs(s.param)));
    // dropping z_k perturbs by rho |z_k| ||z||, ||z|| = 1; a rho that underflowed in scaled units (|rho| ||u||^2
    // below the smallest subnormal times ||A||) changes nothing: every z_k deflates.
    tolZ = s.param > Real(0) ? tol / s.param : std::numeric_limits<Real>::infinity();
    tolRot = tol;
  } else if (kind == SecularKind::Bordered) {
    s.scale = powerOfTwoScale((std::max)((std::max)(maxPole, abs(param)), maxAbs(z)));
    s.param = param * s.scale;
    scaledZ = z * s.scale;
    const Real tol = deflationTolerance((std::max)((std::max)(maxPole * s.scale, abs(s.param)), scaledZ.stableNorm()));
    tolZ = tol;  // dropping z_k perturbs by |z_k|
    tolRot = tol;
  } else {
    scaledZ = z / z.stableNorm();
    s.scale = powerOfTwoScale(maxPole);
    tolZ = Real(4) * eps;  // row of a unitary matrix: dropping q_k perturbs A by at most 2 |q_k| ||A||
    tolRot = deflationTolerance(maxPole * s.scale);
  }
  const RealVec<Real> scaledD = d * s.scale;
  s.defl = deflate(scaledD, scaledZ, tolZ, tolRot);
  if (kind == SecularKind::Bordered && s.defl.d.size() == 0) {
    s.borderedAlone = true;
    return s;
  }
  s.roots = secularRoots(kind, s.defl.d, s.defl.z, s.param);
  return s;
}

/// Where an eigenpair of the updated problem comes from.
enum class EigenpairSource {
  Deflated,      ///< a basis column as it stands; index: position in Deflation::deflated
  Root,          ///< a root of the secular equation; index: the root's number
  BorderedAlone  ///< bordered problem with every pole deflated: e_{n+1} with eigenvalue c
};

template <typename Real>
struct MergedEigenpair {
  Real value;  // eigenvalue in original units
  EigenpairSource source;
  Eigen::Index index;
};

/// Every eigenpair of a solved problem in ascending order of its eigenvalue (original units; sign = -1 undoes a
/// reflection, which reverses the roots' order). Ties keep deflated values first.
template <typename Real>
std::vector<MergedEigenpair<Real>> mergeEigenpairs(const SecularSolution<Real>& s, Real sign) {
  std::vector<MergedEigenpair<Real>> pairs;
  pairs.reserve(s.defl.deflated.size() + std::size_t(s.rootCount()) + 1);
  for (std::size_t t = 0; t < s.defl.deflated.size(); ++t)
    pairs.push_back({unscaleEigenvalue(sign * s.defl.deflatedValue[t], s.scale), EigenpairSource::Deflated,
                     Eigen::Index(t)});
  for (Eigen::Index m = 0; m < s.rootCount(); ++m)
    pairs.push_back({unscaleEigenvalue(sign * s.root(m), s.scale), EigenpairSource::Root, m});
  if (s.borderedAlone)
    pairs.push_back({unscaleEigenvalue(sign * s.param, s.scale), EigenpairSource::BorderedAlone, 0});
  std::stable_sort(pairs.begin(), pairs.end(),
                   [](const MergedEigenpair<Real>& x, const MergedEigenpair<Real>& y) { return x.value < y.value; });
  return pairs;
}

/// All eigenvalues of a solved problem, ascending, in original units (an eigenvalue beyond the range is
/// infinite); sign = -1 undoes a reflection.
template <typename Real>
RealVec<Real> solutionEigenvalues(const SecularSolution<Real>& s, Real sign = Real(1)) {
  const std::vector<MergedEigenpair<Real>> pairs = mergeEigenpairs(s, sign);
  RealVec<Real> values(Eigen::Index(pairs.size()));
  for (Eigen::Index t = 0; t < values.size(); ++t) values[t] = pairs[std::size_t(t)].value;
  return values;
}

// ---- the matrix products --------------------------------------------------------------------------------------

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

inline Eigen::Index updatedSize(SecularKind kind, Eigen::Index n) {
  return kind == SecularKind::Bordered ? n + 1 : (kind == SecularKind::Minor ? n - 1 : n);
}

// ---- fast path: real Q, no deflation rotations ----------------------------------------------------------------

/// The kept poles of a solved problem seen from Q's columns: column, sign of z there, and |z| there.
template <typename Real>
struct KeptColumns {
  std::vector<Eigen::Index> column;  // Q column of kept pole k
  RealVec<Real> sign, absZ;          // its sign, its |z| (for the renormalization of remove)

  KeptColumns(const SecularSolution<Real>& s, const std::vector<Eigen::Index>& perm, const RealVec<Real>& zReal) {
    const Eigen::Index K = s.defl.d.size();
    column.resize(std::size_t(K));
    sign.resize(K);
    absZ.resize(K);
    for (Eigen::Index k = 0; k < K; ++k) {
      const Eigen::Index p = perm[std::size_t(s.defl.kept[std::size_t(k)])];
      column[std::size_t(k)] = p;
      sign[k] = zReal[p] < Real(0) ? Real(-1) : Real(1);
      absZ[k] = std::abs(zReal[p]);
    }
  }
};

/// Column of the fast path's right factor for root m: the secular eigenvector zhat / (d - x_m), normalized in the
/// same pass, scattered to Q's column order with the signs folded in (w is zero on entry). Returns the entry of
/// the new last row (bordered), 0 otherwise.
template <typename Real, typename Column>
Real fastRootColumn(SecularKind kind, const SecularSolution<Real>& s, const RealVec<Real>& zHat, Eigen::Index m,
                    const KeptColumns<Real>& kept, RealVec<Real>& scratch, Column&& w) {
  using std::abs;
  using std::sqrt;
  scratch = zHat.array() / s.roots.diffs(s.defl.d, m);  // v_i = zhat_i / (d_i - x_m)
  const Real last = kind == SecularKind::Bordered ? Real(-1) : Real(0);
  const Real largest = (std::max)(scratch.cwiseAbs().maxCoeff(), abs(last));
  // Two-pass norm: scale by the largest entry first (entries near a pole can be huge).
  const Real inv = largest > Real(0) ? Real(1) / largest : Real(1);
  scratch *= inv;
  const Real sumSquares = scratch.squaredNorm() + (last * inv) * (last * inv);
  const Real dot = kind == SecularKind::Minor ? kept.absZ.dot(scratch) : Real(0);
  Real normalizer = Real(1) / sqrt(sumSquares);
  if (kind == SecularKind::Minor) {  // q_j^T (Q w) = sum |z_k| v_k (signs folded): renormalize exactly
    const Real r = Real(1) - (dot * normalizer) * (dot * normalizer);
    if (r > Real(0)) normalizer /= sqrt(r);
  }
  for (Eigen::Index i = 0; i < scratch.size(); ++i)
    w[kept.column[std::size_t(i)]] = kept.sign[i] * (scratch[i] * normalizer);
  return last * inv * normalizer;
}

/// Fast path of updateDecomposition for real Q without deflation rotations: the solver's basis (columns of Q
/// permuted and sign-flipped) is never formed. W (n x outRows, in buf, grown only when too small) holds, column by
/// column in output order, the secular eigenvector of fastRootColumn or the signed unit vector of a deflated
/// column; then the new eigenvectors are ONE GEMM Q W written straight into newQ (for remove(j): two row slabs of
/// Q around row j, so Q is not copied; the columns are renormalized exactly in W:
/// ||Q_{-j} w||^2 = 1 - (q_j^T w)^2).
template <typename Real>
void updateRealFast(SecularKind kind, const RealMat<Real>& Q, const SecularSolution<Real>& s,
                    const std::vector<Eigen::Index>& perm, const RealVec<Real>& zReal, Real sign,
                    Eigen::Index removedRow, RealVec<Real>& newLambda, RealMat<Real>& newQ, RealVec<Real>& buf) {
  using std::sqrt;
  const Eigen::Index n = Q.rows(), outRows = updatedSize(kind, n);
  const std::vector<MergedEigenpair<Real>> pairs = mergeEigenpairs(s, sign);
  eigen_assert(Eigen::Index(pairs.size()) == outRows);
  const RealVec<Real> zHat = recomputeZ(kind, s.defl.d, s.roots, s.param);
  const KeptColumns<Real> kept(s, perm, zReal);
  RealVec<Real> scratch(s.defl.d.size());
  if (buf.size() < n * outRows) buf.resize(n * outRows + n * outRows / 8 + 64);  // room for a few appends
  Eigen::Map<RealMat<Real>> W(buf.data(), n, outRows);
  newLambda.resize(outRows);
  newQ.resize(outRows, outRows);
  RealVec<Real> lastRow;
  if (kind == SecularKind::Bordered) lastRow.setZero(outRows);
  for (Eigen::Index t = 0; t < outRows; ++t) {
    const MergedEigenpair<Real>& pair = pairs[std::size_t(t)];
    newLambda[t] = pair.value;
    auto w = W.col(t);
    w.setZero();
    if (pair.source == EigenpairSource::Root) {
      const Real lastEntry = fastRootColumn(kind, s, zHat, pair.index, kept, scratch, w);
      if (kind == SecularKind::Bordered) lastRow[t] = lastEntry;
      continue;
    }
    const Eigen::Index p = perm[std::size_t(s.defl.deflated[std::size_t(pair.index)])];
    Real scale(1);
    if (kind == SecularKind::Minor) {
      const Real r = Real(1) - zReal[p] * zReal[p];
      scale = r > Real(0) ? Real(1) / sqrt(r) : Real(1);
    }
    w[p] = (zReal[p] < Real(0) ? Real(-1) : Real(1)) * scale;
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

// ---- general path: complex Q, rotations, many deflations ------------------------------------------------------

/// dst = src without entry removedRow (Minor), or src in the first n entries (the others).
template <typename Src, typename Dst>
void copyKeptRows(SecularKind kind, Eigen::Index removedRow, const Src& src, Dst&& dst) {
  const Eigen::Index n = src.size();
  if (kind == SecularKind::Minor) {
    dst.head(removedRow) = src.head(removedRow);
    dst.tail(n - 1 - removedRow) = src.tail(n - 1 - removedRow);
  } else {
    dst.head(n) = src;
  }
}

/// z / |z| (1 for z = 0), of unit modulus to rounding also for subnormal z, whose quotient by its own rounded
/// modulus is not (a column scaled by it would lose its norm).
template <typename Scalar>
Scalar unitPhase(const Scalar& z) {
  using std::abs;
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  if constexpr (Eigen::NumTraits<Scalar>::IsComplex) {
    const Real m = (std::max)(abs(z.real()), abs(z.imag()));
    if (!(m > Real(0))) return Scalar(1);
    const Scalar w(z.real() / m, z.imag() / m);
    return w / abs(w);
  } else {
    return z < Scalar(0) ? Scalar(-1) : Scalar(1);
  }
}

/// The basis in the solver's pole order with the phases of z absorbed (basis^* v = |z|), deflation rotations
/// applied.
template <typename Scalar, typename Real>
Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> solverBasis(
    const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q, const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& z,
    const std::vector<Eigen::Index>& perm, const Deflation<Real>& defl) {
  const Eigen::Index n = Q.rows();
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> basis(n, n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const Eigen::Index p = perm[std::size_t(k)];
    const Scalar phase = unitPhase(z[p]);
    // scalar loop: see EigenUpdater::rankOneUpdate
    for (Eigen::Index i = 0; i < n; ++i) basis(i, k) = Q(i, p) * phase;
  }
  for (const auto& r : defl.rotations) {
    for (Eigen::Index i = 0; i < n; ++i) {
      const Scalar a = basis(i, r.p), b = basis(i, r.q);
      basis(i, r.p) = r.c * a + r.s * b;
      basis(i, r.q) = r.c * b - r.s * a;
    }
  }
  return basis;
}

/// The single O(n^3) step of the general path: the kept basis columns (without removedRow for Minor) times the
/// secular eigenvectors, in rotated (columns per root); secularVecs keeps the eigenvectors (bordered: last row).
template <typename Scalar, typename Real>
void secularProduct(SecularKind kind, const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& basis,
                    const SecularSolution<Real>& s, Eigen::Index removedRow,
                    Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& rotated, RealMat<Real>& secularVecs) {
  const Eigen::Index n = basis.rows(), K = s.defl.d.size();
  Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic> keptBasis(kind == SecularKind::Minor ? n - 1 : n, K);
  for (Eigen::Index k = 0; k < K; ++k)
    copyKeptRows(kind, removedRow, basis.col(s.defl.kept[std::size_t(k)]), keptBasis.col(k));
  const RealVec<Real> zHat = recomputeZ(kind, s.defl.d, s.roots, s.param);
  secularVecs = secularVectors(kind, s.defl.d, zHat, s.roots);
  multiplyByReal(keptBasis, RealMat<Real>(secularVecs.topRows(K)), rotated);
  if (kind == SecularKind::Minor)
    for (Eigen::Index m = 0; m < rotated.cols(); ++m) {
      const Real nrm = rotated.col(m).norm();
      if (nrm > Real(0)) rotated.col(m) /= nrm;
    }
}

/// General path of updateDecomposition (any scalar, rotations, many deflations).
template <typename Scalar, typename Real>
void updateGeneral(SecularKind kind, const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q,
                   const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& z, const std::vector<Eigen::Index>& perm,
                   const SecularSolution<Real>& s, Real sign,
                   Eigen::Index removedRow, RealVec<Real>& newLambda,
                   Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& newQ) {
  using Matrix = Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>;
  const Eigen::Index n = Q.rows(), K = s.defl.d.size(), outRows = updatedSize(kind, n);
  const Matrix basis = solverBasis(Q, z, perm, s.defl);
  Matrix rotated;
  RealMat<Real> secularVecs;
  if (!s.borderedAlone && s.rootCount() > 0) secularProduct(kind, basis, s, removedRow, rotated, secularVecs);
  const std::vector<MergedEigenpair<Real>> pairs = mergeEigenpairs(s, sign);
  eigen_assert(Eigen::Index(pairs.size()) == outRows);
  newLambda.resize(outRows);
  newQ.resize(outRows, outRows);
  for (Eigen::Index t = 0; t < outRows; ++t) {
    const MergedEigenpair<Real>& pair = pairs[std::size_t(t)];
    newLambda[t] = pair.value;
    auto column = newQ.col(t);
    if (pair.source == EigenpairSource::Deflated) {
      copyKeptRows(kind, removedRow, basis.col(s.defl.deflated[std::size_t(pair.index)]), column);
      if (kind == SecularKind::Bordered) column[n] = Scalar(0);
    } else if (pair.source == EigenpairSource::Root) {
      column.head(rotated.rows()) = rotated.col(pair.index);
      if (kind == SecularKind::Bordered) column[n] = Scalar(secularVecs(K, pair.index));
    } else {
      column.setZero();
      column[n] = Scalar(1);
    }
  }
}

/// The vector part of an update of A = Q diag(lambda) Q^* (Q n x n unitary), z = Q^* v:
///   RankOne  A + rho v v^*          -> n x n
///   Bordered [[A, v], [v^*, c]]     -> (n+1) x (n+1)
///   Minor    A without row/column j -> (n-1) x (n-1)   (v = e_j)
/// Writes the new ascending eigenvalues (infinite where one is beyond the range) and eigenvectors; leaves Q and
/// lambda alone. work: the fast path's scratch, grown on demand.
template <typename Scalar>
void updateDecomposition(SecularKind kind, const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& Q,
                         const RealVec<typename Eigen::NumTraits<Scalar>::Real>& lambda,
                         const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& z, typename Eigen::NumTraits<Scalar>::Real param,
                         Eigen::Index removedRow, RealVec<typename Eigen::NumTraits<Scalar>::Real>& newLambda,
                         Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& newQ,
                         RealVec<typename Eigen::NumTraits<Scalar>::Real>& work) {
  using Real = typename Eigen::NumTraits<Scalar>::Real;
  using std::abs;
  const Eigen::Index n = Q.rows();
  // rho < 0: reflect (d -> -d reversed) so that the solver always sees rho > 0.
  const bool reflect = kind == SecularKind::RankOne && param < Real(0);
  const Real sign = reflect ? Real(-1) : Real(1);
  std::vector<Eigen::Index> perm(static_cast<std::size_t>(n));
  for (Eigen::Index k = 0; k < n; ++k) perm[std::size_t(k)] = reflect ? n - 1 - k : k;
  RealVec<Real> d(n), zAbs(n);
  for (Eigen::Index k = 0; k < n; ++k) {
    const Eigen::Index p = perm[std::size_t(k)];
    d[k] = sign * lambda[p];
    zAbs[k] = abs(z[p]);
  }
  const SecularSolution<Real> s = solveSecular(kind, d, zAbs, sign * param);
  if constexpr (!Eigen::NumTraits<Scalar>::IsComplex) {
    // Fast path: no rotations, few deflations (each deflated column costs a full GEMM column here).
    if (s.defl.rotations.empty() && !s.borderedAlone && s.rootCount() > 0 &&
        Eigen::Index(s.defl.deflated.size()) * 8 <= n) {
      const RealVec<Real> zReal = z.real();
      updateRealFast(kind, Q, s, perm, zReal, sign, removedRow, newLambda, newQ, work);
      return;
    }
  }
  updateGeneral(kind, Q, z, perm, s, sign, removedRow, newLambda, newQ);
}

// ---- the updater's matrices at the ends of the range ----------------------------------------------------------

/// Exponent e of the largest of the given magnitudes (|x| = m 2^e, m in [0.5, 1)); 0 when all are 0.
template <typename Real>
int largestExponent(std::initializer_list<Real> magnitudes) {
  int e = INT_MIN;
  for (const Real& x : magnitudes) e = (std::max)(e, binaryExponent(x));
  return e == INT_MIN ? 0 : e;
}

/// Eigenvalues computed in units scaled by 2^-e back in original units (unscaleByPowerOfTwo); false when one is
/// beyond the range.
template <typename Real>
bool unscaleEigenvalues(RealVec<Real>& values, int e) {
  if (e == 0) return values.allFinite();
  for (Eigen::Index i = 0; i < values.size(); ++i) values[i] = unscaleByPowerOfTwo(values[i], e);
  return values.allFinite();
}

/// Largest exponent of the real and imaginary parts of x (0 for x = 0 and for types without a binary exponent).
template <typename Scalar>
int scalarExponent(const Scalar& x) {
  using std::abs;
  return largestExponent({abs(Eigen::numext::real(x)), abs(Eigen::numext::imag(x))});
}

/// Whether rho conj(u_c) may lose bits to the subnormal range (rho and u_c nonzero, the product under
/// DBL_MIN / eps); false for types without a fixed exponent range.
template <typename Scalar, typename Real>
bool productBelowNormalRange(const Real& rho, const Scalar& uc) {
  if constexpr (std::is_floating_point<Real>::value) {
    using std::abs;
    const Real m = (std::max)(abs(Eigen::numext::real(uc)), abs(Eigen::numext::imag(uc)));
    return rho != Real(0) && m > Real(0) &&
           abs(rho) * m < (std::numeric_limits<Real>::min)() / std::numeric_limits<Real>::epsilon();
  } else {
    (void)rho, (void)uc;
    return false;
  }
}

/// rho u_r conj(u_c) rounded to the subnormal grid once: each factor is brought to magnitude about 1 by a power of two
/// (exact), the product formed there and scaled back in one step. Formed directly, rho conj(u_c) would round to the
/// subnormal grid first and u_r multiply that error.
template <typename Scalar, typename Real>
Scalar productRoundedOnce(const Real& rho, const Scalar& ur, const Scalar& uc) {
  const int er = scalarExponent(rho), e1 = scalarExponent(ur), e2 = scalarExponent(uc);
  const Scalar t = timesPowerOfTwo(rho, -er) * scalarTimesPowerOfTwo(ur, -e1) *
                   Eigen::numext::conj(scalarTimesPowerOfTwo(uc, -e2));
  return scalarTimesPowerOfTwo(t, er + e1 + e2);
}

/// A + rho u u^* into out, entry by entry (scalar loops, not an Eigen outer product: Eigen's SSE pset1 of a stack
/// std::complex<float> is a misaligned 8-byte load that UBSan reports). The upper triangle is formed and mirrored,
/// with a real diagonal, so the result is exactly Hermitian (u_r (rho conj(u_c)) rounds differently from
/// conj(u_c (rho conj(u_r)))). Where an entry overflows, the matrix is formed again in units scaled by 2^-e
/// (e: exponent of max(||A||, |rho| max|u|^2)); returns false, with the entry in badRow / badCol, when the updated
/// matrix itself is beyond the range.
template <typename Scalar, typename Real>
bool rankOneUpdatedMatrix(const Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& A, const Real& rho,
                          const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& u, int e,
                          Eigen::Matrix<Scalar, Eigen::Dynamic, Eigen::Dynamic>& out, Eigen::Index& badRow,
                          Eigen::Index& badCol) {
  using std::isfinite;
  const Eigen::Index n = A.rows();
  out.resize(n, n);
  auto upper = [&](const Eigen::Matrix<Scalar, Eigen::Dynamic, 1>& v, Real r0, auto&& entry) {
    for (Eigen::Index c = 0; c < n; ++c) {
      const Scalar s = r0 * Eigen::numext::conj(v[c]);
      if (productBelowNormalRange(r0, v[c])) {
        for (Eigen::Index r = 0; r < c; ++r) out(r, c) = entry(r, c, productRoundedOnce(r0, v[r], v[c]));
        out(c, c) = Scalar(Eigen::numext::real(entry(c, c, productRoundedOnce(r0, v[c], v[c]))));
        continue;
      }
      for (Eigen::Index r = 0; r < c; ++r) out(r, c) = entry(r, c, v[r] * s);
      out(c, c) = Scalar(Eigen::numext::real(entry(c, c, v[c] * s)));
    }
  };
  upper(u, rho, [&](Eigen::Index r, Eigen::Index c, const Scalar& t) { return Scalar(A(r, c) + t); });
  bool finite = true;
  for (Eigen::Index c = 0; c < n && finite; ++c) finite = out.col(c).head(c + 1).allFinite();
  if (!finite) {
    const int uExp = largestExponent({u.cwiseAbs().maxCoeff()});
    const Eigen::Matrix<Scalar, Eigen::Dynamic, 1> uScaled = vectorTimesPowerOfTwo(u, -uExp);
    upper(uScaled, timesPowerOfTwo(rho, 2 * uExp - e), [&](Eigen::Index r, Eigen::Index c, const Scalar& t) {
      return scalarTimesPowerOfTwo(Scalar(scalarTimesPowerOfTwo(A(r, c), -e) + t), e);
    });
    for (Eigen::Index c = 0; c < n; ++c)
      for (Eigen::Index r = 0; r <= c; ++r)
        if (!isfinite(Eigen::numext::real(out(r, c))) || !isfinite(Eigen::numext::imag(out(r, c)))) {
          badRow = r, badCol = c;
          return false;
        }
  }
  for (Eigen::Index c = 0; c < n; ++c)
    for (Eigen::Index r = 0; r < c; ++r) out(c, r) = Eigen::numext::conj(out(r, c));
  return true;
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_UPDATE_ENGINE_HPP
