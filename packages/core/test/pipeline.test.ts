import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { backend } from '@facegroup/native-align';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FacePipeline } from '../src/pipeline.js';
import { faceRecognition } from '../src/recognition.js';
import { CAST_PHOTO, devPhoto, NO_FACE_PHOTO, orientationPhoto } from '../../../test/support/fixtures.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, v, i) => sum + v * b[i], 0);

/** A valid PNG header claiming width x height, with a token image body (never decoded that far). */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const checksum = Buffer.alloc(4);
    checksum.writeUInt32BE(crc32(Buffer.concat([Buffer.from(type), data])));
    return Buffer.concat([length, Buffer.from(type), data, checksum]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

describe('face pipeline', () => {
  let pipeline: FacePipeline;
  beforeAll(async () => {
    pipeline = await FacePipeline.create();
  });

  it('gives each bad photo a clear error and analyses the rest', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-'));
    writeFileSync(join(dir, 'empty.jpg'), '');
    writeFileSync(join(dir, 'notes.jpg'), 'this is text, not a photo');
    const results = await pipeline.analyseAll([
      join(dir, 'missing.jpg'),
      join(dir, 'empty.jpg'),
      join(dir, 'notes.jpg'),
      { key: 'huge.png', buffer: pngClaiming(60_000, 60_000) },
      { key: 'truncated.jpg', buffer: readFileSync(devPhoto(CAST_PHOTO)).subarray(0, 2000) },
      devPhoto(NO_FACE_PHOTO),
      devPhoto(CAST_PHOTO),
    ]);
    const byKey = Object.fromEntries(results.map((r) => [r.key.split('/').pop(), r]));
    expect(byKey['missing.jpg'].error).toBe('file not found');
    expect(byKey['empty.jpg'].error).toMatch(/empty file/);
    expect(byKey['notes.jpg'].error).toMatch(/not a supported image/);
    expect(byKey['huge.png'].error).toMatch(/60000x60000 pixels, more than the limit/);
    expect(byKey['truncated.jpg'].error).toMatch(/cannot decode|not a supported/);
    expect(byKey[NO_FACE_PHOTO]).toMatchObject({ faces: [] });
    expect(byKey[NO_FACE_PHOTO].error).toBeUndefined();
    expect(byKey[CAST_PHOTO].faces).toHaveLength(6);
    expect(byKey[CAST_PHOTO]).toMatchObject({ width: 1200, height: 630 });
  });

  it('embeds faces as unit vectors of the configured dimension', async () => {
    const [cast] = await pipeline.analyseAll([devPhoto(CAST_PHOTO)]);
    for (const face of cast.faces) {
      expect(face.embedding).toHaveLength(128);
      expect(cosine(face.embedding, face.embedding)).toBeCloseTo(1, 5);
    }
    // Six different people: no two of them look alike.
    for (let i = 0; i < 6; i++) {
      for (let j = i + 1; j < 6; j++) expect(cosine(cast.faces[i].embedding, cast.faces[j].embedding)).toBeLessThan(0.4);
    }
  });

  it('honours EXIF orientation: a turned photo gives the face of its upright source', async () => {
    const [turned, upright] = await pipeline.analyseAll([
      orientationPhoto('exif6_jpd_1980b1ec.jpg'),
      devPhoto('jpd_1980b1ec.jpg'),
    ]);
    expect(turned.faces.length).toBeGreaterThan(0);
    expect([turned.width, turned.height]).toEqual([upright.width, upright.height]);
    const best = Math.max(...turned.faces.map((f) => cosine(f.embedding, upright.faces[0].embedding)));
    expect(best).toBeGreaterThan(0.9);
  });

  it('reports boxes in original-photo pixels when analysing a downscaled copy', async () => {
    const small = await FacePipeline.create({ maxImageSide: 600 });
    const [full] = await pipeline.analyseAll([devPhoto(CAST_PHOTO)]);
    const [scaled] = await small.analyseAll([devPhoto(CAST_PHOTO)]);
    expect(scaled).toMatchObject({ width: 1200, height: 630 });
    expect(scaled.faces).toHaveLength(6);
    scaled.faces.forEach((face, i) => {
      face.box.forEach((v, k) => expect(Math.abs(v - full.faces[i].box[k])).toBeLessThan(12));
    });
  });

  it('decodes PNG, WebP, TIFF and GIF as well as JPEG', async () => {
    const jpeg = readFileSync(devPhoto(CAST_PHOTO));
    const formats = await Promise.all(
      (['png', 'webp', 'tiff', 'gif'] as const).map(async (format) => ({
        key: `cast.${format}`,
        buffer: await sharp(jpeg).toFormat(format).toBuffer(),
      })),
    );
    for (const result of await pipeline.analyseAll(formats)) {
      expect(result.error).toBeUndefined();
      expect(result.faces.length, result.key).toBe(6);
    }
  });
});

