import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const HASH = /^[0-9a-f]{64}$/;

/** Where a blob lives below a store's root: `<first two hex digits>/<hash>`, so no folder grows too large. */
export function blobPath(hash: string): string {
  if (!HASH.test(hash)) throw new Error(`not a sha256 hash: ${hash}`);
  return `${hash.slice(0, 2)}/${hash}`;
}

export const isBlobName = (name: string) => HASH.test(name);

/**
 * Photo bytes by content hash, for photos with no lasting path of their own (URL and upload sources): on the
 * filesystem (`DATA_DIR`, which may be a mount shared by several machines) or in S3-compatible object storage.
 */
export interface BlobStore {
  /** Stores the bytes once (same content, same blob) and returns their hash. */
  put(bytes: Buffer): Promise<string>;
  read(hash: string): Promise<Buffer>;
  /** Removes the bytes; 1 when they were there. */
  remove(hash: string): Promise<number>;
  /** Every stored hash. */
  list(): Promise<string[]>;
}

export class FileBlobStore implements BlobStore {
  constructor(private readonly dir: string) {}

  async put(bytes: Buffer): Promise<string> {
    const hash = sha256(bytes);
    const path = join(this.dir, blobPath(hash));
    if (!(await exists(path))) await writeFileAtomically(path, bytes);
    return hash;
  }

  async read(hash: string): Promise<Buffer> {
    return readFile(join(this.dir, blobPath(hash)));
  }

  async remove(hash: string): Promise<number> {
    const path = join(this.dir, blobPath(hash));
    const there = await exists(path);
    await rm(path, { force: true });
    return there ? 1 : 0;
  }

  async list(): Promise<string[]> {
    const entries = await readdir(this.dir, { recursive: true }).catch(() => [] as string[]);
    return entries.map((entry) => entry.slice(entry.lastIndexOf('/') + 1)).filter(isBlobName);
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
