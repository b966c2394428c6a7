import { describe, expect, it } from 'vitest';
import { estimateSimilarity } from '../index.js';
import { ARCFACE_TEMPLATE, applyAffine, invertAffine, maxAbsDiff, rng, similarityMatrix, umeyama } from './reference.js';

function residual(m: ArrayLike<number>, src: number[], dst: number[]): number {
  const p = applyAffine(m, src);
  return p.reduce((s, v, i) => s + (v - dst[i]) ** 2, 0);
}

describe('estimateSimilarity', () => {
  it('recovers a known similarity from the ArcFace template', () => {
    const t = similarityMatrix(0.3, 1.7, 12.5, -40.25);
    const moved = applyAffine(t, ARCFACE_TEMPLATE);
    const m = estimateSimilarity(ARCFACE_TEMPLATE, moved);
    expect(m).toBeInstanceOf(Float64Array);
    expect(m.length).toBe(6);
    expect(maxAbsDiff(m, t)).toBeLessThan(1e-9);
    // Landmarks -> template (the direction used for alignment) gives the inverse.
    expect(maxAbsDiff(estimateSimilarity(moved, ARCFACE_TEMPLATE), invertAffine(t))).toBeLessThan(1e-9);
  });

  it('handles large rotations (beyond +-90 degrees) and tiny scales', () => {
    for (const angle of [Math.PI * 0.9, -Math.PI * 0.75, Math.PI]) {
      const t = similarityMatrix(angle, 0.05, 300, 200);
      const m = estimateSimilarity(ARCFACE_TEMPLATE, applyAffine(t, ARCFACE_TEMPLATE));
      expect(maxAbsDiff(m, t)).toBeLessThan(1e-9);
    }
  });

  it('matches the Umeyama reference on noisy points and is least-squares optimal', () => {
    const random = rng(7);
    for (let trial = 0; trial < 50; trial++) {
      const n = 2 + Math.floor(random() * 8);
      const src = Array.from({ length: 2 * n }, () => random() * 500);
      const t = similarityMatrix(random() * 6.28 - 3.14, 0.1 + random() * 3, random() * 100, random() * 100);
      const dst = applyAffine(t, src).map((v) => v + (random() - 0.5) * 20);
      const m = estimateSimilarity(src, dst);
      expect(maxAbsDiff(m, umeyama(src, dst))).toBeLessThan(1e-8 * (1 + Math.max(...Array.from(m, Math.abs))));
      expect(m[0]).toBeCloseTo(m[4], 12);
      expect(m[1]).toBeCloseTo(-m[3], 12);
      // No similarity nearby fits better.
      const best = residual(m, src, dst);
      for (let p = 0; p < 4; p++) {
        const [a, b, tx, ty] = [m[0], m[3], m[2], m[5]];
        const d = [0, 0, 0, 0];
        d[p] = 1e-4 * (p < 2 ? 1 : 100);
        const other = [a + d[0], -(b + d[1]), tx + d[2], b + d[1], a + d[0], ty + d[3]];
        expect(residual(other, src, dst)).toBeGreaterThan(best);
      }
    }
  });

  it('never returns a reflection', () => {
    // dst is a mirror image of src: the best proper similarity, not the mirror.
    const src = ARCFACE_TEMPLATE;
    const dst = applyAffine([-1, 0, 112, 0, 1, 0], src);
    const m = estimateSimilarity(src, dst);
    expect(m[0] * m[4] - m[1] * m[3]).toBeGreaterThanOrEqual(0);
    expect(maxAbsDiff(m, umeyama(src, dst))).toBeLessThan(1e-9);
  });

  it('accepts number[], Float32Array and Float64Array alike', () => {
    const src = [10, 20, 30, 25, 20, 40];
    const dst = [1, 2, 3.5, 2.5, 2, 4];
    const expected = estimateSimilarity(src, dst);
    expect(Array.from(estimateSimilarity(Float64Array.from(src), Float64Array.from(dst)))).toEqual(Array.from(expected));
    expect(Array.from(estimateSimilarity(Float32Array.from(src), Float32Array.from(dst)))).toEqual(Array.from(expected));
  });
});
