/**
 * Peak memory and time of analysing one large JPEG, against one ordinary photo, each in a fresh process:
 *   MALLOC_ARENA_MAX=2 npx tsx packages/core/test/measure-large-photo.ts [side]        (default 16000)
 * Not a test: the figures depend on the machine. The large JPEG is written to a temporary folder and removed.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FacePipeline } from '../src/pipeline.js';
import { CAST_PHOTO, devPhoto } from '../../../test/support/fixtures.js';
import { writeLargeJpeg } from './large-photo.js';

const [, , sideOrPhoto, child] = process.argv;
if (child === 'child') {
  const pipeline = await FacePipeline.create();
  const started = performance.now();
  const [result] = await pipeline.analyseAll([sideOrPhoto]);
  const seconds = (performance.now() - started) / 1000;
  const peak = process.resourceUsage().maxRSS / 1024;
  const outcome = result.error ?? `${result.faces.length} faces`;
  const size = `${result.width}x${result.height}`;
  console.log(`${size}: ${outcome}, analysed in ${seconds.toFixed(2)} s, peak RSS ${peak.toFixed(0)} MB`);
} else {
  const side = Number(sideOrPhoto ?? 16000);
  const dir = mkdtempSync(join(tmpdir(), 'measure-large-'));
  try {
    const big = join(dir, 'big.jpg');
    const scale = Math.floor((side * 0.75) / 1200);
    const [left, top] = [Math.round(side / 8), Math.round(side / 4)];
    await writeLargeJpeg(devPhoto(CAST_PHOTO), big, { side, scale, left, top });
    for (const photo of [devPhoto(CAST_PHOTO), big]) {
      const args = [...process.execArgv, fileURLToPath(import.meta.url), photo, 'child'];
      execFileSync(process.execPath, args, { stdio: 'inherit' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
