// dptz — 2x2 and 3x3 Hermitian matrices in closed form: eigenvalues, |V|^2 from the identity, eigenvectors, batched.
//
//   Eigen::Matrix3cd H = ...;
//   Eigen::Matrix3d W = dptz::smallEigenvectorsAbs2(H);         // W(j, i) = |v_i(j)|^2, no heap allocation
//   dptz::SmallEigenSolver<Eigen::Matrix3cd> es(H);             // eigenvalues(), eigenvectors(), eigenvectorsAbs2()
//   dptz::eigenvectorsAbs2Batch(Hs.begin(), Hs.end(), Ws.begin());  // many matrices, OpenMP + SIMD
//
// dptz::eigenvectorsAbs2(A) dispatches here at compile time for fixed-size 2x2 / 3x3 float, double,
// std::complex<float>, std::complex<double> input (Backend::Default). The algorithm is in detail/small_kernel.hpp.
#ifndef DPTZ_SMALL_HPP
#define DPTZ_SMALL_HPP

#include <atomic>
#include <complex>
#include <cstddef>
#include <iterator>
#include <string>
#include <type_traits>

#include <Eigen/Core>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "detail/small_kernel.hpp"
#include "detail/validate.hpp"
#include "types.hpp"

namespace dptz {

namespace detail {

template <typename Scalar>
struct IsSmallScalar
    : std::integral_constant<bool, std::is_same<Scalar, float>::value || std::is_same<Scalar, double>::value ||
                                       std::is_same<Scalar, std::complex<float>>::value ||
                                       std::is_same<Scalar, std::complex<double>>::value> {};

/// True for fixed-size 2x2 and 3x3 expressions of float, double, std::complex<float>, std::complex<double>.
template <typename Derived, typename = void>
struct IsSmallFixed : std::false_type {};
template <typename Derived>
struct IsSmallFixed<Derived, typename std::enable_if<std::is_base_of<Eigen::EigenBase<Derived>, Derived>::value>::type>
    : std::integral_constant<bool, int(Derived::RowsAtCompileTime) == int(Derived::ColsAtCompileTime) &&
                                       (int(Derived::RowsAtCompileTime) == 2 || int(Derived::RowsAtCompileTime) == 3) &&
                                       IsSmallScalar<typename Derived::Scalar>::value> {};

namespace small {

template <typename Scalar>
using RealOf = typename Eigen::NumTraits<Scalar>::Real;

template <typename Scalar>
inline RealOf<Scalar> re(const Scalar& x) {
  return Eigen::numext::real(x);
}
template <typename Scalar>
inline RealOf<Scalar> im(const Scalar& x) {
  return Eigen::numext::imag(x);
}

/// Cheap exact-semantics screen: every entry finite and the matrix Hermitian within hermitianTolerance (checked on
/// the matrix scaled by its largest component, so no square overflows). False means "run the detailed checks".
template <int N, typename M>
bool quickValid(const M& A) {
  using Real = RealOf<typename M::Scalar>;
  Real nanSum(0), mc(0);
  for (int c = 0; c < N; ++c)
    for (int r = 0; r < N; ++r) {
      const Real x = re(A.coeff(r, c)), y = im(A.coeff(r, c));
      nanSum += (x - x) + (y - y);
      mc = max2(mc, max2(absT(x), absT(y)));
    }
  if (!(nanSum == Real(0))) return false;
  if (mc == Real(0)) return true;
  if (!(mc >= std::numeric_limits<Real>::min())) return false;  // subnormal scale: let the slow check decide
  // scale by 1/mc only where squares could over/underflow (the test is scale-invariant; saves a division)
  const Real lim = std::is_same<Real, float>::value ? Real(1e15) : Real(1e150);
  const Real s = (mc < lim && mc > Real(1) / lim) ? Real(1) : Real(1) / mc;
  Real m2(0), d2(0);
  for (int c = 0; c < N; ++c)
    for (int r = c; r < N; ++r) {
      const Real x = re(A.coeff(r, c)) * s, y = im(A.coeff(r, c)) * s;
      const Real xt = re(A.coeff(c, r)) * s, yt = im(A.coeff(c, r)) * s;
      m2 = max2(m2, max2(x * x + y * y, xt * xt + yt * yt));
      d2 = max2(d2, (x - xt) * (x - xt) + (y + yt) * (y + yt));
    }
  const Real t = hermitianTolerance<Real>(N);
  return d2 <= t * t * m2;
}

/// Throws the library's usual std::invalid_argument for bad input (same messages as the general path).
template <int N, typename M>
void check(const char* where, const M& A) {
  if (quickValid<N>(A)) return;
  checkSquareFinite(where, A);
  checkHermitian(where, A);
}

template <typename M>
Herm2<RealOf<typename M::Scalar>> load2(const M& A) {
  return {re(A.coeff(0, 0)), re(A.coeff(1, 1)), re(A.coeff(1, 0)), im(A.coeff(1, 0))};
}
template <typename M>
Herm3<RealOf<typename M::Scalar>> load3(const M& A) {
  return {re(A.coeff(0, 0)), re(A.coeff(1, 1)), re(A.coeff(2, 2)), re(A.coeff(1, 0)), im(A.coeff(1, 0)),
          re(A.coeff(2, 0)), im(A.coeff(2, 0)),  re(A.coeff(2, 1)), im(A.coeff(2, 1))};
}

/// Runs the kernel of size N on the (checked) matrix A. Fast: |V|^2 only (eigenvalues to ~16 eps ||A|| instead of
/// ~4 eps): try the well-separated fast path first (fast3), fall back to the careful kernel.
template <int N, bool Vectors, typename M, bool Fast = false>
void run(const M& A, RealOf<typename M::Scalar> relTol, Result<RealOf<typename M::Scalar>, N>& out) {
  using Real = RealOf<typename M::Scalar>;
  constexpr bool Cx = Eigen::NumTraits<typename M::Scalar>::IsComplex;
  if constexpr (N == 2)
    kernel2<Real, Cx, Vectors>(load2(A), relTol, out);
  else {
    const Herm3<Real> h = load3(A);
    if constexpr (Fast && !Vectors) {
      if (!fast3<Real, Cx>(h, relTol, out)) kernel3Abs2<Real, Cx>(h, relTol, out);
    } else {
      kernel3<Real, Cx, Vectors>(h, relTol, out);
    }
  }
}

template <typename Real>
Real relativeTolerance(const char* where, double clusterTolerance) {
  if (!(clusterTolerance == clusterTolerance)) fail(where, "clusterTolerance is NaN");
  return clusterTolerance < 0 ? Real(-1) : Real(clusterTolerance);
}

}  // namespace small
}  // namespace detail

/// |V|^2 of a fixed-size 2x2 or 3x3 Hermitian matrix in closed form: W(j, i) = |v_i(j)|^2, eigenvalues ascending,
/// as a fixed-size matrix (no heap allocation). Eigenvalues closer than clusterTolerance * ||A||_2 (negative:
/// n eps ||A||_2) share their projector diagonal equally, so rows and columns always sum to 1. Throws
/// std::invalid_argument on non-finite or non-Hermitian input.
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Derived::RowsAtCompileTime, Derived::RowsAtCompileTime>
smallEigenvectorsAbs2(const Eigen::MatrixBase<Derived>& A, double clusterTolerance = -1) {
  static_assert(detail::IsSmallFixed<Derived>::value,
                "smallEigenvectorsAbs2: fixed-size 2x2 or 3x3 float, double or std::complex input");
  using Real = typename Derived::RealScalar;
  constexpr int N = Derived::RowsAtCompileTime;
  constexpr const char* where = "dptz::smallEigenvectorsAbs2";
  const Eigen::Matrix<typename Derived::Scalar, N, N> M = A;
  const Real tol = detail::small::relativeTolerance<Real>(where, clusterTolerance);
  detail::small::check<N>(where, M);
  detail::small::Result<Real, N> r;
  detail::small::run<N, false, Eigen::Matrix<typename Derived::Scalar, N, N>, true>(M, tol, r);
  Eigen::Matrix<Real, N, N> W;
  for (int a = 0; a < N; ++a)
    for (int i = 0; i < N; ++i) W(a, i) = r.w[a][i];
  return W;
}

/// Eigen-style solver for fixed-size 2x2 and 3x3 Hermitian matrices in closed form (no iteration, no heap
/// allocation). eigenvectorsAbs2() comes from the identity (DESIGN.md); eigenvectors() are orthonormal even for
/// exactly repeated eigenvalues. MatrixType: Eigen::Matrix2d/3d/2f/3f/2cd/3cd/2cf/3cf.
template <typename MatrixType_>
class SmallEigenSolver {
 public:
  using MatrixType = MatrixType_;
  using Scalar = typename MatrixType::Scalar;
  using RealScalar = typename Eigen::NumTraits<Scalar>::Real;
  using Index = Eigen::Index;
  enum { Size = MatrixType::RowsAtCompileTime };
  using EigenvectorsType = Eigen::Matrix<Scalar, Size, Size>;
  using RealVectorType = Eigen::Matrix<RealScalar, Size, 1>;
  using Abs2Type = Eigen::Matrix<RealScalar, Size, Size>;
  static_assert(detail::IsSmallFixed<MatrixType>::value,
                "SmallEigenSolver: fixed-size 2x2 or 3x3 float, double or std::complex matrix type");

