import type { FaceQuality } from '../types.js';
import { compareIds } from './compare-ids.js';
import type { GroupingFace } from './group-faces.js';
import { groupFacesByQuality, type QualityGroupingOptions, type UnassignedReason, weakReasons } from './quality-gate.js';

/** An existing person as incremental grouping sees it: the sum of its faces' unit embeddings, and how many. */
export interface PersonCentroid {
  id: string;
  embeddingSum: Float64Array;
  faceCount: number;
}

export interface AssignmentOptions extends QualityGroupingOptions {
  /** The group's: the new faces alone are too few to say which are weak. */
  medianEmbeddingNorm: number;
}

/** The person a face came closest to: an existing one (by id) or a new cluster (by index). */
export type NearestPerson = { personId: string; similarity: number } | { cluster: number; similarity: number };

export interface Assignment {
  /** New faces that joined existing persons. */
  joined: { faceId: string; personId: string; similarity: number }[];
  /** New persons among the other new faces (face ids), largest first. */
  clusters: string[][];
  unassigned: { faceId: string; reasons: UnassignedReason[]; nearest: NearestPerson | null }[];
}

/**
 * Incremental grouping of new faces against existing persons, at a cost that does not grow with the faces
 * those persons hold: a face's average similarity to a person is its dot product with the person's embedding sum
 * over its face count, exactly the average linkage of full grouping. Each new face joins the person it is most
 * similar to when that reaches the threshold, best pairs first (weak faces after the others, as in full grouping),
 * and never two faces of one photo the same person. The rest are grouped among themselves (groupFacesByQuality) into new persons.
 * Existing persons are not merged or split here: the full regroup that follows a job does that.
 */
export function assignFaces(
  faces: (GroupingFace & { quality: FaceQuality })[],
  persons: PersonCentroid[],
  options: AssignmentOptions,
): Assignment {
  const sorted = [...faces].sort((a, b) => compareIds(a.id, b.id));
  const { threshold } = options;
  const nearest = new Map<string, { personId: string; similarity: number }>();
  const links: { face: number; person: number; similarity: number }[] = [];
  sorted.forEach((face, f) => {
    persons.forEach((person, p) => {
      const similarity = dot(face.embedding, person.embeddingSum) / person.faceCount;
      if (similarity > (nearest.get(face.id)?.similarity ?? Number.NEGATIVE_INFINITY))
        nearest.set(face.id, { personId: person.id, similarity });
      if (similarity >= threshold) links.push({ face: f, person: p, similarity });
    });
  });
  // As in full grouping, weak faces join persons after the others have.
  const weak = sorted.map((face) => weakReasons(face.quality, options.medianEmbeddingNorm, options).length > 0);
  links.sort(
    (a, b) =>
      Number(weak[a.face]) - Number(weak[b.face]) || b.similarity - a.similarity || a.face - b.face || a.person - b.person,
  );

  const joined: Assignment['joined'] = [];
  const placed = new Set<number>();
  const photosTaken = new Set<string>();
  for (const { face, person, similarity } of links) {
    const photoOfPerson = `${person}\u0000${sorted[face].photo}`;
    if (placed.has(face) || photosTaken.has(photoOfPerson)) continue;
    placed.add(face);
    photosTaken.add(photoOfPerson);
    joined.push({ faceId: sorted[face].id, personId: persons[person].id, similarity });
  }

  const rest = sorted.filter((_, f) => !placed.has(f));
  const grouping = groupFacesByQuality(rest, options);
  return {
    joined,
    clusters: grouping.clusters,
    unassigned: grouping.unassigned.map(({ faceId, reasons, nearest: amongNew }) => {
      const existing = nearest.get(faceId);
      const closest: NearestPerson | null =
        existing && (!amongNew || existing.similarity >= amongNew.similarity) ? existing : amongNew;
      return {
        faceId,
        reasons: [
          ...reasons.filter((reason) => reason !== 'no close person'),
          // A face that reached an existing person was kept out by a face of its photo, as full grouping says.
          ...(closest === null || closest.similarity < threshold ? (['no close person'] as const) : []),
        ],
        nearest: closest,
      };
    }),
  };
}

function dot(a: Float32Array, b: Float64Array): number {
  let sum = 0;
  for (let d = 0; d < a.length; d++) sum += a[d] * b[d];
  return sum;
}
