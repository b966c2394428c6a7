import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { Group, Job } from '../db/generated/sqlite/client.js';
import { AppError } from '../errors.js';
import type { GroupEventKind, GroupEventMessage } from '../events/event-bus.js';
import { createLoaders } from './loaders.js';
import type { Context } from './resolvers.js';

/** Events a subscriber may fall behind by before its subscription ends (LIMIT_EXCEEDED). */
const MAX_QUEUED_EVENTS = 1000;
/** A job is read again this often even with no event, so a missed event (a lost connection) delays its end only. */
const JOB_POLL_MS = 15_000;

/** What `groupEvents` emits, read when the event is taken. */
interface GroupEventPayload {
  kind: GroupEventKind;
  group: Group;
  personIds: string[];
  job: Job | null;
}

/**
 * Root of each emitted result: every event is resolved with loaders of its own, so nothing below it is read from
 * what an earlier event's loaders cached.
 */
function fresh(ctx: Context): void {
  ctx.loaders = createLoaders(ctx.services.queries.read);
  ctx.pictureGroups = new Map();
}

export const subscriptionResolvers = {
  Subscription: {
    jobProgress: {
      subscribe: async (_: unknown, { jobId }: { jobId: string }, { services, owner }: Context) => {
        const { groupId } = await services.queries.job(owner, jobId);
        const stream: EventStream<null, Job> = new EventStream(
          async () => {
            const job = await services.queries.read.ownedJob(owner, jobId);
            if (!job) return END;
            if (job.status === 'DONE') stream.endAfterThis();
            return job;
          },
          // Every event says the same: read the job again.
          () => true,
        );
        const unsubscribe = services.events.subscribe(groupId, (event) => {
          if (event.kind === 'JOB_PROGRESS' ? (event.jobId ?? jobId) === jobId : event.kind === 'IMAGES_REMOVED')
            stream.push(null);
        });
        const poll = setInterval(() => stream.push(null), JOB_POLL_MS);
        stream.onEnd(() => {
          unsubscribe();
          clearInterval(poll);
        });
        // The job as it is now, read after subscribing so that no change in between is missed.
        stream.push(null);
        return stream;
      },
      resolve: (job: Job, _: unknown, ctx: Context) => {
        fresh(ctx);
        return job;
      },
    },

    groupEvents: {
      subscribe: async (_: unknown, { groupId }: { groupId: string }, { services, owner }: Context) => {
        await services.queries.group(owner, groupId);
        const stream = new EventStream<GroupEventMessage, GroupEventPayload>(
          async (event) => {
            const group = await services.queries.read.ownedGroup(owner, groupId);
            if (!group) return END;
            const job = event.jobId ? await services.queries.read.ownedJob(owner, event.jobId) : null;
            return { kind: event.kind, group, personIds: event.personIds ?? [], job };
          },
          // A job's progress is read when emitted: one pending event per job is enough.
          (queued, event) => event.kind === 'JOB_PROGRESS' && queued.kind === 'JOB_PROGRESS' && queued.jobId === event.jobId,
        );
        stream.onEnd(services.events.subscribe(groupId, (event) => stream.push(event)));
        return stream;
      },
      resolve: (payload: GroupEventPayload, _: unknown, ctx: Context) => {
        fresh(ctx);
        ctx.loaders.group.prime(payload.group.id, payload.group);
        return payload;
      },
    },
  },
};

/** Subscriptions are served over WebSocket: over HTTP, an operation would run once with no event. */
export const subscriptionsOverWebSocketOnly: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(operation) {
    if (operation.operation !== 'subscription') return;
    context.reportError(
      new GraphQLError('subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP', { nodes: [operation] }),
    );
  },
});

const END = Symbol('end');

/**
 * Events pushed by the bus, taken by graphql-ws one at a time and turned into what is emitted when taken (`read`,
 * which may end the stream). `return()` (the client completed, or the socket closed) ends it at once, even while a
 * take waits; a subscriber that falls MAX_QUEUED_EVENTS behind is ended with LIMIT_EXCEEDED.
 */
class EventStream<In, Out> implements AsyncIterableIterator<Out> {
  private readonly queue: In[] = [];
  private waiting: (() => void) | null = null;
  private ended = false;
  private last = false;
  private failure: AppError | null = null;
  private readonly endListeners: (() => void)[] = [];

  constructor(
    private readonly read: (event: In) => Promise<Out | typeof END>,
    /** Whether an event already queued makes the new one needless. */
    private readonly covers: (queued: In, event: In) => boolean,
  ) {}

  push(event: In): void {
    if (this.ended) return;
    const last = this.queue.at(-1);
    if (last !== undefined && this.covers(last, event)) return;
    if (this.queue.length >= MAX_QUEUED_EVENTS) {
      this.failure = new AppError('LIMIT_EXCEEDED', `the subscriber fell more than ${MAX_QUEUED_EVENTS} events behind`);
      this.end();
      return;
    }
    this.queue.push(event);
    this.wake();
  }

  /** Ends the stream once what is being read now is taken. */
  endAfterThis(): void {
    this.last = true;
  }

  onEnd(listener: () => void): void {
    if (this.ended) listener();
    else this.endListeners.push(listener);
  }

  async next(): Promise<IteratorResult<Out>> {
    while (!this.ended) {
      if (this.last) {
        this.end();
        break;
      }
      const event = this.queue.shift();
      if (event === undefined) {
        await new Promise<void>((resolve) => {
          this.waiting = resolve;
        });
        continue;
      }
      const out = await this.read(event);
      if (this.ended) break;
      if (out === END) {
        this.end();
        break;
      }
      return { value: out, done: false };
    }
    if (this.failure) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
    return { value: undefined, done: true };
  }

  async return(): Promise<IteratorResult<Out>> {
    this.end();
    return { value: undefined, done: true };
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.queue.length = 0;
    for (const listener of this.endListeners.splice(0)) listener();
    this.wake();
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.();
  }
}
