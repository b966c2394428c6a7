import { mkdir, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FacePipeline, groupImages, listPhotos } from '@facegroup/core';
import { writeReport } from '@facegroup/report';
import { overridesFrom, parseCommand, pipelineHelp, run, userPath } from './args.js';
import { progressReporter } from './progress.js';

const usage = `usage: pnpm group <folder> [--out result.json] [--report DIR]
Groups the photos under <folder> (recursively) into persons and writes the result as JSON
(to --out, else to stdout). Exit status 1 when any photo could not be analysed.
--report DIR also writes DIR/index.html with contact sheets of the persons and an embedding map.
${pipelineHelp}`;

run(async () => {
  const { values, positionals } = parseCommand({ out: { type: 'string', short: 'o' }, report: { type: 'string' } });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${usage}\n`);
    return values.help ? 0 : 2;
  }
  const folder = userPath(positionals[0]);
  if (!(await stat(folder).catch(() => null))?.isDirectory()) throw new Error(`${folder} is not a folder`);
  const photos = await listPhotos(folder);
  if (photos.length === 0) throw new Error(`no photos under ${folder}`);

  const pipeline = await FacePipeline.create(overridesFrom(values));
  const progress = progressReporter('analysing');
  const images = await pipeline.analyseAll(photos, progress.update);
  progress.end();
  const result = groupImages(images, pipeline.groupingOptions);

  const json = `${JSON.stringify(result, null, 1)}\n`;
  if (values.out) {
    const out = userPath(values.out);
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, json);
  } else {
    process.stdout.write(json);
  }
  if (values.report) process.stderr.write(`report: ${await writeReport(userPath(values.report), { result, images, photos })}\n`);
  const failed = result.images.filter((image) => image.error);
  for (const image of failed) process.stderr.write(`failed: ${image.path}: ${image.error}\n`);
  process.stderr.write(
    `${photos.length} photos, ${result.faces.length} faces, ${result.persons.length} persons, ${failed.length} failed\n`,
  );
  return failed.length > 0 ? 1 : 0;
});
