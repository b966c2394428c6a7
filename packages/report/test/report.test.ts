import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  groupFromResult,
  overviewLayout,
  personFaces,
  personSheetLayout,
  personsLargestFirst,
  renderEmbeddingMap,
  renderOverviewSheet,
  renderPersonSheet,
  renderUnassignedSheet,
  unassignedFaces,
  unassignedSheetLayout,
  writeReport,
  type MapPoint,
  type ReportFace,
  type ReportGroup,
  type ScorerReport,
  type SheetLayout,
} from '../src/index.js';
import {
  analyseFixtures,
  decode,
  difference,
  evalDir,
  photoSignature,
  PHOTOS,
  ROTATED,
  tileSignature,
  whiteShare,
  type Analysed,
  type DecodedImage,
} from './fixtures.js';
import { CHROMIUM, CHROMIUM_ARGS } from '../../../test/support/fixtures.js';

/** An Obama photo that the HTML test's labels call Angelina Jolie. */
const MISLABELLED = 'afr_6627630a.jpg';

// One real pipeline run on the fixture photos serves every test (analysis dominates the time on 2 cores).
let analysed: Analysed;
let group: ReportGroup;
/** Every face's box, cut from its photo independently of the package. */
const signatures = new Map<string, Buffer>();
const photoSize = new Map<string, [number, number]>();

beforeAll(async () => {
  analysed = await analyseFixtures();
  group = groupFromResult(analysed.result, analysed.images, analysed.photos);
  for (const image of analysed.result.images) photoSize.set(image.path, [image.width, image.height]);
  const pathOf = new Map(analysed.photos.map((p) => [p.key, p.path]));
  for (const face of group.faces) signatures.set(face.id, await photoSignature(pathOf.get(face.photo)!, face.box));
});

describe('contact sheets of a real grouping', () => {
  /**
   * Whether the tile at (left, top) shows `face`: the tile, cut where the face's box lies, matches the face's own
   * crop from its photo, and more closely than any other face's crop (faces with the very same picture, a photo
   * and its rotated copy, aside).
   */
  async function tileShows(sheet: DecodedImage, left: number, top: number, face: ReportFace): Promise<boolean> {
    const tile = await tileSignature(sheet, left, top, face.box, photoSize.get(face.photo)!);
    const own = signatures.get(face.id)!;
    const distance = difference(tile, own);
    return (
      distance < 15 &&
      group.faces.every((other) => {
        const theirs = signatures.get(other.id)!;
        return other.id === face.id || difference(theirs, own) < 5 || difference(tile, theirs) > distance;
      })
    );
  }

  /** The sheet's size and grid hold exactly `count` tiles: filled cells are pictures, the rest plain background. */
  function expectGrid(sheet: DecodedImage, layout: SheetLayout, count: number) {
    expect(layout.columns).toBe(Math.max(1, Math.min(count, 8)));
    expect(layout.rows).toBe(Math.ceil(count / layout.columns));
    expect([sheet.info.width, sheet.info.height]).toEqual([layout.width, layout.height]);
    for (let i = 0; i < layout.rows * layout.columns; i++) {
      const { left, top } = layout.tile(i);
      if (i < count) expect(whiteShare(sheet, left, top), `cell ${i}`).toBeLessThan(0.3);
      else expect(whiteShare(sheet, left, top), `empty cell ${i}`).toBe(1);
    }
  }

  it('finds the identities, the cast photo faces and the rotated photo to draw', () => {
    const persons = personsLargestFirst(group);
    expect(persons.length).toBeGreaterThanOrEqual(4);
    const rotated = group.faces.find((f) => f.photo === ROTATED)!;
    expect(personFaces(group, rotated.personId!)!.photos).toEqual([ROTATED, PHOTOS.upright[0]]);
    // Persons and unassigned faces together hold every face once.
    const shown = [...persons.flatMap((p) => p.faces), ...unassignedFaces(group)].map((f) => f.id).sort();
    expect(shown).toEqual(group.faces.map((f) => f.id).sort());
    expect(group.faces.filter((f) => f.photo === 'fnp_61efd65f.jpg')).toHaveLength(6);
  });

  it("draws one tile per face of a person, each cut from that person's face, in photo order", async () => {
    for (const { person, faces } of personsLargestFirst(group)) {
      const sheet = await decode(await renderPersonSheet(group, person.id));
      const layout = personSheetLayout(faces.length);
      expectGrid(sheet, layout, faces.length);
      for (const [i, face] of faces.entries()) {
        const { left, top } = layout.tile(i);
        expect(await tileShows(sheet, left, top, face), `${person.id} tile ${i}: ${face.id}`).toBe(true);
      }
    }
  });

  it("shows every person largest first with a cover face of that person's own", async () => {
    const persons = personsLargestFirst(group);
    const sheet = await decode(await renderOverviewSheet(group));
    const layout = overviewLayout(persons.length);
    expectGrid(sheet, layout, persons.length);
    for (const [i, { faces }] of persons.entries()) {
      if (i > 0) expect(faces.length).toBeLessThanOrEqual(persons[i - 1].faces.length);
      const { left, top } = layout.tile(i);
      // The cover is one of the person's faces: try each.
      const shows = await Promise.all(faces.map((face) => tileShows(sheet, left, top, face)));
      expect(shows.some(Boolean), `cover of person ${i}`).toBe(true);
    }
  });

  it('puts faces outside any person of two or more on the unassigned sheet', async () => {
    const faces = unassignedFaces(group);
    // The cast members other than Jennifer Aniston have no other photo here.
    expect(faces.filter((f) => f.photo === 'fnp_61efd65f.jpg').length).toBeGreaterThanOrEqual(5);
    const sheet = await decode(await renderUnassignedSheet(group));
    const layout = unassignedSheetLayout(faces.length);
    expectGrid(sheet, layout, faces.length);
    for (const [i, face] of faces.entries()) {
      const { left, top } = layout.tile(i);
      expect(await tileShows(sheet, left, top, face), face.id).toBe(true);
    }
  });

  it('refuses a person the group does not have', async () => {
    await expect(renderPersonSheet(group, 'nobody')).rejects.toThrow(/no person nobody/);
  });
});

