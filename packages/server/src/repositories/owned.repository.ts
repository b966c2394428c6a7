import type { Tx } from '../db/client.js';

// An owner's entities by id, or null: another owner's is as absent as one that never existed.

export const ownedGroup = (tx: Tx, ownerId: string, id: string) => tx.group.findFirst({ where: { id, ownerId } });
export const ownedPerson = (tx: Tx, ownerId: string, id: string) => tx.person.findFirst({ where: { id, group: { ownerId } } });
export const ownedImage = (tx: Tx, ownerId: string, id: string) => tx.image.findFirst({ where: { id, group: { ownerId } } });
export const ownedFace = (tx: Tx, ownerId: string, id: string) => tx.face.findFirst({ where: { id, group: { ownerId } } });
export const ownedJob = (tx: Tx, ownerId: string, id: string) => tx.job.findFirst({ where: { id, group: { ownerId } } });
export const ownedCorrection = (tx: Tx, ownerId: string, id: string) =>
  tx.correction.findFirst({ where: { id, group: { ownerId } } });
export const ownedImages = (tx: Tx, ownerId: string, ids: string[]) =>
  tx.image.findMany({ where: { id: { in: ids }, group: { ownerId } }, select: { id: true, groupId: true } });
