import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: s3rver ships no type declarations
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileBlobStore, sha256, type BlobStore } from '../src/storage/blob-store.js';
import { S3BlobStore } from '../src/storage/s3-blob-store.js';

/** The same contract for both adapters: the S3 one against a local S3-compatible server (s3rver) on loopback. */
describe.each(['filesystem', 's3'] as const)('blob store on %s', (kind) => {
  let work: string;
  let store: BlobStore;
  let s3: { close(): Promise<void> } | null = null;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), `facegroup-blobs-${kind}-`));
    if (kind === 'filesystem') {
      store = new FileBlobStore(join(work, 'blobs'));
      return;
    }
    // s3rver's fixed credentials, found by the SDK's usual chain as any credentials would be.
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER';
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER';
    const server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(work, 's3'),
      configureBuckets: [{ name: 'photos' }],
    });
    const { port } = (await server.run()) as AddressInfo;
    s3 = { close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
    store = new S3BlobStore({
      bucket: 'photos',
      endpoint: `http://127.0.0.1:${port}`,
      region: 'us-east-1',
      prefix: 'facegroup/',
    });
  });

  afterAll(async () => {
    await s3?.close();
    await rm(work, { recursive: true, force: true });
  });

  const photo = Buffer.from([0xff, 0xd8, 0xff, 0xe0, ...Array.from({ length: 3000 }, (_, i) => (i * 7) % 256)]);
  const other = Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);

  it('stores bytes once under their sha256 and reads them back', async () => {
    const hash = await store.put(photo);
    expect(hash).toBe(sha256(photo));
    expect(await store.put(Buffer.from(photo))).toBe(hash);
    expect(Buffer.compare(await store.read(hash), photo)).toBe(0);
    expect(await store.list()).toEqual([hash]);
  });

  it('lists every blob and removes one without touching the others', async () => {
    const second = await store.put(other);
    expect((await store.list()).sort()).toEqual([sha256(photo), second].sort());
    expect(await store.remove(sha256(photo))).toBe(1);
    expect(await store.remove(sha256(photo))).toBe(0);
    expect(await store.list()).toEqual([second]);
    await expect(store.read(sha256(photo))).rejects.toThrow();
    expect(Buffer.compare(await store.read(second), other)).toBe(0);
  });

  it('refuses names that are not hashes', async () => {
    await expect(store.read('../../etc/passwd')).rejects.toThrow('not a sha256 hash');
  });
});
