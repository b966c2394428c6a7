import { resizeArea } from '@facegroup/native-align';
import type { TensorInput } from './models.js';
import type { DecodedImage } from './types.js';

/** A rectangle of source pixels, integer, possibly reaching outside the image (read as zeros). */
export interface PixelRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Area (box-average) resampling of regions of a photo into a model's NCHW input, one slot per region, done
 * natively: MTCNN's weights were used with torch's interpolate(mode='area'), and MTCNN zero-pads crops.
 */
export function resizeRegions(image: DecodedImage, regions: PixelRegion[], width: number, height: number, input: TensorInput): Float32Array {
  const flat = Int32Array.from(regions.flatMap((r) => [r.x, r.y, r.width, r.height]));
  return resizeArea(image.pixels, image.width, image.height, 3, flat, width, height, {
    channelOrder: input.colorOrder,
    mean: input.mean,
    std: input.std,
  });
}
