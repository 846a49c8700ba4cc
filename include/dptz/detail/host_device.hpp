// dptz — function qualifiers for code that runs on the host and inside CUDA kernels (internal).
//
// DPTZ_HOST_DEVICE is `__host__ __device__` when the translation unit is compiled by a CUDA compiler and empty
// otherwise, so the closed-form 2x2 / 3x3 kernels are one code for both. Such functions throw nothing, allocate
// nothing, and call only functions that have device versions (sqrt).
#ifndef DPTZ_DETAIL_HOST_DEVICE_HPP
#define DPTZ_DETAIL_HOST_DEVICE_HPP

#if defined(__CUDACC__)
#define DPTZ_HOST_DEVICE __host__ __device__
#define DPTZ_FORCE_INLINE __host__ __device__ __forceinline__
#elif defined(__GNUC__) || defined(__clang__)
#define DPTZ_HOST_DEVICE
#define DPTZ_FORCE_INLINE inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define DPTZ_HOST_DEVICE
#define DPTZ_FORCE_INLINE __forceinline
#else
#define DPTZ_HOST_DEVICE
#define DPTZ_FORCE_INLINE inline
#endif

#if defined(__CUDACC__)
#define DPTZ_NOINLINE __host__ __device__ __noinline__
#elif defined(__GNUC__) || defined(__clang__)
#define DPTZ_NOINLINE __attribute__((noinline))
#elif defined(_MSC_VER)
#define DPTZ_NOINLINE __declspec(noinline)
#else
#define DPTZ_NOINLINE
#endif

// Before a DPTZ_HOST_DEVICE template that is also instantiated with host-only types (the SIMD lanes): those
// instantiations are never called from device code, so nvcc's host/device cross-call check does not apply.
#if defined(__CUDACC__)
#define DPTZ_HOST_DEVICE_TEMPLATE _Pragma("nv_exec_check_disable")
#else
#define DPTZ_HOST_DEVICE_TEMPLATE
#endif

#endif  // DPTZ_DETAIL_HOST_DEVICE_HPP
