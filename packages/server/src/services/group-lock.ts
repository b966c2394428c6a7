import type { Db, Provider, Tx } from '../db/client.js';

/**
 * Serialises the writes that reassign a group's faces (regrouping, corrections, erasure): in this process by a
 * queue per group, and across processes on PostgreSQL by a transaction-scoped advisory lock on the group (SQLite
 * serves one process, and its transactions are serial anyway).
 */
export class GroupLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Db,
    private readonly provider: Provider,
  ) {}

  /** Runs the work in one transaction that holds the group's lock. */
  transaction<T>(groupId: string, work: (tx: Tx) => Promise<T>, options?: { timeout: number }): Promise<T> {
    return this.run(groupId, () =>
      this.db.$transaction(async (tx) => {
        if (this.provider === 'postgresql') await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${groupId}))`;
        return work(tx);
      }, options),
    );
  }

  private run<T>(groupId: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(groupId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.tails.set(groupId, next);
    const cleanup = () => {
      if (this.tails.get(groupId) === next) this.tails.delete(groupId);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}
