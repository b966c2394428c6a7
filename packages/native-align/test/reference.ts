// Plain TypeScript reference implementations (double precision) for the native functions.

/** The tests' seeded generator, so failures reproduce. */
export { seededRandom as rng } from '../../../test/support/random.js';

export function randomFloats(n: number, random: () => number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * random();
  return out;
}

/** ArcFace 112x112 five-point template: eyes, nose, mouth corners. */
export const ARCFACE_TEMPLATE = [38.2946, 51.6963, 73.5318, 51.5014, 56.0252, 71.7366, 41.5493, 92.3655, 70.7299, 92.2041];

export type Affine = ArrayLike<number>; // [m00, m01, m02, m10, m11, m12]

export function applyAffine(m: Affine, points: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i],
      y = points[i + 1];
    out.push(m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]);
  }
  return out;
}

export function similarityMatrix(angle: number, scale: number, tx: number, ty: number): number[] {
  const a = scale * Math.cos(angle),
    b = scale * Math.sin(angle);
  return [a, -b, tx, b, a, ty];
}

export function invertAffine(m: Affine): number[] {
  const det = m[0] * m[4] - m[1] * m[3];
  const i0 = m[4] / det,
    i1 = -m[1] / det,
    i3 = -m[3] / det,
    i4 = m[0] / det;
  return [i0, i1, -(i0 * m[2] + i1 * m[5]), i3, i4, -(i3 * m[2] + i4 * m[5])];
}

/**
 * Umeyama (1991): rotation + uniform scale + translation, no reflection, from the SVD of the
 * dst/src covariance.
 */
export function umeyama(src: ArrayLike<number>, dst: ArrayLike<number>): number[] {
  const n = src.length / 2;
  let msx = 0,
    msy = 0,
    mdx = 0,
    mdy = 0;
  for (let i = 0; i < n; i++) {
    msx += src[2 * i] / n;
    msy += src[2 * i + 1] / n;
    mdx += dst[2 * i] / n;
    mdy += dst[2 * i + 1] / n;
  }
  // Covariance (1/n) sum d s^T and source variance.
  let c00 = 0,
    c01 = 0,
    c10 = 0,
    c11 = 0,
    varS = 0;
  for (let i = 0; i < n; i++) {
    const sx = src[2 * i] - msx,
      sy = src[2 * i + 1] - msy;
    const dx = dst[2 * i] - mdx,
      dy = dst[2 * i + 1] - mdy;
    c00 += (dx * sx) / n;
    c01 += (dx * sy) / n;
    c10 += (dy * sx) / n;
    c11 += (dy * sy) / n;
    varS += (sx * sx + sy * sy) / n;
  }
  // Signed 2x2 SVD: C = Rot(phi) diag(q + r, q - r) Rot(theta) with phi + theta = atan2(h, e),
  // q = |(e, h)|, r = |(f, g)|. q - r carries the sign of det(C), which is exactly Umeyama's
  // reflection fix S, so R = U V^T = Rot(atan2(h, e)) and c = trace(D S) / var = 2q / var.
  const e = (c00 + c11) / 2,
    f = (c00 - c11) / 2,
    g = (c10 + c01) / 2,
    h = (c10 - c01) / 2;
  const q = Math.hypot(e, h),
    r = Math.hypot(f, g);
  const scale = (q + r + (q - r)) / varS;
  const rotation = Math.atan2(h, e);
  const ca = scale * Math.cos(rotation),
    sa = scale * Math.sin(rotation);
  return [ca, -sa, mdx - (ca * msx - sa * msy), sa, ca, mdy - (sa * msx + ca * msy)];
}

export interface RefWarpOptions {
  size: number;
  channelOrder: 'rgb' | 'bgr';
  mean: readonly number[];
  std: readonly number[];
}

