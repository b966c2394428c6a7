import type { Tx } from '../db/client.js';

/** Blob hashes (of URL and upload photos) that an image or a pending upload still refers to. */
export async function blobHashesInUse(tx: Tx, hashes: string[]): Promise<Set<string>> {
  if (hashes.length === 0) return new Set();
  const [images, uploads] = await Promise.all([
    tx.image.findMany({ where: { contentHash: { in: hashes }, sourceKind: { not: 'PATH' } }, select: { contentHash: true } }),
    tx.jobItem.findMany({ where: { location: { in: hashes }, sourceKind: 'UPLOAD', status: 'PENDING' }, select: { location: true } }),
  ]);
  return new Set([...images.map((i) => i.contentHash), ...uploads.map((u) => u.location)]);
}

/** What the files of a group's images are kept under: their ids (thumbnails) and content hashes (stored bytes). */
export async function imageFiles(tx: Tx, where: { groupId: string } | { id: { in: string[] } }) {
  const images = await tx.image.findMany({ where, select: { id: true, contentHash: true, sourceKind: true, faces: { select: { id: true } } } });
  const uploads = 'groupId' in where
    ? await tx.jobItem.findMany({ where: { job: { groupId: where.groupId }, sourceKind: 'UPLOAD' }, select: { location: true } })
    : [];
  return {
    imageIds: images.map((i) => i.id),
    faceIds: images.flatMap((i) => i.faces.map((f) => f.id)),
    hashes: [...new Set([...images.filter((i) => i.sourceKind !== 'PATH').map((i) => i.contentHash), ...uploads.map((u) => u.location)])],
  };
}

/** Ids that exist, of those given: what the start-up sweep keeps files for. */
export async function existing(tx: Tx, table: 'group' | 'image' | 'face', ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const where = { where: { id: { in: ids } }, select: { id: true } };
  const rows =
    table === 'group' ? await tx.group.findMany(where) : table === 'image' ? await tx.image.findMany(where) : await tx.face.findMany(where);
  return new Set(rows.map((row) => row.id));
}
