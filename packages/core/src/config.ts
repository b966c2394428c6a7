import type { FetchLimits } from './fetch/source-error.js';
import { defaultModelsDir } from './models.js';

export type ExecutionProvider = 'cpu' | 'cuda';
export type DetectorId = 'mtcnn' | 'scrfd';

export interface MtcnnConfig {
  /** Smallest face searched for, in pixels of the analysed image. */
  minFaceSize: number;
  /**
   * Smallest face searched for as a fraction of the photo's longer side, when that is larger than minFaceSize:
   * faces far smaller than the photo are too small to recognise, and searching for them costs the most.
   */
  minFaceFraction: number;
  /** Image pyramid scale step. */
  scaleFactor: number;
  /** P-Net, R-Net, O-Net face-probability thresholds. */
  thresholds: [number, number, number];
}

export interface ScrfdConfig {
  scoreThreshold: number;
  nmsThreshold: number;
}

export interface GroupingConfig {
  /** Average-linkage cosine above which two clusters are one person; null takes the embedder's own. */
  threshold: number | null;
  /** Neighbours kept per face in the similarity graph (exact average linkage while faces <= neighbours+1). */
  neighbours: number;
  /** Faces blurrier than this (variance of the Laplacian of the aligned crop) may join a person, not start one. */
  minSharpness: number;
  /** Faces whose embedding norm is below this fraction of the median may join a person, not start one. */
  minRelativeEmbeddingNorm: number;
}

export interface PipelineConfig {
  modelsDir: string;
  detector: DetectorId;
  /** An embedder id from models/manifest.json. */
  embedder: string;
  executionProvider: ExecutionProvider;
  /** ONNX Runtime intra-op threads (0: ONNX Runtime's choice). */
  threads: number;
  /** Photos are analysed with their longer side at most this many pixels. */
  maxImageSide: number;
  /** Photos with more pixels than this are refused before decoding. */
  maxInputPixels: number;
  /** Photos analysed together; crops of all their faces go through the embedder in one batch. */
  batchPhotos: number;
  /** Downloading photos given by URL. */
  fetch: FetchLimits;
  /** Photos with no face scoring this high are also searched padded, and turned by 90, 270 and 180 degrees. */
  confidentFaceScore: number;
  /**
   * The padded copy's border on every edge, as a fraction of the photo's longer side (0: none): faces that fill
   * the frame or are cut by its edge are found with room around them.
   */
  edgePadding: number;
  /** The border's pixels: copies of the edge, or black. */
  edgePaddingFill: 'copy' | 'black';
  mtcnn: MtcnnConfig;
  scrfd: ScrfdConfig;
  grouping: GroupingConfig;
}

export const defaultConfig = (): PipelineConfig => ({
  modelsDir: defaultModelsDir(),
  detector: 'mtcnn',
  embedder: 'mobilefacenet-ms1mv3',
  executionProvider: 'cpu',
  threads: 0,
  maxImageSide: 1600,
  maxInputPixels: 100_000_000,
  batchPhotos: 8,
  fetch: { timeoutMs: 20_000, maxBytes: 40 * 1024 * 1024, maxRedirects: 3, allowPrivateAddresses: false },
  confidentFaceScore: 0.95,
  edgePadding: 0.25,
  edgePaddingFill: 'copy',
  mtcnn: { minFaceSize: 20, minFaceFraction: 0.02, scaleFactor: 0.709, thresholds: [0.6, 0.7, 0.7] },
  scrfd: { scoreThreshold: 0.5, nmsThreshold: 0.4 },
  grouping: { threshold: null, neighbours: 100, minSharpness: 10, minRelativeEmbeddingNorm: 0.7 },
});

export type ConfigOverrides = Partial<Omit<PipelineConfig, 'mtcnn' | 'scrfd' | 'grouping' | 'fetch'>> & {
  fetch?: Partial<FetchLimits>;
  mtcnn?: Partial<MtcnnConfig>;
  scrfd?: Partial<ScrfdConfig>;
  grouping?: Partial<GroupingConfig>;
};

export function resolveConfig(overrides: ConfigOverrides = {}): PipelineConfig {
  const base = defaultConfig();
  const config: PipelineConfig = {
    ...base,
    ...overrides,
    mtcnn: { ...base.mtcnn, ...overrides.mtcnn },
    scrfd: { ...base.scrfd, ...overrides.scrfd },
    grouping: { ...base.grouping, ...overrides.grouping },
    fetch: { ...base.fetch, ...overrides.fetch },
  };
  if (!['cpu', 'cuda'].includes(config.executionProvider)) {
    throw new Error(`executionProvider must be "cpu" or "cuda", not "${config.executionProvider}"`);
  }
  if (!['mtcnn', 'scrfd'].includes(config.detector)) {
    throw new Error(`detector must be "mtcnn" or "scrfd", not "${config.detector}"`);
  }
  if (!(config.maxImageSide >= 64)) throw new Error('maxImageSide must be at least 64 pixels');
  return config;
}

/**
 * The options the FACE_* variables of an environment name, for the CLI and the server (the library itself reads
 * no environment but FACE_MODELS_DIR): FACE_MODELS_DIR, FACE_DETECTOR, FACE_EMBEDDER, FACE_EXECUTION_PROVIDER,
 * FACE_THREADS, FACE_MAX_IMAGE_SIDE. Unset or empty variables give no option.
 */
export function configFromEnvironment(env: Record<string, string | undefined>): ConfigOverrides {
  const overrides: ConfigOverrides = {};
  if (env.FACE_MODELS_DIR) overrides.modelsDir = env.FACE_MODELS_DIR;
  if (env.FACE_DETECTOR) overrides.detector = env.FACE_DETECTOR as DetectorId;
  if (env.FACE_EMBEDDER) overrides.embedder = env.FACE_EMBEDDER;
  if (env.FACE_EXECUTION_PROVIDER) overrides.executionProvider = env.FACE_EXECUTION_PROVIDER as ExecutionProvider;
  if (env.FACE_THREADS) overrides.threads = Number(env.FACE_THREADS);
  if (env.FACE_MAX_IMAGE_SIDE) overrides.maxImageSide = Number(env.FACE_MAX_IMAGE_SIDE);
  return overrides;
}
