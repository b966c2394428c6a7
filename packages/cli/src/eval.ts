import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FacePipeline, groupImages, listPhotos } from '@facegroup/core';
import type { AnalysedImage } from '@facegroup/core';
import { writeReport } from '@facegroup/report';
import { overridesFrom, parseCommand, pipelineHelp, run, userPath } from './args.js';
import { crossValidate, type F1s, type FoldResult, type RuleOnFold } from './cross-validate.js';
import { checkoutRoot, sharedDir } from './paths.js';
import { progressReporter } from './progress.js';
import {
  identitySplits,
  loadScorer,
  runScorer,
  type IdentitySplit,
  type Labels,
  type Score,
  type ScoreGrouping,
} from './scoring.js';

const usage = `usage: pnpm eval <folder>... [--json] [--out result.json] [--incremental] [--cross-validate] [--report DIR]
Groups <folder>/photos, scores the result against <folder>/labels.json with the evaluation scorer
(FACE_EVAL_SCORER, else ../shared/eval/score.mjs) and prints its figures, how many persons each labelled
person was split into, speed and memory. Several folders are grouped and scored one by one.
--incremental also groups every other photo first, adds the rest to those persons, and scores that.
--cross-validate also chooses the grouping options on 4/5 of the identities and scores the other 1/5, 5 times,
  for the default two-pass rule and for average linkage alone; with several folders, over all their photos
  together (identities by name across folders), e.g. pnpm eval ../shared/eval/dev ../shared/eval/crops --cross-validate
--out FILE, --report DIR (one folder only): where the result goes; DIR/index.html: contact sheets, embedding map,
  the scores, wrong merges and splits.
${pipelineHelp}`;

export const defaultScorer = () => process.env.FACE_EVAL_SCORER ?? resolve(sharedDir, 'eval', 'score.mjs');

interface Evaluated {
  folder: string;
  images: AnalysedImage[];
  labels: Labels;
  figures: Record<string, unknown> & {
    score: Score;
    identities: IdentitySplit[];
    incremental?: { firstHalf: Score; score: Score };
  };
  /** What the scorer prints. */
  table: string;
}

run(async () => {
  const { values, positionals } = parseCommand({
    json: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
    incremental: { type: 'boolean' },
    'cross-validate': { type: 'boolean' },
    report: { type: 'string' },
  });
  if (values.help || positionals.length === 0) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const folders = positionals.map(userPath);
  if (folders.length > 1 && (values.out || values.report)) throw new Error('--out and --report take one folder');
  if (new Set(folders.map((folder) => basename(folder))).size !== folders.length)
    throw new Error('the folders need different names');
  const scorer = defaultScorer();
  for (const needed of [scorer, ...folders.flatMap((folder) => [join(folder, 'labels.json'), join(folder, 'photos')])]) {
    if (!existsSync(needed)) throw new Error(`${needed} not found`);
  }

  const started = performance.now();
  const pipeline = await FacePipeline.create(overridesFrom(values));
  const loadSeconds = (performance.now() - started) / 1000;
  const evaluated: Evaluated[] = [];
  for (const folder of folders) evaluated.push(await evaluateFolder(folder, pipeline, scorer, values, loadSeconds));

  const crossValidation = values['cross-validate'] ? await crossValidateAll(evaluated, pipeline, scorer) : undefined;
  if (values.json) {
    const figures = evaluated.length === 1 ? evaluated[0].figures : { folders: evaluated.map((e) => e.figures) };
    process.stdout.write(`${JSON.stringify({ ...figures, ...(crossValidation ? { crossValidation } : {}) }, null, 1)}\n`);
  } else {
    for (const e of evaluated) process.stdout.write(`${evaluated.length > 1 ? `\n== ${e.folder}\n` : ''}${e.table}${summary(e)}`);
    if (crossValidation) process.stdout.write(crossValidationTable(crossValidation, folders));
  }
  return 0;
});

