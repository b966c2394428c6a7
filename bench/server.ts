/**
 * pnpm bench --server [--json]
 * Figures of the server, asserting nothing (JSON keys in the README):
 *  - ingest throughput on dev (path import, analysis in the API process) against `pnpm group` on the same photos;
 *  - a small query's p50/p99 while idle and while a dev ingest runs (before the throughput's, into another group);
 *  - the cost of adding one batch of photos to a group of 1,000 faces and to one of 50,000 (synthetic faces seeded),
 *    until its faces are in persons (the median of 3 batches), and the full regroup of each group;
 *  - on PostgreSQL, ingest throughput with 1 and with 2 `pnpm worker` processes (1 thread each; the API analyses nothing).
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { l2Normalise, listPhotos } from '@facegroup/core';
import { openDatabase } from '../packages/server/src/db/client.js';
import { encodeEmbedding } from '../packages/server/src/repositories/face.repository.js';
import { postgresDatabase } from '../test/support/databases.js';
import { checkoutRoot, devPhotos } from '../test/support/fixtures.js';
import { gql, waitForGroupJobs, waitForJob } from '../test/support/graphql.js';
import { startServer, type RunningServer } from '../test/support/server.js';
import { gaussian, seededRandom } from '../test/support/random.js';

const json = process.argv.includes('--json');
const say = (line: string) => {
  if (!json) process.stdout.write(`${line}\n`);
};
const photos = await listPhotos(devPhotos);
const work = await mkdtemp(join(tmpdir(), 'facegroup-bench-server-'));
const roots = resolve(devPhotos, '..');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
};

/** Times the small query `count` times, one after another; returns p50 and p99 in ms. */
async function latency(server: RunningServer, groupId: string, until: () => boolean, count = 200) {
  const times: number[] = [];
  while (times.length < count && !until()) {
    const start = performance.now();
    await gql(server, 'query($g: ID!) { group(id: $g) { counts { faces persons } } }', { g: groupId });
    times.push(performance.now() - start);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples: times.length };
}

async function ingest(server: RunningServer, groupId: string, paths: string[], { grouped = false } = {}): Promise<number> {
  const start = performance.now();
  const { addImagesFromPaths: job } = await gql(
    server,
    'mutation($g: ID!, $p: [String!]!) { addImagesFromPaths(groupId: $g, paths: $p) { id } }',
    {
      g: groupId,
      p: paths,
    },
  );
  await waitForJob(server, job.id, { timeoutMs: 1_800_000, pollMs: 100, grouped });
  return (performance.now() - start) / 1000;
}

const createGroup = async (server: RunningServer, name: string) =>
  (await gql(server, 'mutation($n: String!) { createGroup(name: $n) { id } }', { n: name })).createGroup.id as string;

// 1 and 2. SQLite, analysis in the API process: latency idle, then during a dev ingest, and the ingest's throughput.
const sqliteEnv = {
  DATABASE_URL: `file:${join(work, 'sqlite', 'facegroup.db')}`,
  DATA_DIR: join(work, 'sqlite'),
  IMPORT_ROOTS: roots,
  ADD_REQUESTS_PER_MINUTE: '1000',
};
let server = await startServer(sqliteEnv);
const probed = await createGroup(server, 'dev, probed');
await latency(server, probed, () => false, 20); // the first queries compile what later ones reuse
const idle = await latency(server, probed, () => false);
// Latency during one ingest, then throughput alone during a second: the queries take CPU the ingest would have,
// and the first ingest of a fresh server runs its first batches cold (0.8× where the second gives 0.9×).
let ingesting = true;
const during = latency(server, probed, () => !ingesting, 100_000);
const probedSeconds = await ingest(server, probed, [devPhotos]);
ingesting = false;
const duringIngest = await during;
const groupId = await createGroup(server, 'dev');
const serverSeconds = await ingest(server, groupId, [devPhotos]);
const groupStart = performance.now();
// Not execFileSync: a bench blocked that long finds its pooled connections to the server closed.
await promisify(execFile)(
  process.execPath,
  ['--import', 'tsx', 'packages/cli/src/group.ts', devPhotos, '--out', join(work, 'group.json')],
  {
    cwd: checkoutRoot,
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  },
);
const groupSeconds = (performance.now() - groupStart) / 1000;
const ingestFigures = {
  photos: photos.length,
  serverPhotosPerSecond: photos.length / serverSeconds,
  pnpmGroupPhotosPerSecond: photos.length / groupSeconds,
  ratio: groupSeconds / serverSeconds,
  serverPhotosPerSecondWhileQueried: photos.length / probedSeconds,
};
say(
  `ingest of ${photos.length} dev photos: server ${ingestFigures.serverPhotosPerSecond.toFixed(2)} photos/s, pnpm group ` +
    `${ingestFigures.pnpmGroupPhotosPerSecond.toFixed(2)} photos/s (server/group ${ingestFigures.ratio.toFixed(2)}×; pnpm group includes loading the models)`,
);
say(
  `small query (counts): idle p50 ${idle.p50.toFixed(1)} ms, p99 ${idle.p99.toFixed(1)} ms; during a dev ingest p50 ` +
    `${duringIngest.p50.toFixed(1)} ms, p99 ${duringIngest.p99.toFixed(1)} ms (${duringIngest.samples} samples; that ingest ` +
    `${ingestFigures.serverPhotosPerSecondWhileQueried.toFixed(2)} photos/s)`,
);

