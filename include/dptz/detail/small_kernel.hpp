// dptz — closed-form kernels for 2x2 and 3x3 Hermitian matrices (internal).
//
// Branch-free scalar code (selects only; the only math-library call is sqrt), callable on the host and in CUDA
// kernels (DPTZ_HOST_DEVICE: no exceptions, no heap). Input is the lower triangle (real diagonal, complex or real
// sub-diagonal entries), already checked. The batched driver (detail/small_batch.hpp) runs the 3x3 fast path
// (fast3) on SIMD lanes and this scalar code for the lanes the fast path declines.
//
// 3x3 algorithm (all in normalized, shifted coordinates B' = (A/maxA - m I) / maxB, m = trace/3):
//  1. the eigenvalue farthest from the other two ("far", the one of the sign of det B') from the trigonometric form
//     x = P t, t^3 - 3t = 2r (P^2 = tr(B'^2)/6, r = det(B')/(2P^3)): t is found by a polynomial guess and two Newton
//     steps, no acos/cos; far is well separated (gaps >= max|lambda(B')|/2), so this root is accurate to O(eps);
//  2. its eigenvector from the adjugate: adj(lambda I - B') = prod_{k != f}(lambda_f - lambda_k) v_f v_f^*, the
//     column with the largest diagonal (|v_f(j)|^2 >= 1/3); the adjugate diagonal IS the identity's numerator
//     p_{M_j}(lambda_f), so column f of |V|^2 is adj_jj / trace(adj);
//  3. the other two eigenvalues from the 2x2 Hermitian matrix B' restricted to v_f^perp (orthonormal u, w): no
//     cancellation, so they are accurate to O(eps ||A||) absolute however close they are (this is the refinement
//     that makes near-degenerate pairs as accurate as an iterative solver);
//  4. |V|^2 of the pair from the identity: |v_i(a)|^2 = p_{M_a}(lambda_i) / sum_b p_{M_b}(lambda_i), with
//     p_{M_a}(x) = (x - b_kk)(x - b_ll) - |b_kl|^2 the 2x2 minors' characteristic polynomials (the column sum IS
//     prod_{k != i}(lambda_i - lambda_k), so normalizing cancels its rounding); clusters (gaps <= tol) share their
//     projector diagonal equally (docs/math.md, section Clusters and the projector diagonal);
//  5. eigenvectors (optional): the pair's from a Jacobi rotation of the 2x2 restriction, mapped back through u, w —
//     orthonormal by construction, even for exactly repeated eigenvalues (docs/math.md, section Phases).
// Eigenvalues are returned as (B' units) * maxB * maxA: finite whenever they are representable, infinite only when
// they are not (the caller reports that); |V|^2 and eigenvectors are scale-free and always finite.
#ifndef DPTZ_DETAIL_SMALL_KERNEL_HPP
#define DPTZ_DETAIL_SMALL_KERNEL_HPP

#include <cmath>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

#include "host_device.hpp"

