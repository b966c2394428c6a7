import { resolve } from 'node:path';
import type { FetchLimits } from '@facegroup/core';
import { repoRoot } from './paths.js';

export interface ServerConfig {
  port: number;
  /** Where the API is reached from outside, for thumbnail URLs; else taken from each request's Host header. */
  publicUrl: string | null;
  /** A `file:` SQLite URL or a `postgresql://` URL. */
  databaseUrl: string;
  /** Thumbnails and the bytes of URL and uploaded photos (by content hash). */
  dataDir: string;
  fetch: FetchLimits;
  /** Largest accepted upload per file, in bytes. */
  maxUploadBytes: number;
  /** Most photos in one add request. */
  maxImagesPerRequest: number;
  /** Folders whose photos may be added by path; null: any path on the server's disk. */
  importRoots: string[] | null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(env.DATA_DIR ?? resolve(repoRoot, 'data'));
  return {
    port: integer(env, 'PORT', 4000),
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') || null,
    databaseUrl: env.DATABASE_URL || `file:${resolve(dataDir, 'facegroup.db')}`,
    dataDir,
    fetch: {
      timeoutMs: integer(env, 'FETCH_TIMEOUT_MS', 20_000),
      maxBytes: integer(env, 'FETCH_MAX_BYTES', 40 * 1024 * 1024),
      maxRedirects: integer(env, 'FETCH_MAX_REDIRECTS', 3),
      allowPrivateAddresses: env.FETCH_ALLOW_PRIVATE_ADDRESSES === 'true',
    },
    maxUploadBytes: integer(env, 'UPLOAD_MAX_BYTES', 40 * 1024 * 1024),
    maxImagesPerRequest: integer(env, 'MAX_IMAGES_PER_REQUEST', 10_000),
    importRoots: env.IMPORT_ROOTS ? env.IMPORT_ROOTS.split(',').map((root) => resolve(root.trim())) : null,
  };
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, not "${raw}"`);
  return value;
}
