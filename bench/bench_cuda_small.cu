// Throughput of dptz::cuda::eigenvectorsAbs2Batch (array of structures) and eigenvectorsAbs2BatchSoA against
// cuSOLVER's batched Jacobi eigensolver (?syevjBatched / ?heevjBatched, values and vectors, then |V|^2) on the same
// random Hermitian 3x3 matrices, and against a copy kernel moving the same bytes (the bandwidth ceiling).
// Timing: CUDA events around each call on one stream, median of --reps runs after one untimed run.
// cuSOLVER's workspace query fails above some batch (2^22 on an H200 with CUDA 13): larger batches run as calls of
// --cusolver-chunk-log2 matrices one after another on the same matrices, timed in total, --cusolver-big-reps runs.
// cuSOLVER is loaded at run time (dlopen), so the program runs, without the cuSOLVER rows, where it is missing.
//
//   bench_cuda_small [--min-log2 16] [--max-log2 26] [--cusolver-max-log2 26] [--reps 7] [--cusolver-reps 3]
//                    [--cusolver-chunk-log2 20] [--cusolver-big-reps 1] [--csv FILE] [--json FILE] [--markdown FILE]
#include <dptz/cuda/small.cuh>

#include <cuda_runtime.h>
#include <cusolverDn.h>
#include <dlfcn.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

void check(cudaError_t code, const char* what) {
  if (code != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(code));
}

struct Options {
  int minLog2 = 16, maxLog2 = 26, cusolverMaxLog2 = 26, reps = 7, cusolverReps = 3, cusolverChunkLog2 = 20,
      cusolverBigReps = 1;
  std::string csv, json, markdown;
};

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument("missing value after " + a);
      return argv[++i];
    };
    if (a == "--min-log2") o.minLog2 = std::stoi(next());
    else if (a == "--max-log2") o.maxLog2 = std::stoi(next());
    else if (a == "--cusolver-max-log2") o.cusolverMaxLog2 = std::stoi(next());
    else if (a == "--reps") o.reps = std::stoi(next());
    else if (a == "--cusolver-reps") o.cusolverReps = std::stoi(next());
    else if (a == "--cusolver-chunk-log2") o.cusolverChunkLog2 = std::stoi(next());
    else if (a == "--cusolver-big-reps") o.cusolverBigReps = std::stoi(next());
    else if (a == "--csv") o.csv = next();
    else if (a == "--json") o.json = next();
    else if (a == "--markdown") o.markdown = next();
    else throw std::invalid_argument("unknown argument " + a);
  }
  return o;
}

// ---- cuSOLVER, resolved at run time ---------------------------------------------------------------------------------

struct Cusolver {
  void* lib = nullptr;
  decltype(&cusolverDnCreate) create = nullptr;
  decltype(&cusolverDnDestroy) destroy = nullptr;
  decltype(&cusolverDnSetStream) setStream = nullptr;
  decltype(&cusolverDnCreateSyevjInfo) createInfo = nullptr;
  decltype(&cusolverDnDestroySyevjInfo) destroyInfo = nullptr;
  decltype(&cusolverDnSsyevjBatched_bufferSize) sBuf = nullptr;
  decltype(&cusolverDnDsyevjBatched_bufferSize) dBuf = nullptr;
  decltype(&cusolverDnCheevjBatched_bufferSize) cBuf = nullptr;
  decltype(&cusolverDnZheevjBatched_bufferSize) zBuf = nullptr;
  decltype(&cusolverDnSsyevjBatched) s = nullptr;
  decltype(&cusolverDnDsyevjBatched) d = nullptr;
  decltype(&cusolverDnCheevjBatched) c = nullptr;
  decltype(&cusolverDnZheevjBatched) z = nullptr;
  cusolverDnHandle_t handle = nullptr;
  std::string status = "not loaded";

