import type { Config } from '../../bot/config';

/** Typed options of the web channel, taken from the configuration. */
export interface DirectLineSettings {
  /** Secret that starts conversations and generates tokens (`DIRECTLINE_SECRET` or generated). */
  secret: string;
  /** Origins allowed to call `/v3/directline` from other sites; `*` allows any. */
  allowedOrigins: string[];
  /** Idle conversations' transcripts are kept this long for clients to resume (ms). */
  retentionMs: number;
  /** Largest upload, all files of one post together (bytes). */
  maxUploadBytes: number;
  /** Open WebSocket streams allowed per conversation. */
  maxStreamsPerConversation: number;
  /** Page tokens per client address and minute. */
  tokenRequestsPerMinute: number;
  /** Name and accent colour shown on the web chat page. */
  botName: string;
  accentColor: string;
}

/** Streams per conversation: a customer with a few tabs open, not an unbounded number. */
export const MAX_STREAMS_PER_CONVERSATION = 4;

export function directLineSettings(config: Config, secret: string): DirectLineSettings {
  return {
    secret,
    allowedOrigins: config.directLine.allowedOrigins,
    retentionMs: config.directLine.retentionHours * 60 * 60 * 1000,
    maxUploadBytes: config.directLine.maxUploadBytes,
    maxStreamsPerConversation: MAX_STREAMS_PER_CONVERSATION,
    tokenRequestsPerMinute: config.directLine.tokenRequestsPerMinute,
    botName: config.botName,
    accentColor: config.accentColor,
  };
}
