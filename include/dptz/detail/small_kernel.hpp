// dptz — closed-form kernels for 2x2 and 3x3 Hermitian matrices (internal).
//
// Branch-free scalar code (selects only; the only libm call is sqrt). The batched driver runs the 3x3 fast path
// (fast3) as fast3Lanes, the same arithmetic on Eigen packets over a block of matrices (structure of arrays), and
// this scalar code for the lanes the fast path declines. Input is the lower triangle (real diagonal, complex or real
// sub-diagonal entries), already checked.
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
//     projector diagonal equally (DESIGN.md);
//  5. eigenvectors (optional): the pair's from a Jacobi rotation of the 2x2 restriction, mapped back through u, w —
//     orthonormal by construction, even for exactly repeated eigenvalues.
#ifndef DPTZ_DETAIL_SMALL_KERNEL_HPP
#define DPTZ_DETAIL_SMALL_KERNEL_HPP

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include <Eigen/Core>

#if defined(__GNUC__) || defined(__clang__)
#define DPTZ_SMALL_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define DPTZ_SMALL_INLINE __forceinline
#else
#define DPTZ_SMALL_INLINE inline
#endif
#if defined(__GNUC__) || defined(__clang__)
#define DPTZ_SMALL_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define DPTZ_SMALL_NOINLINE __declspec(noinline)
#else
#define DPTZ_SMALL_NOINLINE
#endif

