import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkoutRoot as repoRoot } from './fixtures.js';

export { devPhotos, checkoutRoot as repoRoot } from './fixtures.js';

const execFileAsync = promisify(execFile);

export interface RunningServer {
  url: string;
  /** The API key of the owner "local", made on the first start in DATA_DIR (with AUTH_DISABLED: none). */
  key: string;
  process: ChildProcess;
  /** Everything the server wrote to stderr, for failure messages. */
  log: () => string;
  /** The V8 inspector's WebSocket URL, when started with `inspect` (see inspector.ts). */
  inspector?: string;
  stop(): Promise<void>;
}

/**
 * Starts the API as `pnpm start` does (tsx packages/server/src/main.ts) on a free port, and waits until it listens.
 * `inspect` opens the V8 inspector on loopback, for tests that measure the server's heap.
 */
export function startServer(
  env: Record<string, string> & { DATA_DIR: string },
  { inspect = false } = {},
): Promise<RunningServer> {
  const flags = inspect ? ['--inspect=127.0.0.1:0'] : [];
  const child = spawn(process.execPath, [...flags, '--import', 'tsx', 'packages/server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...process.env, PORT: '0', ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  let output = '';
  let listening = false;
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 120 s:\n${output}`)), 120_000);
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // Searched until found only: a long-running server logs megabytes, and searching them all on every line
      // held up the tests' own event loop (a second per request in the bench).
      const match = listening ? null : /GraphQL API on (http:\/\/localhost:\d+)\/graphql/.exec(output);
      if (match) {
        listening = true;
        clearTimeout(timer);
        resolvePromise({
          url: match[1],
          key: env.AUTH_DISABLED === 'true' ? '' : readFileSync(join(env.DATA_DIR, 'local-api-key'), 'utf8').trim(),
          process: child,
          log: () => output,
          inspector: /Debugger listening on (ws:\/\/\S+)/.exec(output)?.[1],
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before listening:\n${output}`));
    });
  });
}

/**
 * Runs `pnpm apikey <args>` as a person would, and returns what it printed on stdout. Asynchronously: a test
 * blocked for seconds would find its pooled connections to the server closed meanwhile.
 */
export async function apikey(env: { DATABASE_URL: string; DATA_DIR: string }, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', 'packages/server/src/apikey.ts', ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return stdout.trim();
}

/** A new API key for an owner: `pnpm -s apikey create <owner>`. */
export const createApiKey = (env: { DATABASE_URL: string; DATA_DIR: string }, owner: string) => apikey(env, 'create', owner);
