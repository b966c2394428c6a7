import { describe, expect, it } from 'vitest';
import { l2Normalise } from '../src/embed.js';
import { groupFaces, type GroupingFace } from '../src/grouping/group-faces.js';
import { gaussian, seededRandom } from '../../../test/support/random.js';

/** `perPerson` faces for each of `persons` identities: a random direction plus noise, one face per photo. */
function syntheticFaces(persons: number, perPerson: number, noise = 0.6, seed = 7): GroupingFace[] {
  const rand = seededRandom(seed);
  const gauss = gaussian(rand);
  const dim = 128;
  const faces: GroupingFace[] = [];
  for (let p = 0; p < persons; p++) {
    const centre = Float32Array.from({ length: dim }, gauss);
    l2Normalise(centre);
    for (let f = 0; f < perPerson; f++) {
      const v = Float32Array.from(centre, (c) => c + (noise / Math.sqrt(dim)) * gauss());
      faces.push({ id: `person${p}/photo${f}.jpg#0`, photo: `person${p}/photo${f}.jpg`, embedding: l2Normalise(v) });
    }
  }
  return faces;
}

const identity = (id: string) => id.split('/')[0];
const options = { threshold: 0.43, neighbours: 100 };

describe('groupFaces', () => {
  it('recovers synthetic identities', () => {
    const { clusters, unassigned } = groupFaces(syntheticFaces(12, 8), options);
    expect(unassigned).toEqual([]);
    expect(clusters).toHaveLength(12);
    for (const cluster of clusters) expect(new Set(cluster.map(identity)).size).toBe(1);
  });

  it('gives the same persons for the same faces in any order', () => {
    const faces = syntheticFaces(10, 6, 0.9);
    const expected = groupFaces(faces, options);
    const rand = seededRandom(3);
    for (let trial = 0; trial < 5; trial++) {
      const shuffled = [...faces].sort(() => rand() - 0.5);
      expect(groupFaces(shuffled, options)).toEqual(expected);
    }
  });

  it('gives the same persons in any order when big persons absorb faces, with tied similarities and constraints', () => {
    // Persons far larger than the neighbours count, so merges move link tables both ways; copied faces tie exactly.
    const drawn = syntheticFaces(4, 120, 1.1, 11);
    const copies = drawn.slice(0, 40).map((f, i) => ({ ...f, id: `copy/photo${i}.jpg#0`, photo: `copy/photo${i}.jpg` }));
    const faces = [...drawn, ...copies].map((f, i) => ({ ...f, weak: i % 17 === 0 }));
    const constraints = {
      together: [[faces[3].id, faces[200].id]],
      apart: [[faces[5].id, faces[6].id] as [string, string]],
    };
    const opts = { ...options, neighbours: 15, constraints };
    const expected = groupFaces(faces, opts);
    expect(expected.clusters.length).toBeGreaterThan(1);
    const rand = seededRandom(5);
    for (let trial = 0; trial < 3; trial++) {
      const shuffled = [...faces].sort(() => rand() - 0.5);
      expect(groupFaces(shuffled, opts)).toEqual(expected);
    }
  });

  it('merges every linked pair it may at a threshold of 0 or below', () => {
    // Below 0 even dissimilar persons join: each pair of faces is a neighbour, and no two share a photo.
    const { clusters } = groupFaces(syntheticFaces(3, 10), { threshold: -1, neighbours: 100 });
    expect(clusters.map((c) => c.length)).toEqual([30]);
  });

  it('never puts two faces of one photo in one person', () => {
    const faces = syntheticFaces(1, 6);
    // Twins in one photo: the same person's look, two faces of one photo.
    const twin = { ...faces[0], id: `${faces[0].photo}#1` };
    const { clusters } = groupFaces([...faces, twin], options);
    const owner = clusters.find((c) => c.includes(twin.id))!;
    expect(owner).not.toContain(faces[0].id);
  });

  it('keeps user-merged faces together and "not this person" faces apart', () => {
    const faces = syntheticFaces(3, 5);
    const stranger = faces.find((f) => identity(f.id) === 'person2')!.id;
    const kept = faces.find((f) => identity(f.id) === 'person0')!.id;
    const rejected = faces.filter((f) => identity(f.id) === 'person1')[2].id;
    const others = faces.filter((f) => identity(f.id) === 'person1' && f.id !== rejected).map((f) => f.id);
    const { clusters } = groupFaces(faces, {
      ...options,
      constraints: { together: [[kept, stranger]], apart: others.map((o) => [rejected, o] as [string, string]) },
    });
    expect(clusters.find((c) => c.includes(kept))).toContain(stranger);
    expect(clusters.find((c) => c.includes(rejected))).toEqual([rejected]);
  });

  it('is exact average linkage when every face is a neighbour: a sparser graph only splits, never mixes', () => {
    const faces = syntheticFaces(6, 20, 0.9);
    for (const neighbours of [5, 20, 200]) {
      for (const cluster of groupFaces(faces, { ...options, neighbours }).clusters) {
        expect(new Set(cluster.map(identity)).size).toBe(1);
      }
    }
  });

  it('keeps a person with many more faces than neighbours whole', () => {
    const faces = syntheticFaces(3, 150, 0.8);
    const { clusters } = groupFaces(faces, { ...options, neighbours: 20 });
    expect(clusters.map((c) => c.length)).toEqual([150, 150, 150]);
    for (const cluster of clusters) expect(new Set(cluster.map(identity)).size).toBe(1);
  });

  it('lets weak faces join a person but never start one', () => {
    const faces = syntheticFaces(3, 4);
    // person0's faces are all weak: no person of their own; person1 has one weak face, which joins it.
    const weak = faces.map((f) => ({ ...f, weak: identity(f.id) === 'person0' || f.id === 'person1/photo3.jpg#0' }));
    const { clusters, unassigned } = groupFaces(weak, options);
    expect(clusters.map((c) => c.map(identity))).toEqual([
      ['person1', 'person1', 'person1', 'person1'],
      ['person2', 'person2', 'person2', 'person2'],
    ]);
    expect(unassigned.map((u) => u.faceId).sort()).toEqual(faces.filter((f) => identity(f.id) === 'person0').map((f) => f.id));
    // They resemble nobody grouped: nearest similarity (if any) is below the threshold.
    for (const u of unassigned) expect(u.nearest?.similarity ?? 0).toBeLessThan(options.threshold);
  });

  it('adds new faces to existing persons without merging or splitting them', () => {
    const faces = syntheticFaces(4, 6, 0.8);
    const old = faces.filter((f) => !f.id.includes('photo5'));
    const before = groupFaces(old, options).clusters;
    // A user's split that grouping alone would undo: person0 kept as two persons.
    const fixed = [
      ...before.filter((c) => identity(c[0]) !== 'person0'),
      ...[
        [0, 1, 2],
        [3, 4],
      ].map((half) => half.map((n) => `person0/photo${n}.jpg#0`)),
    ];
    const { clusters } = groupFaces(faces, { ...options, constraints: { fixed } });
    for (const person of fixed) expect(clusters.find((c) => c.includes(person[0]))).toEqual(expect.arrayContaining(person));
    // Every new face joined a person of its own identity; person0's two halves stayed apart.
    for (const cluster of clusters) expect(new Set(cluster.map(identity)).size).toBe(1);
    expect(clusters.map((c) => c.length).sort()).toEqual([2, 4, 6, 6, 6]);
  });
});
