import { describe, expect, it } from 'vitest';
import {
  cosineMatrix,
  cosineMatrixAsync,
  estimateSimilarity,
  resizeArea,
  resizeAreaAsync,
  topK,
  topKAsync,
  warpFaces,
  warpFacesAsync,
} from '../index.js';
import { ARCFACE_TEMPLATE, applyAffine, randomFloats, rng, sameBytes, similarityMatrix } from './reference.js';

const ARCFACE = { size: 112, channelOrder: 'bgr' as const, mean: [123.7, 116.3, 103.5], std: [58.4, 57.1, 57.4] };
const MTCNN = { channelOrder: 'rgb' as const, mean: [127.5, 127.5, 127.5], std: [128, 128, 128] };

function randomImage(width: number, height: number, channels: number, seed: number): Uint8Array {
  const random = rng(seed);
  return Uint8Array.from({ length: width * height * channels }, () => Math.floor(random() * 256));
}

/** n face transforms at seeded positions, scales and angles in a width x height image. */
function faceTransforms(n: number, width: number, height: number, seed: number): Float64Array {
  const random = rng(seed);
  const out = new Float64Array(n * 6);
  for (let i = 0; i < n; i++) {
    const scale = 0.5 + 2 * random();
    const place = similarityMatrix(random() * 6, scale, random() * width - 56 * scale, random() * height - 56 * scale);
    out.set(estimateSimilarity(applyAffine(place, ARCFACE_TEMPLATE), ARCFACE_TEMPLATE), 6 * i);
  }
  return out;
}

const [W, H] = [640, 480];
const image = randomImage(W, H, 3, 1);
const transforms = faceTransforms(40, W, H, 2);
const regions = Int32Array.from([-10, -5, 300, 200, 100, 50, 24, 24, 0, 0, W, H, 600, 400, 80, 120]);
const dim = 128;
const a = randomFloats(700 * dim, rng(3));
const b = randomFloats(900 * dim, rng(4));

describe('async variants', () => {
  it('give bit-identical results to the synchronous functions', async () => {
    expect(
      sameBytes(await warpFacesAsync(image, W, H, 3, transforms, ARCFACE), warpFaces(image, W, H, 3, transforms, ARCFACE)),
    ).toBe(true);
    const resized = await resizeAreaAsync(image, W, H, 3, regions, 48, 48, MTCNN);
    expect(resized).toBeInstanceOf(Float32Array);
    expect(sameBytes(resized, resizeArea(image, W, H, 3, regions, 48, 48, MTCNN))).toBe(true);
    expect(sameBytes(await cosineMatrixAsync(a, b, dim), cosineMatrix(a, b, dim))).toBe(true);
    const got = await topKAsync(a, a, dim, 12, { excludeSelf: true, threads: 1 });
    const expected = topK(a, a, dim, 12, { excludeSelf: true });
    expect(got.indices).toBeInstanceOf(Int32Array);
    expect(sameBytes(got.indices, expected.indices)).toBe(true);
    expect(sameBytes(got.scores, expected.scores)).toBe(true);
  });

  it('handle empty inputs and padding as the synchronous functions do', async () => {
    expect(await warpFacesAsync(image, W, H, 3, new Float64Array(0), ARCFACE)).toHaveLength(0);
    expect(await cosineMatrixAsync(new Float32Array(0), b, dim)).toHaveLength(0);
    const padded = await topKAsync(a.subarray(0, 2 * dim), b.subarray(0, 3 * dim), dim, 5);
    expect(padded).toEqual(topK(a.subarray(0, 2 * dim), b.subarray(0, 3 * dim), dim, 5));
    expect(padded.indices[4]).toBe(-1);
  });

  it('run concurrently without corrupting each other', async () => {
    // Different inputs per call, all in flight at once on the thread pool, each checked against its own sync result.
    const calls = Array.from({ length: 12 }, (_, n) => {
      const seed = 100 + n;
      switch (n % 4) {
        case 0: {
          const img = randomImage(W, H, 3, seed),
            t = faceTransforms(10 + n, W, H, seed);
          return [warpFacesAsync(img, W, H, 3, t, ARCFACE), () => warpFaces(img, W, H, 3, t, ARCFACE)] as const;
        }
        case 1: {
          const img = randomImage(W, H, 4, seed);
          return [
            resizeAreaAsync(img, W, H, 4, regions, 24 + n, 24, MTCNN),
            () => resizeArea(img, W, H, 4, regions, 24 + n, 24, MTCNN),
          ] as const;
        }
        case 2: {
          const x = randomFloats(300 * dim, rng(seed)),
            y = randomFloats(200 * dim, rng(seed + 1));
          return [cosineMatrixAsync(x, y, dim), () => cosineMatrix(x, y, dim)] as const;
        }
        default: {
          const x = randomFloats(500 * dim, rng(seed));
          return [
            topKAsync(x, x, dim, 3 + n, { excludeSelf: true }).then((r) => r.scores),
            () => topK(x, x, dim, 3 + n, { excludeSelf: true }).scores,
          ] as const;
        }
      }
    });
    const results = await Promise.all(calls.map(([promise]) => promise));
    results.forEach((result, n) => expect(sameBytes(result, calls[n][1]()), `call ${n}`).toBe(true));
  });

  it('keep the event loop running while a large topK runs', async () => {
    // 4000 x 4000 x 512 on one thread: hundreds of milliseconds of work, during which timers must fire.
    const rows = randomFloats(4000 * 512, rng(5));
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let ticksWhenDone = -1;
    const search = topKAsync(rows, rows, 512, 100, { threads: 1 }).then((result) => {
      ticksWhenDone = ticks;
      return result;
    });
    const result = await search;
    expect(result.indices).toHaveLength(4000 * 100);
    expect(ticksWhenDone).toBeGreaterThanOrEqual(3);
    // The same search done synchronously lets no tick through.
    const before = ticks;
    topK(rows, rows, 512, 100, { threads: 1 });
    expect(ticks).toBe(before);
    clearInterval(timer);
  });
});
