/**
 * Exact t-SNE (van der Maaten & Hinton 2008) in two dimensions, deterministic: PCA initialisation (stable
 * between runs and close to the data's global layout, Kobak & Berens 2019) and a seeded generator for the tiny
 * jitter that separates identical embeddings. O(n²) time and memory per iteration: about a second for 500 faces,
 * a minute for 3,000; beyond that, Barnes-Hut would be the next step.
 */

export interface TsneOptions {
  /** Effective number of neighbours each point attends to; lowered to (n - 1) / 3 for small n. */
  perplexity?: number;
  iterations?: number;
  seed?: number;
}

export const TSNE_DEFAULTS = { perplexity: 30, iterations: 750, seed: 1 } as const;

const EARLY_EXAGGERATION = 12;
const EXAGGERATION_ITERATIONS = 250;

/** The perplexity used for n points: a point cannot attend to more neighbours than there are. */
export function effectivePerplexity(n: number, perplexity: number = TSNE_DEFAULTS.perplexity): number {
  return Math.max(1, Math.min(perplexity, (n - 1) / 3));
}

/** Returns [x0, y0, x1, y1, …] for the points (all of one dimension). */
export function tsne(points: ArrayLike<number>[], options: TsneOptions = {}): Float64Array {
  const { perplexity, iterations, seed } = { ...TSNE_DEFAULTS, ...options };
  const n = points.length;
  const random = seededRandom(seed);
  const y = principalComponents(points, random);
  if (n < 4) return y;
  // PCA scaled to a tiny spread, as t-SNE expects of its initial layout, plus jitter so duplicates can part.
  const spread = standardDeviation(y, 0) || 1;
  for (let i = 0; i < y.length; i++) y[i] = (y[i] / spread) * 1e-4 + (random() - 0.5) * 1e-8;

  const p = jointProbabilities(points, effectivePerplexity(n, perplexity));
  const learningRate = Math.max(n / EARLY_EXAGGERATION / 4, 50);
  const update = new Float64Array(2 * n);
  const gains = new Float64Array(2 * n).fill(1);
  const gradient = new Float64Array(2 * n);
  const repulsion = new Float64Array(2 * n);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const early = iteration < EXAGGERATION_ITERATIONS;
    computeGradient(p, y, early ? EARLY_EXAGGERATION : 1, repulsion, gradient);
    const momentum = early ? 0.5 : 0.8;
    for (let k = 0; k < 2 * n; k++) {
      // Delta-bar-delta gains: speed up along directions that keep their sign.
      gains[k] = Math.sign(gradient[k]) !== Math.sign(update[k]) ? gains[k] + 0.2 : Math.max(gains[k] * 0.8, 0.01);
      update[k] = momentum * update[k] - learningRate * gains[k] * gradient[k];
      y[k] += update[k];
    }
    centre(y);
  }
  return y;
}

/** Symmetric P (n x n, summing to 1) from Gaussian neighbourhoods whose widths give the wanted perplexity. */
function jointProbabilities(points: ArrayLike<number>[], perplexity: number): Float64Array {
  const n = points.length;
  const distances = squaredDistances(points);
  const conditional = new Float64Array(n * n);
  const targetEntropy = Math.log(perplexity);
  for (let i = 0; i < n; i++) {
    const row = distances.subarray(i * n, (i + 1) * n);
    let nearest = Infinity;
    for (let j = 0; j < n; j++) if (j !== i) nearest = Math.min(nearest, row[j]);
    // Binary search on the precision beta; distances shifted by the nearest one, which leaves P unchanged.
    let beta = 1;
    let low = 0;
    let high = Infinity;
    for (let step = 0; step < 100; step++) {
      let sum = 0;
      let weighted = 0;
      for (let j = 0; j < n; j++) {
        if (j === i) continue;
        const d = row[j] - nearest;
        const pj = Math.exp(-beta * d);
        conditional[i * n + j] = pj;
        sum += pj;
        weighted += d * pj;
      }
      const entropy = Math.log(sum) + (beta * weighted) / sum;
      for (let j = 0; j < n; j++) conditional[i * n + j] /= sum;
      if (Math.abs(entropy - targetEntropy) < 1e-5) break;
      if (entropy > targetEntropy) {
        low = beta;
        beta = high === Infinity ? beta * 2 : (beta + high) / 2;
      } else {
        high = beta;
        beta = (beta + low) / 2;
      }
    }
  }
  const joint = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i !== j) joint[i * n + j] = Math.max((conditional[i * n + j] + conditional[j * n + i]) / (2 * n), 1e-12);
    }
  }
  return joint;
}

