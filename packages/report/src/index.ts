import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { AnalysedImage, GroupingResult } from '@facegroup/core';
import sharp from 'sharp';
import { scoreFigures, wrongMerges, wrongSplits, type Evaluation, type FaceSet, type ScorerReport } from './evaluation.js';
import {
  groupFromResult,
  MIN_PERSON_FACES,
  personsLargestFirst,
  unassignedFaces,
  type ReportFace,
  type ReportGroup,
} from './group.js';
import { renderIndexHtml, type PageFinding } from './html.js';
import { renderEmbeddingMap } from './map.js';
import {
  overviewLayout,
  personSheetLayout,
  personTitle,
  renderOverviewSheet,
  renderPersonSheet,
  renderUnassignedSheet,
  unassignedSheetLayout,
} from './sheet.js';
import { count } from './text.js';
import { faceTiles, rawTile, TILE_SIZE } from './tiles.js';

export type { Evaluation, PhotoLabels, ScorerReport, WrongMerge, WrongSplit } from './evaluation.js';
export { scoreFigures, wrongMerges, wrongSplits } from './evaluation.js';
export { fingerprint } from './fingerprint.js';
export type { PersonFaces, PhotoReader, ReportFace, ReportGroup, ReportPerson } from './group.js';
export { coverFace, groupFromResult, MIN_PERSON_FACES, personFaces, personsLargestFirst, unassignedFaces } from './group.js';
export type { EmbeddingMap, MapOptions, MapPoint } from './map.js';
export { renderEmbeddingMap } from './map.js';
export type { SheetLayout, SheetOptions } from './sheet.js';
export {
  overviewLayout,
  personSheetLayout,
  renderOverviewSheet,
  renderPersonSheet,
  renderUnassignedSheet,
  SHEET_CONTENT_TYPE,
  unassignedSheetLayout,
} from './sheet.js';
export { tileSquare, TILE_CONTEXT, TILE_SIZE } from './tiles.js';
export type { TsneOptions } from './tsne.js';
export { tsne } from './tsne.js';

export interface ReportInput {
  result: GroupingResult;
  /** The analysed photos the result was grouped from: they hold the embeddings. */
  images: AnalysedImage[];
  /** Each photo key with its file, as the CLI lists them. */
  photos: { key: string; path: string }[];
  /** From `pnpm eval`: the scorer's `--json` output and the labels.json it scored against. */
  evaluation?: { score: ScorerReport; labelsFile: string };
  title?: string;
}

/**
 * Writes an offline report into `dir`: index.html, overview.jpg, persons/<n>.jpg, unassigned.jpg, map.svg,
 * map.png and, with an evaluation, faces/<n>.jpg for the faces of wrong merges and splits. Returns index.html's path.
 */
