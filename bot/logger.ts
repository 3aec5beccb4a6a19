import pino, { type Logger } from 'pino';
import type { LogLevel } from './config';

export type { Logger } from 'pino';

/**
 * The process logger: JSON lines on stdout. Secrets are redacted wherever they appear under the
 * names below; message text is only logged at debug level (see the turn logging middleware).
 */
export function createLogger(level: LogLevel): Logger {
  return pino({
    name: 'switchboard',
    level,
    redact: {
      paths: [
        'config.botFramework.appPassword',
        '*.appPassword',
        'req.headers.authorization',
        'headers.authorization',
      ],
      censor: '[redacted]',
    },
  });
}

/** A logger that discards everything, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
