import type { Tx } from '../db/client.js';
import { refreshPersons } from './person.repository.js';

/** What files an erasure must remove: thumbnails by image and face id, stored bytes by content hash. */
export interface ErasedFiles {
  imageIds: string[];
  faceIds: string[];
  hashes: string[];
}

/** Deletes the group's rows (everything of it cascades) and returns the files they had. */
export async function deleteGroupRows(tx: Tx, groupId: string): Promise<ErasedFiles> {
  const files = await filesOf(tx, { groupId });
  await tx.group.delete({ where: { id: groupId } });
  return files;
}

/**
 * Deletes photos of one group with their faces and the job items that brought them (which hold their URL or hash),
 * brings their persons up to date, and returns the files they had and the persons left with no face (deleted).
 */
export async function deleteImageRows(tx: Tx, imageIds: string[]): Promise<{ files: ErasedFiles; removedPersonIds: string[] }> {
  const files = await filesOf(tx, { id: { in: imageIds } });
  const faces = await tx.face.findMany({
    where: { imageId: { in: imageIds }, personId: { not: null } },
    select: { personId: true },
  });
  const personIds = [...new Set(faces.map((face) => face.personId!))];
  await tx.jobItem.deleteMany({ where: { imageId: { in: imageIds } } });
  await tx.image.deleteMany({ where: { id: { in: imageIds } } });
  await refreshPersons(tx, personIds);
  const remaining = new Set(
    (await tx.person.findMany({ where: { id: { in: personIds } }, select: { id: true } })).map((p) => p.id),
  );
  return { files, removedPersonIds: personIds.filter((id) => !remaining.has(id)) };
}

/**
 * Deletes a person, its faces (with their embeddings) and the corrections about it (which hold its name); keeps
 * where each face was (photo hash and box) as a forgotten face. Returns the deleted faces' ids.
 */
export async function forgetPersonRows(tx: Tx, person: { id: string; groupId: string }): Promise<string[]> {
  const faces = await tx.face.findMany({
    where: { personId: person.id },
    select: { id: true, x1: true, y1: true, x2: true, y2: true, image: { select: { contentHash: true } } },
  });
  await tx.forgottenFace.createMany({
    data: faces.map(({ x1, y1, x2, y2, image }) => ({ groupId: person.groupId, contentHash: image.contentHash, x1, y1, x2, y2 })),
  });
  await tx.person.update({ where: { id: person.id }, data: { coverFaceId: null } });
  await tx.face.deleteMany({ where: { personId: person.id } });
  await tx.correction.deleteMany({ where: { personId: person.id } });
  await tx.person.delete({ where: { id: person.id } });
  return faces.map((face) => face.id);
}

/** Blob hashes (of URL and upload photos) that an image or a pending upload still refers to. */
export async function blobHashesInUse(tx: Tx, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const [images, uploads] = await Promise.all([
    tx.image.findMany({ where: { contentHash: { in: hashes }, sourceKind: { not: 'PATH' } }, select: { contentHash: true } }),
    tx.jobItem.findMany({
      where: { location: { in: hashes }, sourceKind: 'UPLOAD', status: 'PENDING' },
      select: { location: true },
    }),
  ]);
  return new Set([...images.map((i) => i.contentHash), ...uploads.map((u) => u.location)]);
}

/** Ids that exist, of those given: what the start-up sweep keeps files for. */
export async function existing(tx: Tx, table: 'group' | 'image' | 'face', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const where = { where: { id: { in: ids } }, select: { id: true } };
  const rows =
    table === 'group'
      ? await tx.group.findMany(where)
      : table === 'image'
        ? await tx.image.findMany(where)
        : await tx.face.findMany(where);
  return new Set(rows.map((row) => row.id));
}

/** The files of a group's (or of some) images: their ids and faces' ids (thumbnails) and content hashes (stored bytes). */
async function filesOf(tx: Tx, where: { groupId: string } | { id: { in: string[] } }): Promise<ErasedFiles> {
  const images = await tx.image.findMany({
    where,
    select: { id: true, contentHash: true, sourceKind: true, faces: { select: { id: true } } },
  });
  const uploads =
    'groupId' in where
      ? await tx.jobItem.findMany({
          where: { job: { groupId: where.groupId }, sourceKind: 'UPLOAD' },
          select: { location: true },
        })
      : [];
  return {
    imageIds: images.map((i) => i.id),
    faceIds: images.flatMap((i) => i.faces.map((f) => f.id)),
    hashes: [
      ...new Set([...images.filter((i) => i.sourceKind !== 'PATH').map((i) => i.contentHash), ...uploads.map((u) => u.location)]),
    ],
  };
}
