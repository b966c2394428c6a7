import type { StageClock } from './clock.js';
import { OnnxModel, type ModelEntry, type SessionOptions } from './models.js';

/** An ArcFace-style embedder: aligned crops in, L2-normalised embeddings out. Any model in the manifest. */
export class Embedder {
  private constructor(private readonly model: OnnxModel) {}

  static async create(id: string, options: SessionOptions, clock: StageClock): Promise<Embedder> {
    return new Embedder(await OnnxModel.open(id, 'embedder', options, clock, 'embed'));
  }

  get entry(): ModelEntry {
    return this.model.entry;
  }

  get dimension(): number {
    return this.entry.dimension!;
  }

  /**
   * Embeds `count` crops laid out as the model's NCHW input: one normalised vector per crop, and the norm
   * it had before (for margin-trained models, a low norm marks a hard-to-recognise face).
   */
  async embed(crops: Float32Array, count: number): Promise<{ vectors: Float32Array[]; norms: number[] }> {
    if (count === 0) return { vectors: [], norms: [] };
    const size = this.entry.input.size!;
    const out = await this.model.run(crops, [count, 3, size, size]);
    const data = out[this.entry.outputs.embedding as string].data as Float32Array;
    const dim = data.length / count;
    if (dim !== this.dimension) {
      throw new Error(`${this.entry.id} returned ${dim}-d embeddings, the manifest says ${this.dimension}`);
    }
    const vectors: Float32Array[] = [];
    const norms: number[] = [];
    for (let n = 0; n < count; n++) {
      const vector = data.slice(n * dim, (n + 1) * dim);
      norms.push(norm(vector));
      vectors.push(l2Normalise(vector));
    }
    return { vectors, norms };
  }
}

function norm(vector: Float32Array): number {
  let sum = 0;
  for (const v of vector) sum += v * v;
  return Math.sqrt(sum);
}

export function l2Normalise(vector: Float32Array): Float32Array {
  const length = norm(vector);
  if (length > 0) for (let i = 0; i < vector.length; i++) vector[i] /= length;
  return vector;
}
