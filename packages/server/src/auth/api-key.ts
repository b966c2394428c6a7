import { createHash, randomBytes } from 'node:crypto';

const PREFIX = 'fg_';

/** A new API key: 256 random bits, recognisable by its prefix in logs and secret scanners. */
export function newApiKey(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

/** Keys are stored and looked up by this hash alone; 256 random bits need no slow hash. */
export const hashApiKey = (key: string) => createHash('sha256').update(key).digest('hex');

/** What listings show of a key: enough to tell keys apart, far too little to use one. */
export const keyPrefix = (key: string) => key.slice(0, PREFIX.length + 6);

/** The key of an `Authorization: Bearer <key>` header; null when absent or of another scheme. */
export function bearerKey(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match && match[1].length <= 200 ? match[1] : null;
}
