import type { Storage } from 'botbuilder';
import type { Logger } from '../../../bot/logger';
import { TurnQueue } from '../../../bot/turnQueue';
import type { MessageStatus } from './notification';

/** Statuses kept per customer (the latest messages only). */
const KEPT = 50;

/** What Meta last said about one message the bot sent. */
export interface DeliveryStatus {
  messageId: string;
  status: string;
  at: number;
  /** Meta's error code and title, for a `failed` message. */
  error?: { code?: number; title?: string };
}

interface StatusLog {
  statuses: DeliveryStatus[];
}

/**
 * Meta's status callbacks for messages the bot sent (`sent`, `delivered`, `read`, `failed`),
 * kept per customer in the bot's storage for the console, and logged: a `failed` status is a
 * reply that never reached the customer after the Graph API had accepted it.
 */
export class DeliveryStatuses {
  /** One read-modify-write at a time per customer: Meta sends a message's statuses close together. */
  private readonly writes = new TurnQueue();

  constructor(
    private readonly storage: Storage,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  private key(waId: string): string {
    return `${this.namespace}/statuses/${waId}`;
  }

  /** Records one status callback. */
  record(status: MessageStatus): Promise<void> {
    const waId = status.recipient_id ?? 'unknown';
    return this.writes.run(waId, () => this.append(waId, status));
  }

  private async append(waId: string, status: MessageStatus): Promise<void> {
    const seconds = Number(status.timestamp);
    const entry: DeliveryStatus = {
      messageId: status.id,
      status: status.status,
      at: Number.isFinite(seconds) ? seconds * 1000 : Date.now(),
      ...(status.errors?.[0]
        ? { error: { code: status.errors[0].code, title: status.errors[0].title } }
        : {}),
    };
    if (entry.status === 'failed') {
      this.logger.warn({ messageId: entry.messageId, error: entry.error }, 'WhatsApp message not delivered');
    } else {
      this.logger.debug({ messageId: entry.messageId, status: entry.status }, 'WhatsApp message status');
    }
    const key = this.key(waId);
    const stored = (await this.storage.read([key]))[key] as Partial<StatusLog> | undefined;
    const statuses = (Array.isArray(stored?.statuses) ? stored.statuses : []).filter(
      (known) => !(known.messageId === entry.messageId && known.status === entry.status),
    );
    statuses.push(entry);
    await this.storage.write({ [key]: { statuses: statuses.slice(-KEPT), eTag: '*' } });
  }

  /** What Meta said about the latest messages to a customer, oldest first. */
  async of(waId: string): Promise<DeliveryStatus[]> {
    const stored = (await this.storage.read([this.key(waId)]))[this.key(waId)] as
      Partial<StatusLog> | undefined;
    return Array.isArray(stored?.statuses) ? stored.statuses : [];
  }
}
