import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorization, gql, waitForGroupJobs, waitForJob } from './graphql.js';
import type { TestDatabase } from './databases.js';
import { devPhotos, startServer, type RunningServer } from './server.js';

/** Photos by path (Mel Gibson, Joe Biden); the uploads are shared with a second group, whose copy must stay. */
const PATH_PHOTOS = ['jpd_0d54927c.jpg', 'jpd_10a0ff5e.jpg', 'jpd_1b0247e1.jpg', 'afr_1911e47a.jpg'];
const UPLOADS = ['dfc_166ce7a8.jpg', 'dfc_69551ee2.jpg'];

/** Every row of every table, as text: what a deletion must leave no trace of. */
async function dumpDatabase(url: string): Promise<string> {
  if (url.startsWith('file:')) {
    const db = new Database(url.slice('file:'.length), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      return tables.map(({ name }) => JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all())).join('\n');
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    const dumps = [];
    for (const { table_name } of tables) {
      const { rows } = await client.query(`SELECT row_to_json(t)::text AS row FROM "${table_name}" t`);
      dumps.push(rows.map((r) => r.row).join('\n'));
    }
    return dumps.join('\n');
  } finally {
    await client.end();
  }
}

/** Every file below the data folder, by path relative to it. */
const dataFiles = async (dir: string) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));

/**
 * Erasure end to end: a person forgotten, photos deleted, a group deleted, each followed by a scan of every table and
 * every file of the data folder for anything left of it; and files a crash left behind, removed at the next start.
 */
