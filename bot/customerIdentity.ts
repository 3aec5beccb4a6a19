import type { TurnContext } from 'botbuilder';

const IDENTITY_KEY = Symbol('switchboard.verifiedIdentity');
const TAGS_KEY = Symbol('switchboard.customerTags');

/**
 * Contact details the channel itself proves for this turn's customer, e.g. the WhatsApp number
 * a message came from. Dialogs treat a match with an order's or booking's contact as
 * verification; they never learn which channel proved it.
 */
export interface VerifiedIdentity {
  phone?: string;
  email?: string;
}

/** Called by a channel adapter (or its middleware) for each turn whose sender it has verified. */
export function setVerifiedIdentity(context: TurnContext, identity: VerifiedIdentity): void {
  const clean: VerifiedIdentity = {};
  if (identity.phone?.trim()) clean.phone = identity.phone.trim();
  if (identity.email?.trim()) clean.email = identity.email.trim();
  context.turnState.set(IDENTITY_KEY, clean.phone || clean.email ? clean : undefined);
}

/** The identity the channel proved for this turn, or undefined (the usual case on web chat). */
export function verifiedIdentity(context: TurnContext): VerifiedIdentity | undefined {
  return context.turnState.get<VerifiedIdentity | undefined>(IDENTITY_KEY);
}

/**
 * Tags the shop gave this customer (e.g. `vip`), vouched for by the channel: the shop's own
 * server put them in the customer's Direct Line token. The handoff queue gives them priority.
 */
export function setCustomerTags(context: TurnContext, tags: readonly string[]): void {
  context.turnState.set(TAGS_KEY, [...tags]);
}

/** The customer's tags for this turn; none unless a channel vouched for some. */
export function customerTags(context: TurnContext): string[] {
  return context.turnState.get<string[] | undefined>(TAGS_KEY) ?? [];
}
