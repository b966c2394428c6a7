import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { FacePipeline, groupImages, listPhotos, repoRoot } from '@facegroup/core';
import type { AnalysedImage, GroupingResult } from '@facegroup/core';
import { writeReport } from '@facegroup/report';
import { overridesFrom, parseCommand, pipelineHelp, run, userPath } from './args.js';
import { crossValidate, type FoldResult, type ScoreGrouping } from './cross-validate.js';
import { progressReporter } from './progress.js';
import { runScorer, scoreGrouping, type Labels, type Score } from './scoring.js';

const usage = `usage: pnpm eval <folder> [--json] [--out result.json] [--incremental] [--cross-validate] [--report DIR]
Groups <folder>/photos, scores the result against <folder>/labels.json with the evaluation scorer
(FACE_EVAL_SCORER, else ../shared/eval/score.mjs) and prints its figures with speed and memory.
--incremental also groups every other photo first, adds the rest to those persons, and scores that.
--cross-validate also chooses the grouping options on 4/5 of the identities and scores the other 1/5, 5 times.
--report DIR also writes DIR/index.html: contact sheets, embedding map, the scores, wrong merges and splits.
${pipelineHelp}`;

export const defaultScorer = () => process.env.FACE_EVAL_SCORER ?? resolve(repoRoot, '..', 'shared', 'eval', 'score.mjs');

run(async () => {
  const { values, positionals } = parseCommand({
    json: { type: 'boolean' },
    out: { type: 'string', short: 'o' },
    incremental: { type: 'boolean' },
    'cross-validate': { type: 'boolean' },
    report: { type: 'string' },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const folder = userPath(positionals[0]);
  const labels = join(folder, 'labels.json');
  const scorer = defaultScorer();
  for (const needed of [labels, join(folder, 'photos'), scorer]) {
    if (!existsSync(needed)) throw new Error(`${needed} not found`);
  }

  const started = performance.now();
  const pipeline = await FacePipeline.create(overridesFrom(values));
  const loadSeconds = (performance.now() - started) / 1000;
  const photos = await listPhotos(join(folder, 'photos'));
  const progress = progressReporter('analysing');
  const analyseStart = performance.now();
  const images = await pipeline.analyseAll(photos, progress.update);
  progress.end();
  const analyseSeconds = (performance.now() - analyseStart) / 1000;
  const groupStart = performance.now();
  const result = groupImages(images, pipeline.groupingOptions);
  const groupSeconds = (performance.now() - groupStart) / 1000;

  const out = values.out ? userPath(values.out) : join(repoRoot, 'out', 'eval', basename(folder), 'result.json');
  await mkdir(resolve(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 1)}\n`);

  const score = await runScorer(scorer, labels, out, ['--json']).then(JSON.parse);
  const report = values.report
    ? await writeReport(userPath(values.report), { result, images, photos, evaluation: { score, labelsFile: labels } })
    : undefined;
  const labelled: Labels = JSON.parse(await readFile(labels, 'utf8')).photos;
  const scoreOwnPhotos = (grouping: GroupingResult, name: string) => scoreGrouping(scorer, labelled, grouping, dirname(out), name);
  const incremental = values.incremental ? await scoreIncremental(images, pipeline, scoreOwnPhotos) : undefined;
  const crossValidation = values['cross-validate']
    ? await crossValidate(images, labelled, pipeline.groupingOptions, scoreOwnPhotos)
    : undefined;
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
    seconds: { loadModels: loadSeconds, analyse: analyseSeconds, group: groupSeconds, stages: pipeline.clock.seconds },
    photosPerSecond: photos.length / analyseSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    score,
    ...(incremental ? { incremental } : {}),
    ...(crossValidation ? { crossValidation } : {}),
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(figures, null, 1)}\n`);
  } else {
    process.stdout.write(await runScorer(scorer, labels, out));
    if (incremental) {
      const f1 = (s: Score) => `pairwise F ${s.pairwise.f1.toFixed(4)}, BCubed F ${s.bcubed.f1.toFixed(4)}`;
      process.stdout.write(
        `\nincremental: half of the photos grouped first (${f1(incremental.firstHalf)}), ` +
          `then the rest added: ${f1(incremental.score)} (all at once: ${f1(score)})\n`,
      );
    }
    if (crossValidation) {
      process.stdout.write('\ncross-validation by identity (options chosen on the other folds | defaults):\n');
      for (const f of crossValidation) {
        const { threshold, minSharpness, minRelativeEmbeddingNorm } = f.chosen;
        process.stdout.write(
          `  fold ${f.fold}: ${f.photos} photos, ${f.identities} identities; chose threshold ${threshold}, sharpness ${minSharpness}, ` +
            `norm ${minRelativeEmbeddingNorm}: pairwise F ${f.heldOut.pairwiseF1.toFixed(4)}, BCubed F ${f.heldOut.bcubedF1.toFixed(4)} | ` +
            `${f.defaults.pairwiseF1.toFixed(4)}, ${f.defaults.bcubedF1.toFixed(4)}\n`,
        );
      }
      const mean = (pick: (f: FoldResult) => number) => (crossValidation.reduce((s, f) => s + pick(f), 0) / crossValidation.length).toFixed(4);
      process.stdout.write(
        `  mean held out: pairwise F ${mean((f) => f.heldOut.pairwiseF1)}, BCubed F ${mean((f) => f.heldOut.bcubedF1)} | ` +
          `defaults: ${mean((f) => f.defaults.pairwiseF1)}, ${mean((f) => f.defaults.bcubedF1)}\n`,
      );
    }
    process.stdout.write(
      `\n${figures.photos} photos (${figures.failed} failed), ${figures.faces} faces, ${figures.persons} persons\n` +
        `analysis ${analyseSeconds.toFixed(1)} s (${figures.photosPerSecond.toFixed(2)} photos/s), ` +
        `grouping ${groupSeconds.toFixed(2)} s, peak RSS ${figures.peakRssMB.toFixed(0)} MB\n` +
        `result: ${out}\n${report ? `report: ${report}\n` : ''}`,
    );
  }
  return 0;
});

/** Groups every other photo, then adds the others to those persons (kept whole), and scores both steps. */
async function scoreIncremental(images: AnalysedImage[], pipeline: FacePipeline, score: ScoreGrouping) {
  const firstHalf = images.filter((_, i) => i % 2 === 0);
  const first = groupImages(firstHalf, pipeline.groupingOptions);
  const fixed = first.persons.map((person) => person.faces);
  const result = groupImages(images, { ...pipeline.groupingOptions, constraints: { fixed } });
  return { firstHalf: await score(first, 'incremental-first-half'), score: await score(result, 'incremental') };
}