export async function writeReport(dir: string, input: ReportInput): Promise<string> {
  const group = groupFromResult(input.result, input.images, input.photos);
  const evaluation: Evaluation | undefined = input.evaluation && {
    score: input.evaluation.score,
    labels: JSON.parse(await readFile(input.evaluation.labelsFile, 'utf8')).photos,
  };
  const pathOf = new Map(input.photos.map((photo) => [photo.key, photo.path]));
  const photoHref = (key: string) => relativeUrl(dir, pathOf.get(key) ?? key);
  await mkdir(join(dir, 'persons'), { recursive: true });

  const persons = personsLargestFirst(group);
  const anchorOf = new Map(persons.map((p, i) => [p.person.id, `person-${i + 1}`]));
  await writeFile(join(dir, 'overview.jpg'), await renderOverviewSheet(group));
  for (const [i, p] of persons.entries()) {
    await writeFile(join(dir, 'persons', `${i + 1}.jpg`), await renderPersonSheet(group, p.person.id));
  }
  const unassigned = unassignedFaces(group).length;
  await writeFile(join(dir, 'unassigned.jpg'), await renderUnassignedSheet(group));
  const map = await renderEmbeddingMap(group);
  await writeFile(join(dir, 'map.svg'), map.svg);
  await writeFile(join(dir, 'map.png'), map.png);
  const { width: mapWidth, height: mapHeight } = await sharp(map.png).metadata();

  const overview = overviewLayout(persons.length);
  const failed = input.result.images.filter((image) => image.error).length;
  const html = renderIndexHtml({
    title: input.title ?? 'Face grouping report',
    summary:
      `${count(input.photos.length, 'photo')}${failed ? ` (${failed} could not be read)` : ''}, ` +
      `${count(group.faces.length, 'face')}, ${count(persons.length, 'person')} of ${MIN_PERSON_FACES} or more faces, ${unassigned} unassigned faces`,
    overview: {
      src: 'overview.jpg',
      width: overview.width,
      height: overview.height,
      persons: persons.map((p, i) => ({
        anchor: anchorOf.get(p.person.id)!,
        title: personTitle(p.person),
        size: TILE_SIZE,
        ...overview.tile(i),
      })),
    },
    map: { src: 'map.svg', png: 'map.png', width: mapWidth, height: mapHeight },
    persons: persons.map((p, i) => ({
      anchor: anchorOf.get(p.person.id)!,
      title: personTitle(p.person),
      counts: `${count(p.faces.length, 'face')} in ${count(p.photos.length, 'photo')}`,
      sheet: { src: `persons/${i + 1}.jpg`, ...size(personSheetLayout(p.faces.length)) },
      photos: p.photos.map((key) => ({ text: key, href: photoHref(key) })),
    })),
    unassigned: { src: 'unassigned.jpg', faces: unassigned, ...size(unassignedSheetLayout(unassigned)) },
    evaluation: evaluation && (await evaluationPage(dir, group, evaluation, anchorOf, photoHref)),
  });
  const index = join(dir, 'index.html');
  await writeFile(index, html);
  return index;
}

/** The evaluation section's figures and findings; writes the tiles of the faces involved to faces/. */
async function evaluationPage(
  dir: string,
  group: ReportGroup,
  evaluation: Evaluation,
  anchorOf: Map<string, string>,
  photoHref: (key: string) => string,
) {
  const merges = wrongMerges(group, evaluation);
  const splits = wrongSplits(group, evaluation);
  const involved = [
    ...new Set([...merges.flatMap((m) => m.identities), ...splits.flatMap((s) => s.persons)].flatMap((set) => set.faces)),
  ];
  const fileOf = new Map(involved.map((face, i) => [face.id, `faces/${i + 1}.jpg`]));
  await mkdir(join(dir, 'faces'), { recursive: true });
  const tiles = await faceTiles(group).get(involved);
  await Promise.all(
    involved.map(async (face, i) =>
      writeFile(join(dir, fileOf.get(face.id)!), await sharp(tiles[i], { raw: rawTile }).jpeg({ quality: 85 }).toBuffer()),
    ),
  );
  const personHref = (personId: string) => (anchorOf.has(personId) ? `#${anchorOf.get(personId)}` : undefined);
  const pageSet = (set: FaceSet) => ({
    heading: set.heading,
    href: set.personId && personHref(set.personId),
    faces: set.faces.map((face: ReportFace) => ({ src: fileOf.get(face.id)!, title: face.id, href: photoHref(face.photo) })),
  });
  return {
    figures: scoreFigures(evaluation.score),
    merges: merges.map(
      (merge): PageFinding => ({
        heading: `${merge.personId} (${merge.photos} photos, mostly ${merge.label})`,
        href: personHref(merge.personId),
        sets: merge.identities.map(pageSet),
      }),
    ),
    splits: splits.map((split): PageFinding => ({ heading: split.identity, sets: split.persons.map(pageSet) })),
    missed: evaluation.score.details.missedPhotos.map((key) => ({ text: key, href: photoHref(key) })),
  };
}

const size = (layout: { width: number; height: number }) => ({ width: layout.width, height: layout.height });

/** A relative link from the report folder to a file, with each path segment URL-encoded. */
function relativeUrl(dir: string, path: string): string {
  return relative(dir, path).split(sep).map(encodeURIComponent).join('/');
}
