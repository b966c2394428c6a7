import { readdir } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { compareIds } from './grouping/compare-ids.js';

/** Extensions taken as photos; HEIC is listed so it gets a clear per-photo error rather than being skipped. */
export const PHOTO_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.heic', '.heif']);

/** Photo files under a folder, recursively, as { key: path relative to the folder (forward slashes), path }. */
export async function listPhotos(folder: string): Promise<{ key: string; path: string }[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => !e.isDirectory() && !e.name.startsWith('.') && PHOTO_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => {
      const path = join(e.parentPath, e.name);
      return { key: relative(folder, path).split(sep).join('/'), path };
    })
    .sort((a, b) => compareIds(a.key, b.key));
}