/**
 * dC/dy of the KL divergence with Student-t similarities q: 4 Σj (e·p_ij − q_ij/Z) q_ij (y_i − y_j), Z = Σ q.
 * One pass over the pairs, summing the attractive and repulsive parts apart since Z is known only at the end.
 */
function computeGradient(
  p: Float64Array,
  y: Float64Array,
  exaggeration: number,
  repulsion: Float64Array,
  gradient: Float64Array,
): void {
  const n = y.length / 2;
  gradient.fill(0);
  repulsion.fill(0);
  let kernelSum = 0;
  for (let i = 0; i < n; i++) {
    const xi = y[2 * i];
    const yi = y[2 * i + 1];
    for (let j = i + 1; j < n; j++) {
      const dx = xi - y[2 * j];
      const dy = yi - y[2 * j + 1];
      const q = 1 / (1 + dx * dx + dy * dy);
      kernelSum += 2 * q;
      const attraction = exaggeration * p[i * n + j] * q;
      gradient[2 * i] += attraction * dx;
      gradient[2 * i + 1] += attraction * dy;
      gradient[2 * j] -= attraction * dx;
      gradient[2 * j + 1] -= attraction * dy;
      const push = q * q;
      repulsion[2 * i] += push * dx;
      repulsion[2 * i + 1] += push * dy;
      repulsion[2 * j] -= push * dx;
      repulsion[2 * j + 1] -= push * dy;
    }
  }
  for (let k = 0; k < 2 * n; k++) gradient[k] = 4 * (gradient[k] - repulsion[k] / kernelSum);
}

function squaredDistances(points: ArrayLike<number>[]): Float64Array {
  const n = points.length;
  const distances = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = points[i];
      const b = points[j];
      let sum = 0;
      for (let k = 0; k < a.length; k++) sum += (a[k] - b[k]) ** 2;
      distances[i * n + j] = sum;
      distances[j * n + i] = sum;
    }
  }
  return distances;
}

/** Projections on the two leading principal components (power iteration with deflation), signs fixed. */
function principalComponents(points: ArrayLike<number>[], random: () => number): Float64Array {
  const n = points.length;
  const projected = new Float64Array(2 * n);
  if (n === 0) return projected;
  const dim = points[0].length;
  const mean = new Float64Array(dim);
  for (const point of points) for (let k = 0; k < dim; k++) mean[k] += point[k] / n;
  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (const point of points) {
    for (let k = 0; k < dim; k++) centred[k] = point[k] - mean[k];
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) covariance[a * dim + b] += centred[a] * centred[b];
  }
  for (let component = 0; component < 2; component++) {
    const vector = Float64Array.from({ length: dim }, () => random() - 0.5);
    let eigenvalue = 0;
    for (let step = 0; step < 200; step++) {
      const next = new Float64Array(dim);
      for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) next[a] += covariance[a * dim + b] * vector[b];
      eigenvalue = Math.hypot(...next);
      if (eigenvalue === 0) break;
      for (let k = 0; k < dim; k++) vector[k] = next[k] / eigenvalue;
    }
    // The sign of an eigenvector is arbitrary: make its largest entry positive, so the map does not flip.
    let largest = 0;
    for (let k = 1; k < dim; k++) if (Math.abs(vector[k]) > Math.abs(vector[largest])) largest = k;
    const sign = vector[largest] < 0 ? -1 : 1;
    points.forEach((point, i) => {
      let sum = 0;
      for (let k = 0; k < dim; k++) sum += (point[k] - mean[k]) * vector[k];
      projected[2 * i + component] = sign * sum;
    });
    for (let a = 0; a < dim; a++) for (let b = 0; b < dim; b++) covariance[a * dim + b] -= eigenvalue * vector[a] * vector[b];
  }
  return projected;
}

function standardDeviation(y: Float64Array, axis: number): number {
  const n = y.length / 2;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += y[2 * i + axis] / n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (y[2 * i + axis] - mean) ** 2 / n;
  return Math.sqrt(variance);
}

function centre(y: Float64Array): void {
  const n = y.length / 2;
  for (let axis = 0; axis < 2; axis++) {
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[2 * i + axis] / n;
    for (let i = 0; i < n; i++) y[2 * i + axis] -= mean;
  }
}

/** mulberry32: a small, fast, seeded generator of numbers in [0, 1). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
