import { fetchImage, SourceError, type AnalysedImage, type FacePipeline, type FetchLimits } from '@facegroup/core';
import type { Db } from '../db/client.js';
import { AppError } from '../errors.js';
import { log, stackOf } from '../log.js';
import type { Metrics } from '../metrics.js';
import { replaceFaces, withoutForgottenFaces } from '../repositories/face.repository.js';
import type { GroupingService } from '../services/grouping.service.js';
import type { LocalFiles } from '../sources/local-files.js';
import { sha256, type BlobStore } from '../storage/blob-store.js';

type Item = Awaited<ReturnType<Db['jobItem']['findMany']>>[number];

/**
 * The ingest queue: one job at a time, in order. A job's photos are loaded, deduplicated by content hash and
 * analysed in batches (the pipeline's batch size), and the group is regrouped after each batch so persons grow
 * while a job runs. Unfinished jobs are resumed on start, so a restart loses no work.
 */
export class IngestQueue {
  private readonly pending: string[] = [];
  private draining: Promise<void> | null = null;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly pipeline: FacePipeline,
    private readonly blobs: BlobStore,
    private readonly files: LocalFiles,
    private readonly grouping: GroupingService,
    private readonly fetchLimits: FetchLimits,
    private readonly metrics: Metrics,
  ) {}

  async resume(): Promise<void> {
    const unfinished = await this.db.job.findMany({ where: { status: { not: 'DONE' } }, orderBy: { createdAt: 'asc' } });
    for (const job of unfinished) this.enqueue(job.id);
  }

  enqueue(jobId: string): void {
    this.pending.push(jobId);
    this.draining ??= this.drain().finally(() => (this.draining = null));
  }

  /** Finishes the batch in progress, then stops; the rest resumes on the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.draining;
  }

  private async drain(): Promise<void> {
    while (!this.stopping && this.pending.length > 0) {
      const jobId = this.pending.shift()!;
      try {
        await this.run(jobId);
      } catch (error) {
        log.error('ingest job stopped', { jobId, error: stackOf(error) });
      }
    }
  }

  private async run(jobId: string): Promise<void> {
    const job = await this.db.job.findUniqueOrThrow({ where: { id: jobId } });
    await this.db.job.update({ where: { id: jobId }, data: { status: 'RUNNING', startedAt: job.startedAt ?? new Date() } });
    for (;;) {
      if (this.stopping) return;
      const items = await this.db.jobItem.findMany({
        where: { jobId, status: 'PENDING' },
        orderBy: { position: 'asc' },
        take: this.pipeline.config.batchPhotos,
      });
      if (items.length === 0) break;
      const timer = this.metrics.analysisSeconds.startTimer();
      try {
        await this.analyseBatch(job.groupId, items);
        timer();
      } catch (error) {
        // An unexpected failure (not a bad photo): report it on the batch's photos rather than retry forever.
        log.error('ingest batch failed', { jobId, error: stackOf(error) });
        this.metrics.photosFailed.inc(items.length);
        await this.db.jobItem.updateMany({
          where: { id: { in: items.map((item) => item.id) }, status: 'PENDING' },
          data: { status: 'FAILED', errorCode: 'INTERNAL_ERROR', error: `analysis failed: ${(error as Error).message}` },
        });
      }
      await this.grouping.regroup(job.groupId);
    }
    await this.db.job.update({ where: { id: jobId }, data: { status: 'DONE', finishedAt: new Date() } });
  }

  private async analyseBatch(groupId: string, items: Item[]): Promise<void> {
    const loaded = await Promise.all(items.map((item) => this.load(item).then((bytes) => ({ item, bytes }), (error: Error) => ({ item, error }))));
    const toAnalyse: { item: Item; imageId: string; bytes: Buffer }[] = [];
    const imageOfHash = new Map<string, string>();
    for (const entry of loaded) {
      const { item } = entry;
      if ('error' in entry) {
        const code = entry.error instanceof AppError || entry.error instanceof SourceError ? entry.error.code : 'INTERNAL_ERROR';
        await this.finishItem(item.id, 'FAILED', null, code, entry.error.message);
        this.metrics.photosFailed.inc();
        continue;
      }
      const contentHash = sha256(entry.bytes);
      const earlier = imageOfHash.get(contentHash);
      const existing = earlier ? null : await this.db.image.findUnique({ where: { groupId_contentHash: { groupId, contentHash } } });
      if (earlier || (existing && existing.status !== 'PENDING')) {
        await this.finishItem(item.id, 'DUPLICATE', earlier ?? existing!.id);
        continue;
      }
      const image =
        existing ??
        (await this.db.image.create({
          data: {
            groupId,
            userId: item.userId,
            sourceKind: item.sourceKind,
            location: item.sourceKind === 'UPLOAD' ? item.key : item.location,
            key: item.key,
            contentHash,
            size: entry.bytes.length,
          },
        }));
      imageOfHash.set(contentHash, image.id);
      toAnalyse.push({ item, imageId: image.id, bytes: entry.bytes });
    }
    const results = await this.pipeline.analyseAll(toAnalyse.map(({ imageId, bytes }) => ({ key: imageId, buffer: bytes })));
    for (const [i, result] of results.entries()) await this.saveAnalysis(groupId, toAnalyse[i].item, result);
  }

  /** The photo's bytes; fetched ones are kept by content hash, as their URL may expire (presigned). */
  private async load(item: Item): Promise<Buffer> {
    if (item.sourceKind === 'URL') {
      const bytes = await fetchImage(item.location, this.fetchLimits);
      await this.blobs.put(bytes);
      return bytes;
    }
    if (item.sourceKind === 'UPLOAD') return this.blobs.read(item.location);
    return this.files.read(item.location, item.key);
  }

  private async saveAnalysis(groupId: string, item: Item, result: AnalysedImage): Promise<void> {
    const imageId = result.key;
    await this.db.$transaction(async (tx) => {
      if (result.error) {
        await tx.image.update({ where: { id: imageId }, data: { status: 'FAILED', error: result.error, analysedAt: new Date() } });
      } else {
        await replaceFaces(tx, groupId, imageId, await withoutForgottenFaces(tx, groupId, imageId, result.faces));
        await tx.image.update({
          where: { id: imageId },
          data: { status: 'ANALYSED', width: result.width, height: result.height, analysedAt: new Date() },
        });
      }
      await tx.jobItem.update({
        where: { id: item.id },
        data: result.error
          ? { status: 'FAILED', imageId, errorCode: 'UNSUPPORTED_IMAGE', error: `${item.key}: ${result.error}` }
          : { status: 'DONE', imageId },
      });
    });
    (result.error ? this.metrics.photosFailed : this.metrics.photosAnalysed).inc();
  }

  private finishItem(id: string, status: 'FAILED' | 'DUPLICATE', imageId: string | null, errorCode?: string, error?: string) {
    return this.db.jobItem.update({ where: { id }, data: { status, imageId, errorCode, error } });
  }
}
