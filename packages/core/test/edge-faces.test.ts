import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { FacePipeline } from '../src/pipeline.js';
import type { Box } from '../src/types.js';
import { devPhoto } from '../../../test/support/fixtures.js';

/** A face cut by the frame's edges: the photo cropped to 0.8x of the face's box around its centre. */
async function cutFace(pipeline: FacePipeline, name: string) {
  const [image] = await pipeline.analyseAll([devPhoto(name)]);
  const [x1, y1, x2, y2] = image.faces[0].box;
  const [cx, cy, w, h] = [(x1 + x2) / 2, (y1 + y2) / 2, 0.8 * (x2 - x1), 0.8 * (y2 - y1)];
  const [left, top] = [Math.round(cx - w / 2), Math.round(cy - h / 2)];
  const crop = await sharp(devPhoto(name))
    .rotate()
    .extract({ left, top, width: Math.round(w), height: Math.round(h) })
    .jpeg({ quality: 92 })
    .toBuffer();
  return { crop, face: [x1 - left, y1 - top, x2 - left, y2 - top] as Box, size: [Math.round(w), Math.round(h)] };
}

const centredIn = ([x1, y1, x2, y2]: Box, [ex1, ey1, ex2, ey2]: Box) =>
  (x1 + x2) / 2 >= ex1 && (x1 + x2) / 2 <= ex2 && (y1 + y2) / 2 >= ey1 && (y1 + y2) / 2 <= ey2;

describe('faces at the frame edge', () => {
  it("are found on a padded copy, with their box in the photo's pixels reaching past its edges", async () => {
    const padding = await FacePipeline.create();
    const none = await FacePipeline.create({ edgePadding: 0 });
    const { crop, face, size } = await cutFace(padding, 'dfc_2da3187b.jpg');

    const [without] = await none.analyseAll([{ key: 'cut.jpg', buffer: crop }]);
    expect(without.faces.filter((f) => centredIn(f.box, face))).toEqual([]);

    const [found] = await padding.analyseAll([{ key: 'cut.jpg', buffer: crop }]);
    expect(found.faces).toHaveLength(1);
    const [x1, y1, x2, y2] = found.faces[0].box;
    expect(centredIn(found.faces[0].box, face)).toBe(true);
    expect(found.faces[0].score).toBeGreaterThanOrEqual(0.95);
    expect(x1 < 0 || y1 < 0 || x2 > size[0] || y2 > size[1]).toBe(true);
    for (const [x, y] of found.faces[0].landmarks) {
      expect(x).toBeGreaterThan(0);
      expect(y).toBeGreaterThan(0);
      expect(x).toBeLessThan(size[0]);
      expect(y).toBeLessThan(size[1]);
    }
  });
});
