import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, checkoutRoot, devPhoto, SUGGESTING_PHOTOS as PHOTOS } from './support/fixtures.js';
import { gql } from './support/graphql.js';
import { type RunningServer, startServer } from './support/server.js';

const execFileAsync = promisify(execFile);

/**
 * The People app (packages/web) in headless Chromium against a spawned server on SQLite, with real dev photos:
 * upload through the page's file input (and a drop), persons appearing live, rename, merge, a suggestion answered "different",
 * undo, deleting a photo and forgetting a person; then the people grid and a person at phone width. What the page
 * shows is read from the DOM and compared with what the API says.
 */

const WEB = join(checkoutRoot, 'packages', 'web');
const SCREENSHOTS = join(checkoutRoot, 'test', 'screenshots');
const KEY_STORAGE = 'facegroup.apiKey';
const UUID = /[0-9a-f-]{36}/;

/** Builds the app when its build is missing or older than its sources, as scripts/setup.sh does. */
async function buildApp(): Promise<void> {
  const index = join(WEB, 'dist', 'index.html');
  const newest = (path: string): number =>
    statSync(path).isDirectory()
      ? Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))))
      : statSync(path).mtimeMs;
  const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => join(WEB, name));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newest))) return;
  await execFileAsync('pnpm', ['--filter', '@facegroup/web', 'build'], { cwd: checkoutRoot });
}

interface ApiPerson {
  id: string;
  name: string | null;
  photoCount: number;
  faceCount: number;
}

