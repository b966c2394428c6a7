import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../models.js';
import { FacePipeline } from '../pipeline.js';
import { groupImages } from '../result.js';
import { overridesFrom, parseCommand, pipelineHelp, run, userPath } from './args.js';
import { listPhotos } from './photos.js';
import { progressReporter } from './progress.js';

const usage = `usage: pnpm eval <folder> [--json] [--out result.json]
Groups <folder>/photos, scores the result against <folder>/labels.json with the evaluation scorer
(FACE_EVAL_SCORER, else ../shared/eval/score.mjs) and prints its figures with speed and memory.
${pipelineHelp}`;

export const defaultScorer = () => process.env.FACE_EVAL_SCORER ?? resolve(repoRoot, '..', 'shared', 'eval', 'score.mjs');

run(async () => {
  const { values, positionals } = parseCommand({ json: { type: 'boolean' }, out: { type: 'string', short: 'o' } });
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
  const result = groupImages(images, {
    threshold: pipeline.groupingThreshold,
    neighbours: pipeline.config.grouping.neighbours,
  });
  const groupSeconds = (performance.now() - groupStart) / 1000;

  const out = values.out ? userPath(values.out) : join(repoRoot, 'out', 'eval', basename(folder), 'result.json');
  await mkdir(resolve(out, '..'), { recursive: true });
  await writeFile(out, `${JSON.stringify(result, null, 1)}\n`);

  const exec = promisify(execFile);
  const { stdout } = await exec(process.execPath, [scorer, '--labels', labels, '--pred', out, '--json']);
  const score = JSON.parse(stdout);
  const figures = {
    folder,
    result: out,
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
    seconds: { loadModels: loadSeconds, analyse: analyseSeconds, group: groupSeconds, stages: pipeline.stageTimes },
    photosPerSecond: photos.length / analyseSeconds,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    score,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(figures, null, 1)}\n`);
  } else {
    const { stdout: table } = await exec(process.execPath, [scorer, '--labels', labels, '--pred', out]);
    process.stdout.write(table);
    process.stdout.write(
      `\n${figures.photos} photos (${figures.failed} failed), ${figures.faces} faces, ${figures.persons} persons\n` +
        `analysis ${analyseSeconds.toFixed(1)} s (${figures.photosPerSecond.toFixed(2)} photos/s), ` +
        `grouping ${groupSeconds.toFixed(2)} s, peak RSS ${figures.peakRssMB.toFixed(0)} MB\n` +
        `result: ${out}\n`,
    );
  }
  return 0;
});
