import type { Db } from '../db/client.js';
import { badInput, isId, notFound } from '../errors.js';
import { blobHashesInUse, existing, imageFiles } from '../repositories/erasure.repository.js';
import { refreshPersons } from '../repositories/person.repository.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { GroupLock } from './group-lock.js';
import type { PictureService } from './picture.service.js';
import type { ThumbnailService } from './thumbnail.service.js';

const MAX_IDS = 1000;

/**
 * Erasure of photos, persons and groups with everything derived from them (faces, embeddings, stored bytes,
 * thumbnails, cached pictures): face embeddings are biometric data, which their people may have removed.
 * Rows go first, in one transaction; files after. A crash in between leaves files no row refers to, which
 * `sweep` removes at the next start.
 */
export class ErasureService {
  constructor(
    private readonly db: Db,
    private readonly lock: GroupLock,
    private readonly blobs: BlobStore,
    private readonly thumbnails: ThumbnailService,
    private readonly pictures: PictureService,
  ) {}

  async deleteGroup(owner: string, groupId: string): Promise<string> {
    await this.ownedGroup(owner, groupId);
    const files = await this.lock.run(groupId, () =>
      this.db.$transaction(async (tx) => {
        const files = await imageFiles(tx, { groupId });
        await tx.group.delete({ where: { id: groupId } });
        return files;
      }),
    );
    await this.thumbnails.removeGroup(groupId);
    await this.pictures.removeGroup(groupId);
    await this.removeUnusedBlobs(files.hashes);
    return groupId;
  }

  /** Deletes photos of one owner (any of their groups); persons left with no face go too. */
  async deleteImages(owner: string, imageIds: string[]) {
    const ids = [...new Set(imageIds)];
    if (ids.length === 0) throw badInput('give at least one photo to delete');
    if (ids.length > MAX_IDS) throw badInput(`at most ${MAX_IDS} photos at a time`);
    const found = await this.db.image.findMany({
      where: { id: { in: ids.filter(isId) }, group: { ownerId: owner } },
      select: { id: true, groupId: true },
    });
    const missing = ids.find((id) => !found.some((image) => image.id === id));
    if (missing) throw notFound('image', missing);
    const removedPersonIds: string[] = [];
    const groups = [...new Set(found.map((image) => image.groupId))];
    for (const groupId of groups) {
      const inGroup = found.filter((image) => image.groupId === groupId).map((image) => image.id);
      const files = await this.lock.run(groupId, () =>
        this.db.$transaction(async (tx) => {
          const files = await imageFiles(tx, { id: { in: inGroup } });
          const persons = await tx.face.findMany({ where: { imageId: { in: inGroup }, personId: { not: null } }, select: { personId: true } });
          const personIds = [...new Set(persons.map((face) => face.personId!))];
          // The job items that brought the photos hold their URL or hash: they go with them.
          await tx.jobItem.deleteMany({ where: { imageId: { in: inGroup } } });
          await tx.image.deleteMany({ where: { id: { in: inGroup } } });
          await refreshPersons(tx, personIds);
          const remaining = new Set((await tx.person.findMany({ where: { id: { in: personIds } }, select: { id: true } })).map((p) => p.id));
          removedPersonIds.push(...personIds.filter((id) => !remaining.has(id)));
          return files;
        }),
      );
      await this.thumbnails.remove(groupId, files);
      await this.pictures.removeGroup(groupId);
      await this.removeUnusedBlobs(files.hashes);
    }
    return { imageIds: ids, removedPersonIds };
  }

  /**
   * Forgets a person: the person, its faces and their embeddings go; its photos stay. Where each face was is kept
   * (the photo's hash and the box, no embedding), so analysing the same photo again in the group does not bring
   * the face back, and no regroup can.
   */
  async forgetPerson(owner: string, personId: string) {
    const person = isId(personId) ? await this.db.person.findFirst({ where: { id: personId, group: { ownerId: owner } } }) : null;
    if (!person) throw notFound('person', personId);
    const faceIds = await this.lock.run(person.groupId, () =>
      this.db.$transaction(async (tx) => {
        const faces = await tx.face.findMany({
          where: { personId },
          select: { id: true, x1: true, y1: true, x2: true, y2: true, image: { select: { contentHash: true } } },
        });
        await tx.forgottenFace.createMany({
          data: faces.map(({ x1, y1, x2, y2, image }) => ({ groupId: person.groupId, contentHash: image.contentHash, x1, y1, x2, y2 })),
        });
        await tx.person.update({ where: { id: personId }, data: { coverFaceId: null } });
        await tx.face.deleteMany({ where: { personId } });
        // Corrections about the person hold its name; they go with it.
        await tx.correction.deleteMany({ where: { personId } });
        await tx.person.delete({ where: { id: personId } });
        return faces.map((face) => face.id);
      }),
    );
    await this.thumbnails.remove(person.groupId, { faceIds, imageIds: [] });
    await this.pictures.removeGroup(person.groupId);
    return { personId, forgottenFaces: faceIds.length };
  }

  /** Removes files that no row refers to any more (left by a crash between a deletion's commit and its file removal). */
  async sweep(): Promise<number> {
    let removed = 0;
    const hashes = await this.blobs.list();
    for (let start = 0; start < hashes.length; start += MAX_IDS) {
      const batch = hashes.slice(start, start + MAX_IDS);
      const inUse = await blobHashesInUse(this.db, batch);
      for (const hash of batch) if (!inUse.has(hash)) removed += await this.blobs.remove(hash);
    }
    const groups = [...new Set([...(await this.thumbnails.groups()), ...(await this.pictures.groups())])].filter(isId);
    const live = await existing(this.db, 'group', groups);
    for (const groupId of groups) {
      if (live.has(groupId)) {
        const { faceIds, imageIds } = await this.thumbnails.cachedIds(groupId);
        const [faces, images] = await Promise.all([existing(this.db, 'face', faceIds), existing(this.db, 'image', imageIds)]);
        removed += await this.thumbnails.remove(groupId, {
          faceIds: faceIds.filter((id) => !faces.has(id)),
          imageIds: imageIds.filter((id) => !images.has(id)),
        });
      } else {
        removed += (await this.thumbnails.removeGroup(groupId)) + (await this.pictures.removeGroup(groupId));
      }
    }
    return removed;
  }

  private async ownedGroup(owner: string, groupId: string) {
    const group = isId(groupId) ? await this.db.group.findFirst({ where: { id: groupId, ownerId: owner } }) : null;
    if (!group) throw notFound('group', groupId);
    return group;
  }

  private async removeUnusedBlobs(hashes: string[]): Promise<void> {
    const inUse = await blobHashesInUse(this.db, hashes);
    for (const hash of hashes) if (!inUse.has(hash)) await this.blobs.remove(hash);
  }
}
