import type { Storage } from 'botbuilder';
import { SERVICE_WINDOW_MS } from '../settings';

interface LastInbound {
  at: number;
}

/**
 * Meta's 24-hour customer-service window, per customer: free-form messages may be sent only
 * within 24 hours of the customer's last message; after that only approved templates. The time
 * of each customer's last message is kept in the bot's storage, so a restart keeps it.
 */
export class ServiceWindow {
  /** wa_id → last message time; a cache of what storage holds. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly storage: Storage,
    private readonly namespace: string,
    private readonly now: () => number,
  ) {}

  private key(waId: string): string {
    return `${this.namespace}/lastInbound/${waId}`;
  }

  /** The customer just wrote: the window is open for 24 hours from now. */
  async customerWrote(waId: string): Promise<void> {
    const at = this.now();
    this.known.set(waId, at);
    await this.storage.write({ [this.key(waId)]: { at, eTag: '*' } });
  }

  /** Whether a free-form message may be sent to the customer now. */
  async isOpen(waId: string): Promise<boolean> {
    let at = this.known.get(waId);
    if (at === undefined) {
      const stored = (await this.storage.read([this.key(waId)]))[this.key(waId)] as
        Partial<LastInbound> | undefined;
      at = typeof stored?.at === 'number' ? stored.at : Number.NEGATIVE_INFINITY;
      this.known.set(waId, at);
    }
    return this.now() - at < SERVICE_WINDOW_MS;
  }

  /** Meta says the window is closed (error 131047) though we thought it open: believe Meta. */
  closed(waId: string): void {
    this.known.set(waId, Number.NEGATIVE_INFINITY);
  }
}
