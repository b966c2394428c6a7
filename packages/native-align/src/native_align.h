// Shared declarations of the native-align compute core (no N-API in here).
#pragma once

#include <cstddef>
#include <cstdint>
#include <system_error>
#include <thread>
#include <vector>

namespace na {

// ---- similarity.cc ----------------------------------------------------------
// Least-squares similarity src -> dst over n points (interleaved x,y).
// Writes [a, -b, tx, b, a, ty]; returns false when all src points coincide.
bool estimateSimilarity(const double* src, const double* dst, size_t n, double out[6]);

// ---- warp.cc ----------------------------------------------------------------
// Inverse of a 2x3 affine matrix; false when singular or not finite.
bool invertAffine(const double m[6], double inv[6]);

struct WarpJob {
  const uint8_t* image;
  int width, height, channels;  // interleaved HWC, channels 3 or 4
  const double* inverse;        // n * 6: DESTINATION crop coords -> SOURCE image coords
  size_t count;
  int size;                     // crop side
  int srcChannel[3];            // output plane c reads source channel srcChannel[c]
  double mean[3], invStd[3];    // per output plane
};
// Output: count * 3 * size * size floats, NCHW.
void warpFaces(const WarpJob& job, float* out, int threads);

// ---- resize.cc --------------------------------------------------------------
struct ResizeJob {
  const uint8_t* image;
  int width, height, channels;  // interleaved HWC, channels 3 or 4
  const int32_t* regions;       // count * (x, y, width, height); may reach outside the image (read as 0)
  size_t count;
  int outWidth, outHeight;
  int srcChannel[3];            // output plane c reads source channel srcChannel[c]
  double mean[3], invStd[3];    // per output plane
};
// Area-resamples each region to outWidth x outHeight. Output: count * 3 * outHeight * outWidth floats, NCHW.
void resizeArea(const ResizeJob& job, float* out, int threads);

// ---- cosine.cc --------------------------------------------------------------
const char* simdName();  // "avx2" or "generic", chosen once at load time
// Measured fp32 multiply-add throughput of `threads` threads with that instruction set.
double peakGflops(int threads);
void cosineMatrix(const float* a, size_t na, const float* b, size_t nb, int dim, float* out, int threads);
// indices/scores: na * k each, rows sorted by descending score (ties: lower index first),
// padded with -1 / -Infinity.
void topK(const float* a, size_t na, const float* b, size_t nb, int dim, size_t k, bool excludeSelf,
          int32_t* indices, float* scores, int threads);

// ---- threads ----------------------------------------------------------------
inline int defaultThreads() {
  unsigned n = std::thread::hardware_concurrency();
  return n ? static_cast<int>(n) : 1;
}

// Runs fn(t) for t in [0, threads), t = 0 on the calling thread. fn must pull its work from a
// shared atomic counter, so if the OS refuses a thread the remaining ones still finish everything.
template <class Fn>
void parallel(int threads, Fn&& fn) {
  std::vector<std::thread> pool;
  pool.reserve(threads);  // no reallocation (which could throw) once threads are running
  for (int t = 1; t < threads; ++t) {
    try {
      pool.emplace_back([&fn, t] { fn(t); });
    } catch (const std::system_error&) {
      break;
    }
  }
  fn(0);
  for (auto& th : pool) th.join();
}

}  // namespace na
