/**
 * The address of the client behind a request, for rate limits and the audit log. Behind a
 * reverse proxy or load balancer every request comes from the proxy, so limits keyed on the
 * socket address would count every customer and agent as one client; `X-Forwarded-For` says
 * who the proxy serves, but anyone can send that header, so it counts only when the request
 * comes from a proxy named in `TRUST_PROXY`.
 */
import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import proxyaddr from 'proxy-addr';

/** The client address of a request. */
export type ClientAddress = (req: IncomingMessage) => string;

/** Names proxy-addr accepts for whole ranges, besides addresses and CIDR ranges. */
export const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'] as const;

/** Whether `entry` can be a `TRUST_PROXY` entry: an IP address, a CIDR range or a range name. */
export function isProxyEntry(entry: string): boolean {
  try {
    proxyaddr.compile(entry);
    return true;
  } catch {
    return false;
  }
}

/** `203.0.113.7:51234` → `203.0.113.7`: some proxies (Azure Application Gateway) add the port. */
function withoutPort(address: string): string {
  return /^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(address) ? address.slice(0, address.lastIndexOf(':')) : address;
}

/**
 * Finds client addresses for a server behind the proxies in `trustedProxies` (addresses,
 * CIDR ranges, or {@link PROXY_RANGE_NAMES}; none by default). The answer is the socket's
 * peer, unless that peer is trusted: then `X-Forwarded-For` is walked from the right, past
 * trusted proxies, to the first address that is not one (so a client cannot forge its way
 * past the proxy by sending the header itself).
 * @throws TypeError from proxy-addr for an entry that is not an address or range (the
 *   configuration checks entries first with {@link isProxyEntry}).
 */
export function clientAddressOf(trustedProxies: readonly string[]): ClientAddress {
  const trust = proxyaddr.compile([...trustedProxies]);
  return (req) => {
    // A socket that closed already has no peer address; proxy-addr then answers undefined.
    const address = proxyaddr(req, trust) as string | undefined;
    return address ? withoutPort(address) : 'unknown';
  };
}

/**
 * The key a rate limit counts a client address under. NOTE: one IPv6 customer or attacker
 * usually holds a whole /64 (2^64 addresses), so IPv6 addresses count per /64; an IPv4-mapped
 * IPv6 address (`::ffff:203.0.113.7`) counts as its IPv4 address.
 */
export function rateLimitKey(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  const groups = address.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
