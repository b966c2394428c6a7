import { parseImageUrl, sniffImageType } from '@facegroup/core';
import type { ServerConfig } from '../config.js';
import type { Db, Tx } from '../db/client.js';
import { AppError, asAppError, badInput, notFound } from '../errors.js';
import type { IngestQueue } from '../jobs/ingest.queue.js';
import { listImages, readGroupFolders } from '../sources/local-files.js';
import type { BlobStore } from '../storage/blob-store.js';

export type SourceKind = 'PATH' | 'URL' | 'UPLOAD';

interface NewItem {
  key: string;
  location: string;
}

export interface UploadedFile {
  name: string;
  bytes: Buffer;
}

/**
 * Adding photos to a group: validates the request, records a job with one item per photo in one transaction,
 * and hands it to the ingest queue. Returns at once; photos are fetched, deduplicated and analysed in the background.
 */
export class IngestService {
  constructor(
    private readonly db: Db,
    private readonly config: ServerConfig,
    private readonly blobs: BlobStore,
    private readonly queue: IngestQueue,
  ) {}

  async addPaths(groupId: string, paths: string[], user: string | null) {
    const images = await listImages(paths, this.config.importRoots);
    return this.submit(groupId, 'PATH', images.map(({ key, path }) => ({ key, location: path })), user);
  }

  /** A folder laid out `<root>/<group>/<user>/...`: each group folder is added to the group of that name (created if new). */
  async importFolder(root: string) {
    const folders = await readGroupFolders(root, this.config.importRoots);
    if (folders.length === 0) throw badInput(`${root} has no group folders (expected ${root}/<group>/<user>/...)`);
    const jobs = await this.db.$transaction(async (tx) => {
      const created = [];
      for (const folder of folders) {
        const group = (await tx.group.findFirst({ where: { name: folder.name } })) ?? (await tx.group.create({ data: { name: folder.name } }));
        for (const user of folder.users) {
          if (user.images.length === 0) continue;
          const items = user.images.map(({ key, path }) => ({ key, location: path }));
          created.push(await this.createJob(tx, group.id, 'PATH', items, user.name));
        }
      }
      return created;
    });
    for (const job of jobs) this.queue.enqueue(job.id);
    return jobs;
  }

  /** A URL map `{ key: url }`, as a backend keeping photos in object storage sends it (presigned or public URLs). */
  async addUrls(groupId: string, urls: Record<string, string>, user: string | null) {
    const items = Object.entries(urls).map(([key, url]) => {
      try {
        return { key, location: parseImageUrl(url, this.config.fetch.allowPrivateAddresses).href };
      } catch (error) {
        throw asAppError(error);
      }
    });
    return this.submit(groupId, 'URL', items, user);
  }

  async addUploads(groupId: string, files: UploadedFile[], user: string | null) {
    for (const file of files) {
      if (!sniffImageType(file.bytes)) throw new AppError('UNSUPPORTED_IMAGE', `${file.name}: not a supported image`);
    }
    const items = [];
    for (const file of files) items.push({ key: file.name, location: await this.blobs.put(file.bytes) });
    return this.submit(groupId, 'UPLOAD', items, user);
  }

  private async submit(groupId: string, kind: SourceKind, items: NewItem[], user: string | null) {
    const job = await this.db.$transaction((tx) => this.createJob(tx, groupId, kind, items, user));
    this.queue.enqueue(job.id);
    return job;
  }

  private async createJob(tx: Tx, groupId: string, kind: SourceKind, items: NewItem[], user: string | null) {
    await this.group(tx, groupId);
    if (items.length === 0) throw badInput('no photos given');
    if (items.length > this.config.maxImagesPerRequest) {
      throw new AppError('LIMIT_EXCEEDED', `${items.length} photos in one request, more than the limit of ${this.config.maxImagesPerRequest}`);
    }
    const userId = user
      ? (await tx.groupUser.upsert({ where: { groupId_name: { groupId, name: user } }, create: { groupId, name: user }, update: {} })).id
      : null;
    const job = await tx.job.create({ data: { groupId, kind } });
    await tx.jobItem.createMany({
      data: items.map((item, position) => ({ jobId: job.id, position, sourceKind: kind, userId, ...item })),
    });
    return job;
  }

  private async group(tx: Tx, groupId: string) {
    const group = await tx.group.findUnique({ where: { id: groupId } });
    if (!group) throw notFound('group', groupId);
    return group;
  }
}
