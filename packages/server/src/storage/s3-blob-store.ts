import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NotFound,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { blobPath, isBlobName, sha256, type BlobStore } from './blob-store.js';

export interface S3Settings {
  bucket: string;
  /** An S3-compatible endpoint (MinIO, Ceph, a local test server); null: AWS itself. */
  endpoint: string | null;
  region: string;
  /** Key prefix, e.g. `facegroup/`: the blobs are `<prefix>blobs/<hh>/<hash>`. */
  prefix: string;
}

/**
 * Blobs in S3-compatible object storage through the AWS SDK v3, credentials from the SDK's usual chain
 * (environment, shared files, instance or container roles). Every worker that reaches the bucket reads every photo.
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;

  constructor(private readonly settings: S3Settings) {
    this.client = new S3Client({
      region: settings.region,
      // Checksums only where S3 requires them: S3-compatible servers do not all know the newer ones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      ...(settings.endpoint ? { endpoint: settings.endpoint, forcePathStyle: true } : {}),
    });
  }

  async put(bytes: Buffer): Promise<string> {
    const hash = sha256(bytes);
    if (!(await this.exists(hash))) {
      await this.client.send(new PutObjectCommand({ Bucket: this.settings.bucket, Key: this.key(hash), Body: bytes }));
    }
    return hash;
  }

  async read(hash: string): Promise<Buffer> {
    const object = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.key(hash) }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async remove(hash: string): Promise<number> {
    const there = await this.exists(hash);
    if (there) await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.key(hash) }));
    return there ? 1 : 0;
  }

  async list(): Promise<string[]> {
    const hashes: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.settings.bucket,
          Prefix: `${this.settings.prefix}blobs/`,
          ContinuationToken: token,
        }),
      );
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(object.Key.lastIndexOf('/') + 1) ?? '';
        if (isBlobName(name)) hashes.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return hashes;
  }

  private key(hash: string): string {
    return `${this.settings.prefix}blobs/${blobPath(hash)}`;
  }

  private async exists(hash: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key: this.key(hash) }));
      return true;
    } catch (error) {
      if (error instanceof NotFound || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404)
        return false;
      throw error;
    }
  }
}
