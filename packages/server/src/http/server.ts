import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { ServerConfig } from '../config.js';
import { AppError } from '../errors.js';
import type { Context } from '../graphql/resolvers.js';
import type { Services } from '../services/index.js';
import type { Picture, RenderedPicture } from '../services/picture.service.js';
import { IDE_ASSETS, idePage } from './ide.js';
import { readUpload } from './uploads.js';

const ID = '[0-9a-f-]{36}';
const FACE_THUMBNAIL = new RegExp(`^/thumbnails/faces/(${ID})\\.jpg$`);
const IMAGE_THUMBNAIL = new RegExp(`^/thumbnails/images/(${ID})\\.jpg$`);
const UPLOAD = new RegExp(`^/groups/(${ID})/uploads$`);
const GROUP_SHEET = new RegExp(`^/groups/(${ID})/sheets/(overview|unassigned)\\.jpg$`);
const PERSON_SHEET = new RegExp(`^/groups/(${ID})/persons/(${ID})/sheet\\.jpg$`);
const EMBEDDING_MAP = new RegExp(`^/groups/(${ID})/map\\.(png|svg)$`);

/** Where a picture is served; the routes below read these paths back. */
export function picturePath(groupId: string, picture: Picture): string {
  switch (picture.kind) {
    case 'overview':
    case 'unassigned':
      return `/groups/${groupId}/sheets/${picture.kind}.jpg`;
    case 'person':
      return `/groups/${groupId}/persons/${picture.personId}/sheet.jpg`;
    case 'map':
      return `/groups/${groupId}/map.${picture.format}`;
  }
}

/**
 * The HTTP surface: GraphQL at /graphql, the GraphQL IDE for browsers at / and /graphql, face and photo
 * thumbnails, a group's contact sheets and embedding map (see picturePath), and a multipart upload endpoint
 * (POST /groups/<id>/uploads) that answers with the ingest job.
 */
export function createHttpServer(apollo: ApolloServer<Context>, services: Services, config: ServerConfig): Server {
  return createServer((request, response) => {
    route(request, response).catch((error) => {
      const known = error instanceof AppError;
      if (!known) console.error(`[facegroup] ${request.method} ${request.url}: ${(error as Error).stack ?? error}`);
      sendJson(response, known ? error.httpStatus : 500, {
        error: { code: known ? error.code : 'INTERNAL_SERVER_ERROR', message: known ? error.message : 'internal error' },
      });
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const wantsHtml = request.method === 'GET' && (request.headers.accept ?? '').includes('text/html');
    if ((path === '/' || path === '/graphql') && wantsHtml && !url.searchParams.has('query')) {
      return send(response, 200, 'text/html; charset=utf-8', idePage('/graphql'));
    }
    if (path === '/graphql') return graphql(request, response, url);
    if (path === '/' && request.method === 'GET') return sendJson(response, 200, { graphql: '/graphql' });
    if (path.startsWith('/ide/') && IDE_ASSETS[path.slice(5)]) {
      const asset = IDE_ASSETS[path.slice(5)];
      response.writeHead(200, { 'content-type': asset.type, 'cache-control': 'public, max-age=86400' });
      createReadStream(asset.file).pipe(response);
      return;
    }
    const face = FACE_THUMBNAIL.exec(path);
    if (face && request.method === 'GET') return sendJpeg(response, await services.thumbnails.face(face[1]));
    const image = IMAGE_THUMBNAIL.exec(path);
    if (image && request.method === 'GET') return sendJpeg(response, await services.thumbnails.image(image[1]));
    const picture = request.method === 'GET' ? pictureOf(path) : null;
    if (picture) return sendPicture(response, await services.pictures.render(picture.groupId, picture), url.searchParams.get('v'));
    const upload = UPLOAD.exec(path);
    if (upload && request.method === 'POST') {
      await services.queries.group(upload[1]);
      const { files, user } = await readUpload(request, config.maxUploadBytes, config.maxImagesPerRequest);
      const job = await services.ingest.addUploads(upload[1], files, user);
      return sendJson(response, 202, { job: { id: job.id, status: job.status } });
    }
    sendJson(response, 404, { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${path}` } });
  }

  async function graphql(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(request.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: request.method ?? 'GET', headers, search: url.search, body: await readJson(request) },
      context: async () => ({ services, baseUrl: baseUrl(request), progress: new Map(), pictureGroups: new Map() }),
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

  function baseUrl(request: IncomingMessage): string {
    return config.publicUrl ?? `http://${request.headers.host ?? `localhost:${config.port}`}`;
  }
}

function pictureOf(path: string): (Picture & { groupId: string }) | null {
  const group = GROUP_SHEET.exec(path);
  if (group) return { groupId: group[1], kind: group[2] as 'overview' | 'unassigned' };
  const person = PERSON_SHEET.exec(path);
  if (person) return { groupId: person[1], kind: 'person', personId: person[2] };
  const map = EMBEDDING_MAP.exec(path);
  if (map) return { groupId: map[1], kind: 'map', format: map[2] as 'png' | 'svg' };
  return null;
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  if (request.method !== 'POST') return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!(request.headers['content-type'] ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('BAD_USER_INPUT', 'the request body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, type: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': type });
  response.end(body);
}

const sendJson = (response: ServerResponse, status: number, body: unknown) =>
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));

/** Cached for good under its current version; an unversioned or outdated URL is checked again each time. */
const sendPicture = (response: ServerResponse, picture: RenderedPicture, requestedVersion: string | null) => {
  const cacheControl = requestedVersion === picture.version ? 'public, max-age=31536000, immutable' : 'no-cache';
  response.writeHead(200, { 'content-type': picture.contentType, 'cache-control': cacheControl });
  response.end(picture.bytes);
};

const sendJpeg = (response: ServerResponse, bytes: Buffer) => {
  response.writeHead(200, { 'content-type': 'image/jpeg', 'cache-control': 'public, max-age=31536000, immutable' });
  response.end(bytes);
};
