import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Provider } from '../db/client.js';
import { log, stackOf } from '../log.js';

export type GroupEventKind =
  | 'JOB_PROGRESS'
  | 'PERSONS_CHANGED'
  | 'PERSONS_CREATED'
  | 'PERSONS_MERGED'
  | 'PERSON_RENAMED'
  | 'PERSONS_REMOVED'
  | 'IMAGES_REMOVED';

const KINDS = new Set<string>([
  'JOB_PROGRESS',
  'PERSONS_CHANGED',
  'PERSONS_CREATED',
  'PERSONS_MERGED',
  'PERSON_RENAMED',
  'PERSONS_REMOVED',
  'IMAGES_REMOVED',
]);

/** Something changed in a group. PERSONS_MERGED: the target first, then the persons merged into it (now gone). */
export interface GroupEventMessage {
  groupId: string;
  kind: GroupEventKind;
  personIds?: string[];
  jobId?: string;
}

/**
 * Tells a group's subscribers what changed in it, in every API process. Publish after the change is committed:
 * subscribers read the new state as soon as they hear of it.
 */
export interface EventBus {
  publish(event: GroupEventMessage): void;
  subscribe(groupId: string, listener: (e: GroupEventMessage) => void): () => void;
  close(): Promise<void>;
}

/**
 * Person ids per event: an event with more is sent as several (PERSONS_MERGED repeats its target in each), so that
 * a NOTIFY payload stays well under PostgreSQL's 8000 bytes (150 UUIDs are about 5900 bytes of JSON).
 */
export const MAX_PERSON_IDS_PER_EVENT = 150;

/** The bus of the database: in this process on SQLite (one process serves it), LISTEN/NOTIFY on PostgreSQL. */
export function createEventBus(provider: Provider, databaseUrl: string): EventBus {
  return provider === 'postgresql' ? new PostgresEventBus(databaseUrl) : new InProcessEventBus();
}

/** Subscribers of this process, by group. */
export class InProcessEventBus implements EventBus {
  private readonly listeners = new Map<string, Set<(e: GroupEventMessage) => void>>();

  publish(event: GroupEventMessage): void {
    for (const part of split(event)) this.deliver(part);
  }

  subscribe(groupId: string, listener: (e: GroupEventMessage) => void): () => void {
    let set = this.listeners.get(groupId);
    if (!set) {
      set = new Set();
      this.listeners.set(groupId, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(groupId) === set) this.listeners.delete(groupId);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }

  /** Hands the event to this process's subscribers of its group; a failing subscriber leaves the others unharmed. */
  protected deliver(event: GroupEventMessage): void {
    const set = this.listeners.get(event.groupId);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(event);
      } catch (error) {
        log.error('an event subscriber failed', { groupId: event.groupId, kind: event.kind, error: stackOf(error) });
      }
    }
  }
}

/** The one channel of every process on a database. */
export const CHANNEL = 'facegroup_group_events';
/** Names the bus's connection in pg_stat_activity. */
export const APPLICATION_NAME = 'facegroup-events';
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 30_000;
/** Events kept while the connection is down, sent once it is back; older ones are dropped past this. */
const MAX_UNSENT = 1000;

/** The wire form: short keys, and the process it came from. */
interface Notification {
  /** origin: the publishing process's bus */
  o: string;
  g: string;
  k: GroupEventKind;
  p?: string[];
  j?: string;
}

/**
 * LISTEN/NOTIFY: one connection per process, opened when first needed, that both listens and notifies (so a
 * process's notifications go out in the order published). A process's own events reach its subscribers directly,
 * once, and are skipped when they come back from PostgreSQL. A lost connection is opened again with backoff;
 * events published meanwhile are sent then, those of other processes meanwhile are missed.
 */
export class PostgresEventBus extends InProcessEventBus {
  private readonly origin = randomUUID();
  /** The connection, open or opening; null while waiting to retry, and after close. */
  private client: pg.Client | null = null;
  /** Whether `client` listens and may notify. */
  private ready = false;
  private closed = false;
  private retryMs = RETRY_MIN_MS;
  private retry: NodeJS.Timeout | null = null;
  private readonly unsent: string[] = [];

  constructor(private readonly connectionString: string) {
    super();
  }

  override publish(event: GroupEventMessage): void {
    if (this.closed) return;
    for (const part of split(event)) {
      this.deliver(part);
      const { groupId: g, kind: k, personIds: p, jobId: j } = part;
      this.notify(JSON.stringify({ o: this.origin, g, k, p, j } satisfies Notification));
    }
  }

  override subscribe(groupId: string, listener: (e: GroupEventMessage) => void): () => void {
    this.connect();
    return super.subscribe(groupId, listener);
  }

  override async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = null;
    await super.close();
    await client?.end().catch(() => undefined);
  }

  private notify(payload: string): void {
    if (!this.client || !this.ready) {
      if (this.unsent.length >= MAX_UNSENT) this.unsent.shift();
      this.unsent.push(payload);
      this.connect();
      return;
    }
    this.client.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch((error) => {
      log.warn('could not send an event to the other processes', { error: stackOf(error) });
    });
  }

  private connect(): void {
    if (this.client || this.closed || this.retry) return;
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: APPLICATION_NAME,
      // A connection that only listens sends nothing: TCP keepalives find it dead within a minute or so.
      keepAlive: true,
      keepAliveInitialDelayMillis: 10_000,
    });
    this.client = client;
    this.ready = false;
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.received(message.payload);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client
      .connect()
      .then(() => client.query(`LISTEN ${CHANNEL}`))
      .then(() => {
        if (this.client !== client) return;
        if (this.retryMs > RETRY_MIN_MS) log.info('event connection restored');
        this.ready = true;
        this.retryMs = RETRY_MIN_MS;
        for (const payload of this.unsent.splice(0)) this.notify(payload);
      })
      .catch((error) => this.lost(client, error));
  }

  /** Drops a failed connection and opens a new one after a backoff. */
  private lost(client: pg.Client, error: unknown): void {
    client.removeAllListeners();
    client.on('error', () => undefined);
    client.end().catch(() => undefined);
    if (this.client !== client) return;
    this.client = null;
    this.ready = false;
    if (this.closed) return;
    log.warn(`event connection lost; opening it again in ${this.retryMs} ms`, { error: error ? stackOf(error) : null });
    this.retry = setTimeout(() => {
      this.retry = null;
      this.connect();
    }, this.retryMs);
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private received(payload: string): void {
    let message: Notification;
    try {
      message = JSON.parse(payload) as Notification;
    } catch {
      log.warn('an event on the channel is not JSON', { payload: payload.slice(0, 200) });
      return;
    }
    if (message.o === this.origin || typeof message.g !== 'string' || !KINDS.has(message.k)) return;
    this.deliver({ groupId: message.g, kind: message.k, personIds: message.p, jobId: message.j });
  }
}

/** The event as events of at most MAX_PERSON_IDS_PER_EVENT person ids each. */
function split(event: GroupEventMessage): GroupEventMessage[] {
  const ids = event.personIds;
  if (!ids || ids.length <= MAX_PERSON_IDS_PER_EVENT) return [event];
  const [head, rest] = event.kind === 'PERSONS_MERGED' ? [ids.slice(0, 1), ids.slice(1)] : [[], ids];
  const size = MAX_PERSON_IDS_PER_EVENT - head.length;
  const parts: GroupEventMessage[] = [];
  for (let start = 0; start < rest.length; start += size) {
    parts.push({ ...event, personIds: [...head, ...rest.slice(start, start + size)] });
  }
  return parts;
}
