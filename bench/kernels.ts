import { seededRandom } from '../test/support/random.js';

/** Seeded unit rows: reproducible inputs for the micro-benchmarks. */
export function randomUnitRows(rows: number, dim: number, seed: number): Float32Array {
  const out = new Float32Array(rows * dim);
  const random = seededRandom(seed);
  for (let i = 0; i < out.length; i++) out[i] = random() - 0.5;
  for (let r = 0; r < rows; r++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += out[r * dim + c] ** 2;
    norm = Math.sqrt(norm);
    for (let c = 0; c < dim; c++) out[r * dim + c] /= norm;
  }
  return out;
}

/** The plain TypeScript cosine matrix the native one is measured against. */
export function cosineLoop(a: Float32Array, b: Float32Array, dim: number): Float32Array {
  const n = a.length / dim;
  const m = b.length / dim;
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let dot = 0;
      let na = 0;
      let nb = 0;
      for (let c = 0; c < dim; c++) {
        const x = a[i * dim + c];
        const y = b[j * dim + c];
        dot += x * y;
        na += x * x;
        nb += y * y;
      }
      out[i * m + j] = dot / Math.sqrt(na * nb);
    }
  }
  return out;
}