/** cv2.warpAffine(INTER_LINEAR, BORDER_CONSTANT 0) per face, then (v - mean) / std, NCHW. */
export function refWarp(
  image: Uint8Array,
  width: number,
  height: number,
  channels: number,
  transforms: ArrayLike<number>,
  o: RefWarpOptions,
): Float64Array {
  const n = transforms.length / 6,
    size = o.size;
  const out = new Float64Array(n * 3 * size * size);
  const pixel = (x: number, y: number, c: number) =>
    x < 0 || y < 0 || x >= width || y >= height ? 0 : image[(y * width + x) * channels + c];
  for (let f = 0; f < n; f++) {
    const inv = invertAffine(Array.from(transforms).slice(6 * f, 6 * f + 6));
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        const sx = inv[0] * x + inv[1] * y + inv[2],
          sy = inv[3] * x + inv[4] * y + inv[5];
        const x0 = Math.floor(sx),
          y0 = Math.floor(sy),
          fx = sx - x0,
          fy = sy - y0;
        for (let c = 0; c < 3; c++) {
          const s = o.channelOrder === 'bgr' ? 2 - c : c;
          const v =
            (1 - fx) * (1 - fy) * pixel(x0, y0, s) +
            fx * (1 - fy) * pixel(x0 + 1, y0, s) +
            (1 - fx) * fy * pixel(x0, y0 + 1, s) +
            fx * fy * pixel(x0 + 1, y0 + 1, s);
          out[((f * 3 + c) * size + y) * size + x] = (v - o.mean[s]) / o.std[s];
        }
      }
  }
  return out;
}

export function refCosine(a: Float32Array, b: Float32Array, dim: number): Float64Array {
  const na = a.length / dim,
    nb = b.length / dim;
  const norm = (x: Float32Array, i: number) => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += x[i * dim + k] * x[i * dim + k];
    return Math.sqrt(s);
  };
  const out = new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    const ni = norm(a, i);
    for (let j = 0; j < nb; j++) {
      const nj = norm(b, j);
      let d = 0;
      for (let k = 0; k < dim; k++) d += a[i * dim + k] * b[j * dim + k];
      out[i * nb + j] = ni === 0 || nj === 0 ? 0 : d / (ni * nj);
    }
  }
  return out;
}

/** Top-k by sorting each row of the full reference matrix (score desc, index asc). */
export function refTopK(
  a: Float32Array,
  b: Float32Array,
  dim: number,
  k: number,
  excludeSelf = false,
): { indices: number[][]; scores: number[][] } {
  const na = a.length / dim,
    nb = b.length / dim;
  const m = refCosine(a, b, dim);
  const indices: number[][] = [],
    scores: number[][] = [];
  for (let i = 0; i < na; i++) {
    const order = [...Array(nb).keys()]
      .filter((j) => !(excludeSelf && j === i))
      .sort((x, y) => m[i * nb + y] - m[i * nb + x] || x - y)
      .slice(0, k);
    indices.push(order);
    scores.push(order.map((j) => m[i * nb + j]));
  }
  return { indices, scores };
}

export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`length ${x.length} != ${y.length}`);
  let d = 0;
  for (let i = 0; i < x.length; i++) d = Math.max(d, Math.abs(x[i] - y[i]));
  return d;
}

/** Bit-for-bit equality of two typed arrays (much faster than a deep toEqual on large arrays). */
export function sameBytes(x: ArrayBufferView, y: ArrayBufferView): boolean {
  return Buffer.from(x.buffer, x.byteOffset, x.byteLength).equals(Buffer.from(y.buffer, y.byteOffset, y.byteLength));
}

/** Area resampling as torch's interpolate(mode='area'), one region, zero outside the image; NCHW normalised. */
export function refResizeArea(
  image: Uint8Array,
  width: number,
  height: number,
  channels: number,
  [x0, y0, w, h]: number[],
  outW: number,
  outH: number,
  opts: { channelOrder: 'rgb' | 'bgr'; mean: number[]; std: number[] },
): Float64Array {
  const out = new Float64Array(3 * outW * outH);
  const span = (i: number, n: number, m: number) => [Math.floor((i * n) / m), Math.ceil(((i + 1) * n) / m)];
  for (let oy = 0; oy < outH; oy++) {
    const [ya, yb] = span(oy, h, outH);
    for (let ox = 0; ox < outW; ox++) {
      const [xa, xb] = span(ox, w, outW);
      const sum = [0, 0, 0];
      for (let y = ya; y < yb; y++) {
        for (let x = xa; x < xb; x++) {
          const sx = x0 + x;
          const sy = y0 + y;
          if (sx < 0 || sy < 0 || sx >= width || sy >= height) continue;
          for (let c = 0; c < 3; c++) sum[c] += image[(sy * width + sx) * channels + c];
        }
      }
      for (let c = 0; c < 3; c++) {
        const s = opts.channelOrder === 'bgr' ? 2 - c : c;
        out[c * outW * outH + oy * outW + ox] = (sum[s] / ((yb - ya) * (xb - xa)) - opts.mean[s]) / opts.std[s];
      }
    }
  }
  return out;
}
