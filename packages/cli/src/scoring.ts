import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import type { GroupingResult } from '@facegroup/core';

/** Photo -> identities in it, as in an evaluation split's labels.json. */
export type Labels = Record<string, string[]>;

/** What the scorer's --json prints, as far as these commands read it. */
export interface Score {
  pairwise: { f1: number; precision: number; recall: number };
  bcubed: { f1: number; precision: number; recall: number };
}

/** Scores a grouping of some of the labelled photos against the labels of those photos only. */
export type ScoreGrouping = (grouping: GroupingResult) => Score;

/** Runs the evaluation scorer on a labels file and a prediction file; returns what it prints. */
export async function runScorer(scorer: string, labelsFile: string, predFile: string, extra: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [scorer, '--labels', labelsFile, '--pred', predFile, ...extra]);
  return stdout;
}

/**
 * The scorer's own functions, loaded once: the cross-validation scores hundreds of groupings, and a process
 * per score would cost more than the grouping.
 */
export async function loadScorer(scorer: string, labels: Labels): Promise<ScoreGrouping> {
  const { validateLabels, validatePred, score } = await import(pathToFileURL(scorer).href);
  return (grouping) => {
    const own = Object.fromEntries(
      grouping.images.filter((image) => image.path in labels).map((image) => [image.path, labels[image.path]]),
    );
    const labelMap = validateLabels({ photos: own });
    return score(labelMap, validatePred(grouping, labelMap));
  };
}

/** How one labelled person came out: in how many predicted persons, and how many of its photos in none. */
export interface IdentitySplit {
  identity: string;
  photos: number;
  /** Photos of the identity in each predicted person holding it, most first. */
  persons: number[];
  unassigned: number;
}

/**
 * Per labelled identity, the predicted persons holding its photos, most split first. The labels do not say which
 * face is whom, so on each photo its identities are matched one to one with the persons holding it, as the scorer
 * does: a person to the identity most of its photos show first, then to the one it holds most photos of, larger
 * persons first; persons left over (bystanders, a face in two persons) count for no identity.
 */
export function identitySplits(labels: Labels, grouping: GroupingResult): IdentitySplit[] {
  const holders = new Map<string, number[]>();
  grouping.persons.forEach((person, p) => {
    for (const photo of person.photos) holders.set(photo, [...(holders.get(photo) ?? []), p]);
  });
  const photosOf = grouping.persons.map((person) => {
    const count = new Map<string, number>();
    for (const photo of person.photos)
      for (const identity of labels[photo] ?? []) count.set(identity, (count.get(identity) ?? 0) + 1);
    return count;
  });
  const mainIdentity = photosOf.map((count) => [...count].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0]);
  const splits = new Map<string, { photos: number; unassigned: number; in: Map<number, number> }>();
  for (const photo of grouping.images.map((image) => image.path)) {
    const identities = labels[photo] ?? [];
    const claims = identities.flatMap((identity) => (holders.get(photo) ?? []).map((p) => ({ identity, p })));
    const rank = ({ identity, p }: { identity: string; p: number }) => [
      mainIdentity[p] === identity ? 0 : 1,
      -(photosOf[p].get(identity) ?? 0),
      -grouping.persons[p].photos.length,
      p,
    ];
    claims.sort((x, y) => compareTuples(rank(x), rank(y)) || x.identity.localeCompare(y.identity));
    const matched = new Map<string, number>();
    const usedPersons = new Set<number>();
    for (const { identity, p } of claims) {
      if (matched.has(identity) || usedPersons.has(p)) continue;
      matched.set(identity, p);
      usedPersons.add(p);
    }
    for (const identity of identities) {
      const split = splits.get(identity) ?? { photos: 0, unassigned: 0, in: new Map() };
      splits.set(identity, split);
      split.photos++;
      const p = matched.get(identity);
      if (p === undefined) split.unassigned++;
      else split.in.set(p, (split.in.get(p) ?? 0) + 1);
    }
  }
  return [...splits]
    .map(([identity, { photos, unassigned, in: held }]) => ({
      identity,
      photos,
      persons: [...held.values()].sort((a, b) => b - a),
      unassigned,
    }))
    .sort((a, b) => b.persons.length - a.persons.length || b.photos - a.photos || a.identity.localeCompare(b.identity));
}

function compareTuples(x: number[], y: number[]): number {
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}
