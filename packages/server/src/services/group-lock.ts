/**
 * Serialises the writes that reassign a group's faces (regrouping, corrections) within this process, so a
 * regroup never interleaves with a correction. The server is one process per database.
 */
export class GroupLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(groupId: string, work: () => Promise<T>): Promise<T> {
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
