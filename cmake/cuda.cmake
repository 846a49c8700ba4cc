# CUDA support: option DPTZ_WITH_CUDA (default ON when a CUDA compiler works) and the INTERFACE target dptz::cuda
# (dptz::dptz plus the CUDA runtime and the nvcc flags Eigen needs in device code). dptz::dptz stays header-only
# and CUDA-free; only targets that link dptz::cuda compile .cu files.
include(CheckLanguage)

if(DEFINED DPTZ_WITH_CUDA AND NOT DPTZ_WITH_CUDA)  # switched off: no compiler check
  message(STATUS "dptz: CUDA OFF")
  return()
endif()

# nvcc is often installed off PATH: point check_language at the toolkit's usual place unless a compiler was named.
if(NOT DEFINED CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX})
  find_program(DPTZ_NVCC nvcc HINTS /usr/local/cuda/bin ENV CUDA_PATH PATH_SUFFIXES bin)
  if(DPTZ_NVCC)
    set(ENV{CUDACXX} "${DPTZ_NVCC}")
  endif()
endif()
check_language(CUDA)
if(CMAKE_CUDA_COMPILER)
  set(DPTZ_CUDA_FOUND ON)
else()
  set(DPTZ_CUDA_FOUND OFF)
endif()

option(DPTZ_WITH_CUDA "Build the CUDA launcher's tests and benchmark (dptz/cuda/*.cuh) with nvcc" ${DPTZ_CUDA_FOUND})
if(NOT DPTZ_WITH_CUDA)
  message(STATUS "dptz: CUDA OFF")
  return()
endif()
if(NOT DPTZ_CUDA_FOUND)
  message(FATAL_ERROR "DPTZ_WITH_CUDA=ON but no working CUDA compiler was found (set CMAKE_CUDA_COMPILER)")
endif()

# Without a GPU at configure time CMake cannot detect one: default to Hopper (H100/H200) when nothing is set.
if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
  set(CMAKE_CUDA_ARCHITECTURES 90)
endif()
if(NOT DEFINED CMAKE_CUDA_STANDARD)
  set(CMAKE_CUDA_STANDARD 17)
  set(CMAKE_CUDA_STANDARD_REQUIRED ON)
endif()
enable_language(CUDA)
find_package(CUDAToolkit REQUIRED)

add_library(dptz_cuda INTERFACE)
add_library(dptz::cuda ALIAS dptz_cuda)
target_link_libraries(dptz_cuda INTERFACE dptz::dptz CUDA::cudart_static)
# Eigen's fixed-size types in device code call constexpr host functions (std::numeric_limits, std::complex);
# warning 20012 is Eigen 3.4's __host__ __device__ on defaulted members, harmless (Eigen 5 has none).
# --fmad=false: no contraction into fused multiply-adds, so the device rounds every operation as the CPU path does
# (x86-64 without -mfma) and |V|^2 agrees with it bit for bit (docs/small.md, section Accuracy on the GPU).
option(DPTZ_CUDA_NO_FMAD "Compile dptz::cuda targets with --fmad=false (results bitwise equal to the CPU path)" ON)
if(CMAKE_CUDA_COMPILER_ID STREQUAL "NVIDIA")
  target_compile_options(dptz_cuda INTERFACE
                         $<$<COMPILE_LANGUAGE:CUDA>:--expt-relaxed-constexpr --diag-suppress=20012>
                         $<$<AND:$<COMPILE_LANGUAGE:CUDA>,$<BOOL:${DPTZ_CUDA_NO_FMAD}>>:--fmad=false>)
endif()
# Warnings for our .cu files (host side through the host compiler; Eigen comes in as a system header).
add_library(dptz_cuda_warnings INTERFACE)
if(CMAKE_CUDA_COMPILER_ID STREQUAL "NVIDIA")
  target_compile_options(dptz_cuda_warnings INTERFACE
                         $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall,-Wextra $<$<BOOL:${DPTZ_WERROR}>:-Werror=all-warnings>>)
endif()
message(STATUS "dptz: CUDA ON (${CMAKE_CUDA_COMPILER}, CUDA ${CUDAToolkit_VERSION}, "
               "architectures ${CMAKE_CUDA_ARCHITECTURES})")
