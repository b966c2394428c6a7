import { join } from 'node:path';
import { groupingOptionsOf, resolveConfig } from '@facegroup/core';
import type { UrlSigner } from '../auth/url-signer.js';
import type { ServerConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { createEventBus } from '../events/event-bus.js';
import type { AnalysisQueue } from '../jobs/analysis-queue.js';
import { InProcessQueue } from '../jobs/in-process.queue.js';
import { PgBossQueue } from '../jobs/pg-boss.queue.js';
import type { Analyser } from '../jobs/pipeline-thread.js';
import { Metrics } from '../metrics.js';
import { pendingPhotoCount } from '../repositories/job.repository.js';
import { OwnerRepository } from '../repositories/owner.repository.js';
import { ReadRepository } from '../repositories/read.repository.js';
import { LocalFiles } from '../sources/local-files.js';
import { FileBlobStore, type BlobStore } from '../storage/blob-store.js';
import { GroupFolders } from '../storage/group-folders.js';
import { Originals } from '../storage/originals.js';
import { S3BlobStore } from '../storage/s3-blob-store.js';
import { AnalysisService } from './analysis.service.js';
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

/** The queue of the database: pg-boss on PostgreSQL, this process's own on SQLite. */
export function analysisQueue({ db, provider }: Database, config: ServerConfig): AnalysisQueue {
  if (provider === 'sqlite') return new InProcessQueue(db);
  return new PgBossQueue(db, {
    connectionString: config.databaseUrl,
    batchPhotos: resolveConfig(config.pipeline).batchPhotos,
    leaseSeconds: config.analysisLeaseSeconds,
    retries: config.analysisRetries,
  });
}

/**
 * Wires the services over one database. `pipeline` is null in a process that analyses nothing (an API with
 * WORKERS=0): it loads no model, and its `analysis` is null.
 */
export function createServices(database: Database, pipeline: Analyser | null, config: ServerConfig, signer: UrlSigner) {
  const { db } = database;
  // What changed in a group, for subscriptions in every API process.
  const events = createEventBus(database.provider, config.databaseUrl);
  const lock = new GroupLock(db, database.provider);
  const blobs: BlobStore = config.s3 ? new S3BlobStore(config.s3) : new FileBlobStore(join(config.dataDir, 'blobs'));
  const files = new LocalFiles(config.importRoots);
  const originals = new Originals(blobs, files);
  const groupingOptions = groupingOptionsOf(resolveConfig(config.pipeline));
  const grouping = new GroupingService(db, groupingOptions, lock, events);
  const metrics = new Metrics(() => pendingPhotoCount(db));
  const queue = analysisQueue(database, config);
  const thumbnails = new ThumbnailService(db, originals, new GroupFolders(join(config.dataDir, 'thumbnails')));
  const pictures = new PictureService(db, originals, new GroupFolders(join(config.dataDir, 'pictures')));
  return {
    events,
    metrics,
    health: new HealthService(db, pipeline !== null || config.workers === 0),
    auth: new AuthService(new OwnerRepository(db), config.authDisabled),
    signer,
    files,
    queue,
    analysis: pipeline ? new AnalysisService(db, pipeline, blobs, files, grouping, queue, config.fetch, metrics, events) : null,
    grouping,
    groups: new GroupService(db),
    queries: new QueryService(new ReadRepository(db)),
    ingest: new IngestService(db, config, blobs, queue, files, new AddRequestLimit(config.addRequestsPerMinute)),
    corrections: new CorrectionService(db, lock, groupingOptions.threshold, events, queue, config.regroupDelaySeconds),
    erasure: new ErasureService(db, lock, blobs, thumbnails, pictures, events),
    thumbnails,
    pictures,
  };
}
