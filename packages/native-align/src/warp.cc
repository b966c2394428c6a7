// Batched affine warps of face crops, bilinear, border value 0 (cv2.warpAffine semantics),
// written straight into a normalised NCHW float tensor.
#include <algorithm>
#include <atomic>
#include <cmath>

#include "native_align.h"

namespace na {

bool invertAffine(const double m[6], double inv[6]) {
  for (int i = 0; i < 6; ++i)
    if (!std::isfinite(m[i])) return false;
  const double det = m[0] * m[4] - m[1] * m[3];
  if (!(std::abs(det) > 1e-12) || !std::isfinite(1.0 / det)) return false;
  const double r = 1.0 / det;
  inv[0] = m[4] * r;
  inv[1] = -m[1] * r;
  inv[3] = -m[3] * r;
  inv[4] = m[0] * r;
  inv[2] = -(inv[0] * m[2] + inv[1] * m[5]);
  inv[5] = -(inv[3] * m[2] + inv[4] * m[5]);
  return true;
}

namespace {

// One output row y of face f. Double precision throughout: at x ~ 4000 px a float coordinate
// would move the sample point by ~1e-3 px, and float weights cost ~1e-4 in raw pixel units.
void warpRow(const WarpJob& job, size_t f, int y, float* out) {
  const double* mi = job.inverse + 6 * f;
  const int w = job.width, h = job.height, ch = job.channels, size = job.size;
  const size_t plane = static_cast<size_t>(size) * size;
  float* dst[3];
  for (int c = 0; c < 3; ++c) dst[c] = out + (f * 3 + c) * plane + static_cast<size_t>(y) * size;

  for (int x = 0; x < size; ++x) {
    const double sx = mi[0] * x + mi[1] * y + mi[2];
    const double sy = mi[3] * x + mi[4] * y + mi[5];
    double v[3] = {0, 0, 0};
    // Also rejects NaN and keeps the int conversion below in range.
    if (sx > -1 && sx < w && sy > -1 && sy < h) {
      const int x0 = static_cast<int>(std::floor(sx)), y0 = static_cast<int>(std::floor(sy));
      const double fx = sx - x0, fy = sy - y0;
      const double wt[4] = {(1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy};
      for (int n = 0; n < 4; ++n) {
        const int px = x0 + (n & 1), py = y0 + (n >> 1);
        if (px < 0 || py < 0 || px >= w || py >= h) continue;  // border pixels are 0
        const uint8_t* p = job.image + (static_cast<size_t>(py) * w + px) * ch;
        for (int c = 0; c < 3; ++c) v[c] += wt[n] * p[c];
      }
    }
    for (int c = 0; c < 3; ++c)
      dst[c][x] = static_cast<float>((v[job.srcChannel[c]] - job.mean[c]) * job.invStd[c]);
  }
}

}  // namespace

void warpFaces(const WarpJob& job, float* out, int threads) {
  const size_t rows = job.count * job.size;
  constexpr size_t kChunk = 8;  // rows per work item
  const size_t items = (rows + kChunk - 1) / kChunk;
  std::atomic<size_t> next{0};
  parallel(static_cast<int>(std::min<size_t>(threads, items)), [&](int) {
    for (size_t r0; (r0 = next.fetch_add(kChunk)) < rows;)
      for (size_t r = r0; r < r0 + kChunk && r < rows; ++r)
        warpRow(job, r / job.size, static_cast<int>(r % job.size), out);
  });
}

}  // namespace na
