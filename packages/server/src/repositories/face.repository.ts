import type { AnalysedFace, FaceQuality, Unassigned } from '@facegroup/core';
import type { Tx } from '../db/client.js';
import { chunksOf, readInPages } from './maps.js';

/**
 * Why a face is in no person, as stored with it (Face.unassigned) and served by the API: core's explanation, with
 * `nearestPerson` a person id, and a user's "not this person" added to core's reasons.
 */
export interface UnassignedReason extends Omit<Unassigned, 'reasons'> {
  reasons: (Unassigned['reasons'][number] | 'not this person')[];
}

/** Embeddings are stored as their float32 bytes: 2 KiB for 512 dimensions, read back without parsing. */
export function encodeEmbedding(embedding: Float32Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(embedding.buffer.slice(embedding.byteOffset, embedding.byteOffset + embedding.byteLength) as ArrayBuffer);
}

export function decodeEmbedding(bytes: Uint8Array): Float32Array {
  const copy = new Uint8Array(bytes); // aligned, owned copy
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** Replaces an image's faces with the analysed ones (idempotent, so a restarted job can analyse an image again). */
export async function replaceFaces(tx: Tx, groupId: string, imageId: string, faces: AnalysedFace[]): Promise<void> {
  await tx.face.deleteMany({ where: { imageId } });
  await tx.face.createMany({
    data: faces.map((face, index) => ({
      groupId,
      imageId,
      index,
      x1: face.box[0],
      y1: face.box[1],
      x2: face.box[2],
      y2: face.box[3],
      score: face.score,
      landmarks: JSON.stringify(face.landmarks.map(([x, y]) => [round2(x), round2(y)])),
      embedding: encodeEmbedding(face.embedding),
      quality: JSON.stringify(face.quality),
    })),
  });
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Faces of a group for grouping: id, photo, embedding, quality and current person. */
export async function groupingFaces(tx: Tx, groupId: string) {
  const rows = await readInPages((page) =>
    tx.face.findMany({
      where: { groupId },
      select: { id: true, imageId: true, personId: true, embedding: true, quality: true },
      ...page,
    }),
  );
  return rows.map((row) => ({
    id: row.id,
    photo: row.imageId,
    personId: row.personId,
    embedding: decodeEmbedding(row.embedding),
    quality: JSON.parse(row.quality) as FaceQuality,
  }));
}

/**
 * The analysed faces less those of forgotten persons: a face whose box overlaps a forgotten one of the same photo
 * (intersection over union ≥ 0.5) stays forgotten when the photo is analysed again.
 */
export async function withoutForgottenFaces(
  tx: Tx,
  groupId: string,
  imageId: string,
  faces: AnalysedFace[],
): Promise<AnalysedFace[]> {
  const { contentHash } = await tx.image.findUniqueOrThrow({ where: { id: imageId }, select: { contentHash: true } });
  const forgotten = await tx.forgottenFace.findMany({ where: { groupId, contentHash } });
  if (forgotten.length === 0) return faces;
  return faces.filter((face) => !forgotten.some((f) => intersectionOverUnion(face.box, [f.x1, f.y1, f.x2, f.y2]) >= 0.5));
}

function intersectionOverUnion(a: readonly number[], b: readonly number[]): number {
  const width = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const height = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const intersection = width * height;
  const area = (box: readonly number[]) => (box[2] - box[0]) * (box[3] - box[1]);
  return intersection / (area(a) + area(b) - intersection);
}

export const findFace = (tx: Tx, id: string) => tx.face.findUnique({ where: { id } });

/** The faces of these persons, with their person. */
export const facesOfPersons = (tx: Tx, personIds: string[]) =>
  tx.face.findMany({ where: { personId: { in: personIds } }, select: { id: true, personId: true } });

/** The other faces of the face's person. */
export const otherFaces = (tx: Tx, personId: string, faceId: string) =>
  tx.face.findMany({ where: { personId, id: { not: faceId } }, select: { id: true } });

/** Moves all faces of these persons to another. */
export async function moveFacesOfPersons(tx: Tx, fromPersonIds: string[], toPersonId: string): Promise<void> {
  await tx.face.updateMany({ where: { personId: { in: fromPersonIds } }, data: { personId: toPersonId } });
}

/** Sets faces' person, and why they are in none (null while in one). */
export async function assignFaces(
  tx: Tx,
  faceIds: string[],
  personId: string | null,
  unassigned: UnassignedReason | string | null,
): Promise<void> {
  const reason = unassigned === null || typeof unassigned === 'string' ? unassigned : JSON.stringify(unassigned);
  for (const chunk of chunksOf(faceIds))
    await tx.face.updateMany({ where: { id: { in: chunk } }, data: { personId, unassigned: reason } });
}

/** The persons of these faces now (before a change is undone). */
export async function personsOfFaces(tx: Tx, faceIds: string[]): Promise<{ personId: string | null }[]> {
  const persons = [];
  for (const chunk of chunksOf(faceIds))
    persons.push(...(await tx.face.findMany({ where: { id: { in: chunk } }, select: { personId: true } })));
  return persons;
}