  SmallEigenSolver() = default;

  template <typename InputType>
  explicit SmallEigenSolver(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    compute(A.derived(), options);
  }

  /// options: Eigen::ComputeEigenvectors (default) or Eigen::EigenvaluesOnly. Bad input throws
  /// std::invalid_argument and leaves the solver as it was.
  template <typename InputType>
  SmallEigenSolver& compute(const Eigen::EigenBase<InputType>& A, int options = Eigen::ComputeEigenvectors) {
    constexpr const char* where = "dptz::SmallEigenSolver::compute";
    if (options != Eigen::ComputeEigenvectors && options != Eigen::EigenvaluesOnly)
      detail::fail(where, "options must be Eigen::ComputeEigenvectors or Eigen::EigenvaluesOnly, got ", options);
    if (A.rows() != Size || A.cols() != Size)
      detail::fail(where, "matrix must be ", int(Size), " x ", int(Size), ", got ", A.rows(), " x ", A.cols());
    const EigenvectorsType M = A.derived();
    detail::small::check<Size>(where, M);
    const RealScalar tol = detail::small::relativeTolerance<RealScalar>(where, m_clusterTolerance);
    detail::small::Result<RealScalar, Size> r;
    const bool vectors = options == Eigen::ComputeEigenvectors;
    if (vectors)
      detail::small::run<Size, true>(M, tol, r);
    else
      detail::small::run<Size, false>(M, tol, r);
    for (int i = 0; i < Size; ++i) {
      m_eivalues(i) = r.lambda[i];
      for (int a = 0; a < Size; ++a) {
        m_abs2(a, i) = r.w[a][i];
        if (vectors) m_eivec(a, i) = makeScalar(r.vr[a][i], r.vi[a][i]);
      }
    }
    m_eigenvectorsOk = vectors;
    m_isInitialized = true;
    return *this;
  }

