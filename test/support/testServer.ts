import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import type { Activity } from 'botbuilder';
import { parseConfig, type Config } from '../../bot/config';
import { silentLogger } from '../../bot/logger';
import { makeServer, type ServerDeps, type SwitchboardServer } from '../../bot/server';
import type { WebChannel } from '../../channels/web';
import { openSharedDeps } from '../../bot/sharedDeps';

/** A Switchboard server on an ephemeral loopback port, with its data in a temporary folder. */
export interface RunningServer {
  app: SwitchboardServer;
  url: string;
  dataDir: string;
  config: Config;
}

/** The server's web channel (Direct Line), which is always on. */
export function webOf(app: SwitchboardServer): WebChannel {
  const web = app.channels.find((channel) => channel.name === 'web');
  if (!web) throw new Error('webOf(): the server has no web channel');
  return web as WebChannel;
}

/**
 * A free loopback port, for a server whose PUBLIC_URL (the links the bot sends, and that the
 * Telegram and WhatsApp adapters fetch back) must name its port before it listens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Makes a temporary DATA_DIR that the caller removes with {@link removeDataDir}. */
export function makeDataDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-e2e-'));
}

export function removeDataDir(dataDir: string): void {
  fs.rmSync(dataDir, { recursive: true, force: true });
}

/** Builds and starts a server; `env` overrides the defaults (SQLite in a fresh DATA_DIR). */
export async function startServer(
  env: Record<string, string> = {},
  deps: Partial<Omit<ServerDeps, 'config'>> = {},
): Promise<RunningServer> {
  const dataDir = env.DATA_DIR ?? makeDataDir();
  const config = parseConfig({ LOG_LEVEL: 'silent', ...env, DATA_DIR: dataDir });
  // As `start()` does: with STORAGE=postgres the state store and secrets come from the database.
  const shared = await openSharedDeps(config);
  const app = makeServer({ config, logger: silentLogger(), ...shared, ...deps });
  const url = await app.listen(0, '127.0.0.1');
  return { app, url, dataDir, config };
}

/** Sends one activity to `/api/messages`; returns the status and parsed JSON body (if any). */
export async function postActivity(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${url}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
}

/** A customer message in the shape the Bot Framework channel sends, asking for the replies inline. */
export function customerMessage(
  conversationId: string,
  text: string,
  extra: Partial<Activity> = {},
): Partial<Activity> {
  return {
    type: 'message',
    id: `m-${Math.random().toString(36).slice(2)}`,
    text,
    channelId: 'test',
    serviceUrl: 'http://127.0.0.1:1',
    conversation: { id: conversationId } as Activity['conversation'],
    from: { id: `user-${conversationId}`, name: 'Customer' },
    recipient: { id: 'switchboard', name: 'Switchboard' },
    locale: 'en-US',
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

/** Sends a customer message and returns the texts of the bot's replies. */
export async function say(
  url: string,
  conversationId: string,
  text: string,
  extra: Partial<Activity> = {},
): Promise<string[]> {
  const { status, body } = await postActivity(url, customerMessage(conversationId, text, extra));
  if (status !== 200) throw new Error(`say(): HTTP ${status} ${JSON.stringify(body)}`);
  // Events (handoff.initiate on Bot Framework channels) are not something the customer reads.
  return ((body as { activities: Activity[] }).activities ?? [])
    .filter((activity) => activity.type === 'message')
    .map((activity) => activity.text);
}
