import { MemoryStorage, TestAdapter, TurnContext, type Activity, type Middleware } from 'botbuilder';
import { setVerifiedIdentity, type VerifiedIdentity } from '../../bot/customerIdentity';
import type { BotStateSet, CaseFile } from '../../bot/state';
import type { CommerceDialogDeps } from '../../dialogs/commerceDialogDeps';
import { VerificationGuard } from '../../dialogs/verificationGuard';
import { DemoStore } from '../../services/demo/demoStore';
import { CommerceBackendUnavailableError } from '../../services/errors';
import { DownloadLinks } from '../../services/downloadLinks';
import type { AppointmentService, Clock, OrderService, ReturnService } from '../../services/types';
import { recognizer } from '../support/dialogTable';

/** Wednesday 11 June 2025, 10:00 in Madrid: the demo store is seeded at this moment in tests. */
export const NOW = new Date('2025-06-11T08:00:00Z');
export const SHOP_TZ = 'Europe/Madrid';
export const LINK_SECRET = 'test-link-secret';
export const PUBLIC_URL = 'https://bot.example.test';

/** A clock tests move by hand. */
export class TestClock implements Clock {
  constructor(public current: Date = NOW) {}
  now(): Date {
    return this.current;
  }
  advanceMinutes(minutes: number): void {
    this.current = new Date(this.current.getTime() + minutes * 60_000);
  }
}

/** Codes in order: RMA-TEST0001, RMA-TEST0002, BK-TEST01, … so replies can be written down. */
export function sequentialCodes(): (prefix: string, length: number) => string {
  let next = 0;
  return (prefix, length) => `${prefix}${'TEST'}${String(++next).padStart(length - 4, '0')}`;
}

/** A fresh demo store in memory, seeded at {@link NOW}, with predictable codes. */
export function openTestStore(clock: Clock = new TestClock()): DemoStore {
  return DemoStore.open(':memory:', { timezone: SHOP_TZ, clock, generateCode: sequentialCodes() });
}

export interface CommerceFixture {
  clock: TestClock;
  store: DemoStore;
  /** Where the verification counters live; share it between conversations to test per-order locks. */
  guardStorage: MemoryStorage;
  links: DownloadLinks;
}

export function commerceFixture(): CommerceFixture {
  const clock = new TestClock();
  return {
    clock,
    store: openTestStore(clock),
    guardStorage: new MemoryStorage(),
    links: new DownloadLinks(LINK_SECRET, PUBLIC_URL, clock),
  };
}

/** Dialog dependencies over a fixture; `overrides` replaces any of them. */
export function dialogDeps(
  state: BotStateSet,
  fixture: CommerceFixture,
  overrides: Partial<CommerceDialogDeps> = {},
): CommerceDialogDeps {
  return {
    recognizer,
    state,
    commerce: fixture.store,
    guard: new VerificationGuard(fixture.guardStorage, fixture.clock),
    links: fixture.links,
    clock: fixture.clock,
    shopTimezone: SHOP_TZ,
    returnPolicy: { windowDays: 30, nonReturnableCategories: ['underwear', 'giftCards', 'openedSoftware'] },
    ...overrides,
  };
}

const unavailable = (): Promise<never> =>
  Promise.reject(new CommerceBackendUnavailableError('test: the backend is down'));

/** A backend whose every call fails as if the shop's API were down. */
export const backendDown: { orders: OrderService; returns: ReturnService; appointments: AppointmentService } =
  {
    orders: { findOrder: unavailable, findOrdersByCustomer: unavailable },
    returns: { createReturn: unavailable, findReturn: unavailable },
    appointments: {
      listServices: unavailable,
      freeSlots: unavailable,
      book: unavailable,
      findBooking: unavailable,
      reschedule: unavailable,
      cancelBooking: unavailable,
    },
  };

/** Middleware that does what a channel adapter does for a sender it verified (e.g. WhatsApp). */
export function verifiedAs(identity: VerifiedIdentity): Middleware {
  return {
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      setVerifiedIdentity(context, identity);
      await next();
    },
  };
}

/** Middleware that puts the turn in another conversation, as a second customer's chat would be. */
export function inConversation(conversationId: string): Middleware {
  return {
    onTurn: async (context: TurnContext, next: () => Promise<void>) => {
      context.activity.conversation = { ...context.activity.conversation, id: conversationId };
      await next();
    },
  };
}

/** The case file a finished test conversation left in its state (DialogTestClient's conversation is `Convo1`). */
export async function caseFileIn(
  state: BotStateSet,
  conversationId = 'Convo1',
): Promise<CaseFile | undefined> {
  const activity = { type: 'message', channelId: 'test', conversation: { id: conversationId } } as Activity;
  return (await state.conversation(new TurnContext(new TestAdapter(), activity))).caseFile;
}
