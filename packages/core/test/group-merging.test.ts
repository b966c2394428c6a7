import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { l2Normalise } from '../src/embed.js';
import { groupFaces, type GroupingFace } from '../src/grouping/group-faces.js';
import { FacePipeline } from '../src/pipeline.js';
import { groupImages } from '../src/grouping/result.js';
import type { Box } from '../src/types.js';
import { shared } from '../../../test/support/fixtures.js';
import { gaussian, seededRandom } from '../../../test/support/random.js';

const dim = 128;

/** Draws unit vectors: directions, and faces at a chosen cosine similarity to a direction. */
function drawer(seed: number) {
  const rand = seededRandom(seed);
  const gauss = gaussian(rand);
  const direction = () => l2Normalise(Float32Array.from({ length: dim }, gauss));
  /** cos·centre + sin·(a random direction orthogonal to it): similarity `cos` to the centre. */
  const around = (centre: Float32Array, cos: number) => {
    const noise = direction();
    const along = noise.reduce((s, v, d) => s + v * centre[d], 0);
    const orthogonal = l2Normalise(Float32Array.from(noise, (v, d) => v - along * centre[d]));
    return l2Normalise(Float32Array.from(centre, (c, d) => cos * c + Math.sqrt(1 - cos * cos) * orthogonal[d]));
  };
  return { direction, around };
}

const face = (id: string, embedding: Float32Array): GroupingFace => ({ id: `${id}.jpg#0`, photo: `${id}.jpg`, embedding });
const identity = (id: string) => id.split('/')[0];
const options = { threshold: 0.43, neighbours: 100 };

/**
 * "varied": 20 faces that vary a lot (similarity about 0.45 to each other) and 3 unusual photos of the same
 * person, about 0.3 like the others and 0.2 like each other: the first pass leaves them out. "tight": 10 faces
 * about 0.81 alike, and "lookalike", another person about 0.36 like them.
 */
function album(seed = 5): GroupingFace[] {
  const { direction, around } = drawer(seed);
  const varied = direction();
  const tight = direction();
  return [
    ...Array.from({ length: 20 }, (_, i) => face(`varied/${i}`, around(varied, 0.67))),
    ...Array.from({ length: 3 }, (_, i) => face(`varied/unusual${i}`, around(varied, 0.45))),
    ...Array.from({ length: 10 }, (_, i) => face(`tight/${i}`, around(tight, 0.9))),
    face('lookalike/0', around(tight, 0.4)),
  ];
}

