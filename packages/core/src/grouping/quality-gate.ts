import type { FaceQuality } from '../types.js';
import { groupFaces, type GroupingFace, type GroupingOptions, type MergeSuggestion } from './group-faces.js';

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

/** Why a face is in no person: its quality, or no person close enough. */
export type UnassignedReason = WeakReason | 'no close person';

export interface QualityGroupingOptions extends GroupingOptions, QualityPolicy {
  /** The median embedding norm weak faces are judged against; default that of the faces grouped. */
  medianEmbeddingNorm?: number;
}

export interface QualityGrouping {
  /** Face ids per person, largest first. */
  clusters: string[][];
  /** Faces in no person: why, and the cluster they came closest to with its average similarity. */
  unassigned: { faceId: string; reasons: UnassignedReason[]; nearest: { cluster: number; similarity: number } | null }[];
  /** Persons that are probably one, with the evidence, best first. */
  suggestions: MergeSuggestion[];
}

/**
 * Groups faces behind the quality gate: faces weak for the policy (against the median embedding norm of these
 * faces) may join a person but not start one, and each face left out says why.
 */
export function groupFacesByQuality(
  faces: (GroupingFace & { quality: FaceQuality })[],
  options: QualityGroupingOptions,
): QualityGrouping {
  const medianNorm = options.medianEmbeddingNorm ?? median(faces.map((face) => face.quality.embeddingNorm));
  const weakness = new Map(faces.map((face) => [face.id, weakReasons(face.quality, medianNorm, options)]));
  const { clusters, unassigned, suggestions } = groupFaces(
    faces.map(({ id, photo, embedding }) => ({ id, photo, embedding, weak: weakness.get(id)!.length > 0 })),
    options,
  );
  return {
    clusters,
    unassigned: unassigned.map(({ faceId, nearest }) => ({
      faceId,
      reasons: [
        ...weakness.get(faceId)!,
        // Else it was close enough, and only a conflict kept it out: a face of its photo is in that person, or
        // a user's "not this person".
        ...(nearest === null || nearest.similarity < options.threshold ? (['no close person'] as const) : []),
      ],
      nearest,
    })),
    suggestions,
  };
}

export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
