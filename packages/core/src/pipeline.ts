import { readFile } from 'node:fs/promises';
import { alignFaces, cropSharpness } from './align.js';
import { StageClock } from './clock.js';
import { resolveConfig, type ConfigOverrides, type PipelineConfig } from './config.js';
import { createDetector } from './detectors.js';
import { Embedder } from './embed.js';
import { fetchImage } from './fetch/safe-fetch.js';
import type { FetchLimits } from './fetch/source-error.js';
import { decodeImage } from './image.js';
import { detectAnyOrientation } from './orientation.js';
import { InferenceQueue, modelEntry, type SessionOptions } from './models.js';
import { nativeDevice } from './native-device.js';
import type { GroupImagesOptions } from './result.js';
import type { AnalysedFace, AnalysedImage, DecodedImage, DetectedFace, FaceDetector } from './types.js';

/**
 * A photo to analyse: a file path (its key is the path), or a key with a path, bytes, an http(s) URL (fetched
 * within the configured limits, public addresses only unless allowed), or a reader of the caller's own.
 */
export type ImageSource =
  | string
  | { key: string; path: string }
  | { key: string; buffer: Buffer }
  | { key: string; url: string }
  | { key: string; read: () => Promise<Buffer> };

export interface Progress {
  done: number;
  total: number;
  failed: number;
  faces: number;
  /** The photo just finished. */
  key: string;
}

export function sourceKey(source: ImageSource): string {
  return typeof source === 'string' ? source : source.key;
}

function readSource(source: ImageSource, limits: FetchLimits): Promise<Buffer> {
  if (typeof source === 'string') return readFile(source);
  if ('buffer' in source) return Promise.resolve(source.buffer);
  if ('path' in source) return readFile(source.path);
  if ('url' in source) return fetchImage(source.url, limits);
  return source.read();
}

/** Options of FacePipeline.create: the configuration, and how the pipeline runs among others. */
export interface PipelineOptions extends ConfigOverrides {
  /**
   * Runs this pipeline's inference calls one at a time. Each pipeline has its own queue, so pipelines in one
   * process run side by side; pipelines given the same queue take turns (as when they share the cores).
   */
  inferenceQueue?: InferenceQueue;
  /** Where warnings go (the CUDA provider unavailable); default: stderr. */
  onWarning?: (message: string) => void;
}

/** Photo → faces → aligned crops → embeddings, on the configured detector, embedder and device. */
/**
 * The grouping options of a configuration (threshold: configured, else the embedder's own), read from the model
 * manifest without loading any model: a process that groups but analyses nothing needs no models.
 */
export function groupingOptionsOf(config: PipelineConfig): GroupImagesOptions {
  const { neighbours, minSharpness, minRelativeEmbeddingNorm } = config.grouping;
  const threshold = config.grouping.threshold ?? modelEntry(config.embedder, 'embedder').sameIdentityCosine ?? 0.45;
  return { threshold, neighbours, minSharpness, minRelativeEmbeddingNorm, device: nativeDevice(config.executionProvider) };
}

export class FacePipeline {
  private constructor(
    readonly config: PipelineConfig,
    /** Time per stage: decode, detect (and each detector network), align, embed. */
    readonly clock: StageClock,
    private readonly detector: FaceDetector,
    readonly embedder: Embedder,
  ) {}

  static async create(options: PipelineOptions = {}): Promise<FacePipeline> {
    const { inferenceQueue, onWarning, ...overrides } = options;
    const config = resolveConfig(overrides);
    const session: SessionOptions = {
      modelsDir: config.modelsDir,
      queue: inferenceQueue ?? new InferenceQueue(),
      executionProvider: config.executionProvider,
      threads: config.threads,
      warn: onWarning ?? ((message) => process.stderr.write(`[facegroup] warning: ${message}\n`)),
    };
    const clock = new StageClock();
    const [detector, embedder] = await Promise.all([
      createDetector(config, session, clock),
      Embedder.create(config.embedder, session, clock),
    ]);
    return new FacePipeline(config, clock, detector, embedder);
  }

  /** The cosine threshold for grouping: configured, else the embedder's own. */
  get groupingThreshold(): number {
    return this.groupingOptions.threshold;
  }

  /** Options for groupImages from the configuration. */
  get groupingOptions(): GroupImagesOptions {
    return groupingOptionsOf(this.config);
  }

