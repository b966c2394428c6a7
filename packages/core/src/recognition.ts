import type { ConfigOverrides } from './config.js';
import { FacePipeline, type ImageSource, type Progress } from './pipeline.js';
import { groupImages, type ImageResult, type Person } from './result.js';

export interface FaceRecognitionOptions extends ConfigOverrides {
  onProgress?: (progress: Progress) => void;
  /** Reuse an open pipeline (models loaded once) across calls. */
  pipeline?: FacePipeline;
}

export interface FaceRecognitionResult {
  /** Persons, largest first: their faces and photos. */
  groups: Person[];
  /** Each photo with its faces (box, score, landmarks, person id), or its error. */
  images: ImageResult[];
}

/**
 * The library call: photos in, persons out.
 *   const { groups, images } = await faceRecognition(['a.jpg', { key: 'b', buffer }]);
 */
export async function faceRecognition(
  images: ImageSource[],
  options: FaceRecognitionOptions = {},
): Promise<FaceRecognitionResult> {
  const { onProgress, pipeline: given, ...overrides } = options;
  const pipeline = given ?? (await FacePipeline.create(overrides));
  const analysed = await pipeline.analyseAll(images, onProgress);
  const { persons, images: results } = groupImages(analysed, pipeline.groupingOptions);
  return { groups: persons, images: results };
}
