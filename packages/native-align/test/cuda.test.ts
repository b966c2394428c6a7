import { describe, expect, it } from 'vitest';
import { backend, cosineMatrix, estimateSimilarity, warpFaces } from '../index.js';
import { ARCFACE_TEMPLATE, applyAffine, maxAbsDiff, randomFloats, rng, similarityMatrix } from './reference.js';

const { cuda } = backend();

describe.skipIf(!cuda)('CUDA', () => {
  it('cosineMatrix matches the CPU', () => {
    for (const [na, nb, dim] of [
      [37, 53, 128],
      [300, 257, 512],
      [1, 1, 3],
      [129, 65, 17],
    ]) {
      const random = rng(na + nb + dim);
      const a = randomFloats(na * dim, random), b = randomFloats(nb * dim, random);
      a.fill(0, 0, dim); // a zero row
      expect(maxAbsDiff(cosineMatrix(a, b, dim, { device: 'cuda' }), cosineMatrix(a, b, dim))).toBeLessThan(1e-4);
    }
  });

  it('warpFaces matches the CPU', () => {
    const [w, h] = [333, 251];
    const random = rng(5);
    for (const channels of [3, 4] as const) {
      const image = Uint8Array.from({ length: w * h * channels }, () => Math.floor(random() * 256));
      const transforms = new Float64Array(4 * 6);
      [
        [160, 120, 1.3, 0.2],
        [20, 30, 0.8, -0.5],
        [320, 240, 2, 1],
        [100, 150, 0.45, 3],
      ].forEach(([cx, cy, s, angle], i) => {
        const landmarks = applyAffine(similarityMatrix(angle, s, cx - 56 * s, cy - 56 * s), ARCFACE_TEMPLATE);
        transforms.set(estimateSimilarity(landmarks, ARCFACE_TEMPLATE), 6 * i);
      });
      const opts = { size: 112, channelOrder: 'bgr' as const, mean: [123.7, 116.3, 103.5], std: [58.4, 57.1, 57.4] };
      const gpu = warpFaces(image, w, h, channels, transforms, { ...opts, device: 'cuda' });
      expect(maxAbsDiff(gpu, warpFaces(image, w, h, channels, transforms, opts))).toBeLessThan(1e-4);
    }
  });
});

describe.skipIf(cuda)('without a usable CUDA device', () => {
  it("device: 'cuda' throws a clear Error", () => {
    const a = new Float32Array([1, 2, 3, 4]);
    expect(() => cosineMatrix(a, a, 2, { device: 'cuda' })).toThrow(/built without CUDA|no CUDA device/);
    const opts = { size: 4, channelOrder: 'rgb' as const, mean: [0, 0, 0], std: [1, 1, 1], device: 'cuda' as const };
    expect(() => warpFaces(new Uint8Array(12), 2, 2, 3, Float64Array.from([1, 0, 0, 0, 1, 0]), opts)).toThrow(
      /built without CUDA|no CUDA device/,
    );
  });
});