describe('execution provider', () => {
  // On a GPU machine bench/gpu-check.sh checks the CUDA path instead.
  it.skipIf(backend().cuda)('falls back from CUDA to CPU where CUDA is missing, saying so once', async () => {
    const written: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      written.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    try {
      const pipeline = await FacePipeline.create({ executionProvider: 'cuda' });
      const [cast] = await pipeline.analyseAll([devPhoto(CAST_PHOTO)]);
      expect(cast.faces).toHaveLength(6);
    } finally {
      process.stderr.write = write;
    }
    const warnings = written.filter((line) => line.includes('CUDA execution provider unavailable, using CPU'));
    expect(warnings).toHaveLength(1);
  });
});

describe('faceRecognition library call', () => {
  it('groups paths and keyed buffers into persons with their faces and photos', async () => {
    const photos = ['dfc_41813375.jpg', 'dfc_2da3187b.jpg', 'dfc_5fb50519.jpg', CAST_PHOTO];
    const { groups, images } = await faceRecognition([
      devPhoto(photos[0]),
      { key: 'jolie-2', buffer: readFileSync(devPhoto(photos[1])) },
      { key: 'jolie-3', path: devPhoto(photos[2]) },
      { key: 'cast', read: async () => readFileSync(devPhoto(CAST_PHOTO)) },
    ]);
    expect(images.map((i) => i.path)).toEqual([devPhoto(photos[0]), 'jolie-2', 'jolie-3', 'cast']);
    // The three Angelina Jolie photos form one person; the six cast members are six more.
    expect(groups[0].photos.sort()).toEqual([devPhoto(photos[0]), 'jolie-2', 'jolie-3'].sort());
    expect(groups).toHaveLength(7);
    const faceIds = images.flatMap((image) => image.faces.map((f) => f.id));
    expect(groups.flatMap((g) => g.faces).sort()).toEqual([...faceIds].sort());
    for (const image of images)
      for (const face of image.faces) expect(groups.find((g) => g.id === face.personId)?.faces).toContain(face.id);
  });
});

describe('faceRecognition on a { key: url } map', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((request, response) => {
      const name = decodeURIComponent(request.url!.slice(1));
      try {
        response.end(readFileSync(devPhoto(name)));
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('fetches each URL, as a backend storing photos in object storage sends them', async () => {
    const urls = {
      'trip/jolie-1.jpg': `${base}/dfc_41813375.jpg`,
      'trip/jolie-2.jpg': `${base}/dfc_2da3187b.jpg`,
      'trip/gone.jpg': `${base}/missing.jpg`,
    };
    const { groups, images } = await faceRecognition(urls, { fetch: { allowPrivateAddresses: true } });
    expect(groups[0].photos).toEqual(['trip/jolie-1.jpg', 'trip/jolie-2.jpg']);
    expect(images.find((i) => i.path === 'trip/gone.jpg')?.error).toMatch(/HTTP 404/);
  });

  it('refuses loopback and private addresses unless allowed', async () => {
    const { images } = await faceRecognition({ local: `${base}/dfc_41813375.jpg` });
    expect(images[0].error).toMatch(/127\.0\.0\.1 \(loopback\), not a public address/);
  });
});
