import sharp from 'sharp';
import {
  coverFace,
  MIN_PERSON_FACES,
  personFaces,
  personsLargestFirst,
  unassignedFaces,
  type ReportFace,
  type ReportGroup,
  type ReportPerson,
} from './group.js';
import { count, fitText, svgText } from './text.js';
import { faceTiles, rawTile, TILE_SIZE, type TilePixels } from './tiles.js';

const PADDING = 16;
/** Title and subtitle lines. */
const HEADER = 56;
const GAP = 8;
const CAPTION_LINE = 15;
const CAPTION_SIZE = 10;
const MAX_COLUMNS = 8;
/** Wide enough for the header of a one-face sheet. */
const MIN_WIDTH = 420;
export const SHEET_BACKGROUND = { r: 255, g: 255, b: 255 };
/** Sheets are JPEG (photos dominate them: a tenth of PNG's size); 4:4:4 keeps the small captions sharp. */
export const SHEET_CONTENT_TYPE = 'image/jpeg';
const JPEG_OPTIONS = { quality: 88, chromaSubsampling: '4:4:4' } as const;

export interface SheetOptions {
  /** Persons with fewer faces go on the unassigned sheet rather than the overview. */
  minPersonFaces?: number;
}

export interface SheetLayout {
  width: number;
  height: number;
  columns: number;
  rows: number;
  /** Top-left corner of tile i. */
  tile(i: number): { left: number; top: number };
}

/** Tiles in rows of up to MAX_COLUMNS under a header, each with `captionLines` lines of text beneath. */
export function sheetLayout(tiles: number, captionLines: number): SheetLayout {
  const columns = Math.max(1, Math.min(tiles, MAX_COLUMNS));
  const rows = Math.ceil(tiles / columns);
  const cellHeight = TILE_SIZE + captionLines * CAPTION_LINE + GAP;
  return {
    width: Math.max(MIN_WIDTH, 2 * PADDING + columns * TILE_SIZE + (columns - 1) * GAP),
    height: HEADER + rows * cellHeight + PADDING,
    columns,
    rows,
    tile: (i) => ({
      left: PADDING + (i % columns) * (TILE_SIZE + GAP),
      top: HEADER + Math.floor(i / columns) * cellHeight,
    }),
  };
}

export const personSheetLayout = (faces: number) => sheetLayout(faces, 1);
export const overviewLayout = (persons: number) => sheetLayout(persons, 2);
export const unassignedSheetLayout = (faces: number) => sheetLayout(faces, 3);

/** One person's faces, one tile each in photo order, captioned with the photo. JPEG. */
export async function renderPersonSheet(group: ReportGroup, personId: string): Promise<Buffer> {
  const person = personFaces(group, personId);
  if (!person) throw new Error(`no person ${personId} in this group`);
  const tiles = await faceTiles(group).get(person.faces);
  return renderSheet(
    personSheetLayout(person.faces.length),
    personTitle(person.person),
    `${count(person.faces.length, 'face')} in ${count(person.photos.length, 'photo')}`,
    person.faces.map((face, i) => ({ tile: tiles[i], captions: [photoName(face.photo)] })),
  );
}

/** Every person of at least minPersonFaces faces, largest first, with a cover face and counts. JPEG. */
export async function renderOverviewSheet(group: ReportGroup, options: SheetOptions = {}): Promise<Buffer> {
  const minFaces = options.minPersonFaces ?? MIN_PERSON_FACES;
  const persons = personsLargestFirst(group, minFaces);
  const tiles = await faceTiles(group).get(persons.map((p) => coverFace(p.faces)));
  const unassigned = unassignedFaces(group, minFaces).length;
  return renderSheet(
    overviewLayout(persons.length),
    'Persons',
    `${count(persons.length, 'person')} · ${count(group.faces.length, 'face')} · ${unassigned} unassigned`,
    persons.map((p, i) => ({
      tile: tiles[i],
      captions: [personTitle(p.person), `${count(p.faces.length, 'face')} · ${count(p.photos.length, 'photo')}`],
    })),
  );
}

/**
 * Faces in no person or in a person below minPersonFaces, captioned with photo, person (or why the grouping left
 * the face out) and the person it came nearest to with its similarity. JPEG.
 */
export async function renderUnassignedSheet(group: ReportGroup, options: SheetOptions = {}): Promise<Buffer> {
  const minFaces = options.minPersonFaces ?? MIN_PERSON_FACES;
  const faces = unassignedFaces(group, minFaces);
  const tiles = await faceTiles(group).get(faces);
  return renderSheet(
    unassignedSheetLayout(faces.length),
    'Unassigned faces',
    `${count(faces.length, 'face')} in no person of ${minFaces} or more faces`,
    faces.map((face, i) => ({ tile: tiles[i], captions: [photoName(face.photo), ...whyUnassigned(face)] })),
  );
}

/** "Name (p3)", or the id alone. */
export const personTitle = (person: ReportPerson) => (person.name ? `${person.name} (${person.id})` : person.id);

/** Two caption lines: the face's own person or the grouping's reasons, and the person it came nearest to. */
function whyUnassigned(face: ReportFace): [string, string] {
  const { reasons = [], nearestPerson = null, similarity = null } = face.unassigned ?? {};
  const nearest = nearestPerson && similarity !== null ? `near ${nearestPerson} (${similarity.toFixed(2)})` : '';
  return [face.personId ?? (reasons.join(', ') || 'no person'), nearest];
}

/** The file name of a photo key, without folders. */
const photoName = (key: string) => key.slice(key.lastIndexOf('/') + 1);

interface SheetCell {
  tile: TilePixels;
  captions: string[];
}

async function renderSheet(layout: SheetLayout, title: string, subtitle: string, cells: SheetCell[]): Promise<Buffer> {
  const textWidth = layout.width - 2 * PADDING;
  const text = [
    svgText(PADDING, 26, fitText(title, textWidth, 18), { size: 18, bold: true }),
    svgText(PADDING, 46, fitText(subtitle, textWidth, 13), { size: 13, fill: '#555' }),
    ...cells.flatMap((cell, i) => {
      const { left, top } = layout.tile(i);
      // Captions may use the gap beside the tile too.
      return cell.captions.map((caption, line) =>
        svgText(
          left + TILE_SIZE / 2,
          top + TILE_SIZE + (line + 1) * CAPTION_LINE - 3,
          fitText(caption, TILE_SIZE + GAP, CAPTION_SIZE),
          {
            size: CAPTION_SIZE,
            fill: line === 0 ? '#222' : '#666',
            anchor: 'middle',
          },
        ),
      );
    }),
  ];
  const overlay = `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.width}" height="${layout.height}">${text.join('')}</svg>`;
  return sharp({ create: { width: layout.width, height: layout.height, channels: 3, background: SHEET_BACKGROUND } })
    .composite([
      ...cells.map((cell, i) => ({ input: cell.tile, raw: rawTile, ...layout.tile(i) })),
      { input: Buffer.from(overlay), left: 0, top: 0 },
    ])
    .jpeg(JPEG_OPTIONS)
    .toBuffer();
}
