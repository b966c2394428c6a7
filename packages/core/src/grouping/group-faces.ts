import type { NativeDevice } from '../native-device.js';
import { ClusterSet, type MergeCandidate } from './cluster-set.js';
import { compareIds } from './compare-ids.js';
import { addSimilarityEdges, nearestPairs } from './similarity-graph.js';

export interface GroupingFace {
  id: string;
  /** Faces of one photo never share a person. */
  photo: string;
  /** L2-normalised. */
  embedding: Float32Array;
  /** A low-quality face: it may join a person, but never starts one or pulls two together. */
  weak?: boolean;
}

/** A face left out of every person, and the person it came closest to. */
export interface UnassignedFace {
  faceId: string;
  /** Index into the clusters, and the face's average similarity to it (null when no neighbour is in one). */
  nearest: { cluster: number; similarity: number } | null;
}

/** Two persons that are probably one but fall short of the rule (or are both existing persons), and why. */
export interface MergeSuggestion {
  /** Indices into the clusters, lower (larger person) first. */
  a: number;
  b: number;
  /** Their cohesion linkage: the rule merges at `cohesionRatio` × threshold, when the pairs across are typical enough. */
  similarity: number;
  evidence: {
    /** Mean cosine similarity between a face of a and a face of b, over all such pairs. */
    meanSimilarity: number;
    /** Mean cosine similarity within a and within b (1 for a single face). */
    cohesion: [number, number];
    /** Lowest mean similarity of one face of a (of b) to the others of its person; null for a single face. */
    typicality: [number | null, number | null];
    /** Faces the rule compared (weak faces join persons afterwards). */
    faces: [number, number];
    /** The linkage fell short, or the pairs across were less alike than a person's own faces, or both are existing persons, which grouping never merges. */
    reason: MergeCandidate['reason'];
  };
}

export interface Grouping {
  /** Face ids per person, largest first. */
  clusters: string[][];
  unassigned: UnassignedFace[];
  /** Best first. */
  suggestions: MergeSuggestion[];
}

export interface GroupingConstraints {
  /** Face sets a user put together (merge, move): each set ends up in one person. */
  together?: string[][];
  /** Face pairs a user separated ("not this person"): never in one person. */
  apart?: [string, string][];
  /**
   * Persons that already exist (incremental grouping): each is kept whole and never merged with another;
   * only the other faces are compared, and they may join these persons or form new ones.
   */
  fixed?: string[][];
}

/** The second pass, over the clusters of the first: see `MergeRule`. */
export interface ClusterMergingOptions {
  /** Cohesion linkage two clusters need, as a fraction of the threshold. */
  cohesionRatio: number;
  /** Mean similarity across two clusters they need, as a fraction of that of the larger one's least typical face to the rest of it. */
  typicalityRatio: number;
}

export interface GroupingOptions {
  /** Average cosine similarity between two clusters above which they are one person. */
  threshold: number;
  /** Neighbours per face in the similarity graph; pairs outside it count as similarity 0. */
  neighbours: number;
  /** The second pass (default DEFAULT_CLUSTER_MERGING); null: average linkage alone. */
  clusterMerging?: ClusterMergingOptions | null;
  /** Linked persons that did not merge are suggested from this cohesion linkage on, as a fraction of the threshold. */
  suggestionRatio?: number;
  constraints?: GroupingConstraints;
  /** Where the nearest-neighbour search of the graph runs (native-align's topK); default the CPU. */
  device?: NativeDevice;
}

/** Chosen on the evaluation sets (README, "How faces become persons"). */
export const DEFAULT_CLUSTER_MERGING: ClusterMergingOptions = { cohesionRatio: 0.9, typicalityRatio: 0.65 };
export const DEFAULT_SUGGESTION_RATIO = 0.75;
/** Existing persons weighed as merge suggestions with each one: the nearest by their mean faces. */
const PERSON_NEIGHBOURS = 10;

