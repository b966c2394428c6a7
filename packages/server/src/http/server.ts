import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { ServerConfig } from '../config.js';
import { AppError, internalError } from '../errors.js';
import { createLoaders } from '../graphql/loaders.js';
import type { Context } from '../graphql/resolvers.js';
import { log } from '../log.js';
import type { Services } from '../services/index.js';
import { isAppPath, serveApp } from './app-files.js';
import { IDE_ASSETS, idePage } from './ide.js';
import { signedRouteOf, UPLOAD, type SignedRoute } from './routes.js';
import { readUpload } from './uploads.js';

/**
 * The HTTP surface: GraphQL at /graphql and a multipart upload endpoint (POST /groups/<id>/uploads), both for the
 * owner of the request's API key; the GraphQL IDE for browsers at / and /graphql; and the pictures the API hands out
 * as signed URLs (face and photo thumbnails, contact sheets, the embedding map). Every request ends in a typed answer.
 */
export function createHttpServer(apollo: ApolloServer<Context>, services: Services, config: ServerConfig): Server {
  const server = createServer((request, response) => {
    // A client that goes away mid-request must not take the process with it.
    request.on('error', () => response.destroy());
    response.on('error', () => undefined);
    const requestId = requestIdOf(request);
    const started = performance.now();
    response.setHeader('x-request-id', requestId);
    response.on('finish', () => {
      const path = new URL(request.url ?? '/', 'http://localhost').pathname;
      const seconds = (performance.now() - started) / 1000;
      if (path === '/graphql') services.metrics.graphqlSeconds.observe({ status: String(response.statusCode) }, seconds);
      log.info('request', {
        requestId,
        method: request.method,
        path,
        status: response.statusCode,
        ms: Math.round(seconds * 10000) / 10,
      });
    });
    if (cors(request, response)) return;
    route(request, response).catch(async (error) => {
      if (response.headersSent) return response.destroy();
      // A body refused for its size is not read on; another refused body is, so that the client sees the answer.
      if (error instanceof AppError && error.code === 'LIMIT_EXCEEDED' && !request.complete)
        response.setHeader('connection', 'close');
      else await drainBody(request, response);
      if (error instanceof AppError)
        return sendJson(response, error.httpStatus, { error: { code: error.code, message: error.message } });
      const { message, errorId } = internalError(
        error,
        `${request.method} ${new URL(request.url ?? '/', 'http://localhost').pathname}`,
        requestId,
      );
      sendJson(response, 500, { error: { code: 'INTERNAL_SERVER_ERROR', message, errorId } });
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  return server;

  /**
   * CORS for the origins of ALLOWED_ORIGINS: their pages may call GraphQL and upload (with an API key in a header,
   * no cookies). Other origins get no CORS headers, so browsers keep their pages out. Answers preflights (true).
   */
  function cors(request: IncomingMessage, response: ServerResponse): boolean {
    const origin = request.headers.origin;
    const allowed = origin !== undefined && config.allowedOrigins.includes(origin);
    if (config.allowedOrigins.length > 0) response.setHeader('vary', 'Origin');
    if (allowed) {
      response.setHeader('access-control-allow-origin', origin);
      response.setHeader('access-control-expose-headers', 'x-request-id');
    }
    if (request.method !== 'OPTIONS') return false;
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/graphql' && !UPLOAD.test(path)) return false;
    if (allowed) {
      response.setHeader('access-control-allow-methods', path === '/graphql' ? 'GET, POST, OPTIONS' : 'POST, OPTIONS');
      response.setHeader('access-control-allow-headers', 'authorization, content-type, x-request-id');
      response.setHeader('access-control-max-age', '600');
    }
    response.writeHead(204, { allow: path === '/graphql' ? 'GET, POST, OPTIONS' : 'POST, OPTIONS' });
    response.end();
    return true;
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if ((path === '/' || path === '/graphql') && wantsHtml && !url.searchParams.has('query')) {
      return send(response, 200, 'text/html; charset=utf-8', idePage('/graphql'));
    }
    if (path === '/graphql') return graphql(request, response, url);
    if (path === '/healthz' && request.method === 'GET') return sendJson(response, 200, { status: 'ok' });
    if (path === '/readyz' && request.method === 'GET') {
      const checks = await services.health.ready();
      return sendJson(response, checks.database && checks.models ? 200 : 503, checks);
    }
    if (path === '/metrics' && request.method === 'GET') {
      return send(response, 200, services.metrics.registry.contentType, await services.metrics.registry.metrics());
    }
    if (path === '/' && request.method === 'GET') return sendJson(response, 200, { graphql: '/graphql' });
    if (isAppPath(path)) return serveApp(request, response, path);
    if (path.startsWith('/ide/') && Object.hasOwn(IDE_ASSETS, path.slice(5))) {
      const asset = IDE_ASSETS[path.slice(5)];
      response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' });
      createReadStream(asset.file).pipe(response);
      return;
    }
    const signed = request.method === 'GET' ? signedRouteOf(path) : null;
    if (signed) {
      const secondsLeft = services.signer.verify(path, url.searchParams);
      if (secondsLeft === null)
        throw new AppError('FORBIDDEN', 'this picture URL is not signed or has expired: ask the API for a new one');
      return sendImage(response, await picture(signed, url), secondsLeft);
    }
    const upload = UPLOAD.exec(path);
    if (upload && request.method === 'POST') {
      const owner = await services.auth.ownerOf(request.headers.authorization);
      await services.queries.group(owner, upload[1]);
      await services.ingest.admit(owner);
      const { files, user } = await readUpload(request, config.maxUploadBytes, config.maxImagesPerRequest);
      const job = await services.ingest.addUploads(owner, upload[1], files, user);
      return sendJson(response, 202, { job: { id: job.id, status: job.status } });
    }
    sendJson(response, 404, { error: { code: 'NOT_FOUND', message: 'no such route' } });
  }

  async function picture(route: SignedRoute, url: URL): Promise<ServedImage> {
    switch (route.kind) {
      case 'face':
        return {
          bytes: await services.thumbnails.face(route.groupId, route.faceId, route.scale),
          contentType: 'image/jpeg',
          cacheable: true,
        };
      case 'image':
        return {
          bytes: await services.thumbnails.image(route.groupId, route.imageId),
          contentType: 'image/jpeg',
          cacheable: true,
        };
      case 'viewer':
        return {
          bytes: await services.thumbnails.viewer(route.groupId, route.imageId),
          contentType: 'image/jpeg',
          cacheable: true,
        };
      case 'original':
        return { ...(await services.thumbnails.original(route.groupId, route.imageId)), cacheable: true };
      case 'picture': {
        const { bytes, contentType, version } = await services.pictures.render(route.groupId, route.picture);
        // An outdated version is drawn anew each time: only the current one may be cached.
        return { bytes, contentType, cacheable: url.searchParams.get('v') === version };
      }
    }
  }

  async function graphql(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (Number(request.headers['content-length'] ?? 0) > config.maxRequestBytes) throw bodyTooLarge(config.maxRequestBytes);
    let owner: string;
    try {
      owner = await services.auth.ownerOf(request.headers.authorization);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return sendJson(response, error.httpStatus, { errors: [{ message: error.message, extensions: { code: error.code } }] });
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const body = await readJson(request, config.maxRequestBytes);
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body },
      context: async () => ({
        services,
        owner,
        baseUrl: baseUrl(request, config),
        loaders: createLoaders(services.queries.read),
        pictureGroups: new Map(),
      }),
    });
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
  }
}

/**
 * Where the client reached this API (HTTP or WebSocket): PUBLIC_URL, else the proxy's X-Forwarded-* (TRUST_PROXY),
 * else Host.
 */
export function baseUrl(request: IncomingMessage, config: ServerConfig): string {
  if (config.publicUrl) return config.publicUrl;
  const forwarded = (name: string) => {
    const value = config.trustProxy ? request.headers[name] : undefined;
    // The first proxy's, of a list the proxies added to.
    return (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim();
  };
  const forwardedHost = forwarded('x-forwarded-host');
  const host = forwardedHost && HOST.test(forwardedHost) ? forwardedHost : request.headers.host;
  const scheme = forwarded('x-forwarded-proto') === 'https' ? 'https' : 'http';
  return `${scheme}://${host ?? `localhost:${config.port}`}`;
}

/** A host name or address with an optional port: what a forwarded host may be, so no URL is built from junk. */
const HOST = /^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** Refused bodies are read and dropped up to this size, so the client sees the answer and can reuse the connection. */
const DRAIN_BYTES = 8 * 1024 * 1024;
const DRAIN_MS = 2000;

/**
 * Reads what is left of a refused request's body and drops it, so that a client still sending gets the answer
 * rather than a broken pipe. A body announced or found larger than DRAIN_BYTES, or still coming after DRAIN_MS, is
 * not read: the connection closes after the answer instead.
 */
function drainBody(request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (request.complete) return Promise.resolve();
  if (Number(request.headers['content-length'] ?? 0) > DRAIN_BYTES) {
    response.setHeader('connection', 'close');
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    let read = 0;
    const done = () => {
      clearTimeout(timer);
      request.off('data', count);
      resolve();
    };
    const stop = () => {
      response.setHeader('connection', 'close');
      request.pause();
      done();
    };
    const count = (chunk: Buffer) => {
      read += chunk.length;
      if (read > DRAIN_BYTES) stop();
    };
    const timer = setTimeout(stop, DRAIN_MS);
    request.on('data', count);
    request.once('end', done);
    request.once('error', done);
    request.resume();
  });
}

/** The caller's `x-request-id` when it is a sane token (a proxy's), else a new one. */
function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.:-]{1,64}$/.test(given) ? given : randomUUID();
}

const bodyTooLarge = (maxBytes: number) =>
  new AppError('LIMIT_EXCEEDED', `the request body is larger than the limit of ${maxBytes} bytes`);

/** The JSON body of a POST, read up to the limit: a larger body is refused as soon as it passes the limit. */
async function readJson(request: IncomingMessage, maxBytes: number): Promise<unknown> {
  if (request.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw bodyTooLarge(maxBytes);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(request.headers['content-type'] ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('BAD_USER_INPUT', 'the request body is not valid JSON');
  }
}

function send(
  response: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': type, ...headers });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));

interface ServedImage {
  bytes: Buffer;
  contentType: string;
  /** Thumbnails (whose pixels never change) and a picture's current version; not an outdated version. */
  cacheable: boolean;
}

/** Pictures are private to their URL and may be cached while it is valid. */
function sendImage(response: ServerResponse, image: ServedImage, secondsLeft: number) {
  const cacheControl = image.cacheable ? `private, max-age=${secondsLeft}, immutable` : 'no-cache';
  send(response, 200, image.contentType, image.bytes, { 'cache-control': cacheControl });
}
