import { constants, realpathSync } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, resolve, sep } from 'node:path';
import { listPhotos } from '@facegroup/core';
import { AppError, bounded } from '../errors.js';

export interface LocalImage {
  path: string;
  /** The path relative to the folder it was found in (the file name for a file given directly). */
  key: string;
}

export interface FolderGroup {
  name: string;
  users: { name: string; images: LocalImage[] }[];
}

/**
 * The server's own files that API clients may add photos from: regular files whose real path (links resolved) lies
 * inside one of the import roots (IMPORT_ROOTS). With no roots, adding by path is off. A path outside the roots and
 * a missing one get the same answer, and nothing about a refused file (size, hash, existence) is read.
 */
export class LocalFiles {
  /** The roots with their links resolved, as the real paths of files are compared with them. */
  private readonly roots: string[] | null;

  constructor(roots: string[] | null) {
    this.roots =
      roots?.map((root) => {
        try {
          return realpathSync(root);
        } catch {
          return resolve(root);
        }
      }) ?? null;
  }

  /** The photos at these paths: files as given, folders searched recursively for photo file names. */
  async listImages(paths: string[]): Promise<LocalImage[]> {
    const found: LocalImage[] = [];
    for (const given of paths) {
      const { path, isDirectory } = await this.allowed(given);
      if (isDirectory) found.push(...(await this.photosUnder(path)));
      else found.push({ path, key: basename(given) });
    }
    return found;
  }

  /** A folder laid out `<root>/<group>/<user>/...` (photos anywhere below a user folder); folders with no photo are left out. */
  async readGroupFolders(given: string): Promise<FolderGroup[]> {
    const { path: root, isDirectory } = await this.allowed(given);
    if (!isDirectory) throw refused(given);
    const groups: FolderGroup[] = [];
    for (const groupName of await subfolders(root)) {
      const groupPath = join(root, groupName);
      const users = [];
      for (const userName of await subfolders(groupPath)) {
        const images = (await this.photosUnder(join(groupPath, userName))).map(({ path }) => ({
          path,
          key: relative(groupPath, path).split(sep).join('/'),
        }));
        if (images.length > 0) users.push({ name: userName, images });
      }
      if (users.length > 0) groups.push({ name: groupName, users });
    }
    return groups;
  }

  /** A photo's bytes, checked again at reading time: a file may have been swapped for a link since it was listed. */
  async read(path: string, key: string): Promise<Buffer> {
    const real = await this.inside(path);
    if (!real) throw refused(key);
    const file = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK).catch(() => null);
    if (!file) throw refused(key);
    try {
      if (!(await file.stat()).isFile()) throw refused(key);
      return await file.readFile();
    } finally {
      await file.close();
    }
  }

  /** Where a photo file is, as clients see it: relative to its import root, never the server's absolute path. */
  shownLocation(path: string): string {
    for (const root of this.roots ?? []) {
      const from = relative(root, path);
      if (from && !from.startsWith('..') && !from.startsWith(sep)) return from.split(sep).join('/');
    }
    return basename(path);
  }

  private async allowed(given: string): Promise<{ path: string; isDirectory: boolean }> {
    if (!this.roots) throw new AppError('FORBIDDEN_PATH', 'adding photos by path is off on this server (it has no IMPORT_ROOTS)');
    const real = await this.inside(resolve(given));
    const info = real ? await stat(real).catch(() => null) : null;
    if (!real || !info || !(info.isFile() || info.isDirectory())) throw refused(given);
    return { path: real, isDirectory: info.isDirectory() };
  }

  /** The real path when it lies inside a root, else null (also for a path that does not exist). */
  private async inside(path: string): Promise<string | null> {
    const real = await realpath(path).catch(() => null);
    if (!real || !this.roots) return null;
    const isInside = (root: string) => {
      const from = relative(root, real);
      return from === '' || (!from.startsWith('..') && !from.startsWith(sep));
    };
    return this.roots.some(isInside) ? real : null;
  }

  /** Photo files under a folder whose real paths stay inside the roots and are regular files. */
  private async photosUnder(folder: string): Promise<LocalImage[]> {
    const photos = [];
    for (const photo of await listPhotos(folder)) {
      const real = await this.inside(photo.path);
      if (real && (await stat(real).catch(() => null))?.isFile()) photos.push({ key: photo.key, path: real });
    }
    return photos;
  }
}

const refused = (given: string) =>
  new AppError('FORBIDDEN_PATH', `${bounded(given)}: no photo or folder there that this server may read (IMPORT_ROOTS)`);

async function subfolders(path: string): Promise<string[]> {
  const entries = await readdir(path, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort();
}
