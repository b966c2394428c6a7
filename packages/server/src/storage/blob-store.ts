import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

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
    await mkdir(dirname(path), { recursive: true });
    // Write then rename, so a reader never sees half a file.
    const partial = `${path}.${randomUUID()}.partial`;
    await writeFile(partial, bytes);
    await rename(partial, path);
    return hash;
  }

  read(hash: string): Promise<Buffer> {
    return readFile(this.pathOf(hash));
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
