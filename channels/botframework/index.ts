import type { Channel, ChannelFactory } from '../channel';
import { BotFrameworkAdapter } from './adapter';
import { mountBotFrameworkRoute } from './routes';
import { botFrameworkSettings } from './settings';

export { BotFrameworkAdapter } from './adapter';
export { MAX_ACTIVITY_BYTES, mountBotFrameworkRoute } from './routes';
export { botFrameworkSettings, type BotFrameworkSettings } from './settings';

/** Whether the server listens only on loopback (`HOST=127.0.0.1`, `::1`, `localhost`). */
function isLoopbackHost(host: string | undefined): boolean {
  return host !== undefined && (/^127\./.test(host) || host === '::1' || host === 'localhost');
}

/**
 * The Bot Framework channel, `POST /api/messages`: Azure Bot Service (Teams and the other
 * channels it connects), the Bot Framework Emulator, and clients that want replies inline
 * (`expectReplies`). Always on; it serves every channel id no other channel claims, so the
 * server puts it last.
 */
export const botFrameworkChannel: ChannelFactory = (deps) => {
  const adapter = new BotFrameworkAdapter(botFrameworkSettings(deps.config.botFramework));
  const channel: Channel = {
    name: 'botframework',
    adapter,
    serves: () => true,
    announcesHandoff: true,
    redelivers: true,
    mount: (server) =>
      mountBotFrameworkRoute(server, {
        adapter,
        logic: deps.logic,
        logger: deps.logger,
        isClosing: deps.isClosing,
        ownerOf: (channelId) => {
          const owner = deps.channelFor(channelId);
          return owner && owner !== channel ? owner.name : undefined;
        },
      }),
    start: () => {
      const { config } = deps;
      if (config.botFramework.appId === undefined && !isLoopbackHost(config.host)) {
        deps.logger.warn(
          { serviceUrls: config.botFramework.serviceUrls },
          'MicrosoftAppId is not set: POST /api/messages takes unauthenticated activities (replies go only to BOTFRAMEWORK_SERVICE_URLS); set MicrosoftAppId before exposing this server',
        );
      }
      return Promise.resolve();
    },
    continueConversation: (reference, logic) => adapter.continueConversation(reference, logic),
    isReady: () => true,
    stopAccepting: () => undefined,
    close: () => undefined,
  };
  return channel;
};