async function evaluateFolder(
  folder: string,
  pipeline: FacePipeline,
  scorer: string,
  values: Record<string, unknown>,
  loadSeconds: number,
): Promise<Evaluated> {
  const labelsFile = join(folder, 'labels.json');
  const photos = await listPhotos(join(folder, 'photos'));
  const progress = progressReporter(`analysing ${basename(folder)}`);
  const analyseStart = performance.now();
  const images = await pipeline.analyseAll(photos, progress.update);
  progress.end();
  const analyseSeconds = (performance.now() - analyseStart) / 1000;
  const groupStart = performance.now();
  const result = groupImages(images, pipeline.groupingOptions);
  const groupSeconds = (performance.now() - groupStart) / 1000;

  const out = values.out ? userPath(String(values.out)) : join(checkoutRoot, 'out', 'eval', basename(folder), 'result.json');
  await mkdir(resolve(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 1)}\n`);
  const score = JSON.parse(await runScorer(scorer, labelsFile, out, ['--json']));
  const report = values.report
    ? await writeReport(userPath(String(values.report)), { result, images, photos, evaluation: { score, labelsFile } })
    : undefined;
  const labels: Labels = JSON.parse(await readFile(labelsFile, 'utf8')).photos;
  const incremental = values.incremental ? scoreIncremental(images, pipeline, await loadScorer(scorer, labels)) : undefined;
  const figures = {
    folder,
    result: out,
    report,
    config: {
      detector: pipeline.config.detector,
      embedder: pipeline.config.embedder,
      executionProvider: pipeline.config.executionProvider,
      threshold: pipeline.groupingThreshold,
    },
    photos: photos.length,
    failed: result.images.filter((image) => image.error).length,
    faces: result.faces.length,
    persons: result.persons.length,
    suggestions: result.suggestions.length,
    seconds: { loadModels: loadSeconds, analyse: analyseSeconds, group: groupSeconds, stages: pipeline.clock.seconds },
    photosPerSecond: photos.length / analyseSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    score,
    identities: identitySplits(labels, result),
    ...(incremental ? { incremental } : {}),
  };
  return { folder, images, labels, figures, table: await runScorer(scorer, labelsFile, out) };
}

/** Groups every other photo, then adds the others to those persons (kept whole), and scores both steps. */
function scoreIncremental(images: AnalysedImage[], pipeline: FacePipeline, score: ScoreGrouping) {
  const firstHalf = images.filter((_, i) => i % 2 === 0);
  const first = groupImages(firstHalf, pipeline.groupingOptions);
  const fixed = first.persons.map((person) => person.faces);
  const result = groupImages(images, { ...pipeline.groupingOptions, constraints: { fixed } });
  return { firstHalf: score(first), score: score(result) };
}

/** Cross-validation over the photos of all folders, named <folder name>/<photo> when there are several. */
async function crossValidateAll(evaluated: Evaluated[], pipeline: FacePipeline, scorer: string): Promise<FoldResult[]> {
  const name = (e: Evaluated, key: string) => (evaluated.length > 1 ? `${basename(e.folder)}/${key}` : key);
  const images = evaluated.flatMap((e) =>
    e.images.map((image) => ({
      ...image,
      key: name(e, image.key),
      faces: image.faces.map((face) => ({ ...face, id: name(e, face.id) })),
    })),
  );
  const labels: Labels = Object.fromEntries(
    evaluated.flatMap((e) => Object.entries(e.labels).map(([photo, identities]) => [name(e, photo), identities])),
  );
  return crossValidate(images, labels, pipeline.groupingOptions, await loadScorer(scorer, labels));
}

const f1 = (s: Score) => `pairwise F ${s.pairwise.f1.toFixed(4)}, BCubed F ${s.bcubed.f1.toFixed(4)}`;

function summary({ figures }: Evaluated): string {
  const split = figures.identities.filter((identity) => identity.persons.length > 1);
  const unassigned = figures.identities.filter((identity) => identity.unassigned > 0);
  let text = `\nlabelled people: ${figures.identities.length}, ${figures.identities.length - split.length} in one person or none`;
  text +=
    split.length > 0
      ? `; split: ${split.map((s) => `${s.identity} ${s.photos} photos in ${s.persons.length} (${s.persons.join(' + ')})`).join(', ')}\n`
      : '\n';
  if (unassigned.length > 0)
    text += `photos in no person: ${unassigned.map((s) => `${s.identity} ${s.unassigned}`).join(', ')}\n`;
  if (figures.incremental) {
    text +=
      `incremental: half of the photos grouped first (${f1(figures.incremental.firstHalf)}), ` +
      `then the rest added: ${f1(figures.incremental.score)} (all at once: ${f1(figures.score)})\n`;
  }
  const seconds = figures.seconds as { analyse: number; group: number };
  return (
    text +
    `${figures.photos} photos (${figures.failed} failed), ${figures.faces} faces, ${figures.persons} persons, ${figures.suggestions} merge suggestions\n` +
    `analysis ${seconds.analyse.toFixed(1)} s (${(figures.photosPerSecond as number).toFixed(2)} photos/s), ` +
    `grouping ${seconds.group.toFixed(2)} s, peak RSS ${(figures.peakRssMB as number).toFixed(0)} MB\n` +
    `result: ${figures.result}\n${figures.report ? `report: ${figures.report}\n` : ''}`
  );
}

function crossValidationTable(folds: FoldResult[], folders: string[]): string {
  const pair = (s: F1s) => `${s.pairwiseF1.toFixed(4)}, ${s.bcubedF1.toFixed(4)}`;
  const options = (chosen: RuleOnFold['chosen']) =>
    Object.entries(chosen)
      .filter(([, value]) => value !== null)
      .map(([key, value]) =>
        value && typeof value === 'object'
          ? Object.entries(value)
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')
          : `${key} ${value}`,
      )
      .join(', ');
  let text = `\ncross-validation by identity over ${folders.map((folder) => basename(folder)).join(' + ')}: pairwise F, BCubed F held out (options chosen on the other folds) | defaults\n`;
  for (const f of folds) {
    text += `  fold ${f.fold}: ${f.photos} photos, ${f.identities} identities\n`;
    text += `    two passes:         ${pair(f.twoPasses.heldOut)} | ${pair(f.twoPasses.defaults)}  (chose ${options(f.twoPasses.chosen)})\n`;
    text += `    average linkage:    ${pair(f.averageLinkage.heldOut)} | ${pair(f.averageLinkage.defaults)}  (chose ${options(f.averageLinkage.chosen)})\n`;
  }
  const mean = (pick: (f: FoldResult) => number) => (folds.reduce((s, f) => s + pick(f), 0) / folds.length).toFixed(4);
  for (const rule of ['twoPasses', 'averageLinkage'] as const) {
    text +=
      `  mean, ${rule === 'twoPasses' ? 'two passes' : 'average linkage'}: held out ${mean((f) => f[rule].heldOut.pairwiseF1)}, ${mean((f) => f[rule].heldOut.bcubedF1)}` +
      ` | defaults ${mean((f) => f[rule].defaults.pairwiseF1)}, ${mean((f) => f[rule].defaults.bcubedF1)}\n`;
  }
  return text;
}