// 3. One batch added to a group of 1,000 and of 50,000 faces: synthetic persons of 20 faces (a random direction
// plus noise, as alike as a real person's faces), one face per photo, grouped by a full regroup first.
async function seedFaces(databaseUrl: string, groupId: string, count: number): Promise<void> {
  const { db } = await openDatabase(databaseUrl);
  const gauss = gaussian(seededRandom(count));
  const quality = JSON.stringify({ size: 100, alignmentError: 0.05, sharpness: 100, embeddingNorm: 20 });
  const landmarks = JSON.stringify([
    [1, 1],
    [2, 1],
    [1.5, 1.5],
    [1, 2],
    [2, 2],
  ]);
  // As long as the embedder's, read from the faces the dev ingest stored.
  const { embedding: sample } = await db.face.findFirstOrThrow({ select: { embedding: true } });
  const dimensions = sample.byteLength / 4;
  let centre: Float32Array = new Float32Array(dimensions);
  for (let start = 0; start < count; start += 1000) {
    const images = Array.from({ length: Math.min(1000, count - start) }, () => ({
      id: randomUUID(),
      groupId,
      sourceKind: 'UPLOAD',
      location: 'synthetic',
      key: `synthetic/${randomUUID()}.jpg`,
      contentHash: randomUUID().replaceAll('-', '').padEnd(64, '0'),
      size: 1,
      status: 'ANALYSED',
    }));
    await db.image.createMany({ data: images });
    await db.face.createMany({
      data: images.map((image, i) => {
        if ((start + i) % 20 === 0) centre = l2Normalise(Float32Array.from({ length: dimensions }, gauss));
        const embedding = l2Normalise(Float32Array.from(centre, (c) => c + (0.7 / Math.sqrt(dimensions)) * gauss()));
        return {
          groupId,
          imageId: image.id,
          index: 0,
          x1: 0,
          y1: 0,
          x2: 100,
          y2: 100,
          score: 0.99,
          landmarks,
          embedding: encodeEmbedding(embedding),
          quality,
        };
      }),
    });
  }
  await db.$disconnect();
}
async function checkpoint(databaseUrl: string): Promise<void> {
  const { db } = await openDatabase(databaseUrl);
  await db.$queryRawUnsafe('PRAGMA wal_checkpoint(TRUNCATE)');
  await db.$disconnect();
}
/** Batches of 8 dev photos; each size of group gets the same ones, one after another. */
const batches = [0, 1, 2].map((b) => photos.slice(8 * b, 8 * b + 8).map((photo) => photo.path));
const batchCost: Record<string, number> = {};
const regroupSeconds: Record<string, number> = {};
for (const faces of [1_000, 50_000]) {
  const seeded = await createGroup(server, `seeded ${faces}`);
  await seedFaces(sqliteEnv.DATABASE_URL, seeded, faces);
  const regroupStart = performance.now();
  await gql(server, 'mutation($g: ID!) { regroup(groupId: $g) { id } }', { g: seeded });
  regroupSeconds[faces] = (performance.now() - regroupStart) / 1000;
  // The seeding's write-ahead log (hundreds of MB at 50,000 faces) is copied into the database now, not by the batch.
  await checkpoint(sqliteEnv.DATABASE_URL);
  // Until the batch's faces are in persons (the job is GROUPING); the full regroup that follows is its own job,
  // waited for before the next batch. The median of 3 batches: one alone varies by a second on a busy machine.
  const seconds: number[] = [];
  for (const batch of batches) {
    seconds.push(await ingest(server, seeded, batch, { grouped: true }));
    await waitForGroupJobs(server, seeded, { timeoutMs: 1_800_000 });
  }
  batchCost[faces] = percentile(seconds, 50);
  say(
    `one batch of 8 photos added to a group of ${faces} faces: ${batchCost[faces].toFixed(2)} s, the median of ` +
      `${seconds.map((s) => s.toFixed(2)).join(', ')} (a full regroup of the group: ${regroupSeconds[faces].toFixed(2)} s)`,
  );
}
await server.stop();

// 4. PostgreSQL: an API that analyses nothing, and 1 or 2 workers of 1 thread each.
const startPostgres = () => execFileSync('bash', [join(checkoutRoot, 'test', 'start-postgres.sh')], { encoding: 'utf8' }).trim();
process.env.TEST_POSTGRES_URL ??= startPostgres();
const workerThroughput: Record<string, number> = {};
for (const count of [1, 2]) {
  const database = await postgresDatabase();
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: join(work, `pg-${count}`),
    IMPORT_ROOTS: roots,
    FACE_THREADS: '1',
    ADD_REQUESTS_PER_MINUTE: '1000',
  };
  server = await startServer({ ...env, WORKERS: '0' });
  const workers: ChildProcess[] = [];
  for (let i = 0; i < count; i++) {
    const worker = spawn(process.execPath, ['--import', 'tsx', 'packages/server/src/worker.ts'], {
      cwd: checkoutRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    await new Promise<void>((ready) =>
      worker.stderr!.on('data', (chunk: Buffer) => chunk.toString().includes('worker analysing') && ready()),
    );
    workers.push(worker);
  }
  const seconds = await ingest(server, await createGroup(server, 'dev'), [devPhotos]);
  workerThroughput[count] = photos.length / seconds;
  say(`PostgreSQL, ${count} worker${count === 1 ? '' : 's'} of 1 thread: ${workerThroughput[count].toFixed(2)} photos/s`);
  for (const worker of workers) worker.kill('SIGTERM');
  await server.stop();
  await database.drop();
}
await rm(work, { recursive: true, force: true });

if (json) {
  process.stdout.write(
    `${JSON.stringify({
      ingest: ingestFigures,
      smallQueryMs: { idle, duringIngest },
      batchSecondsByGroupFaces: batchCost,
      regroupSecondsByGroupFaces: regroupSeconds,
      postgresPhotosPerSecondByWorkers: workerThroughput,
    })}\n`,
  );
}
