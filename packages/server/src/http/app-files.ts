import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { repoRoot } from '../paths.js';

/** The People app as `pnpm --filter @facegroup/web build` leaves it (Vite, base /app/). */
export const APP_DIST = resolve(repoRoot, 'packages', 'web', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/** Vite names everything under assets/ by a hash of its content: a name never changes what it holds. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const isAppPath = (path: string) => path === '/app' || path.startsWith('/app/');

/**
 * Serves the built app under /app: its files as they are, and index.html for any path without a file extension (the
 * app's own routes, e.g. /app/g/<id>/p/<id>), so that a reload or a shared link opens the same screen. Paths are
 * resolved within the build folder and nothing outside it is read. index.html is revalidated on every load, so a new
 * build shows at once; the hashed assets it names are cached for good.
 */
export async function serveApp(request: IncomingMessage, response: ServerResponse, path: string, dist = APP_DIST): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    return void response.end('the app is read with GET\n');
  }
  const index = resolve(dist, 'index.html');
  if (!(await isFile(index))) {
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    return void response.end(
      'The People app is not built: run `pnpm --filter @facegroup/web build` (or `bash scripts/setup.sh`), then reload.\n',
    );
  }
  let relative: string;
  try {
    relative = decodeURIComponent(path.slice('/app'.length));
  } catch {
    return notFound(response);
  }
  const file = resolve(dist, `.${relative.startsWith('/') ? relative : `/${relative}`}`);
  if (relative.includes('\0') || (file !== dist && !file.startsWith(dist + sep))) return notFound(response);

  if (extname(relative) === '') return sendFile(request, response, index, 'no-cache');
  if (!(await isFile(file))) return notFound(response);
  const inAssets = file.startsWith(resolve(dist, 'assets') + sep);
  // The build leaves a gzip copy beside each script and stylesheet: sent as is to browsers that take it.
  const gzipped = `${file}.gz`;
  const takesGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  const compressed = await isFile(gzipped);
  return sendFile(request, response, file, inAssets ? IMMUTABLE : 'no-cache', {
    body: compressed && takesGzip ? gzipped : file,
    vary: compressed,
  });
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Sends `file` (its type and name), reading the bytes from `body`: the file itself or its gzip copy. */
async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: string,
  cacheControl: string,
  { body = file, vary = false }: { body?: string; vary?: boolean } = {},
): Promise<void> {
  const info = await stat(body);
  const encoded = body !== file;
  const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}${encoded ? '-gz' : ''}"`;
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': cacheControl,
    etag,
    'x-content-type-options': 'nosniff',
  };
  if (encoded) headers['content-encoding'] = 'gzip';
  if (vary) headers.vary = 'accept-encoding';
  if (request.headers['if-none-match'] === etag) {
    response.writeHead(304, headers);
    return void response.end();
  }
  response.writeHead(200, { ...headers, 'content-length': String(info.size) });
  if (request.method === 'HEAD') return void response.end();
  await new Promise<void>((done, fail) => {
    createReadStream(body).on('error', fail).pipe(response).on('finish', done).on('close', done);
  });
}

function notFound(response: ServerResponse): void {
  response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  response.end('no such file in the app\n');
}
