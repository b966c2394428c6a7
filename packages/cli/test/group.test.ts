import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { GroupingResult } from '@facegroup/core';
import { CAST_PHOTO, checkoutRoot as repoRoot, devPhoto, shared } from '../../../test/support/fixtures.js';

const exec = promisify(execFile);
const tsx = join(repoRoot, 'node_modules', '.bin', 'tsx');
const command = (name: string, args: string[]) =>
  exec(tsx, [join(repoRoot, 'packages', 'cli', 'src', `${name}.ts`), ...args], { cwd: repoRoot }).then(
    (done) => ({ code: 0, ...done }),
    (failed) => ({ code: failed.code as number, stdout: failed.stdout as string, stderr: failed.stderr as string }),
  );

describe('pnpm group', () => {
  it('groups an images/<group>/<user>/ folder, reports a bad photo and exits 1', async () => {
    const root = mkdtempSync(join(tmpdir(), 'group-'));
    const album = join(root, 'images', 'trip');
    const photos: Record<string, string> = {
      'mina/a.jpg': 'dfc_41813375.jpg',
      'mina/b.jpg': 'dfc_2da3187b.jpg',
      'jun/c.jpg': 'dfc_5fb50519.jpg',
      'jun/cast.jpg': CAST_PHOTO,
    };
    for (const [to, from] of Object.entries(photos)) {
      mkdirSync(join(album, to, '..'), { recursive: true });
      copyFileSync(devPhoto(from), join(album, to));
    }
    writeFileSync(join(album, 'jun', 'broken.jpg'), 'not a jpeg');
    const out = join(root, 'result.json');
    const report = join(root, 'report');
    const { code, stderr } = await command('group', [album, '--out', out, '--report', report]);
    expect(code).toBe(1);
    expect(stderr).toContain(`report: ${join(report, 'index.html')}`);
    const html = readFileSync(join(report, 'index.html'), 'utf8');
    for (const src of html.match(/src="[^"]+"/g)!) expect(existsSync(join(report, src.slice(5, -1)))).toBe(true);
    expect(stderr).toContain('failed: jun/broken.jpg: not a supported image');
    const result: GroupingResult = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.images.map((i) => i.path)).toEqual(['jun/broken.jpg', 'jun/c.jpg', 'jun/cast.jpg', 'mina/a.jpg', 'mina/b.jpg']);
    expect(result.images[0]).toMatchObject({ faces: [], error: expect.stringContaining('not a supported image') });
    // Angelina Jolie's three photos are one person; the six cast members one person each.
    expect(result.persons[0].photos).toEqual(['jun/c.jpg', 'mina/a.jpg', 'mina/b.jpg']);
    expect(result.persons.filter((p) => p.photos.includes('jun/cast.jpg'))).toHaveLength(6);
    expect(result.faces).toHaveLength(result.images.reduce((n, i) => n + i.faces.length, 0));

    // The scorer reads the result as it is, with the labels of these photos.
    const labels = join(root, 'labels.json');
    const names = Object.fromEntries(Object.entries(photos).map(([to, from]) => [from, to]));
    const devLabels = JSON.parse(readFileSync(join(shared, 'eval', 'dev', 'labels.json'), 'utf8')).photos;
    writeFileSync(
      labels,
      JSON.stringify({ photos: Object.fromEntries(Object.entries(names).map(([from, to]) => [to, devLabels[from]])) }),
    );
    const scored = await exec(process.execPath, [join(shared, 'eval', 'score.mjs'), '--labels', labels, '--pred', out, '--json']);
    const score = JSON.parse(scored.stdout);
    expect(score.pairwise.f1).toBe(1);
    expect(score.faces.samePhotoPersons).toBe(0);
  });

  it('prints usage and exits 2 without a folder', async () => {
    const { code, stderr } = await command('group', []);
    expect(code).toBe(2);
    expect(stderr).toContain('usage: pnpm group <folder>');
  });
});