  /// Cluster tolerance relative to ||A||_2 for eigenvectorsAbs2() (negative: n eps, the default).
  SmallEigenSolver& setClusterTolerance(double relTol) {
    m_clusterTolerance = relTol;
    return *this;
  }

  const RealVectorType& eigenvalues() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    return m_eivalues;
  }
  const EigenvectorsType& eigenvectors() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    eigen_assert(m_eigenvectorsOk && "The eigenvectors have not been computed together with the eigenvalues.");
    return m_eivec;
  }
  /// W(j, i) = |v_i(j)|^2 from the identity (clusters share their projector diagonal).
  const Abs2Type& eigenvectorsAbs2() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    return m_abs2;
  }
  Eigen::ComputationInfo info() const {
    eigen_assert(m_isInitialized && "SmallEigenSolver is not initialized.");
    return Eigen::Success;  // closed form: nothing can fail to converge
  }

 private:
  static Scalar makeScalar(RealScalar re, RealScalar im) {
    if constexpr (Eigen::NumTraits<Scalar>::IsComplex)
      return Scalar(re, im);
    else
      return (void)im, Scalar(re);
  }
  EigenvectorsType m_eivec;
  RealVectorType m_eivalues;
  Abs2Type m_abs2;
  double m_clusterTolerance = -1;
  bool m_isInitialized = false;
  bool m_eigenvectorsOk = false;
};

