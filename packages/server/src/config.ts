import { resolve } from 'node:path';
import { configFromEnvironment, type ConfigOverrides, type FetchLimits } from '@facegroup/core';
import type { GraphQLLimits } from './graphql/limits.js';
import type { S3Settings } from './storage/s3-blob-store.js';
import { repoRoot } from './paths.js';

export interface ServerConfig {
  port: number;
  /** The address to listen on; AUTH_DISABLED needs a loopback one. */
  host: string;
  /** Where the API is reached from outside, for picture URLs; else taken from each request's Host header. */
  publicUrl: string | null;
  /** Origins whose pages may call the API from a browser (CORS); none by default. */
  allowedOrigins: string[];
  /** Behind a proxy: picture URLs use its X-Forwarded-Proto and X-Forwarded-Host. */
  trustProxy: boolean;
  /** A `file:` SQLite URL or a `postgresql://` URL. */
  databaseUrl: string;
  /** Thumbnails and the bytes of URL and uploaded photos (by content hash). */
  dataDir: string;
  fetch: FetchLimits;
  /** Largest accepted upload per file, in bytes. */
  maxUploadBytes: number;
  /** Largest GraphQL request body, in bytes. */
  maxRequestBytes: number;
  /** Most photos in one add request. */
  maxImagesPerRequest: number;
  /** Folders whose photos may be added by path; null: adding by path is off. */
  importRoots: string[] | null;
  /** Every request acts as the local owner, with no key (local experiments; loopback only). */
  authDisabled: boolean;
  /** SIGNING_SECRET; null: generated once into the data folder. */
  signingSecret: string | null;
  /** How long a picture URL stays valid. */
  signedUrlSeconds: number;
  graphql: GraphQLLimits;
  introspection: boolean;
  /** Requests that add photos (mutations and uploads), per API key and minute. */
  addRequestsPerMinute: number;
  /** Processes of analysis in this API process: 1 (the default), or 0 for an API that loads no model. */
  workers: number;
  /** How long a worker holds a task of photos before it is retried elsewhere (PostgreSQL). */
  analysisLeaseSeconds: number;
  /** Retries of a task of photos before they fail (PostgreSQL). */
  analysisRetries: number;
  /** How long after a correction its group is regrouped: corrections within it cost one regroup. */
  regroupDelaySeconds: number;
  /** Log each SQL statement (LOG_QUERIES). */
  logQueries: boolean;
  /** Where stored photo bytes go: S3-compatible object storage when S3_BUCKET is set, else `DATA_DIR/blobs`. */
  s3: S3Settings | null;
  /** The face pipeline's options: FACE_* variables; models from FACE_MODELS_DIR, else ../shared/models beside the checkout. */
  pipeline: ConfigOverrides;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const dataDir = resolve(env.DATA_DIR ?? resolve(repoRoot, 'data'));
  const config: ServerConfig = {
    port: integer(env, 'PORT', 4000),
    host: env.HOST || '::',
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, '') || null,
    allowedOrigins: origins(env.ALLOWED_ORIGINS),
    trustProxy: flag(env, 'TRUST_PROXY'),
    databaseUrl: env.DATABASE_URL || `file:${resolve(dataDir, 'facegroup.db')}`,
    dataDir,
    fetch: {
      timeoutMs: integer(env, 'FETCH_TIMEOUT_MS', 20_000),
      maxBytes: integer(env, 'FETCH_MAX_BYTES', 40 * 1024 * 1024),
      maxRedirects: integer(env, 'FETCH_MAX_REDIRECTS', 3),
      allowPrivateAddresses: flag(env, 'FETCH_ALLOW_PRIVATE_ADDRESSES'),
    },
    maxUploadBytes: integer(env, 'UPLOAD_MAX_BYTES', 40 * 1024 * 1024),
    maxRequestBytes: integer(env, 'MAX_REQUEST_BYTES', 1024 * 1024),
    maxImagesPerRequest: integer(env, 'MAX_IMAGES_PER_REQUEST', 10_000),
    importRoots: env.IMPORT_ROOTS ? env.IMPORT_ROOTS.split(',').map((root) => resolve(root.trim())) : null,
    authDisabled: flag(env, 'AUTH_DISABLED'),
    signingSecret: env.SIGNING_SECRET || null,
    signedUrlSeconds: integer(env, 'SIGNED_URL_SECONDS', 3600),
    graphql: {
      maxDepth: integer(env, 'GRAPHQL_MAX_DEPTH', 12),
      maxAliases: integer(env, 'GRAPHQL_MAX_ALIASES', 30),
      maxTokens: integer(env, 'GRAPHQL_MAX_TOKENS', 5000),
      maxDirectives: integer(env, 'GRAPHQL_MAX_DIRECTIVES', 20),
      maxCost: integer(env, 'GRAPHQL_MAX_COST', 20_000),
      maxPage: 500,
    },
    introspection: env.INTROSPECTION !== 'false',
    addRequestsPerMinute: integer(env, 'ADD_REQUESTS_PER_MINUTE', 60),
    workers: integer(env, 'WORKERS', 1),
    analysisLeaseSeconds: integer(env, 'ANALYSIS_LEASE_SECONDS', 120),
    analysisRetries: integer(env, 'ANALYSIS_RETRIES', 3),
    regroupDelaySeconds: integer(env, 'REGROUP_DELAY_SECONDS', 5),
    logQueries: flag(env, 'LOG_QUERIES'),
    s3: env.S3_BUCKET
      ? {
          bucket: env.S3_BUCKET,
          endpoint: env.S3_ENDPOINT || null,
          region: env.S3_REGION || 'us-east-1',
          prefix: env.S3_PREFIX ?? '',
        }
      : null,
    pipeline: { modelsDir: resolve(repoRoot, '..', 'shared', 'models'), ...configFromEnvironment(env) },
  };
  if (config.authDisabled && !isLoopback(config.host)) {
    throw new Error(`AUTH_DISABLED=true is for local experiments: set HOST=127.0.0.1 (or ::1), not "${config.host}"`);
  }
  if (config.workers > 1)
    throw new Error('WORKERS is 0 or 1 (one analysis at a time uses every core); start more with pnpm worker');
  if (config.workers === 0 && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    throw new Error('WORKERS=0 needs PostgreSQL: with the embedded SQLite database, photos are analysed in the API process');
  }
  if (config.signingSecret !== null && config.signingSecret.length < 32)
    throw new Error('SIGNING_SECRET must have at least 32 characters');
  return config;
}

/** ALLOWED_ORIGINS: comma-separated origins such as `https://photos.example.com` (scheme, host and port only). */
function origins(raw: string | undefined): string[] {
  if (!raw) return [];
  return raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '')
    .map((origin) => {
      let url: URL;
      try {
        url = new URL(origin);
      } catch {
        throw new Error(`ALLOWED_ORIGINS: "${origin}" is not an origin such as https://photos.example.com`);
      }
      if (url.origin !== origin.replace(/\/+$/, '')) {
        throw new Error(`ALLOWED_ORIGINS: "${origin}" is not an origin (scheme, host and port only): ${url.origin}`);
      }
      return url.origin;
    });
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

function flag(env: NodeJS.ProcessEnv, name: string): boolean {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new Error(`${name} must be true or false, not "${raw}"`);
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, not "${raw}"`);
  return value;
}
