// dptz — the batched 2x2 / 3x3 |V|^2 driver's blocks: SIMD screen and 3x3 fast path over lanes (internal, host only).
#ifndef DPTZ_DETAIL_SMALL_BATCH_HPP
#define DPTZ_DETAIL_SMALL_BATCH_HPP

#include <cstddef>
#include <type_traits>

#include <Eigen/Core>

#include "simd.hpp"
#include "small_kernel.hpp"

namespace dptz {
namespace detail {
namespace small {

/// fast3 over L matrices at once, structure of arrays: in[k][l] = component k (d0 d1 d2 r10 i10 r20 i20 r21 i21) of
/// lane l; writes w[3 a + i][l] = |v_i(a)|^2 and bad[l] = 1 for the lanes outside the fast path's domain, 0 for the
/// others (a bad lane's w is garbage, possibly NaN: recompute it with kernel3, exactly as fast3 would decline it).
/// The same arithmetic in the same order as fast3, on SIMD lanes because GCC's vectorizer gives up on the scalar
/// form (its selects, and the libm sqrt under -fmath-errno). Per matrix: 3 divisions and 2 square roots, no branch.
template <typename T, bool Cx, int L>
inline void fast3Lanes(const T (&in)[9][L], T relTol, T (&w)[9][L], T (&bad)[L]) {
  using V = simd::Lanes<T, L>;
  using Lim = Limits<T>;
  const T bigS = fastBig<T>();
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
  const V pt = P * farRootOneDivision(r);
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
  identity3(lam, c0, c1, c2, s10, s20, s21, n, is);
  for (int a = 0; a < 3; ++a)
    for (int i = 0; i < 3; ++i) vmin(vmax(n[a][i] * is[i], zero), one).store(w[3 * a + i]);
}

/// Matrices per SIMD block of the batched driver. Block b always holds matrices [B b, B b + B), so every matrix is
/// computed by the same instructions in the same lane whatever the thread count: results are bitwise identical.
constexpr std::ptrdiff_t kBlock = 8;

template <int N>
struct BlockShape {
  static constexpr int in = N == 2 ? 4 : 9, out = N * N;
};

/// One block: 3x3 through fast3Lanes, its out-of-domain lanes (exactly those fast3 declines) recomputed one by one
/// by kernel3, as the single-matrix path; 2x2 lane by lane (the kernel is force-inlined). count: live lanes (the
/// rest is padding).
template <int N, bool Cx, typename Real>
inline void simdLoop(const Real (&in)[BlockShape<N>::in][kBlock], Real (&w)[BlockShape<N>::out][kBlock], Real relTol,
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
/// max |A(r, c) - conj A(c, r)|^2 <= t^2 (S / 20)^2, t = 100 n eps. Since S / 20 < max|component| <= S, that implies
/// inputCheck's Ok (with its larger bound t^2 max|A(r, c)|^2), so only the lanes that fail here need the scalar
/// screen (Hermitian to worse than t / 20 relative, or extreme scales).
template <int N, bool Cx, typename Real, typename InIt>
inline void screenBlock(InIt first, std::ptrdiff_t begin, std::ptrdiff_t count, Real (&pass)[kBlock]) {
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
  using V = simd::Lanes<Real, int(kBlock)>;
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
  const Real t = hermitianTol<Real>(N);
  const V mcLow = S * V::constant(Real(1) / Real(20));
  const V ok = (V::constant(Real(1) / lim) < mcLow) & (S < V::constant(lim)) &
               (d2 <= V::constant(t * t) * (mcLow * mcLow));
  vsel(ok, V::constant(Real(1)), V::constant(Real(0))).store(pass);
}

/// |V|^2 of matrices [begin, begin + count) of first (count <= kBlock, already screened) written to out.
template <int N, bool Cx, typename Real, typename InIt, typename OutIt>
inline void batchBlock(InIt first, OutIt out, std::ptrdiff_t begin, std::ptrdiff_t count, Real relTol) {
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
}  // namespace dptz

#endif  // DPTZ_DETAIL_SMALL_BATCH_HPP
