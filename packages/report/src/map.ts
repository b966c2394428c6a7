import sharp from 'sharp';
import {
  MIN_PERSON_FACES,
  personsLargestFirst,
  unassignedFaces,
  type PersonFaces,
  type ReportFace,
  type ReportGroup,
} from './group.js';
import { personTitle } from './sheet.js';
import { count, escapeXml, fitText, round1, svgText } from './text.js';
import { faceTiles, rawTile } from './tiles.js';
import { effectivePerplexity, tsne, TSNE_DEFAULTS, type TsneOptions } from './tsne.js';

const PLOT = 900;
const LEGEND = 300;
const HEADER = 56;
/** Thumbnails shrink as faces grow in number, within these bounds (pixels). */
const THUMBNAIL_MIN = 28;
const THUMBNAIL_MAX = 64;
const FRAME = 3;
/** Above this many faces the map draws dots: thumbnails would only cover each other. */
const MAX_THUMBNAILS = 800;
const DOT_RADIUS = 5;
const LEGEND_ROW = 18;
/** Person colours (Tableau 20 without its greys); they repeat beyond 18 persons, whose ids label the clusters. */
const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#bcbd22',
  '#17becf',
  '#aec7e8',
  '#ffbb78',
  '#98df8a',
  '#ff9896',
  '#c5b0d5',
  '#c49c94',
  '#f7b6d2',
  '#dbdb8d',
  '#9edae5',
];
export const UNASSIGNED_COLOUR = '#8a8a8a';

export interface MapOptions extends TsneOptions {
  /** Persons with fewer faces are drawn grey, as unassigned. */
  minPersonFaces?: number;
}

export interface MapPoint {
  faceId: string;
  personId: string | null;
  colour: string;
  /** Centre of the point, in map pixels. */
  x: number;
  y: number;
}

export interface EmbeddingMap {
  svg: string;
  png: Buffer;
  points: MapPoint[];
}

/**
 * A t-SNE map of the group's face embeddings: each face a thumbnail framed in its person's colour (a dot when
 * there are many), with person ids on the clusters and a legend. The same group and options give the same map.
 */
