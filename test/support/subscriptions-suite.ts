import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from 'graphql-ws';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from './databases.js';
import { type Api, gql, gqlError, waitForJob } from './graphql.js';
import { devPhoto } from './fixtures.js';
import { apikey, createApiKey, devPhotos, startServer, type RunningServer } from './server.js';
import { connect, Operation } from './subscriptions.js';

/** Mel Gibson three times and Joe Biden: two persons at least. */
const PHOTOS = ['jpd_0d54927c.jpg', 'jpd_10a0ff5e.jpg', 'jpd_1b0247e1.jpg', 'afr_1911e47a.jpg'];

const GROUP_EVENTS = `subscription($g: ID!) { groupEvents(groupId: $g) {
  kind personIds job { id status } group { id persons(first: 20) { nodes { id name } } }
} }`;
const JOB_PROGRESS = 'subscription($j: ID!) { jobProgress(jobId: $j) { id status total analysed pending group { id } } }';
const CREATE_GROUP = 'mutation($n: String!) { createGroup(name: $n) { id } }';
const ADD_PHOTOS = 'mutation($g: ID!, $p: [String!]!) { addImagesFromPaths(groupId: $g, paths: $p) { id } }';
const RENAME = 'mutation($p: ID!, $n: String) { renamePerson(personId: $p, name: $n) { id name } }';

type GroupEvent = { kind: string; personIds: string[]; job: { id: string; status: string } | null; group: any };
const eventsOf = (operation: Operation) => operation.data.map((data) => data.groupEvents as GroupEvent);

/**
 * Runs `trigger` until the subscription emits what `seen` looks for: the subscription is in place some time after it
 * is sent (graphql-ws acknowledges no subscription), so the first trigger may come before it.
 */
async function untilSeen(operation: Operation, trigger: () => Promise<unknown>, seen: () => boolean, what: string) {
  for (let attempt = 0; attempt < 20 && !seen(); attempt++) {
    await trigger();
    await operation.until(seen, what, 3000).catch(() => undefined);
  }
  expect(seen(), `${what}: ${JSON.stringify(operation.results)}`).toBe(true);
}

/**
 * Subscriptions end to end over a real graphql-ws client: connections refused without a key, the HTTP limits and
 * NOT_FOUND as for queries, job progress during a real ingest, events of corrections and erasure made over HTTP;
 * with `crossProcess`, a second API process on the same database hears the first one's events.
 */
