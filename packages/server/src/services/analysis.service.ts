import { fetchImage, SourceError, type FetchLimits } from '@facegroup/core';
import type { Db } from '../db/client.js';
import { AppError } from '../errors.js';
import type { Analyser } from '../jobs/pipeline-thread.js';
import type { Metrics } from '../metrics.js';
import {
  createImage,
  failPendingItems,
  findJob,
  hasPending,
  markGrouping,
  finishItem,
  imageOfContent,
  markRunning,
  pendingItems,
  saveAnalysis,
  type JobItem,
} from '../repositories/job.repository.js';
import type { LocalFiles } from '../sources/local-files.js';
import { takenAtOf } from '../sources/taken-at.js';
import { sha256, type BlobStore } from '../storage/blob-store.js';
import type { EventBus } from '../events/event-bus.js';
import type { RegroupRequests } from '../jobs/analysis-queue.js';
import type { GroupingService } from './grouping.service.js';

/**
 * Analysing photos, the task that queues hand to whichever process has the models: a few photos of a job are
 * loaded, deduplicated by content hash, analysed and stored, and their faces grouped incrementally, so persons grow
 * while a job runs at a cost that does not grow with the group. When no photo of the job is left, a full regroup is
 * queued, which finishes the job. Idempotent: only items still pending are analysed, and a photo is stored once per
 * group, so a task run again (its worker died, or it was queued twice) changes nothing twice.
 */
export class AnalysisService {
  constructor(
    private readonly db: Db,
    private readonly pipeline: Analyser,
    private readonly blobs: BlobStore,
    private readonly files: LocalFiles,
    private readonly grouping: GroupingService,
    private readonly regroups: RegroupRequests,
    private readonly fetchLimits: FetchLimits,
    private readonly metrics: Metrics,
    private readonly events: EventBus,
  ) {}

  /** Photos per task: the pipeline's batch. */
  get batchPhotos(): number {
    return this.pipeline.config.batchPhotos;
  }

  /** Analyses these items of the job that are still pending (all pending ones, a batch at a time, when none are given). */
  async analyse(jobId: string, itemIds?: string[]): Promise<void> {
    const job = await findJob(this.db, jobId);
    if (!job) return; // deleted with its group meanwhile
    await markRunning(this.db, jobId);
    // A batch's faces are grouped while the next batch is analysed: the pipeline does not wait on the database.
    let grouping: Promise<unknown> = Promise.resolve();
    for (;;) {
      const items = await pendingItems(this.db, jobId, itemIds ? { ids: itemIds } : { take: this.batchPhotos });
      if (items.length === 0) break;
      const timer = this.metrics.analysisSeconds.startTimer();
      await settleBoth(
        this.analyseBatch(job.groupId, items).then(() => timer()),
        grouping,
      );
      grouping = this.groupNewFaces(job.groupId, jobId);
      grouping.catch(() => undefined); // awaited with the next batch, or after the last

      if (itemIds) break;
    }
    await grouping;
    // The task that leaves nothing pending asks for the full regroup, which finishes the job.
    if (await hasPending(this.db, jobId)) return;
    await markGrouping(this.db, jobId);
    this.events.publish({ groupId: job.groupId, kind: 'JOB_PROGRESS', jobId });
    await this.regroups.requestRegroup(job.groupId, 0);
  }

  /** Groups the group's new faces (incrementally), and says what changed. */
  private async groupNewFaces(groupId: string, jobId: string): Promise<void> {
    const { changed, created } = await this.grouping.assignNewFaces(groupId);
    if (changed.length > 0) this.events.publish({ groupId, kind: 'PERSONS_CHANGED', personIds: changed });
    if (created.length > 0) this.events.publish({ groupId, kind: 'PERSONS_CREATED', personIds: created });
    this.events.publish({ groupId, kind: 'JOB_PROGRESS', jobId });
  }

  /** The ids of the job's next batch of pending photos. */
  async pendingBatch(jobId: string): Promise<string[]> {
    return (await pendingItems(this.db, jobId, { take: this.batchPhotos })).map((item) => item.id);
  }

  /** Gives up on items that kept failing: they end FAILED with the reason, and their job finishes. */
  async giveUp(jobId: string, itemIds: string[], reason: string): Promise<void> {
    const { count } = await failPendingItems(this.db, itemIds, 'INTERNAL_ERROR', `analysis failed: ${reason}`);
    this.metrics.photosFailed.inc(count);
    const job = await findJob(this.db, jobId);
    if (!job) return;
    this.events.publish({ groupId: job.groupId, kind: 'JOB_PROGRESS', jobId });
    if (!(await hasPending(this.db, jobId))) await this.regroups.requestRegroup(job.groupId, 0);
  }

  private async analyseBatch(groupId: string, items: JobItem[]): Promise<void> {
    const loaded = await Promise.all(
      items.map((item) =>
        this.load(item).then(
          (bytes) => ({ item, bytes }),
          (error: Error) => ({ item, error }),
        ),
      ),
    );
    const toAnalyse: { item: JobItem; imageId: string; bytes: Buffer }[] = [];
    const imageOfHash = new Map<string, string>();
    for (const entry of loaded) {
      const { item } = entry;
      if ('error' in entry) {
        const code = entry.error instanceof AppError || entry.error instanceof SourceError ? entry.error.code : 'INTERNAL_ERROR';
        await finishItem(this.db, item.id, 'FAILED', null, code, entry.error.message);
        this.metrics.photosFailed.inc();
        continue;
      }
      const contentHash = sha256(entry.bytes);
      const earlier = imageOfHash.get(contentHash);
      const existing = earlier ? null : await imageOfContent(this.db, groupId, contentHash);
      if (earlier || (existing && existing.status !== 'PENDING')) {
        await finishItem(this.db, item.id, 'DUPLICATE', earlier ?? existing!.id);
        continue;
      }
      const image = existing ?? (await createImage(this.db, groupId, item, contentHash, entry.bytes.length));
      imageOfHash.set(contentHash, image.id);
      toAnalyse.push({ item, imageId: image.id, bytes: entry.bytes });
    }
    const results = await this.pipeline.analyseAll(toAnalyse.map(({ imageId, bytes }) => ({ key: imageId, buffer: bytes })));
    for (const [i, result] of results.entries()) {
      const takenAt = await takenAtOf(toAnalyse[i].bytes);
      await this.db.$transaction((tx) => saveAnalysis(tx, groupId, toAnalyse[i].item, result.key, result, takenAt));
      (result.error ? this.metrics.photosFailed : this.metrics.photosAnalysed).inc();
    }
  }

  /** The photo's bytes; fetched ones are kept by content hash, as their URL may expire (presigned). */
  private async load(item: JobItem): Promise<Buffer> {
    if (item.sourceKind === 'URL') {
      const bytes = await fetchImage(item.location, this.fetchLimits);
      await this.blobs.put(bytes);
      return bytes;
    }
    if (item.sourceKind === 'UPLOAD') return this.blobs.read(item.location);
    return this.files.read(item.location, item.key);
  }
}

/** Waits for both, whichever fails, so that nothing of the batch is left running; then throws the first failure. */
async function settleBoth(a: Promise<unknown>, b: Promise<unknown>): Promise<void> {
  for (const result of await Promise.allSettled([a, b])) if (result.status === 'rejected') throw result.reason;
}