export async function renderEmbeddingMap(group: ReportGroup, options: MapOptions = {}): Promise<EmbeddingMap> {
  const minFaces = options.minPersonFaces ?? MIN_PERSON_FACES;
  const persons = personsLargestFirst(group, minFaces);
  const colourOf = new Map(persons.map((p, i) => [p.person.id, PALETTE[i % PALETTE.length]]));
  // Grey faces first, so coloured ones are drawn over them; persons in order, faces in photo order.
  const faces = [...unassignedFaces(group, minFaces), ...persons.flatMap((p) => p.faces)].filter((face) => face.embedding);
  const coordinates = tsne(
    faces.map((face) => face.embedding!),
    options,
  );
  const thumbnail = Math.round(Math.min(THUMBNAIL_MAX, Math.max(THUMBNAIL_MIN, PLOT / 2 / Math.sqrt(faces.length))));
  const points = fitToPlot(coordinates, thumbnail).map(([x, y], i) => ({
    faceId: faces[i].id,
    personId: faces[i].personId,
    colour: (faces[i].personId && colourOf.get(faces[i].personId!)) || UNASSIGNED_COLOUR,
    x,
    y,
  }));

  const marks = faces.length <= MAX_THUMBNAILS ? await thumbnailMarks(group, faces, points, thumbnail) : points.map(dotMark);
  const labels = persons.flatMap((p) => {
    const own = points.filter((point) => point.personId === p.person.id);
    if (own.length === 0) return [];
    const x = own.reduce((sum, point) => sum + point.x, 0) / own.length;
    const y = Math.min(...own.map((point) => point.y)) - thumbnail / 2 - 4;
    return [
      svgText(x, Math.max(y, HEADER + 14), p.person.id, {
        size: 13,
        bold: true,
        anchor: 'middle',
        fill: colourOf.get(p.person.id),
        halo: true,
      }),
    ];
  });
  const perplexity = effectivePerplexity(faces.length, options.perplexity);
  const width = PLOT + LEGEND;
  const height = HEADER + PLOT;
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="#fff"/>` +
    `<rect x="0" y="${HEADER}" width="${PLOT}" height="${PLOT}" fill="#f6f6f6"/>` +
    svgText(16, 26, `Embedding map: t-SNE of ${count(faces.length, 'face')}`, { size: 18, bold: true }) +
    svgText(
      16,
      46,
      `perplexity ${round1(perplexity)}, seed ${options.seed ?? TSNE_DEFAULTS.seed}. Near means similar; distances between clusters mean little.`,
      { size: 12, fill: '#555' },
    ) +
    marks.join('') +
    labels.join('') +
    legend(persons, colourOf, unassignedFaces(group, minFaces).length) +
    '</svg>';
  return { svg, png: await sharp(Buffer.from(svg)).png().toBuffer(), points };
}

/** Scales the layout uniformly into the plot square, centred, a thumbnail's width from its edges. */
function fitToPlot(coordinates: Float64Array, margin: number): [number, number][] {
  const n = coordinates.length / 2;
  const xs = Array.from({ length: n }, (_, i) => coordinates[2 * i]);
  const ys = Array.from({ length: n }, (_, i) => coordinates[2 * i + 1]);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = (PLOT - 2 * margin) / Math.max(maxX - minX, maxY - minY, 1e-12);
  return xs.map((x, i) => [
    round1(PLOT / 2 + (x - (minX + maxX) / 2) * scale),
    round1(HEADER + PLOT / 2 + (ys[i] - (minY + maxY) / 2) * scale),
  ]);
}

async function thumbnailMarks(group: ReportGroup, faces: ReportFace[], points: MapPoint[], size: number): Promise<string[]> {
  const tiles = await faceTiles(group).get(faces);
  const inner = size - 2 * FRAME;
  return Promise.all(
    points.map(async (point, i) => {
      const jpeg = await sharp(tiles[i], { raw: rawTile }).resize(inner, inner).jpeg({ quality: 80 }).toBuffer();
      const left = round1(point.x - size / 2);
      const top = round1(point.y - size / 2);
      return (
        `<g><title>${pointTitle(point)}</title>` +
        `<rect x="${left}" y="${top}" width="${size}" height="${size}" fill="${point.colour}"/>` +
        `<image x="${round1(left + FRAME)}" y="${round1(top + FRAME)}" width="${inner}" height="${inner}" ` +
        `xlink:href="data:image/jpeg;base64,${jpeg.toString('base64')}"/></g>`
      );
    }),
  );
}

function dotMark(point: MapPoint): string {
  return `<circle cx="${point.x}" cy="${point.y}" r="${DOT_RADIUS}" fill="${point.colour}" stroke="#fff"><title>${pointTitle(point)}</title></circle>`;
}

/** Hover text in browsers. */
const pointTitle = (point: MapPoint) => escapeXml(`${point.faceId} · ${point.personId ?? 'no person'}`);

function legend(persons: PersonFaces[], colourOf: Map<string, string>, unassigned: number): string {
  const left = PLOT + 16;
  const rows = Math.floor((PLOT - 2 * LEGEND_ROW) / LEGEND_ROW) - 1;
  const shown = persons.length > rows ? persons.slice(0, rows - 1) : persons;
  const entry = (i: number, colour: string, text: string) => {
    const top = HEADER + 12 + i * LEGEND_ROW;
    return (
      `<rect x="${left}" y="${top}" width="12" height="12" fill="${colour}"/>` +
      svgText(left + 18, top + 11, fitText(text, LEGEND - 40, 12), { size: 12 })
    );
  };
  const entries = shown.map((p, i) => entry(i, colourOf.get(p.person.id)!, `${personTitle(p.person)} (${p.faces.length})`));
  if (shown.length < persons.length) {
    entries.push(
      svgText(left + 18, HEADER + 12 + shown.length * LEGEND_ROW + 11, `+${persons.length - shown.length} more persons`, {
        size: 12,
        fill: '#555',
      }),
    );
  }
  entries.push(entry(entries.length, UNASSIGNED_COLOUR, `unassigned (${unassigned})`));
  return entries.join('');
}
