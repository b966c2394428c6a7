// CUDA kernels for warpFaces, cosineMatrix and topK. The CUDA runtime is linked statically and loads
// the driver lazily, so the addon still loads (and reports cuda: false) where no driver exists.
#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "cuda_api.h"

namespace na::cuda {
namespace {

struct Failure {
  cudaError_t code;
};

void check(cudaError_t e) {
  if (e != cudaSuccess) throw Failure{e};
}

template <class T>
class DeviceArray {
 public:
  explicit DeviceArray(size_t n) { check(cudaMalloc(&p_, n ? n * sizeof(T) : 1)); }
  ~DeviceArray() { cudaFree(p_); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  T* get() const { return p_; }
  void upload(const T* src, size_t n) { check(cudaMemcpy(p_, src, n * sizeof(T), cudaMemcpyHostToDevice)); }
  void download(T* dst, size_t n) const { check(cudaMemcpy(dst, p_, n * sizeof(T), cudaMemcpyDeviceToHost)); }

 private:
  T* p_ = nullptr;
};

template <class F>
std::string run(F&& f) {
  try {
    f();
    check(cudaGetLastError());
    return "";
  } catch (const Failure& e) {
    return std::string(cudaGetErrorName(e.code)) + " (" + cudaGetErrorString(e.code) + ")";
  }
}

// Plain-value copy of WarpJob for the kernel (no host pointers).
struct WarpParams {
  int width, height, channels, size;
  int srcChannel[3];
  double mean[3], invStd[3];
};

// One thread per output pixel; the arithmetic of warp.cc, in double as there, so that the crops (and the
// embeddings of a GPU worker) match the CPU's to rounding.
__global__ void warpKernel(const uint8_t* __restrict__ image, const double* __restrict__ inverse, size_t count,
                           WarpParams p, float* __restrict__ out) {
  const size_t plane = static_cast<size_t>(p.size) * p.size;
  const size_t id = static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (id >= count * plane) return;
  const size_t f = id / plane;
  const int y = static_cast<int>(id % plane) / p.size, x = static_cast<int>(id % plane) % p.size;
  const double* mi = inverse + 6 * f;
  const double sx = mi[0] * x + mi[1] * y + mi[2];
  const double sy = mi[3] * x + mi[4] * y + mi[5];
  double v[3] = {0, 0, 0};
  if (sx > -1 && sx < p.width && sy > -1 && sy < p.height) {
    const int x0 = static_cast<int>(floor(sx)), y0 = static_cast<int>(floor(sy));
    const double fx = sx - x0, fy = sy - y0;
    const double wt[4] = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
    for (int n = 0; n < 4; ++n) {
      const int px = x0 + (n & 1), py = y0 + (n >> 1);
      if (px < 0 || py < 0 || px >= p.width || py >= p.height) continue;
      const uint8_t* q = image + (static_cast<size_t>(py) * p.width + px) * p.channels;
      for (int c = 0; c < 3; ++c) v[c] += wt[n] * q[c];
    }
  }
  for (int c = 0; c < 3; ++c)
    out[(f * 3 + c) * plane + static_cast<size_t>(y) * p.size + x] =
        static_cast<float>((v[p.srcChannel[c]] - p.mean[c]) * p.invStd[c]);
}

// One warp per row: inverse L2 norm (0 for zero rows, which makes their cosines 0).
__global__ void invNormKernel(const float* __restrict__ x, size_t rows, int dim, float* __restrict__ inv) {
  const size_t row = (static_cast<size_t>(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  const int lane = threadIdx.x % 32;
  if (row >= rows) return;
  float ss = 0;
  for (int k = lane; k < dim; k += 32) ss += x[row * dim + k] * x[row * dim + k];
  for (int off = 16; off > 0; off /= 2) ss += __shfl_down_sync(0xffffffffu, ss, off);
  if (lane == 0) inv[row] = ss > 0 ? 1.0f / sqrtf(ss) : 0.0f;
}

// C = A . B^T scaled by the inverse norms. 64x64 output tile per block of 16x16 threads, each
// thread owning a strided 4x4 set of outputs so shared-memory reads and global writes coalesce.
constexpr int TILE = 64, BK = 16;

__global__ void cosineKernel(const float* __restrict__ A, const float* __restrict__ B,
                             const float* __restrict__ invA, const float* __restrict__ invB, size_t na,
                             size_t nb, int dim, float* __restrict__ C) {
  __shared__ float As[BK][TILE + 1], Bs[BK][TILE + 1];  // +1 avoids bank conflicts on the transposed store
  const size_t row0 = static_cast<size_t>(blockIdx.y) * TILE, col0 = static_cast<size_t>(blockIdx.x) * TILE;
  const int tx = threadIdx.x, ty = threadIdx.y, tid = ty * 16 + tx;
  float acc[4][4] = {};
  for (int k0 = 0; k0 < dim; k0 += BK) {
    for (int l = 0; l < TILE * BK / 256; ++l) {
      const int e = tid + l * 256, r = e / BK, kk = e % BK;
      const bool kin = k0 + kk < dim;
      As[kk][r] = kin && row0 + r < na ? A[(row0 + r) * dim + k0 + kk] : 0.0f;
      Bs[kk][r] = kin && col0 + r < nb ? B[(col0 + r) * dim + k0 + kk] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float a[4], b[4];
#pragma unroll
      for (int i = 0; i < 4; ++i) {
        a[i] = As[kk][ty + 16 * i];
        b[i] = Bs[kk][tx + 16 * i];
      }
#pragma unroll
      for (int i = 0; i < 4; ++i)
#pragma unroll
        for (int j = 0; j < 4; ++j) acc[i][j] += a[i] * b[j];
    }
    __syncthreads();
  }
  for (int i = 0; i < 4; ++i) {
    const size_t r = row0 + ty + 16 * i;
    if (r >= na) continue;
    for (int j = 0; j < 4; ++j) {
      const size_t c = col0 + tx + 16 * j;
      if (c < nb) C[r * nb + c] = acc[i][j] * invA[r] * invB[c];
    }
  }
}

// ---- topK: a tile of score rows by cosineKernel, then each row's best by selectKernel ----
#include "select.cuh"

}  // namespace

const std::string& deviceError() {
  static const std::string error = [] {
    int n = 0;
    const cudaError_t e = cudaGetDeviceCount(&n);
    if (e != cudaSuccess) return std::string("no CUDA device: ") + cudaGetErrorString(e);
    return n > 0 ? std::string() : std::string("no CUDA device");
  }();
  return error;
}

std::string warpFaces(const WarpJob& job, float* out) {
  return run([&] {
    const size_t pixels = static_cast<size_t>(job.width) * job.height * job.channels;
    const size_t total = job.count * 3 * job.size * job.size;
    if (total == 0) return;
    DeviceArray<uint8_t> image(pixels);
    DeviceArray<double> inverse(job.count * 6);
    DeviceArray<float> result(total);
    image.upload(job.image, pixels);
    inverse.upload(job.inverse, job.count * 6);
    WarpParams p{job.width, job.height, job.channels, job.size, {}, {}, {}};
    for (int c = 0; c < 3; ++c) {
      p.srcChannel[c] = job.srcChannel[c];
      p.mean[c] = job.mean[c];
      p.invStd[c] = job.invStd[c];
    }
    const size_t threads = job.count * job.size * job.size;
    warpKernel<<<static_cast<unsigned>((threads + 255) / 256), 256>>>(image.get(), inverse.get(), job.count, p,
                                                                         result.get());
    check(cudaGetLastError());
    result.download(out, total);
  });
}

std::string cosineMatrix(const float* a, size_t na, const float* b, size_t nb, int dim, float* out) {
  return run([&] {
    if (na == 0 || nb == 0) return;
    if ((na + TILE - 1) / TILE > 65535) throw Failure{cudaErrorInvalidConfiguration};  // grid.y limit
    DeviceArray<float> A(na * dim), B(nb * dim), invA(na), invB(nb), C(na * nb);
    A.upload(a, na * dim);
    B.upload(b, nb * dim);
    invNormKernel<<<static_cast<unsigned>((na * 32 + 255) / 256), 256>>>(A.get(), na, dim, invA.get());
    invNormKernel<<<static_cast<unsigned>((nb * 32 + 255) / 256), 256>>>(B.get(), nb, dim, invB.get());
    const dim3 grid(static_cast<unsigned>((nb + TILE - 1) / TILE), static_cast<unsigned>((na + TILE - 1) / TILE));
    cosineKernel<<<grid, dim3(16, 16)>>>(A.get(), B.get(), invA.get(), invB.get(), na, nb, dim, C.get());
    check(cudaGetLastError());
    C.download(out, na * nb);
  });
}

std::string topK(const float* a, size_t na, const float* b, size_t nb, int dim, size_t k, bool excludeSelf,
                 int32_t* indices, float* scores) {
  return run([&] {
    if (na == 0) return;
    const size_t cap = std::min(k, nb);
    if (cap > 0) {
      // Rows of a per score tile: about 256 MiB of scores, whole 64-row tiles, within the grid's y limit.
      const size_t budget = (size_t{256} << 20) / sizeof(float) / nb / TILE * TILE;
      const size_t rows = std::min({std::max<size_t>(budget, TILE), (na + TILE - 1) / TILE * TILE, size_t{65535} * TILE});
      DeviceArray<float> A(na * dim), B(nb * dim), invA(na), invB(nb), S(rows * nb), bestScore(rows * cap);
      DeviceArray<int32_t> bestIndex(rows * cap);
      A.upload(a, na * dim);
      B.upload(b, nb * dim);
      invNormKernel<<<static_cast<unsigned>((na * 32 + 255) / 256), 256>>>(A.get(), na, dim, invA.get());
      invNormKernel<<<static_cast<unsigned>((nb * 32 + 255) / 256), 256>>>(B.get(), nb, dim, invB.get());
      const size_t sharedBytes = cap * (sizeof(float) + sizeof(int32_t));
      for (size_t r0 = 0; r0 < na; r0 += rows) {
        const size_t m = std::min(rows, na - r0);
        const dim3 grid(static_cast<unsigned>((nb + TILE - 1) / TILE), static_cast<unsigned>((m + TILE - 1) / TILE));
        cosineKernel<<<grid, dim3(16, 16)>>>(A.get() + r0 * dim, B.get(), invA.get() + r0, invB.get(), m, nb, dim,
                                             S.get());
        selectKernel<<<static_cast<unsigned>(m), SELECT_THREADS, sharedBytes>>>(
            S.get(), nb, static_cast<unsigned>(cap), r0, excludeSelf, bestIndex.get(), bestScore.get());
        check(cudaGetLastError());
        // Rows of cap into rows of k; columns past cap are padded below.
        check(cudaMemcpy2D(indices + r0 * k, k * sizeof(int32_t), bestIndex.get(), cap * sizeof(int32_t),
                           cap * sizeof(int32_t), m, cudaMemcpyDeviceToHost));
        check(cudaMemcpy2D(scores + r0 * k, k * sizeof(float), bestScore.get(), cap * sizeof(float),
                           cap * sizeof(float), m, cudaMemcpyDeviceToHost));
      }
    }
    for (size_t i = 0; i < na; ++i) {
      std::fill(indices + i * k + cap, indices + (i + 1) * k, -1);
      std::fill(scores + i * k + cap, scores + (i + 1) * k, -INFINITY);
    }
  });
}

}  // namespace na::cuda
