import { describe, expect, it } from 'vitest';
import { l2Normalise } from '../src/embed.js';
import { assignFaces, type PersonCentroid } from '../src/grouping/assign-faces.js';
import { assignFacesInWorker } from '../src/grouping/in-worker.js';
import { gaussian, seededRandom } from '../../../test/support/random.js';

const dim = 128;
const options = {
  threshold: 0.43,
  neighbours: 100,
  minSharpness: 10,
  minRelativeEmbeddingNorm: 0.7,
  medianEmbeddingNorm: 15.5,
};

/** Faces of `persons` identities (a direction plus noise), one face per photo; every fifth one blurred. */
function album(persons: number, perPerson: number, seed: number) {
  const rand = seededRandom(seed);
  const gauss = gaussian(rand);
  return Array.from({ length: persons }, (_, p) => {
    const centre = l2Normalise(Float32Array.from({ length: dim }, gauss));
    return Array.from({ length: perPerson }, (_, f) => ({
      id: `p${p}/${f}#0`,
      photo: `p${p}/${f}`,
      embedding: l2Normalise(Float32Array.from(centre, (c) => c + (0.7 / Math.sqrt(dim)) * gauss())),
      quality: { size: 90, alignmentError: 0.02, sharpness: f % 5 === 4 ? 3 : 400, embeddingNorm: 15 + rand() },
    }));
  });
}

type AlbumFace = ReturnType<typeof album>[number][number];

function centroid(id: string, faces: AlbumFace[]): PersonCentroid {
  const embeddingSum = new Float64Array(dim);
  for (const face of faces) for (let d = 0; d < dim; d++) embeddingSum[d] += face.embedding[d];
  return { id, embeddingSum, faceCount: faces.length };
}

const meanSimilarity = (face: AlbumFace, faces: AlbumFace[]) =>
  faces.reduce((sum, other) => sum + face.embedding.reduce((s, v, d) => s + v * other.embedding[d], 0), 0) / faces.length;

describe('assignFaces (incremental grouping)', () => {
  const persons = album(12, 10, 7);
  const existing = persons.slice(0, 10).map((faces, p) => ({ id: `person${p}`, faces: faces.slice(0, 7) }));
  const centroids = existing.map(({ id, faces }) => centroid(id, faces));
  // Three new faces of each existing person, and two persons never seen.
  const newFaces = [...persons.slice(0, 10).flatMap((faces) => faces.slice(7)), ...persons.slice(10).flat()];

  it('joins each new face to its person by exact average linkage, and groups unseen persons among themselves', () => {
    const result = assignFaces(newFaces, centroids, options);
    expect(result.joined.length).toBe(30);
    for (const { faceId, personId, similarity } of result.joined) {
      expect(faceId.split('/')[0]).toBe(`p${personId.slice('person'.length)}`);
      const face = newFaces.find((f) => f.id === faceId)!;
      const person = existing.find((p) => p.id === personId)!;
      expect(similarity).toBeCloseTo(meanSimilarity(face, person.faces), 5);
      expect(similarity).toBeGreaterThanOrEqual(options.threshold);
    }
    // The unseen persons' sharp faces start one person each; their blurred ones join them.
    expect(result.clusters.map((c) => new Set(c.map((id) => id.split('/')[0])))).toEqual([new Set(['p10']), new Set(['p11'])]);
    expect(result.clusters.map((c) => c.length)).toEqual([10, 10]);
    expect(result.unassigned).toEqual([]);
  });

  it('never puts two faces of one photo in the same person, and says why the other stayed out', () => {
    const twin = { ...newFaces[1], id: 'p0/twin#1', photo: newFaces[0].photo, quality: { ...newFaces[1].quality, sharpness: 3 } };
    const result = assignFaces([newFaces[0], twin], centroids, options);
    expect(result.joined.map((j) => j.faceId)).toHaveLength(1);
    const [left] = result.unassigned;
    expect(left.reasons).toEqual(['blurred']);
    expect(left.nearest).toMatchObject({ personId: 'person0' });
    expect(left.nearest!.similarity).toBeGreaterThanOrEqual(options.threshold);
  });

  it('leaves a weak face of nobody unassigned, nearest the closest existing person, below the threshold', () => {
    const rand = gaussian(seededRandom(99));
    const stranger = {
      id: 'stranger#0',
      photo: 'stranger',
      embedding: l2Normalise(Float32Array.from({ length: dim }, rand)),
      quality: { size: 40, alignmentError: 0.05, sharpness: 3, embeddingNorm: 15 },
    };
    const { joined, clusters, unassigned } = assignFaces([stranger], centroids, options);
    expect([joined, clusters]).toEqual([[], []]);
    expect(unassigned[0].reasons).toEqual(['blurred', 'no close person']);
    expect(unassigned[0].nearest!.similarity).toBeLessThan(options.threshold);
  });

  it('does not depend on the order of the faces or persons, and gives the same on the grouping thread', async () => {
    const result = assignFaces(newFaces, centroids, options);
    const rand = seededRandom(5);
    const shuffle = <T>(items: T[]) =>
      items
        .map((item) => [rand(), item] as const)
        .sort((a, b) => a[0] - b[0])
        .map(([, item]) => item);
    const sortJoined = (joined: typeof result.joined) => [...joined].sort((a, b) => a.faceId.localeCompare(b.faceId));
    const shuffled = assignFaces(shuffle(newFaces), shuffle(centroids), options);
    expect(sortJoined(shuffled.joined)).toEqual(sortJoined(result.joined));
    expect(shuffled.clusters).toEqual(result.clusters);
    expect(await assignFacesInWorker(newFaces, centroids, options)).toEqual(result);
  });
});
