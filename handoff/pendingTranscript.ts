import type { TurnContext } from 'botbuilder';
import type { NewTranscriptLine } from './handoffStore';

/** Whoever writes transcript lines: the desk (the only writer of the store). */
export interface TranscriptWriter {
  recordTranscript(conversationKey: string, lines: readonly NewTranscriptLine[]): void;
}

const PENDING_KEY = Symbol('switchboard.pendingTranscript');

interface Pending {
  conversationKey: string;
  lines: NewTranscriptLine[];
}

/**
 * The transcript lines of the running turn, written together when it ends (one commit per
 * turn). The handoff middleware collects them; whoever needs the transcript complete in the
 * middle of a turn (queueing a case, telling an agent) flushes first.
 */
export function startPendingTranscript(context: TurnContext, conversationKey: string): NewTranscriptLine[] {
  const pending: Pending = { conversationKey, lines: [] };
  context.turnState.set(PENDING_KEY, pending);
  return pending.lines;
}

/** Writes the turn's lines collected so far. */
export function flushPendingTranscript(context: TurnContext, writer: TranscriptWriter): void {
  const pending = context.turnState.get<Pending | undefined>(PENDING_KEY);
  if (pending && pending.lines.length > 0) {
    writer.recordTranscript(pending.conversationKey, pending.lines.splice(0));
  }
}
