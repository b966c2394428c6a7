import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { StageClock } from './clock.js';
import type { ExecutionProvider } from './config.js';

export type ColorOrder = 'rgb' | 'bgr';

/** How a model wants its pixels: NCHW float, value = (pixel - mean[c]) / std[c] per R, G, B channel. */
export interface TensorInput {
  name: string;
  layout: 'NCHW';
  size?: number;
  colorOrder: ColorOrder;
  mean: [number, number, number];
  std: [number, number, number];
}

/** For each plane of a model's input, in its colour order: the R, G or B channel it holds, with that channel's normalisation. */
export function inputPlanes(input: TensorInput): { channel: number; mean: number; std: number }[] {
  const channels = input.colorOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  return channels.map((channel) => ({ channel, mean: input.mean[channel], std: input.std[channel] }));
}

export interface ModelEntry {
  id: string;
  kind: 'mtcnn-stage' | 'detector' | 'embedder';
  description: string;
  /** Path relative to the models directory. */
  file: string;
  sha256: string;
  input: TensorInput;
  outputs: Record<string, unknown>;
  /** Embedders: length of the embedding vector. */
  dimension?: number;
  /** Embedders: cosine above which two faces are likely the same person (from the model's README). */
  sameIdentityCosine?: number;
}

/** The manifest ships in the package, beside src/ and dist/ alike. */
export const manifest: { models: ModelEntry[] } = JSON.parse(
  readFileSync(new URL('../models/manifest.json', import.meta.url), 'utf8'),
);

export function modelEntry(id: string, kind?: ModelEntry['kind']): ModelEntry {
  const entry = manifest.models.find((m) => m.id === id && (!kind || m.kind === kind));
  if (!entry) {
    const known = manifest.models.filter((m) => !kind || m.kind === kind).map((m) => m.id);
    throw new Error(`Unknown ${kind ?? 'model'} "${id}". Models in the manifest: ${known.join(', ')}`);
  }
  return entry;
}

/**
 * Where model files are looked up when no `modelsDir` option is given: FACE_MODELS_DIR, else ~/.facegroup/models.
 * (FACE_MODELS_DIR is the one environment variable the library reads; every other setting is an option.)
 */
export function defaultModelsDir(): string {
  const fromEnvironment = process.env.FACE_MODELS_DIR;
  return fromEnvironment ? resolve(fromEnvironment) : join(homedir(), '.facegroup', 'models');
}

export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

const verified = new Map<string, Promise<string>>();

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Resolves a model's file and checks its sha256 once per process. */
export function modelPath(entry: ModelEntry, modelsDir: string): Promise<string> {
  const path = join(modelsDir, entry.file);
  let pending = verified.get(path);
  if (!pending) {
    pending = (async () => {
      const howTo =
        `Copy the model files (listed in @facegroup/core's models/manifest.json) into ${modelsDir}, or pass ` +
        'the folder that holds them (laid out as mtcnn/, arcface/, scrfd/) as the modelsDir option or FACE_MODELS_DIR.';
      if (!existsSync(path)) {
        throw new ModelFileError(`Model file ${entry.file} (${entry.description}) not found at ${path}. ${howTo}`);
      }
      const actual = await sha256Of(path);
      if (actual !== entry.sha256) {
        throw new ModelFileError(`Model file ${path} has sha256 ${actual}, expected ${entry.sha256} for ${entry.id}. ${howTo}`);
      }
      return path;
    })();
    pending.catch(() => verified.delete(path));
    verified.set(path, pending);
  }
  return pending;
}

export interface SessionOptions {
  modelsDir: string;
  /** Runs the networks' inference calls; a pipeline has its own unless one is shared. */
  queue: InferenceQueue;
  executionProvider: ExecutionProvider;
  /** ONNX Runtime intra-op threads; 0 lets ONNX Runtime choose. */
  threads: number;
  /** Where a warning (CUDA unavailable) goes. */
  warn: (message: string) => void;
}

let cudaFallbackLogged = false;

/** Opens an ONNX Runtime session on the configured provider; CUDA falls back to CPU with one log line. */
export async function openSession(entry: ModelEntry, options: SessionOptions): Promise<ort.InferenceSession> {
  const path = await modelPath(entry, options.modelsDir);
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    intraOpNumThreads: options.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // Input shapes change with every photo (pyramid levels, crop counts): an arena and memory patterns kept
    // per shape only grow, while allocating per run costs nothing measurable.
    enableCpuMemArena: false,
    enableMemPattern: false,
  };
  if (options.executionProvider === 'cuda') {
    try {
      return await ort.InferenceSession.create(path, { ...base, executionProviders: ['cuda', 'cpu'] });
    } catch (error) {
      if (!cudaFallbackLogged) {
        cudaFallbackLogged = true;
        const reason = (error as Error).message.split('\n')[0].slice(0, 160);
        options.warn(`CUDA execution provider unavailable, using CPU (${reason})`);
      }
    }
  }
  return ort.InferenceSession.create(path, { ...base, executionProviders: ['cpu'] });
}

/**
 * Runs inference calls one at a time: ONNX Runtime spreads each run over the cores, so concurrent runs of one
 * pipeline only contend. Each pipeline makes its own; pipelines given the same queue take turns.
 */
export class InferenceQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `task` after every task queued before it has settled. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/** A network of the manifest with its session; each run is timed on the clock under `stage`. */
export class OnnxModel {
  private constructor(
    readonly entry: ModelEntry,
    private readonly session: ort.InferenceSession,
    private readonly queue: InferenceQueue,
    private readonly clock: StageClock,
    private readonly stage: string,
  ) {}

  static async open(
    id: string,
    kind: ModelEntry['kind'],
    options: SessionOptions,
    clock: StageClock,
    stage: string,
  ): Promise<OnnxModel> {
    const entry = modelEntry(id, kind);
    return new OnnxModel(entry, await openSession(entry, options), options.queue, clock, stage);
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  /** Runs the network on one NCHW float input. */
  run(data: Float32Array, dims: number[]): Promise<ort.InferenceSession.ReturnType> {
    const feeds = { [this.entry.input.name]: new ort.Tensor('float32', data, dims) };
    return this.queue.run(() => this.clock.time(this.stage, () => this.session.run(feeds)));
  }
}
