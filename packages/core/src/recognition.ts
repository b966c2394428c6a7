import { FacePipeline, type ImageSource, type PipelineOptions, type Progress } from './pipeline.js';
import { groupImages, type ImageResult, type Person } from './grouping/result.js';

export interface FaceRecognitionOptions extends PipelineOptions {
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
 * The library call: photos in, persons out. Photos are a list of sources, or a `{ key: url }` map as a
 * backend storing photos in S3-style storage sends it.
 *   const { groups, images } = await faceRecognition(['a.jpg', { key: 'b', buffer }]);
 *   const { groups, images } = await faceRecognition({ 'trip/1.jpg': 'https://bucket.s3…/1.jpg?X-Amz-…' });
 */
export async function faceRecognition(
  images: ImageSource[] | Record<string, string>,
  options: FaceRecognitionOptions = {},
): Promise<FaceRecognitionResult> {
  const { onProgress, pipeline: given, ...overrides } = options;
  const pipeline = given ?? (await FacePipeline.create(overrides));
  const sources = Array.isArray(images) ? images : Object.entries(images).map(([key, url]) => ({ key, url }));
  const analysed = await pipeline.analyseAll(sources, onProgress);
  const { persons, images: results } = groupImages(analysed, pipeline.groupingOptions);
  return { groups: persons, images: results };
}
