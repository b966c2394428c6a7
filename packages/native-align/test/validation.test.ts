import { describe, expect, it } from 'vitest';
import * as native from '../index.js';
import { cosineMatrix } from '../index.js';

// Untyped access, to pass what TypeScript would reject.
type Module = Record<string, (...args: unknown[]) => unknown>;
const any = native as unknown as Module;
// The same calls on the ...Async variants.
const asyncVariants = new Proxy(any, { get: (target, name: string) => target[`${name}Async`] });

const image = new Uint8Array(4 * 3 * 3);
const identity = Float64Array.from([1, 0, 0, 0, 1, 0]);
const opts = { size: 8, channelOrder: 'rgb', mean: [0, 0, 0], std: [1, 1, 1] };
const rows = new Float32Array(12);

type Case = [string, (m: Module) => unknown, ErrorConstructor, RegExp];

const cases: Case[] = [
  ['similarity: missing args', (m) => m.estimateSimilarity([1, 2, 3, 4]), TypeError, /expected \(src, dst\)/],
  ['similarity: string', (m) => m.estimateSimilarity('1,2', [1, 2]), TypeError, /src must be a Float32Array/],
  ['similarity: Int32Array', (m) => m.estimateSimilarity(new Int32Array(4), [0, 0, 1, 1]), TypeError, /got Int32Array/],
  ['similarity: non-number element', (m) => m.estimateSimilarity([0, 0, 1, 'x'], [0, 0, 1, 1]), TypeError, /src\[3\]/],
  ['similarity: odd length', (m) => m.estimateSimilarity([0, 0, 1], [0, 0, 1]), RangeError, /N >= 2/],
  ['similarity: one point', (m) => m.estimateSimilarity([0, 0], [0, 0]), RangeError, /N >= 2/],
  ['similarity: length mismatch', (m) => m.estimateSimilarity([0, 0, 1, 1], [0, 0, 1, 1, 2, 2]), RangeError, /differs/],
  ['similarity: degenerate', (m) => m.estimateSimilarity([3, 3, 3, 3], [0, 0, 1, 1]), RangeError, /all identical/],

  [
    'warp: image type',
    (m) => m.warpFaces(new Float32Array(36), 4, 3, 3, identity, opts),
    TypeError,
    /image must be a Uint8Array/,
  ],
  ['warp: image array', (m) => m.warpFaces([1, 2, 3], 1, 1, 3, identity, opts), TypeError, /got Array/],
  ['warp: width 0', (m) => m.warpFaces(image, 0, 3, 3, identity, opts), RangeError, /width must be in/],
  ['warp: width fractional', (m) => m.warpFaces(image, 4.5, 3, 3, identity, opts), TypeError, /width must be an integer/],
  ['warp: height string', (m) => m.warpFaces(image, 4, '3', 3, identity, opts), TypeError, /height must be a number/],
  ['warp: channels 2', (m) => m.warpFaces(image, 4, 3, 2, identity, opts), RangeError, /channels must be in \[3, 4\]/],
  [
    'warp: size mismatch',
    (m) => m.warpFaces(image, 4, 4, 3, identity, opts),
    RangeError,
    /image length 36 != width\*height\*channels = 48/,
  ],
  [
    'warp: transforms type',
    (m) => m.warpFaces(image, 4, 3, 3, new Float32Array(6), opts),
    TypeError,
    /transforms must be a Float64Array/,
  ],
  ['warp: transforms length', (m) => m.warpFaces(image, 4, 3, 3, new Float64Array(7), opts), RangeError, /multiple of 6/],
  ['warp: no options', (m) => m.warpFaces(image, 4, 3, 3, identity), TypeError, /expected \(image/],
  ['warp: options null', (m) => m.warpFaces(image, 4, 3, 3, identity, null), TypeError, /options must be an object/],
  ['warp: size missing', (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, size: undefined }), TypeError, /options.size/],
  ['warp: size 0', (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, size: 0 }), RangeError, /options.size/],
  ['warp: order', (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, channelOrder: 'rbg' }), TypeError, /channelOrder/],
  [
    'warp: mean length',
    (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, mean: [1, 2] }),
    RangeError,
    /options.mean must have 3/,
  ],
  [
    'warp: mean type',
    (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, mean: 127.5 }),
    TypeError,
    /options.mean must be an array/,
  ],
  [
    'warp: std zero',
    (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, std: [1, 0, 1] }),
    RangeError,
    /options.std\[1\] must be finite and non-zero/,
  ],
  ['warp: std NaN', (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, std: [1, 1, NaN] }), RangeError, /options.std\[2\]/],
  [
    'warp: singular',
    (m) => m.warpFaces(image, 4, 3, 3, Float64Array.from([...identity, 1, 2, 0, 2, 4, 0]), opts),
    RangeError,
    /transform 1 is not invertible/,
  ],
  [
    'warp: NaN matrix',
    (m) => m.warpFaces(image, 4, 3, 3, Float64Array.from([NaN, 0, 0, 0, 1, 0]), opts),
    RangeError,
    /transform 0 is not invertible/,
  ],
  ['warp: threads 0', (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, threads: 0 }), RangeError, /options.threads/],
  ['warp: device', (m) => m.warpFaces(image, 4, 3, 3, identity, { ...opts, device: 'gpu' }), TypeError, /'cpu' or 'cuda'/],
  [
    'warp: too large',
    (m) =>
      m.warpFaces(
        image,
        4,
        3,
        3,
        new Float64Array(6 * 200000).map((_, i) => +(i % 6 === 0 || i % 6 === 4)),
        { ...opts, size: 4096 },
      ),
    RangeError,
    /more than a typed array can hold/,
  ],

  [
    'cosine: a Float64Array',
    (m) => m.cosineMatrix(new Float64Array(4), rows, 2),
    TypeError,
    /a must be a Float32Array, got Float64Array/,
  ],
  ['cosine: b array', (m) => m.cosineMatrix(rows, [1, 2], 2), TypeError, /b must be a Float32Array, got Array/],
  ['cosine: missing dim', (m) => m.cosineMatrix(rows, rows), TypeError, /expected \(a, b, dim/],
  ['cosine: dim 0', (m) => m.cosineMatrix(rows, rows, 0), RangeError, /dim must be in/],
  ['cosine: dim negative', (m) => m.cosineMatrix(rows, rows, -4), RangeError, /dim must be in/],
  ['cosine: dim fractional', (m) => m.cosineMatrix(rows, rows, 2.5), TypeError, /dim must be an integer/],
  ['cosine: dim NaN', (m) => m.cosineMatrix(rows, rows, NaN), TypeError, /dim must be an integer/],
  [
    'cosine: a length',
    (m) => m.cosineMatrix(rows, new Float32Array(10), 5),
    RangeError,
    /a length 12 is not a multiple of dim 5/,
  ],
  [
    'cosine: b length',
    (m) => m.cosineMatrix(rows, new Float32Array(10), 4),
    RangeError,
    /b length 10 is not a multiple of dim 4/,
  ],
  ['cosine: options type', (m) => m.cosineMatrix(rows, rows, 4, 3), TypeError, /options must be an object/],
  [
    'cosine: threads type',
    (m) => m.cosineMatrix(rows, rows, 4, { threads: 'all' }),
    TypeError,
    /options.threads must be a number/,
  ],
  [
    'cosine: too large',
    (m) => m.cosineMatrix(new Float32Array(70000), new Float32Array(70000), 1),
    RangeError,
    /more than a typed array can hold/,
  ],

  ['topK: k 0', (m) => m.topK(rows, rows, 4, 0), RangeError, /k must be in/],
  ['topK: k fractional', (m) => m.topK(rows, rows, 4, 1.5), TypeError, /k must be an integer/],
  ['topK: k missing', (m) => m.topK(rows, rows, 4), TypeError, /expected \(a, b, dim, k/],
  ['topK: a type', (m) => m.topK(new Uint8Array(4), rows, 4, 1), TypeError, /a must be a Float32Array/],
  ['topK: dim', (m) => m.topK(rows, rows, 5, 1), RangeError, /not a multiple of dim 5/],
  ['topK: excludeSelf', (m) => m.topK(rows, rows, 4, 1, { excludeSelf: 'yes' }), TypeError, /excludeSelf must be a boolean/],
  ['topK: device', (m) => m.topK(rows, rows, 4, 1, { device: 'gpu' }), TypeError, /options.device must be 'cpu' or 'cuda'/],
  ['peakGflops: threads', (m) => m.peakGflops({ threads: -1 }), RangeError, /options.threads/],
  ['topK: too large', (m) => m.topK(new Float32Array(3), rows, 1, 2 ** 31 - 1), RangeError, /more than a typed array can hold/],
];

function thrownBy(call: () => unknown): unknown {
  try {
    call();
  } catch (e) {
    return e;
  }
}

describe('input validation', () => {
  it.each(cases)('%s', (_name, call, type, message) => {
    const error = thrownBy(() => call(any));
    expect(error).toBeInstanceOf(type);
    expect((error as Error).message).toMatch(message);
  });

  // estimateSimilarity and peakGflops have no async variant.
  const asyncCases = cases.filter(([name]) => !/^(similarity|peakGflops)/.test(name));
  it.each(asyncCases)('%s: the async variant rejects with the same error', async (_name, call) => {
    const promise = call(asyncVariants); // does not throw
    expect(promise).toBeInstanceOf(Promise);
    const error = await (promise as Promise<unknown>).then(
      () => undefined,
      (e: unknown) => e,
    );
    const expected = thrownBy(() => call(any)) as Error;
    expect(error).toBeInstanceOf(expected.constructor);
    expect((error as Error).message).toBe(expected.message);
  });

  it('leaves the addon working after errors', () => {
    expect(cosineMatrix(new Float32Array([1, 0]), new Float32Array([0, 1]), 2)[0]).toBe(0);
  });
});
