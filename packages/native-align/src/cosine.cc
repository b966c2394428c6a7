// Cosine similarity matrix and top-k search.
//
// Rows are L2-normalised once while being packed into GEMM panels; after that cosine is a plain
// dot product, computed by a BLIS-style blocked GEMM: a 6x16 register-blocked micro-kernel
// (12 AVX accumulators, broadcast A + FMA), B micro-panels (kc x 16) reused from L1, A blocks
// (MC x kc) from L2. Zero padding of the panels lets the kernel always run full 6x16 tiles.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <new>

#ifdef __linux__
#include <sys/mman.h>
#endif

#include "native_align.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define NA_X86 1
#endif

namespace na {
namespace {

constexpr int MR = 6, NR = 16;
constexpr int KC_MAX = 512;    // depth of a packed block: a B micro-panel is <= 32 KiB
constexpr size_t MC = 144;     // A rows per L2 block (multiple of MR)
constexpr size_t NC_MAX = 3072;  // B columns per L3 block for cosineMatrix
constexpr size_t TOPK_MB = 192;  // A rows per top-k work item (multiple of MR)
constexpr size_t TOPK_NB = 256;  // score tile width: MB x NB floats stay in L2

// operator new with std::align_val_t: portable (no std::aligned_alloc on MSVC) and throws bad_alloc.
struct AlignedDelete {
  size_t align;
  void operator()(float* p) const { ::operator delete[](p, std::align_val_t(align)); }
};
using AlignedFloats = std::unique_ptr<float[], AlignedDelete>;

constexpr size_t kHugePage = size_t{2} << 20;

// Large buffers are written once right after allocation; on 4 KiB pages the page faults cost as
// much as a third of a 4096x4096 cosineMatrix (measured in a VM). Transparent huge pages in
// "madvise" mode need this hint. Only a hint: it changes no contents, so it is also applied to the
// untouched output ArrayBuffer.
void adviseHugePages(void* p, size_t bytes) {
#ifdef __linux__
  if (bytes < 2 * kHugePage) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(p) + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(p) + bytes) & ~(kHugePage - 1);
  if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)p;
  (void)bytes;
#endif
}

AlignedFloats allocFloats(size_t n) {
  const size_t bytes = std::max<size_t>(n, 1) * sizeof(float);
  const size_t align = bytes >= 2 * kHugePage ? kHugePage : 64;
  auto p = AlignedFloats(static_cast<float*>(::operator new[](bytes, std::align_val_t(align))), AlignedDelete{align});
  adviseHugePages(p.get(), bytes);
  return p;
}

// Normalised rows in GEMM panel layout. Depth is split into blocks of kc <= KC_MAX; in block
// [k0, k0+kc) the strip s (rows s*R .. s*R+R-1) is kc consecutive groups of R floats starting at
// data + k0*padded + s*kc*R.
struct Panels {
  AlignedFloats data;
  size_t padded = 0;  // rows rounded up to R
  int R = 0;
  float* at(int k0, int kc, size_t strip) const {
    return data.get() + static_cast<size_t>(k0) * padded + strip * kc * R;
  }
};

int blockDepth(int dim) {
  const int blocks = (dim + KC_MAX - 1) / KC_MAX;
  return (dim + blocks - 1) / blocks;  // equal-sized blocks rather than a short tail
}

Panels pack(const float* x, size_t rows, int dim, int R, int threads) {
  Panels p;
  p.R = R;
  p.padded = (rows + R - 1) / R * R;
  p.data = allocFloats(p.padded * dim);
  const size_t strips = p.padded / R;
  const int kcb = blockDepth(dim);
  std::atomic<size_t> next{0};
  parallel(static_cast<int>(std::min<size_t>(threads, strips)), [&](int) {
    for (size_t s; (s = next.fetch_add(1)) < strips;) {
      const float* src[NR];
      float inv[NR];
      for (int r = 0; r < R; ++r) {
        const size_t row = std::min(s * R + r, rows - 1);  // padding rows get scale 0
        src[r] = x + row * dim;
        float ss[8] = {};  // independent partial sums: vectorised, no serial dependency chain
        int k = 0;
        for (; k + 8 <= dim; k += 8)
          for (int l = 0; l < 8; ++l) ss[l] += src[r][k + l] * src[r][k + l];
        for (; k < dim; ++k) ss[0] += src[r][k] * src[r][k];
        const float sum = ((ss[0] + ss[1]) + (ss[2] + ss[3])) + ((ss[4] + ss[5]) + (ss[6] + ss[7]));
        inv[r] = s * R + r < rows && sum > 0 ? 1.0f / std::sqrt(sum) : 0.0f;  // zero rows give cosine 0
      }
      for (int k0 = 0; k0 < dim; k0 += kcb) {
        const int kc = std::min(kcb, dim - k0);
        float* dst = p.at(k0, kc, s);
        for (int r = 0; r < R; ++r)
          for (int k = 0; k < kc; ++k) dst[k * R + r] = src[r][k0 + k] * inv[r];
      }
    }
  });
  return p;
}