describe('People app in headless Chromium', () => {
  let work: string;
  let server: RunningServer;
  let browser: Browser;
  let groupId = '';
  /** Requests the pages made to anything but the server: the app must need nothing else. */
  const outside: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await buildApp();
    await mkdir(SCREENSHOTS, { recursive: true });
    work = await mkdtemp(join(tmpdir(), 'facegroup-app-'));
    server = await startServer({ DATA_DIR: join(work, 'data') });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** A browser context that may reach the server alone; `signedIn` puts the key where the sign-in field would. */
  async function newContext(options: Parameters<Browser['newContext']>[0], signedIn: boolean): Promise<BrowserContext> {
    const context = await browser.newContext(options);
    await context.route('**/*', (route) => {
      const url = new URL(route.request().url());
      if (url.origin === server.url || url.protocol === 'data:') return route.continue();
      outside.push(url.href);
      return route.abort();
    });
    if (signedIn)
      await context.addInitScript(([name, key]) => localStorage.setItem(name, key), [KEY_STORAGE, server.key] as const);
    return context;
  }

  function watch(page: Page): Page {
    page.on('pageerror', (error) => pageErrors.push(error.message));
    return page;
  }

  /** A full-page screenshot once every picture is loaded (lazy ones below the fold too). */
  async function shot(page: Page, name: string): Promise<void> {
    await page.evaluate(async () => {
      const images = [...document.images];
      for (const image of images) image.loading = 'eager';
      await Promise.all(images.map((image) => image.decode().catch(() => undefined)));
    });
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  const apiPersons = async (): Promise<ApiPerson[]> =>
    (
      await gql(server, 'query($g: ID!) { group(id: $g) { persons(first: 500) { nodes { id name photoCount faceCount } } } }', {
        g: groupId,
      })
    ).group.persons.nodes;

  /** The persons of the grid as shown: id, name and photo count of each card, in order. */
  const gridPersons = (page: Page) =>
    page.$$eval('.person-card', (cards) =>
      cards.map((card) => ({
        id: (card as HTMLElement).dataset.personId ?? '',
        name: card.querySelector('.person-name')?.textContent,
        photos: Number(card.querySelector('.person-photos')?.textContent),
      })),
    );
  const asShown = (persons: ApiPerson[]) => persons.map((p) => ({ id: p.id, name: p.name || 'Unnamed', photos: p.photoCount }));
  const sortedById = <T extends { id?: string }>(list: T[]) => [...list].sort((a, b) => String(a.id).localeCompare(String(b.id)));

  /** One of a group's tabs (the header's "People" is the app's name, a link to the groups). */
  const tab = (page: Page, name: string) =>
    page.getByRole('navigation', { name: 'Group' }).getByRole('link', { name, exact: true });

  const node = async (id: string) => (await gql(server, 'query($id: ID!) { node(id: $id) { id } }', { id })).node;

  it("is served at /app: index.html for the app's paths, hashed assets cached for good, gzip, nothing outside the build", async () => {
    for (const path of ['/app', '/app/', `/app/g/${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}/p/x`]) {
      const page = await fetch(`${server.url}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(await page.text()).toContain('<div id="root">');
    }
    const html = await (await fetch(`${server.url}/app/`)).text();
    const script = /src="(\/app\/assets\/[^"]+\.js)"/.exec(html)![1];
    const plain = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(plain.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(plain.headers.get('content-encoding')).toBeNull();
    const body = await plain.text();
    // fetch undoes the gzip it asked for: the same script, fewer bytes on the wire.
    const gzipped = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gzipped.headers.get('content-encoding')).toBe('gzip');
    expect(Number(gzipped.headers.get('content-length'))).toBeLessThan(body.length / 2);
    expect(await gzipped.text()).toBe(body);
    for (const path of ['/app/assets/missing.js', '/app/..%2f..%2fpackage.json', '/app/%2e%2e%2f%2e%2e%2fREADME.md']) {
      expect((await fetch(`${server.url}${path}`)).status).toBe(404);
    }
    expect((await fetch(`${server.url}/app/`, { method: 'POST' })).status).toBe(405);
  });

  it('uploads photos, shows persons live, renames, merges, answers a suggestion, undoes, deletes and forgets', {
    timeout: 420_000,
  }, async () => {
    const context = await newContext({ viewport: { width: 1280, height: 800 } }, false);
    const page = watch(await context.newPage());
    const socketFrames: string[] = [];
    page.on('websocket', (socket) => socket.on('framereceived', (frame) => socketFrames.push(String(frame.payload))));

    // Sign in with the key, then make a group: the app goes on to its upload screen.
    await page.goto(`${server.url}/app`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('The API needs your key');
    await page.fill('#api-key', server.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.fill('#group-name', 'Lisbon trip');
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.waitForURL(/\/app\/g\/[0-9a-f-]{36}\/upload$/);
    groupId = UUID.exec(page.url())![0];
    const groups = (await gql(server, '{ groups { nodes { id name } } }')).groups.nodes;
    expect(groups).toEqual([{ id: groupId, name: 'Lisbon trip' }]);

    // A second tab shows the empty people grid and stays open, never reloaded, while the photos go up.
    const grid = watch(await context.newPage());
    const gridFrames: string[] = [];
    grid.on('websocket', (socket) => socket.on('framereceived', (frame) => gridFrames.push(String(frame.payload))));
    await grid.goto(`${server.url}/app/g/${groupId}`);
    await grid.getByText('No persons yet').waitFor();
    await grid.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    // Upload by the page's file input at 2 MiB/s (5 MB in all): one row per file, seen part-way and then at 100 %;
    // then the analysis runs to its end.
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    const throttle = (uploadThroughput: number) =>
      cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput });
    await throttle(2 * 1024 * 1024);
    await page.evaluate(() => {
      const state = window as unknown as { partial: number; sampler: number };
      state.partial = 0;
      state.sampler = window.setInterval(() => {
        for (const bar of document.querySelectorAll<HTMLProgressElement>('.upload progress'))
          if (bar.value > 0 && bar.value < bar.max) state.partial++;
      }, 20);
    });
    await page.setInputFiles('input[type=file]', PHOTOS.map(devPhoto));
    await expect.poll(() => page.locator('.upload').count()).toBe(PHOTOS.length);
    await expect.poll(() => page.locator('.upload.is-uploaded').count(), { timeout: 60_000 }).toBe(PHOTOS.length);
    const progress = await page.$$eval('.upload progress', (bars) =>
      bars.map((bar) => (bar as HTMLProgressElement).value / (bar as HTMLProgressElement).max),
    );
    expect(progress).toEqual(PHOTOS.map(() => 1));
    const partial = await page.evaluate(() => {
      const state = window as unknown as { partial: number; sampler: number };
      clearInterval(state.sampler);
      return state.partial;
    });
    expect(partial).toBeGreaterThan(0);
    await throttle(-1);
    await page.locator('.job.is-done').waitFor({ timeout: 240_000 });
    const jobText = await page.locator('.job-text').textContent();
    expect(jobText).toContain(`Done: ${PHOTOS.length} of ${PHOTOS.length} photos`);
    expect(jobText).not.toContain('not live');
    expect(socketFrames.some((frame) => frame.includes('"jobProgress"'))).toBe(true);
    const images = (await gql(server, 'query($g: ID!) { group(id: $g) { counts { images analysedImages } } }', { g: groupId }))
      .group.counts;
    expect(images).toEqual({ images: PHOTOS.length, analysedImages: PHOTOS.length });
    await shot(page, '00-upload');

    // The other tab now shows the persons the API has, with their names and photo counts, without a reload.
    await expect
      .poll(
        async () =>
          JSON.stringify(sortedById(await gridPersons(grid))) === JSON.stringify(sortedById(asShown(await apiPersons()))),
        {
          timeout: 60_000,
        },
      )
      .toBe(true);
    expect((await apiPersons()).length).toBeGreaterThanOrEqual(6);
    expect(await grid.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(gridFrames.some((frame) => frame.includes('"groupEvents"'))).toBe(true);
    await shot(grid, '01-people-live');
    await grid.close();

    // Load time: a fresh tab (nothing cached) from navigation to the grid's first person visible.
    const cold = watch(await (await newContext({ viewport: { width: 1280, height: 800 } }, true)).newPage());
    await cold.goto(`${server.url}/app/g/${groupId}`);
    // Read in the page: milliseconds since its navigation started.
    const visibleAt = await (
      await cold.waitForFunction(() => document.querySelector('.person-card img') && Math.round(performance.now()), undefined, {
        polling: 'raf',
      })
    ).jsonValue();
    const navigation = await cold.evaluate(() => {
      const entry = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return { domContentLoaded: Math.round(entry.domContentLoadedEventEnd) };
    });
    console.log(
      `app load: ${visibleAt} ms from navigation to the people grid visible, nothing cached (DOMContentLoaded at ${navigation.domContentLoaded} ms)`,
    );
    expect(visibleAt).toBeGreaterThan(0);
    await cold.context().close();

    // Keyboard: Tab reaches the first person's link (focus visible), Enter opens the person.
    await page.goto(`${server.url}/app/g/${groupId}`);
    await page.locator('.person-card').first().waitFor();
    const first = await gridPersons(page).then((persons) => persons[0]);
    let focused = '';
    for (let presses = 0; presses < 40 && !focused.includes('person-link'); presses++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate(() => document.activeElement?.className ?? '');
    }
    expect(focused).toContain('person-link');
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/app/g/${groupId}/p/${first.id}$`));

    // Rename inline: the page shows the new name, and so does the API.
    await page.getByRole('button', { name: 'Rename' }).click();
    await page.fill('#person-name', 'Ann Example');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.locator('h2.person-title').textContent()).toBe('Ann Example');
    const renamed = await gql(server, 'query($id: ID!) { person(id: $id) { name faceCount photoCount } }', { id: first.id });
    expect(renamed.person.name).toBe('Ann Example');
    expect(await page.locator('.face-card').count()).toBe(renamed.person.faceCount);
    expect(await page.locator('.person-page .photo-grid li').count()).toBe(renamed.person.photoCount);
    // Another face as the cover: the API's cover is the one the page marks.
    if (renamed.person.faceCount > 1) {
      const secondFace = page.locator('.face-card').nth(1);
      await secondFace.getByRole('button', { name: 'Make cover' }).click();
      await expect.poll(() => page.locator('.face-card').nth(1).getAttribute('class')).toContain('is-cover');
      const cover = await gql(
        server,
        'query($id: ID!) { person(id: $id) { coverFace { id } faces(first: 500) { nodes { id } } } }',
        {
          id: first.id,
        },
      );
      expect(cover.person.coverFace.id).toBe(cover.person.faces.nodes[1].id);
    }
    await shot(page, '02-person-renamed');

    // The suggestions the API makes, before anything else changes the persons.
    const suggestionsQuery = 'query($g: ID!) { group(id: $g) { mergeSuggestions { a { id } b { id } similarity } } }';
    const suggestions: { a: { id: string }; b: { id: string } }[] = (await gql(server, suggestionsQuery, { g: groupId })).group
      .mergeSuggestions;
    expect(suggestions.length).toBeGreaterThan(0);
    const suggested = new Set(suggestions.flatMap((s) => [s.a.id, s.b.id]));

    // Merge: select two persons outside the suggestions on the grid; the one with more photos stays.
    await tab(page, 'People').click();
    await page.locator('.person-card').first().waitFor();
    const before = await apiPersons();
    const [small, smaller] = before
      .filter((person) => !suggested.has(person.id) && person.id !== first.id)
      .sort((a, b) => b.photoCount - a.photoCount)
      .slice(-2);
    const [target, source] = smaller.photoCount > small.photoCount ? [smaller, small] : [small, smaller];
    await page.locator(`.person-card[data-person-id="${small.id}"] input[type=checkbox]`).check();
    await page.locator(`.person-card[data-person-id="${smaller.id}"] input[type=checkbox]`).check();
    await page.getByRole('button', { name: 'Merge 2 persons' }).click();
    await expect.poll(() => page.locator(`.person-card[data-person-id="${source.id}"]`).count()).toBe(0);
    expect(await node(source.id)).toBeNull();
    const after = await apiPersons();
    expect(after.length).toBe(before.length - 1);
    await expect
      .poll(async () => JSON.stringify(sortedById(await gridPersons(page))))
      .toBe(JSON.stringify(sortedById(asShown(after))));
    expect(after.find((person) => person.id === target.id)!.faceCount).toBe(target.faceCount + source.faceCount);
    await shot(page, '03-merged');

    // Review: the page lists the API's suggestions; "Different people" on the first keeps them apart.
    await tab(page, 'Review').click();
    await page.locator('.suggestion').first().waitFor();
    // A regroup follows each correction a few seconds later (the merge's too), and the page follows its events.
    const shownPairs = () =>
      page.$$eval('.suggestion', (items) =>
        items.map((item) => `${(item as HTMLElement).dataset.a}|${(item as HTMLElement).dataset.b}`),
      );
    const apiPairs = async () =>
      (await gql(server, suggestionsQuery, { g: groupId })).group.mergeSuggestions.map(
        (s: { a: { id: string }; b: { id: string } }) => `${s.a.id}|${s.b.id}`,
      );
    await expect.poll(async () => JSON.stringify(await shownPairs()) === JSON.stringify(await apiPairs())).toBe(true);
    expect((await shownPairs()).length).toBeGreaterThan(0);
    await shot(page, '04-review');
    const pair = page.locator('.suggestion').first();
    const [a, b] = [await pair.getAttribute('data-a'), await pair.getAttribute('data-b')];
    await pair.getByRole('button', { name: 'Different people' }).click();
    const suggestionOf = (x: string | null, y: string | null) =>
      page.locator(`.suggestion[data-a="${x}"][data-b="${y}"], .suggestion[data-a="${y}"][data-b="${x}"]`);
    await expect.poll(() => suggestionOf(a, b).count()).toBe(0);
    const latest = async () =>
      (
        await gql(server, 'query($g: ID!) { group(id: $g) { corrections(first: 1) { nodes { id kind undoneAt } } } }', {
          g: groupId,
        })
      ).group.corrections.nodes[0];
    expect(await latest()).toMatchObject({ kind: 'DIFFERENT_PERSONS', undoneAt: null });

    // Undo in the history: the latest correction (the "different") is undone, and the pair is suggested again.
    await tab(page, 'History').click();
    const newest = page.locator('.correction').first();
    await newest.waitFor();
    expect(await newest.getAttribute('data-kind')).toBe('DIFFERENT_PERSONS');
    await newest.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.locator('.correction').first().getAttribute('class')).toContain('is-undone');
    expect((await latest()).undoneAt).not.toBeNull();
    await shot(page, '05-history-undone');
    await tab(page, 'Review').click();
    await suggestionOf(a, b).waitFor({ timeout: 30_000 });

    // The photo viewer: faces framed and named as the API has them; arrows step, Escape closes.
    await tab(page, 'Photos').click();
    await page.locator('.photo-button').first().waitFor();
    const imageCount = async () =>
      (await gql(server, 'query($g: ID!) { group(id: $g) { images(first: 1) { totalCount } } }', { g: groupId })).group.images
        .totalCount;
    expect(await page.locator('.photo-button').count()).toBe(await imageCount());

    // Photos with these persons together: the two in the Obama and Biden photo appear together in that one alone.
    const photoPersons = (
      await gql(server, 'query($g: ID!) { group(id: $g) { images(first: 500) { nodes { key faces { person { id } } } } } }', {
        g: groupId,
      })
    ).group.images.nodes
      .find((image: any) => image.key === 'afr_48f25a2b.jpg')
      .faces.flatMap((face: any) => (face.person ? [face.person.id] : []));
    expect(photoPersons).toHaveLength(2);
    for (const id of photoPersons) await page.locator(`.chips li[data-person-id="${id}"] input`).check();
    await expect.poll(() => page.url()).toContain(`with=${photoPersons.map(encodeURIComponent).join('%2C')}`);
    const together = (
      await gql(
        server,
        'query($g: ID!, $p: [ID!]) { group(id: $g) { images(personIds: $p, match: ALL) { totalCount nodes { key } } } }',
        { g: groupId, p: photoPersons },
      )
    ).group.images;
    expect(together.nodes.map((image: any) => image.key)).toEqual(['afr_48f25a2b.jpg']);
    await expect
      .poll(async () =>
        (await page.locator('.photo-button').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('aria-label')))).join(),
      )
      .toBe('Open photo afr_48f25a2b.jpg');
    expect(await page.locator('#photos-title .count').textContent()).toBe(String(together.totalCount));
    await shot(page, '06-photos-together');
    await page.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => page.locator('.photo-button').count()).toBe(await imageCount());
    // The photo with Obama and Biden: two faces, two names.
    const photoWithTwo = page.locator('.photo-button[aria-label="Open photo afr_48f25a2b.jpg"]');
    await photoWithTwo.click();
    const viewer = page.getByRole('dialog', { name: 'Photo viewer' });
    await viewer.locator('.viewer-frame img').waitFor();
    await expect.poll(() => viewer.locator('.viewer-frame img').evaluate((img) => (img as HTMLImageElement).complete)).toBe(true);
    const imageId = (await viewer.getAttribute('data-image-id'))!;
    const photo = (await gql(server, 'query($id: ID!) { image(id: $id) { key faces { person { name } } } }', { id: imageId }))
      .image;
    expect(photo.key).toBe('afr_48f25a2b.jpg');
    const boxNames = await viewer.locator('.face-label').allTextContents();
    expect(boxNames.sort()).toEqual(
      photo.faces.map((face: any) => face.person?.name || (face.person ? 'Unnamed' : 'Unassigned')).sort(),
    );
    await shot(page, '07-viewer');
    const position = () => viewer.locator('.viewer-title').textContent();
    const at = await position();
    await page.keyboard.press('ArrowRight');
    await expect.poll(position).not.toBe(at);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(position).toBe(at);
    await page.keyboard.press('Escape');
    await expect.poll(() => viewer.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Open photo afr_48f25a2b.jpg');

    // Delete that photo from the viewer: gone from the API and from the page.
    const imagesBefore = await imageCount();
    await photoWithTwo.click();
    await viewer.getByRole('button', { name: 'Delete photo' }).click();
    await viewer.getByRole('button', { name: 'Delete photo' }).click();
    await expect.poll(() => node(imageId)).toBeNull();
    expect(await imageCount()).toBe(imagesBefore - 1);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.locator('.photo-button').count()).toBe(imagesBefore - 1);

    // Forget a person from their page: back on the grid without them; the API no longer has them.
    const forgotten = (await apiPersons()).find((person) => person.id !== first.id)!;
    await page.goto(`${server.url}/app/g/${groupId}/p/${forgotten.id}`);
    await page.getByRole('button', { name: 'Forget', exact: true }).click();
    await page.getByRole('button', { name: 'Forget person' }).click();
    await page.waitForURL(new RegExp(`/app/g/${groupId}$`));
    await expect.poll(() => page.locator(`.person-card[data-person-id="${forgotten.id}"]`).count()).toBe(0);
    expect(await node(forgotten.id)).toBeNull();
    await expect
      .poll(async () => JSON.stringify(sortedById(await gridPersons(page))))
      .toBe(JSON.stringify(sortedById(asShown(await apiPersons()))));
    await shot(page, '08-after-forget');

    // Unassigned faces with their reasons, as many as the API counts; the embedding map and the contact sheets.
    // Faces of a person: one is "not this person", another moves to a new person.
    await page.goto(`${server.url}/app/g/${groupId}/p/${first.id}`);
    await page.locator('.face-card').first().waitFor();
    const facesOf = async (id: string) =>
      (
        await gql(server, 'query($id: ID!) { person(id: $id) { faces(first: 500) { nodes { id } } } }', { id })
      ).person.faces.nodes.map((face: { id: string }) => face.id);
    const ownFaces = await facesOf(first.id);
    expect(await page.locator('.face-card').count()).toBe(ownFaces.length);
    await page.locator('.face-card').first().getByLabel('Select').check();
    await page.getByRole('button', { name: 'Not this person' }).click();
    await expect.poll(() => page.locator('.face-card').count()).toBe(ownFaces.length - 1);
    await expect.poll(() => facesOf(first.id)).toEqual(ownFaces.slice(1));
    // Out of any person, for that reason (the face has its reasons once the change is grouped).
    const outFace = async () =>
      (await gql(server, 'query($id: ID!) { face(id: $id) { person { id } unassigned { reasons } } }', { id: ownFaces[0] })).face;
    await expect
      .poll(outFace)
      .toMatchObject({ person: null, unassigned: { reasons: expect.arrayContaining(['not this person']) } });
    await page.locator('.face-card').first().getByLabel('Select').check();
    await page.getByLabel('Move to').selectOption('new');
    await page.getByRole('button', { name: 'Move', exact: true }).click();
    await expect.poll(() => page.locator('.face-card').count()).toBe(ownFaces.length - 2);
    const moved = (await gql(server, 'query($id: ID!) { face(id: $id) { person { id faceCount } } }', { id: ownFaces[1] })).face
      .person;
    expect(moved.id).not.toBe(first.id);
    expect(moved.faceCount).toBe(1);
    await shot(page, '09-faces-moved');

    await tab(page, 'Unassigned').click();
    const unassigned = (
      await gql(server, 'query($g: ID!) { group(id: $g) { unassignedFaces { totalCount nodes { unassigned { reasons } } } } }', {
        g: groupId,
      })
    ).group.unassignedFaces;
    await expect.poll(() => page.locator('#unassigned-title .count').textContent()).toBe(String(unassigned.totalCount));
    expect(await page.locator('li.unassigned').count()).toBe(unassigned.nodes.length);
    expect(await page.locator('.reasons').allTextContents()).toEqual(
      unassigned.nodes.map((face: any) => face.unassigned.reasons.join('')),
    );
    await shot(page, '10-unassigned');
    await tab(page, 'Map & sheets').click();
    await page.locator('img.picture').first().waitFor();
    await shot(page, '11-map-and-sheets');
    const pictures = await page.$$eval('img.picture', (imgs) => imgs.map((img) => (img as HTMLImageElement).naturalWidth));
    expect(pictures).toHaveLength(3);
    expect(pictures.every((width) => width > 0)).toBe(true);

    // Drag and drop: a photo dropped on the upload area goes up and is analysed like a chosen one.
    await tab(page, 'Upload').click();
    const dropped = 'dfc_0b05b816.jpg';
    const bytes = (await readFile(devPhoto(dropped))).toString('base64');
    const dataTransfer = await page.evaluateHandle(
      ([name, base64]) => {
        const transfer = new DataTransfer();
        const data = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
        transfer.items.add(new File([data], name, { type: 'image/jpeg' }));
        return transfer;
      },
      [dropped, bytes] as const,
    );
    await page.dispatchEvent('.dropzone', 'dragover', { dataTransfer });
    expect(await page.locator('.dropzone').getAttribute('class')).toContain('is-dragging');
    await page.dispatchEvent('.dropzone', 'drop', { dataTransfer });
    await page.locator('.upload.is-uploaded').waitFor();
    expect(await page.locator('.upload-name').allTextContents()).toEqual([dropped]);
    await page.locator('.job.is-done').waitFor({ timeout: 120_000 });
    const keys = (await gql(server, 'query($g: ID!) { group(id: $g) { images(first: 500) { nodes { key } } } }', { g: groupId }))
      .group.images.nodes;
    expect(keys.map((image: { key: string }) => image.key)).toContain(dropped);

    expect(pageErrors).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  });

  it('shows the people grid and a person at phone width (390 px) without scrolling sideways, covers at 2×', {
    timeout: 120_000,
  }, async () => {
    expect(groupId).toMatch(UUID);
    const context = await newContext(
      { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
      true,
    );
    const page = watch(await context.newPage());
    const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

    await page.goto(`${server.url}/app/g/${groupId}`);
    await page.locator('.person-card').first().waitFor();
    await expect.poll(async () => JSON.stringify(await gridPersons(page))).toBe(JSON.stringify(asShown(await apiPersons())));
    // Two columns of cards.
    const lefts = await page.$$eval(
      '.person-card',
      (cards) => new Set(cards.map((card) => card.getBoundingClientRect().left)).size,
    );
    expect(lefts).toBe(2);
    expect(await sideways()).toBeLessThanOrEqual(0);
    // At device pixel ratio 2 the browser picks the 320 px cover the API gives for scale 2.
    const firstId = (await gridPersons(page))[0].id;
    const cover2x = (await gql(server, 'query($id: ID!) { person(id: $id) { thumbnailUrl(scale: 2) } }', { id: firstId })).person
      .thumbnailUrl;
    await expect
      .poll(() =>
        page
          .locator('.person-card .cover')
          .first()
          .evaluate((img) => new URL((img as HTMLImageElement).currentSrc).pathname),
      )
      .toBe(new URL(cover2x).pathname);
    // Its pixels: 320 wide (naturalWidth would report 160, the 2× image's width in CSS pixels).
    const coverWidth = await page
      .locator('.person-card .cover')
      .first()
      .evaluate(async (img) => (await createImageBitmap(await (await fetch((img as HTMLImageElement).currentSrc)).blob())).width);
    expect(coverWidth).toBe(320);
    await shot(page, '12-phone-people');

    await page.locator('.person-link').first().click();
    await page.locator('h2.person-title').waitFor();
    const person = (await gql(server, 'query($id: ID!) { person(id: $id) { name faceCount } }', { id: firstId })).person;
    expect(await page.locator('h2.person-title').textContent()).toBe(person.name || 'Unnamed');
    expect(await page.locator('.face-card').count()).toBe(person.faceCount);
    expect(await sideways()).toBeLessThanOrEqual(0);
    await shot(page, '13-phone-person');

    // The other screens fit too.
    for (const name of ['Upload', 'Review', 'Unassigned', 'Photos', 'History', 'Map & sheets']) {
      await tab(page, name).click();
      await expect.poll(() => tab(page, name).getAttribute('aria-current')).toBe('page');
      await page.locator('main section h2').first().waitFor();
      await page.evaluate(() => Promise.all([...document.images].map((image) => image.decode().catch(() => undefined))));
      expect(await sideways(), name).toBeLessThanOrEqual(0);
    }

    expect(pageErrors).toEqual([]);
    expect(outside).toEqual([]);
    await context.close();
  });
});
