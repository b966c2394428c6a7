import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative, resolve, sep } from 'node:path';
import { notFound } from '../errors.js';
import { IMAGE_EXTENSIONS } from './image-type.js';

export interface LocalImage {
  path: string;
  /** The path relative to the folder it was found in (the file name for a file given directly). */
  key: string;
}

/** The photos at these paths: files as given, folders searched recursively for photo file names. */
export async function listImages(paths: string[]): Promise<LocalImage[]> {
  const found: LocalImage[] = [];
  for (const given of paths) {
    const path = resolve(given);
    const info = await stat(path).catch(() => null);
    if (!info) throw notFound('path', given);
    if (info.isDirectory()) {
      for (const file of await imageFilesIn(path)) found.push({ path: file, key: relative(path, file).split(sep).join('/') });
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
export async function readGroupFolders(root: string): Promise<FolderGroup[]> {
  const rootPath = resolve(root);
  const info = await stat(rootPath).catch(() => null);
  if (!info?.isDirectory()) throw notFound('folder', root);
  const groups: FolderGroup[] = [];
  for (const groupName of await subfolders(rootPath)) {
    const groupPath = join(rootPath, groupName);
    const users = [];
    for (const userName of await subfolders(groupPath)) {
      const userPath = join(groupPath, userName);
      const images = (await imageFilesIn(userPath)).map((path) => ({ path, key: relative(groupPath, path).split(sep).join('/') }));
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

async function imageFilesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && !e.name.startsWith('.') && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => join(e.parentPath ?? e.path, e.name))
    .sort();
}