describe('embedding map', () => {
  it('draws every face with an embedding once, framed in its person colour', async () => {
    const map = await renderEmbeddingMap(group);
    expect(map.points).toHaveLength(group.faces.length);
    expect(map.svg.match(/<image /g)).toHaveLength(group.faces.length);
    const png = await decode(map.png);
    expect([png.info.width, png.info.height]).toEqual([1200, 956]);
    // The frame's colour under each point not covered by a point drawn after it.
    const size = frameSize(map.svg);
    map.points.forEach((point, i) => {
      const x = Math.round(point.x - size / 2 + 1);
      const y = Math.round(point.y);
      const covered = map.points
        .slice(i + 1)
        .some((later) => Math.abs(later.x - x) <= size / 2 + 1 && Math.abs(later.y - y) <= size / 2 + 1);
      if (covered) return;
      const at = (y * png.info.width + x) * png.info.channels;
      expect(rgbHex(png.data.subarray(at, at + 3)), point.faceId).toBe(point.colour);
    });
    const colours = new Set(
      personsLargestFirst(group).map((p) => map.points.find((point) => point.personId === p.person.id)!.colour),
    );
    expect(colours.size).toBe(personsLargestFirst(group).length);
  });

  it("places a person's faces nearer each other than to other persons' faces", async () => {
    const { points } = await renderEmbeddingMap(group);
    const persons = personsLargestFirst(group).map((p) => points.filter((point) => point.personId === p.person.id));
    const distance = (a: MapPoint, b: MapPoint) => Math.hypot(a.x - b.x, a.y - b.y);
    for (const own of persons) {
      const others = points.filter((point) => !own.includes(point));
      expect(mean(own.flatMap((a) => own.filter((b) => b !== a).map((b) => distance(a, b))))).toBeLessThan(
        mean(own.flatMap((a) => others.map((b) => distance(a, b)))),
      );
    }
  });

  it('is the same map for the same group, whatever order the faces come in', async () => {
    const first = await renderEmbeddingMap(group);
    const shuffled: ReportGroup = { ...group, faces: [...group.faces].reverse(), persons: [...group.persons].reverse() };
    const second = await renderEmbeddingMap(shuffled);
    expect(second.svg).toBe(first.svg);
    expect(second.png.equals(first.png)).toBe(true);
  });
});

