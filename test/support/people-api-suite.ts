import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAST_PHOTO, devPhotos, NO_FACE_PHOTO } from './fixtures.js';
import { type Api, authorization, gql, gqlError, waitForJob } from './graphql.js';
import { createApiKey, type RunningServer, startServer } from './server.js';

/** Mel Gibson (three with an EXIF date), Elon Musk, Barack Obama, the Friends cast (6 faces) and a dated landscape. */
const PHOTOS = [
  'jpd_0d54927c.jpg',
  'jpd_10a0ff5e.jpg',
  'jpd_1b0247e1.jpg',
  'jpd_636e94e0.jpg',
  'jpd_eb9d4d06.jpg',
  'dfc_166ce7a8.jpg',
  'dfc_69551ee2.jpg',
  'afr_6627630a.jpg',
  CAST_PHOTO,
  NO_FACE_PHOTO,
];
/** A photo given another date taken, with a zone, written into a copy. */
const DATED = { from: 'afr_2de116a8.jpg', name: 'obama-dated.jpg', exif: '2021:07:04 09:30:15', offset: '+02:00' };
const DATED_AT = '2021-07-04T07:30:15.000Z';
/** Dates the dev photos' cameras wrote (no zone: read as UTC). */
const CAMERA_DATES: Record<string, string> = {
  'jpd_0d54927c.jpg': '2010-02-04T22:12:50.000Z',
  'jpd_636e94e0.jpg': '2017-02-06T12:09:13.000Z',
  'jpd_eb9d4d06.jpg': '2016-05-21T13:01:06.000Z',
  [NO_FACE_PHOTO]: '2013-01-05T20:04:55.000Z',
};
const ORIGIN = 'https://people.example.com';
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

interface ImageRow {
  id: string;
  key: string;
  takenAt: string | null;
  createdAt: string;
  faceCount: number;
  faces: { id: string; person: { id: string } | null }[];
}
interface PersonRow {
  id: string;
  name: string | null;
  faceCount: number;
  photoCount: number;
  coverFace: { id: string } | null;
}

const IMAGES = `query($g: ID!) { group(id: $g) { images(first: 100) { totalCount nodes {
  id key takenAt createdAt faceCount faces { id person { id } }
} } } }`;
const PERSONS = `query($g: ID!) { group(id: $g) { persons(includeHidden: true, first: 100) { totalCount nodes {
  id name faceCount photoCount coverFace { id }
} } } }`;
const PAGE_INFO = 'pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/**
 * What the People app needs of the API, end to end against a spawned server on real photos: dates and EXIF dates
 * taken, cursor pages, person search and filters, photos of persons together, node lookups, merge and move results,
 * chosen covers, "different persons", picture sizes, CORS and URLs behind a proxy.
 */
