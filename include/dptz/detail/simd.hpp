// dptz — SIMD lanes on Eigen's packet layer (internal; the one place dptz uses Eigen::internal).
//
// Lanes<T, L> holds L values of T as L / PS Eigen packets (SSE2 at the compiler's default x86-64 target, AVX /
// AVX-512 / NEON / ... where the build enables them, plain scalars under EIGEN_DONT_VECTORIZE). Every operation runs
// on all packets, so the independent dependency chains of the packets interleave. Host only. Works with Eigen 3.4
// and 5 (only find_best_packet, unpacket_traits and the p* packet functions common to both are used).
#ifndef DPTZ_DETAIL_SIMD_HPP
#define DPTZ_DETAIL_SIMD_HPP

#include <cmath>
#include <type_traits>

#include <Eigen/Core>

#include "host_device.hpp"
#include "small_kernel.hpp"

// Host-only force-inline (the lanes never run on a CUDA device).
#if defined(__GNUC__) || defined(__clang__)
#define DPTZ_SIMD_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define DPTZ_SIMD_INLINE __forceinline
#else
#define DPTZ_SIMD_INLINE inline
#endif

namespace dptz {
namespace detail {
namespace simd {

template <typename T, int L>
struct Lanes {
  using Packet = typename Eigen::internal::find_best_packet<T, L>::type;
  static constexpr int PS = Eigen::internal::unpacket_traits<Packet>::size, NP = L / PS;
  static_assert(L % PS == 0, "Lanes: L must be a multiple of the packet size");
  Packet p[NP];
  static DPTZ_SIMD_INLINE Lanes constant(T x) {
    Lanes r;
    for (int k = 0; k < NP; ++k) r.p[k] = Eigen::internal::pset1<Packet>(x);
    return r;
  }
  static DPTZ_SIMD_INLINE Lanes load(const T* x) {
    Lanes r;
    for (int k = 0; k < NP; ++k) r.p[k] = Eigen::internal::ploadu<Packet>(x + k * PS);
    return r;
  }
  DPTZ_SIMD_INLINE void store(T* x) const {
    for (int k = 0; k < NP; ++k) Eigen::internal::pstoreu(x + k * PS, p[k]);
  }
};

#define DPTZ_SIMD_LANES_BINARY(NAME, EXPR)                                          \
  template <typename T, int L>                                                      \
  DPTZ_SIMD_INLINE Lanes<T, L> NAME(const Lanes<T, L>& a, const Lanes<T, L>& b) {  \
    using namespace Eigen::internal;                                                \
    Lanes<T, L> r;                                                                  \
    for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = EXPR;                        \
    return r;                                                                       \
  }
DPTZ_SIMD_LANES_BINARY(operator+, padd(a.p[k], b.p[k]))
DPTZ_SIMD_LANES_BINARY(operator-, psub(a.p[k], b.p[k]))
DPTZ_SIMD_LANES_BINARY(operator*, pmul(a.p[k], b.p[k]))
DPTZ_SIMD_LANES_BINARY(operator/, pdiv(a.p[k], b.p[k]))
DPTZ_SIMD_LANES_BINARY(vmax, pmax(a.p[k], b.p[k]))
DPTZ_SIMD_LANES_BINARY(vmin, pmin(a.p[k], b.p[k]))
DPTZ_SIMD_LANES_BINARY(operator<, pcmp_lt(a.p[k], b.p[k]))  // masks: all bits set where true
DPTZ_SIMD_LANES_BINARY(operator<=, pcmp_le(a.p[k], b.p[k]))
DPTZ_SIMD_LANES_BINARY(operator&, pand(a.p[k], b.p[k]))
#undef DPTZ_SIMD_LANES_BINARY

template <typename T, int L>
DPTZ_SIMD_INLINE Lanes<T, L> operator-(const Lanes<T, L>& a) {
  Lanes<T, L> r;
  for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = Eigen::internal::pnegate(a.p[k]);
  return r;
}
template <typename T, int L>
DPTZ_SIMD_INLINE Lanes<T, L> vabs(const Lanes<T, L>& a) {
  Lanes<T, L> r;
  for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = Eigen::internal::pabs(a.p[k]);
  return r;
}
/// Correctly rounded square roots: Eigen's double packets use the hardware instruction, but its float packets use a
/// reciprocal-square-root estimate under EIGEN_FAST_MATH (the default; a few ulp off), so float goes lane by lane.
template <typename T, int L>
DPTZ_SIMD_INLINE Lanes<T, L> vsqrt(const Lanes<T, L>& a) {
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
DPTZ_SIMD_INLINE Lanes<T, L> vsel(const Lanes<T, L>& mask, const Lanes<T, L>& a, const Lanes<T, L>& b) {
  Lanes<T, L> r;
  for (int k = 0; k < Lanes<T, L>::NP; ++k) r.p[k] = Eigen::internal::pselect(mask.p[k], a.p[k], b.p[k]);
  return r;
}

}  // namespace simd

namespace small {
/// Constants of the shared scalar / lanes formulas (farRootGuess, farRootOneDivision, identity3) on lanes.
template <typename T, int L>
struct Splat<simd::Lanes<T, L>> {
  static DPTZ_SIMD_INLINE simd::Lanes<T, L> of(double c) { return simd::Lanes<T, L>::constant(T(c)); }
};
}  // namespace small

}  // namespace detail
}  // namespace dptz

#endif  // DPTZ_DETAIL_SIMD_HPP