namespace detail {
namespace small {

/// Matrices per SIMD block of the batched driver. Block b always holds matrices [B b, B b + B), so every matrix is
/// computed by the same instructions in the same lane whatever the thread count: results are bitwise identical.
constexpr std::ptrdiff_t kBlock = 8;

template <int N>
struct BlockShape {
  static constexpr int in = N == 2 ? 4 : 9, out = N * N;
};

/// One block: 3x3 through the structure-of-arrays fast path (fast3Lanes, vectorized over the block's lanes), its
/// out-of-domain lanes (exactly those fast3 declines) recomputed one by one by kernel3, as the
/// single-matrix path); 2x2 lane by lane (the kernel is force-inlined). count: live lanes (the rest is padding).
template <int N, bool Cx, typename Real>
void simdLoop(const Real (&in)[BlockShape<N>::in][kBlock], Real (&w)[BlockShape<N>::out][kBlock], Real relTol,
              std::ptrdiff_t count) {
  if constexpr (N == 3) {
    alignas(64) Real bad[kBlock];
    fast3Lanes<Real, Cx, int(kBlock)>(in, relTol, w, bad);
    for (std::ptrdiff_t l = 0; l < count; ++l) {
      if (bad[l] == Real(0)) continue;
      Result<Real, 3> r;
      const Herm3<Real> h{in[0][l], in[1][l], in[2][l], in[3][l], in[4][l], in[5][l], in[6][l], in[7][l], in[8][l]};
      kernel3Abs2<Real, Cx>(h, relTol, r);
      for (int a = 0; a < 3; ++a)
        for (int i = 0; i < 3; ++i) w[a * 3 + i][l] = r.w[a][i];
    }
  } else {
    (void)count;
    for (std::ptrdiff_t l = 0; l < kBlock; ++l) {
      Result<Real, N> r;
      const Herm2<Real> h{in[0][l], in[1][l], in[2][l], in[3][l]};
      kernel2<Real, Cx, false>(h, relTol, r);
      for (int a = 0; a < N; ++a)
        for (int i = 0; i < N; ++i) w[a * N + i][l] = r.w[a][i];
    }
  }
}

/// Vectorized input screen of one block: lane l passes (pass[l] = 1) when, with S = sum of |components| of matrix
/// begin + l (finite only if every entry is), 1e-150 < S / 20 and S < 1e150 (float: 1e-15, 1e15), and
/// max |A(r, c) - conj A(c, r)|^2 (quickValid's expressions) <= t^2 (S / 20)^2, t = hermitianTolerance. Since
/// S / 20 < max|component| <= S, that implies quickValid (no rescaling there, and its bound t^2 max|A(r, c)|^2 is
/// larger), so only the lanes that fail here need the scalar checks (Hermitian to worse than t / 20 relative, or
/// extreme scales).
template <int N, bool Cx, typename Real, typename InIt>
void screenBlock(InIt first, std::ptrdiff_t begin, std::ptrdiff_t count, Real (&pass)[kBlock]) {
  constexpr int C = Cx ? 2 : 1;
  alignas(64) Real a[N * N * C][kBlock];
  for (std::ptrdiff_t l = 0; l < kBlock; ++l) {
    if (l < count) {
      const auto& A = first[begin + l];
      for (int c = 0; c < N; ++c)
        for (int r = 0; r < N; ++r) {
          a[(c * N + r) * C][l] = re(A.coeff(r, c));
          if constexpr (Cx) a[(c * N + r) * C + 1][l] = im(A.coeff(r, c));
        }
    } else {
      for (int k = 0; k < N * N * C; ++k) a[k][l] = Real(0);
    }
  }
  using V = Lanes<Real, int(kBlock)>;
  V S = vabs(V::load(a[0])), d2 = V::constant(Real(0));
  for (int k = 1; k < N * N * C; ++k) S = S + vabs(V::load(a[k]));
  for (int c = 0; c < N; ++c)
    for (int r = c; r < N; ++r) {
      V d = V::constant(Real(0));
      if (r != c) {
        const V x = V::load(a[(c * N + r) * C]), xt = V::load(a[(r * N + c) * C]);
        d = (x - xt) * (x - xt);
      }
      if constexpr (Cx) {
        const V y = V::load(a[(c * N + r) * C + 1]), yt = V::load(a[(r * N + c) * C + 1]);
        d = r != c ? d + (y + yt) * (y + yt) : (y + yt) * (y + yt);
      } else if (r == c) {
        continue;
      }
      d2 = vmax(d2, d);
    }
  const Real lim = std::is_same<Real, float>::value ? Real(1e15) : Real(1e150);
  const Real t = hermitianTolerance<Real>(N);
  const V mcLow = S * V::constant(Real(1) / Real(20));
  const V ok = (V::constant(Real(1) / lim) < mcLow) & (S < V::constant(lim)) &
               (d2 <= V::constant(t * t) * (mcLow * mcLow));
  vsel(ok, V::constant(Real(1)), V::constant(Real(0))).store(pass);
}

template <int N, bool Cx, typename Real, typename InIt, typename OutIt>
void batchBlock(InIt first, OutIt out, std::ptrdiff_t begin, std::ptrdiff_t count, Real relTol) {
  constexpr int NIn = BlockShape<N>::in, NOut = BlockShape<N>::out;
  alignas(64) Real in[NIn][kBlock];
  alignas(64) Real w[NOut][kBlock];
  for (std::ptrdiff_t l = 0; l < kBlock; ++l) {
    if (l < count) {
      const auto& A = first[begin + l];
      if constexpr (N == 2) {
        const Herm2<Real> h = load2(A);
        in[0][l] = h.d0, in[1][l] = h.d1, in[2][l] = h.re, in[3][l] = h.im;
      } else {
        const Herm3<Real> h = load3(A);
        in[0][l] = h.d0, in[1][l] = h.d1, in[2][l] = h.d2, in[3][l] = h.r10, in[4][l] = h.i10;
        in[5][l] = h.r20, in[6][l] = h.i20, in[7][l] = h.r21, in[8][l] = h.i21;
      }
    } else {
      for (int k = 0; k < NIn; ++k) in[k][l] = Real(0);  // padding lanes: the zero matrix
    }
  }
  simdLoop<N, Cx, Real>(in, w, relTol, count);
  for (std::ptrdiff_t l = 0; l < count; ++l) {
    Eigen::Matrix<Real, N, N> W;
    for (int a = 0; a < N; ++a)
      for (int i = 0; i < N; ++i) W(a, i) = w[a * N + i][l];
    out[begin + l] = W;
  }
}

}  // namespace small
}  // namespace detail

