import { describe, expect, it } from 'vitest';
import {
  backend,
  cosineMatrix,
  estimateSimilarity,
  topK,
  topKAsync,
  warpFaces,
  warpFacesAsync,
  type TopKResult,
} from '../index.js';
import { ARCFACE_TEMPLATE, applyAffine, maxAbsDiff, randomFloats, rng, sameBytes, similarityMatrix } from './reference.js';

const { cuda } = backend();

/**
 * GPU and CPU scores agree to float rounding at every rank; the indices agree wherever the CPU's scores are
 * not a near-tie (rounding may order those either way). `cpu` holds k + 1 per row, to see a near-tie at rank k.
 */
function expectSameNeighbours(gpu: TopKResult, cpu: TopKResult, k: number) {
  const rows = gpu.indices.length / k;
  expect(cpu.indices).toHaveLength(rows * (k + 1));
  for (let row = 0; row < rows; row++) {
    const at = (p: number) => row * (k + 1) + p;
    for (let p = 0; p < k; p++) {
      const g = row * k + p;
      if (cpu.indices[at(p)] === -1) {
        expect(gpu.indices[g]).toBe(-1);
        expect(gpu.scores[g]).toBe(-Infinity);
        continue;
      }
      expect(Math.abs(gpu.scores[g] - cpu.scores[at(p)])).toBeLessThan(1e-4);
      const clear = (q: number) =>
        q < 0 || q > k || cpu.indices[at(q)] === -1 || Math.abs(cpu.scores[at(q)] - cpu.scores[at(p)]) > 1e-5;
      if (clear(p - 1) && clear(p + 1)) expect(gpu.indices[g]).toBe(cpu.indices[at(p)]);
    }
  }
}

describe.skipIf(!cuda)('CUDA', () => {
  it('cosineMatrix matches the CPU', () => {
    for (const [na, nb, dim] of [
      [37, 53, 128],
      [300, 257, 512],
      [1, 1, 3],
      [129, 65, 17],
    ]) {
      const random = rng(na + nb + dim);
      const a = randomFloats(na * dim, random),
        b = randomFloats(nb * dim, random);
      a.fill(0, 0, dim); // a zero row
      expect(maxAbsDiff(cosineMatrix(a, b, dim, { device: 'cuda' }), cosineMatrix(a, b, dim))).toBeLessThan(1e-4);
    }
  });

  it('warpFaces matches the CPU', async () => {
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
      const gpuAsync = await warpFacesAsync(image, w, h, channels, transforms, { ...opts, device: 'cuda' });
      expect(sameBytes(gpuAsync, gpu)).toBe(true);
    }
  });

  it('topK matches the CPU', async () => {
    for (const [na, nb, dim, k] of [
      [37, 53, 128, 5],
      [300, 257, 512, 101],
      [3, 1000, 8, 40],
      [5, 4, 16, 8], // padding: k > nb
      [1300, 70000, 16, 101], // two tiles of score rows
    ]) {
      const random = rng(na + nb + dim + k);
      const b = randomFloats(nb * dim, random);
      b.fill(0, dim, 2 * dim); // a zero row
      const a = na <= nb ? b.subarray(0, na * dim) : randomFloats(na * dim, random);
      for (const excludeSelf of [false, true]) {
        const gpu = topK(a, b, dim, k, { device: 'cuda', excludeSelf });
        expectSameNeighbours(gpu, topK(a, b, dim, k + 1, { excludeSelf }), k);
        const gpuAsync = await topKAsync(a, b, dim, k, { device: 'cuda', excludeSelf });
        expect(sameBytes(gpuAsync.indices, gpu.indices) && sameBytes(gpuAsync.scores, gpu.scores)).toBe(true);
      }
    }
  });

  it('topK breaks exact ties by lower index and limits k', () => {
    const dim = 8;
    const random = rng(11);
    const b = randomFloats(700 * dim, random);
    const q = randomFloats(dim, random);
    for (const j of [650, 3, 300, 299]) b.set(q, j * dim);
    b.set(
      q.map((v) => v * 2),
      100 * dim,
    ); // same direction, other norm: the same cosine
    const got = topK(q, b, dim, 6, { device: 'cuda' });
    expect(Array.from(got.indices.subarray(0, 5))).toEqual([3, 100, 299, 300, 650]);
    expect(new Set(Array.from(got.scores.subarray(0, 5))).size).toBe(1);
    const many = randomFloats(3000 * dim, random);
    expect(() => topK(q, many, dim, 2049, { device: 'cuda' })).toThrow(RangeError);
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
    expect(() => topK(a, a, 2, 1, { device: 'cuda' })).toThrow(/built without CUDA|no CUDA device/);
  });
});
