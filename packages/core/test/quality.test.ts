import { describe, expect, it } from 'vitest';
import { l2Normalise } from '../src/embed.js';
import { groupFacesByQuality, median, weakReasons } from '../src/grouping/quality-gate.js';

const policy = { minSharpness: 10, minRelativeEmbeddingNorm: 0.7 };
const quality = (sharpness: number, embeddingNorm: number) => ({ size: 100, alignmentError: 0.02, sharpness, embeddingNorm });

describe('face quality gate', () => {
  it('calls a face blurred or hard to recognise against the policy and the median norm', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
    expect(weakReasons(quality(500, 16), 16, policy)).toEqual([]);
    expect(weakReasons(quality(5, 16), 16, policy)).toEqual(['blurred']);
    expect(weakReasons(quality(500, 11), 16, policy)).toEqual(['hard to recognise']);
    expect(weakReasons(quality(5, 11), 16, policy)).toEqual(['blurred', 'hard to recognise']);
  });

  it('says why a weak face is in no person, and which person was nearest', () => {
    const direction = (seed: number) => l2Normalise(Float32Array.from({ length: 16 }, (_, i) => Math.sin(seed * (i + 1))));
    const mina = direction(1);
    const other = direction(7);
    const faces = [
      { id: 'a#0', photo: 'a', embedding: mina, quality: quality(800, 16) },
      { id: 'b#0', photo: 'b', embedding: mina, quality: quality(800, 16) },
      // The same look but blurred: it joins Mina.
      { id: 'c#0', photo: 'c', embedding: mina, quality: quality(4, 16) },
      // Blurred and like nobody: left out, with its nearest person.
      { id: 'd#0', photo: 'd', embedding: other, quality: quality(4, 16) },
    ];
    const { clusters, unassigned } = groupFacesByQuality(faces, { ...policy, threshold: 0.43, neighbours: 10 });
    expect(clusters).toEqual([['a#0', 'b#0', 'c#0']]);
    expect(unassigned).toHaveLength(1);
    expect(unassigned[0]).toMatchObject({ faceId: 'd#0', reasons: ['blurred', 'no close person'], nearest: { cluster: 0 } });
    expect(unassigned[0].nearest!.similarity).toBeLessThan(0.43);
  });
});
