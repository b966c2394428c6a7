import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { GroupingResult } from '@facegroup/core';

/** Photo -> identities in it, as in an evaluation split's labels.json. */
export type Labels = Record<string, string[]>;

/** What the scorer's --json prints, as far as these commands read it. */
export interface Score {
  pairwise: { f1: number };
  bcubed: { f1: number };
}

/** Runs the evaluation scorer on a labels file and a prediction file; returns what it prints. */
export async function runScorer(scorer: string, labelsFile: string, predFile: string, extra: string[] = []): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [scorer, '--labels', labelsFile, '--pred', predFile, ...extra]);
  return stdout;
}

/**
 * Scores a grouping of some of the labelled photos against the labels of those photos only, writing both
 * files into `dir` under `name`.
 */
export async function scoreGrouping(scorer: string, labels: Labels, grouping: GroupingResult, dir: string, name: string): Promise<Score> {
  const predFile = join(dir, `${name}.json`);
  const labelsFile = join(dir, `labels-${name}.json`);
  const own = Object.fromEntries(grouping.images.filter((image) => image.path in labels).map((image) => [image.path, labels[image.path]]));
  await writeFile(predFile, JSON.stringify(grouping));
  await writeFile(labelsFile, JSON.stringify({ photos: own }));
  return JSON.parse(await runScorer(scorer, labelsFile, predFile, ['--json']));
}
