import { compareIds, type AnalysedImage, type Box, type GroupingResult, type Unassigned } from '@facegroup/core';

/** A photo's bytes, or a path to them, by photo key (from disk, a database or object storage). */
export type PhotoReader = (photo: string) => Promise<Buffer | string>;

export interface ReportFace {
  id: string;
  /** Key of the photo the face is on. */
  photo: string;
  /** [x1, y1, x2, y2] in pixels of the upright (EXIF-rotated) original photo. */
  box: Box;
  personId: string | null;
  /** Why the grouping left the face out of every person, when it says. */
  unassigned?: Unassigned;
  /** L2-normalised; faces without one are left off the embedding map. */
  embedding?: Float32Array | number[];
}

export interface ReportPerson {
  id: string;
  name: string | null;
}

/** Everything the pictures are drawn from: what a CLI run holds, or what a server reads from its database. */
export interface ReportGroup {
  persons: ReportPerson[];
  faces: ReportFace[];
  readPhoto: PhotoReader;
}

/** Persons with fewer faces than this are shown with the unassigned faces: a single face is not yet a group. */
export const MIN_PERSON_FACES = 2;

export interface PersonFaces {
  person: ReportPerson;
  /** In natural order of photo key, then face id. */
  faces: ReportFace[];
  /** Distinct photo keys, in natural order. */
  photos: string[];
}

/** Persons with at least `minFaces` faces, largest first (ties by id). */
export function personsLargestFirst(group: ReportGroup, minFaces = MIN_PERSON_FACES): PersonFaces[] {
  const facesOf = facesByPerson(group);
  return group.persons
    .map((person) => {
      const faces = facesOf.get(person.id) ?? [];
      return { person, faces, photos: [...new Set(faces.map((face) => face.photo))] };
    })
    .filter((p) => p.faces.length >= minFaces)
    .sort((a, b) => b.faces.length - a.faces.length || compareIds(a.person.id, b.person.id));
}

/** One person's faces and photos, whatever its size; undefined for an unknown id. */
export function personFaces(group: ReportGroup, personId: string): PersonFaces | undefined {
  const person = group.persons.find((p) => p.id === personId);
  if (!person) return undefined;
  const faces = facesByPerson(group).get(personId) ?? [];
  return { person, faces, photos: [...new Set(faces.map((face) => face.photo))] };
}

/** Faces in no person, or in a person of fewer than `minFaces` faces; in natural order. */
export function unassignedFaces(group: ReportGroup, minFaces = MIN_PERSON_FACES): ReportFace[] {
  const facesOf = facesByPerson(group);
  return sortedFaces(group.faces).filter(
    (face) => face.personId === null || (facesOf.get(face.personId)?.length ?? 0) < minFaces,
  );
}

/**
 * The face that best stands for a person: the one most similar, on average, to the person's other faces (the
 * medoid), so an odd face that was wrongly merged in is not the cover. Without embeddings, the largest face.
 */
export function coverFace(faces: ReportFace[]): ReportFace {
  if (faces.some((face) => !face.embedding)) {
    return faces.reduce((best, face) => (boxArea(face.box) > boxArea(best.box) ? face : best));
  }
  let best = faces[0];
  let bestSimilarity = -Infinity;
  for (const face of faces) {
    let similarity = 0;
    for (const other of faces) similarity += dot(face.embedding!, other.embedding!);
    if (similarity > bestSimilarity) {
      best = face;
      bestSimilarity = similarity;
    }
  }
  return best;
}

/** The group of a core grouping run: persons and faces from the result, embeddings from the analysed photos. */
export function groupFromResult(
  result: GroupingResult,
  images: AnalysedImage[],
  photos: { key: string; path: string }[],
): ReportGroup {
  const embeddingOf = new Map(images.flatMap((image) => image.faces.map((face) => [face.id, face.embedding])));
  const pathOf = new Map(photos.map((photo) => [photo.key, photo.path]));
  return {
    persons: result.persons.map((person) => ({ id: person.id, name: person.name })),
    faces: result.images.flatMap((image) =>
      image.faces.map((face) => ({
        id: face.id,
        photo: image.path,
        box: face.box,
        personId: face.personId,
        unassigned: face.unassigned,
        embedding: embeddingOf.get(face.id),
      })),
    ),
    readPhoto: async (key) => pathOf.get(key) ?? key,
  };
}

function facesByPerson(group: ReportGroup): Map<string, ReportFace[]> {
  const facesOf = new Map<string, ReportFace[]>();
  for (const face of sortedFaces(group.faces)) {
    if (face.personId === null) continue;
    const faces = facesOf.get(face.personId) ?? [];
    faces.push(face);
    facesOf.set(face.personId, faces);
  }
  return facesOf;
}

/** Photo order, then face id: the order faces are shown in everywhere. */
const sortedFaces = (faces: ReportFace[]) => [...faces].sort((a, b) => compareIds(a.photo, b.photo) || compareIds(a.id, b.id));

const boxArea = ([x1, y1, x2, y2]: Box) => (x2 - x1) * (y2 - y1);

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}
