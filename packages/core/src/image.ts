import sharp from 'sharp';
import type { DecodedImage } from './types.js';

export class ImageError extends Error {
  override name = 'ImageError';
}

export interface DecodeOptions {
  maxImageSide: number;
  /** Photos decoded whole with more pixels than this are refused before decoding. */
  maxInputPixels: number;
  /** The same for photos decoded in strips (see decodesInStrips); MAX_STRIP_DECODED_PIXELS when not given. */
  maxStripDecodedPixels?: number;
}

/** 300 MP (e.g. 17000×17000, a 40000×7500 panorama): a 256 MP JPEG decodes in 10 MB more and about 0.3 s. */
export const MAX_STRIP_DECODED_PIXELS = 300_000_000;

/**
 * Whether libvips decodes the photo a few rows at a time into the resize, so that its memory does not grow with
 * its pixels: baseline JPEG (shrunk by 2, 4 or 8 while decoding: DCT scaling) and non-interlaced PNG (line by
 * line). The rest may be decoded whole, about 3 bytes a pixel or more: JPEG in several scans, progressive or not
 * (libvips reports both as progressive), and interlaced PNG (300 MB for 100 MP), lossless WebP and GIF (4 to 5),
 * AVIF (15); TIFF depends on how the file is cut into strips.
 */
function decodesInStrips({ format, isProgressive }: sharp.Metadata): boolean {
  return (format === 'jpeg' || format === 'png') && !isProgressive;
}

/**
 * Decodes a photo upright (EXIF orientation applied) to RGB, downscaled to at most maxImageSide. The resize is
 * part of the decode (sequential read, shrink on load), so a large photo never exists at full size in memory.
 */
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
  const inStrips = decodesInStrips(metadata);
  const maxPixels = inStrips ? (options.maxStripDecodedPixels ?? MAX_STRIP_DECODED_PIXELS) : options.maxInputPixels;
  if (width * height > maxPixels) {
    const whole = `${metadata.isProgressive ? 'a progressive or interlaced' : 'a'} ${metadata.format}, decoded whole`;
    const kind = inStrips ? '' : ` for ${whole}`;
    throw new ImageError(`image is ${width}x${height} pixels, more than the limit of ${maxPixels} pixels${kind}`);
  }
  const turned = (metadata.orientation ?? 1) >= 5;
  const originalWidth = turned ? height : width;
  const originalHeight = turned ? width : height;
  try {
    const { data, info } = await sharp(input, { limitInputPixels: maxPixels, pages: 1, sequentialRead: true })
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
