import { parseImageUrl, sniffImageType } from '@facegroup/core';
import type { ServerConfig } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import { AppError, asAppError, badInput, bounded, checkedName, isId, notFound } from '../errors.js';
import type { AnalysisQueue } from '../jobs/analysis-queue.js';
import { ensureGroupUser, groupNamed } from '../repositories/group.repository.js';
import { createJob } from '../repositories/job.repository.js';
import { ownedGroup } from '../repositories/owned.repository.js';
import type { LocalFiles } from '../sources/local-files.js';
import type { AddRequestLimit } from './rate-limit.js';
import type { BlobStore } from '../storage/blob-store.js';

export type SourceKind = 'PATH' | 'URL' | 'UPLOAD';

interface NewItem {
  key: string;
  location: string;
}

/** Photo keys (file names, URL map keys, folder-relative paths) are shown back to clients: bounded like names. */
const MAX_KEY_LENGTH = 1000;

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

/**
 * Adding photos to a group: validates the request, records a job with one item per photo in one transaction,
 * and hands it to the analysis queue. Returns at once; photos are fetched, deduplicated and analysed in the background.
 */
export class IngestService {
  constructor(
    private readonly db: Db,
    private readonly config: ServerConfig,
    private readonly blobs: BlobStore,
    private readonly queue: AnalysisQueue,
    private readonly files: LocalFiles,
    private readonly addRequests: AddRequestLimit,
  ) {}

  /** Counts a request that adds photos against the owner's rate limit (uploads call it before reading the body). */
  admit(owner: string): Promise<void> {
    return this.addRequests.admit(owner);
  }

  async addPaths(owner: string, groupId: string, paths: string[], user: string | null) {
    await this.admit(owner);
    this.checkCount(paths.length);
    const images = await this.files.listImages(paths);
    return this.submit(
      owner,
      groupId,
      'PATH',
      images.map(({ key, path }) => ({ key, location: path })),
      user,
    );
  }

  /**
   * A folder laid out `<root>/<group>/<user>/...`: each group folder with photos is added to the owner's group of
   * that name (created if new).
   */
  async importFolder(owner: string, root: string) {
    await this.admit(owner);
    const folders = await this.files.readGroupFolders(root);
    if (folders.length === 0)
      throw badInput(`${bounded(root)} has no photos in group folders (expected <path>/<group>/<user>/...)`);
    for (const folder of folders) checkedName(folder.name, 'a group folder name');
    const jobs = await this.db.$transaction(async (tx) => {
      const created = [];
      for (const folder of folders) {
        const group = await groupNamed(tx, owner, folder.name);
        for (const user of folder.users) {
          const items = user.images.map(({ key, path }) => ({ key, location: path }));
          created.push(await this.newJob(tx, owner, group.id, 'PATH', items, user.name));
        }
      }
      return created;
    });
    for (const job of jobs) await this.queue.submit(job.id);
    return jobs;
  }

  /** A URL map `{ key: url }`, as a backend keeping photos in object storage sends it (presigned or public URLs). */
  async addUrls(owner: string, groupId: string, urls: Record<string, string>, user: string | null) {
    await this.admit(owner);
    this.checkCount(Object.keys(urls).length);
    const items = Object.entries(urls).map(([key, url]) => {
      try {
        return { key, location: parseImageUrl(url, this.config.fetch.allowPrivateAddresses).href };
      } catch (error) {
        throw asAppError(error);
      }
    });
    return this.submit(owner, groupId, 'URL', items, user);
  }

  async addUploads(owner: string, groupId: string, files: UploadedFile[], user: string | null) {
    for (const file of files) {
      if (!sniffImageType(file.bytes)) throw new AppError('UNSUPPORTED_IMAGE', `${bounded(file.name)}: not a supported image`);
    }
    const items = [];
    for (const file of files) items.push({ key: file.name, location: await this.blobs.put(file.bytes) });
    return this.submit(owner, groupId, 'UPLOAD', items, user);
  }

  private async submit(owner: string, groupId: string, kind: SourceKind, items: NewItem[], user: string | null) {
    const job = await this.db.$transaction((tx) => this.newJob(tx, owner, groupId, kind, items, user));
    await this.queue.submit(job.id);
    return job;
  }

  private checkCount(count: number) {
    if (count > this.config.maxImagesPerRequest) {
      throw new AppError(
        'LIMIT_EXCEEDED',
        `${count} photos in one request, more than the limit of ${this.config.maxImagesPerRequest}`,
      );
    }
  }

  private async newJob(tx: Tx, owner: string, groupId: string, kind: SourceKind, items: NewItem[], user: string | null) {
    await this.group(tx, owner, groupId);
    if (items.length === 0) throw badInput('no photos given');
    this.checkCount(items.length);
    for (const item of items) {
      if (item.key.length > MAX_KEY_LENGTH)
        throw badInput(`the photo key ${bounded(item.key)} is longer than ${MAX_KEY_LENGTH} characters`);
      if (/[\u0000-\u001f\u007f]/.test(item.key))
        throw badInput(`the photo key ${bounded(item.key)} contains control characters`);
    }
    const userName = user === null ? null : checkedName(user, 'the user name') || null;
    const userId = userName ? await ensureGroupUser(tx, groupId, userName) : null;
    return createJob(tx, groupId, kind, userId, items);
  }

  private async group(tx: Tx, owner: string, groupId: string) {
    const group = isId(groupId) ? await ownedGroup(tx, owner, groupId) : null;
    if (!group) throw notFound('group', groupId);
    return group;
  }
}
