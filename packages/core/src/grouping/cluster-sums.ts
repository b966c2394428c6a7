/**
 * The sum of the embeddings of each cluster of several faces. With unit-length embeddings one dot product gives
 * the exact mean similarity between two clusters, sA·sB / |A||B|, and within one, (|sA|² − Σ|a|²) / |A|(|A|−1),
 * whatever pairs the neighbour graph shows. A cluster of one face is its embedding.
 */
export class ClusterSums {
  private readonly sums = new Map<number, Float64Array>();
  /** Per cluster of several faces: |s|², and the sum of its faces' own squared norms (their self-similarities). */
  private readonly squaredNorm = new Map<number, number>();
  private readonly selfSimilarity = new Map<number, number>();
  /** Per cluster of several faces, once asked: the lowest mean similarity of one of its faces to the others. */
  private readonly lowestTypicality = new Map<number, number>();

  constructor(private readonly embeddings: Float32Array[]) {}

  /** Starts the sum of a cluster of several faces from its members. */
  start(root: number, members: number[]): void {
    const sum = new Float64Array(this.embeddings[root].length);
    let self = 0;
    for (const face of members) {
      const embedding = this.embeddings[face];
      for (let d = 0; d < sum.length; d++) sum[d] += embedding[d];
      self += dot(embedding, embedding);
    }
    this.sums.set(root, sum);
    this.squaredNorm.set(root, dot(sum, sum));
    this.selfSimilarity.set(root, self);
  }

  /** Cluster `gone` joins cluster `keep`. */
  merge(keep: number, gone: number): void {
    const cross = dot(this.vector(keep), this.vector(gone));
    const squaredNorm = this.squaredNormOf(keep) + this.squaredNormOf(gone) + 2 * cross;
    const selfSimilarity = this.selfSimilarityOf(keep) + this.selfSimilarityOf(gone);
    const sum = this.sums.get(keep) ?? Float64Array.from(this.embeddings[keep]);
    const other = this.vector(gone);
    for (let d = 0; d < sum.length; d++) sum[d] += other[d];
    this.sums.set(keep, sum);
    this.squaredNorm.set(keep, squaredNorm);
    this.selfSimilarity.set(keep, selfSimilarity);
    this.sums.delete(gone);
    this.squaredNorm.delete(gone);
    this.selfSimilarity.delete(gone);
    this.lowestTypicality.delete(keep);
    this.lowestTypicality.delete(gone);
  }

  /** Mean similarity of the pairs of faces across clusters a and b. */
  meanSimilarity(a: number, sizeA: number, b: number, sizeB: number): number {
    return dot(this.vector(a), this.vector(b)) / (sizeA * sizeB);
  }

  /** Mean similarity of the pairs of faces within the cluster; 1 for a single face. */
  cohesion(root: number, size: number): number {
    if (size < 2) return 1;
    return (this.squaredNormOf(root) - this.selfSimilarityOf(root)) / (size * (size - 1));
  }

  /**
   * The least typical face of a cluster of several faces: its mean similarity to the other faces, the lowest of
   * the cluster's. O(faces × dimensions), kept until the cluster changes.
   */
  typicality(root: number, members: number[]): number {
    let lowest = this.lowestTypicality.get(root);
    if (lowest === undefined) {
      const sum = this.vector(root);
      lowest = Infinity;
      for (const face of members) {
        const embedding = this.embeddings[face];
        lowest = Math.min(lowest, (dot(embedding, sum) - dot(embedding, embedding)) / (members.length - 1));
      }
      this.lowestTypicality.set(root, lowest);
    }
    return lowest;
  }

  /** The direction of the cluster's mean face (unit length). */
  direction(root: number): Float32Array {
    const sum = this.vector(root);
    const norm = Math.sqrt(dot(sum, sum)) || 1;
    return Float32Array.from(sum, (v) => v / norm);
  }

  private vector(root: number): Float64Array | Float32Array {
    return this.sums.get(root) ?? this.embeddings[root];
  }

  private squaredNormOf(root: number): number {
    return this.squaredNorm.get(root) ?? dot(this.embeddings[root], this.embeddings[root]);
  }

  private selfSimilarityOf(root: number): number {
    return this.selfSimilarity.get(root) ?? dot(this.embeddings[root], this.embeddings[root]);
  }
}

function dot(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let s = 0;
  for (let d = 0; d < x.length; d++) s += x[d] * y[d];
  return s;
}
