import type { Storage } from 'botbuilder';
import type { Choice } from './outgoing';

interface Offer {
  choices: Choice[];
}

/**
 * The choices last offered to each chat as a numbered list, so "2" or the title typed back picks
 * one. Kept in the bot's storage, so a restart between the question and the answer loses nothing.
 * The customer's next message uses the offer up (the bot offers again when it asks again).
 */
export class OfferedChoices {
  constructor(
    private readonly storage: Storage,
    private readonly namespace: string,
  ) {}

  private key(chatId: string): string {
    return `${this.namespace}/offeredChoices/${encodeURIComponent(chatId)}`;
  }

  /** Remembers `choices` as the chat's current offer. */
  async offer(chatId: string, choices: readonly Choice[]): Promise<void> {
    await this.storage.write({ [this.key(chatId)]: { choices: [...choices], eTag: '*' } });
  }

  /** The chat's current offer (none when nothing is offered), forgetting it. */
  async takeOffer(chatId: string): Promise<Choice[]> {
    const key = this.key(chatId);
    const stored = (await this.storage.read([key]))[key] as Partial<Offer> | undefined;
    if (!stored) return [];
    await this.storage.delete([key]);
    return Array.isArray(stored.choices) ? stored.choices : [];
  }
}
