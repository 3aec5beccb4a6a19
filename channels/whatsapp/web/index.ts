import type { Channel, ChannelDeps } from '../../channel';
import { SeenIds } from '../../seenIds';
import { OfferedChoices } from '../offeredChoices';
import { WHATSAPP_CHANNEL_ID, type WebSettings } from '../settings';
import { WhatsAppWebAdapter } from './adapter';
import { createWebClient, resolveBrowser, type WebClientFactory } from './client';
import { Pacer } from './pacing';
import { WebSession, type WebSessionOptions } from './session';

export { WhatsAppWebAdapter } from './adapter';
export type { WebClient, WebClientFactory, WebMessage } from './client';

/** What tests may replace when building the WhatsApp Web channel. */
export interface WebChannelOptions {
  createClient?: WebClientFactory;
  /** Whether a browser path exists (tests pretend). */
  browserExists?: (path: string) => boolean;
  now?: () => number;
  /** Waits for a pacing slot (tests record instead of waiting). */
  sleep?: (ms: number) => Promise<void>;
  schedule?: WebSessionOptions['schedule'];
  showQr?: WebSessionOptions['showQr'];
}

/** The WhatsApp Web channel: whatsapp-web.js driving the shop's own number in headless Chromium. */
export function makeWebChannel(
  deps: ChannelDeps,
  settings: WebSettings,
  options: WebChannelOptions = {},
): Channel & { adapter: WhatsAppWebAdapter; session: WebSession } {
  const logger = deps.logger.child({ component: 'whatsapp-web' });
  const { storage } = deps.stateStore;
  const namespace = 'whatsapp/web';
  const session = new WebSession({
    createClient: options.createClient ?? createWebClient,
    sessionDir: settings.sessionDir,
    logger,
    reconnectBaseMs: settings.reconnectBaseMs,
    maxReconnectMs: settings.maxReconnectMs,
    schedule: options.schedule,
    showQr: options.showQr,
  });
  const adapter = new WhatsAppWebAdapter({
    session,
    seen: new SeenIds(storage, {
      namespace: `${namespace}/seen`,
      ttlMs: settings.seenIdTtlMs,
      now: options.now,
      ...(deps.claimOnce ? { claimOnce: deps.claimOnce } : {}),
    }),
    offers: new OfferedChoices(storage, namespace),
    pacer: new Pacer({
      chatMessagesPerMinute: settings.chatMessagesPerMinute,
      messagesPerMinute: settings.messagesPerMinute,
      now: options.now,
      sleep: options.sleep,
    }),
    allowGroups: settings.allowGroups,
    i18n: deps.i18n,
    defaultLocale: settings.defaultLocale,
    logger,
    documents: { maxBytes: settings.maxDocumentBytes, timeoutMs: settings.documentFetchTimeoutMs },
  });
  // A listener never leaves a promise unhandled: handleMessage routes turn failures to onTurnError.
  session.on('message', (message) => {
    if (deps.isClosing()) return;
    adapter
      .handleMessage(message, deps.logic)
      .catch((error: unknown) => logger.error({ err: error }, 'WhatsApp Web message not handled'));
  });
  return {
    name: 'whatsapp',
    adapter,
    session,
    announcesHandoff: false,
    serves: (channelId) => channelId === WHATSAPP_CHANNEL_ID,
    mount: () => undefined,
    async start() {
      const browserPath = resolveBrowser(settings.browserPath, options.browserExists);
      session.start(browserPath);
      logger.info({ browserPath, sessionDir: settings.sessionDir }, 'WhatsApp Web channel starting');
    },
    continueConversation: (reference, logic) => adapter.continueConversation(reference, logic),
    // NOTE: ready whether or not WhatsApp Web is connected: a dropped phone must not take the
    // web chat and the console out of the load balancer. `/readyz` shows the connection itself.
    isReady: () => deps.stateStore.isOpen(),
    checks: () => ({ whatsappWeb: session.status() }),
    linkCode: () => (session.state === 'qr' ? session.qr : undefined),
    stopAccepting: () => session.stop(),
    close: () => adapter.idle(),
  };
}
