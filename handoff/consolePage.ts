import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type restify from 'restify';
import type { Next, Request, Response } from 'restify';
import { projectRoot } from '../bot/paths';
import { HttpProblem, fail } from './consoleHttp';

/**
 * The agent console: the static files of `handoff/console/` (index.html, console.css, ES
 * modules, the console's own texts in `i18n/`), read once at start-up and served from memory.
 * They are not compiled: the same files serve from the sources (tsx) and from `dist/`.
 */

/** Where the page's files live, from the project root (tsc does not copy them to dist/). */
export const CONSOLE_DIR = path.join(projectRoot(), 'handoff', 'console');

/**
 * Browser modules the page takes from `node_modules` (served as they are installed, so they work
 * offline and their hashes go into the policy like the page's own): Chart.js's ES build, its
 * shared chunk, and the colour library it imports by its bare name.
 */
const VENDOR_FILES: { name: string; package: string; file: string }[] = [
  { name: 'vendor/chart.js/chart.js', package: 'chart.js', file: 'chart.js' },
  { name: 'vendor/chart.js/chunks/index.js', package: 'chart.js', file: 'chunks/index.js' },
  { name: 'vendor/kurkle-color/color.esm.js', package: '@kurkle/color', file: 'color.esm.js' },
];
/** The bare names the page's modules import, as the import map resolves them. */
const VENDOR_IMPORTS: Record<string, string> = {
  'chart.js': 'vendor/chart.js/chart.js',
  '@kurkle/color': 'vendor/kurkle-color/color.esm.js',
};

/** The URL the page's files are served under. */
const ASSETS = '/console/assets/';
const ENTRY = 'main.js';
const ENTRY_TAG = `<script type="module" src="${ASSETS}${ENTRY}"></script>`;
const STYLE_TAG = `<link rel="stylesheet" href="${ASSETS}console.css" />`;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
};

interface Asset {
  body: Buffer;
  contentType: string;
  /** `sha256-<base64>`, as integrity attributes and CSP hash sources spell it. */
  integrity: string;
}

interface ConsoleFiles {
  html: string;
  assets: Map<string, Asset>;
  policy: string;
}

const integrityOf = (body: Buffer | string): string =>
  `sha256-${createHash('sha256').update(body).digest('base64')}`;

/** The files a browser may fetch: the scripts and style beside index.html, and the texts. */
function readAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const add = (name: string): void => {
    const contentType = CONTENT_TYPES[path.extname(name)];
    if (!contentType) return;
    const body = fs.readFileSync(path.join(dir, name));
    assets.set(name, { body, contentType, integrity: integrityOf(body) });
  };
  for (const name of fs.readdirSync(dir).sort()) {
    // The JSON beside index.html is tsconfig.json, the type-checker's, not the page's.
    if (!name.endsWith('.json')) add(name);
  }
  for (const name of fs.readdirSync(path.join(dir, 'i18n')).sort()) {
    if (name.endsWith('.json')) add(`i18n/${name}`);
  }
  // @kurkle/color is Chart.js's dependency: looked up from Chart.js, wherever npm put it.
  const chartDir = path.dirname(require.resolve('chart.js'));
  for (const vendor of VENDOR_FILES) {
    // NOTE: both packages' main entries sit in their dist/ folder, beside the ES builds; their
    // exports do not offer package.json itself to resolve.
    const main = require.resolve(vendor.package, { paths: [chartDir] });
    const file = path.join(path.dirname(main), vendor.file);
    const body = fs.readFileSync(file);
    assets.set(vendor.name, { body, contentType: CONTENT_TYPES['.js'] ?? '', integrity: integrityOf(body) });
  }
  return assets;
}

/**
 * Reads the console's files and builds the page and its policy. The import map gives the
 * browser the hash of every module, so a module imported by another is checked as the entry
 * script is (Chromium ≥ 127, Firefox ≥ 138, Safari ≥ 18).
 */
export function loadConsoleFiles(dir: string = CONSOLE_DIR): ConsoleFiles {
  const assets = readAssets(dir);
  const template = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const scripts = [...assets].filter(([name]) => name.endsWith('.js'));
  const entry = assets.get(ENTRY);
  const style = assets.get('console.css');
  if (!entry || !style || !template.includes(ENTRY_TAG) || !template.includes(STYLE_TAG)) {
    throw new Error(
      `consolePage: ${dir} must hold ${ENTRY}, console.css and an index.html with ${ENTRY_TAG} and ${STYLE_TAG}`,
    );
  }
  const importMap = JSON.stringify({
    imports: Object.fromEntries(
      Object.entries(VENDOR_IMPORTS).map(([specifier, name]) => [specifier, ASSETS + name]),
    ),
    integrity: Object.fromEntries(scripts.map(([name, asset]) => [ASSETS + name, asset.integrity])),
  });
  const html = template
    .replace(
      STYLE_TAG,
      `<link rel="stylesheet" href="${ASSETS}console.css" integrity="${style.integrity}" />`,
    )
    .replace(
      ENTRY_TAG,
      `<script type="importmap">${importMap}</script>\n` +
        `<script type="module" src="${ASSETS}${ENTRY}" integrity="${entry.integrity}"></script>`,
    );
  // NOTE: only these scripts may run (by hash: the import map and each module), the page may
  // only talk to its own origin (fetch and the event socket), and no other site may frame it:
  // an agent's session reaches customer data.
  const policy = [
    "default-src 'none'",
    `script-src ${[integrityOf(importMap), ...scripts.map(([, asset]) => asset.integrity)].map((hash) => `'${hash}'`).join(' ')}`,
    "style-src 'self'",
    "connect-src 'self'",
    // data: for the link code an admin scans (an SVG the API draws).
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
  return { html, assets, policy };
}

/** Mounts `GET /console` and `GET /console/assets/*`, the console page over `mountConsoleApi`. */
export function mountConsolePage(server: restify.Server, files: ConsoleFiles = loadConsoleFiles()): void {
  const page = Buffer.from(files.html);
  server.get('/console', (_req: Request, res: Response, next: Next) => {
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': page.length,
      'Cache-Control': 'no-store',
      'Content-Security-Policy': files.policy,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
    });
    res.end(page);
    next();
  });
  server.get('/console/assets/*', (req: Request, res: Response, next: Next) => {
    const name = (req.params as Record<string, string | undefined>)['*'] ?? '';
    const asset = files.assets.get(name);
    if (!asset) {
      fail(res, new HttpProblem(404, 'NotFound', `GET /console/assets/: no console file ${name}`));
      next();
      return;
    }
    const etag = `"${asset.integrity}"`;
    const headers = {
      'Cache-Control': 'no-cache',
      ETag: etag,
      'X-Content-Type-Options': 'nosniff',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
    } else {
      res.writeHead(200, {
        ...headers,
        'Content-Type': asset.contentType,
        'Content-Length': asset.body.length,
      });
      res.end(asset.body);
    }
    next();
  });
}
