import { createHash } from 'node:crypto';
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

const HASH = /^[0-9a-f]{64}$/;

/** Photo bytes by content hash, for photos with no lasting path of their own (URL and upload sources). */
export class BlobStore {
  constructor(private readonly dir: string) {}

  pathOf(hash: string): string {
    if (!HASH.test(hash)) throw new Error(`not a sha256 hash: ${hash}`);
    return join(this.dir, hash.slice(0, 2), hash);
  }

  /** Stores the bytes once (same content, same file) and returns their hash. */
  async put(bytes: Buffer): Promise<string> {
    const hash = sha256(bytes);
    const path = this.pathOf(hash);
    if (await exists(path)) return hash;
    await writeFileAtomically(path, bytes);
    return hash;
  }

  read(hash: string): Promise<Buffer> {
    return readFile(this.pathOf(hash));
  }

  /** Removes the bytes; 1 when a file was there. */
  async remove(hash: string): Promise<number> {
    const path = this.pathOf(hash);
    const there = await exists(path);
    await rm(path, { force: true });
    return there ? 1 : 0;
  }

  /** Every stored hash. */
  async list(): Promise<string[]> {
    const entries = await readdir(this.dir, { recursive: true }).catch(() => [] as string[]);
    return entries.map((entry) => entry.slice(entry.lastIndexOf('/') + 1)).filter((name) => HASH.test(name));
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
