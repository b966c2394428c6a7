import type { LocalFiles } from '../sources/local-files.js';
import type { BlobStore } from './blob-store.js';

/** A group photo's bytes: its own file for PATH sources (read within the import roots), else the stored bytes. */
export class Originals {
  constructor(
    private readonly blobs: BlobStore,
    private readonly files: LocalFiles,
  ) {}

  read(image: { sourceKind: string; location: string; contentHash: string; key: string }): Promise<Buffer> {
    return image.sourceKind === 'PATH' ? this.files.read(image.location, image.key) : this.blobs.read(image.contentHash);
  }
}
