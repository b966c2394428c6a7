/*
 * warpFaces, resizeArea, cosineMatrix and topK each have an ...Async variant with the same arguments and result:
 * it validates its arguments at once (a bad one rejects the promise with the error the synchronous function
 * throws), computes on the libuv thread pool, and resolves with the result, so the event loop runs meanwhile.
 * The typed arrays passed in are read while the promise is pending: do not change or transfer them until it
 * settles.
 */

/** Interleaved 2-D points x0, y0, x1, y1, ... */
export type Points = Float32Array | Float64Array | readonly number[];

export type Device = 'cpu' | 'cuda';

/**
 * Least-squares similarity (rotation, uniform scale, translation; no reflection) mapping `src` to
 * `dst` (Umeyama). Both hold N >= 2 points. Returns the 2x3 row-major matrix [a, -b, tx, b, a, ty].
 * Throws RangeError when all src points coincide.
 */
export function estimateSimilarity(src: Points, dst: Points): Float64Array;

export interface WarpOptions {
  /** Side of the square output crop in pixels, e.g. 112. */
  size: number;
  /** Channel order of the output planes. */
  channelOrder: 'rgb' | 'bgr';
  /** Per source channel R, G, B, in pixel units 0..255. */
  mean: readonly [number, number, number] | readonly number[];
  /** Per source channel R, G, B, in pixel units; non-zero. */
  std: readonly [number, number, number] | readonly number[];
  /** CPU threads; default: hardware concurrency. */
  threads?: number;
  /** 'cuda' throws when the addon was built without CUDA or no device is usable. */
  device?: Device;
}

/**
 * Crops faces out of one interleaved RGB(A) image. `transforms` holds one 2x3 matrix per face
 * mapping source image coords to crop coords (as returned by estimateSimilarity(landmarks, template)).
 * Bilinear sampling like cv2.warpAffine (pixel centres at integer coords, border value 0).
 * Returns n * 3 * size * size floats, NCHW in `channelOrder`, each value (pixel - mean[s]) / std[s]
 * with s the plane's source channel (0 = R, 1 = G, 2 = B).
 */
export function warpFaces(
  image: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: 3 | 4,
  transforms: Float64Array,
  options: WarpOptions,
): Float32Array;
export function warpFacesAsync(...args: Parameters<typeof warpFaces>): Promise<Float32Array>;

export interface ResizeOptions {
  /** Channel order of the output planes. */
  channelOrder: 'rgb' | 'bgr';
  /** Per source channel R, G, B, in pixel units 0..255. */
  mean: readonly [number, number, number] | readonly number[];
  /** Per source channel R, G, B, in pixel units; non-zero. */
  std: readonly [number, number, number] | readonly number[];
  /** CPU threads; default: hardware concurrency. */
  threads?: number;
}

/**
 * Area (box-average) resampling, as torch's interpolate(mode='area'), of each region of one interleaved
 * RGB(A) image to outWidth x outHeight. `regions` holds x, y, width, height per region; parts outside the
 * image read as 0 (zero padding). Returns n * 3 * outHeight * outWidth floats, NCHW,
 * value = (pixel - mean[c]) / std[c].
 */
export function resizeArea(
  image: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  channels: 3 | 4,
  regions: Int32Array,
  outWidth: number,
  outHeight: number,
  options: ResizeOptions,
): Float32Array;
export function resizeAreaAsync(...args: Parameters<typeof resizeArea>): Promise<Float32Array>;

export interface CosineOptions {
  /** CPU threads; default: hardware concurrency. */
  threads?: number;
  device?: Device;
}

/**
 * Cosine similarity of every row of `a` with every row of `b` (both row-major, `dim` columns):
 * out[i * nb + j]. Rows with zero norm give 0.
 */
export function cosineMatrix(a: Float32Array, b: Float32Array, dim: number, options?: CosineOptions): Float32Array;
export function cosineMatrixAsync(...args: Parameters<typeof cosineMatrix>): Promise<Float32Array>;

export interface TopKOptions {
  /** Skip j === i (use when a and b are the same rows). */
  excludeSelf?: boolean;
  /** CPU threads; default: hardware concurrency. */
  threads?: number;
  /** 'cuda': cosine tiles and per-row selection on the GPU, for min(k, n_b) up to 2048. */
  device?: Device;
}

export interface TopKResult {
  /** n_a * k row indices into b; -1 where fewer than k candidates exist. */
  indices: Int32Array;
  /** n_a * k cosines, descending per row (ties: lower index first); -Infinity for padding. */
  scores: Float32Array;
}

/** The k rows of `b` most cosine-similar to each row of `a`, without materialising the full matrix. */
export function topK(a: Float32Array, b: Float32Array, dim: number, k: number, options?: TopKOptions): TopKResult;
export function topKAsync(...args: Parameters<typeof topK>): Promise<TopKResult>;

export interface Backend {
  /** Built with CUDA and a CUDA device is usable now. */
  cuda: boolean;
  /** CPU kernel in use. */
  simd: 'avx2' | 'generic';
  /** Default CPU thread count. */
  threads: number;
}

export function backend(): Backend;

/**
 * Measured fp32 multiply-add throughput of this machine in GFLOP/s, with the instruction set of
 * backend().simd on `threads` threads (default: all): the 100% for cosineMatrix GFLOP/s. Takes ~0.2 s.
 */
export function peakGflops(options?: { threads?: number }): number;