export function peopleApiSuite(name: string, database: () => Promise<{ url: string; drop(): Promise<void> }>) {
  describe(name, () => {
    let work: string;
    let databaseUrl: string;
    let dropDatabase: () => Promise<void>;
    let server: RunningServer;
    let other: Api;
    let groupId: string;
    let images: ImageRow[];

    const persons = async (): Promise<PersonRow[]> => (await gql(server, PERSONS, { g: groupId })).group.persons.nodes;
    /** The group's latest correction still standing: the one undo takes next. */
    const latestCorrection = async () =>
      (
        await gql(
          server,
          'query($g: ID!) { group(id: $g) { corrections(first: 50) { nodes { id kind summary undoneAt person { id } } } } }',
          { g: groupId },
        )
      ).group.corrections.nodes.find((correction: { undoneAt: string | null }) => correction.undoneAt === null);
    const undo = (id: string) => gql(server, 'mutation($c: ID!) { undoCorrection(id: $c) { id undoneAt } }', { c: id });
    /** A correction's payload as stored, read from the database. */
    async function storedPayload(correctionId: string): Promise<{ faceIds?: [string[], string[]] }> {
      if (databaseUrl.startsWith('file:')) {
        const db = new Database(databaseUrl.slice('file:'.length), { readonly: true });
        try {
          return JSON.parse(
            (db.prepare('SELECT "payload" FROM "corrections" WHERE "id" = ?').get(correctionId) as { payload: string }).payload,
          );
        } finally {
          db.close();
        }
      }
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return JSON.parse(
          (await client.query('SELECT "payload" FROM "corrections" WHERE "id" = $1', [correctionId])).rows[0].payload,
        );
      } finally {
        await client.end();
      }
    }

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'facegroup-people-'));
      ({ url: databaseUrl, drop: dropDatabase } = await database());
      const folder = join(work, 'photos');
      await mkdir(folder, { recursive: true });
      for (const photo of PHOTOS) await copyFile(join(devPhotos, photo), join(folder, photo));
      await sharp(join(devPhotos, DATED.from))
        .withExifMerge({ IFD2: { DateTimeOriginal: DATED.exif, OffsetTimeOriginal: DATED.offset } })
        .jpeg({ quality: 92 })
        .toFile(join(folder, DATED.name));
      const env = { DATABASE_URL: databaseUrl, DATA_DIR: join(work, 'data') };
      server = await startServer({
        ...env,
        IMPORT_ROOTS: work,
        ALLOWED_ORIGINS: `${ORIGIN}, http://localhost:5173`,
        TRUST_PROXY: 'true',
      });
      other = { url: server.url, key: await createApiKey(env, 'mallory') };
      groupId = (await gql(server, 'mutation { createGroup(name: "people") { id } }')).createGroup.id;
      const job = await gql(server, 'mutation($g: ID!, $p: [String!]!) { addImagesFromPaths(groupId: $g, paths: $p) { id } }', {
        g: groupId,
        p: [folder],
      });
      await waitForJob(server, job.addImagesFromPaths.id);
      images = (await gql(server, IMAGES, { g: groupId })).group.images.nodes;
    });

    afterAll(async () => {
      await server?.stop();
      await dropDatabase?.();
      await rm(work, { recursive: true, force: true });
    });

    const imageOf = (file: string) => images.find((image) => image.key.endsWith(file))!;

    it('serves dates as ISO instants, and when each photo was taken from its EXIF', async () => {
      expect(images).toHaveLength(PHOTOS.length + 1);
      for (const image of images) expect(image.createdAt).toMatch(ISO);
      expect(imageOf(DATED.name).takenAt).toBe(DATED_AT);
      for (const [file, takenAt] of Object.entries(CAMERA_DATES)) expect(imageOf(file).takenAt, file).toBe(takenAt);
      expect(imageOf(CAST_PHOTO).takenAt).toBeNull();
      const { group } = await gql(
        server,
        'query($g: ID!) { group(id: $g) { createdAt jobs { nodes { createdAt startedAt finishedAt } } } }',
        { g: groupId },
      );
      expect(group.createdAt).toMatch(ISO);
      expect(Object.values(group.jobs.nodes[0])).toEqual([
        expect.stringMatching(ISO),
        expect.stringMatching(ISO),
        expect.stringMatching(ISO),
      ]);
    });

    it('counts the faces of each photo', () => {
      for (const image of images) expect(image.faceCount, image.key).toBe(image.faces.length);
      expect(imageOf(CAST_PHOTO).faceCount).toBeGreaterThanOrEqual(6);
      expect(imageOf(NO_FACE_PHOTO).faceCount).toBe(0);
    });

    it('orders photos by date taken (undated last) or by date added, newest first', async () => {
      const order = async (orderBy: string) =>
        (
          await gql(
            server,
            'query($g: ID!, $o: ImageOrder!) { group(id: $g) { images(orderBy: $o) { nodes { id takenAt createdAt } } } }',
            {
              g: groupId,
              o: orderBy,
            },
          )
        ).group.images.nodes as { id: string; takenAt: string | null; createdAt: string }[];
      const taken = await order('TAKEN');
      const dated = taken.filter((image) => image.takenAt !== null);
      expect(dated.length).toBe(Object.keys(CAMERA_DATES).length + 1);
      expect(taken.slice(0, dated.length)).toEqual(dated);
      expect(dated.map((image) => image.takenAt)).toEqual([DATED_AT, ...Object.values(CAMERA_DATES).sort().reverse()]);
      const added = (await order('ADDED')).map((image) => image.createdAt);
      expect(added).toEqual([...added].sort().reverse());
      expect(new Set([...taken.map((i) => i.id)])).toEqual(new Set(images.map((i) => i.id)));
    });

    it('pages through persons, photos and faces with cursors: every item once, in the order of one page', async () => {
      const all = async (field: string, size: number) => {
        const query = `query($g: ID!, $n: Int!, $after: String) { group(id: $g) {
          ${field}(first: $n, after: $after) { totalCount edges { cursor node { id } } nodes { id } ${PAGE_INFO} }
        } }`;
        const seen: string[] = [];
        let after: string | null = null;
        let pages = 0;
        for (;;) {
          const page: any = (await gql(server, query, { g: groupId, n: size, after })).group[field];
          expect(page.nodes).toEqual(page.edges.map((edge: { node: unknown }) => edge.node));
          expect(page.pageInfo.hasPreviousPage).toBe(pages > 0);
          if (page.nodes.length > 0) {
            expect(page.pageInfo.startCursor).toBe(page.edges[0].cursor);
            expect(page.pageInfo.endCursor).toBe(page.edges.at(-1).cursor);
          }
          seen.push(...page.nodes.map((node: { id: string }) => node.id));
          pages++;
          if (!page.pageInfo.hasNextPage) {
            expect(seen.length).toBe(page.totalCount);
            break;
          }
          expect(page.nodes).toHaveLength(size);
          after = page.pageInfo.endCursor;
        }
        const whole = (await gql(server, query, { g: groupId, n: 500, after: null })).group[field];
        expect(seen).toEqual(whole.nodes.map((node: { id: string }) => node.id));
        expect(new Set(seen).size).toBe(seen.length);
        return pages;
      };
      expect(await all('persons', 3)).toBeGreaterThan(2);
      expect(await all('images', 4)).toBe(3);
      expect(await all('unassignedFaces', 1)).toBeGreaterThanOrEqual(1);

      // A person's faces, one at a time.
      const [top] = await persons();
      const faces: string[] = [];
      let after: string | null = null;
      do {
        const { person }: any = await gql(
          server,
          `query($p: ID!, $after: String) { person(id: $p) { faces(first: 1, after: $after) { nodes { id } ${PAGE_INFO} } } }`,
          { p: top.id, after },
        );
        faces.push(...person.faces.nodes.map((face: { id: string }) => face.id));
        after = person.faces.pageInfo.hasNextPage ? person.faces.pageInfo.endCursor : null;
      } while (after);
      expect(faces.length).toBe(top.faceCount);
      expect(new Set(faces).size).toBe(top.faceCount);

      const notCursor = await gqlError(server, 'query($g: ID!) { group(id: $g) { persons(after: "nonsense") { totalCount } } }', {
        g: groupId,
      });
      expect(notCursor.code).toBe('BAD_USER_INPUT');
      const tooMany = await gqlError(server, 'query($g: ID!) { group(id: $g) { images(first: 501) { totalCount } } }', {
        g: groupId,
      });
      expect(tooMany.code).toBe('LIMIT_EXCEEDED');
      const groups = await gql(server, `{ groups(first: 1) { totalCount nodes { id } ${PAGE_INFO} } }`);
      expect(groups.groups).toMatchObject({ totalCount: 1, nodes: [{ id: groupId }], pageInfo: { hasNextPage: false } });
    });

    it('finds persons by a part of their name in any case, by their number of faces, and orders them', async () => {
      const list = await persons();
      const [a, b, c] = list;
      const rename = (id: string, name: string) =>
        gql(server, 'mutation($p: ID!, $n: String) { renamePerson(personId: $p, name: $n) { id } }', { p: id, n: name });
      // Names whose order is the same in every collation (SQLite's bytes, PostgreSQL's locale).
      await rename(a.id, 'Zoë Lopez');
      await rename(b.id, 'Bob Émile');
      await rename(c.id, 'Anna');
      const search = async (text: string, extra = '') =>
        (
          await gql(
            server,
            `query($g: ID!, $s: String) { group(id: $g) { persons(search: $s ${extra}) { totalCount nodes { id } } } }`,
            {
              g: groupId,
              s: text,
            },
          )
        ).group.persons;
      expect((await search('LOPEZ')).nodes).toEqual([{ id: a.id }]);
      expect((await search('émile')).nodes).toEqual([{ id: b.id }]);
      expect((await search('O', ', orderBy: NAME')).nodes).toEqual([{ id: b.id }, { id: a.id }]);
      expect((await search('nobody')).totalCount).toBe(0);

      const byName = (
        await gql(server, 'query($g: ID!) { group(id: $g) { persons(orderBy: NAME, first: 100) { nodes { id name } } } }', {
          g: groupId,
        })
      ).group.persons.nodes.map((p: { name: string | null }) => p.name);
      expect(byName.slice(0, 3)).toEqual(['Anna', 'Bob Émile', 'Zoë Lopez']);
      expect(byName.slice(3).every((name: string | null) => name === null)).toBe(true);

      const minFaces = async (n: number) =>
        (
          await gql(
            server,
            'query($g: ID!, $n: Int!) { group(id: $g) { persons(minFaces: $n, first: 100) { totalCount nodes { id faceCount } } } }',
            {
              g: groupId,
              n,
            },
          )
        ).group.persons;
      const twoOrMore = await minFaces(2);
      expect(twoOrMore.nodes.map((p: { id: string }) => p.id)).toEqual(list.filter((p) => p.faceCount >= 2).map((p) => p.id));
      expect(twoOrMore.totalCount).toBe(twoOrMore.nodes.length);
      // The cast are one face each: the filter leaves persons out.
      expect(twoOrMore.totalCount).toBeLessThan(list.length);
      expect(twoOrMore.totalCount).toBeGreaterThan(0);

      // RECENT: by each person's newest photo added.
      const newest = new Map<string, string>();
      for (const image of images) {
        for (const face of image.faces) {
          const id = face.person?.id;
          if (id && (newest.get(id) ?? '') < image.createdAt) newest.set(id, image.createdAt);
        }
      }
      const recent = (
        await gql(
          server,
          'query($g: ID!) { group(id: $g) { persons(orderBy: RECENT, first: 100) { totalCount nodes { id } } } }',
          {
            g: groupId,
          },
        )
      ).group.persons;
      const expected = list.map((p) => p.id).sort((x, y) => newest.get(y)!.localeCompare(newest.get(x)!) || (x < y ? -1 : 1));
      expect(recent.nodes.map((p: { id: string }) => p.id)).toEqual(expected);
      expect(recent.totalCount).toBe(list.length);
    });

    it('finds the photos where all or any of some persons appear', async () => {
      const personsIn = (image: ImageRow) => new Set(image.faces.map((face) => face.person?.id).filter((id) => id !== undefined));
      const cast = [...personsIn(imageOf(CAST_PHOTO))];
      expect(cast.length).toBeGreaterThanOrEqual(2);
      const [mel] = await persons();
      const photos = async (ids: string[], match: string) =>
        (
          await gql(
            server,
            'query($g: ID!, $p: [ID!], $m: PersonMatch!) { group(id: $g) { images(personIds: $p, match: $m, first: 100) { totalCount nodes { id } } } }',
            { g: groupId, p: ids, m: match },
          )
        ).group.images;
      const expected = (ids: string[], match: string) =>
        images
          .filter((image) =>
            match === 'ALL' ? ids.every((id) => personsIn(image).has(id)) : ids.some((id) => personsIn(image).has(id)),
          )
          .map((image) => image.id)
          .sort();
      for (const ids of [[cast[0], cast[1]], [mel.id, cast[0]], [mel.id]]) {
        for (const match of ['ALL', 'ANY']) {
          const found = await photos(ids, match);
          expect(found.nodes.map((image: { id: string }) => image.id).sort(), `${match} ${ids}`).toEqual(expected(ids, match));
          expect(found.totalCount).toBe(found.nodes.length);
        }
      }
      expect((await photos([cast[0], cast[1]], 'ALL')).nodes).toEqual([{ id: imageOf(CAST_PHOTO).id }]);
      expect((await photos([mel.id, cast[0]], 'ALL')).totalCount).toBe(0);
      expect((await photos([mel.id, cast[0]], 'ANY')).totalCount).toBe(mel.photoCount + 1);

      // A person's photos, by date taken: Mel's dated photos first, newest first.
      const { person } = await gql(server, 'query($p: ID!) { person(id: $p) { images { nodes { takenAt } } } }', { p: mel.id });
      const dates = person.images.nodes.map((image: { takenAt: string | null }) => image.takenAt);
      const dated = dates.filter((date: string | null) => date !== null);
      expect(dated.length).toBeGreaterThan(0);
      expect(dates).toEqual([...[...dated].sort().reverse(), ...dates.slice(dated.length).map(() => null)]);
    });

    it("finds anything of the owner by node(id), and nothing of another owner's", async () => {
      const [person] = await persons();
      const { group } = await gql(
        server,
        'query($g: ID!) { group(id: $g) { jobs { nodes { id } } corrections(first: 1) { nodes { id } } } }',
        { g: groupId },
      );
      const face = images.find((image) => image.faces.length > 0)!.faces[0];
      const ids: [string, string][] = [
        ['Group', groupId],
        ['Person', person.id],
        ['Image', images[0].id],
        ['Face', face.id],
        ['IngestJob', group.jobs.nodes[0].id],
        ['Correction', group.corrections.nodes[0].id],
      ];
      const node = (api: Api, id: string) => gql(api, 'query($id: ID!) { node(id: $id) { __typename id } }', { id });
      for (const [type, id] of ids) {
        expect((await node(server, id)).node, type).toEqual({ __typename: type, id });
        expect((await node(other, id)).node, type).toBeNull();
      }
      expect((await node(server, '00000000-0000-4000-8000-000000000000')).node).toBeNull();
      expect((await node(server, 'not an id')).node).toBeNull();
      const { node: typed } = await gql(server, 'query($id: ID!) { node(id: $id) { ... on Person { faceCount } } }', {
        id: person.id,
      });
      expect(typed).toEqual({ faceCount: person.faceCount });
      // The single lookups stay errors for another owner.
      expect((await gqlError(other, 'query($id: ID!) { person(id: $id) { id } }', { id: person.id })).code).toBe('NOT_FOUND');
    });

    it('lists the persons a merge or a move removed', async () => {
      const list = await persons();
      const single = list.filter((p) => p.faceCount === 1);
      expect(single.length).toBeGreaterThanOrEqual(2);
      const [target] = list;
      const merged = await gql(
        server,
        'mutation($t: ID!, $s: [ID!]!) { mergePersons(targetId: $t, sourceIds: $s) { person { id faceCount } removedPersonIds } }',
        { t: target.id, s: [single[0].id] },
      );
      expect(merged.mergePersons).toEqual({
        person: { id: target.id, faceCount: target.faceCount + 1 },
        removedPersonIds: [single[0].id],
      });
      await undo((await latestCorrection()).id);

      // Moving a one-face person's face away empties it; moving one of several faces does not.
      const { person } = await gql(server, 'query($p: ID!) { person(id: $p) { faces(first: 1) { nodes { id } } } }', {
        p: single[1].id,
      });
      const moved = await gql(
        server,
        'mutation($f: [ID!]!, $p: ID) { moveFaces(faceIds: $f, personId: $p) { person { id } removedPersonIds } }',
        { f: [person.faces.nodes[0].id], p: target.id },
      );
      expect(moved.moveFaces).toEqual({ person: { id: target.id }, removedPersonIds: [single[1].id] });
      expect((await gql(server, 'query($id: ID!) { node(id: $id) { id } }', { id: single[1].id })).node).toBeNull();
      await undo((await latestCorrection()).id);
      expect((await gql(server, 'query($id: ID!) { node(id: $id) { id } }', { id: single[1].id })).node).toEqual({
        id: single[1].id,
      });

      const { person: big } = await gql(server, 'query($p: ID!) { person(id: $p) { faces(first: 1) { nodes { id } } } }', {
        p: target.id,
      });
      const split = await gql(
        server,
        'mutation($f: [ID!]!) { moveFaces(faceIds: $f) { person { id faceCount } removedPersonIds } }',
        {
          f: [big.faces.nodes[0].id],
        },
      );
      expect(split.moveFaces.removedPersonIds).toEqual([]);
      expect(split.moveFaces.person.faceCount).toBe(1);
      await undo((await latestCorrection()).id);
      expect((await persons()).map((p) => [p.id, p.faceCount])).toEqual(list.map((p) => [p.id, p.faceCount]));
    });

    it('keeps a chosen cover face through regrouping, and undoes the choice', async () => {
      const person = (await persons()).find((p) => p.faceCount >= 3)!;
      const query = `query($p: ID!) { person(id: $p) { coverFace { id } thumbnailUrl faces(first: 100) { nodes { id } } } }`;
      const before = (await gql(server, query, { p: person.id })).person;
      const chosen = before.faces.nodes.map((f: { id: string }) => f.id).find((id: string) => id !== before.coverFace.id);
      const set = await gql(
        server,
        'mutation($p: ID!, $f: ID!) { setCoverFace(personId: $p, faceId: $f) { id coverFace { id } thumbnailUrl } }',
        {
          p: person.id,
          f: chosen,
        },
      );
      expect(set.setCoverFace.coverFace).toEqual({ id: chosen });
      expect(new URL(set.setCoverFace.thumbnailUrl).pathname).toBe(`/groups/${groupId}/faces/${chosen}.jpg`);
      expect(await latestCorrection()).toMatchObject({ kind: 'SET_COVER', person: { id: person.id }, undoneAt: null });

      await gql(server, 'mutation($g: ID!) { regroup(groupId: $g) { id } }', { g: groupId });
      expect((await gql(server, query, { p: person.id })).person.coverFace).toEqual({ id: chosen });

      // A face of another person is not this person's to be its cover.
      const otherFace = images.flatMap((image) => image.faces).find((face) => face.person && face.person.id !== person.id)!;
      const refused = await gqlError(server, 'mutation($p: ID!, $f: ID!) { setCoverFace(personId: $p, faceId: $f) { id } }', {
        p: person.id,
        f: otherFace.id,
      });
      expect(refused.code).toBe('BAD_USER_INPUT');
      expect(
        (
          await gqlError(other, 'mutation($p: ID!, $f: ID!) { setCoverFace(personId: $p, faceId: $f) { id } }', {
            p: person.id,
            f: chosen,
          })
        ).code,
      ).toBe('NOT_FOUND');

      // Moved away, the face is the cover of its new person; undoing the move makes it this person's chosen cover again.
      const moved = await gql(server, 'mutation($f: [ID!]!) { moveFaces(faceIds: $f) { person { id coverFace { id } } } }', {
        f: [chosen],
      });
      expect(moved.moveFaces.person.coverFace).toEqual({ id: chosen });
      const away = (await gql(server, query, { p: person.id })).person.coverFace.id;
      expect(away).not.toBe(chosen);
      await undo((await latestCorrection()).id);
      expect((await gql(server, query, { p: person.id })).person.coverFace).toEqual({ id: chosen });
      await gql(server, 'mutation($g: ID!) { regroup(groupId: $g) { id } }', { g: groupId });
      expect((await gql(server, query, { p: person.id })).person.coverFace).toEqual({ id: chosen });

      const setCover = await latestCorrection();
      expect(setCover.kind).toBe('SET_COVER');
      await undo(setCover.id);
      expect((await gql(server, query, { p: person.id })).person.coverFace).toEqual(before.coverFace);
    });

    it('records two persons as different people with their faces, and undoes it', async () => {
      const [a, b] = await persons();
      expect((await gqlError(server, 'mutation($a: ID!) { markDifferentPersons(a: $a, b: $a) { id } }', { a: a.id })).code).toBe(
        'BAD_USER_INPUT',
      );
      expect(
        (await gqlError(other, 'mutation($a: ID!, $b: ID!) { markDifferentPersons(a: $a, b: $b) { id } }', { a: a.id, b: b.id }))
          .code,
      ).toBe('NOT_FOUND');
      // A person of another group is not found from this one.
      const elsewhere = (await gql(server, 'mutation { createGroup(name: "elsewhere") { id } }')).createGroup.id;
      const form = new FormData();
      form.append('photo', new Blob([await readFile(join(devPhotos, 'afr_1911e47a.jpg'))], { type: 'image/jpeg' }), 'biden.jpg');
      const upload = await fetch(`${server.url}/groups/${elsewhere}/uploads`, {
        method: 'POST',
        body: form,
        headers: authorization(server),
      });
      await waitForJob(server, (await upload.json()).job.id);
      const stranger = (await gql(server, 'query($g: ID!) { group(id: $g) { persons { nodes { id } } } }', { g: elsewhere }))
        .group.persons.nodes[0].id;
      expect(
        (
          await gqlError(server, 'mutation($a: ID!, $b: ID!) { markDifferentPersons(a: $a, b: $b) { id } }', {
            a: a.id,
            b: stranger,
          })
        ).code,
      ).toBe('NOT_FOUND');

      const marked = await gql(
        server,
        'mutation($a: ID!, $b: ID!) { markDifferentPersons(a: $a, b: $b) { id kind summary person { id } undoneAt } }',
        { a: a.id, b: b.id },
      );
      expect(marked.markDifferentPersons).toMatchObject({ kind: 'DIFFERENT_PERSONS', person: { id: a.id }, undoneAt: null });
      expect(marked.markDifferentPersons.summary).toContain('different');
      const facesOf = async (id: string) =>
        (
          await gql(server, 'query($p: ID!) { person(id: $p) { faces(first: 500) { nodes { id } } } }', { p: id })
        ).person.faces.nodes
          .map((face: { id: string }) => face.id)
          .sort();
      const { faceIds } = await storedPayload(marked.markDifferentPersons.id);
      expect(faceIds?.map((ids) => [...ids].sort())).toEqual([await facesOf(a.id), await facesOf(b.id)]);

      const undone = await undo(marked.markDifferentPersons.id);
      expect(undone.undoCorrection.undoneAt).toMatch(ISO);
      // Undone once only.
      expect(
        (await gqlError(server, 'mutation($c: ID!) { undoCorrection(id: $c) { id } }', { c: marked.markDifferentPersons.id }))
          .code,
      ).toBe('BAD_USER_INPUT');
    });

    it('serves face thumbnails at 1× and 2×, photos at a viewer size and as added', async () => {
      const [person] = await persons();
      const { person: withUrls } = await gql(
        server,
        `query($p: ID!) { person(id: $p) { small: thumbnailUrl large: thumbnailUrl(scale: 2)
          faces(first: 1) { nodes { small: thumbnailUrl large: thumbnailUrl(scale: 2) image { id width height contentHash viewerUrl originalUrl } } } } }`,
        { p: person.id },
      );
      const fetchImage = async (url: string) => {
        const response = await fetch(url);
        expect(response.status, url).toBe(200);
        expect(response.headers.get('cache-control')).toMatch(/^private, max-age=\d+, immutable$/);
        return { type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
      };
      const size = async (url: string) => {
        const { type, bytes } = await fetchImage(url);
        const { format, width, height } = await sharp(bytes).metadata();
        return { type, format, width, height };
      };
      const square = (side: number) => ({ type: 'image/jpeg', format: 'jpeg', width: side, height: side });
      expect(await size(withUrls.small)).toEqual(square(160));
      expect(await size(withUrls.large)).toEqual(square(320));
      const [face] = withUrls.faces.nodes;
      expect(await size(face.small)).toEqual(square(160));
      expect(await size(face.large)).toEqual(square(320));

      const { image } = face;
      const long = Math.max(image.width, image.height);
      const scale = Math.min(1, 1600 / long);
      expect(await size(image.viewerUrl)).toEqual({
        type: 'image/jpeg',
        format: 'jpeg',
        width: Math.round(image.width * scale),
        height: Math.round(image.height * scale),
      });
      const original = await fetchImage(image.originalUrl);
      expect(original.type).toBe('image/jpeg');
      expect(createHash('sha256').update(original.bytes).digest('hex')).toBe(image.contentHash);

      // Signed like every picture URL, and for its group alone.
      for (const url of [face.large, image.viewerUrl, image.originalUrl]) {
        const unsigned = new URL(url);
        unsigned.searchParams.delete('signature');
        expect((await fetch(unsigned)).status, url).toBe(403);
      }
      expect(
        (await gqlError(server, 'query($p: ID!) { person(id: $p) { thumbnailUrl(scale: 3) } }', { p: person.id })).code,
      ).toBe('BAD_USER_INPUT');
    });

    it('answers CORS preflights for the allowed origins alone', async () => {
      const preflight = (path: string, origin: string) =>
        fetch(`${server.url}${path}`, {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'authorization, content-type',
          },
        });
      for (const path of ['/graphql', `/groups/${groupId}/uploads`]) {
        const allowed = await preflight(path, ORIGIN);
        expect(allowed.status, path).toBe(204);
        expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
        expect(allowed.headers.get('access-control-allow-methods')).toContain('POST');
        expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
        expect(allowed.headers.get('access-control-allow-headers')).toContain('content-type');
        const refused = await preflight(path, 'https://evil.example.com');
        expect(refused.headers.get('access-control-allow-origin')).toBeNull();
        expect(refused.headers.get('access-control-allow-methods')).toBeNull();
      }
      const post = (origin: string) =>
        fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { origin, 'content-type': 'application/json', ...authorization(server) },
          body: JSON.stringify({ query: '{ groups { totalCount } }' }),
        });
      const allowed = await post('http://localhost:5173');
      expect(allowed.status).toBe(200);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
      expect(allowed.headers.get('access-control-expose-headers')).toContain('x-request-id');
      const refused = await post('https://evil.example.com');
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      expect(refused.headers.get('vary')).toContain('Origin');
    });

    it("builds picture URLs from the proxy's X-Forwarded-Proto and -Host (TRUST_PROXY)", async () => {
      const thumbnail = async (headers: Record<string, string>) => {
        const response = await fetch(`${server.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...authorization(server), ...headers },
          body: JSON.stringify({ query: 'query($i: ID!) { image(id: $i) { thumbnailUrl } }', variables: { i: images[0].id } }),
        });
        return new URL((await response.json()).data.image.thumbnailUrl);
      };
      const proxied = await thumbnail({ 'x-forwarded-proto': 'https', 'x-forwarded-host': 'photos.example.com, inner.proxy' });
      expect(proxied.origin).toBe('https://photos.example.com');
      expect((await thumbnail({})).origin).toBe(server.url);
      // A forwarded host that is no host name is not used.
      expect((await thumbnail({ 'x-forwarded-host': 'evil.example.com/path?' })).host).toBe(new URL(server.url).host);
    });
  });
}
