/**
 * The service URLs the Bot Framework channel may send to when it runs without a Microsoft App
 * ID. Without an app id nobody vouches for an activity's `serviceUrl`, so whoever reaches
 * `/api/messages` could otherwise make the server POST to any address (request forgery).
 *
 * A pattern is `scheme://host[:port][/path]`: the host may start with `*.` (any subdomain), the
 * port may be `*` (any port; without a port only the scheme's default port), and a path ending
 * in `*` allows every path starting with it; a path without `*` allows itself and what is below
 * it as a folder (`/bf` allows `/bf/v3/…`, not `/bfx`); without a path, every path is allowed.
 */

/** What the Bot Framework Emulator uses: loopback on any port. */
export const DEFAULT_SERVICE_URL_PATTERNS = ['http://localhost:*', 'http://127.0.0.1:*'];

/** One parsed allow-list entry. */
export interface ServiceUrlPattern {
  protocol: 'http:' | 'https:';
  /** Lower-case host, without a leading `*.` when {@link anySubdomain}. */
  host: string;
  anySubdomain: boolean;
  /** `*` for any port; otherwise the port as `URL.port` shows it ('' for the default). */
  port: string;
  /** Path prefix the URL's path must start with; '' allows any. */
  pathPrefix: string;
  /** Without a trailing `*`, the path is matched whole or as a parent folder, never mid-segment. */
  segmentBoundary: boolean;
}

const PATTERN = /^(https?):\/\/(\*\.)?([a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(\d{1,5}|\*))?(\/[^?#]*)?$/i;

/** Parses one pattern; undefined when it is not of the documented form. */
export function parseServiceUrlPattern(text: string): ServiceUrlPattern | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const [, scheme = '', wildcard, host = '', port, path] = match;
  if (port !== undefined && port !== '*' && Number(port) > 65535) return undefined;
  // `https://*.com` would allow every host of a top-level domain.
  if (wildcard !== undefined && !host.includes('.')) return undefined;
  const protocol = `${scheme.toLowerCase()}:` as ServiceUrlPattern['protocol'];
  const defaultPort = protocol === 'https:' ? '443' : '80';
  let pathPrefix = path ?? '';
  let segmentBoundary = false;
  if (pathPrefix === '/' || pathPrefix === '/*') pathPrefix = '';
  else if (pathPrefix.endsWith('*')) pathPrefix = pathPrefix.slice(0, -1);
  else segmentBoundary = true;
  return {
    protocol,
    host: host.toLowerCase(),
    anySubdomain: wildcard !== undefined,
    port: port === undefined || port === defaultPort ? '' : port,
    pathPrefix,
    segmentBoundary,
  };
}

function pathAllowed(pathname: string, pattern: ServiceUrlPattern): boolean {
  if (!pattern.segmentBoundary) return pathname.startsWith(pattern.pathPrefix);
  const folder = pattern.pathPrefix.endsWith('/') ? pattern.pathPrefix : `${pattern.pathPrefix}/`;
  return pathname === pattern.pathPrefix || pathname.startsWith(folder);
}

/** Whether `serviceUrl` is an http(s) URL that one of `patterns` allows. */
export function isServiceUrlAllowed(serviceUrl: string, patterns: readonly ServiceUrlPattern[]): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  // NOTE: credentials in a URL (`http://localhost:1@evil.example`) change where it goes in
  // some clients' eyes; such a service URL is never legitimate, so refuse it outright.
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  return patterns.some(
    (pattern) =>
      pattern.protocol === url.protocol &&
      (pattern.anySubdomain ? host.endsWith(`.${pattern.host}`) : host === pattern.host) &&
      (pattern.port === '*' || pattern.port === url.port) &&
      pathAllowed(url.pathname, pattern),
  );
}