/** The thumbnail size the map chose, read from its first face's frame. */
const frameSize = (svg: string) => Number(/<\/title><rect x="[^"]+" y="[^"]+" width="(\d+)"/.exec(svg)![1]);
const rgbHex = (rgb: Uint8Array) => `#${[...rgb].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / values.length;

describe.skipIf(!existsSync(CHROMIUM))('HTML report in headless Chromium', () => {
  let dir: string;
  let score: ScorerReport;
  let browser: BrowserContext;
  let page: Page;
  const requests: string[] = [];
  const errors: string[] = [];

  beforeAll(async () => {
    // Labels of the fixture photos, one Obama photo deliberately labelled Angelina Jolie: the Obama person then
    // mixes two identities (a wrong merge) and Jolie's photos are split over two persons.
    const work = mkdtempSync(join(tmpdir(), 'report-'));
    const all = JSON.parse(readFileSync(join(evalDir, 'dev', 'labels.json'), 'utf8')).photos;
    const labels = Object.fromEntries(analysed.photos.map((p) => [p.key, all[p.key]]));
    labels[MISLABELLED] = ['angelina_jolie'];
    labels[ROTATED] = all[PHOTOS.upright[0]];
    const labelsFile = join(work, 'labels.json');
    writeFileSync(labelsFile, JSON.stringify({ photos: labels }));
    const predFile = join(work, 'result.json');
    writeFileSync(predFile, JSON.stringify(analysed.result));
    score = JSON.parse(
      execFileSync(process.execPath, [join(evalDir, 'score.mjs'), '--labels', labelsFile, '--pred', predFile, '--json'], {
        encoding: 'utf8',
      }),
    );
    dir = join(work, 'report');
    const index = await writeReport(dir, { ...analysed, evaluation: { score, labelsFile } });

    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-profile-')), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    page = await browser.newPage();
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => message.type() === 'error' && errors.push(message.text()));
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(pathToFileURL(index).href, { waitUntil: 'load' });
    // Lazy images load as they scroll into view; load them all now, failing on any that cannot be decoded.
    await page.locator('img').evaluateAll((images) =>
      Promise.all(
        (images as HTMLImageElement[]).map((img) => {
          img.loading = 'eager';
          return img.decode().then(
            () => null,
            () => img.getAttribute('src'),
          );
        }),
      ).then((failed) => {
        if (failed.some(Boolean)) throw new Error(`images failed to load: ${failed.filter(Boolean).join(', ')}`);
      }),
    );
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads every picture from the report folder, nothing from a network', async () => {
    expect(requests.length).toBeGreaterThan(3);
    for (const url of requests) expect(url).toMatch(/^file:\/\//);
    expect(errors).toEqual([]);
    // Sheets and map are declared with their sizes; the files must have exactly those.
    const images = await page.locator('img').evaluateAll((all) =>
      (all as HTMLImageElement[]).map((img) => ({
        src: img.getAttribute('src'),
        natural: [img.naturalWidth, img.naturalHeight],
        declared: [img.getAttribute('width'), img.getAttribute('height')],
      })),
    );
    expect(images.map((img) => img.src)).toEqual(
      expect.arrayContaining(['overview.jpg', 'map.svg', 'unassigned.jpg', 'persons/1.jpg']),
    );
    for (const { src, natural, declared } of images) {
      expect(natural[0], src!).toBeGreaterThan(0);
      if (declared[0] !== null) expect(natural, src!).toEqual(declared.map(Number));
    }
  });

  it('shows the persons largest first with their sheets and photos, reachable from the overview', async () => {
    const persons = personsLargestFirst(group);
    const articles = page.locator('#persons article');
    await expect.poll(() => articles.count()).toBe(persons.length);
    for (const [i, p] of persons.entries()) {
      const article = articles.nth(i);
      expect(await article.locator('h3').textContent()).toBe(p.person.id);
      expect(await article.locator('.counts').textContent()).toBe(`${p.faces.length} faces in ${p.photos.length} photos`);
      const photoLinks = await article
        .locator('ul.photos a')
        .evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
      expect(photoLinks.map((href) => basename(fileURLToPath(href)))).toEqual(p.photos);
      for (const href of photoLinks) expect(existsSync(fileURLToPath(href)), href).toBe(true);
    }
    const areas = await page.locator('map[name="persons-map"] area').evaluateAll((all) => all.map((a) => a.getAttribute('href')));
    const anchors = await articles.evaluateAll((all) => all.map((a) => `#${a.id}`));
    expect(areas).toEqual(anchors);
    // Clicking the first overview face scrolls to that person.
    await page.locator('#overview img').click({ position: { x: 30, y: 80 } });
    await expect.poll(() => page.evaluate(() => location.hash)).toBe(anchors[0]);
  });

  it('reports the scorer figures and shows the faces of the wrong merge and the split', async () => {
    expect(score.details.personsMixed).toHaveLength(1);
    expect(score.details.identitiesSplit.map((s) => s.identity)).toEqual(['angelina_jolie']);
    const table = await page.locator('#evaluation table').textContent();
    expect(table).toContain(`${score.pairwise.f1.toFixed(4)}`);
    expect(table).toContain(`${score.bcubed.f1.toFixed(4)}`);

    const mixed = score.details.personsMixed[0];
    const merge = page.locator('#evaluation .finding').first();
    expect(await merge.locator('strong').textContent()).toContain(mixed.person);
    // Under "angelina_jolie" in the Obama person: exactly the faces on the mislabelled photo.
    const jolieInMerge = merge.locator('.set', { hasText: 'angelina_jolie' });
    const titles = await jolieInMerge.locator('img').evaluateAll((images) => images.map((img) => img.getAttribute('title')));
    const onMislabelled = group.faces.filter((f) => f.photo === MISLABELLED && f.personId === mixed.person).map((f) => f.id);
    expect(titles).toEqual(onMislabelled);

    const split = page.locator('#evaluation .finding').nth(1);
    const personLinks = await split.locator('.set .heading a').evaluateAll((links) => links.map((a) => a.textContent));
    expect(personLinks).toEqual([...score.details.identitiesSplit[0].persons].sort());
    // Each face tile shown for a finding is the face its title names.
    const shown = await page
      .locator('#evaluation .faces img')
      .evaluateAll((images) => images.map((img) => [img.getAttribute('src'), img.getAttribute('title')]));
    expect(shown.length).toBeGreaterThan(0);
    for (const [src, faceId] of shown) {
      const face = group.faces.find((f) => f.id === faceId)!;
      const tile = await decode(readFileSync(join(dir, src!)));
      expect(
        difference(await tileSignature(tile, 0, 0, face.box, photoSize.get(face.photo)!), signatures.get(face.id)!),
      ).toBeLessThan(15);
    }
  });
});
