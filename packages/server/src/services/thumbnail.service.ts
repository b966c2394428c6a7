import { readdir, readFile, unlink } from 'node:fs/promises';
import { MAX_STRIP_DECODED_PIXELS } from '@facegroup/core';
import sharp from 'sharp';
import type { Db } from '../db/client.js';
import { AppError, isId, notFound } from '../errors.js';
import { writeFileAtomically } from '../storage/atomic-file.js';
import type { GroupFolders } from '../storage/group-folders.js';
import type { Originals } from '../storage/originals.js';

const FACE_SIZE = 160;
const PHOTO_SIZE = 480;
/** Photos as large as core analyses (larger than sharp's default limit). */
const PIXELS = { limitInputPixels: MAX_STRIP_DECODED_PIXELS };
/** Space around a face box, as a share of its size on each side, so the crop shows the whole head. */
const FACE_MARGIN = 0.3;

/**
 * JPEG thumbnails of faces (a crop of the upright photo around the box) and photos, made on first request and
 * cached on disk per group under their id (faces and images never change their pixels), so a group's or a photo's
 * erasure removes them.
 */
export class ThumbnailService {
  constructor(
    private readonly db: Db,
    private readonly originals: Originals,
    private readonly cache: GroupFolders,
  ) {}

  async face(groupId: string, faceId: string): Promise<Buffer> {
    // The row is read even when cached: a face erased since is not served.
    const face = isId(faceId) ? await this.db.face.findFirst({ where: { id: faceId, groupId }, include: { image: true } }) : null;
    if (!face) throw notFound('face', faceId);
    return this.cached(groupId, `faces/${faceId}.jpg`, async () => {
      const original = await this.originals.read(face.image);
      return decoded(async () => {
        // Boxes are in upright pixels. A face small in a large photo is cut from the photo shrunk first (JPEGs
        // shrink while decoding), so a 16000 px panorama is never decoded whole for a 160 px thumbnail.
        const { width, height } = (await sharp(original, PIXELS).metadata()).autoOrient;
        const margin = FACE_MARGIN * Math.max(face.x2 - face.x1, face.y2 - face.y1);
        const side = Math.max(face.x2 - face.x1, face.y2 - face.y1) + 2 * margin;
        const scale = side > 4 * FACE_SIZE ? (2 * FACE_SIZE) / side : 1;
        const [w, h] = [Math.round(width * scale), Math.round(height * scale)];
        const upright = scale === 1 ? sharp(original, PIXELS).rotate() : await shrunkUpright(original, w, h);
        const left = clamp(Math.floor((face.x1 - margin) * scale), 0, w - 1);
        const top = clamp(Math.floor((face.y1 - margin) * scale), 0, h - 1);
        const right = clamp(Math.ceil((face.x2 + margin) * scale), left + 1, w);
        const bottom = clamp(Math.ceil((face.y2 + margin) * scale), top + 1, h);
        return upright
          .extract({ left, top, width: right - left, height: bottom - top })
          .resize(FACE_SIZE, FACE_SIZE, { fit: 'cover' })
          .jpeg({ quality: 85 })
          .toBuffer();
      });
    });
  }

  async image(groupId: string, imageId: string): Promise<Buffer> {
    const image = isId(imageId) ? await this.db.image.findFirst({ where: { id: imageId, groupId } }) : null;
    if (!image) throw notFound('image', imageId);
    return this.cached(groupId, `images/${imageId}.jpg`, async () => {
      const original = await this.originals.read(image);
      return decoded(() =>
        sharp(original, PIXELS)
          .rotate()
          .resize(PHOTO_SIZE, PHOTO_SIZE, { fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality: 80 })
          .toBuffer(),
      );
    });
  }

  /** Removes cached thumbnails of these faces and photos; returns how many files were there. */
  async remove(groupId: string, { faceIds, imageIds }: { faceIds: string[]; imageIds: string[] }): Promise<number> {
    const paths = [...faceIds.map((id) => `faces/${id}.jpg`), ...imageIds.map((id) => `images/${id}.jpg`)];
    let removed = 0;
    for (const path of paths) {
      // unlink fails for a file that is not there: no read of the file to find out.
      removed += await unlink(this.cache.path(groupId, path)).then(
        () => 1,
        () => 0,
      );
    }
    return removed;
  }

  removeGroup(groupId: string): Promise<number> {
    return this.cache.remove(groupId);
  }

  /** Groups with cached thumbnails. */
  groups(): Promise<string[]> {
    return this.cache.groups();
  }

  /** The faces and photos of a group with a cached thumbnail. */
  async cachedIds(groupId: string): Promise<{ faceIds: string[]; imageIds: string[] }> {
    const ids = async (kind: string) =>
      (await readdir(this.cache.path(groupId, kind)).catch(() => [] as string[]))
        .filter((n) => n.endsWith('.jpg'))
        .map((n) => n.slice(0, -4));
    return { faceIds: await ids('faces'), imageIds: await ids('images') };
  }

  private async cached(groupId: string, name: string, make: () => Promise<Buffer>): Promise<Buffer> {
    const path = this.cache.path(groupId, name);
    const hit = await readFile(path).catch(() => null);
    if (hit) return hit;
    const bytes = await make();
    await writeFileAtomically(path, bytes);
    return bytes;
  }
}

/** The photo upright at this size, as raw pixels to cut from. */
async function shrunkUpright(bytes: Buffer, width: number, height: number): Promise<sharp.Sharp> {
  const { data, info } = await sharp(bytes, PIXELS)
    .rotate()
    .resize({ width, height, fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } });
}

/** Runs sharp on a photo's bytes; bytes it cannot decode are the client's photo's fault, not the server's. */
function decoded(draw: () => Promise<Buffer>): Promise<Buffer> {
  return draw().catch(() => {
    throw new AppError('UNSUPPORTED_IMAGE', 'the photo cannot be decoded, so it has no thumbnail');
  });
}

const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
