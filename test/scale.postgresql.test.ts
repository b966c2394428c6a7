import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresDatabase, postgresServerUrl, type TestDatabase } from './support/databases.js';
import { gql } from './support/graphql.js';
import { devPhotos, repoRoot, startServer, type RunningServer } from './support/server.js';

const scorer = resolve(repoRoot, '..', 'shared', 'eval', 'score.mjs');
const labels = join(devPhotos, '..', 'labels.json');

/** A `pnpm worker` process, and everything it wrote to stderr. */
function startWorker(env: Record<string, string>): Promise<{ process: ChildProcess; log: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/worker.ts'], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  return new Promise((resolvePromise, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('worker analysing queued photos')) resolvePromise({ process: child, log: () => output });
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}:\n${output}`)));
  });
}

const suite = postgresServerUrl ? describe : describe.skip;

/**
 * Scale-out end to end: an API that analyses nothing (WORKERS=0) and two `pnpm worker` processes on one
 * PostgreSQL; one worker is killed with SIGKILL in the middle of the dev set. The job still finishes, every photo
 * is analysed exactly once, and the persons score as grouping all at once does.
 */
suite('Scale-out on PostgreSQL: API with WORKERS=0, two workers, one killed', () => {
  let work: string;
  let db: TestDatabase;
  let api: RunningServer;
  const workers: ChildProcess[] = [];

  const env = () => ({
    DATABASE_URL: db.url,
    DATA_DIR: join(work, 'data'),
    IMPORT_ROOTS: resolve(devPhotos, '..'),
    FACE_THREADS: '1',
    // A killed worker's task goes to the other after its lease, soon in a test.
    ANALYSIS_LEASE_SECONDS: '15',
    // Reading every person's photos at once, for the scorer.
    GRAPHQL_MAX_COST: '1000000',
  });

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'facegroup-scale-'));
    db = await postgresDatabase();
    api = await startServer({ ...env(), WORKERS: '0' });
    for (let i = 0; i < 2; i++) workers.push((await startWorker(env())).process);
  });

  afterAll(async () => {
    for (const worker of workers) worker.kill('SIGKILL');
    await api?.stop();
    await db?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('finishes the job with every photo analysed once, and the persons score F ≥ 0.97', async () => {
    expect(await (await fetch(`${api.url}/readyz`)).json()).toEqual({ database: true, models: true });
    const groupId = (await gql(api, 'mutation { createGroup(name: "dev") { id } }')).createGroup.id;
    const { addImagesFromPaths: job } = await gql(
      api,
      'mutation($g: ID!, $p: [String!]!) { addImagesFromPaths(groupId: $g, paths: $p) { id total } }',
      {
        g: groupId,
        p: [devPhotos],
      },
    );
    const progress = async () =>
      (await gql(api, 'query($j: ID!) { job(id: $j) { status total analysed duplicates failed pending } }', { j: job.id })).job;

    // Kill one worker with SIGKILL once a fifth of the photos are done: its task in progress is lost with it.
    const deadline = Date.now() + 600_000;
    while ((await progress()).analysed < job.total / 5) {
      expect(Date.now()).toBeLessThan(deadline);
      await new Promise((done) => setTimeout(done, 200));
    }
    workers[0].kill('SIGKILL');
    let state = await progress();
    while (state.status !== 'DONE') {
      expect(Date.now(), JSON.stringify(state)).toBeLessThan(deadline);
      await new Promise((done) => setTimeout(done, 500));
      state = await progress();
    }
    expect(state).toMatchObject({ failed: 0, pending: 0 });
    expect(state.analysed + state.duplicates).toBe(job.total);

    // Exactly once: one image per distinct photo, each analysed, no face stored twice.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const count = async (sql: string) => Number((await client.query(sql)).rows[0].count);
      expect(await count(`SELECT COUNT(*) FROM images WHERE status = 'ANALYSED'`)).toBe(state.analysed);
      expect(await count(`SELECT COUNT(*) FROM images`)).toBe(state.analysed);
      expect(
        await count(`SELECT COUNT(*) FROM (SELECT "imageId", "index" FROM faces GROUP BY 1, 2 HAVING COUNT(*) > 1) AS twice`),
      ).toBe(0);
    } finally {
      await client.end();
    }

    // The persons as the scorer reads them.
    const { group } = await gql(
      api,
      'query($g: ID!) { group(id: $g) { persons(first: 500) { nodes { id images(first: 500) { nodes { key } } } } } }',
      {
        g: groupId,
      },
    );
    const prediction = {
      persons: group.persons.nodes.map((person: { id: string; images: { nodes: { key: string }[] } }) => ({
        id: person.id,
        photos: person.images.nodes.map((image) => image.key),
      })),
    };
    const predictionFile = join(work, 'persons.json');
    await writeFile(predictionFile, JSON.stringify(prediction));
    const { stdout } = await promisify(execFile)(process.execPath, [
      scorer,
      '--labels',
      labels,
      '--pred',
      predictionFile,
      '--json',
    ]);
    const score = JSON.parse(stdout);
    expect(score.pairwise.f1).toBeGreaterThanOrEqual(0.97);
    expect(score.bcubed.f1).toBeGreaterThanOrEqual(0.97);
    console.log(
      `scale-out on PostgreSQL: ${JSON.stringify({ ...state, pairwiseF: score.pairwise.f1, bcubedF: score.bcubed.f1 })}`,
    );
  }, 900_000);
});
