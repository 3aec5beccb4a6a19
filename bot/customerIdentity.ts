import type { TurnContext } from 'botbuilder';

const IDENTITY_KEY = Symbol('switchboard.verifiedIdentity');

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
