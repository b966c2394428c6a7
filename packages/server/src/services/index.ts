import { join } from 'node:path';
import type { FacePipeline } from '@facegroup/core';
import type { ServerConfig } from '../config.js';
import type { Db } from '../db/client.js';
import { IngestQueue } from '../jobs/ingest.queue.js';
import { BlobStore } from '../storage/blob-store.js';
import { CorrectionService } from './correction.service.js';
import { GroupLock } from './group-lock.js';
import { GroupService } from './group.service.js';
import { GroupingService } from './grouping.service.js';
import { IngestService } from './ingest.service.js';
import { PictureService } from './picture.service.js';
import { QueryService } from './query.service.js';
import { ThumbnailService } from './thumbnail.service.js';

export type Services = ReturnType<typeof createServices>;

/** Wires the services over one database and one pipeline (models loaded once per process). */
export function createServices(db: Db, pipeline: FacePipeline, config: ServerConfig) {
  const lock = new GroupLock();
  const blobs = new BlobStore(join(config.dataDir, 'blobs'));
  const grouping = new GroupingService(db, pipeline, lock);
  const queue = new IngestQueue(db, pipeline, blobs, grouping, config.fetch);
  const queries = new QueryService(db);
  return {
    queue,
    grouping,
    groups: new GroupService(db),
    queries,
    ingest: new IngestService(db, config, blobs, queue),
    corrections: new CorrectionService(db, lock, pipeline.groupingOptions.threshold),
    thumbnails: new ThumbnailService(db, blobs, join(config.dataDir, 'thumbnails')),
    pictures: new PictureService(db, queries, blobs, join(config.dataDir, 'pictures')),
  };
}
