import { statedPersonalDetails, type KnownPii } from './personalDetails';

/** Conversations remembered at once; the oldest is forgotten first. */
const MAX_CONVERSATIONS = 10_000;
/**
 * Values remembered per conversation, so one chatty customer cannot grow it without end. The
 * first ones are kept: the name a customer gives first is most likely their own.
 */
const MAX_VALUES = 100;

/**
 * The names and addresses each conversation's customer gave the bot (stated in a message, or
 * their channel profile name), so that a later message naming them again ("Ana here again") is
 * redacted too. NOTE: in process memory, bounded: after a restart, or on another instance, only
 * what each message states itself is caught, which the patterns in personalDetails.ts do anyway.
 */
export class KnownPiiMemory {
  private readonly conversations = new Map<string, { names: string[]; addresses: string[] }>();

  /** Learns what `text` states (and the profile name) for `conversationKey`; returns all it knows. */
  learn(conversationKey: string, text: string, profileName?: string): KnownPii {
    const known = this.conversations.get(conversationKey) ?? { names: [], addresses: [] };
    this.conversations.delete(conversationKey);
    const stated = statedPersonalDetails(text);
    const profile = profileName?.trim();
    // Channels without names send ids or "User"; those are not a person's name.
    const profileNames =
      profile && /^\p{L}[\p{L}'’ .-]{1,60}$/u.test(profile) && profile !== 'User' ? [profile] : [];
    const merged = {
      names: [...new Set([...known.names, ...profileNames, ...stated.names])].slice(0, MAX_VALUES),
      addresses: [...new Set([...known.addresses, ...stated.addresses])].slice(0, MAX_VALUES),
    };
    this.conversations.set(conversationKey, merged);
    if (this.conversations.size > MAX_CONVERSATIONS) {
      const oldest = this.conversations.keys().next().value;
      if (oldest !== undefined) this.conversations.delete(oldest);
    }
    return merged;
  }

  /** What is known for `conversationKey` (nothing for a conversation never seen). */
  known(conversationKey: string): KnownPii {
    return this.conversations.get(conversationKey) ?? {};
  }

  /** Forgets a conversation (its case ended and its transcript is written). */
  forget(conversationKey: string): void {
    this.conversations.delete(conversationKey);
  }
}
