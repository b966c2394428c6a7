import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, median } from '@facegroup/core';
import { MIN_PERSON_FACES, overviewLayout, personSheetLayout, unassignedSheetLayout } from '@facegroup/report';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorization, gql, gqlError, waitForGroupJobs } from './graphql.js';
import { startPhotoServer } from './photo-server.js';
import { devPhotos, startServer, type RunningServer } from './server.js';

const labels: Record<string, string[]> = JSON.parse(await readFile(join(devPhotos, '..', 'labels.json'), 'utf8')).photos;

/** Photos of a few people: Mel Gibson from a folder, Elon Musk and Barack Obama by URL, Joe Biden and a landscape by path. */
const FOLDER_PHOTOS = ['jpd_0d54927c.jpg', 'jpd_10a0ff5e.jpg', 'jpd_1b0247e1.jpg', 'jpd_26f2cba9.jpg', 'afr_2de116a8.jpg'];
const URL_PHOTOS = ['dfc_166ce7a8.jpg', 'dfc_69551ee2.jpg', 'jpd_0055856f.jpg', 'afr_6627630a.jpg', 'afr_c4dfaedc.jpg'];
const PATH_PHOTOS = ['afr_1911e47a.jpg', 'dsf_9813b0ac.jpg'];
const UPLOAD_PHOTO = 'afr_ef7047b9.jpg';
const UNIQUE_PHOTOS = FOLDER_PHOTOS.length + URL_PHOTOS.length + PATH_PHOTOS.length;

const PERSONS = `query Persons($id: ID!) {
  group(id: $id) {
    persons(includeHidden: true, first: 100) { totalCount nodes { id name hidden photoCount faceCount thumbnailUrl } }
  }
}`;
const PERSON = `query Person($id: ID!) {
  person(id: $id) { id name photoCount faceCount faces(first: 100) { totalCount nodes { id } } images(first: 100) { nodes { key } } }
}`;

const PICTURES = `query Pictures($id: ID!) {
  group(id: $id) {
    overviewSheetUrl unassignedSheetUrl mapPng: embeddingMapUrl mapSvg: embeddingMapUrl(format: SVG)
    counts { unassignedFaces }
    persons(first: 100) { nodes { id faceCount sheetUrl } }
  }
}`;

const EXPLANATIONS = `query Explanations($id: ID!) {
  group(id: $id) {
    persons(includeHidden: true, first: 100) { nodes { id } }
    images(first: 100) { nodes { faces { id person { id } quality { embeddingNorm } unassigned { reasons } } } }
    unassignedFaces(first: 100) {
      nodes {
        id person { id } quality { size alignmentError sharpness embeddingNorm }
        unassigned { reasons nearestPerson { id } similarity threshold }
      }
    }
  }
}`;
const UNASSIGNED_FACE = `query Face($id: ID!) { face(id: $id) { person { id } unassigned { reasons nearestPerson { id } similarity threshold } } }`;

interface PersonRow {
  id: string;
  name: string | null;
  hidden: boolean;
  photoCount: number;
  faceCount: number;
  thumbnailUrl: string;
}

/**
 * The API end to end over real HTTP against a spawned server (the real pipeline on real photos): ingestion by
 * folder, path, URL and upload; persons and corrections; undo; a restart that keeps everything.
 * `database` gives each run a fresh, empty database URL and drops it afterwards.
 */
