import { join } from 'node:path';
import type { FacePipeline } from '@facegroup/core';
import type { UrlSigner } from '../auth/url-signer.js';
import type { ServerConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { IngestQueue } from '../jobs/ingest.queue.js';
import { Metrics } from '../metrics.js';
import { pendingPhotoCount } from '../repositories/job.repository.js';
import { ReadRepository } from '../repositories/read.repository.js';
import { OwnerRepository } from '../repositories/owner.repository.js';
import { LocalFiles } from '../sources/local-files.js';
import { FileBlobStore, type BlobStore } from '../storage/blob-store.js';
import { S3BlobStore } from '../storage/s3-blob-store.js';
import { GroupFolders } from '../storage/group-folders.js';
import { Originals } from '../storage/originals.js';
import { AuthService } from './auth.service.js';
import { CorrectionService } from './correction.service.js';
import { ErasureService } from './erasure.service.js';
import { GroupLock } from './group-lock.js';
import { GroupService } from './group.service.js';
import { GroupingService } from './grouping.service.js';
import { HealthService } from './health.service.js';
import { IngestService } from './ingest.service.js';
import { PictureService } from './picture.service.js';
import { QueryService } from './query.service.js';
import { AddRequestLimit } from './rate-limit.js';
import { ThumbnailService } from './thumbnail.service.js';

export type Services = ReturnType<typeof createServices>;

/** Wires the services over one database and one pipeline (models loaded once per process). */
export function createServices(db: Db, pipeline: FacePipeline, config: ServerConfig, signer: UrlSigner) {
  const lock = new GroupLock();
  const blobs: BlobStore = config.s3 ? new S3BlobStore(config.s3) : new FileBlobStore(join(config.dataDir, 'blobs'));
  const files = new LocalFiles(config.importRoots);
  const originals = new Originals(blobs, files);
  const grouping = new GroupingService(db, pipeline, lock);
  const metrics = new Metrics(() => pendingPhotoCount(db));
  const queue = new IngestQueue(db, pipeline, blobs, files, grouping, config.fetch, metrics);
  const thumbnails = new ThumbnailService(db, originals, new GroupFolders(join(config.dataDir, 'thumbnails')));
  const pictures = new PictureService(db, originals, new GroupFolders(join(config.dataDir, 'pictures')));
  return {
    metrics,
    health: new HealthService(db, () => true),
    auth: new AuthService(new OwnerRepository(db), config.authDisabled),
    signer,
    files,
    queue,
    grouping,
    groups: new GroupService(db),
    queries: new QueryService(new ReadRepository(db)),
    ingest: new IngestService(db, config, blobs, queue, files, new AddRequestLimit(config.addRequestsPerMinute)),
    corrections: new CorrectionService(db, lock, pipeline.groupingOptions.threshold),
    erasure: new ErasureService(db, lock, blobs, thumbnails, pictures),
    thumbnails,
    pictures,
  };
}
