import { groupImages, type AnalysedImage, type GroupImagesOptions } from '@facegroup/core';
import type { Labels, ScoreGrouping } from './scoring.js';

export interface F1s {
  pairwiseF1: number;
  bcubedF1: number;
}

/** A grouping rule on one fold: the options that scored best on the other folds, and its defaults. */
export interface RuleOnFold {
  chosen: Partial<GroupImagesOptions>;
  heldOut: F1s;
  /** The rule's default configuration on the same photos. */
  defaults: F1s;
}

export interface FoldResult {
  fold: number;
  photos: number;
  identities: number;
  /** Average linkage, then cluster merging (today's default). */
  twoPasses: RuleOnFold;
  /** Average linkage alone, the rule before cluster merging. */
  averageLinkage: RuleOnFold;
}

/** The options each rule may choose from, on top of the defaults. */
const GRIDS: Record<'twoPasses' | 'averageLinkage', Partial<GroupImagesOptions>[]> = {
  twoPasses: grid({ threshold: [0.39, 0.43, 0.47], cohesionRatio: [0.85, 0.9, 0.95], typicalityRatio: [0.55, 0.65, 0.75] }).map(
    ({ threshold, cohesionRatio, typicalityRatio }) => ({ threshold, clusterMerging: { cohesionRatio, typicalityRatio } }),
  ),
  averageLinkage: grid({
    threshold: [0.35, 0.39, 0.43, 0.47, 0.51],
    minSharpness: [0, 10, 30],
    minRelativeEmbeddingNorm: [0, 0.7, 0.8],
  }).map((options) => ({ ...options, clusterMerging: null })),
};

/**
 * Identity-wise cross-validation: identities are split into folds (people who share a photo stay together);
 * for each fold and each rule, the grouping options are chosen on the photos of the other folds and scored on
 * its own.
 */
export function crossValidate(
  images: AnalysedImage[],
  labels: Labels,
  defaults: GroupImagesOptions,
  score: ScoreGrouping,
  folds = 5,
): FoldResult[] {
  const foldOf = identityFolds(labels, folds);
  const noFace = Object.keys(labels).filter((photo) => labels[photo].length === 0);
  const photosOf = (keep: (fold: number) => boolean) =>
    new Set(Object.keys(labels).filter((photo) => labels[photo].some((identity) => keep(foldOf.get(identity)!))));
  const evaluate = (photos: Set<string>, options: GroupImagesOptions): F1s => {
    const s = score(
      groupImages(
        images.filter((image) => photos.has(image.key)),
        options,
      ),
    );
    return { pairwiseF1: s.pairwise.f1, bcubedF1: s.bcubed.f1 };
  };
  const results: FoldResult[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = new Set([...photosOf((f) => f !== fold), ...noFace]);
    const test = photosOf((f) => f === fold);
    const onFold = (rule: keyof typeof GRIDS): RuleOnFold => {
      let best: { sum: number; chosen: Partial<GroupImagesOptions> } | null = null;
      for (const chosen of GRIDS[rule]) {
        const s = evaluate(train, { ...defaults, ...chosen });
        if (!best || s.pairwiseF1 + s.bcubedF1 > best.sum) best = { sum: s.pairwiseF1 + s.bcubedF1, chosen };
      }
      const ruleDefaults = { ...defaults, ...(rule === 'averageLinkage' ? { clusterMerging: null } : {}) };
      return {
        chosen: best!.chosen,
        heldOut: evaluate(test, { ...defaults, ...best!.chosen }),
        defaults: evaluate(test, ruleDefaults),
      };
    };
    results.push({
      fold,
      photos: test.size,
      identities: [...foldOf.values()].filter((f) => f === fold).length,
      twoPasses: onFold('twoPasses'),
      averageLinkage: onFold('averageLinkage'),
    });
  }
  return results;
}

/** Every combination of the listed values. */
function grid<K extends string>(values: Record<K, number[]>): Record<K, number>[] {
  return Object.entries<number[]>(values).reduce<Record<string, number>[]>(
    (combinations, [key, options]) => combinations.flatMap((c) => options.map((v) => ({ ...c, [key]: v }))),
    [{}],
  ) as Record<K, number>[];
}

/** Assigns identities to folds: co-occurring identities together, the largest groups first, to the smallest fold. */
function identityFolds(labels: Labels, folds: number): Map<string, number> {
  const parent = new Map<string, string>();
  const root = (x: string): string => {
    while (parent.get(x) !== x) x = parent.get(x)!;
    return x;
  };
  for (const identities of Object.values(labels)) {
    for (const identity of identities) if (!parent.has(identity)) parent.set(identity, identity);
    for (const identity of identities.slice(1)) parent.set(root(identity), root(identities[0]));
  }
  const groups = new Map<string, string[]>();
  for (const identity of parent.keys()) groups.set(root(identity), [...(groups.get(root(identity)) ?? []), identity]);
  const photoCount = (members: string[]) => Object.values(labels).filter((ids) => ids.some((i) => members.includes(i))).length;
  const sized = [...groups.values()].map((members) => ({ members, photos: photoCount(members) }));
  sized.sort((a, b) => b.photos - a.photos || a.members[0].localeCompare(b.members[0]));
  const load = new Array(folds).fill(0);
  const foldOf = new Map<string, number>();
  for (const { members, photos } of sized) {
    const fold = load.indexOf(Math.min(...load));
    load[fold] += photos;
    for (const identity of members) foldOf.set(identity, fold);
  }
  return foldOf;
}
