import { describe, expect, it } from 'vitest';
import { l2Normalise } from '../src/embed.js';
import { groupFacesInWorker } from '../src/grouping/in-worker.js';
import { groupFacesByQuality } from '../src/grouping/quality-gate.js';
import { gaussian, seededRandom } from '../../../test/support/random.js';

/** Faces of `persons` identities (a direction plus noise), some blurred, one face per photo, and 5 bystanders. */
function album(persons: number, perPerson: number, seed = 3) {
  const rand = seededRandom(seed);
  const gauss = gaussian(rand);
  const dim = 128;
  const faces = [];
  for (let p = 0; p < persons; p++) {
    const centre = l2Normalise(Float32Array.from({ length: dim }, gauss));
    for (let f = 0; f < perPerson; f++) {
      const embedding = l2Normalise(Float32Array.from(centre, (c) => c + (0.7 / Math.sqrt(dim)) * gauss()));
      const sharpness = f % 5 === 4 ? 3 : 400;
      faces.push({
        id: `p${p}/${f}.jpg#0`,
        photo: `p${p}/${f}.jpg`,
        embedding,
        quality: { size: 90, alignmentError: 0.02, sharpness, embeddingNorm: 15 + rand() },
      });
    }
  }
  // Blurred bystanders like nobody: left unassigned.
  for (let b = 0; b < 5; b++) {
    const embedding = l2Normalise(Float32Array.from({ length: dim }, gauss));
    faces.push({
      id: `bystander${b}.jpg#0`,
      photo: `bystander${b}.jpg`,
      embedding,
      quality: { size: 40, alignmentError: 0.05, sharpness: 3, embeddingNorm: 15 },
    });
  }
  return faces;
}

const options = { threshold: 0.43, neighbours: 100, minSharpness: 10, minRelativeEmbeddingNorm: 0.7 };

describe('groupFacesInWorker', () => {
  it('gives what groupFacesByQuality gives, constraints and suggestions included', async () => {
    const faces = album(30, 12);
    const constrained = {
      ...options,
      constraints: { fixed: [faces.slice(0, 5).map((f) => f.id)], apart: [[faces[6].id, faces[7].id]] as [string, string][] },
    };
    for (const opts of [options, constrained]) {
      const expected = groupFacesByQuality(faces, opts);
      expect(expected.unassigned.length).toBeGreaterThan(0);
      expect(await groupFacesInWorker(faces, opts)).toEqual(expected);
    }
  });

  it('rejects with the grouping error', async () => {
    const [face] = album(1, 1);
    await expect(groupFacesInWorker([face, face], options)).rejects.toThrow(/face ids must be unique/);
  });

  it('keeps the event loop running while it groups', async () => {
    const faces = album(400, 10);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let ticksWhenDone = -1;
    const grouping = await groupFacesInWorker(faces, options).then((result) => {
      ticksWhenDone = ticks;
      return result;
    });
    clearInterval(timer);
    expect(grouping.clusters.length).toBeGreaterThan(300);
    expect(ticksWhenDone).toBeGreaterThanOrEqual(3);
  });
});
