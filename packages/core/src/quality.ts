import type { FaceQuality } from './types.js';

export interface QualityPolicy {
  /** Variance of the Laplacian below which a face is too blurred to start a person. */
  minSharpness: number;
  /**
   * Embedding norm, as a fraction of the collection's median, below which a face is too hard to recognise to
   * start a person. Margin-trained embedders give low norms to low-quality faces (as MagFace and AdaFace use);
   * relative to the median, so it holds for any embedder.
   */
  minRelativeEmbeddingNorm: number;
}

export type WeakReason = 'blurred' | 'hard to recognise';

/**
 * Why a face may join a person but not start one (empty when it may). Such faces are mostly blurred
 * bystanders, which otherwise attract each other into mixed persons.
 */
export function weakReasons(quality: FaceQuality, medianEmbeddingNorm: number, policy: QualityPolicy): WeakReason[] {
  const reasons: WeakReason[] = [];
  if (quality.sharpness < policy.minSharpness) reasons.push('blurred');
  if (quality.embeddingNorm < policy.minRelativeEmbeddingNorm * medianEmbeddingNorm) reasons.push('hard to recognise');
  return reasons;
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
