import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { faceRecognition } from '../src/recognition.js';
import { shared } from '../../../test/support/fixtures.js';

/** Photos turned by an EXIF tag, or turned with no tag at all, each grouped with the dev photo it came from. */
describe('turned photos', () => {
  it('puts every turned photo with the same person as its upright source', async () => {
    const folder = join(shared, 'eval', 'orientation');
    const sources: Record<string, string> = JSON.parse(readFileSync(join(folder, 'labels.json'), 'utf8')).sources;
    const turned = Object.keys(sources).map((name) => ({ key: name, path: join(folder, 'photos', name) }));
    const upright = Object.values(sources).map((source) => ({ key: source, path: join(shared, 'eval', source) }));
    const { groups, images } = await faceRecognition([...turned, ...upright]);
    for (const [name, source] of Object.entries(sources)) {
      const image = images.find((i) => i.path === name)!;
      expect(image.faces.length, name).toBeGreaterThan(0);
      const together = groups.some((g) => g.photos.includes(name) && g.photos.includes(source));
      expect(together, `${name} with ${source}`).toBe(true);
    }
  }, 600_000);
});
