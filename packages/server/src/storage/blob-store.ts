import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from './atomic-file.js';

export const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Photo bytes by content hash, for photos with no lasting path of their own (URL and upload sources). */
export class BlobStore {
  constructor(private readonly dir: string) {}

  pathOf(hash: string): string {
    if (!/^[0-9a-f]{64}$/.test(hash)) throw new Error(`not a sha256 hash: ${hash}`);
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

  /** A group photo's bytes: its own file for PATH sources, else the bytes stored here. */
  original(image: { sourceKind: string; location: string; contentHash: string }): Promise<Buffer> {
    return image.sourceKind === 'PATH' ? readFile(image.location) : this.read(image.contentHash);
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
