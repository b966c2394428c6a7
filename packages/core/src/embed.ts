import * as ort from 'onnxruntime-node';
import { modelEntry, openSession, type ModelEntry, type SessionOptions } from './models.js';

/** An ArcFace-style embedder: aligned crops in, L2-normalised embeddings out. Any model in the manifest. */
export class Embedder {
  private constructor(
    readonly entry: ModelEntry,
    private readonly session: ort.InferenceSession,
  ) {}

  static async create(id: string, options: SessionOptions): Promise<Embedder> {
    const entry = modelEntry(id, 'embedder');
    return new Embedder(entry, await openSession(entry, options));
  }

  get dimension(): number {
    return this.entry.dimension!;
  }

  /** Embeds `count` crops laid out as the model's NCHW input; returns one normalised vector per crop. */
  async embed(crops: Float32Array, count: number): Promise<Float32Array[]> {
    if (count === 0) return [];
    const size = this.entry.input.size!;
    const out = await this.session.run({
      [this.entry.input.name]: new ort.Tensor('float32', crops, [count, 3, size, size]),
    });
    const data = out[this.entry.outputs.embedding as string].data as Float32Array;
    const dim = data.length / count;
    if (dim !== this.dimension) {
      throw new Error(`${this.entry.id} returned ${dim}-d embeddings, the manifest says ${this.dimension}`);
    }
    const vectors: Float32Array[] = [];
    for (let n = 0; n < count; n++) vectors.push(l2Normalise(data.slice(n * dim, (n + 1) * dim)));
    return vectors;
  }
}

export function l2Normalise(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const v of vector) norm += v * v;
  norm = Math.sqrt(norm);
  if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
  return vector;
}
