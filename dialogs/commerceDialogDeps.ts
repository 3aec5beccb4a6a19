import type { TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Recognizer } from '../bot/language/recognizer';
import type { BotStateSet, CaseFile } from '../bot/state';
import type { ReturnPolicy } from '../services/returnPolicy';
import type { DownloadLinks } from '../services/downloadLinks';
import type { Clock, CommerceBackend } from '../services/types';
import type { TaskOutcome } from './interruptibleDialog';
import type { VerificationGuard } from './verificationGuard';

/** What the order, returns and appointment dialogs are built from; tests pass their own. */
export interface CommerceDialogDeps {
  recognizer: Recognizer;
  state: BotStateSet;
  commerce: Pick<CommerceBackend, 'orders' | 'returns' | 'appointments'>;
  /** Counts failed verifications and locks orders, bookings and conversations. */
  guard: VerificationGuard;
  /** Signs the download links of return labels and calendar files. */
  links: DownloadLinks;
  clock: Clock;
  /** `SHOP_TIMEZONE`. */
  shopTimezone: string;
  returnPolicy: ReturnPolicy;
  logger?: Logger;
}

/** True when a child dialog ended the task rather than handing back what it collected. */
export function isTaskOutcome(value: unknown): value is TaskOutcome {
  return typeof value === 'object' && value !== null && 'outcome' in value;
}

/** Merges `patch` into the conversation's case file (saved with the conversation state). */
export async function updateCaseFile(
  state: BotStateSet,
  context: TurnContext,
  patch: Partial<CaseFile>,
): Promise<CaseFile> {
  const conversation = await state.conversation(context);
  conversation.caseFile = { ...conversation.caseFile, ...patch };
  return conversation.caseFile;
}

/** The conversation's case file (empty when nothing was collected yet). */
export async function caseFileOf(state: BotStateSet, context: TurnContext): Promise<CaseFile> {
  return (await state.conversation(context)).caseFile ?? {};
}

/** Stable name of this conversation, for idempotency keys and lock counters. */
export function conversationRef(context: TurnContext): string {
  return `${context.activity.channelId}/${context.activity.conversation?.id ?? 'unknown'}`;
}