/// |V|^2 of every matrix in [first, last) (random-access iterators over fixed-size 2x2 or 3x3 Hermitian matrices,
/// e.g. std::vector<Eigen::Matrix3cd>::iterator or Eigen::Matrix3cd*), written to out[0 .. last-first) as
/// Eigen::Matrix<Real, N, N> (W(j, i) = |v_i(j)|^2). OpenMP over blocks of matrices, SIMD inside a block; results
/// do not depend on the thread count. Returns out + (last - first). Every matrix is checked first: bad input throws
/// std::invalid_argument naming the (first) offending matrix, and nothing is written.
template <typename InputIt, typename OutputIt>
OutputIt eigenvectorsAbs2Batch(InputIt first, InputIt last, OutputIt out, const SmallOptions& options = SmallOptions()) {
  using MatrixT = typename std::decay<decltype(*first)>::type;
  static_assert(detail::IsSmallFixed<MatrixT>::value,
                "eigenvectorsAbs2Batch: a range of fixed-size 2x2 or 3x3 float, double or std::complex matrices");
  static_assert(std::is_base_of<std::random_access_iterator_tag,
                                typename std::iterator_traits<InputIt>::iterator_category>::value,
                "eigenvectorsAbs2Batch: random-access input range");
  using Real = typename MatrixT::RealScalar;
  constexpr int N = MatrixT::RowsAtCompileTime;
  constexpr bool Cx = Eigen::NumTraits<typename MatrixT::Scalar>::IsComplex;
  constexpr const char* where = "dptz::eigenvectorsAbs2Batch";
  const Real tol = detail::small::relativeTolerance<Real>(where, options.clusterTolerance);
  const std::ptrdiff_t n = std::ptrdiff_t(last - first);
  if (n < 0) detail::fail(where, "last precedes first (", n, " matrices)");
  if (n == 0) return out;
  const std::ptrdiff_t blocks = (n + detail::small::kBlock - 1) / detail::small::kBlock;

  // 1. validate (parallel, vectorized screen per block); from the first matrix the screen does not pass, the scalar
  //    checks run serially in order and throw for the first bad matrix (the screen also rejects valid but extreme
  //    input: subnormal or huge scales, Hermitian only to within the tolerance).
  std::ptrdiff_t suspect = n;
#ifdef _OPENMP
  const int nt = options.threads > 0 ? options.threads : omp_get_max_threads();
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16) reduction(min : suspect) if (blocks >= 64)
#endif
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::ptrdiff_t begin = b * detail::small::kBlock;
    const std::ptrdiff_t count = (std::min)(detail::small::kBlock, n - begin);
    alignas(64) Real pass[detail::small::kBlock];
    detail::small::screenBlock<N, Cx, Real>(first, begin, count, pass);
    for (std::ptrdiff_t l = 0; l < count; ++l)
      if (pass[l] == Real(0) && begin + l < suspect) {
        suspect = begin + l;
        break;
      }
  }
  for (std::ptrdiff_t i = suspect; i < n; ++i) {
    const auto& A = first[i];
    if (detail::small::quickValid<N>(A)) continue;
    const std::string w = std::string(where) + ": matrix " + std::to_string(i);
    detail::checkSquareFinite(w.c_str(), A);
    detail::checkHermitian(w.c_str(), A);
  }

  // 2. compute, block by block.
