import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checkoutRoot as repoRoot, shared } from '../../../test/support/fixtures.js';

/** The whole dev split through `pnpm eval`: the quality bar of the default configuration. */
describe('pnpm eval on the dev split', () => {
  it('groups the labelled photos with pairwise and BCubed F of at least 0.97, incrementally too', async () => {
    const { stdout } = await promisify(execFile)(
      join(repoRoot, 'node_modules', '.bin', 'tsx'),
      [
        join(repoRoot, 'packages', 'cli', 'src', 'eval.ts'),
        join(shared, 'eval', 'dev'),
        '--json',
        '--incremental',
        '--out',
        join(repoRoot, 'out', 'test-eval', 'result.json'),
      ],
      { cwd: repoRoot, maxBuffer: 1 << 24 },
    );
    const figures = JSON.parse(stdout);
    expect(figures.failed).toBe(0);
    expect(figures.score.pairwise.f1).toBeGreaterThanOrEqual(0.97);
    expect(figures.score.bcubed.f1).toBeGreaterThanOrEqual(0.97);
    // Every labelled photo has its faces found, and no person holds two faces of one photo.
    expect(figures.score.faces.labelledPhotosWithoutFace).toBe(0);
    expect(figures.score.faces.labelledPhotosFewerFacesThanLabels).toBe(0);
    expect(figures.score.faces.samePhotoPersons).toBe(0);
    // Adding half of the photos to existing persons stays within a small margin of grouping all at once.
    expect(figures.incremental.score.pairwise.f1).toBeGreaterThanOrEqual(figures.score.pairwise.f1 - 0.01);
    expect(figures.incremental.score.bcubed.f1).toBeGreaterThanOrEqual(figures.score.bcubed.f1 - 0.01);
  }, 1_800_000);
});
