import type { Tx } from '../db/client.js';

/** What pictures (thumbnails, contact sheets, the embedding map) are drawn from. */

/** The group's face of that id, with its photo; null when there is none (erased, or of another group). */
export const faceWithImage = (tx: Tx, groupId: string, faceId: string) =>
  tx.face.findFirst({ where: { id: faceId, groupId }, include: { image: true } });

/** The group's photo of that id; null when there is none. */
export const imageOfGroup = (tx: Tx, groupId: string, imageId: string) => tx.image.findFirst({ where: { id: imageId, groupId } });

/** The group's persons, faces and photos as pictures draw them; null when the group is gone. */
export async function pictureRows(tx: Tx, groupId: string) {
  if (!(await tx.group.findUnique({ where: { id: groupId }, select: { id: true } }))) return null;
  const [persons, faces] = await Promise.all([
    tx.person.findMany({ where: { groupId }, select: { id: true, name: true, hidden: true } }),
    tx.face.findMany({
      where: { groupId },
      select: { id: true, imageId: true, personId: true, x1: true, y1: true, x2: true, y2: true },
    }),
  ]);
  // Read after the faces: a face's photo is stored before the face, so every face finds its photo here.
  const images = await tx.image.findMany({
    where: { groupId },
    select: { id: true, key: true, sourceKind: true, location: true, contentHash: true },
    orderBy: [{ key: 'asc' }, { id: 'asc' }],
  });
  return { persons, faces, images };
}
