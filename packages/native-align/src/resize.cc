// Area (box-average) resampling of image regions into normalised NCHW tensors: MTCNN's pyramid levels and
// its R-Net/O-Net crops. Output pixel i averages source pixels [floor(i*n/m), ceil((i+1)*n/m)), as torch's
// interpolate(mode='area') does; source pixels outside the image count as 0 (zero padding).
#include <algorithm>
#include <atomic>
#include <vector>

#include "native_align.h"

namespace na {
namespace {

struct Spans {
  std::vector<int> start, end;
  Spans(int in, int out) : start(out), end(out) {
    for (int i = 0; i < out; ++i) {
      start[i] = static_cast<int>(static_cast<int64_t>(i) * in / out);
      end[i] = static_cast<int>((static_cast<int64_t>(i + 1) * in + out - 1) / out);
    }
  }
};

// Output rows [oy0, oy1) of one region: a horizontal pass over the source rows they need, then a vertical one.
void resizeRows(const ResizeJob& job, size_t region, const Spans& cols, const Spans& rows, int oy0, int oy1,
                std::vector<float>& rowSums, float* out) {
  const int32_t* r = job.regions + 4 * region;
  const int x0 = r[0], y0 = r[1];
  const int outW = job.outWidth;
  const int first = rows.start[oy0], last = rows.end[oy1 - 1];
  rowSums.assign(static_cast<size_t>(last - first) * outW * 3, 0.f);
  for (int ry = first; ry < last; ++ry) {
    const int sy = y0 + ry;
    if (sy < 0 || sy >= job.height) continue;
    const uint8_t* row = job.image + static_cast<size_t>(sy) * job.width * job.channels;
    float* sums = rowSums.data() + static_cast<size_t>(ry - first) * outW * 3;
    for (int ox = 0; ox < outW; ++ox) {
      const int from = std::max(cols.start[ox], -x0), to = std::min(cols.end[ox], job.width - x0);
      float s0 = 0, s1 = 0, s2 = 0;
      for (int cx = from; cx < to; ++cx) {
        const uint8_t* p = row + static_cast<size_t>(x0 + cx) * job.channels;
        s0 += p[0];
        s1 += p[1];
        s2 += p[2];
      }
      const float inv = 1.f / static_cast<float>(cols.end[ox] - cols.start[ox]);
      sums[3 * ox] = s0 * inv;
      sums[3 * ox + 1] = s1 * inv;
      sums[3 * ox + 2] = s2 * inv;
    }
  }
  const size_t plane = static_cast<size_t>(outW) * job.outHeight;
  float* slot = out + region * 3 * plane;
  for (int oy = oy0; oy < oy1; ++oy) {
    const float inv = 1.f / static_cast<float>(rows.end[oy] - rows.start[oy]);
    for (int ox = 0; ox < outW; ++ox) {
      float rgb[3] = {0, 0, 0};
      for (int ry = rows.start[oy]; ry < rows.end[oy]; ++ry) {
        const float* s = rowSums.data() + (static_cast<size_t>(ry - first) * outW + ox) * 3;
        rgb[0] += s[0];
        rgb[1] += s[1];
        rgb[2] += s[2];
      }
      for (int c = 0; c < 3; ++c) {
        const double v = rgb[job.srcChannel[c]] * inv;
        slot[c * plane + static_cast<size_t>(oy) * outW + ox] = static_cast<float>((v - job.mean[c]) * job.invStd[c]);
      }
    }
  }
}

}  // namespace

void resizeArea(const ResizeJob& job, float* out, int threads) {
  // One task per region; a single region (a pyramid level) is split into bands of output rows instead.
  constexpr int kBand = 16;
  const int bands = job.count == 1 ? (job.outHeight + kBand - 1) / kBand : 1;
  const size_t tasks = job.count * bands;
  std::atomic<size_t> next{0};
  parallel(std::min<int>(threads, static_cast<int>(std::max<size_t>(tasks, 1))), [&](int) {
    std::vector<float> rowSums;
    for (size_t t; (t = next.fetch_add(1)) < tasks;) {
      const size_t region = t / bands;
      const int band = static_cast<int>(t % bands);
      const int32_t* r = job.regions + 4 * region;
      const Spans cols(r[2], job.outWidth), rows(r[3], job.outHeight);
      const int oy0 = bands == 1 ? 0 : band * kBand;
      const int oy1 = bands == 1 ? job.outHeight : std::min(job.outHeight, oy0 + kBand);
      resizeRows(job, region, cols, rows, oy0, oy1, rowSums, out);
    }
  });
}

}  // namespace na
