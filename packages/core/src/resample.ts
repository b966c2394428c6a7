import { resizeAreaAsync } from '@facegroup/native-align';
import { inputPlanes, type TensorInput } from './models.js';
import type { RgbImage } from './types.js';

/** A rectangle of source pixels, integer, possibly reaching outside the image (read as zeros). */
export interface PixelRegion {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Area (box-average) resampling of regions of a photo into a model's NCHW input, one slot per region, done
 * natively off the event loop: MTCNN's weights were used with torch's interpolate(mode='area'), and MTCNN
 * zero-pads crops.
 */
export function resizeRegions(
  image: RgbImage,
  regions: PixelRegion[],
  width: number,
  height: number,
  input: TensorInput,
): Promise<Float32Array> {
  const flat = Int32Array.from(regions.flatMap((r) => [r.x, r.y, r.width, r.height]));
  return resizeAreaAsync(image.pixels, image.width, image.height, 3, flat, width, height, {
    channelOrder: input.colorOrder,
    mean: input.mean,
    std: input.std,
  });
}

/** Turns one slot of a model's normalised NCHW input back into pixels (rounded), for resampling it further. */
export function tensorToImage(tensor: Float32Array, width: number, height: number, input: TensorInput): RgbImage {
  const plane = width * height;
  const pixels = new Uint8Array(plane * 3);
  inputPlanes(input).forEach(({ channel, mean, std }, c) => {
    for (let i = 0; i < plane; i++) pixels[i * 3 + channel] = Math.round(tensor[c * plane + i] * std + mean);
  });
  return { pixels, width, height };
}
