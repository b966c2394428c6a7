import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { sniffImageType } from './image-type.js';
import { SourceError, type FetchLimits } from './source-error.js';
import { forbiddenAddress, isPublicAddress, parseImageUrl } from './url-policy.js';

/**
 * Downloads a photo: http(s) only, at most `maxRedirects` redirects (each one checked like the first URL), the
 * whole download within `timeoutMs`, at most `maxBytes`, and the bytes must be an image. Connections go only to
 * public addresses unless allowed: the check runs on the resolved address, so DNS cannot route around it.
 */
export async function fetchImage(rawUrl: string, limits: FetchLimits): Promise<Buffer> {
  const deadline = AbortSignal.timeout(limits.timeoutMs);
  let url = parseImageUrl(rawUrl, limits.allowPrivateAddresses);
  for (let redirects = 0; ; redirects++) {
    const response = await get(url, limits, deadline);
    const location = response.headers.location;
    if (response.statusCode && response.statusCode >= 300 && response.statusCode < 400 && location) {
      response.resume();
      if (redirects >= limits.maxRedirects) {
        throw new SourceError('LIMIT_EXCEEDED', `${rawUrl}: more than ${limits.maxRedirects} redirects`);
      }
      url = parseImageUrl(new URL(location, url).href, limits.allowPrivateAddresses);
      continue;
    }
    if (response.statusCode !== 200) {
      response.resume();
      throw new SourceError('BAD_USER_INPUT', `${rawUrl}: HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim());
    }
    const bytes = await readBody(response, rawUrl, limits.maxBytes).catch((error) => {
      throw describeNetworkError(url, error, limits, deadline);
    });
    if (!sniffImageType(bytes)) {
      const type = response.headers['content-type'] ?? 'no content type';
      throw new SourceError('UNSUPPORTED_IMAGE', `${rawUrl}: not a supported image (${type})`);
    }
    return bytes;
  }
}

function get(url: URL, limits: FetchLimits, signal: AbortSignal): Promise<http.IncomingMessage> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.get(url, { lookup: checkedLookup(url, limits.allowPrivateAddresses), signal }, resolve);
    request.on('error', (error) => reject(describeNetworkError(url, error, limits, signal)));
  });
}

function checkedLookup(url: URL, allowPrivate: boolean): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const list = addresses as unknown as LookupAddress[];
      const refused = allowPrivate ? undefined : list.find((a) => !isPublicAddress(a.address));
      if (refused) return callback(forbiddenAddress(url, refused.address) as unknown as NodeJS.ErrnoException, '', 0);
      if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      callback(null, list[0].address, list[0].family);
    });
  };
}

async function readBody(response: http.IncomingMessage, url: string, maxBytes: number): Promise<Buffer> {
  const tooLarge = () => new SourceError('LIMIT_EXCEEDED', `${url}: larger than the limit of ${maxBytes} bytes`);
  if (Number(response.headers['content-length'] ?? 0) > maxBytes) {
    response.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) {
      response.destroy();
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A cut by the deadline surfaces as whatever the socket saw (AbortError, or "aborted" mid-body): the signal tells. */
function describeNetworkError(url: URL, error: Error, limits: FetchLimits, deadline: AbortSignal): Error {
  if (error instanceof SourceError) return error;
  if (deadline.aborted) return new SourceError('LIMIT_EXCEEDED', `${url.href}: took longer than ${limits.timeoutMs} ms`);
  return new SourceError('BAD_USER_INPUT', `${url.href}: ${error.message}`);
}
