import { readdir, readFile, unlink } from 'node:fs/promises';
import { MAX_STRIP_DECODED_PIXELS } from '@facegroup/core';
import sharp from 'sharp';
import type { Db } from '../db/client.js';
import { faceWithImage, imageOfGroup } from '../repositories/picture.repository.js';
import { AppError, isId, notFound } from '../errors.js';
import type { FaceScale } from '../http/routes.js';
import { writeFileAtomically } from '../storage/atomic-file.js';
import type { GroupFolders } from '../storage/group-folders.js';
import type { Originals } from '../storage/originals.js';

const FACE_SIZE = 160;
const PHOTO_SIZE = 480;
/** The long side of a photo for a viewer. */
const VIEWER_SIZE = 1600;
/** What the cache holds of a face or photo, by suffix of its id: its sizes. */
const FACE_FILES = ['', '@2x'];
const IMAGE_FILES = ['', '@viewer'];
const CONTENT_TYPES: Record<string, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heif: 'image/heif',
  avif: 'image/avif',
};
/** Photos as large as core analyses (larger than sharp's default limit). */
const PIXELS = { limitInputPixels: MAX_STRIP_DECODED_PIXELS };
/** Space around a face box, as a share of its size on each side, so the crop shows the whole head. */
const FACE_MARGIN = 0.3;

/**
 * JPEG thumbnails of faces (a crop of the upright photo around the box, at 1× and 2×) and photos (small, and at a
 * viewer's size), made on first request and cached on disk per group under their id (faces and images never change
 * their pixels), so a group's or a photo's erasure removes them. Also a photo's original bytes, as stored.
 */
export class ThumbnailService {
  constructor(
    private readonly db: Db,
    private readonly originals: Originals,
    private readonly cache: GroupFolders,
  ) {}

  async face(groupId: string, faceId: string, faceScale: FaceScale = 1): Promise<Buffer> {
    // The row is read even when cached: a face erased since is not served.
    const face = isId(faceId) ? await faceWithImage(this.db, groupId, faceId) : null;
    if (!face) throw notFound('face', faceId);
    const size = FACE_SIZE * faceScale;
    return this.cached(groupId, `faces/${faceId}${FACE_FILES[faceScale - 1]}.jpg`, async () => {
      const original = await this.originals.read(face.image);
      return decoded(async () => {
        // Boxes are in upright pixels. A face small in a large photo is cut from the photo shrunk first (JPEGs
        // shrink while decoding), so a 16000 px panorama is never decoded whole for a 160 px thumbnail.
        const { width, height } = (await sharp(original, PIXELS).metadata()).autoOrient;
        const margin = FACE_MARGIN * Math.max(face.x2 - face.x1, face.y2 - face.y1);
        const side = Math.max(face.x2 - face.x1, face.y2 - face.y1) + 2 * margin;
        const scale = side > 4 * size ? (2 * size) / side : 1;
        const [w, h] = [Math.round(width * scale), Math.round(height * scale)];
        const upright = scale === 1 ? sharp(original, PIXELS).rotate() : await shrunkUpright(original, w, h);
        const left = clamp(Math.floor((face.x1 - margin) * scale), 0, w - 1);
        const top = clamp(Math.floor((face.y1 - margin) * scale), 0, h - 1);
        const right = clamp(Math.ceil((face.x2 + margin) * scale), left + 1, w);
        const bottom = clamp(Math.ceil((face.y2 + margin) * scale), top + 1, h);
        return upright
          .extract({ left, top, width: right - left, height: bottom - top })
          .resize(size, size, { fit: 'cover' })
          .jpeg({ quality: 85 })
          .toBuffer();
      });
    });
  }

  image(groupId: string, imageId: string): Promise<Buffer> {
    return this.photo(groupId, imageId, '', PHOTO_SIZE, 80);
  }

  /** The photo upright, its long side at most 1600 px, for a viewer. */
  viewer(groupId: string, imageId: string): Promise<Buffer> {
    return this.photo(groupId, imageId, '@viewer', VIEWER_SIZE, 85);
  }

  /** The photo's bytes as added, with their type. */
  async original(groupId: string, imageId: string): Promise<{ bytes: Buffer; contentType: string }> {
    const bytes = await this.originals.read(await this.findImage(groupId, imageId));
    const format = await sharp(bytes, PIXELS)
      .metadata()
      .then((metadata) => metadata.format as string)
      .catch(() => '');
    return { bytes, contentType: CONTENT_TYPES[format] ?? 'application/octet-stream' };
  }

  private async photo(groupId: string, imageId: string, suffix: string, side: number, quality: number): Promise<Buffer> {
    const image = await this.findImage(groupId, imageId);
    return this.cached(groupId, `images/${imageId}${suffix}.jpg`, async () => {
      const original = await this.originals.read(image);
      return decoded(() =>
        sharp(original, PIXELS)
          .rotate()
          .resize(side, side, { fit: 'inside', withoutEnlargement: true })
          .jpeg({ quality })
          .toBuffer(),
      );
    });
  }

  /** The group's photo; read even when its pictures are cached, so that a photo erased since is not served. */
  private async findImage(groupId: string, imageId: string) {
    const image = isId(imageId) ? await imageOfGroup(this.db, groupId, imageId) : null;
    if (!image) throw notFound('image', imageId);
    return image;
  }

  /** Removes cached thumbnails (of every size) of these faces and photos; returns how many files were there. */
  async remove(groupId: string, { faceIds, imageIds }: { faceIds: string[]; imageIds: string[] }): Promise<number> {
    const paths = [
      ...faceIds.flatMap((id) => FACE_FILES.map((suffix) => `faces/${id}${suffix}.jpg`)),
      ...imageIds.flatMap((id) => IMAGE_FILES.map((suffix) => `images/${id}${suffix}.jpg`)),
    ];
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
    const ids = async (kind: string) => [
      ...new Set(
        (await readdir(this.cache.path(groupId, kind)).catch(() => [] as string[]))
          .filter((n) => n.endsWith('.jpg'))
          .map((n) => n.slice(0, -4).replace(/@\w+$/, '')),
      ),
    ];
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
