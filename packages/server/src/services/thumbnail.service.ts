import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { Db } from '../db/client.js';
import { notFound } from '../errors.js';
import { writeFileAtomically } from '../storage/atomic-file.js';
import type { BlobStore } from '../storage/blob-store.js';

const FACE_SIZE = 160;
const PHOTO_SIZE = 480;
/** Space around a face box, as a share of its size on each side, so the crop shows the whole head. */
const FACE_MARGIN = 0.3;

/**
 * JPEG thumbnails of faces (a crop of the upright photo around the box) and photos, made on first request and
 * cached on disk under their id (faces and images never change their pixels).
 */
export class ThumbnailService {
  constructor(
    private readonly db: Db,
    private readonly blobs: BlobStore,
    private readonly cacheDir: string,
  ) {}

  async face(faceId: string): Promise<Buffer> {
    return this.cached(`faces/${faceId}.jpg`, async () => {
      const face = await this.db.face.findUnique({ where: { id: faceId }, include: { image: true } });
      if (!face) throw notFound('face', faceId);
      const original = await this.blobs.original(face.image);
      // Boxes are in upright pixels: rotate first, then crop, in one pass over the photo.
      const { width, height } = (await sharp(original).metadata()).autoOrient;
      const margin = FACE_MARGIN * Math.max(face.x2 - face.x1, face.y2 - face.y1);
      const left = clamp(Math.floor(face.x1 - margin), 0, width - 1);
      const top = clamp(Math.floor(face.y1 - margin), 0, height - 1);
      const right = clamp(Math.ceil(face.x2 + margin), left + 1, width);
      const bottom = clamp(Math.ceil(face.y2 + margin), top + 1, height);
      return sharp(original)
        .rotate()
        .extract({ left, top, width: right - left, height: bottom - top })
        .resize(FACE_SIZE, FACE_SIZE, { fit: 'cover' })
        .jpeg({ quality: 85 })
        .toBuffer();
    });
  }

  async image(imageId: string): Promise<Buffer> {
    return this.cached(`images/${imageId}.jpg`, async () => {
      const image = await this.db.image.findUnique({ where: { id: imageId } });
      if (!image) throw notFound('image', imageId);
      return sharp(await this.blobs.original(image))
        .rotate()
        .resize(PHOTO_SIZE, PHOTO_SIZE, { fit: 'inside', withoutEnlargement: true })
        .jpeg({ quality: 80 })
        .toBuffer();
    });
  }

  private async cached(name: string, make: () => Promise<Buffer>): Promise<Buffer> {
    const path = join(this.cacheDir, name);
    const hit = await readFile(path).catch(() => null);
    if (hit) return hit;
    const bytes = await make();
    await writeFileAtomically(path, bytes);
    return bytes;
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
