import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sniffImageType } from '../src/fetch/image-type.js';
import { fetchImage } from '../src/fetch/safe-fetch.js';
import type { FetchLimits } from '../src/fetch/source-error.js';
import { isPublicAddress, nonPublicRange, parseImageUrl } from '../src/fetch/url-policy.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe('address policy', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['224.0.0.1', 'multicast'],
    ['192.0.2.1', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['fc00::1', 'uniqueLocal'],
    ['fd00::1', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['2001:db8::1', 'reserved'],
    ['100::1', 'discard'],
    ['::ffff:127.0.0.1', 'ipv4Mapped of 127.0.0.1, loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped of 127.0.0.1, loopback'],
    ['::FFFF:10.0.0.1', 'ipv4Mapped of 10.0.0.1, private'],
    ['::ffff:0:a9fe:a9fe', 'rfc6145 of 169.254.169.254, linkLocal'],
    ['::7f00:1', 'outside global unicast'], // IPv4-compatible (deprecated): never routed, whatever it embeds
    ['::8.8.8.8', 'outside global unicast'], // ipaddr.js alone would read it as ::ffff:8.8.8.8
    ['::127.0.0.1', 'outside global unicast'],
    ['64:ff9b::7f00:1', 'rfc6052 of 127.0.0.1, loopback'],
    ['64:ff9b::192.168.0.1', 'rfc6052 of 192.168.0.1, private'],
    ['64:ff9b:1::a00:1', 'rfc6052'], // local-use NAT64 prefix: no fixed place for the IPv4 address
    ['2002:7f00:1::', '6to4 of 127.0.0.1, loopback'],
    ['2002:a9fe:a9fe::1', '6to4 of 169.254.169.254, linkLocal'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo of 127.0.0.1, loopback'], // client address stored inverted
    ['2001:0:a00:1:8000:63bf:f7f7:f7f7', 'teredo of 10.0.0.1, private'], // server address
    ['4000::1', 'outside global unicast'],
    ['0177.0.0.1', 'not an IP address'], // spellings other than plain decimal are left to the URL parser
    ['2130706433', 'not an IP address'],
    ['localhost', 'not an IP address'],
  ])('refuses %s (%s)', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
    '2001:0:4136:e378:8000:63bf:f7f7:f7f7', // Teredo between public addresses
  ])('accepts %s', (address) => {
    expect(nonPublicRange(address)).toBeNull();
    expect(isPublicAddress(address)).toBe(true);
  });

  it('parses http(s) URLs and refuses other schemes, credentials and literal private hosts', () => {
    expect(parseImageUrl('https://example.com/a.jpg', false).href).toBe('https://example.com/a.jpg');
    expect(() => parseImageUrl('file:///etc/passwd', false)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => parseImageUrl('not a url', false)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    expect(() => parseImageUrl('http://user:pw@example.com/a.jpg', false)).toThrow(
      expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    );
    expect(() => parseImageUrl('http://[::1]/a.jpg', false)).toThrow(expect.objectContaining({ code: 'FORBIDDEN_ADDRESS' }));
    expect(parseImageUrl('http://127.0.0.1/a.jpg', true).hostname).toBe('127.0.0.1');
  });

  it.each([
    'http://127.0.0.1/a.jpg',
    'http://127.1/a.jpg',
    'http://127.0.0.1./a.jpg',
    'http://2130706433/a.jpg', // decimal
    'http://017700000001/a.jpg', // octal
    'http://0177.0.0.1/a.jpg',
    'http://0x7f000001/a.jpg', // hex
    'http://0x7f.1/a.jpg',
    'http://0X7F.0.0.0X1/a.jpg',
    'http://0/a.jpg',
    'http://0.0.0.0:8080/a.jpg',
    'http://169.254.169.254/latest/meta-data/',
    'http://0xa9.0xfe.0xa9.0xfe/',
    'http://10.0.0.1/a.jpg',
    'http://192.168.0.1:8080/a.jpg',
    'http://100.64.0.1/a.jpg',
    'http://224.0.0.1/a.jpg',
    'http://255.255.255.255/a.jpg',
    'http://[::1]/a.jpg',
    'http://[0:0:0:0:0:0:0:1]:80/a.jpg',
    'http://[::]/a.jpg',
    'http://[::ffff:127.0.0.1]/a.jpg', // IPv4-mapped, dotted and hex
    'http://[::FFFF:7F00:1]/a.jpg',
    'http://[0:0:0:0:0:ffff:a00:1]/a.jpg',
    'http://[::ffff:0:127.0.0.1]/a.jpg', // IPv4-translated
    'http://[::127.0.0.1]/a.jpg', // IPv4-compatible
    'http://[::7f00:1]/a.jpg',
    'http://[64:ff9b::127.0.0.1]/a.jpg', // NAT64
    'http://[64:ff9b::a9fe:a9fe]/a.jpg',
    'http://[2002:7f00:1::]/a.jpg', // 6to4
    'http://[2002:c0a8:1::1]/a.jpg',
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/a.jpg', // Teredo
    'http://[fec0::1]/a.jpg', // site-local
    'http://[fd12:3456::1]/a.jpg', // unique-local
    'http://[fe80::1]/a.jpg', // link-local
    'http://[ff02::1]/a.jpg', // multicast
    'https://[2001:db8::1]/a.jpg', // documentation
  ])('refuses the host of %s before connecting', (url) => {
    expect(() => parseImageUrl(url, false)).toThrow(expect.objectContaining({ code: 'FORBIDDEN_ADDRESS' }));
    expect(() => parseImageUrl(url, true)).not.toThrow();
  });

  it('names the range and the embedded IPv4 address when it refuses', () => {
    expect(() => parseImageUrl('http://[2002:7f00:1::]/a.jpg', false)).toThrow(/\(6to4 of 127\.0\.0\.1, loopback\)/);
    expect(() => parseImageUrl('http://0x7f.1/a.jpg', false)).toThrow(/127\.0\.0\.1 \(loopback\)/);
  });

  it.each(['http://[fe80::1%25eth0]/a.jpg', 'http://[fe80::1%eth0]/a.jpg', 'http://[::ffff:127.0.0.1%251]/a.jpg'])(
    'refuses the zone id in %s as an invalid URL',
    (url) => expect(() => parseImageUrl(url, true)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' })),
  );

  it.each([
    ['http://8.8.8.8/a.jpg', '8.8.8.8'],
    ['http://134744072/a.jpg', '8.8.8.8'],
    ['http://0x8080808/a.jpg', '8.8.8.8'],
    ['http://[2606:4700:4700::1111]/a.jpg', '[2606:4700:4700::1111]'],
    ['http://[::ffff:8.8.8.8]/a.jpg', '[::ffff:808:808]'],
    ['http://[64:ff9b::8.8.8.8]/a.jpg', '[64:ff9b::808:808]'],
    ['http://[2002:808:808::1]/a.jpg', '[2002:808:808::1]'],
  ])('accepts the public host of %s', (url, hostname) => {
    expect(parseImageUrl(url, false).hostname).toBe(hostname);
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
      if (request.url === '/drip') {
        // Headers and the first bytes at once, then one byte every 50 ms: only the deadline can end it.
        response.writeHead(200, { 'content-type': 'image/png' }).write(PNG.subarray(0, 16));
        const drip = setInterval(() => response.write(Buffer.alloc(1)), 50);
        return response.on('close', () => clearInterval(drip));
      }
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

  it('cuts a download that drips past the deadline as LIMIT_EXCEEDED, not a network error', async () => {
    const started = performance.now();
    const download = fetchImage(`${base}/drip`, { ...limits, timeoutMs: 500 });
    await expect(download).rejects.toMatchObject({
      name: 'SourceError',
      code: 'LIMIT_EXCEEDED',
      message: `${base}/drip: took longer than 500 ms`,
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(490);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses a host name that resolves to loopback unless private addresses are allowed', async () => {
    const local = `${base.replace('127.0.0.1', 'localhost')}/png`;
    await expect(fetchImage(local, { ...limits, allowPrivateAddresses: false })).rejects.toMatchObject({
      code: 'FORBIDDEN_ADDRESS',
    });
  });
});
