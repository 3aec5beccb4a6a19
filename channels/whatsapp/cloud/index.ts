import type { Channel, ChannelDeps } from '../../channel';
import { SeenIds } from '../../seenIds';
import { OfferedChoices } from '../offeredChoices';
import { WHATSAPP_CHANNEL_ID, type CloudSettings } from '../settings';
import { WhatsAppCloudAdapter } from './adapter';
import { DeliveryStatuses } from './deliveryStatuses';
import { GraphApi } from './graphApi';
import { ServiceWindow } from './serviceWindow';
import { mountCloudWebhook } from './webhook';

export { WhatsAppCloudAdapter } from './adapter';
export { validSignature } from './webhook';

/** What tests may replace when building the Cloud API channel. */
export interface CloudChannelOptions {
  /** Milliseconds since the epoch: the 24-hour window and seen ids are measured with it. */
  now?: () => number;
  /** Waits between retries (tests record instead of waiting). */
  wait?: (ms: number) => Promise<void>;
}

/** The WhatsApp Business Cloud API channel: the webhook at `/api/whatsapp`, replies through the Graph API. */
export function makeCloudChannel(
  deps: ChannelDeps,
  settings: CloudSettings,
  options: CloudChannelOptions = {},
): Channel & { adapter: WhatsAppCloudAdapter } {
  const logger = deps.logger.child({ component: 'whatsapp-cloud' });
  const now = options.now ?? Date.now;
  const { storage } = deps.stateStore;
  const namespace = `whatsapp/cloud/${settings.phoneNumberId}`;
  const api = new GraphApi({
    apiRoot: settings.apiRoot,
    apiVersion: settings.apiVersion,
    phoneNumberId: settings.phoneNumberId,
    token: settings.token,
    maxRetries: settings.maxRetries,
    retryBaseMs: settings.retryBaseMs,
    timeoutMs: settings.requestTimeoutMs,
    logger,
    wait: options.wait,
  });
  const statuses = new DeliveryStatuses(storage, namespace, logger);
  const adapter = new WhatsAppCloudAdapter({
    api,
    seen: new SeenIds(storage, {
      namespace: `${namespace}/seen`,
      ttlMs: settings.seenIdTtlMs,
      now,
      ...(deps.claimOnce ? { claimOnce: deps.claimOnce } : {}),
    }),
    window: new ServiceWindow(storage, namespace, now),
    statuses,
    offers: new OfferedChoices(storage, namespace),
    templates: settings.templates,
    phoneNumberId: settings.phoneNumberId,
    serviceUrl: settings.apiRoot,
    i18n: deps.i18n,
    defaultLocale: settings.defaultLocale,
    logger,
    documents: { maxBytes: settings.maxDocumentBytes, timeoutMs: settings.documentFetchTimeoutMs },
  });
  return {
    name: 'whatsapp',
    adapter,
    announcesHandoff: false,
    serves: (channelId) => channelId === WHATSAPP_CHANNEL_ID,
    mount(server) {
      mountCloudWebhook(server, {
        adapter,
        logic: deps.logic,
        appSecret: settings.appSecret,
        verifyToken: settings.verifyToken,
        logger,
        isClosing: deps.isClosing,
      });
    },
    async start() {
      logger.info(
        { phoneNumberId: settings.phoneNumberId, apiVersion: settings.apiVersion },
        'WhatsApp Cloud API channel started',
      );
    },
    continueConversation: (reference, logic) => adapter.continueConversation(reference, logic),
    // The conversation id is the customer's wa_id, which Meta's statuses name as recipient.
    deliveryReports: async (conversationId) =>
      (await statuses.of(conversationId)).map((entry) => ({
        status: entry.status,
        at: new Date(entry.at).toISOString(),
        ...(entry.error ? { problem: [entry.error.code, entry.error.title].filter(Boolean).join(' ') } : {}),
      })),
    isReady: () => deps.stateStore.isOpen(),
    stopAccepting: () => undefined,
    close: () => adapter.idle(),
  };
}
