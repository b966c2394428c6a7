import type { AnalysisService } from '../services/analysis.service.js';
import type { GroupingService } from '../services/grouping.service.js';

export interface RegroupRequests {
  /**
   * Asks for a full regroup of the group in `delaySeconds` (debounced): at most one is queued and one runs per
   * group, and a request while one is queued is served by it.
   */
  requestRegroup(groupId: string, delaySeconds: number): Promise<void>;
}

/**
 * Where added photos wait to be analysed. SQLite, one machine: in this process (InProcessQueue). PostgreSQL: on
 * pg-boss, for any number of worker processes sharing the database (PgBossQueue).
 */
export interface AnalysisQueue extends RegroupRequests {
  /** Queues a new job's photos. */
  submit(jobId: string): Promise<void>;
  /**
   * Queues again what unfinished jobs still have pending (after a restart), without queueing anything twice, and
   * the regroups that finish jobs with nothing pending.
   */
  resume(): Promise<void>;
  /** Starts analysing queued photos, and regrouping, in this process. */
  work(analysis: AnalysisService, grouping: GroupingService): Promise<void>;
  /** Finishes the task in progress, then stops. */
  stop(): Promise<void>;
}
