import sharp from 'sharp';
import type { DecodedImage } from './types.js';

export class ImageError extends Error {
  override name = 'ImageError';
}

export interface DecodeOptions {
  maxImageSide: number;
  maxInputPixels: number;
}

/** Decodes a photo upright (EXIF orientation applied) to RGB, downscaled to at most maxImageSide. */
export async function decodeImage(input: Buffer | string, options: DecodeOptions): Promise<DecodedImage> {
  if (Buffer.isBuffer(input) && input.length === 0) throw new ImageError('empty file (0 bytes)');
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageError(`not a supported image (${describe(error)})`);
  }
  const { width, height } = metadata;
  if (!width || !height) throw new ImageError('image has no dimensions');
  if (width * height > options.maxInputPixels) {
    throw new ImageError(
      `image is ${width}x${height} pixels, more than the limit of ${options.maxInputPixels} pixels`,
    );
  }
  const turned = (metadata.orientation ?? 1) >= 5;
  const originalWidth = turned ? height : width;
  const originalHeight = turned ? width : height;
  try {
    const { data, info } = await sharp(input, { limitInputPixels: options.maxInputPixels, pages: 1, sequentialRead: true })
      .rotate()
      .resize({
        width: options.maxImageSide,
        height: options.maxImageSide,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new ImageError(`decoded to ${info.channels} channels, expected 3`);
    return {
      pixels: new Uint8Array(data.buffer, data.byteOffset, data.length),
      width: info.width,
      height: info.height,
      originalWidth,
      originalHeight,
      scale: originalWidth / info.width,
    };
  } catch (error) {
    if (error instanceof ImageError) throw error;
    throw new ImageError(`cannot decode image (${describe(error)})`);
  }
}

function describe(error: unknown): string {
  return (error as Error).message.split('\n')[0];
}
