import type { Db } from '../db/client.js';
import { log, stackOf } from '../log.js';
import { pendingItems, unfinishedJobs } from '../repositories/job.repository.js';
import type { AnalysisService } from '../services/analysis.service.js';
import type { GroupingService } from '../services/grouping.service.js';
import type { AnalysisQueue } from './analysis-queue.js';

/**
 * The queue of the embedded database: jobs in order, one at a time, in the API process, and regroups beside them,
 * one at a time per group. A job whose batch fails unexpectedly has those photos failed (not retried forever) and
 * goes on; unfinished jobs resume on start.
 */
export class InProcessQueue implements AnalysisQueue {
  private readonly pending: string[] = [];
  private analysis: AnalysisService | null = null;
  private grouping: GroupingService | null = null;
  private draining: Promise<void> | null = null;
  private stopping = false;
  /** Per group: the regroup waiting for its time, and the one running. */
  private readonly queuedRegroups = new Map<string, { due: number; timer: NodeJS.Timeout }>();
  private readonly runningRegroups = new Map<string, Promise<void>>();

  constructor(private readonly db: Db) {}

  async submit(jobId: string): Promise<void> {
    if (!this.pending.includes(jobId)) this.pending.push(jobId);
    this.drainSoon();
  }

  async resume(): Promise<void> {
    for (const job of await unfinishedJobs(this.db)) {
      if ((await pendingItems(this.db, job.id, { take: 1 })).length > 0) await this.submit(job.id);
      else await this.requestRegroup(job.groupId, 0);
    }
  }

  async requestRegroup(groupId: string, delaySeconds: number): Promise<void> {
    if (this.stopping) return;
    const due = Date.now() + delaySeconds * 1000;
    const queued = this.queuedRegroups.get(groupId);
    if (queued && queued.due <= due) return;
    if (queued) clearTimeout(queued.timer);
    const timer = setTimeout(() => {
      this.queuedRegroups.delete(groupId);
      this.runRegroup(groupId);
    }, delaySeconds * 1000);
    this.queuedRegroups.set(groupId, { due, timer });
  }

  async work(analysis: AnalysisService, grouping: GroupingService): Promise<void> {
    this.analysis = analysis;
    this.grouping = grouping;
    this.drainSoon();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    for (const { timer } of this.queuedRegroups.values()) clearTimeout(timer);
    this.queuedRegroups.clear();
    await Promise.all([this.draining, ...this.runningRegroups.values()]);
  }

  /** Runs the group's regroup after the one running, if any. */
  private runRegroup(groupId: string): void {
    const grouping = this.grouping;
    if (!grouping) return;
    const previous = this.runningRegroups.get(groupId) ?? Promise.resolve();
    const next = previous.then(() =>
      grouping.regroupAndFinishJobs(groupId).catch(async (error) => {
        log.error('regroup failed', { groupId, error: stackOf(error) });
        await grouping.finishJobs(groupId).catch(() => undefined);
      }),
    );
    this.runningRegroups.set(groupId, next);
    next.then(() => {
      if (this.runningRegroups.get(groupId) === next) this.runningRegroups.delete(groupId);
    });
  }

  private drainSoon(): void {
    if (this.analysis) this.draining ??= this.drain(this.analysis).finally(() => (this.draining = null));
  }

  private async drain(analysis: AnalysisService): Promise<void> {
    while (!this.stopping && this.pending.length > 0) {
      const jobId = this.pending[0];
      try {
        await analysis.analyse(jobId);
      } catch (error) {
        // An unexpected failure (not a bad photo): the batch's photos fail rather than retry forever.
        log.error('analysis failed', { jobId, error: stackOf(error) });
        const stuck = await analysis.pendingBatch(jobId);
        await analysis.giveUp(jobId, stuck, (error as Error).message);
        continue;
      }
      this.pending.shift();
    }
  }
}