export function apiSuite(name: string, database: () => Promise<{ url: string; drop(): Promise<void> }>) {
  describe(name, () => {
    let work: string;
    let databaseUrl: string;
    let dropDatabase: () => Promise<void>;
    let server: RunningServer;
    let photos: Awaited<ReturnType<typeof startPhotoServer>>;
    let groupId: string;
    const env = () => ({ DATABASE_URL: databaseUrl, DATA_DIR: join(work, 'data') });

    beforeAll(async () => {
      work = await mkdtemp(join(tmpdir(), 'facegroup-e2e-'));
      ({ url: databaseUrl, drop: dropDatabase } = await database());
      const userFolder = join(work, 'images', 'trip', 'ann');
      await mkdir(userFolder, { recursive: true });
      for (const photo of FOLDER_PHOTOS) await copyFile(join(devPhotos, photo), join(userFolder, photo));
      photos = await startPhotoServer(devPhotos);
      server = await startServer({
        ...env(),
        FETCH_ALLOW_PRIVATE_ADDRESSES: 'true',
        IMPORT_ROOTS: `${work},${devPhotos}`,
        LOG_QUERIES: 'true',
      });
    });

    afterAll(async () => {
      await server?.stop();
      await photos?.close();
      await dropDatabase?.();
      await rm(work, { recursive: true, force: true });
    });

    async function persons(): Promise<PersonRow[]> {
      return (await gql(server, PERSONS, { id: groupId })).group.persons.nodes;
    }

    it('creates a group and adds photos from a folder, by path and by URL, returning jobs at once', async () => {
      groupId = (await gql(server, `mutation { createGroup(name: "trip") { id name } }`)).createGroup.id;
      const imported = await gql(server, `mutation($path: String!) { importFolder(path: $path) { id total group { id } } }`, {
        path: join(work, 'images'),
      });
      expect(imported.importFolder).toHaveLength(1);
      expect(imported.importFolder[0]).toMatchObject({ total: FOLDER_PHOTOS.length, group: { id: groupId } });

      const byPath = await gql(
        server,
        `mutation($g: ID!, $paths: [String!]!) { addImagesFromPaths(groupId: $g, paths: $paths, user: "bob") { id total } }`,
        {
          g: groupId,
          paths: PATH_PHOTOS.map((photo) => join(devPhotos, photo)),
        },
      );
      expect(byPath.addImagesFromPaths.total).toBe(PATH_PHOTOS.length);

      const urls = Object.fromEntries(URL_PHOTOS.map((photo) => [`cem/${photo}`, `${photos.url}/photos/${photo}`]));
      urls['cem/again.jpg'] = `${photos.url}/redirect/${FOLDER_PHOTOS[0]}`; // same bytes as a folder photo, via a redirect
      urls['cem/broken.jpg'] = `${photos.url}/not-an-image`;
      const byUrl = await gql(
        server,
        `mutation($g: ID!, $urls: UrlMap!) { addImagesFromUrls(groupId: $g, urls: $urls, user: "cem") { id status total } }`,
        {
          g: groupId,
          urls,
        },
      );
      expect(byUrl.addImagesFromUrls.total).toBe(URL_PHOTOS.length + 2);
      expect(byUrl.addImagesFromUrls.status).not.toBe('DONE');

      await waitForGroupJobs(server, groupId);
      const { job } = await gql(
        server,
        `query($id: ID!) { job(id: $id) { status progress analysed duplicates failed pending errors { key code message } } }`,
        {
          id: byUrl.addImagesFromUrls.id,
        },
      );
      expect(job).toMatchObject({
        status: 'DONE',
        progress: 1,
        analysed: URL_PHOTOS.length,
        duplicates: 1,
        failed: 1,
        pending: 0,
      });
      expect(job.errors).toEqual([expect.objectContaining({ key: 'cem/broken.jpg', code: 'UNSUPPORTED_IMAGE' })]);
    });

    it('stores each photo once and finds the persons, most photos first', async () => {
      const { group } = await gql(
        server,
        `query($id: ID!) { group(id: $id) {
        users { name } counts { images analysedImages failedImages faces persons }
        images(first: 100) { totalCount nodes { key user status contentHash faces { id } } }
      } }`,
        { id: groupId },
      );
      expect(group.users.map((u: { name: string }) => u.name)).toEqual(['ann', 'bob', 'cem']);
      expect(group.counts).toMatchObject({ images: UNIQUE_PHOTOS, analysedImages: UNIQUE_PHOTOS, failedImages: 0 });
      expect(new Set(group.images.nodes.map((i: { contentHash: string }) => i.contentHash)).size).toBe(UNIQUE_PHOTOS);
      const landscape = group.images.nodes.find((i: { key: string }) => i.key.endsWith(PATH_PHOTOS[1]));
      expect(landscape.faces).toEqual([]);

      const list = await persons();
      expect(list.length).toBe(group.counts.persons);
      const counts = list.map((p) => p.photoCount);
      expect(counts).toEqual([...counts].sort((a, b) => b - a));
      // The largest person is one real identity: all its photos carry the same label.
      const top = await gql(server, PERSON, { id: list[0].id });
      const files = top.person.images.nodes.map((i: { key: string }) => i.key.split('/').pop()!);
      expect(files.length).toBeGreaterThanOrEqual(3);
      const shared = files
        .map((file: string) => labels[file])
        .reduce((a: string[], b: string[]) => a.filter((x) => b.includes(x)));
      expect(shared.length).toBe(1);
    });

    it('says why each face grouping left out is in no person', async () => {
      const { group } = await gql(server, EXPLANATIONS, { id: groupId });
      const faces: { id: string; person: { id: string } | null; quality: { embeddingNorm: number }; unassigned: unknown }[] =
        group.images.nodes.flatMap((image: { faces: unknown[] }) => image.faces);
      const placed = faces.filter((face) => face.person !== null);
      expect(placed.length).toBeGreaterThan(0);
      for (const face of placed) expect(face.unassigned, face.id).toBeNull();
      // These photos have blurred bystanders near no person.
      const left = group.unassignedFaces.nodes;
      expect(left.length).toBeGreaterThan(0);
      expect(left.length).toBe(faces.length - placed.length);

      const { minSharpness, minRelativeEmbeddingNorm } = defaultConfig().grouping;
      const medianNorm = median(faces.map((face) => face.quality.embeddingNorm));
      const personIds = group.persons.nodes.map((person: { id: string }) => person.id);
      for (const { id, person, quality, unassigned } of left) {
        expect(person).toBeNull();
        const { reasons, nearestPerson, similarity, threshold } = unassigned;
        const blurred = quality.sharpness < minSharpness;
        const hardToRecognise = quality.embeddingNorm < minRelativeEmbeddingNorm * medianNorm;
        // Grouping leaves out only weak faces: a strong one always starts a person.
        expect(blurred || hardToRecognise, id).toBe(true);
        expect(reasons.includes('blurred'), id).toBe(blurred);
        expect(reasons.includes('hard to recognise'), id).toBe(hardToRecognise);
        expect(reasons.includes('no close person'), id).toBe(similarity === null || similarity < threshold);
        expect(reasons).not.toContain('not this person');
        expect(threshold).toBeGreaterThan(0);
        expect(nearestPerson === null).toBe(similarity === null);
        if (nearestPerson) expect(personIds).toContain(nearestPerson.id);
      }
    });

    it('answers health, readiness and metrics, and logs each request as JSON with its id', async () => {
      expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ database: true, models: true });
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const value = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
      expect(value('facegroup_photos_analysed_total')).toBe(UNIQUE_PHOTOS);
      expect(value('facegroup_queue_depth')).toBe(0);
      expect(metrics).toMatch(/^facegroup_graphql_request_seconds_count\{status="200"\} [1-9]/m);
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'trace-42', ...authorization(server) },
        body: JSON.stringify({ query: '{ groups { nodes { id } } }' }),
      });
      expect(response.headers.get('x-request-id')).toBe('trace-42');
      await new Promise((resolve) => setTimeout(resolve, 50));
      const line = server
        .log()
        .split('\n')
        .find((l) => l.includes('"requestId":"trace-42"'));
      expect(JSON.parse(line!)).toMatchObject({ level: 'info', msg: 'request', method: 'POST', path: '/graphql', status: 200 });
    });

    it('reads 50 persons with their faces in a few statements, not a few per person', async () => {
      const query = `query($id: ID!) { group(id: $id) { persons(first: 50) { totalCount nodes {
        id name coverFace { id } faces(first: 50) { totalCount nodes { id image { key } person { id } } }
      } } } }`;
      const statements = () =>
        server
          .log()
          .split('\n')
          .filter((line) => line.includes('"msg":"query"')).length;
      const before = statements();
      const { group } = await gql(server, query, { id: groupId });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const persons = group.persons.nodes;
      expect(persons.length).toBeGreaterThan(3);
      for (const person of persons) {
        expect(person.faces.nodes.length).toBe(person.faces.totalCount);
        expect(person.faces.nodes.every((face: { person: { id: string } }) => face.person.id === person.id)).toBe(true);
      }
      // The key, the group (owner check), 2 for the persons, their cover faces, 3 for their faces, the faces' photos.
      expect(statements() - before).toBeLessThanOrEqual(10);
    });

    it('serves face and photo thumbnails at the URLs of the schema', async () => {
      const [person] = await persons();
      const face = await fetch(person.thumbnailUrl);
      expect(face.status).toBe(200);
      expect(face.headers.get('content-type')).toBe('image/jpeg');
      expect([...new Uint8Array(await face.arrayBuffer()).subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      const { group } = await gql(server, `query($id: ID!) { group(id: $id) { images(first: 1) { nodes { thumbnailUrl } } } }`, {
        id: groupId,
      });
      const photo = await fetch(group.images.nodes[0].thumbnailUrl);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/jpeg');
    });

    it('renames, merges (the target keeps its name) and undoes the merge', async () => {
      const [first, second] = await persons();
      const renamed = await gql(server, `mutation($id: ID!) { renamePerson(personId: $id, name: "Mel") { id name } }`, {
        id: first.id,
      });
      expect(renamed.renamePerson).toEqual({ id: first.id, name: 'Mel' });
      await gql(server, `mutation($id: ID!) { renamePerson(personId: $id, name: "Other") { id } }`, { id: second.id });

      const merged = await gql(
        server,
        `mutation($t: ID!, $s: [ID!]!) { mergePersons(targetId: $t, sourceIds: $s) { person { id name photoCount } removedPersonIds } }`,
        {
          t: first.id,
          s: [second.id],
        },
      );
      expect(merged.mergePersons).toEqual({
        person: { id: first.id, name: 'Mel', photoCount: first.photoCount + second.photoCount },
        removedPersonIds: [second.id],
      });
      expect((await gqlError(server, PERSON, { id: second.id })).code).toBe('NOT_FOUND');

      const { group } = await gql(
        server,
        `query($id: ID!) { group(id: $id) { corrections { nodes { id kind summary undoneAt } } } }`,
        {
          id: groupId,
        },
      );
      expect(group.corrections.nodes.map((c: { kind: string }) => c.kind)).toEqual(['MERGE', 'RENAME', 'RENAME']);
      const undone = await gql(server, `mutation($id: ID!) { undoCorrection(id: $id) { kind undoneAt } }`, {
        id: group.corrections.nodes[0].id,
      });
      expect(undone.undoCorrection.undoneAt).not.toBeNull();

      const after = await persons();
      expect(after.find((p) => p.id === first.id)).toMatchObject({ name: 'Mel', photoCount: first.photoCount });
      expect(after.find((p) => p.id === second.id)).toMatchObject({ name: 'Other', photoCount: second.photoCount });
    });

    it('moves a face to a new person, and undoes it', async () => {
      const [mel] = await persons();
      const before = await gql(server, PERSON, { id: mel.id });
      const faceId = before.person.faces.nodes[0].id;
      const moved = await gql(
        server,
        `mutation($f: [ID!]!) { moveFaces(faceIds: $f, personId: null) { person { id faceCount faces { nodes { id } } } removedPersonIds } }`,
        {
          f: [faceId],
        },
      );
      expect(moved.moveFaces.person.id).not.toBe(mel.id);
      expect(moved.moveFaces.person.faces.nodes).toEqual([{ id: faceId }]);
      expect(moved.moveFaces.removedPersonIds).toEqual([]);
      expect((await gql(server, PERSON, { id: mel.id })).person.faceCount).toBe(mel.faceCount - 1);

      const { group } = await gql(server, `query($id: ID!) { group(id: $id) { corrections(first: 1) { nodes { id kind } } } }`, {
        id: groupId,
      });
      expect(group.corrections.nodes[0].kind).toBe('MOVE_FACES');
      await gql(server, `mutation($id: ID!) { undoCorrection(id: $id) { id } }`, { id: group.corrections.nodes[0].id });
      const { face } = await gql(server, `query($id: ID!) { face(id: $id) { person { id } } }`, { id: faceId });
      expect(face.person.id).toBe(mel.id);
      expect((await gqlError(server, PERSON, { id: moved.moveFaces.person.id })).code).toBe('NOT_FOUND');

      // A face grouping left out loses its explanation in a person, and gets it back when the move is undone.
      const { group: unassigned } = await gql(
        server,
        `query($id: ID!) { group(id: $id) { unassignedFaces(first: 1) { nodes { id } } } }`,
        { id: groupId },
      );
      const leftOut = unassigned.unassignedFaces.nodes[0].id;
      const explained = (await gql(server, UNASSIGNED_FACE, { id: leftOut })).face;
      expect(explained.unassigned.reasons.length).toBeGreaterThan(0);
      await gql(server, `mutation($f: [ID!]!, $p: ID!) { moveFaces(faceIds: $f, personId: $p) { person { id } } }`, {
        f: [leftOut],
        p: mel.id,
      });
      expect((await gql(server, UNASSIGNED_FACE, { id: leftOut })).face).toEqual({ person: { id: mel.id }, unassigned: null });
      const { group: latest } = await gql(
        server,
        `query($id: ID!) { group(id: $id) { corrections(first: 1) { nodes { id } } } }`,
        {
          id: groupId,
        },
      );
      await gql(server, `mutation($id: ID!) { undoCorrection(id: $id) { id } }`, { id: latest.corrections.nodes[0].id });
      expect((await gql(server, UNASSIGNED_FACE, { id: leftOut })).face).toEqual(explained);
    });

    it('keeps a face out of a person after "not this person", also on regrouping', async () => {
      const [mel] = await persons();
      const faceId = (await gql(server, PERSON, { id: mel.id })).person.faces.nodes.at(-1).id;
      const marked = await gql(
        server,
        `mutation($f: ID!) {
        markNotThisPerson(faceId: $f) { id person { id } unassigned { reasons nearestPerson { id } similarity } }
      }`,
        { f: faceId },
      );
      expect(marked.markNotThisPerson).toEqual({
        id: faceId,
        person: null,
        unassigned: { reasons: ['not this person'], nearestPerson: null, similarity: null },
      });
      // Grouping may leave weak faces (blurred bystanders) unassigned too.
      const unassigned = await gql(
        server,
        `query($id: ID!) { group(id: $id) {
        counts { unassignedFaces } unassignedFaces(first: 100) { totalCount nodes { id person { id } } }
      } }`,
        { id: groupId },
      );
      expect(unassigned.group.unassignedFaces.nodes).toContainEqual({ id: faceId, person: null });
      expect(unassigned.group.unassignedFaces.totalCount).toBe(unassigned.group.counts.unassignedFaces);

      await gql(server, `mutation($g: ID!) { regroup(groupId: $g) { id } }`, { g: groupId });
      const { face } = await gql(server, UNASSIGNED_FACE, { id: faceId });
      expect(face.person?.id).not.toBe(mel.id);
      // Regrouped, it starts a person of its own, or (a weak face) stays out, still for the user's "not this person".
      expect(face.unassigned).toEqual(
        face.person ? null : expect.objectContaining({ reasons: expect.arrayContaining(['not this person']) }),
      );
      expect((await gql(server, PERSON, { id: mel.id })).person).toMatchObject({ name: 'Mel', faceCount: mel.faceCount - 1 });
    });

    it('hides a person from the list until shown again', async () => {
      const visible = `query($id: ID!) { group(id: $id) { persons(first: 100) { nodes { id } } } }`;
      const [, second] = await persons();
      const hidden = await gql(server, `mutation($id: ID!) { setPersonHidden(personId: $id, hidden: true) { id hidden } }`, {
        id: second.id,
      });
      expect(hidden.setPersonHidden).toEqual({ id: second.id, hidden: true });
      expect((await gql(server, visible, { id: groupId })).group.persons.nodes).not.toContainEqual({ id: second.id });
      await gql(server, `mutation($id: ID!) { setPersonHidden(personId: $id, hidden: false) { id } }`, { id: second.id });
      expect((await gql(server, visible, { id: groupId })).group.persons.nodes).toContainEqual({ id: second.id });
    });

    it('serves contact sheets and the embedding map at versioned URLs, drawn again only when the group changes', async () => {
      const pictures = async () => (await gql(server, PICTURES, { id: groupId })).group;
      const fetchPicture = async (url: string, contentType: string) => {
        const response = await fetch(url);
        expect(response.status, url).toBe(200);
        expect(response.headers.get('content-type')).toBe(contentType);
        return Buffer.from(await response.arrayBuffer());
      };
      const sheetOf = (person: { sheetUrl: string }) => fetchPicture(person.sheetUrl, 'image/jpeg');
      // What a picture URL names (path and version), without its signature, which changes as time goes by.
      const unsigned = (value: unknown): unknown => {
        if (typeof value === 'string' && value.startsWith('http')) {
          const url = new URL(value);
          return `${url.pathname}?v=${url.searchParams.get('v')}`;
        }
        if (Array.isArray(value)) return value.map(unsigned);
        if (value && typeof value === 'object')
          return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unsigned(v)]));
        return value;
      };
      const before = await pictures();
      const [mel, second] = before.persons.nodes;
      expect(new URL(mel.sheetUrl).pathname).toBe(`/groups/${groupId}/persons/${mel.id}/sheet.jpg`);

      // Sheets have the report's layouts: a tile per face, or per person of 2+ faces on the overview.
      const dimensions = async (bytes: Buffer) => {
        const { format, width, height } = await sharp(bytes).metadata();
        return { format, width, height };
      };
      const sizeOf = ({ width, height }: { width: number; height: number }) => ({ format: 'jpeg', width, height });
      const sizes: number[] = before.persons.nodes.map((p: { faceCount: number }) => p.faceCount);
      const melSheet = await sheetOf(mel);
      expect(await dimensions(melSheet)).toEqual(sizeOf(personSheetLayout(mel.faceCount)));
      expect(await dimensions(await fetchPicture(before.overviewSheetUrl, 'image/jpeg'))).toEqual(
        sizeOf(overviewLayout(sizes.filter((faces) => faces >= MIN_PERSON_FACES).length)),
      );
      expect(await dimensions(await fetchPicture(before.unassignedSheetUrl, 'image/jpeg'))).toEqual(
        sizeOf(unassignedSheetLayout(before.counts.unassignedFaces + sizes.filter((faces) => faces < MIN_PERSON_FACES).length)),
      );
      const svg = (await fetchPicture(before.mapSvg, 'image/svg+xml')).toString();
      expect(svg).toContain(mel.id);
      const [, svgWidth, svgHeight] = /<svg [^>]*width="(\d+)" height="(\d+)"/.exec(svg)!;
      expect(await sharp(await fetchPicture(before.mapPng, 'image/png')).metadata()).toMatchObject({
        format: 'png',
        width: Number(svgWidth),
        height: Number(svgHeight),
      });
      // Repeats are read from the data folder, under the version in the URL.
      expect(await sheetOf(mel)).toEqual(melSheet);
      const cached = await readdir(join(work, 'data', 'pictures', groupId), { recursive: true });
      expect(cached).toContain(`persons/${mel.id}-${new URL(mel.sheetUrl).searchParams.get('v')}.jpg`);

      // Hiding a person changes the overview only.
      await gql(server, `mutation($id: ID!) { setPersonHidden(personId: $id, hidden: true) { id } }`, { id: second.id });
      const hidden = await pictures();
      expect(unsigned(hidden.overviewSheetUrl)).not.toBe(unsigned(before.overviewSheetUrl));
      expect(unsigned([hidden.unassignedSheetUrl, hidden.mapPng])).toEqual(unsigned([before.unassignedSheetUrl, before.mapPng]));
      await gql(server, `mutation($id: ID!) { setPersonHidden(personId: $id, hidden: false) { id } }`, { id: second.id });
      expect(unsigned((await pictures()).overviewSheetUrl)).toBe(unsigned(before.overviewSheetUrl));

      // A rename changes the person's sheet, not another person's.
      await gql(server, `mutation($id: ID!) { renamePerson(personId: $id, name: "Pictured") { id } }`, { id: mel.id });
      const renamed = await pictures();
      const renamedMel = renamed.persons.nodes.find((p: { id: string }) => p.id === mel.id);
      expect(unsigned(renamedMel.sheetUrl)).not.toBe(unsigned(mel.sheetUrl));
      expect(unsigned(renamed.persons.nodes.find((p: { id: string }) => p.id === second.id).sheetUrl)).toBe(
        unsigned(second.sheetUrl),
      );
      const renamedSheet = await sheetOf(renamedMel);
      expect(renamedSheet).not.toEqual(melSheet);
      expect(await dimensions(renamedSheet)).toEqual(sizeOf(personSheetLayout(mel.faceCount)));

      // A merge gives a sheet of all the faces; the merged-away person and its sheet are gone, also from the map.
      await gql(server, `mutation($t: ID!, $s: [ID!]!) { mergePersons(targetId: $t, sourceIds: $s) { person { id } } }`, {
        t: mel.id,
        s: [second.id],
      });
      const merged = await pictures();
      const mergedMel = merged.persons.nodes.find((p: { id: string }) => p.id === mel.id);
      expect(mergedMel.faceCount).toBe(mel.faceCount + second.faceCount);
      expect(await dimensions(await sheetOf(mergedMel))).toEqual(sizeOf(personSheetLayout(mergedMel.faceCount)));
      const gone = await fetch(second.sheetUrl);
      expect(gone.status).toBe(404);
      expect(await gone.json()).toEqual({
        error: { code: 'NOT_FOUND', message: `person ${second.id} not found in group ${groupId}` },
      });
      expect(unsigned(merged.mapSvg)).not.toBe(unsigned(before.mapSvg));
      expect((await fetchPicture(merged.mapSvg, 'image/svg+xml')).toString()).not.toContain(second.id);

      // Undoing both restores the first versions, and the very same pictures.
      for (let i = 0; i < 2; i++) {
        const { group } = await gql(server, `query($id: ID!) { group(id: $id) { corrections { nodes { id undoneAt } } } }`, {
          id: groupId,
        });
        const latest = group.corrections.nodes.find((c: { undoneAt: string | null }) => c.undoneAt === null);
        await gql(server, `mutation($id: ID!) { undoCorrection(id: $id) { id } }`, { id: latest.id });
      }
      const restored = await pictures();
      expect(unsigned(restored)).toEqual(unsigned(before));
      expect(await sheetOf(mel)).toEqual(melSheet);

      // A picture URL works as the API signed it, and not otherwise.
      const withoutSignature = new URL(merged.overviewSheetUrl);
      withoutSignature.searchParams.delete('signature');
      expect((await fetch(withoutSignature)).status).toBe(403);
    });

    it('answers an image with its faces and their persons', async () => {
      const [mel] = await persons();
      const { person } = await gql(server, PERSON, { id: mel.id });
      const { group } = await gql(server, `query($id: ID!) { group(id: $id) { images(first: 100) { nodes { id key } } } }`, {
        id: groupId,
      });
      const imageId = group.images.nodes.find((i: { key: string }) => i.key === person.images.nodes[0].key).id;
      const { image } = await gql(
        server,
        `query($id: ID!) { image(id: $id) {
        status width height faces { id score box { x y width height } landmarks { x y } thumbnailUrl person { id name } }
      } }`,
        { id: imageId },
      );
      expect(image.status).toBe('ANALYSED');
      expect(image.faces.some((f: { person: { id: string } | null }) => f.person?.id === mel.id)).toBe(true);
      for (const face of image.faces) {
        expect(face.landmarks).toHaveLength(5);
        expect(face.box.x + face.box.width).toBeLessThanOrEqual(image.width + 1);
      }
    });

    it('accepts uploads and refuses to mix persons of different groups', async () => {
      const other = (await gql(server, `mutation { createGroup(name: "other") { id } }`)).createGroup.id;
      const form = new FormData();
      form.append('user', 'dee');
      form.append('photo', new Blob([await readFile(join(devPhotos, UPLOAD_PHOTO))], { type: 'image/jpeg' }), UPLOAD_PHOTO);
      const response = await fetch(`${server.url}/groups/${other}/uploads`, {
        method: 'POST',
        body: form,
        headers: authorization(server),
      });
      expect(response.status).toBe(202);
      await waitForGroupJobs(server, other);
      const { group } = await gql(server, `query($id: ID!) { group(id: $id) { counts { images } persons { nodes { id } } } }`, {
        id: other,
      });
      expect(group.counts.images).toBe(1);

      const [mel] = await persons();
      const mixed = await gqlError(
        server,
        `mutation($t: ID!, $s: [ID!]!) { mergePersons(targetId: $t, sourceIds: $s) { person { id } } }`,
        {
          t: mel.id,
          s: [group.persons.nodes[0].id],
        },
      );
      // A person of another group is not found from this one: nothing moves across groups.
      expect(mixed).toMatchObject({ code: 'NOT_FOUND', message: `person ${group.persons.nodes[0].id} not found` });

      const text = new FormData();
      text.append('photo', new Blob(['just text, no photo']), 'notes.jpg');
      const refused = await fetch(`${server.url}/groups/${other}/uploads`, {
        method: 'POST',
        body: text,
        headers: authorization(server),
      });
      expect(refused.status).toBe(415);
      expect((await refused.json()).error.code).toBe('UNSUPPORTED_IMAGE');
    });

    it('answers typed errors and writes nothing on a failed mutation', async () => {
      const unknown = '00000000-0000-4000-8000-000000000000';
      expect((await gqlError(server, `query($id: ID!) { group(id: $id) { id } }`, { id: unknown })).code).toBe('NOT_FOUND');
      const invalid = await gqlError(
        server,
        `mutation($g: ID!, $u: UrlMap!) { addImagesFromUrls(groupId: $g, urls: $u) { id } }`,
        {
          g: groupId,
          u: { good: `${photos.url}/photos/${URL_PHOTOS[0]}`, bad: 'ftp://example.com/a.jpg' },
        },
      );
      expect(invalid.code).toBe('BAD_USER_INPUT');
      const jobs = await gql(server, `query($id: ID!) { group(id: $id) { jobs { nodes { id } } } }`, { id: groupId });
      expect(jobs.group.jobs.nodes).toHaveLength(3);
      const merge = await gqlError(
        server,
        `mutation($t: ID!) { mergePersons(targetId: $t, sourceIds: ["${unknown}"]) { person { id } } }`,
        {
          t: (await persons())[0].id,
        },
      );
      expect(merge.code).toBe('NOT_FOUND');
    });

    it('keeps merges, moves and names through a regroup', async () => {
      const [first, second, third] = await persons();
      const faceIds = async (id: string) =>
        (await gql(server, PERSON, { id })).person.faces.nodes.map((f: { id: string }) => f.id).sort();
      await gql(server, `mutation($id: ID!) { renamePerson(personId: $id, name: "Kept") { id } }`, { id: second.id });
      // A merge grouping alone would not make, and a face moved out to a person of its own.
      await gql(server, `mutation($t: ID!, $s: [ID!]!) { mergePersons(targetId: $t, sourceIds: $s) { person { id } } }`, {
        t: second.id,
        s: [third.id],
      });
      const merged = await faceIds(second.id);
      const movedFace = (await faceIds(first.id))[0];
      const moved = await gql(server, `mutation($f: [ID!]!) { moveFaces(faceIds: $f, personId: null) { person { id } } }`, {
        f: [movedFace],
      });

      await gql(server, `mutation($g: ID!) { regroup(groupId: $g) { id } }`, { g: groupId });
      expect((await gql(server, PERSON, { id: second.id })).person.name).toBe('Kept');
      expect(await faceIds(second.id)).toEqual(expect.arrayContaining(merged));
      expect(await faceIds(moved.moveFaces.person.id)).toEqual([movedFace]);
      expect(await faceIds(first.id)).not.toContain(movedFace);
    });

    it('keeps everything across a restart', async () => {
      // Thumbnail URLs name the server's address, which changes with the port.
      const state = async () => (await persons()).map((p) => ({ ...p, thumbnailUrl: new URL(p.thumbnailUrl).pathname }));
      const before = await state();
      const { group: correctionsBefore } = await gql(
        server,
        `query($id: ID!) { group(id: $id) { corrections { nodes { id kind undoneAt } } } }`,
        { id: groupId },
      );
      await server.stop();
      // No private-address allowance this time, and only the test's folder may be read by path.
      server = await startServer({ ...env(), IMPORT_ROOTS: work });
      expect(await state()).toEqual(before);
      const { group } = await gql(
        server,
        `query($id: ID!) { group(id: $id) { counts { images } corrections { nodes { id kind undoneAt } } } }`,
        { id: groupId },
      );
      expect(group.counts.images).toBe(UNIQUE_PHOTOS);
      expect(group.corrections).toEqual(correctionsBefore.corrections);

      const forbidden = await gqlError(
        server,
        `mutation($g: ID!, $u: UrlMap!) { addImagesFromUrls(groupId: $g, urls: $u) { id } }`,
        {
          g: groupId,
          u: { local: `${photos.url}/photos/${URL_PHOTOS[0]}` },
        },
      );
      expect(forbidden.code).toBe('FORBIDDEN_ADDRESS');
      const outside = await gqlError(
        server,
        `mutation($g: ID!, $paths: [String!]!) { addImagesFromPaths(groupId: $g, paths: $paths) { id } }`,
        {
          g: groupId,
          paths: [join(devPhotos, PATH_PHOTOS[0])],
        },
      );
      expect(outside.code).toBe('FORBIDDEN_PATH');
      const inside = await gql(server, `mutation($path: String!) { importFolder(path: $path) { total } }`, {
        path: join(work, 'images'),
      });
      expect(inside.importFolder[0].total).toBe(FOLDER_PHOTOS.length);
    });
  });
}
