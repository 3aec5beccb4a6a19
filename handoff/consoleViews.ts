/**
 * What the console API shows of accounts, cases, transcripts, tickets, teams and the audit log
 * (never a conversation reference, which holds the customer's address), and which tickets an
 * agent sees.
 */
import type { AgentAccount } from './agentDirectory';
import type { AgentRef } from './handoffDesk';
import type { HandoffCase, HandoffRecords, HandoffStore, Ticket, TranscriptLine } from './handoffStore';
import { outcomeWords, reasonWords } from './consoleWords';
import { isTeamOpen, type Team } from './teams';

/** An account as the console shows it. */
export interface AgentView {
  id: string;
  username: string;
  name: string;
  role: AgentAccount['role'];
  teams: string[];
}

/** A case as the queue and the case page show it. */
export interface CaseView {
  id: number;
  state: HandoffCase['state'];
  team: string;
  /** The channel id (`whatsapp`, `telegram`, `directline`, …). */
  channel: string;
  /** The channel as agents know it (`WhatsApp`, `Web chat`). */
  channelName: string;
  locale: string;
  topic: string;
  reason: string;
  /** The reason in words, for people. */
  reasonText: string;
  customerName: string | undefined;
  sentiment: number | undefined;
  tags: string[];
  agentId: string | undefined;
  agentName: string | undefined;
  queuedAt: string;
  assignedAt: string | undefined;
  endedAt: string | undefined;
  disposition: string | undefined;
  /** The outcome in words, for people. */
  dispositionText: string | undefined;
  /** Seconds waited in the queue: until now while queued, else until pickup or the end. */
  waitingSeconds: number;
  /** 1-based place in the team's queue, while queued. */
  position: number | undefined;
}

/** What the case, transcript and audit views look up: queue places, agents' names, the clock. */
export interface ViewContext {
  store: HandoffRecords;
  /** Display names by agent id, read once per request (`AgentDirectory.names()`). */
  agentNames: ReadonlyMap<string, string>;
  /** Milliseconds since the epoch. */
  now: () => number;
}

type AuditEntry = Awaited<ReturnType<HandoffStore['auditLog']>>[number];

const iso = (ms: number | undefined): string | undefined =>
  ms === undefined ? undefined : new Date(ms).toISOString();

const agentName = (names: ReadonlyMap<string, string>, id: string | undefined): string | undefined =>
  id === undefined ? undefined : names.get(id);

/** Names agents know channels by; an id not listed is shown as it is. */
const CHANNEL_NAMES: Record<string, string> = {
  whatsapp: 'WhatsApp',
  telegram: 'Telegram',
  directline: 'Web chat',
  webchat: 'Web chat',
  msteams: 'Microsoft Teams',
  emulator: 'Bot Framework Emulator',
};

/** The channel as agents know it (`whatsapp` → `WhatsApp`). */
export function channelName(channelId: string): string {
  return CHANNEL_NAMES[channelId] ?? channelId;
}

/** An account as the console shows it. */
export function agentView(agent: AgentAccount): AgentView {
  return { id: agent.id, username: agent.username, name: agent.name, role: agent.role, teams: agent.teams };
}

/** A case as the queue and the case page show it. */
export async function caseView(handoffCase: HandoffCase, views: ViewContext): Promise<CaseView> {
  const position = handoffCase.state === 'queued' ? await views.store.position(handoffCase) : undefined;
  return caseViewAt(handoffCase, position, views);
}

/**
 * Cases as the queue shows them, in one query for every queue place (rather than one per
 * case): a queued case's place is its rank in its team's queue.
 */
export async function caseViews(cases: readonly HandoffCase[], views: ViewContext): Promise<CaseView[]> {
  const places = new Map<number, number>();
  if (cases.some((handoffCase) => handoffCase.state === 'queued')) {
    const ahead = new Map<string, number>();
    for (const waiting of await views.store.queued()) {
      const place = (ahead.get(waiting.team) ?? 0) + 1;
      ahead.set(waiting.team, place);
      places.set(waiting.id, place);
    }
  }
  return cases.map((handoffCase) =>
    caseViewAt(handoffCase, handoffCase.state === 'queued' ? places.get(handoffCase.id) : undefined, views),
  );
}

