import { describe, expect, it } from 'vitest';
import { gaussian, seededRandom } from '../../../test/support/random.js';
import { tsne } from '../src/tsne.js';

/** Points around `clusters` random centres in `dim` dimensions, labelled by cluster (seeded, no Math.random). */
function clusteredPoints(clusters: number, perCluster: number, dim: number, spread: number) {
  const normal = gaussian(seededRandom(12345));
  const centres = Array.from({ length: clusters }, () => Array.from({ length: dim }, normal));
  const labels = Array.from({ length: clusters * perCluster }, (_, i) => i % clusters);
  const points = labels.map((label) => centres[label].map((c) => c + spread * normal()));
  return { points, labels };
}

/** Share of points whose nearest neighbour in the layout has the same label. */
function nearestNeighbourAgreement(layout: Float64Array, labels: number[]): number {
  let agree = 0;
  labels.forEach((label, i) => {
    let nearest = -1;
    let best = Infinity;
    labels.forEach((_, j) => {
      const d = j === i ? Infinity : (layout[2 * i] - layout[2 * j]) ** 2 + (layout[2 * i + 1] - layout[2 * j + 1]) ** 2;
      if (d < best) [best, nearest] = [d, j];
    });
    agree += labels[nearest] === label ? 1 : 0;
  });
  return agree / labels.length;
}

describe('t-SNE', () => {
  it('keeps clusters of a high-dimensional space apart in two dimensions', () => {
    const { points, labels } = clusteredPoints(5, 24, 64, 0.35);
    const layout = tsne(points);
    expect(layout).toHaveLength(2 * points.length);
    expect(nearestNeighbourAgreement(layout, labels)).toBe(1);
    // Each cluster is tighter than the distance between cluster centres.
    const centre = (c: number) => {
      const own = labels.flatMap((l, i) => (l === c ? [i] : []));
      return [0, 1].map((axis) => own.reduce((sum, i) => sum + layout[2 * i + axis], 0) / own.length);
    };
    const centres = [0, 1, 2, 3, 4].map(centre);
    const radius = Math.max(
      ...labels.map((l, i) => Math.hypot(layout[2 * i] - centres[l][0], layout[2 * i + 1] - centres[l][1])),
    );
    for (let a = 0; a < 5; a++) {
      for (let b = a + 1; b < 5; b++)
        expect(Math.hypot(centres[a][0] - centres[b][0], centres[a][1] - centres[b][1])).toBeGreaterThan(radius);
    }
  });

  it('gives the same layout for the same input and seed', () => {
    const { points } = clusteredPoints(3, 10, 16, 0.5);
    expect(tsne(points, { seed: 7 })).toEqual(tsne(points, { seed: 7 }));
  });

  it('parts identical points and handles tiny inputs', () => {
    const { points } = clusteredPoints(2, 6, 8, 0.2);
    const withDuplicates = [...points, points[0], points[0]];
    const layout = tsne(withDuplicates);
    expect(layout.every(Number.isFinite)).toBe(true);
    const n = withDuplicates.length;
    expect(Math.hypot(layout[0] - layout[2 * (n - 1)], layout[1] - layout[2 * (n - 1) + 1])).toBeGreaterThan(0);
    expect(tsne([])).toHaveLength(0);
    expect(Array.from(tsne([points[0]]), Math.abs)).toEqual([0, 0]);
    expect(tsne(points.slice(0, 3)).every(Number.isFinite)).toBe(true);
  });
});
