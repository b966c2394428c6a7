import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqliteDatabase, type TestDatabase } from './support/databases.js';
import { SUGGESTING_PHOTOS as PHOTOS } from './support/fixtures.js';
import { gql } from './support/graphql.js';
import { devPhotos, type RunningServer, startServer } from './support/server.js';
import { connect, Operation } from './support/subscriptions.js';

/**
 * Grouping as jobs (issue 10): faces join persons after each batch, the job is GROUPING until the full regroup
 * that ends it, and the regroup's merge suggestions respect "different persons" through later regroups.
 */

const SUGGESTIONS =
  'query($g: ID!) { group(id: $g) { mergeSuggestions(first: 50) { a { id faceCount } b { id faceCount } similarity } } }';
const FACES_OF = 'query($p: ID!) { person(id: $p) { faces(first: 500) { nodes { id } } } }';

describe('Grouping as jobs on SQLite', () => {
  let work: string;
  let database: TestDatabase;
  let server: RunningServer;
  let groupId: string;
  let statuses: string[];
  let events: { kind: string; job: { id: string; status: string } | null }[];

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'facegroup-grouping-'));
    const folder = join(work, 'photos');
    await mkdir(folder, { recursive: true });
    for (const photo of PHOTOS) await copyFile(join(devPhotos, photo), join(folder, photo));
    database = await sqliteDatabase();
    server = await startServer({ DATABASE_URL: database.url, DATA_DIR: join(work, 'data'), IMPORT_ROOTS: work });
    groupId = (await gql(server, 'mutation { createGroup(name: "grouping") { id } }')).createGroup.id;
    const { client } = connect(server);
    const groupEvents = new Operation(client, 'subscription($g: ID!) { groupEvents(groupId: $g) { kind job { id status } } }', {
      g: groupId,
    });
    await new Promise((resolve) => setTimeout(resolve, 500)); // subscribed before the job starts
    const { addImagesFromPaths: job } = await gql(
      server,
      'mutation($g: ID!, $p: [String!]!) { addImagesFromPaths(groupId: $g, paths: $p) { id } }',
      { g: groupId, p: [folder] },
    );
    const progress = new Operation(client, 'subscription($j: ID!) { jobProgress(jobId: $j) { status } }', { j: job.id });
    await progress.until((operation) => operation.completed, 'the job done', 180_000);
    statuses = progress.data.map((data) => data.jobProgress.status);
    events = groupEvents.data.map((data) => data.groupEvents);
    groupEvents.unsubscribe();
    await client.dispose();
  });

  afterAll(async () => {
    await server?.stop();
    await database?.drop();
    await rm(work, { recursive: true, force: true });
  });

  it('puts faces in persons after each batch, and ends the job with the full regroup', () => {
    // Persons appear while the job runs: before the job is GROUPING (every photo analysed and grouped).
    const firstGrouping = events.findIndex((event) => event.job?.status === 'GROUPING');
    const firstCreated = events.findIndex((event) => event.kind === 'PERSONS_CREATED');
    expect(firstCreated).toBeGreaterThanOrEqual(0);
    expect(firstCreated).toBeLessThan(firstGrouping);
    expect(statuses.at(-1)).toBe('DONE');
    expect(statuses).toContain('GROUPING');
    expect(statuses.indexOf('GROUPING')).toBeLessThan(statuses.indexOf('DONE'));
  });

  it('suggests persons that are probably one, best first, and keeps two persons said to be different apart', async () => {
    const suggestions = (await gql(server, SUGGESTIONS, { g: groupId })).group.mergeSuggestions;
    expect(suggestions.length).toBeGreaterThan(0);
    const similarities = suggestions.map((s: { similarity: number }) => s.similarity);
    expect(similarities).toEqual([...similarities].sort((x, y) => y - x));
    for (const { a, b } of suggestions) {
      expect(a.id).not.toBe(b.id);
      expect(a.faceCount).toBeGreaterThanOrEqual(b.faceCount);
    }
    const [{ a, b }] = suggestions;
    const pairOf = (list: { a: { id: string }; b: { id: string } }[]) =>
      list.filter((s) => (s.a.id === a.id && s.b.id === b.id) || (s.a.id === b.id && s.b.id === a.id));
    const facesOf = async (id: string): Promise<string[]> =>
      (await gql(server, FACES_OF, { p: id })).person.faces.nodes.map((face: { id: string }) => face.id);
    const [facesOfA, facesOfB] = [await facesOf(a.id), await facesOf(b.id)];

    const { markDifferentPersons: correction } = await gql(
      server,
      'mutation($a: ID!, $b: ID!) { markDifferentPersons(a: $a, b: $b) { id } }',
      { a: a.id, b: b.id },
    );
    expect(pairOf((await gql(server, SUGGESTIONS, { g: groupId })).group.mergeSuggestions)).toEqual([]);
    // The full regroup keeps their faces apart, and does not suggest them again.
    await gql(server, 'mutation($g: ID!) { regroup(groupId: $g) { id } }', { g: groupId });
    const personOf = async (faceId: string) =>
      (await gql(server, 'query($f: ID!) { face(id: $f) { person { id } } }', { f: faceId })).face.person?.id ?? null;
    const personsOfA = new Set(await Promise.all(facesOfA.map(personOf)));
    const personsOfB = new Set(await Promise.all(facesOfB.map(personOf)));
    expect([...personsOfA].filter((id) => id !== null && personsOfB.has(id))).toEqual([]);
    expect(pairOf((await gql(server, SUGGESTIONS, { g: groupId })).group.mergeSuggestions)).toEqual([]);

    // Undone, the next regroup suggests them again.
    await gql(server, 'mutation($c: ID!) { undoCorrection(id: $c) { id } }', { c: correction.id });
    await gql(server, 'mutation($g: ID!) { regroup(groupId: $g) { id } }', { g: groupId });
    expect(pairOf((await gql(server, SUGGESTIONS, { g: groupId })).group.mergeSuggestions)).toHaveLength(1);
  });
});