export function erasureSuite(name: string, database: () => Promise<TestDatabase>) {
  describe(name, () => {
    let work: string;
    let dataDir: string;
    let db: TestDatabase;
    let server: RunningServer;
    let album: string;
    let copy: string;
    const env = () => ({ DATABASE_URL: db.url, DATA_DIR: dataDir, IMPORT_ROOTS: join(work, 'photos') });

    const GROUP = `query($g: ID!) { group(id: $g) {
      overviewSheetUrl embeddingMapUrl
      persons(first: 40) {
        nodes { id faceCount thumbnailUrl sheetUrl faces(first: 40) { nodes { id thumbnailUrl large: thumbnailUrl(scale: 2) image { id } } } }
      }
      images(first: 40) { nodes { id key contentHash thumbnailUrl viewerUrl originalUrl faces { id } } }
      jobs { nodes { id } } corrections { nodes { id } }
    } }`;
    const groupOf = async (id: string) => (await gql(server, GROUP, { g: id })).group;

    /** Draws every picture of the group, so that their cached files exist and must go too. */
    async function drawAll(id: string) {
      const group = await groupOf(id);
      const urls = [
        group.overviewSheetUrl,
        group.embeddingMapUrl,
        ...group.persons.nodes.flatMap((p: any) => [
          p.thumbnailUrl,
          p.sheetUrl,
          ...p.faces.nodes.flatMap((f: any) => [f.thumbnailUrl, f.large]),
        ]),
        ...group.images.nodes.flatMap((i: any) => [i.thumbnailUrl, i.viewerUrl, i.originalUrl]),
      ];
      for (const url of urls) expect((await fetch(url)).status, url).toBe(200);
      return group;
    }

    async function upload(groupId: string, files: string[]) {
      const form = new FormData();
      for (const file of files)
        form.append('photo', new Blob([await readFile(join(devPhotos, file))], { type: 'image/jpeg' }), file);
      const response = await fetch(`${server.url}/groups/${groupId}/uploads`, {
        method: 'POST',
        body: form,
        headers: authorization(server),
      });
      expect(response.status).toBe(202);
    }

    /** Nothing in any table or any file name mentions these ids or hashes. */
    async function expectNoTrace(traces: string[]) {
      const rows = await dumpDatabase(db.url);
      const files = (await dataFiles(dataDir)).join('\n');
      for (const trace of traces) {
        expect(rows.includes(trace), `${trace} left in the database`).toBe(false);
        expect(files.includes(trace), `${trace} left in the data folder`).toBe(false);
      }
    }

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'facegroup-erasure-'));
      dataDir = join(work, 'data');
      db = await database();
      const folder = join(work, 'photos', 'trip');
      await mkdir(folder, { recursive: true });
      for (const photo of PATH_PHOTOS) await copyFile(join(devPhotos, photo), join(folder, photo));
      server = await startServer(env());
      album = (await gql(server, `mutation { createGroup(name: "album") { id } }`)).createGroup.id;
      copy = (await gql(server, `mutation { createGroup(name: "copy") { id } }`)).createGroup.id;
      await gql(server, `mutation($g: ID!, $p: [String!]!) { addImagesFromPaths(groupId: $g, paths: $p, user: "ann") { id } }`, {
        g: album,
        p: [folder],
      });
      await upload(album, UPLOADS);
      await upload(copy, UPLOADS.slice(0, 1));
      await waitForGroupJobs(server, album);
      await waitForGroupJobs(server, copy);
    });

    afterAll(async () => {
      await server?.stop();
      await db?.drop();
      await rm(work, { recursive: true, force: true });
    });

    it('forgets a person: its faces and embeddings go, its photos stay, and nothing brings the faces back', async () => {
      const before = await drawAll(album);
      const keyOf = (imageId: string) => before.images.nodes.find((i: any) => i.id === imageId).key;
      // A person with a photo added by path, to add that photo again after deleting it.
      const byPath = (p: any) =>
        p.faces.nodes.map((f: any) => f.image.id).filter((id: string) => PATH_PHOTOS.includes(keyOf(id)));
      const person = before.persons.nodes.find((p: any) => p.faceCount >= 2 && byPath(p).length > 0);
      const faceIds: string[] = person.faces.nodes.map((f: any) => f.id);
      const imageIds = [...new Set([...byPath(person), ...person.faces.nodes.map((f: any) => f.image.id)])] as string[];
      const result = await gql(server, `mutation($p: ID!) { forgetPerson(id: $p) { personId forgottenFaces } }`, {
        p: person.id,
      });
      expect(result.forgetPerson).toEqual({ personId: person.id, forgottenFaces: faceIds.length });
      await expectNoTrace([person.id, ...faceIds]);

      await gql(server, `mutation($g: ID!) { regroup(groupId: $g) { id } }`, { g: album });
      const after = await groupOf(album);
      expect(after.images.nodes.map((i: any) => i.id)).toEqual(expect.arrayContaining(imageIds));
      const facesOf = (group: any, id: string) => group.images.nodes.find((i: any) => i.id === id).faces.length;
      const remaining = imageIds.map((id) => facesOf(after, id));
      await expectNoTrace([person.id, ...faceIds]);

      // The photo analysed again (deleted, then added once more) does not bring the forgotten face back.
      const photo = before.images.nodes.find((i: any) => i.id === imageIds[0]);
      await gql(server, `mutation($i: [ID!]!) { deleteImages(ids: $i) { imageIds } }`, { i: [photo.id] });
      const { addImagesFromPaths: added } = await gql(
        server,
        `mutation($g: ID!, $p: [String!]!) { addImagesFromPaths(groupId: $g, paths: $p) { id } }`,
        {
          g: album,
          p: [join(work, 'photos', 'trip', photo.key)],
        },
      );
      await waitForJob(server, added.id);
      const { job } = await gql(server, `query($j: ID!) { job(id: $j) { analysed duplicates failed errors { code message } } }`, {
        j: added.id,
      });
      expect(job).toMatchObject({ analysed: 1, duplicates: 0, failed: 0 });
      const again = (await groupOf(album)).images.nodes.find((i: any) => i.contentHash === photo.contentHash);
      expect(again.faces.length).toBe(remaining[0]);
    });

    it('deletes photos with their faces, bytes and pictures; persons left empty go too', async () => {
      const before = await drawAll(album);
      const uploaded = before.images.nodes.filter((i: any) => UPLOADS.includes(i.key));
      const onlyHere = uploaded.find((i: any) => i.key === UPLOADS[1]);
      const shared = uploaded.find((i: any) => i.key === UPLOADS[0]);
      const faceIds = [...onlyHere.faces, ...shared.faces].map((f: any) => f.id);
      const result = await gql(server, `mutation($i: [ID!]!) { deleteImages(ids: $i) { imageIds removedPersonIds } }`, {
        i: [onlyHere.id, shared.id],
      });
      expect(result.deleteImages.imageIds).toEqual([onlyHere.id, shared.id]);
      const persons = (await groupOf(album)).persons.nodes.map((p: any) => p.id);
      for (const removed of result.deleteImages.removedPersonIds) expect(persons).not.toContain(removed);
      // The bytes only this group had are gone; those the other group has too stay, for it.
      await expectNoTrace([onlyHere.id, shared.id, onlyHere.contentHash, ...faceIds, ...result.deleteImages.removedPersonIds]);
      expect((await dataFiles(dataDir)).some((file) => file.endsWith(shared.contentHash))).toBe(true);
      const copied = (await groupOf(copy)).images.nodes[0];
      expect((await fetch(copied.thumbnailUrl)).status).toBe(200);
    });

    it('deletes a group and everything of it', async () => {
      const group = await drawAll(album);
      const traces = [
        album,
        ...group.images.nodes.flatMap((i: any) => [i.id, ...i.faces.map((f: any) => f.id)]),
        ...group.persons.nodes.map((p: any) => p.id),
        ...group.jobs.nodes.map((j: any) => j.id),
        ...group.corrections.nodes.map((c: any) => c.id),
      ];
      expect(await gql(server, `mutation($g: ID!) { deleteGroup(id: $g) }`, { g: album })).toEqual({ deleteGroup: album });
      await expectNoTrace(traces);
      expect((await gql(server, '{ groups { nodes { id } } }')).groups.nodes).toEqual([{ id: copy }]);
      // Its picture URLs, still within their lifetime, show nothing any more.
      expect((await fetch(group.overviewSheetUrl)).status).toBe(404);
      expect((await fetch(group.images.nodes[0].thumbnailUrl)).status).toBe(404);
      expect((await fetch(group.images.nodes[0].viewerUrl)).status).toBe(404);
      expect((await fetch(group.images.nodes[0].originalUrl)).status).toBe(404);
    });

    it('removes at the next start the files a crash between commit and file removal left behind', async () => {
      const kept = await drawAll(copy);
      await server.stop();
      const gone = '00000000-0000-4000-8000-0000000000aa';
      const orphanHash = 'ab'.repeat(32);
      const orphans = [
        join('thumbnails', gone, 'faces', `${gone}.jpg`),
        join('pictures', gone, `overview-${'0'.repeat(16)}.jpg`),
        join('thumbnails', copy, 'faces', `${gone}.jpg`),
        join('blobs', orphanHash.slice(0, 2), orphanHash),
      ];
      for (const orphan of orphans) {
        await mkdir(join(dataDir, orphan, '..'), { recursive: true });
        await writeFile(join(dataDir, orphan), 'left behind');
      }
      server = await startServer(env());
      expect(server.log()).toContain('removed 4 files');
      const files = await dataFiles(dataDir);
      for (const orphan of orphans) expect(files).not.toContain(orphan);
      // What is still in use stays.
      for (const image of kept.images.nodes)
        expect(files).toContain(join('blobs', image.contentHash.slice(0, 2), image.contentHash));
      expect((await gql(server, '{ groups { nodes { id } } }')).groups.nodes).toEqual([{ id: copy }]);
    });
  });
}