namespace dptz {
namespace detail {
namespace small {

template <typename T>
struct Herm2 {
  T d0, d1;    // diagonal (real)
  T re, im;    // A(1, 0)
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

template <typename T>
DPTZ_SMALL_INLINE T sel(bool c, T a, T b) {
  return c ? a : b;
}
template <typename T>
DPTZ_SMALL_INLINE T max2(T a, T b) {
  return a < b ? b : a;
}
template <typename T>
DPTZ_SMALL_INLINE T clamp01(T x) {
  return x < T(0) ? T(0) : (x > T(1) ? T(1) : x);
}

/// Complex number whose imaginary part is dropped at compile time for real matrices.
template <typename T, bool Cx>
struct Z {
  T re, im;
};
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> mk(T re, T im) {
  return {re, Cx ? im : T(0)};
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> operator+(Z<T, Cx> a, Z<T, Cx> b) {
  if constexpr (Cx) return {a.re + b.re, a.im + b.im};
  else return {a.re + b.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> operator-(Z<T, Cx> a, Z<T, Cx> b) {
  if constexpr (Cx) return {a.re - b.re, a.im - b.im};
  else return {a.re - b.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> operator-(Z<T, Cx> a) {
  if constexpr (Cx) return {-a.re, -a.im};
  else return {-a.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> operator*(Z<T, Cx> a, Z<T, Cx> b) {
  if constexpr (Cx) return {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re};
  else return {a.re * b.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> operator*(T s, Z<T, Cx> a) {
  if constexpr (Cx) return {s * a.re, s * a.im};
  else return {s * a.re, T(0)};
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> cj(Z<T, Cx> a) {
  if constexpr (Cx) return {a.re, -a.im};
  else return a;
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE T abs2(Z<T, Cx> a) {
  if constexpr (Cx) return a.re * a.re + a.im * a.im;
  else return a.re * a.re;
}
/// Re(conj(a) b)
template <typename T, bool Cx>
DPTZ_SMALL_INLINE T reDot(Z<T, Cx> a, Z<T, Cx> b) {
  if constexpr (Cx) return a.re * b.re + a.im * b.im;
  else return a.re * b.re;
}
template <typename T, bool Cx>
DPTZ_SMALL_INLINE Z<T, Cx> selz(bool c, Z<T, Cx> a, Z<T, Cx> b) {
  if constexpr (Cx) return {c ? a.re : b.re, c ? a.im : b.im};
  else return {c ? a.re : b.re, T(0)};
}
template <typename T>
DPTZ_SMALL_INLINE T absT(T x) {
  return x < T(0) ? -x : x;
}

/// 1/sqrt(x) for x > 0. (A bit-level guess plus Newton steps would avoid the libm call that blocks GCC's
/// vectorizer under errno semantics, but the kernel does not vectorize for other reasons and the Newton chain is
/// latency-bound: measured slower than the hardware square root in the scalar loop.)
template <typename T>
DPTZ_SMALL_INLINE T invSqrt(T x) {
  return T(1) / std::sqrt(x);
}

/// sqrt(x) for x >= 0.
template <typename T>
DPTZ_SMALL_INLINE T sqrtPos(T x) {
  return std::sqrt(x < T(0) ? T(0) : x);
}

template <typename T>
struct Limits {
  static constexpr T eps = std::numeric_limits<T>::epsilon();
  static constexpr T tiny = std::numeric_limits<T>::min();        // below: exact prescale first
  static constexpr T prescale = T(1) / (eps * eps);                // power of two
  static constexpr T negligible = std::numeric_limits<T>::min() / eps;  // B' relative to A' below this: B' = 0
};

/// 2x2 Hermitian [[h, conj z], [z, -h]] (traceless, rad = sqrt(h^2 + |z|^2), e = rad + |h|): unit eigenvector of +rad
/// as (x, y), chosen without cancellation; (0, 1) for the zero matrix.
template <typename T, bool Cx>
DPTZ_SMALL_INLINE void topVector2(T h, Z<T, Cx> z, T zz, T e, Z<T, Cx>& x, Z<T, Cx>& y) {
  const bool pos = h >= T(0);
  // h >= 0: (e, z); h < 0: (conj z, e)
  Z<T, Cx> xx = selz(pos, mk<T, Cx>(e, T(0)), cj(z));
  Z<T, Cx> yy = selz(pos, z, mk<T, Cx>(e, T(0)));
  const T n2 = e * e + zz;
  const bool zero = !(n2 > T(0));
  const T inv = sel(zero, T(0), invSqrt(zero ? T(1) : n2));
  x = inv * xx;
  y = selz(zero, mk<T, Cx>(T(1), T(0)), inv * yy);
}

/// 2x2 kernel. relTol < 0: cluster tolerance 2 eps max|lambda|; else relTol * max|lambda|.
template <typename T, bool Cx, bool Vectors>
DPTZ_SMALL_INLINE void kernel2(const Herm2<T>& in, T relTol, Result<T, 2>& out) {
  using L = Limits<T>;
  T ma = max2(max2(absT(in.d0), absT(in.d1)), max2(absT(in.re), Cx ? absT(in.im) : T(0)));
  const T pre = sel(ma < L::tiny, L::prescale, T(1));
  ma *= pre;
  const T s = sel(ma > T(0), T(1) / (ma > T(0) ? ma : T(1)), T(0));  // applied after the exact prescale
  const T a0 = (in.d0 * pre) * s, a1 = (in.d1 * pre) * s;
  const Z<T, Cx> z = mk<T, Cx>((in.re * pre) * s, (in.im * pre) * s);
  const T m = (a0 + a1) * T(0.5), h = (a0 - a1) * T(0.5);
  const T zz = abs2(z);
  const T rad = sqrtPos(h * h + zz);
  const T lo = m - rad, hi = m + rad;
  const T back = ma / pre;
  out.lambda[0] = lo * back;
  out.lambda[1] = hi * back;
  const T norm = max2(absT(lo), absT(hi));
  const T tol = (relTol < T(0) ? T(2) * L::eps : relTol) * norm;
  const bool cluster = T(2) * rad <= tol;
  const T e = rad + absT(h);
  const T smallPart = sel(e > T(0), zz / (e > T(0) ? e : T(1)), T(0));
  const bool pos = h >= T(0);
  const T x = sel(pos, e, smallPart), y = sel(pos, smallPart, e);  // |v_hi(0)|^2, |v_hi(1)|^2 up to 1/(x + y)
  const T sum = x + y;
  const T inv = sel(sum > T(0), T(1) / (sum > T(0) ? sum : T(1)), T(0));
  const T w0 = sel(cluster, T(0.5), clamp01(x * inv)), w1 = sel(cluster, T(0.5), clamp01(y * inv));
  out.w[0][1] = w0;
  out.w[1][1] = w1;
  out.w[0][0] = w1;
  out.w[1][0] = w0;
  if constexpr (Vectors) {
    Z<T, Cx> vx, vy;
    topVector2<T, Cx>(h, z, zz, e, vx, vy);
    // hi = (vx, vy); lo = (-conj vy, conj vx)
    const Z<T, Cx> lx = -cj(vy), ly = cj(vx);
    out.vr[0][0] = lx.re, out.vi[0][0] = lx.im;
    out.vr[1][0] = ly.re, out.vi[1][0] = ly.im;
    out.vr[0][1] = vx.re, out.vi[0][1] = vx.im;
    out.vr[1][1] = vy.re, out.vi[1][1] = vy.im;
  }
}

/// Far root t of t^3 - 3t = 2r, r in [0, 1]: t in [sqrt3, 2]. Quartic least-squares guess (error <= 2e-5), then two
/// Newton steps (quadratic, constant <= 0.9): error ~1e-19.
template <typename T>
DPTZ_SMALL_INLINE T farRoot(T r) {
  T t = T(1.7320688616740545) +
        r * (T(0.33275260480385033) +
             r * (T(-0.091714386650363799) + r * (T(0.035008667085839738) + r * T(-0.0081293487384971018))));
  for (int k = 0; k < 2; ++k) {
    const T t2 = t * t;
    t -= (t * (t2 - T(3)) - T(2) * r) / (T(3) * (t2 - T(1)));
  }
  return t;
}

/// farRoot with one division: a Halley step from the quartic guess (error ~0.6 e0^3 ~ 5e-15), then a Newton step
/// whose 1/f' is the Halley step's 2 f'/(2 f'^2 - f f'') (relative mismatch ~ 2e-5): error <= 1 ulp of t on [0, 1]
/// (measured 1.9e-16 against long double on 10^6 points, as farRoot).
template <typename T>
DPTZ_SMALL_INLINE T farRootOneDivision(T r) {
  const T t = T(1.7320688616740545) +
              r * (T(0.33275260480385033) +
                   r * (T(-0.091714386650363799) + r * (T(0.035008667085839738) + r * T(-0.0081293487384971018))));
  const T t2 = t * t, f = t * (t2 - T(3)) - T(2) * r, fp = T(3) * (t2 - T(1)), fpp = T(6) * t;
  const T inv = T(1) / (T(2) * fp * fp - f * fpp);
  const T t1 = t - T(2) * f * fp * inv, g = T(2) * fp * inv;
  return t1 - (t1 * (t1 * t1 - T(3)) - T(2) * r) * g;
}

template <typename T, bool Cx, bool Vectors>
DPTZ_SMALL_INLINE void kernel3(const Herm3<T>& in, T relTol, Result<T, 3>& out) {
  using L = Limits<T>;
  using C = Z<T, Cx>;
  // ---- normalize A: A' = A / maxA (entries in [-1, 1]) ----
  T ma = max2(max2(absT(in.d0), absT(in.d1)), absT(in.d2));
  ma = max2(ma, max2(max2(absT(in.r10), absT(in.r20)), absT(in.r21)));
  if constexpr (Cx) ma = max2(ma, max2(max2(absT(in.i10), absT(in.i20)), absT(in.i21)));
  const T pre = sel(ma < L::tiny, L::prescale, T(1));
  ma *= pre;
  const T sA = sel(ma > T(0), T(1) / (ma > T(0) ? ma : T(1)), T(0));  // applied after the exact prescale
  const T a0 = (in.d0 * pre) * sA, a1 = (in.d1 * pre) * sA, a2 = (in.d2 * pre) * sA;
  const T m = (a0 + a1 + a2) * T(1.0 / 3.0);
  // ---- shift and normalize again: B' = (A' - m I) / maxB ----
  const T e0 = a0 - m, e1 = a1 - m, e2 = a2 - m;
  const T r10 = (in.r10 * pre) * sA, r20 = (in.r20 * pre) * sA, r21 = (in.r21 * pre) * sA;
  const T i10 = Cx ? (in.i10 * pre) * sA : T(0), i20 = Cx ? (in.i20 * pre) * sA : T(0),
          i21 = Cx ? (in.i21 * pre) * sA : T(0);
  T mb = max2(max2(absT(e0), absT(e1)), absT(e2));
  mb = max2(mb, max2(max2(absT(r10), absT(r20)), absT(r21)));
  if constexpr (Cx) mb = max2(mb, max2(max2(absT(i10), absT(i20)), absT(i21)));
  const bool live = mb > L::negligible;
  const T sB = sel(live, T(1) / (live ? mb : T(1)), T(0));
  mb = sel(live, mb, T(0));
  // Re-center: when B is tiny next to A' (nearly scalar A) the rounding of m is not tiny next to B, and the
  // formulas below need tr B' = 0.
  const T g0 = e0 * sB, g1 = e1 * sB, g2 = e2 * sB;
  const T m2 = (g0 + g1 + g2) * T(1.0 / 3.0);
  const T b0 = g0 - m2, b1 = g1 - m2, b2 = g2 - m2;
  const C z10 = mk<T, Cx>(r10 * sB, i10 * sB), z20 = mk<T, Cx>(r20 * sB, i20 * sB),
          z21 = mk<T, Cx>(r21 * sB, i21 * sB);
  const T q10 = abs2(z10), q20 = abs2(z20), q21 = abs2(z21);

  // ---- far eigenvalue (trigonometric form, Newton instead of acos/cos) ----
  const T P2 = (b0 * b0 + b1 * b1 + b2 * b2 + T(2) * (q10 + q20 + q21)) * T(1.0 / 6.0);
  const T P = sqrtPos(P2);
  const T det = b0 * b1 * b2 - b0 * q21 - b1 * q20 - b2 * q10 + T(2) * reDot(z20, z10 * z21);
  const T P3 = P * P2;
  T r = sel(P3 > T(0), det / (T(2) * (P3 > T(0) ? P3 : T(1))), T(0));
  const bool upper = r >= T(0);  // far = largest when det >= 0
  r = absT(r);
  r = r > T(1) ? T(1) : r;
  const T lf = sel(upper, T(1), T(-1)) * P * farRoot(r);

  // ---- adjugate of C = B' - lf I: its diagonal = p_{M_j}(lf), its columns ~ v_f ----
  const T c0 = b0 - lf, c1 = b1 - lf, c2 = b2 - lf;
  T A0 = c1 * c2 - q21, A1 = c0 * c2 - q20, A2 = c0 * c1 - q10;
  const C X10 = cj(z21) * z20 - c2 * z10;  // adj(1,0)
  const C X20 = z10 * z21 - c1 * z20;      // adj(2,0)
  const C X21 = z20 * cj(z10) - c0 * z21;  // adj(2,1)
  const T adjTrace = A0 + A1 + A2;
  const bool p1 = (A1 > A0) & (A1 >= A2), p2 = (!p1) & (A2 > A0);  // pivot j: 0, 1 or 2 (no short circuits: SIMD)
  // column j: j=0 (A0, X10, X20); j=1 (conj X10, A1, X21); j=2 (conj X20, conj X21, A2)
  T piv = sel(p2, A2, sel(p1, A1, A0));
  C f0 = selz(p2, cj(X20), selz(p1, cj(X10), mk<T, Cx>(A0, T(0))));
  C f1 = selz(p2, cj(X21), selz(p1, mk<T, Cx>(A1, T(0)), X10));
  C f2 = selz(p2, mk<T, Cx>(A2, T(0)), selz(p1, X21, X20));
  {
    const T n2 = abs2(f0) + abs2(f1) + abs2(f2);
    const bool ok = n2 > T(0);
    const T inv = sel(ok, invSqrt(ok ? n2 : T(1)), T(0));
    // zero column (B' = 0): v_f = e_j
    f0 = selz((!ok) & (!p1) & (!p2), mk<T, Cx>(T(1), T(0)), inv * f0);
    f1 = selz((!ok) & p1, mk<T, Cx>(T(1), T(0)), inv * f1);
    f2 = selz((!ok) & p2, mk<T, Cx>(T(1), T(0)), inv * f2);
    (void)piv;
  }
  // ---- orthonormal u, w spanning v_f^perp: u from the pivot pair (j, j+1) ----
  const T n01 = abs2(f0) + abs2(f1), n12 = abs2(f1) + abs2(f2), n20 = abs2(f2) + abs2(f0);
  const T nu = sel(p2, n20, sel(p1, n12, n01));
  const T iu = invSqrt(nu);  // nu >= 1/3
  const C zero = mk<T, Cx>(T(0), T(0));
  // j=0: (conj f1, -conj f0, 0); j=1: (0, conj f2, -conj f1); j=2: (-conj f2, 0, conj f0)
  const C u0 = iu * selz(p2, -cj(f2), selz(p1, zero, cj(f1)));
  const C u1 = iu * selz(p2, zero, selz(p1, cj(f2), -cj(f0)));
  const C u2 = iu * selz(p2, cj(f0), selz(p1, -cj(f1), zero));
  // w = conj(v x u)
  const C w0 = cj(f1 * u2 - f2 * u1), w1 = cj(f2 * u0 - f0 * u2), w2 = cj(f0 * u1 - f1 * u0);
  // ---- 2x2 restriction [[a, b], [conj b, c]] = [u w]^* B' [u w] ----
  // B' x: row0 = (b0, conj z10, conj z20), row1 = (z10, b1, conj z21), row2 = (z20, z21, b2)
  const C bw0 = b0 * w0 + cj(z10) * w1 + cj(z20) * w2;
  const C bw1 = z10 * w0 + b1 * w1 + cj(z21) * w2;
  const C bw2 = z20 * w0 + z21 * w1 + b2 * w2;
  const C bu0 = b0 * u0 + cj(z10) * u1 + cj(z20) * u2;
  const C bu1 = z10 * u0 + b1 * u1 + cj(z21) * u2;
  const C bu2 = z20 * u0 + z21 * u1 + b2 * u2;
  const T ra = reDot(u0, bu0) + reDot(u1, bu1) + reDot(u2, bu2);
  const T rc = reDot(w0, bw0) + reDot(w1, bw1) + reDot(w2, bw2);
  // b = u^* (B' w) = sum conj(u_k) bw_k
  const C rb = cj(u0) * bw0 + cj(u1) * bw1 + cj(u2) * bw2;
  const T mid = (ra + rc) * T(0.5), hh = (ra - rc) * T(0.5), bb = abs2(rb);
  const T rad = sqrtPos(hh * hh + bb);
  const T lp = mid - rad, hp = mid + rad;  // the pair, in B' units

  // ---- eigenvalues ascending, back in A units ----
  const T l0 = sel(upper, lp, lf), l1 = sel(upper, hp, lp), l2 = sel(upper, lf, hp);
  const T backA = ma / pre;
  const T x0 = (l0 + m2) * mb + m, x1 = (l1 + m2) * mb + m, x2 = (l2 + m2) * mb + m;  // A' units
  out.lambda[0] = x0 * backA;
  out.lambda[1] = x1 * backA;
  out.lambda[2] = x2 * backA;

  // ---- clusters (A' units: tol = n eps max|lambda| by default) ----
  const T norm = max2(absT(x0), absT(x2));
  const T tol = (relTol < T(0) ? T(3) * L::eps : relTol) * norm;
  const bool pairCl = T(2) * rad * mb <= tol;
  const T farGap = sel(upper, lf - hp, lp - lf);
  const bool tripleCl = farGap * mb <= tol;

  // ---- |V|^2: column far from the adjugate diagonal, the pair from the minors' characteristic polynomials ----
  const bool tr0 = adjTrace > T(0);
  const T it = sel(tr0, T(1) / (tr0 ? adjTrace : T(1)), T(0));
  const T wf0 = clamp01(A0 * it), wf1 = clamp01(A1 * it), wf2 = clamp01(A2 * it);
  T wl0, wl1, wl2, wh0, wh1, wh2;
  {
    const T n0 = (lp - b1) * (lp - b2) - q21, n1 = (lp - b0) * (lp - b2) - q20, n2 = (lp - b0) * (lp - b1) - q10;
    const T sm = n0 + n1 + n2;
    const T is = sel(sm != T(0), T(1) / (sm != T(0) ? sm : T(1)), T(0));
    wl0 = clamp01(n0 * is), wl1 = clamp01(n1 * is), wl2 = clamp01(n2 * is);
  }
  {
    const T n0 = (hp - b1) * (hp - b2) - q21, n1 = (hp - b0) * (hp - b2) - q20, n2 = (hp - b0) * (hp - b1) - q10;
    const T sm = n0 + n1 + n2;
    const T is = sel(sm != T(0), T(1) / (sm != T(0) ? sm : T(1)), T(0));
    wh0 = clamp01(n0 * is), wh1 = clamp01(n1 * is), wh2 = clamp01(n2 * is);
  }
  // Pair gap below 1/8 of ||B'||: the minors' polynomials at the pair lose digits to cancellation (error ~
  // eps ||A||^2 / (gap G)); take the pair's columns from its closed-form vectors instead (Jacobi rotation in
  // span{u, w}: error ~ eps ||A|| / gap, and rows/columns stay stochastic to rounding).
  C x, y;
  topVector2<T, Cx>(hh, cj(rb), bb, rad + absT(hh), x, y);
  const C lx = -cj(y), ly = cj(x);
  const C V[3][3] = {{lx * u0 + ly * w0, x * u0 + y * w0, f0},
                     {lx * u1 + ly * w1, x * u1 + y * w1, f1},
                     {lx * u2 + ly * w2, x * u2 + y * w2, f2}};  // columns: pair lo, pair hi, far
  const bool pairByIdentity = T(2) * rad >= T(0.125);
  wl0 = sel(pairByIdentity, wl0, clamp01(abs2(V[0][0]))), wh0 = sel(pairByIdentity, wh0, clamp01(abs2(V[0][1])));
  wl1 = sel(pairByIdentity, wl1, clamp01(abs2(V[1][0]))), wh1 = sel(pairByIdentity, wh1, clamp01(abs2(V[1][1])));
  wl2 = sel(pairByIdentity, wl2, clamp01(abs2(V[2][0]))), wh2 = sel(pairByIdentity, wh2, clamp01(abs2(V[2][1])));
  const T third = T(1) / T(3);
  const T sh0 = (T(1) - wf0) * T(0.5), sh1 = (T(1) - wf1) * T(0.5), sh2 = (T(1) - wf2) * T(0.5);
  wl0 = sel(pairCl, sh0, wl0), wl1 = sel(pairCl, sh1, wl1), wl2 = sel(pairCl, sh2, wl2);
  wh0 = sel(pairCl, sh0, wh0), wh1 = sel(pairCl, sh1, wh1), wh2 = sel(pairCl, sh2, wh2);
  const T F[3] = {sel(tripleCl, third, wf0), sel(tripleCl, third, wf1), sel(tripleCl, third, wf2)};
  const T Lw[3] = {sel(tripleCl, third, wl0), sel(tripleCl, third, wl1), sel(tripleCl, third, wl2)};
  const T Hw[3] = {sel(tripleCl, third, wh0), sel(tripleCl, third, wh1), sel(tripleCl, third, wh2)};
  for (int a = 0; a < 3; ++a) {
    out.w[a][0] = sel(upper, Lw[a], F[a]);
    out.w[a][1] = sel(upper, Hw[a], Lw[a]);
    out.w[a][2] = sel(upper, F[a], Hw[a]);
  }

  if constexpr (Vectors) {
    for (int a = 0; a < 3; ++a) {
      const C c0v = selz(upper, V[a][0], V[a][2]);
      const C c1v = selz(upper, V[a][1], V[a][0]);
      const C c2v = selz(upper, V[a][2], V[a][1]);
      out.vr[a][0] = c0v.re, out.vi[a][0] = c0v.im;
      out.vr[a][1] = c1v.re, out.vi[a][1] = c1v.im;
      out.vr[a][2] = c2v.re, out.vi[a][2] = c2v.im;
    }
  }
}


/// kernel3 for |V|^2 as an out-of-line call: the fallback of the fast paths, kept out of their code (measured 5-10 %
/// faster one matrix per call than with the careful kernel inlined beside the fast path).
template <typename T, bool Cx>
DPTZ_SMALL_NOINLINE void kernel3Abs2(const Herm3<T>& in, T relTol, Result<T, 3>& out) {
  kernel3<T, Cx, false>(in, relTol, out);
}

/// The identity on a 3x3 matrix B with diagonal c0 c1 c2 and squared off-diagonal moduli q10 q20 q21, at its
/// eigenvalues l[0..2]: n[a][i] = p_{M_a}(l_i), the characteristic polynomial of the 2x2 minor without row and
/// column a, and |v_i(a)|^2 = n[a][i] * is[i] with is[i] = 1 / prod_{k != i}(l_i - l_k), that product taken as
/// sum_b p_{M_b}(l_i) = p_B'(l_i) (no eigenvalue differences) and the three inverted with one division.
/// T is a scalar (fast3) or Lanes (fast3Lanes): the same operations in the same order, so both agree bit for bit.
template <typename T>
DPTZ_SMALL_INLINE void identity3(const T (&l)[3], const T& c0, const T& c1, const T& c2, const T& q10, const T& q20,
                                 const T& q21, const T& one, T (&n)[3][3], T (&is)[3]) {
  T s[3];
  for (int i = 0; i < 3; ++i) {
    const T y0 = l[i] - c0, y1 = l[i] - c1, y2 = l[i] - c2;
    n[0][i] = y1 * y2 - q21;
    n[1][i] = y0 * y2 - q20;
    n[2][i] = y0 * y1 - q10;
    s[i] = n[0][i] + n[1][i] + n[2][i];
  }
  const T s01 = s[0] * s[1];
  const T inv = one / (s01 * s[2]);
  const T i2 = inv * s01, i01 = inv * s[2];
  is[0] = i01 * s[1], is[1] = i01 * s[0], is[2] = i2;
}

/// Fast path of the 3x3 |V|^2 kernel for the common well-separated case (no eigenvectors). Returns false, having
/// written nothing, when the matrix is outside its domain: max|A_ij| beyond 2^+-100 (float: 2^+-20), a (nearly)
/// scalar matrix, a pair gap below kFastGap max|B_ij| (B = A - tr(A)/3 I), or a gap at or below the cluster
/// tolerance. Then kernel3 (the careful path) must be used. Works on B unscaled (the domain keeps every product
/// below 1e200 and above 1e-200): two divisions and two square roots per matrix:
///  - B = A - m I, recentered so that tr B = 0 to rounding;
///  - far root by farRootOneDivision, the pair from the deflated quadratic x^2 + lf x + (lf^2 - 3 P^2) = 0:
///    its gap sqrt(12 P^2 - 3 lf^2) carries an absolute error ~ eps ||B||^2 / gap, harmless for gap >= kFastGap;
///  - |v_i(a)|^2 = p_{M_a}(lambda_i) / sum_b p_{M_b}(lambda_i) for all three eigenvalues, the three column sums
///    inverted with one division. Error of |V|^2 ~ eps ||B||^2 / gap^2 <= 64 eps at the threshold.
constexpr double kFastGap = 0.125;

template <typename T, bool Cx>
DPTZ_SMALL_INLINE bool fast3(const Herm3<T>& in, T relTol, Result<T, 3>& out) {
  using L = Limits<T>;
  constexpr bool isFloat = std::is_same<T, float>::value;
  const T big = isFloat ? T(1048576.0) : T(1.2676506002282294e30), small = T(1) / big;  // 2^20, 2^100
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
  const T P = std::sqrt(P2);
  const T det = b0 * (b1 * b2 - q21) - b1 * q20 - b2 * q10 + T(2) * triple;
  T r = det / (T(2) * P * P2);
  const bool upper = r >= T(0);
  r = absT(r);
  r = r > T(1) ? T(1) : r;
  const T t = farRootOneDivision(r);
  const T lf = upper ? P * t : -(P * t);
  const T D = T(12) * P2 - T(3) * lf * lf;
  const T g = std::sqrt(D > T(0) ? D : T(0));  // pair gap
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
  identity3(l, b0, b1, b2, q10, q20, q21, T(1), n, is);
  for (int a = 0; a < 3; ++a)
    for (int i = 0; i < 3; ++i) out.w[a][i] = clamp01(n[a][i] * is[i]);
  return true;
}

/// L lanes as L / PS Eigen packets (Eigen::internal: SSE2 at the compiler's default x86-64 target, AVX / AVX-512 /
/// NEON / ... where the build enables them, plain scalars under EIGEN_DONT_VECTORIZE). Every operation runs on all
/// packets, so the independent dependency chains of the packets interleave (the kernel is latency-bound per packet).
template <typename T, int L>
struct Lanes {
  using Pk = typename Eigen::internal::find_best_packet<T, L>::type;
  static constexpr int PS = Eigen::internal::unpacket_traits<Pk>::size, NP = L / PS;
  static_assert(L % PS == 0, "Lanes: L must be a multiple of the packet size");
  Pk p[NP];
  static DPTZ_SMALL_INLINE Lanes constant(T x) {
    Lanes r;
    for (int k = 0; k < NP; ++k) r.p[k] = Eigen::internal::pset1<Pk>(x);
    return r;
  }
  static DPTZ_SMALL_INLINE Lanes load(const T* x) {
    Lanes r;
    for (int k = 0; k < NP; ++k) r.p[k] = Eigen::internal::ploadu<Pk>(x + k * PS);
    return r;
  }
  DPTZ_SMALL_INLINE void store(T* x) const {
    for (int k = 0; k < NP; ++k) Eigen::internal::pstoreu(x + k * PS, p[k]);
  }
};
#define DPTZ_SMALL_LANES_BINARY(NAME, EXPR)                                            \
  template <typename T, int L>                                                         \
  DPTZ_SMALL_INLINE Lanes<T, L> NAME(const Lanes<T, L>& a, const Lanes<T, L>& b) {     \
    using namespace Eigen::internal;                                                   \
    Lanes<T, L> r;                                                                     \
    for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = EXPR;                           \
    return r;                                                                          \
  }
DPTZ_SMALL_LANES_BINARY(operator+, padd(a.p[k], b.p[k]))
DPTZ_SMALL_LANES_BINARY(operator-, psub(a.p[k], b.p[k]))
DPTZ_SMALL_LANES_BINARY(operator*, pmul(a.p[k], b.p[k]))
DPTZ_SMALL_LANES_BINARY(operator/, pdiv(a.p[k], b.p[k]))
DPTZ_SMALL_LANES_BINARY(vmax, pmax(a.p[k], b.p[k]))
DPTZ_SMALL_LANES_BINARY(vmin, pmin(a.p[k], b.p[k]))
DPTZ_SMALL_LANES_BINARY(operator<, pcmp_lt(a.p[k], b.p[k]))   // masks: all bits set where true
DPTZ_SMALL_LANES_BINARY(operator<=, pcmp_le(a.p[k], b.p[k]))
DPTZ_SMALL_LANES_BINARY(operator&, pand(a.p[k], b.p[k]))
#undef DPTZ_SMALL_LANES_BINARY
template <typename T, int L>
DPTZ_SMALL_INLINE Lanes<T, L> operator-(const Lanes<T, L>& a) {
  Lanes<T, L> r;
  for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = Eigen::internal::pnegate(a.p[k]);
  return r;
}
template <typename T, int L>
DPTZ_SMALL_INLINE Lanes<T, L> vabs(const Lanes<T, L>& a) {
  Lanes<T, L> r;
  for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = Eigen::internal::pabs(a.p[k]);
  return r;
}
/// Correctly rounded square roots: Eigen's double packets use the hardware instruction, but its float packets use a
/// reciprocal-square-root estimate under EIGEN_FAST_MATH (the default; a few ulp off), so float goes lane by lane.
template <typename T, int L>
DPTZ_SMALL_INLINE Lanes<T, L> vsqrt(const Lanes<T, L>& a) {
  Lanes<T, L> r;
  if constexpr (std::is_same<T, double>::value) {
    for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = Eigen::internal::psqrt(a.p[k]);
  } else {
    alignas(64) T x[L];
    a.store(x);
    for (int l = 0; l < L; ++l) x[l] = std::sqrt(x[l]);
    r = Lanes<T, L>::load(x);
  }
  return r;
}
/// mask ? a : b
template <typename T, int L>
DPTZ_SMALL_INLINE Lanes<T, L> vsel(const Lanes<T, L>& mask, const Lanes<T, L>& a, const Lanes<T, L>& b) {
  Lanes<T, L> r;
  for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = Eigen::internal::pselect(mask.p[k], a.p[k], b.p[k]);
  return r;
}

/// fast3 over L matrices at once, structure of arrays: in[k][l] = component k (d0 d1 d2 r10 i10 r20 i20 r21 i21) of
/// lane l; writes w[3 a + i][l] = |v_i(a)|^2 and bad[l] = 1 for the lanes outside the fast path's domain, 0 for the
/// others (a bad lane's w is garbage, possibly NaN: recompute it with kernel3, exactly as fast3 would decline it).
/// The same arithmetic in the same order as fast3, written on Eigen's packets (Lanes) because GCC's vectorizer gives
/// up on the scalar form (its selects, and the libm sqrt under -fmath-errno). Per matrix: 3 divisions and 2 square
/// roots, no branch.
template <typename T, bool Cx, int L>
DPTZ_SMALL_INLINE void fast3Lanes(const T (&in)[9][L], T relTol, T (&w)[9][L], T (&bad)[L]) {
  using V = Lanes<T, L>;
  using Lim = Limits<T>;
  constexpr bool isFloat = std::is_same<T, float>::value;
  const T bigS = isFloat ? T(1048576.0) : T(1.2676506002282294e30);
  const V zero = V::constant(T(0)), one = V::constant(T(1)), two = V::constant(T(2)), three = V::constant(T(3)),
          half = V::constant(T(0.5)), third = V::constant(T(1.0 / 3.0));
  const V d0 = V::load(in[0]), d1 = V::load(in[1]), d2 = V::load(in[2]);
  const V r10 = V::load(in[3]), r20 = V::load(in[5]), r21 = V::load(in[7]);
  V off = vmax(vmax(vabs(r10), vabs(r20)), vabs(r21));
  V s10 = r10 * r10, s20 = r20 * r20, s21 = r21 * r21, triple;
  if constexpr (Cx) {
    const V i10 = V::load(in[4]), i20 = V::load(in[6]), i21 = V::load(in[8]);
    off = vmax(off, vmax(vmax(vabs(i10), vabs(i20)), vabs(i21)));
    s10 = s10 + i10 * i10, s20 = s20 + i20 * i20, s21 = s21 + i21 * i21;
    const V pr = r10 * r21 - i10 * i21, pi = r10 * i21 + i10 * r21;
    triple = r20 * pr + i20 * pi;
  } else {
    triple = r20 * (r10 * r21);
  }
  const V ma = vmax(vmax(vmax(vabs(d0), vabs(d1)), vabs(d2)), off);
  const V m = (d0 + d1 + d2) * third;
  const V e0 = d0 - m, e1 = d1 - m, e2 = d2 - m;
  const V mb = vmax(vmax(vmax(vabs(e0), vabs(e1)), vabs(e2)), off);
  // in the domain: ma < big, mb > small, mb > 64 eps ma (all false on NaN)
  V ok = (ma < V::constant(bigS)) & (V::constant(T(1) / bigS) < mb) & (ma * V::constant(T(64) * Lim::eps) < mb);
  const V m2 = (e0 + e1 + e2) * third;
  const V c0 = e0 - m2, c1 = e1 - m2, c2 = e2 - m2;
  // (out-of-domain lanes may turn Inf / NaN from here on: they are discarded; no traps, no branches)
  const V P2 = (c0 * c0 + c1 * c1 + c2 * c2 + two * (s10 + s20 + s21)) * V::constant(T(1.0 / 6.0));
  const V P = vsqrt(P2);
  const V det = c0 * (c1 * c2 - s21) - c1 * s20 - c2 * s10 + two * triple;
  const V rs = det / (two * P * P2);
  const V upper = zero <= rs;
  const V r = vmin(vabs(rs), one);
  // farRootOneDivision
  const V t = V::constant(T(1.7320688616740545)) +
              r * (V::constant(T(0.33275260480385033)) +
                   r * (V::constant(T(-0.091714386650363799)) +
                        r * (V::constant(T(0.035008667085839738)) + r * V::constant(T(-0.0081293487384971018)))));
  const V tt = t * t, f = t * (tt - three) - two * r, fp = three * (tt - one), fpp = V::constant(T(6)) * t;
  const V inv = one / (two * fp * fp - f * fpp);
  const V t1 = t - two * f * fp * inv, gN = two * fp * inv;
  const V pt = P * (t1 - (t1 * (t1 * t1 - three) - two * r) * gN);
  const V lf = vsel(upper, pt, -pt);
  const V g = vsqrt(vmax(V::constant(T(12)) * P2 - three * pt * pt, zero));
  ok = ok & (V::constant(T(kFastGap)) * mb <= g);
  const V lp = (-lf - g) * half, hp = (-lf + g) * half;
  // ascending (lf is beyond the pair: |lf| >= sqrt3 P >= g): the selects of fast3 as min / max, same values
  const V l0 = vmin(lf, lp), l1 = vmax(lp, vmin(hp, lf)), l2 = vmax(lf, hp);
  const V norm = vmax(vabs(l0 + m2 + m), vabs(l2 + m2 + m));
  if (relTol >= T(0)) {
    const V tol = V::constant(relTol) * norm;
    ok = ok & (tol < l1 - l0) & (tol < l2 - l1);
  } else {
    ok = ok & (V::constant(T(3) * Lim::eps) * norm < g);
  }
  vsel(ok, zero, one).store(bad);
  const V lam[3] = {l0, l1, l2};
  V n[3][3], is[3];
  identity3(lam, c0, c1, c2, s10, s20, s21, one, n, is);
  for (int a = 0; a < 3; ++a)
    for (int i = 0; i < 3; ++i) vmin(vmax(n[a][i] * is[i], zero), one).store(w[3 * a + i]);
}

}  // namespace small
}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_SMALL_KERNEL_HPP
