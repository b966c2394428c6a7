import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { Api, GraphQLResponse } from './graphql.js';

/** A graphql-ws client of the API at `/graphql`, with the given connection parameters (the API key by default). */
export function connect(
  api: Api,
  connectionParams: Record<string, unknown> = { authorization: `Bearer ${api.key}` },
): { client: Client; closed: Promise<{ code: number; reason: string }> } {
  let onClosed: (event: { code: number; reason: string }) => void = () => undefined;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    onClosed = resolve;
  });
  const client = createClient({
    url: `${api.url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams,
    lazy: false,
    retryAttempts: 0,
    onNonLazyError: () => undefined,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        onClosed({ code, reason: String(reason) });
      },
    },
  });
  return { client, closed };
}

/** One operation on a connection: what it emitted, how it ended, and waits for what it should emit. */
export class Operation<T = any> {
  readonly results: GraphQLResponse<T>[] = [];
  /** An `error` message (request errors), or the connection's end. */
  error: unknown = null;
  completed = false;
  private readonly waiters = new Set<() => void>();
  readonly unsubscribe: () => void;

  constructor(client: Client, query: string, variables: Record<string, unknown> = {}) {
    this.unsubscribe = client.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          this.results.push(result as GraphQLResponse<T>);
          this.wake();
        },
        error: (error) => {
          this.error = error;
          this.wake();
        },
        complete: () => {
          this.completed = true;
          this.wake();
        },
      },
    );
  }

  /** The data of each result. */
  get data(): T[] {
    return this.results.map((result) => result.data as T);
  }

  /** Waits until `done` holds, failing after `timeoutMs` with what was seen. */
  async until(done: (operation: this) => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this)) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`${what}: not seen in ${timeoutMs} ms; results ${JSON.stringify(this.results)}, error ${this.error}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits until it ends (completed or failed). */
  ended(timeoutMs = 60_000): Promise<void> {
    return this.until((o) => o.completed || o.error !== null, 'the end of the operation', timeoutMs);
  }

  /** The errors it ended with: of its results (GraphQL errors) or of an `error` message. */
  get errors(): { message: string; extensions?: { code?: unknown } }[] {
    const fromResults = this.results.flatMap((result) => result.errors ?? []);
    return Array.isArray(this.error) ? [...fromResults, ...this.error] : fromResults;
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
    this.waiters.clear();
  }
}