#ifdef _OPENMP
#pragma omp parallel for num_threads(nt) schedule(dynamic, 16) if (blocks >= 64)
#endif
  for (std::ptrdiff_t b = 0; b < blocks; ++b) {
    const std::ptrdiff_t begin = b * detail::small::kBlock;
    const std::ptrdiff_t count = (std::min)(detail::small::kBlock, n - begin);
    detail::small::batchBlock<N, Cx, Real>(first, out, begin, count, tol);
  }
  return out + n;
}

namespace detail {

/// The compile-time dispatch target of dptz::eigenvectorsAbs2 for fixed-size 2x2 / 3x3 input: same checks and
/// messages as the general path (where = the caller's name), dynamic-size result as the general path returns.
template <typename Derived>
Eigen::Matrix<typename Derived::RealScalar, Eigen::Dynamic, Eigen::Dynamic> smallAbs2(
    const char* where, const Eigen::MatrixBase<Derived>& A, double clusterTolerance) {
  using Real = typename Derived::RealScalar;
  constexpr int N = Derived::RowsAtCompileTime;
  const Eigen::Matrix<typename Derived::Scalar, N, N> M = A;
  small::check<N>(where, M);
  const Real tol = small::relativeTolerance<Real>(where, clusterTolerance);
  small::Result<Real, N> r;
  small::run<N, false, Eigen::Matrix<typename Derived::Scalar, N, N>, true>(M, tol, r);
  Eigen::Matrix<Real, Eigen::Dynamic, Eigen::Dynamic> W(N, N);
  for (int a = 0; a < N; ++a)
    for (int i = 0; i < N; ++i) W(a, i) = r.w[a][i];
  return W;
}

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_SMALL_HPP