// C[0..m) x [0..n) (+)= A panel * B panel over kc; m <= MR, n <= NR.
using Kernel = void (*)(int kc, const float* a, const float* b, float* c, size_t ldc, int m, int n,
                        bool accumulate);

void storeTile(const float* tile, float* c, size_t ldc, int m, int n, bool accumulate) {
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) c[i * ldc + j] = accumulate ? c[i * ldc + j] + tile[i * NR + j] : tile[i * NR + j];
}

// One row at a time so that its 16 accumulators stay in (SSE/NEON) registers when auto-vectorised.
void kernelGeneric(int kc, const float* a, const float* b, float* c, size_t ldc, int m, int n, bool accumulate) {
  float tile[MR * NR];
  for (int i = 0; i < MR; ++i) {
    float acc[NR] = {};
    for (int k = 0; k < kc; ++k)
      for (int j = 0; j < NR; ++j) acc[j] += a[k * MR + i] * b[k * NR + j];
    std::copy(acc, acc + NR, tile + i * NR);
  }
  storeTile(tile, c, ldc, m, n, accumulate);
}

// First t in [t, n) with s[t] > threshold, or n.
size_t findAboveGeneric(const float* s, size_t t, size_t n, float threshold) {
  while (t < n && !(s[t] > threshold)) ++t;
  return t;
}

// Independent multiply-add chains (10 x 8 lanes, more than FMA latency x ports) measure the
// machine's arithmetic peak; returns a value depending on every lane so nothing is optimised away.
float fmaLoopGeneric(long iterations) {
  float acc[10][8];
  for (int j = 0; j < 10; ++j)
    for (int l = 0; l < 8; ++l) acc[j][l] = 0.001f * static_cast<float>(j + l);
  for (long i = 0; i < iterations; ++i)
    for (int j = 0; j < 10; ++j)
      for (int l = 0; l < 8; ++l) acc[j][l] = acc[j][l] * 0.999999f + 1e-6f;
  float sum = 0;
  for (int j = 0; j < 10; ++j)
    for (int l = 0; l < 8; ++l) sum += acc[j][l];
  return sum;
}

#ifdef NA_X86
__attribute__((target("avx2,fma"))) float fmaLoopAvx2(long iterations) {
  __m256 acc[10];
  for (int j = 0; j < 10; ++j) acc[j] = _mm256_set1_ps(0.001f * static_cast<float>(j));
  const __m256 x = _mm256_set1_ps(0.999999f), y = _mm256_set1_ps(1e-6f);
  for (long i = 0; i < iterations; ++i)
    for (int j = 0; j < 10; ++j) acc[j] = _mm256_fmadd_ps(acc[j], x, y);
  __m256 sum = acc[0];
  for (int j = 1; j < 10; ++j) sum = _mm256_add_ps(sum, acc[j]);
  return _mm256_cvtss_f32(sum);
}

__attribute__((target("avx2,fma"))) void kernelAvx2(int kc, const float* a, const float* b, float* c, size_t ldc,
                                                    int m, int n, bool accumulate) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  for (int k = 0; k < kc; ++k, a += MR, b += NR) {
    const __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
    __m256 ai = _mm256_broadcast_ss(a);
    c00 = _mm256_fmadd_ps(ai, b0, c00);
    c01 = _mm256_fmadd_ps(ai, b1, c01);
    ai = _mm256_broadcast_ss(a + 1);
    c10 = _mm256_fmadd_ps(ai, b0, c10);
    c11 = _mm256_fmadd_ps(ai, b1, c11);
    ai = _mm256_broadcast_ss(a + 2);
    c20 = _mm256_fmadd_ps(ai, b0, c20);
    c21 = _mm256_fmadd_ps(ai, b1, c21);
    ai = _mm256_broadcast_ss(a + 3);
    c30 = _mm256_fmadd_ps(ai, b0, c30);
    c31 = _mm256_fmadd_ps(ai, b1, c31);
    ai = _mm256_broadcast_ss(a + 4);
    c40 = _mm256_fmadd_ps(ai, b0, c40);
    c41 = _mm256_fmadd_ps(ai, b1, c41);
    ai = _mm256_broadcast_ss(a + 5);
    c50 = _mm256_fmadd_ps(ai, b0, c50);
    c51 = _mm256_fmadd_ps(ai, b1, c51);
  }
  const __m256 rows[MR][2] = {{c00, c01}, {c10, c11}, {c20, c21}, {c30, c31}, {c40, c41}, {c50, c51}};
  if (m == MR && n == NR) {
    for (int i = 0; i < MR; ++i) {
      float* ci = c + i * ldc;
      __m256 v0 = rows[i][0], v1 = rows[i][1];
      if (accumulate) {
        v0 = _mm256_add_ps(v0, _mm256_loadu_ps(ci));
        v1 = _mm256_add_ps(v1, _mm256_loadu_ps(ci + 8));
      }
      _mm256_storeu_ps(ci, v0);
      _mm256_storeu_ps(ci + 8, v1);
    }
  } else {
    alignas(32) float tile[MR * NR];
    for (int i = 0; i < MR; ++i) {
      _mm256_store_ps(tile + i * NR, rows[i][0]);
      _mm256_store_ps(tile + i * NR + 8, rows[i][1]);
    }
    storeTile(tile, c, ldc, m, n, accumulate);
  }
}

