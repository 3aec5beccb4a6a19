import fs from 'node:fs';
import { Client, LocalAuth, type MessageMedia } from 'whatsapp-web.js';

/** Debian's Chromium, used when `PUPPETEER_EXECUTABLE_PATH` is not set. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** What the channel reads of a whatsapp-web.js message. */
export interface WebMessage {
  id: { _serialized: string };
  /** The chat it came from: `34600111222@c.us`, a group `…@g.us`, `status@broadcast`. */
  from: string;
  /** The sender inside a group. */
  author?: string;
  fromMe: boolean;
  isStatus: boolean;
  /** `chat` for text; `image`, `ptt`, `document`, `location`, `sticker`, … */
  type: string;
  body: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/**
 * The part of whatsapp-web.js's `Client` the channel uses, so tests replace it with a fake (an
 * EventEmitter with a spied `sendMessage`).
 */
export interface WebClient {
  on(event: 'qr', listener: (qr: string) => void): unknown;
  on(event: 'authenticated' | 'ready', listener: () => void): unknown;
  on(event: 'auth_failure' | 'disconnected', listener: (reason: string) => void): unknown;
  on(event: 'message', listener: (message: WebMessage) => void): unknown;
  removeAllListeners(): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  sendMessage(
    chatId: string,
    content: string | MessageMedia,
    options?: { sendMediaAsDocument?: boolean; linkPreview?: boolean },
  ): Promise<{ id: { _serialized: string } }>;
}

/** Builds a client for a session folder and a browser. */
export type WebClientFactory = (options: { sessionDir: string; browserPath: string }) => WebClient;

/**
 * The browser to drive: `PUPPETEER_EXECUTABLE_PATH`, else Debian's Chromium.
 * @throws naming both when neither exists.
 */
export function resolveBrowser(
  configured: string | undefined,
  exists: (path: string) => boolean = fs.existsSync,
): string {
  const candidate = configured ?? DEBIAN_CHROMIUM;
  if (exists(candidate)) return candidate;
  throw new Error(
    `WhatsApp Web channel: no browser at ${candidate}. Set PUPPETEER_EXECUTABLE_PATH to a Chromium or ` +
      `Chrome executable, or install Debian's chromium (${DEBIAN_CHROMIUM}); puppeteer's own download is skipped (.puppeteerrc.cjs)`,
  );
}

/** The real whatsapp-web.js client: headless Chromium, the session kept by LocalAuth in `sessionDir`. */
export const createWebClient: WebClientFactory = ({ sessionDir, browserPath }) => {
  const client = new Client({
    authStrategy: new LocalAuth({ dataPath: sessionDir }),
    puppeteer: {
      executablePath: browserPath,
      headless: true,
      // NOTE: Chromium refuses to start its sandbox as root (containers often run as root);
      // only then is it turned off. Running as a normal user keeps the sandbox.
      args:
        process.getuid?.() === 0 ? ['--no-sandbox', '--disable-dev-shm-usage'] : ['--disable-dev-shm-usage'],
    },
  });
  return {
    // NOTE: one implementation for the typed overloads of WebClient.on; whatsapp-web.js emits
    // each event with the arguments those overloads name.
    on: ((event: string, listener: (...args: unknown[]) => void) =>
      client.on(event, listener)) as WebClient['on'],
    removeAllListeners: () => client.removeAllListeners(),
    initialize: () => client.initialize(),
    destroy: () => client.destroy(),
    sendMessage: (chatId, content, options) => client.sendMessage(chatId, content, options),
  };
};
