import PgBoss from 'pg-boss';
import type { Db } from '../db/client.js';
import { log, stackOf } from '../log.js';
import { pendingItems, unfinishedJobs } from '../repositories/job.repository.js';
import type { AnalysisService } from '../services/analysis.service.js';
import type { GroupingService } from '../services/grouping.service.js';
import type { AnalysisQueue } from './analysis-queue.js';

const TASKS = 'analyse-photos';
/** Tasks that failed every retry: their photos end FAILED with the reason. */
const GIVEN_UP = 'analyse-photos-given-up';
/** Full regroups: "stately", so per group (the singleton key) at most one waits and one runs. */
const REGROUPS = 'regroup-group';
/** Regroups that failed every retry: their jobs finish with the persons incremental grouping gave. */
const REGROUPS_GIVEN_UP = 'regroup-group-given-up';

interface Task {
  jobId: string;
  itemIds: string[];
}

interface RegroupTask {
  groupId: string;
}

export interface PgBossSettings {
  connectionString: string;
  /** Photos per task. */
  batchPhotos: number;
  /** How long a worker holds a task: one killed mid-task loses at most this, then the task is retried elsewhere. */
  leaseSeconds: number;
  /** Retries of a task (with backoff) before its photos fail. */
  retries: number;
}

/**
 * Analysis on pg-boss: each job becomes tasks of a few photos in PostgreSQL, taken by any process that works the
 * queue (`pnpm worker`, or the API unless WORKERS=0), leased, retried with backoff when a worker dies or fails, and
 * given up (photos FAILED) after the last retry. Full regroups are tasks too, at most one waiting and one running
 * per group.
 */
export class PgBossQueue implements AnalysisQueue {
  private readonly boss: PgBoss;
  private started: Promise<void> | null = null;

  constructor(
    private readonly db: Db,
    private readonly settings: PgBossSettings,
  ) {
    this.boss = new PgBoss({
      connectionString: settings.connectionString,
      schema: 'pgboss',
      // Expired leases are found by maintenance: often enough that a dead worker's task is retried within the lease.
      maintenanceIntervalSeconds: Math.max(1, Math.min(60, Math.floor(settings.leaseSeconds / 2))),
      monitorStateIntervalSeconds: 60,
    });
    this.boss.on('error', (error) => log.error('job queue error', { error: stackOf(error) }));
  }

  async submit(jobId: string): Promise<void> {
    await this.start();
    const ids = (await pendingItems(this.db, jobId)).map((item) => item.id);
    await this.send(jobId, ids);
  }

  async resume(): Promise<void> {
    await this.start();
    const queued = new Set(
      (
        await this.boss
          .getDb()
          .executeSql(`SELECT data FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [TASKS])
      ).rows.flatMap((row: { data: Task }) => row.data.itemIds),
    );
    for (const job of await unfinishedJobs(this.db)) {
      const pending = (await pendingItems(this.db, job.id)).map((item) => item.id);
      if (pending.length === 0) await this.requestRegroup(job.groupId, 0);
      await this.send(
        job.id,
        pending.filter((id) => !queued.has(id)),
      );
    }
  }

  async requestRegroup(groupId: string, delaySeconds: number): Promise<void> {
    await this.start();
    // Refused (null) while one is waiting: that one will see this request's changes.
    await this.boss.send(REGROUPS, { groupId }, { singletonKey: groupId, startAfter: delaySeconds });
  }

  async work(analysis: AnalysisService, grouping: GroupingService): Promise<void> {
    await this.start();
    await this.boss.work<Task>(TASKS, { batchSize: 1, pollingIntervalSeconds: 0.5, includeMetadata: true }, async ([task]) => {
      await analysis.analyse(task.data.jobId, task.data.itemIds);
    });
    await this.boss.work<RegroupTask>(REGROUPS, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([task]) => {
      await grouping.regroupAndFinishJobs(task.data.groupId);
    });
    await this.boss.work<RegroupTask>(REGROUPS_GIVEN_UP, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([task]) => {
      await grouping.finishJobs(task.data.groupId);
    });
    await this.boss.work<Task>(GIVEN_UP, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([task]) => {
      await analysis.giveUp(task.data.jobId, task.data.itemIds, 'it failed on every retry');
    });
  }

  async stop(): Promise<void> {
    if (this.started) await this.boss.stop({ graceful: true, wait: true, timeout: 30_000 });
  }

  private start(): Promise<void> {
    this.started ??= (async () => {
      await this.boss.start();
      await this.boss.createQueue(GIVEN_UP);
      await this.boss.createQueue(TASKS, {
        name: TASKS,
        retryLimit: this.settings.retries,
        retryDelay: 5,
        retryBackoff: true,
        expireInSeconds: this.settings.leaseSeconds,
        deadLetter: GIVEN_UP,
      });
      await this.boss.createQueue(REGROUPS_GIVEN_UP);
      await this.boss.createQueue(REGROUPS, {
        name: REGROUPS,
        policy: 'stately',
        retryLimit: this.settings.retries,
        retryDelay: 2,
        retryBackoff: true,
        expireInSeconds: this.settings.leaseSeconds,
        deadLetter: REGROUPS_GIVEN_UP,
      });
    })();
    return this.started;
  }

  private async send(jobId: string, itemIds: string[]): Promise<void> {
    const tasks = [];
    for (let start = 0; start < itemIds.length; start += this.settings.batchPhotos) {
      tasks.push({ name: TASKS, data: { jobId, itemIds: itemIds.slice(start, start + this.settings.batchPhotos) } });
    }
    if (tasks.length > 0) await this.boss.insert(tasks);
  }
}
