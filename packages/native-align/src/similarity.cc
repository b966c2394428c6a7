// Least-squares 2-D similarity (Umeyama 1991 without reflection).
//
// In 2-D a rotation with positive scale is the matrix [[a, -b], [b, a]] with (a, b) != 0, so
// Umeyama's SVD solution reduces to linear least squares in (a, b) on centred points; this closed
// form gives the same result as skimage.transform.SimilarityTransform / insightface's estimate_norm.
#include "native_align.h"

namespace na {

bool estimateSimilarity(const double* src, const double* dst, size_t n, double out[6]) {
  double msx = 0, msy = 0, mdx = 0, mdy = 0;
  for (size_t i = 0; i < n; ++i) {
    msx += src[2 * i];
    msy += src[2 * i + 1];
    mdx += dst[2 * i];
    mdy += dst[2 * i + 1];
  }
  const double count = static_cast<double>(n);
  msx /= count;
  msy /= count;
  mdx /= count;
  mdy /= count;

  double var = 0, dotSum = 0, crossSum = 0;
  for (size_t i = 0; i < n; ++i) {
    const double sx = src[2 * i] - msx, sy = src[2 * i + 1] - msy;
    const double dx = dst[2 * i] - mdx, dy = dst[2 * i + 1] - mdy;
    var += sx * sx + sy * sy;
    dotSum += sx * dx + sy * dy;
    crossSum += sx * dy - sy * dx;
  }
  if (!(var > 0)) return false;

  const double a = dotSum / var, b = crossSum / var;
  out[0] = a;
  out[1] = -b;
  out[2] = mdx - (a * msx - b * msy);
  out[3] = b;
  out[4] = a;
  out[5] = mdy - (b * msx + a * msy);
  return true;
}

}  // namespace na
