import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { SourceError } from './source-error.js';

const badInput = (message: string) => new SourceError('BAD_USER_INPUT', message);

const ipv4 = (high: number, low: number) => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

/**
 * IPv6 ranges (as ipaddr.js names them) that lead to an IPv4 host, and the IPv4 addresses they carry: such an
 * address is as public as those. null: no IPv4 address can be read from it.
 */
const EMBEDDED_IPV4: Record<string, (p: number[]) => ipaddr.IPv4[] | null> = {
  ipv4Mapped: (p) => [ipv4(p[6], p[7])], // ::ffff:a.b.c.d
  rfc6145: (p) => [ipv4(p[6], p[7])], // ::ffff:0:a.b.c.d (IPv4-translated)
  // NAT64 64:ff9b::a.b.c.d; the local-use 64:ff9b:1::/48 has no fixed place for it
  rfc6052: (p) => (p[2] === 0 ? [ipv4(p[6], p[7])] : null),
  '6to4': (p) => [ipv4(p[1], p[2])], // 2002:aabb:ccdd::/48
  teredo: (p) => [ipv4(p[2], p[3]), ipv4(p[6] ^ 0xffff, p[7] ^ 0xffff)], // 2001:0:<server>:…:<client, inverted>
};

/** IANA's global unicast space: the rest of what ipaddr.js calls unicast (IPv4-compatible ::a.b.c.d…) is unrouted. */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3');

/**
 * Why an address is not public (its range: loopback, private, linkLocal, uniqueLocal, multicast, reserved, …, or
 * the embedded IPv4 address that makes it so), or null for a public unicast address. Only plain addresses are
 * read (no octal, hex or shortened IPv4: URLs and DNS answers come normalised).
 */
export function nonPublicRange(address: string): string | null {
  const family = isIP(address);
  if (!family) return 'not an IP address';
  if (family === 4) {
    const range = ipaddr.IPv4.parse(address).range();
    return range === 'unicast' ? null : range;
  }
  const v6 = ipaddr.IPv6.parse(hexOnly(address));
  const range: string = v6.range();
  const embedded = EMBEDDED_IPV4[range];
  if (embedded) {
    const inner = embedded(v6.parts);
    if (!inner) return range;
    for (const address of inner) {
      const innerRange = nonPublicRange(address.toString());
      if (innerRange) return `${range} of ${address}, ${innerRange}`;
    }
    return null;
  }
  if (range !== 'unicast') return range;
  return v6.match(GLOBAL_UNICAST) ? null : 'outside global unicast';
}

/**
 * IPv6 text in hex groups alone, as URLs hold it, without a zone index (it names an interface, not a range):
 * ipaddr.js would read the IPv4-compatible ::a.b.c.d as the IPv4-mapped ::ffff:a.b.c.d.
 */
const hexOnly = (address: string) => new URL(`http://[${address.split('%')[0]}]`).hostname.slice(1, -1);

export function isPublicAddress(address: string): boolean {
  return nonPublicRange(address) === null;
}

export function forbiddenAddress(url: URL, address: string): SourceError {
  const range = nonPublicRange(address);
  return new SourceError('FORBIDDEN_ADDRESS', `${url.host} resolves to ${address} (${range}), not a public address`);
}

/**
 * Parses an http(s) URL; a host written as a non-public IP is refused at once (host names are checked again on
 * every connection, after DNS, so a name cannot point inside later either).
 */
export function parseImageUrl(raw: string, allowPrivateAddresses: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw badInput(`invalid URL "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw badInput(`invalid URL "${raw}": only http and https are supported`);
  }
  if (url.username || url.password) throw badInput(`invalid URL "${raw}": credentials in URLs are not accepted`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivateAddresses && isIP(host) && !isPublicAddress(host)) throw forbiddenAddress(url, host);
  return url;
}
