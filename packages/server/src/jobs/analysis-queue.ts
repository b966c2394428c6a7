import type { AnalysisService } from '../services/analysis.service.js';

/**
 * Where added photos wait to be analysed. SQLite, one machine: in this process (InProcessQueue). PostgreSQL: on
 * pg-boss, for any number of worker processes sharing the database (PgBossQueue).
 */
export interface AnalysisQueue {
  /** Queues a new job's photos. */
  submit(jobId: string): Promise<void>;
  /** Queues again what unfinished jobs still have pending (after a restart), without queueing anything twice. */
  resume(): Promise<void>;
  /** Starts analysing queued photos in this process. */
  work(analysis: AnalysisService): Promise<void>;
  /** Finishes the task in progress, then stops. */
  stop(): Promise<void>;
}
