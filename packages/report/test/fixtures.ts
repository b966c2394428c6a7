import { resolve } from 'node:path';
import { FacePipeline, groupImages, type AnalysedImage, type Box, type GroupingResult } from '@facegroup/core';
import sharp from 'sharp';
import { devPhotos, evalDir } from '../../../test/support/fixtures.js';
import { TILE_CONTEXT, TILE_SIZE } from '../src/index.js';

export { devPhotos, evalDir };

/**
 * Three identities with three photos each, the six-face Friends cast photo (Jennifer Aniston among them), a
 * landscape, and a photo with its EXIF-rotated copy (tiles must come out upright).
 */
export const PHOTOS = {
  jolie: ['dfc_2da3187b.jpg', 'dfc_41813375.jpg', 'dfc_5fb50519.jpg'],
  obama: ['afr_2de116a8.jpg', 'afr_6627630a.jpg', 'afr_c4dfaedc.jpg'],
  aniston: ['dfc_0240a73c.jpg', 'dfc_4233fae0.jpg', 'dfc_8aadbf54.jpg'],
  cast: ['fnp_61efd65f.jpg'],
  noFace: ['dsf_9813b0ac.jpg'],
  upright: ['jpd_1980b1ec.jpg'],
};
/** EXIF orientation 6 (shown turned 90°) of PHOTOS.upright, from the orientation split. */
export const ROTATED = 'exif6_jpd_1980b1ec.jpg';

export interface Analysed {
  photos: { key: string; path: string }[];
  images: AnalysedImage[];
  result: GroupingResult;
}

/** The real pipeline on the fixture photos, grouped as `pnpm group` groups. */
export async function analyseFixtures(): Promise<Analysed> {
  const photos = [
    ...Object.values(PHOTOS)
      .flat()
      .map((key) => ({ key, path: resolve(devPhotos, key) })),
    { key: ROTATED, path: resolve(evalDir, 'orientation', 'photos', ROTATED) },
  ];
  const pipeline = await FacePipeline.create();
  const images = await pipeline.analyseAll(photos);
  const result = groupImages(images, pipeline.groupingOptions);
  return { photos, images, result };
}

const SIGNATURE = 16;

/** A face's box cut straight from its photo, 16x16 RGB: computed here without the package's cropping code. */
export async function photoSignature(path: string, box: Box): Promise<Buffer> {
  const { width, height } = (await sharp(path).metadata()).autoOrient;
  const [x1, y1, x2, y2] = clampBox(box, width, height);
  return sharp(path)
    .autoOrient()
    .extract({ left: x1, top: y1, width: x2 - x1, height: y2 - y1 })
    .resize(SIGNATURE, SIGNATURE, { fit: 'fill' })
    .removeAlpha()
    .raw()
    .toBuffer();
}

export interface DecodedImage {
  data: Buffer;
  info: sharp.OutputInfo;
}

export async function decode(image: Buffer): Promise<DecodedImage> {
  return sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
}

/**
 * The same box inside a tile drawn at (left, top) of a sheet, by the documented tile geometry: a square of
 * TILE_CONTEXT times the box's longer side, centred on the box, scaled to TILE_SIZE.
 */
export async function tileSignature(
  sheet: DecodedImage,
  left: number,
  top: number,
  box: Box,
  photoSize: [number, number],
): Promise<Buffer> {
  const side = Math.max(box[2] - box[0], box[3] - box[1]) * TILE_CONTEXT;
  const squareLeft = (box[0] + box[2] - side) / 2;
  const squareTop = (box[1] + box[3] - side) / 2;
  const [x1, y1, x2, y2] = clampBox(box, ...photoSize);
  const scale = TILE_SIZE / side;
  const tx1 = Math.round((x1 - squareLeft) * scale);
  const ty1 = Math.round((y1 - squareTop) * scale);
  return sharp(sheet.data, { raw: sheet.info })
    .extract({
      left: left + tx1,
      top: top + ty1,
      width: Math.min(Math.round((x2 - x1) * scale), TILE_SIZE - tx1),
      height: Math.min(Math.round((y2 - y1) * scale), TILE_SIZE - ty1),
    })
    .resize(SIGNATURE, SIGNATURE, { fit: 'fill' })
    .raw()
    .toBuffer();
}

/** Mean absolute difference per channel value, 0 (same) to 255. */
export function difference(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

/** Share of a tile-sized square of the sheet that is (near) white background. */
export function whiteShare(sheet: DecodedImage, left: number, top: number): number {
  const { width, channels } = sheet.info;
  let white = 0;
  for (let y = top; y < top + TILE_SIZE; y++) {
    for (let x = left; x < left + TILE_SIZE; x++) {
      const i = (y * width + x) * channels;
      if (sheet.data[i] > 245 && sheet.data[i + 1] > 245 && sheet.data[i + 2] > 245) white++;
    }
  }
  return white / (TILE_SIZE * TILE_SIZE);
}

function clampBox([x1, y1, x2, y2]: Box, width: number, height: number): Box {
  const left = Math.max(0, Math.round(x1));
  const top = Math.max(0, Math.round(y1));
  return [left, top, Math.min(width, Math.max(left + 1, Math.round(x2))), Math.min(height, Math.max(top + 1, Math.round(y2)))];
}