function caseViewAt(
  handoffCase: HandoffCase,
  position: number | undefined,
  { agentNames, now }: ViewContext,
): CaseView {
  const waitedUntil =
    handoffCase.state === 'queued' ? now() : (handoffCase.assignedAt ?? handoffCase.endedAt ?? now());
  return {
    id: handoffCase.id,
    state: handoffCase.state,
    team: handoffCase.team,
    channel: handoffCase.channelId,
    channelName: channelName(handoffCase.channelId),
    locale: handoffCase.locale,
    topic: handoffCase.topic,
    reason: handoffCase.reason,
    reasonText: reasonWords(handoffCase.reason),
    customerName: handoffCase.customerName,
    sentiment: handoffCase.sentiment,
    tags: handoffCase.tags,
    agentId: handoffCase.agentId,
    agentName: agentName(agentNames, handoffCase.agentId),
    queuedAt: new Date(handoffCase.queuedAt).toISOString(),
    assignedAt: iso(handoffCase.assignedAt),
    endedAt: iso(handoffCase.endedAt),
    disposition: handoffCase.disposition,
    dispositionText:
      handoffCase.disposition === undefined ? undefined : outcomeWords(handoffCase.disposition),
    waitingSeconds: Math.max(0, Math.round((waitedUntil - handoffCase.queuedAt) / 1000)),
    position,
  };
}

/** A transcript line (redacted), with the name of the agent who wrote it. */
export function transcriptLineView(line: TranscriptLine, { agentNames }: ViewContext) {
  return {
    id: line.id,
    at: new Date(line.at).toISOString(),
    role: line.role,
    agentId: line.agentId,
    agentName: agentName(agentNames, line.agentId),
    text: line.text,
    // The agent holding the case may reveal the original of such a line (POST …/reveal).
    redacted: line.redacted,
  };
}

/** A ticket as the tickets list shows it. */
export function ticketView(ticket: Ticket) {
  return {
    id: ticket.id,
    team: ticket.team,
    // NOTE: the channel only, not the conversation key: on WhatsApp that key is a phone number.
    channel: ticket.conversationKey.split('/')[0] ?? '',
    locale: ticket.locale,
    text: ticket.text,
    collected: ticket.collected,
    createdAt: new Date(ticket.createdAt).toISOString(),
    status: ticket.status,
    closedBy: ticket.closedBy,
  };
}

/** A team, with whether it is open `at` that moment. */
export function teamView(team: Team, at: Date) {
  return {
    id: team.id,
    name: team.name,
    locales: team.locales,
    topics: team.topics,
    timezone: team.timezone,
    open: isTeamOpen(team, at),
  };
}

/** An audit log entry, with the actor's name when the actor is an agent. */
export function auditEntryView(entry: AuditEntry, { agentNames }: ViewContext) {
  return {
    at: new Date(entry.at).toISOString(),
    actor: entry.actor,
    actorName: agentName(agentNames, entry.actor),
    action: entry.action,
    caseId: entry.caseId,
    detail: entry.detail,
  };
}

/** Teams whose tickets an agent sees; undefined for leads and admins, who see every team's. */
export function ticketTeams(agent: AgentRef): string[] | undefined {
  return agent.role === 'agent' ? agent.teams : undefined;
}

/** Whether an agent sees a ticket: one of their teams', or any for leads and admins. */
export function canSeeTicket(agent: AgentRef, ticket: Ticket): boolean {
  const teams = ticketTeams(agent);
  return teams === undefined || teams.includes(ticket.team);
}

/** The ticket with this id, if any. */
export function findTicket(store: HandoffRecords, id: number): Promise<Ticket | undefined> {
  return store.ticket(id);
}
