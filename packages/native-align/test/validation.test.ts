import { describe, expect, it } from 'vitest';
import * as native from '../index.js';
import { cosineMatrix, estimateSimilarity, topK, warpFaces } from '../index.js';

// Untyped access, to pass what TypeScript would reject.
const any = native as unknown as Record<string, (...args: unknown[]) => unknown>;

const image = new Uint8Array(4 * 3 * 3);
const identity = Float64Array.from([1, 0, 0, 0, 1, 0]);
const opts = { size: 8, channelOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] };
const rows = new Float32Array(12);

type Case = [string, () => unknown, ErrorConstructor, RegExp];

const cases: Case[] = [
  ['similarity: missing args', () => any.estimateSimilarity([1, 2, 3, 4]), TypeError, /expected \(src, dst\)/],
  ['similarity: string', () => any.estimateSimilarity('1,2', [1, 2]), TypeError, /src must be a Float32Array/],
  ['similarity: Int32Array', () => any.estimateSimilarity(new Int32Array(4), [0, 0, 1, 1]), TypeError, /got Int32Array/],
  ['similarity: non-number element', () => any.estimateSimilarity([0, 0, 1, 'x'], [0, 0, 1, 1]), TypeError, /src\[3\]/],
  ['similarity: odd length', () => estimateSimilarity([0, 0, 1], [0, 0, 1]), RangeError, /N >= 2/],
  ['similarity: one point', () => estimateSimilarity([0, 0], [0, 0]), RangeError, /N >= 2/],
  ['similarity: length mismatch', () => estimateSimilarity([0, 0, 1, 1], [0, 0, 1, 1, 2, 2]), RangeError, /differs/],
  ['similarity: degenerate', () => estimateSimilarity([3, 3, 3, 3], [0, 0, 1, 1]), RangeError, /all identical/],

  ['warp: image type', () => any.warpFaces(new Float32Array(36), 4, 3, 3, identity, opts), TypeError, /image must be a Uint8Array/],
  ['warp: image array', () => any.warpFaces([1, 2, 3], 1, 1, 3, identity, opts), TypeError, /got Array/],
  ['warp: width 0', () => any.warpFaces(image, 0, 3, 3, identity, opts), RangeError, /width must be in/],
  ['warp: width fractional', () => any.warpFaces(image, 4.5, 3, 3, identity, opts), TypeError, /width must be an integer/],
  ['warp: height string', () => any.warpFaces(image, 4, '3', 3, identity, opts), TypeError, /height must be a number/],
  ['warp: channels 2', () => any.warpFaces(image, 4, 3, 2, identity, opts), RangeError, /channels must be in \[3, 4\]/],
  ['warp: size mismatch', () => any.warpFaces(image, 4, 4, 3, identity, opts), RangeError, /image length 36 != width\*height\*channels = 48/],
  ['warp: transforms type', () => any.warpFaces(image, 4, 3, 3, new Float32Array(6), opts), TypeError, /transforms must be a Float64Array/],
  ['warp: transforms length', () => any.warpFaces(image, 4, 3, 3, new Float64Array(7), opts), RangeError, /multiple of 6/],
  ['warp: no options', () => any.warpFaces(image, 4, 3, 3, identity), TypeError, /expected \(image/],
  ['warp: options null', () => any.warpFaces(image, 4, 3, 3, identity, null), TypeError, /options must be an object/],
  ['warp: size missing', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, size: undefined }), TypeError, /options.size/],
  ['warp: size 0', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, size: 0 }), RangeError, /options.size/],
  ['warp: order', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, channelOrder: 'rbg' }), TypeError, /channelOrder/],
  ['warp: mean length', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, mean: [1, 2] }), RangeError, /options.mean must have 3/],
  ['warp: mean type', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, mean: 127.5 }), TypeError, /options.mean must be an array/],
  ['warp: std zero', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, std: [1, 0, 1] }), RangeError, /options.std\[1\] must be finite and non-zero/],
  ['warp: std NaN', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, std: [1, 1, NaN] }), RangeError, /options.std\[2\]/],
  ['warp: singular', () => warpFaces(image, 4, 3, 3, Float64Array.from([...identity, 1, 2, 0, 2, 4, 0]), opts as never), RangeError, /transform 1 is not invertible/],
  ['warp: NaN matrix', () => warpFaces(image, 4, 3, 3, Float64Array.from([NaN, 0, 0, 0, 1, 0]), opts as never), RangeError, /transform 0 is not invertible/],
  ['warp: threads 0', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, threads: 0 }), RangeError, /options.threads/],
  ['warp: device', () => any.warpFaces(image, 4, 3, 3, identity, { ...opts, device: 'gpu' }), TypeError, /'cpu' or 'cuda'/],
  ['warp: too large', () => any.warpFaces(image, 4, 3, 3, new Float64Array(6 * 200000).map((_, i) => +(i % 6 === 0 || i % 6 === 4)), { ...opts, size: 4096 }), RangeError, /more than a typed array can hold/],

  ['cosine: a Float64Array', () => any.cosineMatrix(new Float64Array(4), rows, 2), TypeError, /a must be a Float32Array, got Float64Array/],
  ['cosine: b array', () => any.cosineMatrix(rows, [1, 2], 2), TypeError, /b must be a Float32Array, got Array/],
  ['cosine: missing dim', () => any.cosineMatrix(rows, rows), TypeError, /expected \(a, b, dim/],
  ['cosine: dim 0', () => cosineMatrix(rows, rows, 0), RangeError, /dim must be in/],
  ['cosine: dim negative', () => cosineMatrix(rows, rows, -4), RangeError, /dim must be in/],
  ['cosine: dim fractional', () => cosineMatrix(rows, rows, 2.5), TypeError, /dim must be an integer/],
  ['cosine: dim NaN', () => cosineMatrix(rows, rows, NaN), TypeError, /dim must be an integer/],
  ['cosine: a length', () => cosineMatrix(rows, new Float32Array(10), 5), RangeError, /a length 12 is not a multiple of dim 5/],
  ['cosine: b length', () => cosineMatrix(rows, new Float32Array(10), 4), RangeError, /b length 10 is not a multiple of dim 4/],
  ['cosine: options type', () => any.cosineMatrix(rows, rows, 4, 3), TypeError, /options must be an object/],
  ['cosine: threads type', () => any.cosineMatrix(rows, rows, 4, { threads: 'all' }), TypeError, /options.threads must be a number/],
  ['cosine: too large', () => cosineMatrix(new Float32Array(70000), new Float32Array(70000), 1), RangeError, /more than a typed array can hold/],

  ['topK: k 0', () => topK(rows, rows, 4, 0), RangeError, /k must be in/],
  ['topK: k fractional', () => topK(rows, rows, 4, 1.5), TypeError, /k must be an integer/],
  ['topK: k missing', () => any.topK(rows, rows, 4), TypeError, /expected \(a, b, dim, k/],
  ['topK: a type', () => any.topK(new Uint8Array(4), rows, 4, 1), TypeError, /a must be a Float32Array/],
  ['topK: dim', () => topK(rows, rows, 5, 1), RangeError, /not a multiple of dim 5/],
  ['topK: excludeSelf', () => any.topK(rows, rows, 4, 1, { excludeSelf: 'yes' }), TypeError, /excludeSelf must be a boolean/],
  ['topK: device', () => any.topK(rows, rows, 4, 1, { device: 'cuda' }), TypeError, /options.device must be 'cpu'/],
  ['peakGflops: threads', () => any.peakGflops({ threads: -1 }), RangeError, /options.threads/],
  ['topK: too large', () => topK(new Float32Array(3), rows, 1, 2 ** 31 - 1), RangeError, /more than a typed array can hold/],
];

describe('input validation', () => {
  it.each(cases)('%s', (_name, call, type, message) => {
    let error: unknown;
    try {
      call();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  it('leaves the addon working after errors', () => {
    expect(cosineMatrix(new Float32Array([1, 0]), new Float32Array([0, 1]), 2)[0]).toBe(0);
  });
});