  template <typename F>
  void bind(F& f, const char* name) {
    f = reinterpret_cast<F>(dlsym(lib, name));
    if (f == nullptr) throw std::runtime_error(std::string("missing symbol ") + name);
  }
  bool load(cudaStream_t stream) {
    for (const char* name : {"libcusolver.so.12", "libcusolver.so.11", "libcusolver.so"})
      if ((lib = dlopen(name, RTLD_NOW | RTLD_LOCAL)) != nullptr) break;
    if (lib == nullptr) {
      status = std::string("not available (dlopen: ") + dlerror() + ")";
      return false;
    }
    try {
      bind(create, "cusolverDnCreate");
      bind(destroy, "cusolverDnDestroy");
      bind(setStream, "cusolverDnSetStream");
      bind(createInfo, "cusolverDnCreateSyevjInfo");
      bind(destroyInfo, "cusolverDnDestroySyevjInfo");
      bind(sBuf, "cusolverDnSsyevjBatched_bufferSize");
      bind(dBuf, "cusolverDnDsyevjBatched_bufferSize");
      bind(cBuf, "cusolverDnCheevjBatched_bufferSize");
      bind(zBuf, "cusolverDnZheevjBatched_bufferSize");
      bind(s, "cusolverDnSsyevjBatched");
      bind(d, "cusolverDnDsyevjBatched");
      bind(c, "cusolverDnCheevjBatched");
      bind(z, "cusolverDnZheevjBatched");
    } catch (const std::exception& e) {
      status = std::string("not usable: ") + e.what();
      return false;
    }
    if (create(&handle) != CUSOLVER_STATUS_SUCCESS || setStream(handle, stream) != CUSOLVER_STATUS_SUCCESS) {
      status = "cusolverDnCreate failed";
      return false;
    }
    status = "loaded";
    return true;
  }
};

/// The ?syevjBatched / ?heevjBatched call for each value type (A overwritten by the eigenvectors).
template <typename M>
struct Jacobi;
template <>
struct Jacobi<Eigen::Matrix3f> {
  using T = float;
  static cusolverStatus_t buffer(Cusolver& cs, int n, void* A, float* W, int* lwork, syevjInfo_t p, int batch) {
    return cs.sBuf(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W, lwork,
                   p, batch);
  }
  static cusolverStatus_t run(Cusolver& cs, int n, void* A, float* W, void* work, int lwork, int* info, syevjInfo_t p,
                              int batch) {
    return cs.s(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W,
                static_cast<T*>(work), lwork, info, p, batch);
  }
};
template <>
struct Jacobi<Eigen::Matrix3d> {
  using T = double;
  static cusolverStatus_t buffer(Cusolver& cs, int n, void* A, double* W, int* lwork, syevjInfo_t p, int batch) {
    return cs.dBuf(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W, lwork,
                   p, batch);
  }
  static cusolverStatus_t run(Cusolver& cs, int n, void* A, double* W, void* work, int lwork, int* info,
                              syevjInfo_t p, int batch) {
    return cs.d(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W,
                static_cast<T*>(work), lwork, info, p, batch);
  }
};
template <>
struct Jacobi<Eigen::Matrix3cf> {
  using T = cuComplex;
  static cusolverStatus_t buffer(Cusolver& cs, int n, void* A, float* W, int* lwork, syevjInfo_t p, int batch) {
    return cs.cBuf(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W, lwork,
                   p, batch);
  }
  static cusolverStatus_t run(Cusolver& cs, int n, void* A, float* W, void* work, int lwork, int* info, syevjInfo_t p,
                              int batch) {
    return cs.c(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W,
                static_cast<T*>(work), lwork, info, p, batch);
  }
};
template <>
struct Jacobi<Eigen::Matrix3cd> {
  using T = cuDoubleComplex;
  static cusolverStatus_t buffer(Cusolver& cs, int n, void* A, double* W, int* lwork, syevjInfo_t p, int batch) {
    return cs.zBuf(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W, lwork,
                   p, batch);
  }
  static cusolverStatus_t run(Cusolver& cs, int n, void* A, double* W, void* work, int lwork, int* info,
                              syevjInfo_t p, int batch) {
    return cs.z(cs.handle, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, static_cast<T*>(A), n, W,
                static_cast<T*>(work), lwork, info, p, batch);
  }
};

// ---- device helpers -------------------------------------------------------------------------------------------------