  /**
   * Analyses photos in batches of `batchPhotos`: each batch is decoded and detected concurrently, and all of
   * its faces go through the embedder in one call while the next batch is decoded and detected. Yields each
   * photo's result in input order; a photo that fails yields an `error` and the rest go on. At most two
   * batches are in memory.
   */
  async *analyse(sources: ImageSource[], onProgress?: (progress: Progress) => void): AsyncGenerator<AnalysedImage> {
    const progress = { done: 0, total: sources.length, failed: 0, faces: 0, key: '' };
    const size = this.config.batchPhotos;
    const detectBatch = (start: number) => (start < sources.length ? this.detectBatch(sources.slice(start, start + size)) : null);
    let next = detectBatch(0);
    for (let start = 0; next; start += size) {
      const detected = await next;
      next = detectBatch(start + size);
      for (const result of await this.embedBatch(detected)) {
        progress.done++;
        progress.failed += result.error ? 1 : 0;
        progress.faces += result.faces.length;
        progress.key = result.key;
        onProgress?.({ ...progress });
        yield result;
      }
    }
  }

  async analyseAll(sources: ImageSource[], onProgress?: (progress: Progress) => void): Promise<AnalysedImage[]> {
    const results: AnalysedImage[] = [];
    for await (const result of this.analyse(sources, onProgress)) results.push(result);
    return results;
  }

  private detectBatch(sources: ImageSource[]): Promise<(Detected | Failed)[]> {
    return Promise.all(
      sources.map(async (source): Promise<Detected | Failed> => {
        const key = sourceKey(source);
        try {
          const image = await this.clock.time('decode', async () =>
            decodeImage(await readSource(source, this.config.fetch), this.config),
          );
          const { faces } = await this.clock.time('detect', () =>
            detectAnyOrientation(this.detector, image, {
              confidentScore: this.config.confidentFaceScore,
              padding: this.config.edgePadding,
              paddingFill: this.config.edgePaddingFill,
            }),
          );
          return { key, image, faces: faces.sort((a, b) => a.box[0] - b.box[0] || a.box[1] - b.box[1]) };
        } catch (error) {
          return { key, error: describeError(error) };
        }
      }),
    );
  }

  private async embedBatch(detected: (Detected | Failed)[]): Promise<AnalysedImage[]> {
    const withFaces = detected.filter((d): d is Detected => 'image' in d && d.faces.length > 0);
    const embedded = await this.embedFaces(withFaces);
    let next = 0;
    return detected.map((d) => {
      if (!('image' in d)) return { key: d.key, width: 0, height: 0, faces: [], error: d.error };
      const faces: AnalysedFace[] = d.faces.map((face, i) => {
        const n = next++;
        const original = toOriginal(face, d.image.scale);
        return {
          ...original,
          id: `${d.key}#${i}`,
          embedding: embedded.vectors[n],
          quality: {
            size: Math.min(original.box[2] - original.box[0], original.box[3] - original.box[1]),
            alignmentError: embedded.alignmentErrors[n],
            sharpness: embedded.sharpness[n],
            embeddingNorm: embedded.norms[n],
          },
        };
      });
      return { key: d.key, width: d.image.originalWidth, height: d.image.originalHeight, faces };
    });
  }

  /** Aligns the faces of several photos into one batch and embeds it. */
  private async embedFaces(images: Detected[]) {
    const input = this.embedder.entry.input;
    const count = images.reduce((sum, d) => sum + d.faces.length, 0);
    const size = input.size!;
    const crops = new Float32Array(count * 3 * size * size);
    const alignmentErrors: number[] = [];
    const device = nativeDevice(this.config.executionProvider);
    await this.clock.time('align', async () => {
      let offset = 0;
      for (const d of images) {
        const aligned = await alignFaces(
          d.image,
          d.faces.map((f) => f.landmarks),
          input,
          device,
        );
        crops.set(aligned.tensor, offset);
        offset += aligned.tensor.length;
        alignmentErrors.push(...aligned.alignmentErrors);
      }
    });
    const sharpness = await this.clock.time('quality', () => cropSharpness(crops, count, input));
    const { vectors, norms } = await this.embedder.embed(crops, count);
    return { vectors, norms, alignmentErrors, sharpness };
  }
}

interface Detected {
  key: string;
  image: DecodedImage;
  faces: DetectedFace[];
}

interface Failed {
  key: string;
  error: string;
}

/** Maps a face found on the analysed (possibly downscaled) image to original-photo pixels. */
function toOriginal(face: DetectedFace, scale: number): DetectedFace {
  return {
    box: face.box.map((v) => v * scale) as DetectedFace['box'],
    score: face.score,
    landmarks: face.landmarks.map(([x, y]) => [x * scale, y * scale]),
  };
}

function describeError(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === 'ENOENT') return 'file not found';
  if (e.code === 'EISDIR') return 'is a folder, not a photo';
  if (e.code === 'EACCES') return 'permission denied';
  return e.message ?? String(error);
}