/**
 * Groups faces into persons in two passes over a k-nearest-neighbour cosine graph, with cannot-links (same
 * photo, "not this person", two existing persons) and must-links (user merges and moves).
 *
 * 1. Average linkage: the linkage of two clusters is the mean similarity of the pairs the graph shows between
 *    them, provided they are enough evidence, at least one pair per face of the smaller cluster; otherwise pairs
 *    not shown count 0. While persons have at most k+1 faces this is exact average linkage; a person with far
 *    more faces than k is not split for lack of edges, and a few look-alike pairs cannot join two people.
 * 2. Cluster merging over the clusters the graph links, by cluster-level evidence (`MergeRule`, cohesion): a
 *    person photographed over years leaves clusters whose faces are about as far from each other as from its
 *    other clusters, and they merge; a tight person keeps out a face less like it than its own faces are.
 *
 * Weak faces are left out of both, then each joins the person it is closest to when that passes the threshold;
 * the rest stay unassigned. Linked persons that did not merge are suggestions from a cohesion linkage of
 * `suggestionRatio` × threshold on. Faces are sorted by id first, so the result does not depend on input order.
 */
export function groupFaces(faces: GroupingFace[], options: GroupingOptions): Grouping {
  const sorted = [...faces].sort((a, b) => compareIds(a.id, b.id));
  const n = sorted.length;
  if (n === 0) return { clusters: [], unassigned: [], suggestions: [] };
  const index = new Map(sorted.map((face, i) => [face.id, i]));
  if (index.size !== n) throw new Error('face ids must be unique');

  const constraints = options.constraints ?? {};
  const clusters = new ClusterSet(sorted, index, constraints);
  const fixedFaces = new Set((constraints.fixed ?? []).flat());
  const newFaces = sorted.flatMap((face, i) => (fixedFaces.has(face.id) ? [] : [i]));
  addSimilarityEdges(clusters, sorted, newFaces, options.neighbours, options.device);
  clusters.agglomerate({ linkage: 'mean', threshold: options.threshold });
  const merging = options.clusterMerging === undefined ? DEFAULT_CLUSTER_MERGING : options.clusterMerging;
  // At a threshold of 0 or below the first pass merged every linked pair it may, and cohesion means nothing.
  const secondPass = merging !== null && options.threshold > 0;
  if (secondPass) clusters.agglomerate({ linkage: 'cohesion', threshold: options.threshold, ...merging });
  const suggestionFloor = (options.suggestionRatio ?? DEFAULT_SUGGESTION_RATIO) * options.threshold;
  if (secondPass) {
    const existing = clusters.existingPersons();
    const directions = existing.map((root) => clusters.meanDirection(root));
    for (const [x, y] of nearestPairs(directions, PERSON_NEIGHBOURS)) clusters.holdApart(existing[x], existing[y]);
  }
  const candidates = secondPass ? clusters.mergeCandidates(suggestionFloor) : [];
  const unassigned = clusters.attachWeakFaces(options.threshold);
  const roots = clusters.roots().sort((a, b) => clusters.membersOf(b).length - clusters.membersOf(a).length || a - b);
  const position = new Map(roots.map((root, i) => [root, i]));
  return {
    clusters: roots.map((root) =>
      clusters
        .membersOf(root)
        .map((i) => sorted[i].id)
        .sort(compareIds),
    ),
    unassigned: unassigned.map(({ face, nearest }) => ({
      faceId: sorted[face].id,
      nearest: nearest && { cluster: position.get(clusters.find(nearest.root))!, similarity: nearest.similarity },
    })),
    suggestions: candidates
      .map((candidate) =>
        suggestion(candidate, position.get(clusters.find(candidate.a))!, position.get(clusters.find(candidate.b))!),
      )
      .sort((p, q) => q.similarity - p.similarity || p.a - q.a || p.b - q.b),
  };
}

/** A merge candidate as a suggestion between clusters at positions x and y, the lower position first. */
function suggestion(candidate: MergeCandidate, x: number, y: number): MergeSuggestion {
  const { linkage, meanSimilarity, cohesion, typicality, faces, reason } = candidate;
  const order = <T>(pair: [T, T]): [T, T] => (x < y ? pair : [pair[1], pair[0]]);
  return {
    a: Math.min(x, y),
    b: Math.max(x, y),
    similarity: linkage,
    evidence: { meanSimilarity, cohesion: order(cohesion), typicality: order(typicality), faces: order(faces), reason },
  };
}
