import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Signs picture URLs (thumbnails, sheets, maps) as presigned S3 URLs are: an HMAC over the path and an expiry, so
 * an `<img>` works without a header while a URL can neither be guessed nor used after it expires.
 */
export class UrlSigner {
  constructor(
    private readonly secret: Buffer,
    private readonly ttlSeconds: number,
  ) {}

  /**
   * The query string that signs the path. The expiry is rounded up to a quarter of the lifetime, so URLs stay the
   * same for a while and browsers can cache them; each is valid for 1 to 1.25 lifetimes.
   */
  sign(path: string, now = Date.now()): string {
    const step = Math.max(1, Math.floor(this.ttlSeconds / 4));
    const expires = Math.ceil((Math.floor(now / 1000) + this.ttlSeconds) / step) * step;
    return `expires=${expires}&signature=${this.signature(path, expires)}`;
  }

  /** Seconds the URL stays valid; null when its signature is wrong or it has expired. */
  verify(path: string, query: URLSearchParams, now = Date.now()): number | null {
    const expires = Number(query.get('expires'));
    const given = Buffer.from(query.get('signature') ?? '', 'base64url');
    const left = expires - Math.floor(now / 1000);
    if (!Number.isSafeInteger(expires) || left <= 0) return null;
    const expected = Buffer.from(this.signature(path, expires), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected) ? left : null;
  }

  private signature(path: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${path}\n${expires}`).digest('base64url');
  }
}

/** SIGNING_SECRET when set, else a secret generated once into the data folder (readable by the server alone). */
export async function signingSecret(configured: string | null, dataDir: string): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'utf8');
  const path = join(dataDir, 'signing-secret');
  await mkdir(dataDir, { recursive: true });
  // Created exclusively: of two processes starting on a new data folder, both end up with the first one's secret.
  await writeFile(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    },
  );
  return Buffer.from((await readFile(path, 'utf8')).trim(), 'utf8');
}
