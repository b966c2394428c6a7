export { alignFaces, ARCFACE_TEMPLATE_112, cropSharpness, templateFor } from './align.js';
export type { AlignedFaces } from './align.js';
export { configFromEnvironment, defaultConfig, resolveConfig } from './config.js';
export type { ConfigOverrides, DetectorId, ExecutionProvider, GroupingConfig, MtcnnConfig, PipelineConfig } from './config.js';
export { Embedder, l2Normalise } from './embed.js';
export { compareIds } from './grouping/compare-ids.js';
export { groupFaces } from './grouping/group-faces.js';
export type {
  ClusterMergingOptions,
  Grouping,
  GroupingConstraints,
  GroupingFace,
  GroupingOptions,
  MergeSuggestion,
  UnassignedFace,
} from './grouping/group-faces.js';
export { groupFacesByQuality, median, weakReasons } from './grouping/quality-gate.js';
export { assignFacesInWorker, groupFacesInWorker } from './grouping/in-worker.js';
export { assignFaces } from './grouping/assign-faces.js';
export type { Assignment, AssignmentOptions, NearestPerson, PersonCentroid } from './grouping/assign-faces.js';
export { nativeDevice } from './native-device.js';
export type { NativeDevice } from './native-device.js';
export type {
  QualityGrouping,
  QualityGroupingOptions,
  QualityPolicy,
  UnassignedReason,
  WeakReason,
} from './grouping/quality-gate.js';
export { decodeImage, ImageError, MAX_STRIP_DECODED_PIXELS } from './image.js';
export { defaultModelsDir, InferenceQueue, manifest, modelEntry, ModelFileError, OnnxModel } from './models.js';
export type { ModelEntry, TensorInput } from './models.js';
export { MtcnnDetector } from './mtcnn.js';
export { FacePipeline, groupingOptionsOf, sourceKey } from './pipeline.js';
export { listPhotos, PHOTO_EXTENSIONS } from './photos.js';
export type { ImageSource, PipelineOptions, Progress } from './pipeline.js';
export { StageClock } from './clock.js';
export { faceRecognition } from './recognition.js';
export type { FaceRecognitionOptions, FaceRecognitionResult } from './recognition.js';
export { groupImages } from './grouping/result.js';
export type {
  FaceResult,
  GroupImagesOptions,
  GroupingResult,
  ImageResult,
  Person,
  PersonSuggestion,
  ScorerFace,
  Unassigned,
} from './grouping/result.js';
export type * from './types.js';
export { sniffImageType } from './fetch/image-type.js';
export type { ImageType } from './fetch/image-type.js';
export { fetchImage } from './fetch/safe-fetch.js';
export { SourceError } from './fetch/source-error.js';
export type { FetchLimits, SourceErrorCode } from './fetch/source-error.js';
export { isPublicAddress, parseImageUrl } from './fetch/url-policy.js';
export { lowerThreadPriority, startModuleWorker } from './module-worker.js';