__device__ double uniformOf(unsigned long long x) {  // splitmix64 -> [-1, 1)
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  x ^= x >> 31;
  return double(x >> 11) * (2.0 / 9007199254740992.0) - 1.0;
}

/// Random Hermitian matrices (entries uniform in [-1, 1), real diagonal).
template <typename M>
__global__ void fillRandom(M* A, long long n) {
  const long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= n) return;
  using S = typename M::Scalar;
  using R = typename M::RealScalar;
  M a;
  for (int c = 0; c < 3; ++c)
    for (int r = c; r < 3; ++r) {
      const unsigned long long seed = (unsigned long long)k * 64 + r * 8 + c;
      S x;
      if constexpr (Eigen::NumTraits<S>::IsComplex)
        x = S(R(uniformOf(2 * seed)), r == c ? R(0) : R(uniformOf(2 * seed + 1)));
      else
        x = S(R(uniformOf(seed)));
      a(r, c) = x;
      a(c, r) = Eigen::numext::conj(x);
    }
  A[k] = a;
}

/// The structure-of-arrays components of A (the order of eigenvectorsAbs2BatchSoA).
template <typename M>
__global__ void toSoa(const M* A, typename M::RealScalar* c, long long n) {
  const long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= n) return;
  const M a = A[k];
  int j = 0;
  for (int d = 0; d < 3; ++d) c[(j++) * n + k] = Eigen::numext::real(a(d, d));
  for (int col = 0; col < 3; ++col)
    for (int row = col + 1; row < 3; ++row) {
      c[(j++) * n + k] = Eigen::numext::real(a(row, col));
      if constexpr (Eigen::NumTraits<typename M::Scalar>::IsComplex) c[(j++) * n + k] = Eigen::numext::imag(a(row, col));
    }
}

/// Reads inWords and writes outWords 16-byte words (the traffic of a kernel with those input and output sizes).
__global__ void copyBytes(const uint4* __restrict__ in, long long inWords, uint4* __restrict__ out, long long outWords) {
  const long long words = inWords > outWords ? inWords : outWords;
  for (long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x; k < words; k += (long long)gridDim.x * blockDim.x) {
    uint4 v = k < inWords ? in[k] : make_uint4(unsigned(k), 0u, 0u, 0u);
    if (k + outWords < inWords) {  // input twice the output: fold the second half in
      const uint4 w = in[k + outWords];
      v.x ^= w.x, v.y ^= w.y, v.z ^= w.z, v.w ^= w.w;
    }
    if (k < outWords) out[k] = v;
  }
}

/// W(j, i) = |V(j, i)|^2 from cuSOLVER's eigenvectors (column-major, in place of A).
template <typename M>
__global__ void abs2OfVectors(const M* V, dptz::cuda::Abs2Type<M>* W, long long n) {
  const long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= n) return;
  dptz::cuda::Abs2Type<M> w;
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) w(j, i) = Eigen::numext::abs2(V[k](j, i));
  W[k] = w;
}

/// max |a - b| over all entries, as the bits of a non-negative double (ordered like the values).
template <typename W>
__global__ void maxDiff(const W* a, const W* b, long long n, unsigned long long* result) {
  const long long k = (long long)blockIdx.x * blockDim.x + threadIdx.x;
  if (k >= n) return;
  double m = 0;
  for (int e = 0; e < W::SizeAtCompileTime; ++e) m = fmax(m, fabs(double(a[k](e)) - double(b[k](e))));
  atomicMax(result, static_cast<unsigned long long>(__double_as_longlong(m)));
}

unsigned blocksFor(long long n, int threads = 256) { return unsigned((n + threads - 1) / threads); }

