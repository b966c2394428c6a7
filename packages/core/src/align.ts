import { estimateSimilarity, warpFaces } from '@facegroup/native-align';
import type { TensorInput } from './models.js';
import type { DecodedImage, Landmarks } from './types.js';

/** ArcFace's 5-point template for 112x112 crops (insightface), in landmark order. */
export const ARCFACE_TEMPLATE_112: Landmarks = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.7299, 92.2041],
];

/** The template for a crop of `size` pixels (the 112 template scaled; ArcFace models use 112). */
export function templateFor(size: number): Float64Array {
  return Float64Array.from(ARCFACE_TEMPLATE_112.flat().map((v) => (v * size) / 112));
}

/**
 * Aligns faces of one image: a similarity transform from each face's landmarks (in analysed-image pixels)
 * to the template, then a bilinear warp into the model's input tensor (NCHW, normalised), natively.
 */
export function alignFaces(image: DecodedImage, faces: Landmarks[], input: TensorInput): Float32Array {
  const size = input.size ?? 112;
  const template = templateFor(size);
  const transforms = new Float64Array(faces.length * 6);
  faces.forEach((landmarks, n) => transforms.set(estimateSimilarity(Float64Array.from(landmarks.flat()), template), n * 6));
  return warpFaces(image.pixels, image.width, image.height, 3, transforms, {
    size,
    channelOrder: input.colorOrder,
    mean: input.mean,
    std: input.std,
  });
}
