/**
 * Detection recall on faces at the frame's edge, before and after the padded retry (not a test: prints figures).
 *   pnpm eval:edge [--padding X] [--fill copy|black] [--keep DIR]
 * Builds the set in a temporary folder from the dev photos (never committed): each labelled face, with the
 * pipeline's own detection on the original photo as its box (a photo's largest faces, as many as it has labels),
 * cropped tightly at its box, at 0.8x of its box around the same centre (cut by the edges), and tightly in
 * greyscale. A face counts as found when the pipeline reports a face centred inside its box in the crop and at
 * least a third of its size. "Before" is the pipeline with no padded retry (edgePadding 0), "after" the default
 * configuration, or --padding/--fill.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Box, FacePipeline, defaultConfig, type ImageSource } from '@facegroup/core';
import sharp from 'sharp';
import { devPhotos, evalDir, modelsDir } from '../../../test/support/fixtures.js';

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: { padding: { type: 'string' }, fill: { type: 'string' }, keep: { type: 'string' } },
});

type Variant = 'tight' | 'shrunk 0.8' | 'greyscale';
interface Crop {
  key: string;
  variant: Variant;
  path: string;
  /** The face's box in the crop's pixels (reaching past the crop's edges for 0.8x). */
  expected: Box;
}

const labels: Record<string, string[]> = JSON.parse(readFileSync(join(evalDir, 'dev', 'labels.json'), 'utf8')).photos;
const labelled = Object.entries(labels).filter(([, people]) => people.length > 0);
const folder = values.keep ?? mkdtempSync(join(tmpdir(), 'edge-faces-'));
mkdirSync(folder, { recursive: true });

// 1. The boxes: the pipeline's detections on the original photos.
const original = await FacePipeline.create({ modelsDir, edgePadding: 0 });
const analysed = await original.analyseAll(labelled.map(([name]) => ({ key: name, path: join(devPhotos, name) })));
const crops: Crop[] = [];
let missingBoxes = 0;
for (const image of analysed) {
  const wanted = labels[image.key].length;
  const area = (box: Box) => (box[2] - box[0]) * (box[3] - box[1]);
  const faces = [...image.faces].sort((a, b) => area(b.box) - area(a.box)).slice(0, wanted);
  missingBoxes += wanted - faces.length;
  const upright = await sharp(join(devPhotos, image.key)).rotate().toBuffer();
  for (const [index, face] of faces.entries()) {
    const [x1, y1, x2, y2] = face.box;
    const [cx, cy, w, h] = [(x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1];
    const cut = async (variant: Variant, scale: number) => {
      const left = Math.max(0, Math.round(cx - (scale * w) / 2));
      const top = Math.max(0, Math.round(cy - (scale * h) / 2));
      const right = Math.min(image.width, Math.round(cx + (scale * w) / 2));
      const bottom = Math.min(image.height, Math.round(cy + (scale * h) / 2));
      const path = join(folder, `${image.key.replace(/\.\w+$/, '')}-${index}-${variant.replace(/\W/g, '')}.jpg`);
      let picture = sharp(upright).extract({ left, top, width: right - left, height: bottom - top });
      if (variant === 'greyscale') picture = picture.greyscale();
      await picture.jpeg({ quality: 92 }).toFile(path);
      crops.push({
        key: `${image.key}#${index} ${variant}`,
        variant,
        path,
        expected: [x1 - left, y1 - top, x2 - left, y2 - top],
      });
    };
    await cut('tight', 1);
    await cut('shrunk 0.8', 0.8);
    await cut('greyscale', 1);
  }
}
const faceCount = crops.length / 3;
process.stdout.write(
  `edge-of-frame set: ${faceCount} labelled faces of ${labelled.length} photos (${missingBoxes} labelled faces without a detection ` +
    `on the original, left out), ${crops.length} crops in ${folder}\n`,
);

// 2. Recall of the pipeline without and with the padded retry.
function found(crop: Crop, boxes: Box[]): boolean {
  const [ex1, ey1, ex2, ey2] = crop.expected;
  return boxes.some(([x1, y1, x2, y2]) => {
    const [cx, cy] = [(x1 + x2) / 2, (y1 + y2) / 2];
    return cx >= ex1 && cx <= ex2 && cy >= ey1 && cy <= ey2 && x2 - x1 >= (ex2 - ex1) / 3;
  });
}

async function recall(label: string, edgePadding: number, edgePaddingFill: 'copy' | 'black') {
  const pipeline = await FacePipeline.create({ modelsDir, edgePadding, edgePaddingFill });
  const sources: ImageSource[] = crops.map((crop) => ({ key: crop.key, path: crop.path }));
  const started = performance.now();
  const results = await pipeline.analyseAll(sources);
  const seconds = (performance.now() - started) / 1000;
  const hits = crops.map((crop, i) =>
    found(
      crop,
      results[i].faces.map((face) => face.box),
    ),
  );
  const count = (variant?: Variant) => {
    const chosen = crops.map((crop, i) => ({ crop, hit: hits[i] })).filter(({ crop }) => !variant || crop.variant === variant);
    const n = chosen.filter(({ hit }) => hit).length;
    return `${n}/${chosen.length} (${(n / chosen.length).toFixed(3)})`;
  };
  process.stdout.write(
    `${label} (edgePadding ${edgePadding}, fill ${edgePaddingFill}): recall ${count()}; tight ${count('tight')}, ` +
      `0.8x ${count('shrunk 0.8')}, greyscale ${count('greyscale')}; ${seconds.toFixed(1)} s\n`,
  );
  const missed = crops.filter((_, i) => !hits[i]).map((crop) => crop.key);
  if (missed.length > 0) process.stdout.write(`  missed: ${missed.join(', ')}\n`);
}

const defaults = defaultConfig();
await recall('before', 0, defaults.edgePaddingFill);
await recall(
  'after',
  values.padding ? Number(values.padding) : defaults.edgePadding,
  (values.fill as 'copy' | 'black' | undefined) ?? defaults.edgePaddingFill,
);
if (!values.keep) rmSync(folder, { recursive: true, force: true });
