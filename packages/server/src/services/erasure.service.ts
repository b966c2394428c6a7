import type { Db } from '../db/client.js';
import { badInput, isId, notFound } from '../errors.js';
import type { EventBus } from '../events/event-bus.js';
import {
  blobHashesInUse,
  deleteGroupRows,
  deleteImageRows,
  existing,
  forgetPersonRows,
} from '../repositories/erasure.repository.js';
import { ownedGroup, ownedImages, ownedPerson } from '../repositories/owned.repository.js';
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
    private readonly events: EventBus,
  ) {}

  async deleteGroup(owner: string, groupId: string): Promise<string> {
    if (!isId(groupId) || !(await ownedGroup(this.db, owner, groupId))) throw notFound('group', groupId);
    const files = await this.lock.transaction(groupId, (tx) => deleteGroupRows(tx, groupId));
    // Subscribers of the group find it gone, and their subscriptions end.
    this.events.publish({ groupId, kind: 'IMAGES_REMOVED' });
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
    const found = await ownedImages(this.db, owner, ids.filter(isId));
    const missing = ids.find((id) => !found.some((image) => image.id === id));
    if (missing) throw notFound('image', missing);
    const removedPersonIds: string[] = [];
    for (const groupId of new Set(found.map((image) => image.groupId))) {
      const inGroup = found.filter((image) => image.groupId === groupId).map((image) => image.id);
      const deleted = await this.lock.transaction(groupId, (tx) => deleteImageRows(tx, inGroup));
      removedPersonIds.push(...deleted.removedPersonIds);
      this.events.publish({ groupId, kind: 'IMAGES_REMOVED', personIds: deleted.removedPersonIds });
      await this.thumbnails.remove(groupId, deleted.files);
      await this.pictures.removeGroup(groupId);
      await this.removeUnusedBlobs(deleted.files.hashes);
    }
    return { imageIds: ids, removedPersonIds };
  }

  /**
   * Forgets a person: the person, its faces and their embeddings go; its photos stay. Where each face was is kept
   * (the photo's hash and the box, no embedding), so analysing the same photo again in the group does not bring
   * the face back, and no regroup can.
   */
  async forgetPerson(owner: string, personId: string) {
    const person = isId(personId) ? await ownedPerson(this.db, owner, personId) : null;
    if (!person) throw notFound('person', personId);
    const faceIds = await this.lock.transaction(person.groupId, (tx) => forgetPersonRows(tx, person));
    this.events.publish({ groupId: person.groupId, kind: 'PERSONS_REMOVED', personIds: [personId] });
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

  private async removeUnusedBlobs(hashes: string[]): Promise<void> {
    const inUse = await blobHashesInUse(this.db, hashes);
    for (const hash of hashes) if (!inUse.has(hash)) await this.blobs.remove(hash);
  }
}
