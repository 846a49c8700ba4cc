// The example of docs/small.md, section "Device-callable API": a user's __global__ kernel calling the
// device-callable closed form on Eigen::Matrix3cd, one thread per matrix.
#include <dptz/small.hpp>

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

// [example-kernel]
__global__ void abs2Kernel(const Eigen::Matrix3cd* matrices, Eigen::Matrix3d* abs2, int* bad, int n) {
  const int k = blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= n) return;
  // W(j, i) = |v_i(j)|^2; on bad input (not finite, not Hermitian) abs2[k] is left untouched
  if (dptz::smallEigenvectorsAbs2Status(matrices[k], abs2[k]) != dptz::SmallStatus::Success) atomicAdd(bad, 1);
}
// [example-kernel]

std::vector<Eigen::Matrix3d> exampleAbs2OnDevice(const std::vector<Eigen::Matrix3cd>& matrices) {
  const int n = int(matrices.size());
  Eigen::Matrix3cd* in = nullptr;
  Eigen::Matrix3d* out = nullptr;
  int* bad = nullptr;
  std::vector<Eigen::Matrix3d> abs2(matrices.size());
  const bool ok = cudaMalloc(reinterpret_cast<void**>(&in), n * sizeof *in) == cudaSuccess &&
                  cudaMalloc(reinterpret_cast<void**>(&out), n * sizeof *out) == cudaSuccess &&
                  cudaMalloc(reinterpret_cast<void**>(&bad), sizeof *bad) == cudaSuccess &&
                  cudaMemcpy(in, matrices.data(), n * sizeof *in, cudaMemcpyHostToDevice) == cudaSuccess &&
                  cudaMemset(bad, 0, sizeof *bad) == cudaSuccess;
  if (ok) abs2Kernel<<<(n + 127) / 128, 128>>>(in, out, bad, n);
  int badCount = 0;
  const bool done = ok && cudaMemcpy(abs2.data(), out, n * sizeof *out, cudaMemcpyDeviceToHost) == cudaSuccess &&
                    cudaMemcpy(&badCount, bad, sizeof badCount, cudaMemcpyDeviceToHost) == cudaSuccess;
  cudaFree(in);
  cudaFree(out);
  cudaFree(bad);
  if (!done) throw std::runtime_error("exampleAbs2OnDevice: a CUDA call failed");
  if (badCount != 0) throw std::invalid_argument("exampleAbs2OnDevice: " + std::to_string(badCount) + " bad matrices");
  return abs2;
}