template <typename F>
double medianMs(int reps, cudaStream_t stream, F call, bool warmUp = true) {
  cudaEvent_t start, stop;
  check(cudaEventCreate(&start), "cudaEventCreate");
  check(cudaEventCreate(&stop), "cudaEventCreate");
  if (warmUp) {
    call();  // untimed
    check(cudaStreamSynchronize(stream), "warm-up");
  }
  std::vector<double> ms;
  for (int r = 0; r < reps; ++r) {
    check(cudaEventRecord(start, stream), "cudaEventRecord");
    call();
    check(cudaEventRecord(stop, stream), "cudaEventRecord");
    check(cudaEventSynchronize(stop), "cudaEventSynchronize");
    float t = 0;
    check(cudaEventElapsedTime(&t, start, stop), "cudaEventElapsedTime");
    ms.push_back(t);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

struct Row {
  std::string type, method;
  long long n;
  double ms, perSecond, bytes, note;
};

template <typename T>
struct DeviceMemory {
  T* p = nullptr;
  explicit DeviceMemory(std::size_t count) { check(cudaMalloc(reinterpret_cast<void**>(&p), count * sizeof(T)), "cudaMalloc"); }
  ~DeviceMemory() { cudaFree(p); }
  DeviceMemory(const DeviceMemory&) = delete;
  DeviceMemory& operator=(const DeviceMemory&) = delete;
};

template <typename M>
void benchType(const char* name, const Options& o, Cusolver& cs, cudaStream_t stream, std::vector<Row>& rows) {
  using W = dptz::cuda::Abs2Type<M>;
  using R = typename M::RealScalar;
  constexpr int C = dptz::cuda::soaComponents<M>();
  const long long maxN = 1LL << o.maxLog2;
  const int cusolverLog2 = std::max(0, std::min(o.cusolverMaxLog2, o.maxLog2));
  DeviceMemory<M> A(maxN), work(std::size_t(1) << std::min(cusolverLog2, o.cusolverChunkLog2));
  DeviceMemory<W> out(maxN), ref(std::size_t(1) << cusolverLog2);
  DeviceMemory<R> soaIn(std::size_t(C) * maxN), soaOut(std::size_t(9) * maxN);
  DeviceMemory<unsigned long long> diff(1);
  fillRandom<<<blocksFor(maxN), 256, 0, stream>>>(A.p, maxN);
  check(cudaGetLastError(), "fillRandom");
  bool cusolverOk = cs.handle != nullptr;
  std::string cusolverNote = cs.status, chunkNote;
  for (int lg = o.minLog2; lg <= o.maxLog2; lg += 2) {
    const long long n = 1LL << lg;
    toSoa<<<blocksFor(n), 256, 0, stream>>>(A.p, soaIn.p, n);
    check(cudaGetLastError(), "toSoa");
    const double aosBytes = double(n) * double(sizeof(M) + sizeof(W)), soaBytes = double(n) * double(sizeof(R)) * (C + 9);
    auto add = [&](const std::string& method, double ms, double bytes, double note = 0) {
      rows.push_back({name, method, n, ms, double(n) / (ms * 1e-3), bytes, note});
    };
    add("dptz_aos", medianMs(o.reps, stream, [&] { dptz::cuda::eigenvectorsAbs2Batch(A.p, A.p + n, out.p, stream); }),
        aosBytes);
    add("dptz_soa",
        medianMs(o.reps, stream, [&] { dptz::cuda::eigenvectorsAbs2BatchSoA<M>(soaIn.p, n, soaOut.p, stream); }),
        soaBytes);
    const long long inWords = n * static_cast<long long>(sizeof(M)) / 16, outWords = n * static_cast<long long>(sizeof(W)) / 16;
    add("copy_aos_bytes", medianMs(o.reps, stream, [&] {
          copyBytes<<<4096, 256, 0, stream>>>(reinterpret_cast<const uint4*>(A.p), inWords,
                                              reinterpret_cast<uint4*>(out.p), outWords);
        }), aosBytes);
    const long long soaInWords = n * C * static_cast<long long>(sizeof(R)) / 16, soaOutWords = n * 9 * static_cast<long long>(sizeof(R)) / 16;
    add("copy_soa_bytes", medianMs(o.reps, stream, [&] {
          copyBytes<<<4096, 256, 0, stream>>>(reinterpret_cast<const uint4*>(soaIn.p), soaInWords,
                                              reinterpret_cast<uint4*>(soaOut.p), soaOutWords);
        }), soaBytes);
    check(cudaGetLastError(), "copyBytes");
    if (!cusolverOk || lg > o.cusolverMaxLog2) continue;
    // one call per chunk of at most 2^chunkLog2 matrices; the largest chunk the workspace query accepts
    int chunkLog2 = std::min(lg, o.cusolverChunkLog2), lwork = 0;
    DeviceMemory<R> lambda(std::size_t(3) << chunkLog2);
    DeviceMemory<int> info(std::size_t(1) << chunkLog2);
    syevjInfo_t params = nullptr;
    if (cs.createInfo(&params) != CUSOLVER_STATUS_SUCCESS) {
      cusolverOk = false;
      cusolverNote = "cusolverDnCreateSyevjInfo failed";
      continue;
    }
    while (chunkLog2 >= 10 && (Jacobi<M>::buffer(cs, 3, work.p, lambda.p, &lwork, params, 1 << chunkLog2) !=
                                   CUSOLVER_STATUS_SUCCESS || lwork <= 0))
      --chunkLog2;
    if (chunkLog2 < 10) {
      cs.destroyInfo(params);
      cusolverOk = false;
      cusolverNote = "bufferSize failed at batch 2^" + std::to_string(std::min(lg, o.cusolverChunkLog2));
      continue;
    }
    const long long chunk = 1LL << chunkLog2;
    DeviceMemory<typename Jacobi<M>::T> ws{std::size_t(lwork)};
    cusolverStatus_t st = CUSOLVER_STATUS_SUCCESS;
    const bool chunked = n > chunk;
    const int reps = chunked ? o.cusolverBigReps : o.cusolverReps;
    const double ms = medianMs(reps, stream, [&] {
      for (long long begin = 0; begin < n; begin += chunk) {
        check(cudaMemcpyAsync(work.p, A.p + begin, chunk * sizeof(M), cudaMemcpyDeviceToDevice, stream), "copy");
        const cusolverStatus_t s = Jacobi<M>::run(cs, 3, work.p, lambda.p, ws.p, lwork, info.p, params, int(chunk));
        if (st == CUSOLVER_STATUS_SUCCESS) st = s;
        abs2OfVectors<<<blocksFor(chunk), 256, 0, stream>>>(work.p, ref.p + begin, chunk);
      }
    }, !chunked);  // a chunked pass repeats calls already warmed up at 2^chunkLog2
    cs.destroyInfo(params);
    if (st != CUSOLVER_STATUS_SUCCESS) {
      cusolverOk = false;
      cusolverNote = "syevjBatched returned " + std::to_string(int(st)) + " at batch 2^" + std::to_string(lg);
      continue;
    }
    // the timed region includes restoring A (cuSOLVER overwrites it): subtract separately timed copies
    const double copyMs = medianMs(o.cusolverReps, stream, [&] {
      for (long long begin = 0; begin < n; begin += chunk)
        check(cudaMemcpyAsync(work.p, A.p + begin, chunk * sizeof(M), cudaMemcpyDeviceToDevice, stream), "copy");
    });
    if (chunked) chunkNote = "batches above 2^" + std::to_string(chunkLog2) + " ran as calls of 2^" + std::to_string(chunkLog2);
    // agreement of dptz with cuSOLVER on these matrices (max |W_dptz - W_cusolver|, in eps of the type)
    dptz::cuda::eigenvectorsAbs2Batch(A.p, A.p + n, out.p, stream);
    check(cudaMemsetAsync(diff.p, 0, sizeof(unsigned long long), stream), "memset");
    maxDiff<<<blocksFor(n), 256, 0, stream>>>(out.p, ref.p, n, diff.p);
    unsigned long long bits = 0;
    check(cudaMemcpyAsync(&bits, diff.p, sizeof bits, cudaMemcpyDeviceToHost, stream), "copy");
    check(cudaStreamSynchronize(stream), "sync");
    double maxDiffValue;
    std::memcpy(&maxDiffValue, &bits, sizeof maxDiffValue);
    add("cusolver_syevj_batched", ms - copyMs, aosBytes, maxDiffValue / double(std::numeric_limits<R>::epsilon()));
  }
  if (!chunkNote.empty()) rows.push_back({name, "cusolver_chunks: " + chunkNote, 0, 0, 0, 0, 0});
  std::replace(cusolverNote.begin(), cusolverNote.end(), '"', '\'');
  if (!cusolverOk) rows.push_back({name, "cusolver_note: " + cusolverNote, 0, 0, 0, 0, 0});
}

std::string deviceReport(std::ostream& json) {
  int dev = 0, runtime = 0, driver = 0, smClock = 0, memClock = 0, busWidth = 0;
  check(cudaGetDevice(&dev), "cudaGetDevice");
  cudaDeviceProp p;
  check(cudaGetDeviceProperties(&p, dev), "cudaGetDeviceProperties");
  cudaRuntimeGetVersion(&runtime);
  cudaDriverGetVersion(&driver);
  cudaDeviceGetAttribute(&smClock, cudaDevAttrClockRate, dev);
  cudaDeviceGetAttribute(&memClock, cudaDevAttrMemoryClockRate, dev);
  cudaDeviceGetAttribute(&busWidth, cudaDevAttrGlobalMemoryBusWidth, dev);
  const double peakBw = 2.0 * memClock * 1e3 * busWidth / 8 / 1e12;
  std::ostringstream os;
  os << "GPU: " << p.name << " (sm_" << p.major << p.minor << ", " << p.multiProcessorCount << " SMs, "
     << double(p.totalGlobalMem) / (1 << 30) << " GiB)\n"
     << "SM clock (peak attribute): " << smClock / 1000 << " MHz; memory clock: " << memClock / 1000 << " MHz, bus "
     << busWidth << " bit, 2 x clock x bus = " << peakBw << " TB/s\n"
     << "CUDA runtime " << runtime / 1000 << "." << (runtime % 1000) / 10 << ", driver " << driver / 1000 << "."
     << (driver % 1000) / 10 << "\n";
  json << "  \"device\": {\"name\": \"" << p.name << "\", \"sm\": \"" << p.major << p.minor
       << "\", \"multiprocessors\": " << p.multiProcessorCount << ", \"sm_clock_mhz\": " << smClock / 1000
       << ", \"memory_clock_mhz\": " << memClock / 1000 << ", \"memory_bus_bits\": " << busWidth
       << ", \"cuda_runtime\": " << runtime << ", \"cuda_driver\": " << driver << "},\n";
  return os.str();
}

const Row* findRow(const std::vector<Row>& rows, const std::string& type, const std::string& method, long long n) {
  for (const Row& r : rows)
    if (r.type == type && r.method == method && r.n == n) return &r;
  return nullptr;
}

}  // namespace

int main(int argc, char** argv) try {
  const Options o = parse(argc, argv);
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || count == 0) {
    std::printf("bench_cuda_small: no CUDA device; nothing measured\n");
    return 0;
  }
  cudaStream_t stream;
  check(cudaStreamCreate(&stream), "cudaStreamCreate");
  std::ostringstream json;
  json << "{\n";
  const std::string device = deviceReport(json);
  std::printf("%s", device.c_str());
  Cusolver cs;
  cs.load(stream);
  char cusolverLine[320];
  std::snprintf(cusolverLine, sizeof cusolverLine,
                "cuSOLVER: %s (batched Jacobi up to 2^%d matrices in calls of at most 2^%d, one after another on the "
                "same matrices; %d runs, %d above 2^%d; dptz and copies %d runs; medians)\n",
                cs.status.c_str(), o.cusolverMaxLog2, o.cusolverChunkLog2, o.cusolverReps, o.cusolverBigReps,
                o.cusolverChunkLog2, o.reps);
  std::printf("%s", cusolverLine);
  std::vector<Row> rows;
  benchType<Eigen::Matrix3cd>("complex<double> 3x3", o, cs, stream, rows);
  benchType<Eigen::Matrix3cf>("complex<float> 3x3", o, cs, stream, rows);
  benchType<Eigen::Matrix3d>("double 3x3", o, cs, stream, rows);
  benchType<Eigen::Matrix3f>("float 3x3", o, cs, stream, rows);

  std::ostringstream table, md;
  md << "| matrix | batch | dptz AoS (matrices/s) | dptz SoA (matrices/s) | cuSOLVER syevjBatched (matrices/s) | AoS / "
        "cuSOLVER | AoS / copy | SoA / copy | dptz vs cuSOLVER max abs diff (eps) |\n|---|---|---|---|---|---|---|---|---|\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-20s %6s %11s %11s %11s %9s %8s %8s %10s\n", "matrix", "batch", "AoS/s", "SoA/s",
                "cuSOLVER/s", "AoS/cuS", "AoS/copy", "SoA/copy", "diff(eps)");
  table << line;
  json << "  \"results\": [\n";
  bool first = true;
  std::ostringstream csv;
  csv << "type,method,n,median_ms,matrices_per_s,bytes,GB_per_s,note\n";
  for (const Row& r : rows) {
    csv << '"' << r.type << "\"," << r.method << ',' << r.n << ',' << r.ms << ',' << r.perSecond << ',' << r.bytes << ','
        << (r.ms > 0 ? r.bytes / (r.ms * 1e-3) / 1e9 : 0) << ',' << r.note << '\n';
    json << (first ? "" : ",\n") << "    {\"type\": \"" << r.type << "\", \"method\": \"" << r.method
         << "\", \"n\": " << r.n << ", \"median_ms\": " << r.ms << ", \"matrices_per_s\": " << r.perSecond
         << ", \"bytes\": " << r.bytes << ", \"note\": " << r.note << "}";
    first = false;
    if (r.method != "dptz_aos") {
      if (r.method.rfind("cusolver_", 0) == 0 && r.n == 0) table << r.type << ": " << r.method << "\n";
      continue;
    }
    const Row* soa = findRow(rows, r.type, "dptz_soa", r.n);
    const Row* cus = findRow(rows, r.type, "cusolver_syevj_batched", r.n);
    const Row* ca = findRow(rows, r.type, "copy_aos_bytes", r.n);
    const Row* cso = findRow(rows, r.type, "copy_soa_bytes", r.n);
    char cusS[32] = "-", ratio[32] = "-", diff[32] = "-";
    if (cus != nullptr) {
      std::snprintf(cusS, sizeof cusS, "%.3g", cus->perSecond);
      std::snprintf(ratio, sizeof ratio, "%.0fx", r.perSecond / cus->perSecond);
      std::snprintf(diff, sizeof diff, "%.3g", cus->note);
    }
    const double fa = r.perSecond / ca->perSecond, fs = soa->perSecond / cso->perSecond;
    std::snprintf(line, sizeof line, "%-20s 2^%-4d %11.3g %11.3g %11s %9s %8.2f %8.2f %10s\n", r.type.c_str(),
                  int(std::log2(double(r.n))), r.perSecond, soa->perSecond, cusS, ratio, fa, fs, diff);
    table << line;
    std::snprintf(line, sizeof line, "| %s | 2^%d | %.3g | %.3g | %s | %s | %.2f | %.2f | %s |\n", r.type.c_str(),
                  int(std::log2(double(r.n))), r.perSecond, soa->perSecond, cusS, ratio, fa, fs, diff);
    md << line;
  }
  json << "\n  ]\n}\n";
  std::printf("\n%s", table.str().c_str());
  std::printf("\nAoS/copy, SoA/copy: throughput as a fraction of a copy kernel moving the same bytes (AoS: the input "
              "matrices and the |V|^2 matrices; SoA: the components and the |V|^2 arrays). dptz timings include "
              "the device screen of the input and its synchronization. cuSOLVER: values and vectors, then |V|^2.\n");
  if (!o.csv.empty()) std::ofstream(o.csv) << csv.str();
  if (!o.json.empty()) std::ofstream(o.json) << json.str();
  if (!o.markdown.empty()) std::ofstream(o.markdown) << device << cusolverLine << "\n" << md.str();
  cudaStreamDestroy(stream);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_cuda_small: %s\n", e.what());
  return 1;
}
