import { readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { listPhotos } from '@facegroup/core';
import { AppError, notFound } from '../errors.js';

export interface LocalImage {
  path: string;
  /** The path relative to the folder it was found in (the file name for a file given directly). */
  key: string;
}

/**
 * Refuses a path outside the allowed roots (null: any path on the server's disk), after resolving links, so that
 * an API client cannot read the server's other files.
 */
async function checkAllowed(path: string, given: string, roots: string[] | null): Promise<void> {
  if (!roots) return;
  const real = await realpath(path);
  const inside = await Promise.all(roots.map(async (root) => {
    const from = relative(await realpath(root).catch(() => resolve(root)), real);
    return from === '' || (!from.startsWith('..') && !from.startsWith(sep));
  }));
  if (!inside.some(Boolean)) throw new AppError('FORBIDDEN_PATH', `${given} is outside the folders this server may read (IMPORT_ROOTS)`);
}

/** The photos at these paths: files as given, folders searched recursively for photo file names. */
export async function listImages(paths: string[], roots: string[] | null): Promise<LocalImage[]> {
  const found: LocalImage[] = [];
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => null);
    if (!info) throw notFound('path', given);
    await checkAllowed(path, given, roots);
    if (info.isDirectory()) {
      found.push(...(await listPhotos(path)));
    } else {
      found.push({ path, key: given });
    }
  }
  return found;
}

export interface FolderGroup {
  name: string;
  users: { name: string; images: LocalImage[] }[];
}

/** Reads a folder laid out `<root>/<group>/<user>/...` (photos anywhere below a user folder). */
export async function readGroupFolders(root: string, roots: string[] | null): Promise<FolderGroup[]> {
  const rootPath = resolve(root);
  const info = await stat(rootPath).catch(() => null);
  if (!info?.isDirectory()) throw notFound('folder', root);
  await checkAllowed(rootPath, root, roots);
  const groups: FolderGroup[] = [];
  for (const groupName of await subfolders(rootPath)) {
    const groupPath = join(rootPath, groupName);
    const users = [];
    for (const userName of await subfolders(groupPath)) {
      const userPath = join(groupPath, userName);
      const images = (await listPhotos(userPath)).map(({ path }) => ({ path, key: relative(groupPath, path).split(sep).join('/') }));
      users.push({ name: userName, images });
    }
    groups.push({ name: groupName, users });
  }
  return groups;
}

async function subfolders(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();
}
