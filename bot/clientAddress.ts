/**
 * The address of the client behind a request, for rate limits and the audit log. Behind a
 * reverse proxy or load balancer every request comes from the proxy, so limits keyed on the
 * socket address would count every customer and agent as one client; `X-Forwarded-For` says
 * who the proxy serves, but anyone can send that header, so it counts only when the request
 * comes from a proxy named in `TRUST_PROXY`.
 */
import type { IncomingMessage } from 'node:http';
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
