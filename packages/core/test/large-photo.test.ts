import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../src/image.js';
import { FacePipeline } from '../src/pipeline.js';
import type { AnalysedImage } from '../src/types.js';
import { CAST_PHOTO, devPhoto } from '../../../test/support/fixtures.js';
import { writeLargeJpeg } from './large-photo.js';

type Box = [number, number, number, number];

const iou = (a: Box, b: Box) => {
  const w = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
  const h = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
  const area = (r: Box) => (r[2] - r[0]) * (r[3] - r[1]);
  return (w * h) / (area(a) + area(b) - w * h);
};

describe('large photos', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'large-photo-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('analyses a 16000x16000 (256 MP) JPEG, boxes in its own pixels', async () => {
    // The cast photo (1200x630) enlarged 10 times into a 16000x16000 canvas: decoded at 1600 px, it is back at its size.
    const big = join(dir, 'big.jpg');
    const placed = await writeLargeJpeg(devPhoto(CAST_PHOTO), big, { side: 16000, scale: 10, left: 2000, top: 4000 });
    const pipeline = await FacePipeline.create();
    const [small, large] = (await pipeline.analyseAll([devPhoto(CAST_PHOTO), big])) as [AnalysedImage, AnalysedImage];

    expect(large.error).toBeUndefined();
    expect([large.width, large.height]).toEqual([16000, 16000]);
    expect(small.faces).toHaveLength(6);
    expect(large.faces).toHaveLength(small.faces.length);
    for (const face of small.faces) {
      const expected = face.box.map((v, i) => v * placed.scale + (i % 2 === 0 ? placed.left : placed.top)) as Box;
      const best = Math.max(...large.faces.map((f) => iou(f.box as Box, expected)));
      expect(best).toBeGreaterThan(0.75); // 0.85 to 0.94 measured; boxes in decoded pixels would miss entirely
    }
  });

  it.each([
    ['a baseline JPEG', 'jpeg', false, true],
    ['a progressive JPEG', 'jpeg', true, false],
    ['a PNG', 'png', false, true],
    ['an interlaced PNG', 'png', true, false],
    ['a WebP', 'webp', false, false],
  ] as const)(
    'holds %s (%s, progressive: %s) to the limit for decoding in strips: %s',
    async (_, format, progressive, inStrips) => {
      const photo = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: '#8899aa' } })
        .toFormat(format, { progressive })
        .toBuffer();
      const limits = { maxImageSide: 1600, maxInputPixels: 5_000_000, maxStripDecodedPixels: 7_000_000 };
      const decoding = decodeImage(photo, limits);
      if (inStrips) {
        expect((await decoding).width).toBe(1600);
        await expect(decodeImage(photo, { ...limits, maxStripDecodedPixels: 5_000_000 })).rejects.toThrow(
          'image is 3000x2000 pixels, more than the limit of 5000000 pixels',
        );
      } else {
        await expect(decoding).rejects.toThrow(/3000x2000 pixels, more than the limit of 5000000 pixels for .*, decoded whole/);
      }
    },
  );
});