__attribute__((target("avx2"))) size_t findAboveAvx2(const float* s, size_t t, size_t n, float threshold) {
  const __m256 thr = _mm256_set1_ps(threshold);
  for (; t + 8 <= n; t += 8) {
    const int mask = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_loadu_ps(s + t), thr, _CMP_GT_OQ));
    if (mask) return t + __builtin_ctz(mask);
  }
  return findAboveGeneric(s, t, n, threshold);
}
#endif

struct Simd {
  const char* name;
  Kernel kernel;
  size_t (*findAbove)(const float*, size_t, size_t, float);
  float (*fmaLoop)(long);
};

// NATIVE_ALIGN_SIMD=generic forces the portable path (used by the tests to cover it).
Simd detectSimd() {
#ifdef NA_X86
  __builtin_cpu_init();  // this runs from a static initialiser, possibly before libgcc's own
#endif
  const char* force = std::getenv("NATIVE_ALIGN_SIMD");
  const bool generic = force && std::strcmp(force, "generic") == 0;
#ifdef NA_X86
  if (!generic && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    return {"avx2", kernelAvx2, findAboveAvx2, fmaLoopAvx2};
#else
  (void)generic;
#endif
  return {"generic", kernelGeneric, findAboveGeneric, fmaLoopGeneric};
}

const Simd simd = detectSimd();

// C rows [i0, i1) x columns [j0, j1) of normalised A . B^T; c points at element (i0, j0).
// i0 and j0 are multiples of MR and NR.
void gemmBlock(const Panels& A, const Panels& B, int dim, size_t i0, size_t i1, size_t j0, size_t j1, float* c,
               size_t ldc) {
  const int kcb = blockDepth(dim);
  for (int k0 = 0; k0 < dim; k0 += kcb) {
    const int kc = std::min(kcb, dim - k0);
    for (size_t j = j0; j < j1; j += NR) {
      const float* bp = B.at(k0, kc, j / NR);
      const int n = static_cast<int>(std::min<size_t>(NR, j1 - j));
      for (size_t i = i0; i < i1; i += MR) {
        const int m = static_cast<int>(std::min<size_t>(MR, i1 - i));
        simd.kernel(kc, A.at(k0, kc, i / MR), bp, c + (i - i0) * ldc + (j - j0), ldc, m, n, k0 > 0);
      }
    }
  }
}

struct Candidate {
  float score;
  int32_t index;
};

// Higher score first, ties to the lower index. Scores are never NaN here (see RowTopK::scan).
struct Better {
  bool operator()(const Candidate& x, const Candidate& y) const {
    return x.score > y.score || (x.score == y.score && x.index < y.index);
  }
};

// The best `cap` candidates of one output row. Candidates above the current threshold are
// appended to a buffer of 2*cap; a full buffer is cut back to its best cap with nth_element,
// whose worst survivor becomes the new threshold: O(1) amortised per candidate. Most scores never
// get here: the vectorised findAbove skips everything at or below the threshold.
struct RowTopK {
  Candidate* buf;  // 2 * cap entries
  size_t cap, n = 0;
  float threshold = -std::numeric_limits<float>::infinity();

  // Columns arrive in increasing index order, so a score equal to the threshold loses its tie
  // and "greater than" is exact. It also rejects NaN.
  void scan(const float* s, size_t count, int32_t firstIndex, int32_t skip) {
    for (size_t c = 0; (c = simd.findAbove(s, c, count, threshold)) < count; ++c) {
      const int32_t j = firstIndex + static_cast<int32_t>(c);
      if (j == skip) continue;
      buf[n++] = {s[c], j};
      if (n == 2 * cap) {
        std::nth_element(buf, buf + cap - 1, buf + n, Better());
        n = cap;
        threshold = buf[cap - 1].score;
      }
    }
  }
  // Writes k sorted entries, padded with -1 / -Infinity.
  void finish(size_t k, int32_t* indices, float* scores) {
    const size_t m = std::min(n, cap);
    std::partial_sort(buf, buf + m, buf + n, Better());
    for (size_t c = 0; c < k; ++c) {
      indices[c] = c < m ? buf[c].index : -1;
      scores[c] = c < m ? buf[c].score : -std::numeric_limits<float>::infinity();
    }
  }
};

}  // namespace

