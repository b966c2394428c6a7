import type { Db } from '../db/client.js';
import { log, stackOf } from '../log.js';
import { unfinishedJobs } from '../repositories/job.repository.js';
import type { AnalysisService } from '../services/analysis.service.js';
import type { AnalysisQueue } from './analysis-queue.js';

/**
 * The queue of the embedded database: jobs in order, one at a time, in the API process. A job whose batch fails
 * unexpectedly has those photos failed (not retried forever) and goes on; unfinished jobs resume on start.
 */
export class InProcessQueue implements AnalysisQueue {
  private readonly pending: string[] = [];
  private analysis: AnalysisService | null = null;
  private draining: Promise<void> | null = null;
  private stopping = false;

  constructor(private readonly db: Db) {}

  async submit(jobId: string): Promise<void> {
    if (!this.pending.includes(jobId)) this.pending.push(jobId);
    this.drainSoon();
  }

  async resume(): Promise<void> {
    for (const job of await unfinishedJobs(this.db)) await this.submit(job.id);
  }

  async work(analysis: AnalysisService): Promise<void> {
    this.analysis = analysis;
    this.drainSoon();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.draining;
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
