import { groupImages, type AnalysedImage, type GroupImagesOptions, type GroupingResult } from '@facegroup/core';
import type { Labels, Score } from './scoring.js';

/** Scores a grouping of some photos against their labels; `name` tells its files apart. */
export type ScoreGrouping = (grouping: GroupingResult, name: string) => Promise<Score>;

export interface FoldResult {
  fold: number;
  photos: number;
  identities: number;
  /** The grouping options that scored best on the other folds. */
  chosen: Pick<GroupImagesOptions, 'threshold' | 'minSharpness' | 'minRelativeEmbeddingNorm'>;
  heldOut: { pairwiseF1: number; bcubedF1: number };
  /** The default configuration on the same photos. */
  defaults: { pairwiseF1: number; bcubedF1: number };
}

const GRID = {
  threshold: [0.35, 0.39, 0.43, 0.47, 0.51],
  minSharpness: [0, 10, 30],
  minRelativeEmbeddingNorm: [0, 0.7, 0.8],
};

/**
 * Identity-wise cross-validation: identities are split into folds (people who share a photo stay together);
 * for each fold, the grouping options are chosen on the photos of the other folds and scored on its own.
 */
export async function crossValidate(images: AnalysedImage[], labels: Labels, defaults: GroupImagesOptions, score: ScoreGrouping, folds = 5): Promise<FoldResult[]> {
  const foldOf = identityFolds(labels, folds);
  const noFace = Object.keys(labels).filter((photo) => labels[photo].length === 0);
  const photosOf = (keep: (fold: number) => boolean) =>
    new Set(Object.keys(labels).filter((photo) => labels[photo].some((identity) => keep(foldOf.get(identity)!))));
  let run = 0;
  const evaluate = async (photos: Set<string>, options: GroupImagesOptions) => {
    const subset = images.filter((image) => photos.has(image.key));
    const s = await score(groupImages(subset, options), `cross-validation-${run++}`);
    return { pairwiseF1: s.pairwise.f1, bcubedF1: s.bcubed.f1 };
  };
  const results: FoldResult[] = [];
  for (let fold = 0; fold < folds; fold++) {
    const train = new Set([...photosOf((f) => f !== fold), ...noFace]);
    const test = photosOf((f) => f === fold);
    let best: { sum: number; chosen: FoldResult['chosen'] } | null = null;
    for (const threshold of GRID.threshold) {
      for (const minSharpness of GRID.minSharpness) {
        for (const minRelativeEmbeddingNorm of GRID.minRelativeEmbeddingNorm) {
          const chosen = { threshold, minSharpness, minRelativeEmbeddingNorm };
          const s = await evaluate(train, { ...defaults, ...chosen });
          if (!best || s.pairwiseF1 + s.bcubedF1 > best.sum) best = { sum: s.pairwiseF1 + s.bcubedF1, chosen };
        }
      }
    }
    results.push({
      fold,
      photos: test.size,
      identities: [...foldOf.values()].filter((f) => f === fold).length,
      chosen: best!.chosen,
      heldOut: await evaluate(test, { ...defaults, ...best!.chosen }),
      defaults: await evaluate(test, defaults),
    });
  }
  return results;
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