const char* simdName() { return simd.name; }

double peakGflops(int threads) {
  // 3.2 GFLOP per thread, ~40 ms on a modern core: long enough that starting the threads does not count, and
  // the best of 5 runs, so that a moment of contention does not either.
  constexpr long kIterations = 20'000'000;
  double best = 0;
  std::atomic<float> sink{0};
  for (int run = 0; run < 5; ++run) {
    std::atomic<int> next{0};
    const auto start = std::chrono::steady_clock::now();
    parallel(threads, [&](int) {
      while (next.fetch_add(1) < threads) sink.store(simd.fmaLoop(kIterations), std::memory_order_relaxed);
    });
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 2.0 * 80 * kIterations * threads / seconds / 1e9);  // 80 lanes x (mul + add)
  }
  return best;
}

void cosineMatrix(const float* a, size_t na, const float* b, size_t nb, int dim, float* out, int threads) {
  if (na == 0 || nb == 0) return;
  adviseHugePages(out, na * nb * sizeof(float));
  const Panels A = pack(a, na, dim, MR, threads);
  const Panels B = pack(b, nb, dim, NR, threads);
  // Work items are (MC rows x NC columns) blocks, column-block major so that concurrent threads
  // share the same B block in L3.
  const size_t rowBlocks = (na + MC - 1) / MC, colBlocks = (nb + NC_MAX - 1) / NC_MAX;
  const size_t nc = ((nb + colBlocks - 1) / colBlocks + NR - 1) / NR * NR;  // equal blocks, multiple of NR
  const size_t units = rowBlocks * colBlocks;
  std::atomic<size_t> next{0};
  parallel(static_cast<int>(std::min<size_t>(threads, units)), [&](int) {
    for (size_t u; (u = next.fetch_add(1)) < units;) {
      const size_t i0 = (u % rowBlocks) * MC, j0 = (u / rowBlocks) * nc;
      const size_t i1 = std::min(na, i0 + MC), j1 = std::min(nb, j0 + nc);
      gemmBlock(A, B, dim, i0, i1, j0, j1, out + i0 * nb + j0, nb);
    }
  });
}

void topK(const float* a, size_t na, const float* b, size_t nb, int dim, size_t k, bool excludeSelf,
          int32_t* indices, float* scores, int threads) {
  if (na == 0) return;
  const Panels A = pack(a, na, dim, MR, threads);
  const Panels B = nb ? pack(b, nb, dim, NR, threads) : Panels{};
  const size_t cap = std::min(k, nb);
  const size_t blocks = (na + TOPK_MB - 1) / TOPK_MB;
  threads = static_cast<int>(std::min<size_t>(threads, blocks));
  // Per-thread score tile and candidate buffers, allocated here so that worker threads never throw.
  std::vector<AlignedFloats> tiles;
  std::vector<std::vector<Candidate>> buffers(threads);
  for (int t = 0; t < threads; ++t) {
    tiles.push_back(allocFloats(TOPK_MB * TOPK_NB));
    buffers[t].resize(TOPK_MB * 2 * cap);
  }

  std::atomic<size_t> next{0};
  parallel(threads, [&](int t) {
    float* tile = tiles[t].get();
    for (size_t blk; (blk = next.fetch_add(1)) < blocks;) {
      const size_t i0 = blk * TOPK_MB, i1 = std::min(na, i0 + TOPK_MB);
      RowTopK rows[TOPK_MB];
      for (size_t i = i0; i < i1; ++i) rows[i - i0] = RowTopK{buffers[t].data() + (i - i0) * 2 * cap, cap};
      for (size_t j0 = 0; j0 < nb; j0 += TOPK_NB) {
        const size_t j1 = std::min(nb, j0 + TOPK_NB);
        gemmBlock(A, B, dim, i0, i1, j0, j1, tile, TOPK_NB);
        for (size_t i = i0; i < i1; ++i)
          rows[i - i0].scan(tile + (i - i0) * TOPK_NB, j1 - j0, static_cast<int32_t>(j0),
                            excludeSelf && i < nb ? static_cast<int32_t>(i) : -1);
      }
      for (size_t i = i0; i < i1; ++i) rows[i - i0].finish(k, indices + i * k, scores + i * k);
    }
  });
}

}  // namespace na
