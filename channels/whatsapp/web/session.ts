import { EventEmitter } from 'node:events';
import QRCode from 'qrcode';
import type { Logger } from '../../../bot/logger';
import { makePrivateTree } from '../../../bot/privateFiles';
import type { WebClient, WebClientFactory, WebMessage } from './client';

/** Where the WhatsApp Web connection is. */
export type WebSessionState =
  'starting' | 'qr' | 'authenticated' | 'ready' | 'authFailed' | 'disconnected' | 'stopped';

/** Cancels a scheduled reconnect. */
type Cancel = () => void;

export interface WebSessionOptions {
  createClient: WebClientFactory;
  sessionDir: string;
  logger: Logger;
  reconnectBaseMs: number;
  maxReconnectMs: number;
  /** Shows the login QR code to whoever runs the process (the terminal by default). */
  showQr?: (qr: string) => Promise<void>;
  /** Schedules a reconnect; tests run it by hand. */
  schedule?: (run: () => void, ms: number) => Cancel;
}

/** The QR code drawn with block characters, for a terminal. */
async function printQr(qr: string): Promise<void> {
  const drawing = await QRCode.toString(qr, { type: 'terminal', small: true });
  // NOTE: written to the terminal, not the log: a QR code is only useful as a drawing there.
  process.stdout.write(
    `\nScan this code with WhatsApp on the shop's phone (Linked devices → Link a device):\n${drawing}\n`,
  );
}

const defaultSchedule = (run: () => void, ms: number): Cancel => {
  const timer = setTimeout(run, ms);
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * One WhatsApp Web login driven by whatsapp-web.js: starts the client, shows the QR code until
 * the shop's phone links it, keeps the session folder private, and reconnects with backoff
 * (doubling up to a limit) whenever WhatsApp Web drops or cannot start. It never throws after
 * start: while WhatsApp Web is unreachable the rest of the bot keeps serving. Emits `message`.
 */
export class WebSession extends EventEmitter<{ message: [WebMessage] }> {
  private current: WebClient | undefined;
  private stateNow: WebSessionState = 'starting';
  private changedAt = Date.now();
  private failures = 0;
  private cancelReconnect: Cancel | undefined;
  private lastProblem: string | undefined;
  private browserPath = '';
  /** The QR code to scan while `state` is `qr` (for admins). */
  qr: string | undefined;

  constructor(private readonly options: WebSessionOptions) {
    super();
  }

  get state(): WebSessionState {
    return this.stateNow;
  }

  /** The client, when WhatsApp Web is ready to send. */
  get readyClient(): WebClient | undefined {
    return this.stateNow === 'ready' ? this.current : undefined;
  }

  /** What `/readyz` shows of the connection. */
  status(): { state: WebSessionState; since: string; problem?: string } {
    return {
      state: this.stateNow,
      since: new Date(this.changedAt).toISOString(),
      ...(this.lastProblem && this.stateNow !== 'ready' ? { problem: this.lastProblem } : {}),
    };
  }

  /** Makes the session folder private and connects, driving the browser at `browserPath`. */
  start(browserPath: string): void {
    this.browserPath = browserPath;
    this.privateSession();
    this.connect();
  }

  private to(state: WebSessionState): void {
    this.stateNow = state;
    this.changedAt = Date.now();
  }

  private privateSession(): void {
    try {
      makePrivateTree(this.options.sessionDir);
    } catch (error) {
      this.options.logger.error({ err: error }, 'WhatsApp Web session folder could not be made private');
    }
  }

  private connect(): void {
    const { logger } = this.options;
    this.to('starting');
    const client = this.options.createClient({
      sessionDir: this.options.sessionDir,
      browserPath: this.browserPath,
    });
    this.current = client;
    client.on('qr', (qr) => {
      this.qr = qr;
      this.to('qr');
      logger.warn('WhatsApp Web needs a login: scan the QR code (terminal, or the console as an admin)');
      (this.options.showQr ?? printQr)(qr).catch((error: unknown) =>
        logger.error({ err: error }, 'WhatsApp Web QR code could not be shown'),
      );
    });
    client.on('authenticated', () => {
      this.qr = undefined;
      this.to('authenticated');
      logger.info('WhatsApp Web authenticated');
      // LocalAuth has just written the session: it must not be readable by other users.
      this.privateSession();
    });
    client.on('ready', () => {
      this.failures = 0;
      this.lastProblem = undefined;
      this.to('ready');
      this.privateSession();
      logger.info('WhatsApp Web ready');
    });
    client.on('auth_failure', (message) => {
      this.to('authFailed');
      this.lastProblem = `authentication failed: ${message}`;
      logger.error({ reason: message }, 'WhatsApp Web authentication failed; a new QR code will be shown');
      this.lost(client, this.lastProblem, 'authFailed');
    });
    client.on('disconnected', (reason) => {
      logger.warn({ reason }, 'WhatsApp Web disconnected');
      this.lost(client, `disconnected: ${reason}`, 'disconnected');
    });
    client.on('message', (message) => {
      if (client === this.current) this.emit('message', message);
    });
    client.initialize().catch((error: unknown) => {
      logger.error({ err: error }, 'WhatsApp Web could not start');
      this.lost(client, `could not start: ${(error as Error).message}`, 'disconnected');
    });
  }

  /** Drops `client` and schedules a new one after a backoff. */
  private lost(client: WebClient, problem: string, state: WebSessionState): void {
    if (client !== this.current || this.stateNow === 'stopped') return;
    this.lastProblem = problem;
    this.to(state);
    this.current = undefined;
    client.removeAllListeners();
    client
      .destroy()
      .catch((error: unknown) =>
        this.options.logger.debug({ err: error }, 'WhatsApp Web client did not close cleanly'),
      );
    const delay = Math.min(this.options.reconnectBaseMs * 2 ** this.failures, this.options.maxReconnectMs);
    this.failures += 1;
    this.options.logger.info({ delayMs: delay, attempt: this.failures }, 'WhatsApp Web reconnecting');
    this.cancelReconnect = (this.options.schedule ?? defaultSchedule)(() => {
      this.cancelReconnect = undefined;
      if (this.stateNow !== 'stopped') this.connect();
    }, delay);
  }

  /** Stops reconnecting and closes the browser. */
  async stop(): Promise<void> {
    this.to('stopped');
    this.cancelReconnect?.();
    const client = this.current;
    this.current = undefined;
    if (!client) return;
    client.removeAllListeners();
    try {
      await client.destroy();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'WhatsApp Web client did not close cleanly');
    }
  }
}
