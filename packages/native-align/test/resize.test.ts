import { describe, expect, it } from 'vitest';
import { resizeArea } from '../index.js';
import { maxAbsDiff, refResizeArea, rng } from './reference.js';

const mtcnn = { channelOrder: 'rgb' as const, mean: [127.5, 127.5, 127.5], std: [128, 128, 128] };

function randomImage(width: number, height: number, channels: number, seed: number): Uint8Array {
  const random = rng(seed);
  return Uint8Array.from({ length: width * height * channels }, () => Math.floor(random() * 256));
}

describe('resizeArea', () => {
  it('matches the reference when shrinking a whole image (a pyramid level)', () => {
    const image = randomImage(97, 61, 3, 1);
    for (const [w, h] of [
      [59, 38],
      [12, 12],
      [97, 61],
      [30, 50],
    ]) {
      const out = resizeArea(image, 97, 61, 3, Int32Array.of(0, 0, 97, 61), w, h, mtcnn);
      expect(maxAbsDiff(out, refResizeArea(image, 97, 61, 3, [0, 0, 97, 61], w, h, mtcnn))).toBeLessThan(1e-5);
    }
  });

  it('matches the reference on many crops, zero-padded outside the image, enlarged or shrunk, bgr, RGBA', () => {
    const image = randomImage(80, 50, 4, 2);
    const regions = [
      [-10, -5, 30, 30],
      [60, 30, 40, 40],
      [5, 5, 10, 12],
      [0, 0, 80, 50],
      [79, 49, 1, 1],
    ];
    const opts = { channelOrder: 'bgr' as const, mean: [10, 20, 30], std: [50, 60, 70] };
    const out = resizeArea(image, 80, 50, 4, Int32Array.from(regions.flat()), 24, 24, opts);
    expect(out).toHaveLength(regions.length * 3 * 24 * 24);
    regions.forEach((region, n) => {
      const slot = out.subarray(n * 3 * 576, (n + 1) * 3 * 576);
      expect(maxAbsDiff(slot, refResizeArea(image, 80, 50, 4, region, 24, 24, opts))).toBeLessThan(1e-4);
    });
  });

  it('reads a region wholly outside the image as zeros', () => {
    const out = resizeArea(randomImage(8, 8, 3, 3), 8, 8, 3, Int32Array.of(100, 100, 5, 5), 4, 4, mtcnn);
    for (const v of out) expect(v).toBeCloseTo(-127.5 / 128, 6);
  });

  it('throws on bad regions and sizes instead of crashing', () => {
    const image = randomImage(8, 8, 3, 4);
    expect(() => resizeArea(image, 8, 8, 3, Int32Array.of(0, 0, 4), 4, 4, mtcnn)).toThrow(/multiple of 4/);
    expect(() => resizeArea(image, 8, 8, 3, Int32Array.of(0, 0, 0, 4), 4, 4, mtcnn)).toThrow(/region 0/);
    expect(() => resizeArea(image, 8, 8, 3, new Float32Array(4) as never, 4, 4, mtcnn)).toThrow(/Int32Array/);
    expect(() => resizeArea(image, 8, 9, 3, Int32Array.of(0, 0, 4, 4), 4, 4, mtcnn)).toThrow(/image length/);
    expect(() => resizeArea(image, 8, 8, 3, Int32Array.of(0, 0, 4, 4), 0, 4, mtcnn)).toThrow(/outWidth/);
    expect(() => resizeArea(image, 8, 8, 3, Int32Array.of(0, 0, 4, 4), 4, 4, { ...mtcnn, std: [1, 0, 1] })).toThrow(/non-zero/);
  });
});
