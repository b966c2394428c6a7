import { BlockList, isIP } from 'node:net';
import { SourceError } from './source-error.js';

const badInput = (message: string) => new SourceError('BAD_USER_INPUT', message);

/** Loopback, link-local, private and other non-public ranges: a fetch there would reach into the server's network. */
const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  nonPublic.addSubnet(net, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !nonPublic.check(address, 'ipv4');
  if (family !== 6) return false;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return mapped ? isPublicAddress(mapped[1]) : !nonPublic.check(address, 'ipv6');
}

export function forbiddenAddress(url: URL, address: string): SourceError {
  return new SourceError('FORBIDDEN_ADDRESS', `${url.host} resolves to ${address}, a loopback, link-local or private address`);
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
