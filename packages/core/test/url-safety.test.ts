import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffImageType } from '../src/fetch/image-type.js';
import { fetchImage } from '../src/fetch/safe-fetch.js';
import type { FetchLimits } from '../src/fetch/source-error.js';
import { isPublicAddress, parseImageUrl } from '../src/fetch/url-policy.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('address policy', () => {
  it.each(['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1'])(
    'refuses %s',
    (address) => expect(isPublicAddress(address)).toBe(false),
  );
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('accepts %s', (address) => expect(isPublicAddress(address)).toBe(true));

  it('parses http(s) URLs and refuses other schemes, credentials and literal private hosts', () => {
    expect(parseImageUrl('https://example.com/a.jpg', false).href).toBe('https://example.com/a.jpg');
    expect(() => parseImageUrl('file:///etc/passwd', false)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => parseImageUrl('not a url', false)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => parseImageUrl('http://user:pw@example.com/a.jpg', false)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => parseImageUrl('http://[::1]/a.jpg', false)).toThrow(expect.objectContaining({ code: 'FORBIDDEN_ADDRESS' }));
    expect(parseImageUrl('http://127.0.0.1/a.jpg', true).hostname).toBe('127.0.0.1');
  });
});

describe('fetchImage', () => {
  let server: Server;
  let base: string;
  const limits: FetchLimits = { timeoutMs: 2000, maxBytes: 10_000, maxRedirects: 2, allowPrivateAddresses: true };

  beforeAll(async () => {
    server = createServer((request, response) => {
      const hops = /^\/hop\/(\d+)$/.exec(request.url ?? '');
      if (hops) return response.writeHead(302, { location: Number(hops[1]) > 0 ? `/hop/${Number(hops[1]) - 1}` : '/png' }).end();
      if (request.url === '/png') return response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
      if (request.url === '/big') return response.writeHead(200).end(Buffer.concat([PNG, Buffer.alloc(20_000)]));
      if (request.url === '/html') return response.writeHead(200, { 'content-type': 'image/png' }).end('<html></html>');
      if (request.url === '/slow') return setTimeout(() => response.end(PNG), 5000);
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it('downloads an image through allowed redirects', async () => {
    expect(sniffImageType(await fetchImage(`${base}/hop/1`, limits))).toBe('png');
  });

  it.each([
    ['/hop/5', 'LIMIT_EXCEEDED'],
    ['/big', 'LIMIT_EXCEEDED'],
    ['/slow', 'LIMIT_EXCEEDED'],
    ['/html', 'UNSUPPORTED_IMAGE'],
    ['/missing', 'BAD_USER_INPUT'],
  ])('refuses %s with %s', async (path, code) => {
    await expect(fetchImage(`${base}${path}`, limits)).rejects.toMatchObject({ code });
  });

  it('refuses a host name that resolves to loopback unless private addresses are allowed', async () => {
    const local = `${base.replace('127.0.0.1', 'localhost')}/png`;
    await expect(fetchImage(local, { ...limits, allowPrivateAddresses: false })).rejects.toMatchObject({ code: 'FORBIDDEN_ADDRESS' });
  });
});
