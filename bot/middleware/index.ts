import type { LanguageDetector } from '../language/languageDetection';
import type { BotAdapter, Middleware } from 'botbuilder';
import type { i18n } from 'i18next';
import type { SupportedLocale } from '../config';
import type { Logger } from '../logger';
import type { BotStateSet } from '../state';
import type { ConversationLocks } from '../conversationLocks';
import { TurnMetrics, type SwitchboardMetrics } from '../metrics';
import type { TurnQueue } from '../turnQueue';
import type { TurnAdmission } from '../turnAdmission';
import { TurnErrorBoundary, turnErrorHandler } from '../turnErrors';
import { LocaleResolution } from './localeResolution';
import { SerializeTurns } from './serializeTurns';
import { RedeliveredActivities } from './redeliveredActivities';
import { SentimentTracking } from './sentimentTracking';
import type { SentimentTracker } from '../language/sentimentTracker';
import type { KnownPiiMemory } from '../language/knownPiiMemory';
import { TurnLogging } from './turnLogging';
import { DialogMemoryConfiguration } from './dialogMemoryConfiguration';

export {
  LocaleResolution,
  localize,
  setTurnLanguage,
  turnLanguage,
  type TurnLanguage,
} from './localeResolution';
export { SerializeTurns, conversationKey, conversationKeyOf } from './serializeTurns';
export { TurnLogging } from './turnLogging';

/** What the shared middleware needs; built once per process and shared by every adapter. */
export interface SharedMiddlewareDeps {
  turnQueue: TurnQueue;
  /** Starts turns when the event loop can spare them; every adapter of the process shares one. */
  admission?: TurnAdmission;
  /** The lock per conversation that instances share; absent with one instance. */
  conversationLocks?: ConversationLocks;
  /** Counts and times turns for `/metrics`; absent when metrics are off. */
  metrics?: SwitchboardMetrics;
  i18n: i18n;
  state: BotStateSet;
  defaultLocale: SupportedLocale;
  /** Detects the language of a customer's first messages; without it, the channel's locale is used. */
  languageDetector?: LanguageDetector;
  logger: Logger;
  /** The handoff state machine; it needs the turn's locale, so it runs after locale resolution. */
  handoff?: Middleware;
  /** Scores every customer message's sentiment, off the reply path; none by default. */
  sentiment?: SentimentTracker;
  /** Names and addresses each customer gave, also redacted from the debug log of later messages. */
  knownPii?: KnownPiiMemory;
  /** Records conversation events (bot/insights); it needs the locale and sees every turn, so it runs before the handoff. */
  insights?: Middleware;
  /** The channel may deliver a message again under the same id and does not remember ids itself (Channel.redelivers). */
  redelivers?: boolean;
}

/**
 * Puts the shared turn path on an adapter. Every channel adapter calls this, so no channel can
 * skip it. Order matters: turns are serialized before any state is read, and a failed turn is
 * recovered before the next turn of its conversation starts.
 */
export function useSharedMiddleware(adapter: BotAdapter, deps: SharedMiddlewareDeps): void {
  const onTurnError = turnErrorHandler(deps);
  adapter.onTurnError = onTurnError;
  adapter.use(new SerializeTurns(deps.turnQueue, deps.conversationLocks, deps.admission));
  adapter.use(new TurnErrorBoundary(onTurnError));
  if (deps.metrics) adapter.use(new TurnMetrics(deps.metrics));
  adapter.use(new TurnLogging(deps.logger, deps.knownPii));
  if (deps.redelivers) adapter.use(new RedeliveredActivities(deps.state, deps.logger));
  adapter.use(new LocaleResolution(deps.i18n, deps.state.profile, deps.defaultLocale, deps.languageDetector));
  if (deps.sentiment) adapter.use(new SentimentTracking(deps.sentiment, deps.logger));
  if (deps.insights) adapter.use(deps.insights);
  if (deps.handoff) adapter.use(deps.handoff);
  adapter.use(new DialogMemoryConfiguration());
}