export function subscriptionsSuite(name: string, database: () => Promise<TestDatabase>, { crossProcess = false } = {}) {
  describe(name, () => {
    let work: string;
    let db: TestDatabase;
    let server: RunningServer;
    let other: Api;
    let groupId: string;
    let jobId: string;
    const clients: Client[] = [];
    const env = () => ({ DATABASE_URL: db.url, DATA_DIR: join(work, 'data'), IMPORT_ROOTS: devPhotos });
    const open = (api: Api, params?: Record<string, unknown>) => {
      const connection = connect(api, params);
      clients.push(connection.client);
      return connection;
    };
    const persons = async () =>
      (await gql(server, 'query($g: ID!) { group(id: $g) { persons(first: 20) { nodes { id name } } } }', { g: groupId })).group
        .persons.nodes as { id: string; name: string | null }[];

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'facegroup-subscriptions-'));
      db = await database();
      server = await startServer(env());
      other = { url: server.url, key: await createApiKey(env(), 'other') };
    });

    afterAll(async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await server?.stop();
      await db?.drop();
      await rm(work, { recursive: true, force: true });
    });

    it('refuses a connection without a valid API key (4401), operations once its key is revoked, and subscriptions over HTTP', async () => {
      for (const params of [{}, { authorization: 'Bearer not-a-key' }, { authorization: `Bearer ${server.key}x` }]) {
        expect((await open(server, params).closed).code).toBe(4401);
      }
      // A key revoked while its connection is open starts nothing more on it.
      const key = await createApiKey(env(), 'revoked');
      const { client } = open({ url: server.url, key });
      const before = new Operation(client, GROUP_EVENTS, { g: 'x' });
      await before.ended();
      expect(before.errors[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
      const id = (await apikey(env(), 'list'))
        .split('\n')
        .find((line) => line.split('\t')[1] === 'revoked')!
        .split('\t')[0];
      await apikey(env(), 'revoke', id);
      const after = new Operation(client, GROUP_EVENTS, { g: 'x' });
      await after.ended();
      expect(after.errors[0]).toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

      const overHttp = await gqlError(server, 'subscription { groupEvents(groupId: "x") { kind } }');
      expect(overHttp).toMatchObject({ code: 'GRAPHQL_VALIDATION_FAILED', message: expect.stringContaining('WebSocket') });
    });

    it('validates within the HTTP limits, and caps the operations of a connection', async () => {
      const { id } = (await gql(server, CREATE_GROUP, { n: 'limits' })).createGroup;
      const { client } = open(server);
      const aliases = Array.from({ length: 40 }, (_, i) => `a${i}: kind`).join(' ');
      const tooMany = new Operation(client, `subscription($g: ID!) { groupEvents(groupId: $g) { ${aliases} } }`, { g: id });
      await tooMany.ended();
      expect(tooMany.errors[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
      const unknown = new Operation(client, 'subscription { nothing }');
      await unknown.ended();
      expect(unknown.errors[0]).toMatchObject({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });

      // A message over MAX_REQUEST_BYTES (1 MiB) closes the connection (1009, message too big).
      const big = open(server);
      new Operation(big.client, `subscription { groupEvents(groupId: "${'x'.repeat(1_100_000)}") { kind } }`);
      expect((await big.closed).code).toBe(1009);

      const open20 = Array.from({ length: 20 }, () => new Operation(client, GROUP_EVENTS, { g: id }));
      // The twenty are in place once a query behind them is answered (they are taken in order).
      await new Promise((resolve) => setTimeout(resolve, 500));
      const extra = new Operation(client, GROUP_EVENTS, { g: id });
      await extra.ended();
      expect(extra.errors[0]).toMatchObject({ extensions: { code: 'LIMIT_EXCEEDED' } });
      for (const operation of open20) {
        expect(operation.completed || operation.error !== null).toBe(false);
        operation.unsubscribe();
      }
    });

    it('emits the job as photos are analysed until it is DONE, and JOB_PROGRESS events of the group', async () => {
      groupId = (await gql(server, CREATE_GROUP, { n: 'album' })).createGroup.id;
      const { client } = open(server);
      const events = new Operation(client, GROUP_EVENTS, { g: groupId });
      await new Promise((resolve) => setTimeout(resolve, 500));
      jobId = (await gql(server, ADD_PHOTOS, { g: groupId, p: PHOTOS.map(devPhoto) })).addImagesFromPaths.id;
      const progress = new Operation(client, JOB_PROGRESS, { j: jobId });
      await progress.ended(180_000);
      await waitForJob(server, jobId);

      expect(progress.completed).toBe(true);
      const jobs = progress.data.map((data) => data.jobProgress);
      expect(jobs.at(-1)).toMatchObject({ id: jobId, status: 'DONE', total: PHOTOS.length, pending: 0, group: { id: groupId } });
      expect(jobs.slice(0, -1).every((job) => job.status !== 'DONE')).toBe(true);
      for (let i = 1; i < jobs.length; i++) expect(jobs[i].analysed).toBeGreaterThanOrEqual(jobs[i - 1].analysed);
      // A subscription to a finished job emits it once and completes.
      const finished = new Operation(client, JOB_PROGRESS, { j: jobId });
      await finished.ended();
      expect(finished.data.map((data) => data.jobProgress.status)).toEqual(['DONE']);

      // Published by the analysis (the lead's part): progress events of this job, the last one DONE.
      await events.until(
        (o) => eventsOf(o).some((e) => e.kind === 'JOB_PROGRESS' && e.job?.id === jobId && e.job.status === 'DONE'),
        'a JOB_PROGRESS event of the DONE job',
        30_000,
      );
      for (const event of eventsOf(events).filter((e) => e.kind === 'JOB_PROGRESS')) {
        expect(event).toMatchObject({ job: { id: jobId }, group: { id: groupId } });
      }
    });

    it("answers NOT_FOUND for another owner's or an unknown group or job, as queries do", async () => {
      const { client } = open(other);
      const unknownId = '00000000-0000-4000-8000-000000000000';
      const cases = [
        { subscription: GROUP_EVENTS, query: 'query($g: ID!) { group(id: $g) { id } }', variables: { g: groupId } },
        { subscription: GROUP_EVENTS, query: 'query($g: ID!) { group(id: $g) { id } }', variables: { g: unknownId } },
        { subscription: JOB_PROGRESS, query: 'query($j: ID!) { job(id: $j) { id } }', variables: { j: jobId } },
        { subscription: JOB_PROGRESS, query: 'query($j: ID!) { job(id: $j) { id } }', variables: { j: 'not-an-id' } },
      ];
      for (const { subscription, query, variables } of cases) {
        const asQuery = await gqlError(other, query, variables);
        expect(asQuery.code).toBe('NOT_FOUND');
        const operation = new Operation(client, subscription, variables);
        await operation.ended();
        expect(operation.data.every((data) => data === null || data === undefined)).toBe(true);
        expect(operation.errors).toMatchObject([{ message: asQuery.message, extensions: { code: 'NOT_FOUND' } }]);
      }
    });

    it('tells the group of renames and merges made over HTTP, once each, with what they changed', async () => {
      const [a, b] = await persons();
      expect(b, 'two persons at least').toBeDefined();
      const events = new Operation(open(server).client, GROUP_EVENTS, { g: groupId });
      const renamed = (id: string) => eventsOf(events).filter((e) => e.kind === 'PERSON_RENAMED' && e.personIds[0] === id);
      await untilSeen(
        events,
        () => gql(server, RENAME, { p: a.id, n: 'Ann' }),
        () => renamed(a.id).length > 0,
        'PERSON_RENAMED',
      );
      // Once in place: one event for one rename, its group read anew.
      const before = events.results.length;
      await gql(server, RENAME, { p: a.id, n: 'Bea' });
      await events.until(
        (o) =>
          eventsOf(o)
            .slice(before)
            .some((e) => e.kind === 'PERSON_RENAMED'),
        'the second PERSON_RENAMED',
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      // (Regrouping after corrections may add events of its own.)
      const second = eventsOf(events)
        .slice(before)
        .filter((e) => e.kind === 'PERSON_RENAMED');
      expect(second).toMatchObject([{ kind: 'PERSON_RENAMED', personIds: [a.id], job: null }]);
      expect(second[0].group.persons.nodes.find((p: any) => p.id === a.id)?.name).toBe('Bea');

      const merged = await gql(
        server,
        'mutation($t: ID!, $s: [ID!]!) { mergePersons(targetId: $t, sourceIds: $s) { person { id } } }',
        {
          t: a.id,
          s: [b.id],
        },
      );
      expect(merged.mergePersons.person.id).toBe(a.id);
      await events.until((o) => eventsOf(o).some((e) => e.kind === 'PERSONS_MERGED'), 'PERSONS_MERGED');
      const merge = eventsOf(events).find((e) => e.kind === 'PERSONS_MERGED')!;
      expect(merge.personIds).toEqual([a.id, b.id]);
      expect(merge.group.persons.nodes.map((p: any) => p.id)).not.toContain(b.id);
    });

    if (crossProcess) {
      it('delivers the events of one API process to subscribers of another on the same database, across a lost connection', async () => {
        const second = await startServer({ ...env(), WORKERS: '0' });
        try {
          const [person] = await persons();
          const events = new Operation(open(second).client, GROUP_EVENTS, { g: groupId });
          let name = 0;
          const renamedOnFirst = () => gql(server, RENAME, { p: person.id, n: `Cy ${++name}` });
          const heard = (from: number) => () =>
            eventsOf(events)
              .slice(from)
              .some((e) => e.kind === 'PERSON_RENAMED' && e.personIds[0] === person.id);
          await untilSeen(events, renamedOnFirst, heard(0), 'a rename on the first process, heard on the second');

          // Both processes lose their event connection; they open it again, and events flow as before.
          const admin = new pg.Client({ connectionString: db.url });
          await admin.connect();
          try {
            const { rowCount } = await admin.query(
              `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
               WHERE application_name = 'facegroup-events' AND datname = current_database()`,
            );
            expect(rowCount).toBe(2);
          } finally {
            await admin.end();
          }
          const after = events.results.length;
          await untilSeen(events, renamedOnFirst, heard(after), 'a rename after the connections were lost');
          expect(second.log()).toContain('event connection lost');
        } finally {
          await second.stop();
        }
      });
    }

    it('tells of persons forgotten and photos deleted, and ends when the group is deleted', async () => {
      const events = new Operation(open(server).client, GROUP_EVENTS, { g: groupId });
      const [person] = await persons();
      await untilSeen(
        events,
        () => gql(server, RENAME, { p: person.id, n: 'Dee' }),
        () => eventsOf(events).length > 0,
        'the subscription in place',
      );
      await gql(server, 'mutation($p: ID!) { forgetPerson(id: $p) { personId } }', { p: person.id });
      await events.until((o) => eventsOf(o).some((e) => e.kind === 'PERSONS_REMOVED'), 'PERSONS_REMOVED');
      expect(eventsOf(events).find((e) => e.kind === 'PERSONS_REMOVED')?.personIds).toEqual([person.id]);

      const { group } = await gql(server, 'query($g: ID!) { group(id: $g) { images(first: 1) { nodes { id } } } }', {
        g: groupId,
      });
      await gql(server, 'mutation($i: [ID!]!) { deleteImages(ids: $i) { imageIds } }', { i: [group.images.nodes[0].id] });
      await events.until((o) => eventsOf(o).some((e) => e.kind === 'IMAGES_REMOVED'), 'IMAGES_REMOVED');

      await gql(server, 'mutation($g: ID!) { deleteGroup(id: $g) }', { g: groupId });
      await events.ended();
      expect(events.completed).toBe(true);
      expect(events.error).toBe(null);
    });
  });
}
