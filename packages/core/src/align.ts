import { estimateSimilarity, warpFacesAsync } from '@facegroup/native-align';
import { inputPlanes, type TensorInput } from './models.js';
import type { NativeDevice } from './native-device.js';
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

export interface AlignedFaces {
  /** The model's input: NCHW, normalised, one crop per face. */
  tensor: Float32Array;
  /**
   * Per face, the root-mean-square distance between its landmarks mapped into the crop and the template,
   * as a fraction of the crop side: small for frontal faces with good landmarks, large for turned faces.
   */
  alignmentErrors: number[];
}

/**
 * Aligns faces of one image: a similarity transform from each face's landmarks (in analysed-image pixels)
 * to the template, then a bilinear warp into the model's input tensor, natively off the event loop (on the GPU
 * with device 'cuda').
 */
export async function alignFaces(
  image: DecodedImage,
  faces: Landmarks[],
  input: TensorInput,
  device: NativeDevice = 'cpu',
): Promise<AlignedFaces> {
  const size = input.size ?? 112;
  const template = templateFor(size);
  const transforms = new Float64Array(faces.length * 6);
  const alignmentErrors = faces.map((landmarks, n) => {
    const m = estimateSimilarity(Float64Array.from(landmarks.flat()), template);
    transforms.set(m, n * 6);
    let squared = 0;
    landmarks.forEach(([x, y], k) => {
      squared += (m[0] * x + m[1] * y + m[2] - template[2 * k]) ** 2 + (m[3] * x + m[4] * y + m[5] - template[2 * k + 1]) ** 2;
    });
    return Math.sqrt(squared / landmarks.length) / size;
  });
  const tensor = await warpFacesAsync(image.pixels, image.width, image.height, 3, transforms, {
    size,
    channelOrder: input.colorOrder,
    mean: input.mean,
    std: input.std,
    device,
  });
  return { tensor, alignmentErrors };
}

/**
 * Sharpness of each aligned crop: the variance of the Laplacian of its grey levels (pixel units) over the
 * central half of the crop, where the face is. Blurred faces score low.
 */
export function cropSharpness(tensor: Float32Array, count: number, input: TensorInput): number[] {
  const size = input.size ?? 112;
  const plane = size * size;
  const planes = inputPlanes(input);
  const grey = new Float32Array(plane);
  const result: number[] = [];
  for (let n = 0; n < count; n++) {
    const base = n * 3 * plane;
    for (let i = 0; i < plane; i++) {
      let sum = 0;
      for (let c = 0; c < 3; c++) sum += tensor[base + c * plane + i] * planes[c].std + planes[c].mean;
      grey[i] = sum / 3;
    }
    let mean = 0;
    let meanSquare = 0;
    let samples = 0;
    for (let y = size >> 2; y < size - (size >> 2); y++) {
      for (let x = size >> 2; x < size - (size >> 2); x++) {
        const i = y * size + x;
        const laplacian = grey[i - 1] + grey[i + 1] + grey[i - size] + grey[i + size] - 4 * grey[i];
        mean += laplacian;
        meanSquare += laplacian * laplacian;
        samples++;
      }
    }
    mean /= samples;
    result.push(meanSquare / samples - mean * mean);
  }
  return result;
}