describe('grouping, second pass over clusters', () => {
  it('joins unusual photos to a person whose photos vary, and keeps a look-alike out of a tight person', () => {
    const faces = album();
    const firstPassOnly = groupFaces(faces, { ...options, clusterMerging: null }).clusters;
    expect(firstPassOnly.filter((c) => identity(c[0]) === 'varied').length).toBeGreaterThan(1);

    const { clusters } = groupFaces(faces, options);
    expect(clusters.map((c) => [...new Set(c.map(identity))])).toEqual([['varied'], ['tight'], ['lookalike']]);
    expect(clusters[0]).toHaveLength(23);

    // The look-alike's linkage alone would pass: the typicality condition is what keeps it out.
    const noTypicality = groupFaces(faces, { ...options, clusterMerging: { cohesionRatio: 0.9, typicalityRatio: 0 } }).clusters;
    expect(noTypicality.find((c) => c.includes('lookalike/0.jpg#0'))!.some((id) => identity(id) === 'tight')).toBe(true);
  });

  it('suggests the persons it did not merge, best first, with the evidence', () => {
    const { clusters, suggestions } = groupFaces(album(), options);
    const tight = clusters.findIndex((c) => identity(c[0]) === 'tight');
    const lookalike = clusters.findIndex((c) => identity(c[0]) === 'lookalike');
    const suggestion = suggestions.find((s) => s.a === tight && s.b === lookalike)!;
    expect(suggestion.evidence).toMatchObject({ faces: [10, 1], reason: 'unlike their own faces' });
    expect(suggestion.evidence.meanSimilarity).toBeCloseTo(0.36, 1);
    expect(suggestion.evidence.cohesion[0]).toBeCloseTo(0.81, 1);
    expect(suggestion.evidence.cohesion[1]).toBe(1);
    expect(suggestion.evidence.typicality[1]).toBeNull();
    const order = suggestions.map((s) => s.similarity);
    expect(order).toEqual([...order].sort((x, y) => y - x));
  });

  it('gives the same persons and suggestions for the same faces in any order', () => {
    const faces = album(9);
    const expected = groupFaces(faces, options);
    const rand = seededRandom(3);
    for (let trial = 0; trial < 5; trial++) {
      const shuffled = [...faces].sort(() => rand() - 0.5);
      expect(groupFaces(shuffled, options)).toEqual(expected);
    }
  });

  it('adds new faces to existing persons as it groups them all at once, and never merges two existing persons', () => {
    const faces = album();
    const byId = (clusters: string[][]) => clusters.map((c) => [...c].sort()).sort();
    const allAtOnce = groupFaces(faces, options).clusters;
    // The unusual photos come later: they join the existing person on its cohesion, without edges within it.
    const first = groupFaces(
      faces.filter((f) => !f.id.includes('unusual')),
      options,
    ).clusters;
    const added = groupFaces(faces, { ...options, constraints: { fixed: first } }).clusters;
    expect(byId(added)).toEqual(byId(allAtOnce));

    // The varied person kept as two existing persons: they stay two, suggested as one.
    const varied = faces.filter((f) => identity(f.id) === 'varied').map((f) => f.id);
    const halves = [varied.slice(0, 12), varied.slice(12)];
    const kept = groupFaces(faces, { ...options, constraints: { fixed: halves } });
    const [x, y] = halves.map((half) => kept.clusters.findIndex((c) => c.includes(half[0])));
    expect(x).not.toBe(y);
    expect(kept.suggestions.find((s) => s.a === Math.min(x, y) && s.b === Math.max(x, y))?.evidence.reason).toBe(
      'existing persons',
    );
  });

  it('keeps "not this person" and same-photo faces out of the persons it merges', () => {
    const faces = album();
    const unusual = 'varied/unusual0.jpg#0';
    const apart = faces
      .filter((f) => identity(f.id) === 'varied' && f.id !== unusual)
      .map((f) => [unusual, f.id] as [string, string]);
    const { clusters } = groupFaces(faces, { ...options, constraints: { apart } });
    expect(clusters.find((c) => c.includes(unusual))).toEqual([unusual]);

    // The second unusual photo taken in the same photo as a varied face: it may not join that person.
    const samePhoto = faces.map((f) => (f.id === 'varied/unusual1.jpg#0' ? { ...f, photo: 'varied/0.jpg' } : f));
    const grouped = groupFaces(samePhoto, options).clusters;
    expect(grouped.find((c) => c.includes('varied/0.jpg#0'))).not.toContain('varied/unusual1.jpg#0');
  });
});

describe('grouping result', () => {
  it('names the persons of each suggestion by id, larger person first', () => {
    const quality = { size: 100, alignmentError: 0.02, sharpness: 500, embeddingNorm: 16 };
    const images = album().map((f) => ({
      key: f.photo,
      width: 200,
      height: 200,
      faces: [{ id: f.id, embedding: f.embedding, quality, box: [0, 0, 100, 100] as Box, score: 0.99, landmarks: [] }],
    }));
    const { persons, suggestions } = groupImages(images, { ...options, minSharpness: 10, minRelativeEmbeddingNorm: 0.7 });
    const tight = persons.find((p) => p.photos[0].startsWith('tight/'))!;
    const lookalike = persons.find((p) => p.photos[0].startsWith('lookalike/'))!;
    expect(suggestions[0]).toMatchObject({
      a: tight.id,
      b: lookalike.id,
      evidence: { faces: [10, 1], reason: 'unlike their own faces' },
    });
    expect(suggestions[0].similarity).toBe(Math.round(suggestions[0].similarity * 10000) / 10000);
  });
});

/** Three people of the crops set, 30 photos each over many years, that average linkage alone split. */
describe('grouping real photos taken over years', () => {
  it('keeps each person whole and apart from the others', async () => {
    const folder = join(shared, 'eval', 'crops');
    const labels: Record<string, string[]> = JSON.parse(readFileSync(join(folder, 'labels.json'), 'utf8')).photos;
    const people = ['hugh_jackman', 'hugh_laurie', 'robert_downey_jr'];
    const photos = Object.keys(labels).filter((name) => people.includes(labels[name][0]));
    const pipeline = await FacePipeline.create();
    const images = await pipeline.analyseAll(photos.map((name) => ({ key: name, path: join(folder, 'photos', name) })));
    const personsOf = (clusterMerging: null | undefined) => {
      const { persons } = groupImages(images, { ...pipeline.groupingOptions, clusterMerging });
      return people.map((person) => persons.filter((p) => p.photos.some((name) => labels[name][0] === person)));
    };
    expect(personsOf(null).some((persons) => persons.length > 1)).toBe(true);
    for (const persons of personsOf(undefined)) {
      expect(persons).toHaveLength(1);
      expect(new Set(persons[0].photos.map((name) => labels[name][0])).size).toBe(1);
    }
  }, 300_000);
});
