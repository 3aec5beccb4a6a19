import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './config';
import { redactPii } from './language/pii';
import { redactLogObject, redactLogValue } from './logRedaction';
import { TurnSlot } from './turnScope';

export type { Logger } from 'pino';

/** What every line logged during one turn carries: the conversation and its channel. */
export interface TurnLogFields {
  channelId: string;
  conversationId: string | undefined;
}

const turnLogFields = new TurnSlot<TurnLogFields>('switchboard.turnLogFields');

/**
 * Runs `work` (the rest of the turn `turn`, its TurnContext) so that every line any module logs meanwhile, through the
 * process logger or a child of it, carries `fields`. NOTE: the fields are merged into each
 * line by pino's `mixin`, which runs before the redacting formatter, rather than bound to a
 * child logger, whose bindings no formatter sees: a conversation id can be a phone number
 * (WhatsApp) and must be redacted like everything else.
 */
export function withTurnLogFields<T>(
  turn: object,
  fields: TurnLogFields,
  work: () => Promise<T>,
): Promise<T> {
  return turnLogFields.run(turn, fields, work);
}

/** The fields of the turn running now, if any. */
export function currentTurnLogFields(): TurnLogFields | undefined {
  return turnLogFields.get();
}

/**
 * The process logger: JSON lines on stdout (or `destination`). Secrets are censored wherever
 * they appear under the names below, and personal data (e-mail addresses, IBANs, cards, phone
 * numbers) is redacted from every string of every line, at every level, the message and errors
 * included, so `LOG_LEVEL=debug` never writes what a customer typed unredacted.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  const options: pino.LoggerOptions = {
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
    // A copy: pino merges the line's own fields into what mixin returns.
    mixin: () => {
      const fields = turnLogFields.get();
      return fields ? { ...fields } : {};
    },
    // NOTE: pino applies no formatter to a child logger's bindings (it resets `bindings` for
    // children), so bindings must never carry customer data: they name components only.
    formatters: { log: redactLogObject },
    serializers: {
      // The message, also when pino takes it from an error logged on its own.
      msg: (message: unknown) => (typeof message === 'string' ? redactPii(message) : message),
      // Errors were turned into redacted plain objects by `formatters.log` already.
      err: (error: unknown) => (error instanceof Error ? redactLogValue(error) : error),
    },
  };
  return pino(options, destination ?? terminalOrStdout());
}

/**
 * Readable lines when a person watches a terminal, JSON lines for everything else (log
 * collectors, pipes, CI). NOTE: pino-pretty is a dev dependency: a production install without
 * it logs JSON even in a terminal.
 */
function terminalOrStdout(): DestinationStream {
  if (process.stdout.isTTY) {
    try {
      require.resolve('pino-pretty');
      return pino.transport({
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' },
      });
    } catch {
      // not installed: JSON
    }
  }
  return pino.destination(1);
}

/** A logger that discards everything, for tests and tools. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
