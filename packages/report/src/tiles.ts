import type { Box } from '@facegroup/core';
import sharp from 'sharp';
import type { ReportFace, ReportGroup } from './group.js';

/** Side of a face tile, in pixels: ArcFace's crop size, large enough to tell faces apart on a sheet. */
export const TILE_SIZE = 112;
/**
 * A tile shows a square this many times the box's longer side, centred on the box. A plain crop rather than an
 * aligned (rotated, landmark-warped) one: it keeps hair and chin, looks like the photo, and needs no native code.
 */
export const TILE_CONTEXT = 1.5;
/** Grey where the square runs past the photo's edge, and for photos that cannot be read. */
const BLANK_GREY = 200;
const OUTSIDE_PHOTO = { r: BLANK_GREY, g: BLANK_GREY, b: BLANK_GREY };
/** Photos decoded at once: each holds a full-size RGB copy in memory. */
const PHOTOS_AT_ONCE = 4;

/** A face tile: RGB, 8 bits per channel, TILE_SIZE x TILE_SIZE, no padding. */
export type TilePixels = Buffer;

export const rawTile = { width: TILE_SIZE, height: TILE_SIZE, channels: 3 } as const;

/** The square of the photo (upright pixels) that a face's tile shows. */
export function tileSquare([x1, y1, x2, y2]: Box): { left: number; top: number; side: number } {
  const side = Math.max(x2 - x1, y2 - y1, 1) * TILE_CONTEXT;
  return { left: (x1 + x2 - side) / 2, top: (y1 + y2 - side) / 2, side };
}

/**
 * Face tiles of a group, cropped on first use. Each photo is decoded once, for all of its faces, and dropped;
 * only the tiles are kept (37 KB a face).
 */
export class FaceTiles {
  private readonly facesOnPhoto = new Map<string, ReportFace[]>();
  private readonly tilesOfPhoto = new Map<string, Promise<Map<string, TilePixels>>>();

  constructor(private readonly group: ReportGroup) {
    for (const face of group.faces) {
      const faces = this.facesOnPhoto.get(face.photo) ?? [];
      faces.push(face);
      this.facesOnPhoto.set(face.photo, faces);
    }
  }

  /** The tiles of these faces, in the same order. */
  async get(faces: ReportFace[]): Promise<TilePixels[]> {
    const photos = [...new Set(faces.map((face) => face.photo))];
    const byPhoto = new Map<string, Map<string, TilePixels>>();
    for (let start = 0; start < photos.length; start += PHOTOS_AT_ONCE) {
      const batch = photos.slice(start, start + PHOTOS_AT_ONCE);
      const tiles = await Promise.all(batch.map((photo) => this.photoTiles(photo)));
      batch.forEach((photo, i) => byPhoto.set(photo, tiles[i]));
    }
    return faces.map((face) => {
      const tile = byPhoto.get(face.photo)?.get(face.id);
      if (!tile) throw new Error(`face ${face.id} is not on photo ${face.photo} of this group`);
      return tile;
    });
  }

  private photoTiles(photo: string): Promise<Map<string, TilePixels>> {
    let tiles = this.tilesOfPhoto.get(photo);
    if (!tiles) {
      const faces = this.facesOnPhoto.get(photo) ?? [];
      const boxes = faces.map((face) => face.box);
      tiles = this.group
        .readPhoto(photo)
        .then((input) => cropTiles(input, boxes))
        // A photo gone or unreadable since analysis shows as blank tiles rather than failing the whole report.
        .catch(() => boxes.map(() => blankTile))
        .then((crops) => new Map(faces.map((face, i) => [face.id, crops[i]])));
      this.tilesOfPhoto.set(photo, tiles);
    }
    return tiles;
  }
}

const blankTile: TilePixels = Buffer.alloc(TILE_SIZE * TILE_SIZE * 3, BLANK_GREY);

const tilesOfGroup = new WeakMap<ReportGroup, FaceTiles>();

/** The tile cache of a group object, so every sheet and the map of one report share decoded photos. */
export function faceTiles(group: ReportGroup): FaceTiles {
  let tiles = tilesOfGroup.get(group);
  if (!tiles) {
    tiles = new FaceTiles(group);
    tilesOfGroup.set(group, tiles);
  }
  return tiles;
}

/** Crops the tiles of faces on one photo, decoding it once, upright, no larger than its smallest face needs. */
async function cropTiles(input: Buffer | string, boxes: Box[]): Promise<TilePixels[]> {
  if (boxes.length === 0) return [];
  const metadata = await sharp(input, { limitInputPixels: false }).metadata();
  const { width, height } = metadata.autoOrient;
  const smallestSide = Math.min(...boxes.map((box) => tileSquare(box).side));
  // Shrink-on-load: a tile never needs more pixels than TILE_SIZE across its square.
  const scale = Math.min(1, TILE_SIZE / smallestSide);
  const upright = sharp(input, { limitInputPixels: false, pages: 1 }).autoOrient();
  if (scale < 1) upright.resize(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)), { fit: 'fill' });
  const { data, info } = await upright.toColourspace('srgb').removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const photo = { pixels: data, width: info.width, height: info.height, scale: info.width / width };
  return Promise.all(boxes.map((box) => cropTile(photo, box)));
}

interface DecodedPhoto {
  pixels: Buffer;
  width: number;
  height: number;
  /** Decoded pixels per original pixel. */
  scale: number;
}

async function cropTile(photo: DecodedPhoto, box: Box): Promise<TilePixels> {
  const square = tileSquare(box);
  const left = square.left * photo.scale;
  const top = square.top * photo.scale;
  const side = square.side * photo.scale;
  // The part of the square inside the photo, and where it lands in the tile.
  const x0 = clamp(Math.round(left), 0, photo.width - 1);
  const y0 = clamp(Math.round(top), 0, photo.height - 1);
  const x1 = clamp(Math.round(left + side), x0 + 1, photo.width);
  const y1 = clamp(Math.round(top + side), y0 + 1, photo.height);
  const toTile = TILE_SIZE / side;
  const tileLeft = clamp(Math.round((x0 - left) * toTile), 0, TILE_SIZE - 1);
  const tileTop = clamp(Math.round((y0 - top) * toTile), 0, TILE_SIZE - 1);
  const inside = await sharp(photo.pixels, { raw: { width: photo.width, height: photo.height, channels: 3 } })
    .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
    .resize(
      clamp(Math.round((x1 - x0) * toTile), 1, TILE_SIZE - tileLeft),
      clamp(Math.round((y1 - y0) * toTile), 1, TILE_SIZE - tileTop),
      { fit: 'fill' },
    )
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp({ create: { ...rawTile, background: OUTSIDE_PHOTO } })
    .composite([
      {
        input: inside.data,
        raw: { ...rawTile, width: inside.info.width, height: inside.info.height },
        left: tileLeft,
        top: tileTop,
      },
    ])
    .removeAlpha()
    .raw()
    .toBuffer();
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