namespace dptz {
namespace detail {
namespace small {

template <typename T>
struct Herm2 {
  T d0, d1;  // diagonal (real)
  T re, im;  // A(1, 0)
};

template <typename T>
struct Herm3 {
  T d0, d1, d2;          // diagonal (real)
  T r10, i10, r20, i20;  // A(1, 0), A(2, 0)
  T r21, i21;            // A(2, 1)
};

/// Output: eigenvalues ascending; w[a][i] = |v_i(a)|^2; vectors V(a, i) = vr[a][i] + i vi[a][i].
template <typename T, int N>
struct Result {
  T lambda[N];
  T w[N][N];
  T vr[N][N];
  T vi[N][N];
};

template <typename Scalar>
using RealOf = typename Eigen::NumTraits<Scalar>::Real;

template <typename Scalar>
DPTZ_FORCE_INLINE RealOf<Scalar> re(const Scalar& x) {
  return Eigen::numext::real(x);
}
template <typename Scalar>
DPTZ_FORCE_INLINE RealOf<Scalar> im(const Scalar& x) {
  return Eigen::numext::imag(x);
}

/// Outcome of the input screen (inputCheck).
enum class InputCheck { Ok, NonFinite, NotHermitian };

template <typename T>
DPTZ_FORCE_INLINE T select(bool c, T a, T b) {
  return c ? a : b;
}
template <typename T>
DPTZ_FORCE_INLINE T max2(T a, T b) {
  return a < b ? b : a;
}
template <typename T>
DPTZ_FORCE_INLINE T clamp01(T x) {
  return x < T(0) ? T(0) : (x > T(1) ? T(1) : x);
}
template <typename T>
DPTZ_FORCE_INLINE T absT(T x) {
  return x < T(0) ? -x : x;
}
/// x is neither NaN nor infinite (arithmetic test: no library call, valid on the device).
template <typename T>
DPTZ_FORCE_INLINE bool finite(T x) {
  return x - x == T(0);
}

/// A constant as a scalar or as SIMD lanes (detail/simd.hpp specializes it), so the polynomial and Newton steps
/// below are written once for both.
template <typename V>
struct Splat {
  static DPTZ_FORCE_INLINE V of(double c) { return V(c); }
};
DPTZ_HOST_DEVICE_TEMPLATE
template <typename V>
DPTZ_FORCE_INLINE V splat(double c) {
  return Splat<V>::of(c);
}

/// Complex number whose imaginary part is dropped at compile time for real matrices.
template <typename T, bool Cx>
struct Cplx {
  T re, im;
};
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> cplx(T re, T im) {
  return {re, Cx ? im : T(0)};
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> operator+(Cplx<T, Cx> a, Cplx<T, Cx> b) {
  if constexpr (Cx) return {a.re + b.re, a.im + b.im};
  else return {a.re + b.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> operator-(Cplx<T, Cx> a, Cplx<T, Cx> b) {
  if constexpr (Cx) return {a.re - b.re, a.im - b.im};
  else return {a.re - b.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> operator-(Cplx<T, Cx> a) {
  if constexpr (Cx) return {-a.re, -a.im};
  else return {-a.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> operator*(Cplx<T, Cx> a, Cplx<T, Cx> b) {
  if constexpr (Cx) return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
  else return {a.re * b.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> operator*(T s, Cplx<T, Cx> a) {
  if constexpr (Cx) return {s * a.re, s * a.im};
  else return {s * a.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> conjugate(Cplx<T, Cx> a) {
  if constexpr (Cx) return {a.re, -a.im};
  else return a;
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE T abs2(Cplx<T, Cx> a) {
  if constexpr (Cx) return a.re * a.re + a.im * a.im;
  else return a.re * a.re;
}
/// Re(conj(a) b)
template <typename T, bool Cx>
DPTZ_FORCE_INLINE T reDot(Cplx<T, Cx> a, Cplx<T, Cx> b) {
  if constexpr (Cx) return a.re * b.re + a.im * b.im;
  else return a.re * b.re;
}
template <typename T, bool Cx>
DPTZ_FORCE_INLINE Cplx<T, Cx> select(bool c, Cplx<T, Cx> a, Cplx<T, Cx> b) {
  if constexpr (Cx) return {c ? a.re : b.re, c ? a.im : b.im};
  else return {c ? a.re : b.re, T(0)};
}

/// sqrt (the device overload under CUDA).
template <typename T>
DPTZ_FORCE_INLINE T squareRoot(T x) {
  using std::sqrt;
  return sqrt(x);
}
/// 1/sqrt(x) for x > 0 (the hardware square root: a bit-level guess plus Newton steps measured slower).
template <typename T>
DPTZ_FORCE_INLINE T invSqrt(T x) {
  return T(1) / squareRoot(x);
}
/// sqrt(x) for x >= 0, 0 for rounding-negative x.
template <typename T>
DPTZ_FORCE_INLINE T sqrtPos(T x) {
  return squareRoot(x < T(0) ? T(0) : x);
}

template <typename T>
struct Limits {
  static constexpr T eps = std::numeric_limits<T>::epsilon();
  static constexpr T tiny = std::numeric_limits<T>::min();              // below: exact prescale first
  static constexpr T prescale = T(1) / (eps * eps);                      // power of two
  static constexpr T negligible = std::numeric_limits<T>::min() / eps;  // B' relative to A' below this: B' = 0
  static constexpr T largest = std::numeric_limits<T>::max();
  // pairUpscale: components below pairTiny have squares near the subnormal range; pairUp lifts them (powers of two)
  static constexpr T pairTiny = T(std::is_same<T, float>::value ? 0x1p-60 : 0x1p-500);
  static constexpr T pairUp = T(std::is_same<T, float>::value ? 0x1p100 : 0x1p900);
};

/// Hermitian tolerance of the input screen, relative to max|A_ij|: 100 n eps (as detail/validate.hpp).
template <typename T>
DPTZ_FORCE_INLINE T hermitianTol(int n) {
  return T(100) * T(n) * Limits<T>::eps;
}

/// Input screen of an N x N matrix (any type with coeff(r, c)): NonFinite when an entry is NaN or infinite,
/// NotHermitian when max |A(r, c) - conj A(c, r)|^2 > (100 n eps)^2 max |A(r, c)|^2 (squares taken on the matrix
/// scaled to max component ~1, so nothing over- or underflows), else Ok.
template <int N, typename M>
DPTZ_HOST_DEVICE InputCheck inputCheck(const M& A) {
  using T = RealOf<typename M::Scalar>;
  using L = Limits<T>;
  T nanSum(0), maxComponent(0);
  for (int c = 0; c < N; ++c)
    for (int r = 0; r < N; ++r) {
      const T x = re(A.coeff(r, c)), y = im(A.coeff(r, c));
      nanSum += (x - x) + (y - y);
      maxComponent = max2(maxComponent, max2(absT(x), absT(y)));
    }
  if (!(nanSum == T(0))) return InputCheck::NonFinite;
  if (maxComponent == T(0)) return InputCheck::Ok;
  const T pre = select(maxComponent < L::tiny, L::prescale, T(1));  // exact: subnormal scales
  maxComponent *= pre;
  // scale by 1/maxComponent only where squares could over/underflow (the test is scale-invariant); entries are
  // multiplied by pre first (exact), then by inv: pre / maxComponent itself overflows for subnormal input
  const T lim = std::is_same<T, float>::value ? T(1e15) : T(1e150);
  const T inv = (maxComponent < lim && maxComponent > T(1) / lim) ? T(1) : T(1) / maxComponent;
  T maxSq(0), diffSq(0);
  for (int c = 0; c < N; ++c)
    for (int r = c; r < N; ++r) {
      const T x = re(A.coeff(r, c)) * pre * inv, y = im(A.coeff(r, c)) * pre * inv;
      const T xt = re(A.coeff(c, r)) * pre * inv, yt = im(A.coeff(c, r)) * pre * inv;
      maxSq = max2(maxSq, max2(x * x + y * y, xt * xt + yt * yt));
      diffSq = max2(diffSq, (x - xt) * (x - xt) + (y + yt) * (y + yt));
    }
  const T t = hermitianTol<T>(N);
  return diffSq <= t * t * maxSq ? InputCheck::Ok : InputCheck::NotHermitian;
}

/// Scale of a matrix for the kernels: A' = (A * prescale) * inverse has max |component| 1 (0 for A = 0); the
/// prescale is an exact power of two for subnormal scales. back = max|A| undoes it on eigenvalues.
template <typename T>
struct Scale {
  T prescale, inverse, back;
};
template <typename T>
DPTZ_FORCE_INLINE Scale<T> scaleOf(T maxAbs) {
  using L = Limits<T>;
  const T pre = select(maxAbs < L::tiny, L::prescale, T(1));
  const T ma = maxAbs * pre;
  const T inverse = select(ma > T(0), T(1) / (ma > T(0) ? ma : T(1)), T(0));
  return {pre, inverse, ma / pre};
}

/// The lower triangle of an Eigen matrix (or expression) as the kernels read it.
template <typename M>
DPTZ_FORCE_INLINE Herm2<RealOf<typename M::Scalar>> load2(const M& A) {
  return {re(A.coeff(0, 0)), re(A.coeff(1, 1)), re(A.coeff(1, 0)), im(A.coeff(1, 0))};
}
template <typename M>
DPTZ_FORCE_INLINE Herm3<RealOf<typename M::Scalar>> load3(const M& A) {
  return {re(A.coeff(0, 0)), re(A.coeff(1, 1)), re(A.coeff(2, 2)), re(A.coeff(1, 0)), im(A.coeff(1, 0)),
          re(A.coeff(2, 0)), im(A.coeff(2, 0)),  re(A.coeff(2, 1)), im(A.coeff(2, 1))};
}

/// Factor for the squares of a traceless 2x2 pair [[h, conj z], [z, -h]] whose largest component m is tiny (a nearly
/// degenerate pair of a matrix scaled to norm 1): h^2 and |z|^2 would be subnormal and keep few bits, which breaks
/// the unit length of the pair's eigenvectors. They are formed on (h, z) times pairUp, an exact power of two (the
/// result is scale-invariant), so every square stays normal and finite: 1 unless m < pairTiny.
template <typename T>
DPTZ_FORCE_INLINE T pairUpscale(T m) {
  return select(m < Limits<T>::pairTiny, Limits<T>::pairUp, T(1));
}

/// 2x2 Hermitian [[h, conj z], [z, -h]] (traceless, rad = sqrt(h^2 + |z|^2), e = rad + |h|): unit eigenvector of +rad
/// as (x, y), chosen without cancellation; (0, 1) for the zero matrix.
template <typename T, bool Cx>
DPTZ_FORCE_INLINE void topVector2(T h, Cplx<T, Cx> z, T zz, T e, Cplx<T, Cx>& x, Cplx<T, Cx>& y) {
  const bool pos = h >= T(0);
  // h >= 0: (e, z); h < 0: (conj z, e)
  const Cplx<T, Cx> xx = select(pos, cplx<T, Cx>(e, T(0)), conjugate(z));
  const Cplx<T, Cx> yy = select(pos, z, cplx<T, Cx>(e, T(0)));
  const T n2 = e * e + zz;
  const bool zero = !(n2 > T(0));
  const T inv = select(zero, T(0), invSqrt(zero ? T(1) : n2));
  x = inv * xx;
  y = select(zero, cplx<T, Cx>(T(1), T(0)), inv * yy);
}

/// 2x2 kernel. relTol < 0: cluster tolerance 2 eps max|lambda|; else relTol * max|lambda|.
template <typename T, bool Cx, bool Vectors>
DPTZ_FORCE_INLINE void kernel2(const Herm2<T>& in, T relTol, Result<T, 2>& out) {
  using L = Limits<T>;
  const Scale<T> sc =
      scaleOf(max2(max2(absT(in.d0), absT(in.d1)), max2(absT(in.re), Cx ? absT(in.im) : T(0))));
  const T a0 = (in.d0 * sc.prescale) * sc.inverse, a1 = (in.d1 * sc.prescale) * sc.inverse;
  const Cplx<T, Cx> z1 = cplx<T, Cx>((in.re * sc.prescale) * sc.inverse, (in.im * sc.prescale) * sc.inverse);
  const T mean = (a0 + a1) * T(0.5), h1 = (a0 - a1) * T(0.5);
  // h, z, zz, e: the traceless part in up-scaled units (pairUpscale); rad back in A' units
  const T up = pairUpscale(max2(absT(h1), max2(absT(z1.re), absT(z1.im))));
  const T h = h1 * up;
  const Cplx<T, Cx> z = up * z1;
  const T zz = abs2(z);
  const T radUp = sqrtPos(h * h + zz);
  const T rad = radUp / up;
  const T lo = mean - rad, hi = mean + rad;
  out.lambda[0] = lo * sc.back;
  out.lambda[1] = hi * sc.back;
  const T norm = max2(absT(lo), absT(hi));
  const T tol = (relTol < T(0) ? T(2) * L::eps : relTol) * norm;
  const bool cluster = T(2) * rad <= tol;
  const T e = radUp + absT(h);
  const T smallPart = select(e > T(0), zz / (e > T(0) ? e : T(1)), T(0));
  const bool pos = h >= T(0);
  const T x = select(pos, e, smallPart), y = select(pos, smallPart, e);  // |v_hi(0)|^2, |v_hi(1)|^2 up to 1/(x + y)
  const T sum = x + y;
  const T inv = select(sum > T(0), T(1) / (sum > T(0) ? sum : T(1)), T(0));
  const T w0 = select(cluster, T(0.5), clamp01(x * inv)), w1 = select(cluster, T(0.5), clamp01(y * inv));
  out.w[0][1] = w0;
  out.w[1][1] = w1;
  out.w[0][0] = w1;
  out.w[1][0] = w0;
  if constexpr (Vectors) {
    Cplx<T, Cx> vx, vy;
    topVector2<T, Cx>(h, z, zz, e, vx, vy);
    // hi = (vx, vy); lo = (-conj vy, conj vx)
    const Cplx<T, Cx> lx = -conjugate(vy), ly = conjugate(vx);
    out.vr[0][0] = lx.re, out.vi[0][0] = lx.im;
    out.vr[1][0] = ly.re, out.vi[1][0] = ly.im;
    out.vr[0][1] = vx.re, out.vi[0][1] = vx.im;
    out.vr[1][1] = vy.re, out.vi[1][1] = vy.im;
  }
}

/// Guess of the far root t of t^3 - 3t = 2r, r in [0, 1] (t in [sqrt3, 2]): quartic least-squares fit, error
/// <= 2e-5. V: a scalar or SIMD lanes.
DPTZ_HOST_DEVICE_TEMPLATE
template <typename V>
DPTZ_FORCE_INLINE V farRootGuess(const V& r) {
  return splat<V>(1.7320688616740545) +
         r * (splat<V>(0.33275260480385033) +
              r * (splat<V>(-0.091714386650363799) +
                   r * (splat<V>(0.035008667085839738) + r * splat<V>(-0.0081293487384971018))));
}

/// Far root by the guess and two Newton steps (quadratic, constant <= 0.9): error ~1e-19.
template <typename T>
DPTZ_FORCE_INLINE T farRoot(T r) {
  T t = farRootGuess(r);
  for (int k = 0; k < 2; ++k) {
    const T t2 = t * t;
    t -= (t * (t2 - T(3)) - T(2) * r) / (T(3) * (t2 - T(1)));
  }
  return t;
}

/// Far root with one division: a Halley step from the guess (error ~0.6 e0^3 ~ 5e-15), then a Newton step whose
/// 1/f' is the Halley step's 2 f'/(2 f'^2 - f f'') (relative mismatch ~ 2e-5): error <= 1 ulp of t on [0, 1]
/// (measured 1.9e-16 against long double on 10^6 points, as farRoot). V: a scalar or SIMD lanes.
DPTZ_HOST_DEVICE_TEMPLATE
template <typename V>
DPTZ_FORCE_INLINE V farRootOneDivision(const V& r) {
  const V one = splat<V>(1), two = splat<V>(2), three = splat<V>(3);
  const V t = farRootGuess(r);
  const V t2 = t * t, f = t * (t2 - three) - two * r, fp = three * (t2 - one), fpp = splat<V>(6) * t;
  const V inv = one / (two * fp * fp - f * fpp);
  const V t1 = t - two * f * fp * inv, g = two * fp * inv;
  return t1 - (t1 * (t1 * t1 - three) - two * r) * g;
}

/// Step 1 of kernel3: B' = (A' - m I) / maxB with A' = A / maxA, recentered so that tr B' = 0 to rounding.
/// Eigenvalue x of B' is ((x + recenter) * maxB + mean) * back of A.
template <typename T, bool Cx>
struct Shifted3 {
  T back, mean, maxB, recenter;
  T b0, b1, b2;                 // diagonal of B'
  Cplx<T, Cx> z10, z20, z21;    // B'(1, 0), B'(2, 0), B'(2, 1)
  T q10, q20, q21;              // their squared moduli
};

template <typename T, bool Cx>
DPTZ_FORCE_INLINE Shifted3<T, Cx> normalizeShift3(const Herm3<T>& in) {
  using L = Limits<T>;
  T ma = max2(max2(absT(in.d0), absT(in.d1)), absT(in.d2));
  ma = max2(ma, max2(max2(absT(in.r10), absT(in.r20)), absT(in.r21)));
  if constexpr (Cx) ma = max2(ma, max2(max2(absT(in.i10), absT(in.i20)), absT(in.i21)));
  const Scale<T> sc = scaleOf(ma);
  const T pre = sc.prescale, sA = sc.inverse;
  Shifted3<T, Cx> s;
  s.back = sc.back;
  const T a0 = (in.d0 * pre) * sA, a1 = (in.d1 * pre) * sA, a2 = (in.d2 * pre) * sA;
  s.mean = (a0 + a1 + a2) * T(1.0 / 3.0);
  const T e0 = a0 - s.mean, e1 = a1 - s.mean, e2 = a2 - s.mean;
  const T r10 = (in.r10 * pre) * sA, r20 = (in.r20 * pre) * sA, r21 = (in.r21 * pre) * sA;
  const T i10 = Cx ? (in.i10 * pre) * sA : T(0), i20 = Cx ? (in.i20 * pre) * sA : T(0),
          i21 = Cx ? (in.i21 * pre) * sA : T(0);
  T mb = max2(max2(absT(e0), absT(e1)), absT(e2));
  mb = max2(mb, max2(max2(absT(r10), absT(r20)), absT(r21)));
  if constexpr (Cx) mb = max2(mb, max2(max2(absT(i10), absT(i20)), absT(i21)));
  const bool live = mb > L::negligible;
  const T sB = select(live, T(1) / (live ? mb : T(1)), T(0));
  s.maxB = select(live, mb, T(0));
  // Re-center: when B is tiny next to A' (nearly scalar A) the rounding of the mean is not tiny next to B, and the
  // formulas below need tr B' = 0.
  const T g0 = e0 * sB, g1 = e1 * sB, g2 = e2 * sB;
  s.recenter = (g0 + g1 + g2) * T(1.0 / 3.0);
  s.b0 = g0 - s.recenter, s.b1 = g1 - s.recenter, s.b2 = g2 - s.recenter;
  s.z10 = cplx<T, Cx>(r10 * sB, i10 * sB), s.z20 = cplx<T, Cx>(r20 * sB, i20 * sB),
  s.z21 = cplx<T, Cx>(r21 * sB, i21 * sB);
  s.q10 = abs2(s.z10), s.q20 = abs2(s.z20), s.q21 = abs2(s.z21);
  return s;
}

/// Step 2 of kernel3: the far eigenvalue of B' (trigonometric form, Newton instead of acos/cos). upper: it is the
/// largest eigenvalue (det B' >= 0), else the smallest.
template <typename T, bool Cx>
DPTZ_FORCE_INLINE T farEigenvalue(const Shifted3<T, Cx>& s, bool& upper) {
  const T P2 = (s.b0 * s.b0 + s.b1 * s.b1 + s.b2 * s.b2 + T(2) * (s.q10 + s.q20 + s.q21)) * T(1.0 / 6.0);
  const T P = sqrtPos(P2);
  const T det = s.b0 * s.b1 * s.b2 - s.b0 * s.q21 - s.b1 * s.q20 - s.b2 * s.q10 +
                T(2) * reDot(s.z20, s.z10 * s.z21);
  const T P3 = P * P2;
  T r = select(P3 > T(0), det / (T(2) * (P3 > T(0) ? P3 : T(1))), T(0));
  upper = r >= T(0);
  r = absT(r);
  r = r > T(1) ? T(1) : r;
  return select(upper, T(1), T(-1)) * P * farRoot(r);
}

/// Step 3 of kernel3: the far eigenvector v (unit) from the adjugate of B' - lf I: its diagonal adjDiag (the
/// identity's numerators p_{M_j}(lf)) and trace, v from the column of the largest diagonal entry, the pivot j
/// (pivot1: j = 1, pivot2: j = 2, neither: j = 0).
template <typename T, bool Cx>
struct FarVector3 {
  T adjDiag[3], adjTrace;
  bool pivot1, pivot2;
  Cplx<T, Cx> v0, v1, v2;
};

template <typename T, bool Cx>
DPTZ_FORCE_INLINE FarVector3<T, Cx> farVector(const Shifted3<T, Cx>& s, T lf) {
  using C = Cplx<T, Cx>;
  FarVector3<T, Cx> fv;
  const T c0 = s.b0 - lf, c1 = s.b1 - lf, c2 = s.b2 - lf;
  const T A0 = c1 * c2 - s.q21, A1 = c0 * c2 - s.q20, A2 = c0 * c1 - s.q10;
  const C adj10 = conjugate(s.z21) * s.z20 - c2 * s.z10;
  const C adj20 = s.z10 * s.z21 - c1 * s.z20;
  const C adj21 = s.z20 * conjugate(s.z10) - c0 * s.z21;
  fv.adjDiag[0] = A0, fv.adjDiag[1] = A1, fv.adjDiag[2] = A2;
  fv.adjTrace = A0 + A1 + A2;
  const bool p1 = (A1 > A0) & (A1 >= A2), p2 = (!p1) & (A2 > A0);  // no short circuits: stays branch-free
  fv.pivot1 = p1, fv.pivot2 = p2;
  // column j: j=0 (A0, adj10, adj20); j=1 (conj adj10, A1, adj21); j=2 (conj adj20, conj adj21, A2)
  const C f0 = select(p2, conjugate(adj20), select(p1, conjugate(adj10), cplx<T, Cx>(A0, T(0))));
  const C f1 = select(p2, conjugate(adj21), select(p1, cplx<T, Cx>(A1, T(0)), adj10));
  const C f2 = select(p2, cplx<T, Cx>(A2, T(0)), select(p1, adj21, adj20));
  const T n2 = abs2(f0) + abs2(f1) + abs2(f2);
  const bool ok = n2 > T(0);
  const T inv = select(ok, invSqrt(ok ? n2 : T(1)), T(0));
  // zero column (B' = 0): v = e_j
  fv.v0 = select((!ok) & (!p1) & (!p2), cplx<T, Cx>(T(1), T(0)), inv * f0);
  fv.v1 = select((!ok) & p1, cplx<T, Cx>(T(1), T(0)), inv * f1);
  fv.v2 = select((!ok) & p2, cplx<T, Cx>(T(1), T(0)), inv * f2);
  return fv;
}

/// Step 4 of kernel3: orthonormal u, w spanning v^perp (u from the pivot pair (j, j+1), w = conj(v x u)), and the
/// 2x2 restriction [[ra, rb], [conj rb, rc]] = [u w]^* B' [u w] with its eigenvalues mid -+ rad.
template <typename T, bool Cx>
struct Pair3 {
  Cplx<T, Cx> u0, u1, u2, w0, w1, w2;
  T mid, rad;  // mid = (ra + rc) / 2
  // the traceless part in up-scaled units (pairUpscale): halfDiff = up (ra - rc) / 2, rb = up u^* B' w, radUp = up rad
  T halfDiff, radUp;
  Cplx<T, Cx> rb;
  T rbAbs2;
};

template <typename T, bool Cx>
DPTZ_FORCE_INLINE Pair3<T, Cx> restrictToComplement(const Shifted3<T, Cx>& s, const FarVector3<T, Cx>& fv) {
  using C = Cplx<T, Cx>;
  const C f0 = fv.v0, f1 = fv.v1, f2 = fv.v2;
  const bool p1 = fv.pivot1, p2 = fv.pivot2;
  Pair3<T, Cx> pr;
  const T n01 = abs2(f0) + abs2(f1), n12 = abs2(f1) + abs2(f2), n20 = abs2(f2) + abs2(f0);
  const T nu = select(p2, n20, select(p1, n12, n01));
  const T iu = invSqrt(nu);  // nu >= 1/3
  const C zero = cplx<T, Cx>(T(0), T(0));
  // j=0: (conj f1, -conj f0, 0); j=1: (0, conj f2, -conj f1); j=2: (-conj f2, 0, conj f0)
  const C u0 = iu * select(p2, -conjugate(f2), select(p1, zero, conjugate(f1)));
  const C u1 = iu * select(p2, zero, select(p1, conjugate(f2), -conjugate(f0)));
  const C u2 = iu * select(p2, conjugate(f0), select(p1, -conjugate(f1), zero));
  const C w0 = conjugate(f1 * u2 - f2 * u1), w1 = conjugate(f2 * u0 - f0 * u2), w2 = conjugate(f0 * u1 - f1 * u0);
  // B' x: row0 = (b0, conj z10, conj z20), row1 = (z10, b1, conj z21), row2 = (z20, z21, b2)
  const C bw0 = s.b0 * w0 + conjugate(s.z10) * w1 + conjugate(s.z20) * w2;
  const C bw1 = s.z10 * w0 + s.b1 * w1 + conjugate(s.z21) * w2;
  const C bw2 = s.z20 * w0 + s.z21 * w1 + s.b2 * w2;
  const C bu0 = s.b0 * u0 + conjugate(s.z10) * u1 + conjugate(s.z20) * u2;
  const C bu1 = s.z10 * u0 + s.b1 * u1 + conjugate(s.z21) * u2;
  const C bu2 = s.z20 * u0 + s.z21 * u1 + s.b2 * u2;
  const T ra = reDot(u0, bu0) + reDot(u1, bu1) + reDot(u2, bu2);
  const T rc = reDot(w0, bw0) + reDot(w1, bw1) + reDot(w2, bw2);
  const C rb = conjugate(u0) * bw0 + conjugate(u1) * bw1 + conjugate(u2) * bw2;  // u^* (B' w)
  const T hd = (ra - rc) * T(0.5);
  const T up = pairUpscale(max2(absT(hd), max2(absT(rb.re), absT(rb.im))));
  pr.mid = (ra + rc) * T(0.5), pr.halfDiff = hd * up, pr.rb = up * rb, pr.rbAbs2 = abs2(pr.rb);
  pr.radUp = sqrtPos(pr.halfDiff * pr.halfDiff + pr.rbAbs2);
  pr.rad = pr.radUp / up;
  pr.u0 = u0, pr.u1 = u1, pr.u2 = u2, pr.w0 = w0, pr.w1 = w1, pr.w2 = w2;
  return pr;
}

/// |V|^2 column of eigenvalue l of B' by the identity: w[a] = p_{M_a}(l) / sum_b p_{M_b}(l), clamped to [0, 1].
template <typename T, bool Cx>
DPTZ_FORCE_INLINE void identityColumn(const Shifted3<T, Cx>& s, T l, T (&w)[3]) {
  const T n0 = (l - s.b1) * (l - s.b2) - s.q21, n1 = (l - s.b0) * (l - s.b2) - s.q20,
          n2 = (l - s.b0) * (l - s.b1) - s.q10;
  const T sum = n0 + n1 + n2;
  const T inv = select(sum != T(0), T(1) / (sum != T(0) ? sum : T(1)), T(0));
  w[0] = clamp01(n0 * inv), w[1] = clamp01(n1 * inv), w[2] = clamp01(n2 * inv);
}

/// Step 5 of kernel3: the pair's eigenvectors, by a Jacobi rotation of the 2x2 restriction mapped back through
/// u, w. Columns of vec: pair lo, pair hi, far.
template <typename T, bool Cx>
DPTZ_FORCE_INLINE void pairVectors(const Pair3<T, Cx>& pr, const FarVector3<T, Cx>& fv, Cplx<T, Cx> (&vec)[3][3]) {
  Cplx<T, Cx> x, y;
  topVector2<T, Cx>(pr.halfDiff, conjugate(pr.rb), pr.rbAbs2, pr.radUp + absT(pr.halfDiff), x, y);
  const Cplx<T, Cx> lx = -conjugate(y), ly = conjugate(x);
  vec[0][0] = lx * pr.u0 + ly * pr.w0, vec[0][1] = x * pr.u0 + y * pr.w0, vec[0][2] = fv.v0;
  vec[1][0] = lx * pr.u1 + ly * pr.w1, vec[1][1] = x * pr.u1 + y * pr.w1, vec[1][2] = fv.v1;
  vec[2][0] = lx * pr.u2 + ly * pr.w2, vec[2][1] = x * pr.u2 + y * pr.w2, vec[2][2] = fv.v2;
}

/// The careful 3x3 kernel (steps in the header comment). relTol < 0: cluster tolerance 3 eps max|lambda|.
template <typename T, bool Cx, bool Vectors>
DPTZ_FORCE_INLINE void kernel3(const Herm3<T>& in, T relTol, Result<T, 3>& out) {
  using L = Limits<T>;
  const Shifted3<T, Cx> s = normalizeShift3<T, Cx>(in);
  bool upper;
  const T lf = farEigenvalue(s, upper);
  const FarVector3<T, Cx> fv = farVector(s, lf);
  const Pair3<T, Cx> pr = restrictToComplement(s, fv);
  const T lp = pr.mid - pr.rad, hp = pr.mid + pr.rad;  // the pair, in B' units

  // eigenvalues ascending, back in A units
  const T l0 = select(upper, lp, lf), l1 = select(upper, hp, lp), l2 = select(upper, lf, hp);
  const T x0 = (l0 + s.recenter) * s.maxB + s.mean, x1 = (l1 + s.recenter) * s.maxB + s.mean,
          x2 = (l2 + s.recenter) * s.maxB + s.mean;  // A' units
  out.lambda[0] = x0 * s.back;
  out.lambda[1] = x1 * s.back;
  out.lambda[2] = x2 * s.back;

  // clusters (A' units: tol = n eps max|lambda| by default)
  const T norm = max2(absT(x0), absT(x2));
  const T tol = (relTol < T(0) ? T(3) * L::eps : relTol) * norm;
  const bool pairCluster = T(2) * pr.rad * s.maxB <= tol;
  const T farGap = select(upper, lf - hp, lp - lf);
  const bool tripleCluster = farGap * s.maxB <= tol;

  // |V|^2: column far from the adjugate diagonal, the pair from the minors' characteristic polynomials
  const bool traceOk = fv.adjTrace > T(0);
  const T invTrace = select(traceOk, T(1) / (traceOk ? fv.adjTrace : T(1)), T(0));
  T wFar[3], wLo[3], wHi[3];
  for (int a = 0; a < 3; ++a) wFar[a] = clamp01(fv.adjDiag[a] * invTrace);
  identityColumn(s, lp, wLo);
  identityColumn(s, hp, wHi);
  // Pair gap below 1/8 of ||B'||: the minors' polynomials at the pair lose digits to cancellation (error ~
  // eps ||A||^2 / (gap G)); take the pair's columns from its closed-form vectors instead (error ~ eps ||A|| / gap,
  // rows and columns stay stochastic to rounding).
  Cplx<T, Cx> vec[3][3];
  pairVectors(pr, fv, vec);
  const bool pairByIdentity = T(2) * pr.rad >= T(0.125);
  for (int a = 0; a < 3; ++a) {
    wLo[a] = select(pairByIdentity, wLo[a], clamp01(abs2(vec[a][0])));
    wHi[a] = select(pairByIdentity, wHi[a], clamp01(abs2(vec[a][1])));
  }
  const T third = T(1) / T(3);
  for (int a = 0; a < 3; ++a) {
    const T share = (T(1) - wFar[a]) * T(0.5);
    const T lo = select(tripleCluster, third, select(pairCluster, share, wLo[a]));
    const T hi = select(tripleCluster, third, select(pairCluster, share, wHi[a]));
    const T far = select(tripleCluster, third, wFar[a]);
    out.w[a][0] = select(upper, lo, far);
    out.w[a][1] = select(upper, hi, lo);
    out.w[a][2] = select(upper, far, hi);
  }

  if constexpr (Vectors) {
    for (int a = 0; a < 3; ++a) {
      const Cplx<T, Cx> col0 = select(upper, vec[a][0], vec[a][2]);
      const Cplx<T, Cx> col1 = select(upper, vec[a][1], vec[a][0]);
      const Cplx<T, Cx> col2 = select(upper, vec[a][2], vec[a][1]);
      out.vr[a][0] = col0.re, out.vi[a][0] = col0.im;
      out.vr[a][1] = col1.re, out.vi[a][1] = col1.im;
      out.vr[a][2] = col2.re, out.vi[a][2] = col2.im;
    }
  }
}

/// kernel3 for |V|^2 as an out-of-line call: the fallback of the fast paths, kept out of their code (measured 5-10 %
/// faster one matrix per call than with the careful kernel inlined beside the fast path).
template <typename T, bool Cx>
DPTZ_NOINLINE void kernel3Abs2(const Herm3<T>& in, T relTol, Result<T, 3>& out) {
  kernel3<T, Cx, false>(in, relTol, out);
}

/// The identity on a 3x3 matrix B with diagonal c0 c1 c2 and squared off-diagonal moduli q10 q20 q21, at its
/// eigenvalues l[0..2]: n[a][i] = p_{M_a}(l_i), the characteristic polynomial of the 2x2 minor without row and
/// column a, and |v_i(a)|^2 = n[a][i] * is[i] with is[i] = 1 / prod_{k != i}(l_i - l_k), that product taken as
/// sum_b p_{M_b}(l_i) = p_B'(l_i) (no eigenvalue differences) and the three inverted with one division.
/// V is a scalar (fast3) or SIMD lanes (fast3Lanes): the same operations in the same order, so both agree bit for
/// bit.
DPTZ_HOST_DEVICE_TEMPLATE
template <typename V>
DPTZ_FORCE_INLINE void identity3(const V (&l)[3], const V& c0, const V& c1, const V& c2, const V& q10, const V& q20,
                                 const V& q21, V (&n)[3][3], V (&is)[3]) {
  V s[3];
  for (int i = 0; i < 3; ++i) {
    const V y0 = l[i] - c0, y1 = l[i] - c1, y2 = l[i] - c2;
    n[0][i] = y1 * y2 - q21;
    n[1][i] = y0 * y2 - q20;
    n[2][i] = y0 * y1 - q10;
    s[i] = n[0][i] + n[1][i] + n[2][i];
  }
  const V s01 = s[0] * s[1];
  const V inv = splat<V>(1) / (s01 * s[2]);
  const V i2 = inv * s01, i01 = inv * s[2];
  is[0] = i01 * s[1], is[1] = i01 * s[0], is[2] = i2;
}

/// Domain of the 3x3 fast path: max|A_ij| below kFastBig (float: 2^20, double: 2^100), max|B_ij| above its inverse
/// and above 64 eps max|A_ij| (B = A - tr(A)/3 I), pair gap at least kFastGap max|B_ij|.
constexpr double kFastGap = 0.125;
template <typename T>
DPTZ_FORCE_INLINE T fastBig() {
  return std::is_same<T, float>::value ? T(1048576.0) : T(1.2676506002282294e30);
}

/// Fast path of the 3x3 |V|^2 kernel for the common well-separated case (no eigenvectors). Returns false, having
/// written nothing, when the matrix is outside its domain (fastBig, kFastGap) or a gap is at or below the cluster
/// tolerance; then kernel3 (the careful path) must be used. Works on B unscaled (the domain keeps every product
/// below 1e200 and above 1e-200): two divisions and two square roots per matrix:
///  - B = A - m I, recentered so that tr B = 0 to rounding;
///  - far root by farRootOneDivision, the pair from the deflated quadratic x^2 + lf x + (lf^2 - 3 P^2) = 0:
///    its gap sqrt(12 P^2 - 3 lf^2) carries an absolute error ~ eps ||B||^2 / gap, harmless for gap >= kFastGap;
///  - |v_i(a)|^2 = p_{M_a}(lambda_i) / sum_b p_{M_b}(lambda_i) for all three eigenvalues (identity3).
/// Error of |V|^2 ~ eps ||B||^2 / gap^2 <= 64 eps at the threshold.
template <typename T, bool Cx>
DPTZ_FORCE_INLINE bool fast3(const Herm3<T>& in, T relTol, Result<T, 3>& out) {
  using L = Limits<T>;
  const T big = fastBig<T>(), small = T(1) / big;
  T ma = max2(max2(absT(in.d0), absT(in.d1)), absT(in.d2));
  ma = max2(ma, max2(max2(absT(in.r10), absT(in.r20)), absT(in.r21)));
  if constexpr (Cx) ma = max2(ma, max2(max2(absT(in.i10), absT(in.i20)), absT(in.i21)));
  const T m = (in.d0 + in.d1 + in.d2) * T(1.0 / 3.0);
  const T e0 = in.d0 - m, e1 = in.d1 - m, e2 = in.d2 - m;
  T mb = max2(max2(absT(e0), absT(e1)), absT(e2));
  mb = max2(mb, max2(max2(absT(in.r10), absT(in.r20)), absT(in.r21)));
  if constexpr (Cx) mb = max2(mb, max2(max2(absT(in.i10), absT(in.i20)), absT(in.i21)));
  // mb not negligible next to ma (nearly scalar matrices: careful path), both inside the domain
  if (!(ma < big) || !(mb > small) || !(mb > ma * T(64) * L::eps)) return false;
  const T m2 = (e0 + e1 + e2) * T(1.0 / 3.0);
  const T b0 = e0 - m2, b1 = e1 - m2, b2 = e2 - m2;
  const T r10 = in.r10, r20 = in.r20, r21 = in.r21;
  const T i10 = Cx ? in.i10 : T(0), i20 = Cx ? in.i20 : T(0), i21 = Cx ? in.i21 : T(0);
  const T q10 = r10 * r10 + i10 * i10, q20 = r20 * r20 + i20 * i20, q21 = r21 * r21 + i21 * i21;
  // Re(conj(z20) z10 z21) with real and imaginary parts
  const T pr = r10 * r21 - i10 * i21, pi = r10 * i21 + i10 * r21;
  const T triple = r20 * pr + i20 * pi;
  const T P2 = (b0 * b0 + b1 * b1 + b2 * b2 + T(2) * (q10 + q20 + q21)) * T(1.0 / 6.0);  // >= mb^2 / 6
  const T P = squareRoot(P2);
  const T det = b0 * (b1 * b2 - q21) - b1 * q20 - b2 * q10 + T(2) * triple;
  T r = det / (T(2) * P * P2);
  const bool upper = r >= T(0);
  r = absT(r);
  r = r > T(1) ? T(1) : r;
  const T t = farRootOneDivision(r);
  const T lf = upper ? P * t : -(P * t);
  const T D = T(12) * P2 - T(3) * lf * lf;
  const T g = squareRoot(D > T(0) ? D : T(0));  // pair gap
  if (!(g >= T(kFastGap) * mb)) return false;
  const T lp = (-lf - g) * T(0.5), hp = (-lf + g) * T(0.5);
  const T l0 = upper ? lp : lf, l1 = upper ? hp : lp, l2 = upper ? lf : hp;
  const T x0 = (l0 + m2) + m, x1 = (l1 + m2) + m, x2 = (l2 + m2) + m;
  // clusters: only a user tolerance can reach here with gaps >= kFastGap mb
  if (relTol >= T(0)) {
    const T tol = relTol * max2(absT(x0), absT(x2));
    if (!((l1 - l0) > tol) || !((l2 - l1) > tol)) return false;
  } else if (!(g > T(3) * L::eps * max2(absT(x0), absT(x2)))) {
    return false;
  }
  out.lambda[0] = x0, out.lambda[1] = x1, out.lambda[2] = x2;
  const T l[3] = {l0, l1, l2};
  T n[3][3], is[3];
  identity3(l, b0, b1, b2, q10, q20, q21, n, is);
  for (int a = 0; a < 3; ++a)
    for (int i = 0; i < 3; ++i) out.w[a][i] = clamp01(n[a][i] * is[i]);
  return true;
}

/// Runs the kernel of size N on the (screened) N x N matrix A. Fast: |V|^2 only (eigenvalues to ~16 eps ||A||
/// instead of ~4 eps): try the well-separated fast path first, fall back to the careful kernel.
template <int N, bool Vectors, bool Fast, typename M>
DPTZ_FORCE_INLINE void run(const M& A, RealOf<typename M::Scalar> relTol, Result<RealOf<typename M::Scalar>, N>& out) {
  using T = RealOf<typename M::Scalar>;
  constexpr bool Cx = Eigen::NumTraits<typename M::Scalar>::IsComplex;
  if constexpr (N == 2) {
    kernel2<T, Cx, Vectors>(load2(A), relTol, out);
  } else if constexpr (Fast && !Vectors) {
    const Herm3<T> h = load3(A);
    if (!fast3<T, Cx>(h, relTol, out)) kernel3Abs2<T, Cx>(h, relTol, out);
  } else {
    kernel3<T, Cx, Vectors>(load3(A), relTol, out);
  }
}

/// W(a, i) = |v_i(a)|^2 from a kernel's result, into any matrix with coeffRef (Eigen's fixed-size matrices).
template <typename T, int N, typename Out>
DPTZ_FORCE_INLINE void storeAbs2(const Result<T, N>& r, Out& W) {
  for (int i = 0; i < N; ++i)
    for (int a = 0; a < N; ++a) W.coeffRef(a, i) = r.w[a][i];
}

/// Relative cluster tolerance as the kernels read it: negative means the default (n eps).
template <typename T>
DPTZ_FORCE_INLINE T kernelTolerance(T clusterTolerance) {
  // An infinite tolerance means one cluster; capped at the largest finite value, inf * 0 cannot make a NaN.
  if (clusterTolerance < T(0)) return T(-1);
  return clusterTolerance > Limits<T>::largest ? Limits<T>::largest : clusterTolerance;
}

}  // namespace small
}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_SMALL_KERNEL_HPP
