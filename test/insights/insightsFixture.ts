import {
  ActivityTypes,
  MemoryStorage,
  TestAdapter,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import type { SharedDatabase } from '../../bot/database';
import { SUPPORTED_LOCALES } from '../../bot/config';
import { CustomerServiceBot } from '../../bot/customerServiceBot';
import { openInsights, type Insights } from '../../bot/insights';
import { silentLogger, type Logger } from '../../bot/logger';
import { useSharedMiddleware } from '../../bot/middleware';
import { BotStateSet } from '../../bot/state';
import { TurnQueue } from '../../bot/turnQueue';
import { LocalPiiRedactor } from '../../bot/language/pii';
import { makeCommerceDialogs } from '../../dialogs/commerceDialogs';
import { HandoffDialog } from '../../dialogs/handoffDialog';
import { LanguageDialog } from '../../dialogs/languageDialog';
import { MainDialog } from '../../dialogs/mainDialog';
import { FaqDialog } from '../../dialogs/faqDialog';
import { faqBook, loadFaq } from '../../bot/content/faq';
import { localesDir } from '../../bot/i18n';
import type { AgentRef, HandoffDesk } from '../../handoff/handoffDesk';
import { HandoffMiddleware } from '../../handoff/handoffMiddleware';
import type { HandoffStore } from '../../handoff/handoffStore';
import type { TeamsConfig } from '../../handoff/teams';
import { commerceFixture, dialogDeps, type CommerceFixture } from '../dialogs/commerceFixtures';
import { i18n, recognizer } from '../support/dialogTable';
import { handoffFixture } from '../support/handoffFixture';

/** A TestAdapter that can also run proactive turns (the desk's deliveries), through the middleware. */
class ProactiveTestAdapter extends TestAdapter {
  override async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const activity = TurnContext.applyConversationReference(
      { type: ActivityTypes.Event, name: 'ContinueConversation' },
      reference,
      true,
    );
    await this.runMiddleware(new TurnContext(this, activity), logic);
  }
}

export const AGENT: AgentRef = { id: 'ana', name: 'Ana', teams: ['support'], role: 'agent' };

/** The whole bot on a test adapter, as the server builds it, with insights on `database` (or in memory). */
export interface InsightsBot {
  insights: Insights;
  mainDialog: MainDialog;
  desk: HandoffDesk;
  store: HandoffStore;
  adapter: ProactiveTestAdapter;
  /** The fixture's clock: events, cases and idleness are timed by it. */
  clock: { now: number };
  /** Sends a customer message in a conversation; resolves with the texts of the replies. */
  say(conversationId: string, text: string, locale?: string): Promise<string[]>;
  /** The replies of proactive turns (the desk's deliveries) since the last call. */
  replies(): string[];
  close(): Promise<void>;
}

export function insightsBot(
  options: {
    database?: SharedDatabase;
    logger?: Logger;
    start?: number;
    abandonAfterMs?: number;
    teams?: TeamsConfig;
  } = {},
): InsightsBot {
  const clock = { now: options.start ?? Date.parse('2026-11-30T10:00:00Z') };
  const logger = options.logger ?? silentLogger();
  const state = new BotStateSet(new MemoryStorage());
  const commerce: CommerceFixture = commerceFixture();
  const { desk, store, channels } = handoffFixture({
    now: () => new Date(clock.now),
    ...(options.teams ? { teams: options.teams } : {}),
    runBot: (context) => bot.run(context),
  });
  const insights = openInsights({
    config: { storage: 'memory', dataDir: '/nonexistent', defaultLocale: 'en' },
    logger,
    state,
    teams: desk.teams,
    ...(options.database ? { database: options.database } : {}),
    options: {
      now: () => clock.now,
      flushMs: 60_000,
      sweepMs: 3_600_000,
      ...(options.abandonAfterMs !== undefined ? { abandonAfterMs: options.abandonAfterMs } : {}),
    },
  });
  const tasks = makeCommerceDialogs(dialogDeps(state, commerce));
  const mainDialog = new MainDialog({
    recognizer,
    state,
    languageDialog: new LanguageDialog(recognizer, i18n, state.profile, SUPPORTED_LOCALES),
    handoffDialog: new HandoffDialog(desk, state),
    faqDialog: new FaqDialog({ faq: faqBook(loadFaq(localesDir(), SUPPORTED_LOCALES)), state }),
    tasks,
  });
  insights.instrument(mainDialog, tasks);
  insights.watchDesk(desk);
  const bot = new CustomerServiceBot(state, mainDialog);
  const adapter = new ProactiveTestAdapter((context) => bot.run(context));
  channels.set('test', (reference, logic) => adapter.continueConversation(reference, logic));
  useSharedMiddleware(adapter, {
    turnQueue: new TurnQueue(),
    i18n,
    state,
    defaultLocale: 'en',
    logger,
    insights: insights.middleware,
    handoff: new HandoffMiddleware({ desk, recognizer, redactor: new LocalPiiRedactor(), logger }),
  });
  const drain = (): string[] =>
    adapter.activeQueue
      .splice(0)
      .filter((activity) => activity.type === ActivityTypes.Message)
      .map((activity) => activity.text ?? '');
  return {
    insights,
    mainDialog,
    desk,
    store,
    adapter,
    clock,
    async say(conversationId, text, locale = 'en-US') {
      drain();
      await adapter.receiveActivity({
        type: ActivityTypes.Message,
        text,
        locale,
        conversation: { id: conversationId } as Activity['conversation'],
        from: { id: `user-${conversationId}`, name: 'Zelda Quince' },
      });
      return drain();
    },
    replies: drain,
    async close() {
      await insights.close();
      await store.close();
      await commerce.store.close();
    },
  };
}
