import { EventEmitter } from 'node:events';
import {
  ActivityTypes,
  EventFactory,
  TurnContext,
  type Activity,
  type ConversationReference,
} from 'botbuilder';
import { localize, turnLanguage, conversationKey } from '../bot/middleware';
import { LocalPiiRedactor, type PiiRedactor } from '../bot/language/pii';
import { isDeliveryFailure } from '../bot/deliveryFailure';
import type { Logger } from '../bot/logger';
import { setProactivePurpose } from '../bot/proactivePurpose';
import { SENDER_CHANNEL_DATA_KEY, type OutgoingSender } from '../channels/messageParts';
import type { CaseDigest } from './caseDigest';
import type { CaseSummaries } from './caseSummaries';
import type {
  CannedReply,
  HandoffCase,
  HandoffRecords,
  HandoffStore,
  NewTranscriptLine,
  Ticket,
  TranscriptLine,
} from './handoffStore';
import { flushPendingTranscript } from './pendingTranscript';
import { isTeamOpen, nextOpening, routeToTeam, type Team, type TeamsConfig } from './teams';

/** Runs logic in an existing conversation on its own channel (the adapter's continueConversation). */
export type ProactiveSender = (
  reference: Partial<ConversationReference>,
  logic: (context: TurnContext) => Promise<void>,
) => Promise<void>;

/** What a bot-side event tells the handoff dialog waiting on the stack. */
export type HandoffSignal = 'ended' | 'cancelled' | 'failed';

const SIGNAL_KEY = Symbol('switchboard.handoffSignal');

export function setHandoffSignal(context: TurnContext, signal: HandoffSignal): void {
  context.turnState.set(SIGNAL_KEY, signal);
}

export function handoffSignal(context: TurnContext): HandoffSignal | undefined {
  return context.turnState.get<HandoffSignal | undefined>(SIGNAL_KEY);
}

/** Who acts on a case from the console or the API. */
export interface AgentRef {
  id: string;
  name: string;
  /** Teams the agent works in; leads and admins see every team. */
  teams: string[];
  role: 'agent' | 'lead' | 'admin';
}

/** Result of asking for a person. */
export type HandoffRequest =
  | { kind: 'queued'; handoffCase: HandoffCase; position: number; etaMinutes: number }
  | { kind: 'closed'; team: Team; opensAt: Date | undefined };

/** What the customer's turn knows when it asks for a person. */
export interface HandoffRequestInput {
  reason: string;
  topic: string;
  collected: Record<string, unknown>;
  sentiment?: number;
  tags?: string[];
}

export type ActionResult = 'ok' | 'notFound' | 'forbidden' | 'conflict';

/**
 * What happened to a case, emitted as `case` for insights (bot/insights/deskInsights.ts):
 * asked for (`requested`, in the customer's turn, also when the team is closed), taken by an
 * agent or hub (`claimed`), an agent's message (`replied`), `ended`, and the customer's 1–5
 * answer (`rated`). The case is as the store holds it after the change.
 */
export type CaseEvent =
  | {
      kind: 'requested';
      conversationKey: string;
      channelId: string;
      locale: string;
      team: string;
      reason: string;
      /** The case it queued (`created` when new), or none when the team was closed. */
      handoffCase?: HandoffCase;
      created: boolean;
    }
  | { kind: 'claimed' | 'replied' | 'ended'; handoffCase: HandoffCase }
  | { kind: 'rated'; handoffCase: HandoffCase; rating: number };

export interface HandoffDeskDeps {
  store: HandoffStore;
  teams: TeamsConfig;
  /** Proactive senders per channel id; `default` serves any other channel. */
  channels: { get(channelId: string): ProactiveSender | undefined };
  /** The bot's turn logic, run for handoff events so the waiting dialog can react. */
  runBot: (context: TurnContext) => Promise<void>;
  logger: Logger;
  /** Redacts the messages customers leave for a closed team; local patterns by default. */
  redactor?: PiiRedactor;
  now?: () => Date;
  /** Customers are told a changed queue position at most this often. */
  positionUpdateMinMs?: number;
  /**
   * Whether a channel is a Bot Framework channel, where the standard `handoff.initiate` event
   * (with the transcript) is sent as well, for agent hubs that listen for it.
   */
  announcesHandoff?: (channelId: string) => boolean;
  /** The latest negativity of a conversation's customer (0..1), for a handoff's priority; none by default. */
  recentSentiment?: (conversationKey: string) => number | undefined;
  /** Summaries of cases (local digest, Azure AI Language's summary); the plain summary alone by default. */
  summaries?: CaseSummaries;
}

/** Sender ids of agents' replies start with this, then the agent's id. */
export const AGENT_SENDER_PREFIX = 'agent:';

/** The first word of a display name ("Ana García" → "Ana"), as customers are told who writes. */
function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] || name;
}

/** Default pickup time for the first wait estimates, before any agent picked anyone up. */
const DEFAULT_PICKUP_MS = 3 * 60 * 1000;

/**
 * The human side of Switchboard: puts conversations in the team queue, tells customers their
 * place and wait, lets agents claim, reply, transfer and end, and carries every agent action to
 * the customer's own channel. Console and API events are emitted as `changed` (a case moved)
 * and `customerMessage` (a customer wrote while queued or with an agent).
 */
export class HandoffDesk extends EventEmitter {
  private readonly now: () => Date;
  private readonly positionUpdateMinMs: number;

  constructor(private readonly deps: HandoffDeskDeps) {
    super();
    this.now = deps.now ?? (() => new Date());
    this.positionUpdateMinMs = deps.positionUpdateMinMs ?? 2 * 60 * 1000;
  }

  /** What the store holds, to read: every change goes through the desk's methods. */
  get records(): HandoffRecords {
    return this.deps.store;
  }

  get teams(): TeamsConfig {
    return this.deps.teams;
  }

  /** Queues the conversation of this turn for the team that routing picks, if it is open. */
  async request(context: TurnContext, input: HandoffRequestInput): Promise<HandoffRequest> {
    const { locale } = turnLanguage(context);
    const team = routeToTeam(this.deps.teams, locale, input.topic);
    const now = this.now();
    const key = conversationKey(context);
    const existing = await this.deps.store.activeCase(key);
    const requested = {
      kind: 'requested',
      conversationKey: key,
      channelId: context.activity.channelId,
      locale,
      team: team.id,
      reason: input.reason,
    } as const;
    if (!existing && !isTeamOpen(team, now)) {
      this.emitCase({ ...requested, created: false });
      return { kind: 'closed', team, opensAt: nextOpening(team, now) };
    }
    const { priority } = this.deps.teams;
    const tags = input.tags ?? [];
    // A customer who asked for a person while upset is as upset as one the bot offered one to.
    const sentiment = input.sentiment ?? this.deps.recentSentiment?.(key);
    const boostMinutes =
      (sentiment !== undefined && sentiment >= 0.5 ? priority.negativeSentimentMinutes : 0) +
      tags.reduce((sum, tag) => sum + (priority.tags[tag] ?? 0), 0);
    const reference = { ...TurnContext.getConversationReference(context.activity), locale };
    // The agent gets the case with the transcript up to this very message.
    flushPendingTranscript(context, this);
    const { handoffCase, created } = await this.deps.store.enqueue({
      conversationKey: key,
      channelId: context.activity.channelId,
      reference,
      locale,
      customerName: context.activity.from?.name || undefined,
      reason: input.reason,
      topic: input.topic,
      sentiment,
      tags,
      team: team.id,
      boostMs: boostMinutes * 60_000,
      collected: input.collected,
    });
    const position = await this.deps.store.position(handoffCase);
    this.emitCase({ ...requested, handoffCase, created });
    if (created) {
      this.deps.store.audit('customer', 'queued', handoffCase.id, { reason: input.reason, team: team.id });
      await this.deps.store.markPositionSent(handoffCase.id, position);
      // Off the reply path: the summary is for the agent, later.
      if (this.deps.summaries)
        this.deps.summaries.prepare(handoffCase, await this.deps.store.transcript(key));
      this.emit('changed', handoffCase.id);
      if (this.deps.announcesHandoff?.(context.activity.channelId)) await this.announce(context, handoffCase);
    }
    return { kind: 'queued', handoffCase, position, etaMinutes: await this.etaMinutes(position) };
  }

  /** Sends Bot Framework's `handoff.initiate` event with the case and its transcript. */
  private async announce(context: TurnContext, handoffCase: HandoffCase): Promise<void> {
    const activities = (await this.deps.store.transcript(handoffCase.conversationKey)).map((line) => ({
      type: ActivityTypes.Message,
      text: line.text,
      timestamp: new Date(line.at),
      from: { id: line.role, name: line.role, role: line.role === 'customer' ? 'user' : 'bot' },
    }));
    const handoffContext = {
      caseId: handoffCase.id,
      team: handoffCase.team,
      reason: handoffCase.reason,
      topic: handoffCase.topic,
      collected: handoffCase.collected,
    };
    await context.sendActivity(
      EventFactory.createHandoffInitiation(context, handoffContext, { activities: activities as Activity[] }),
    );
  }

  /** Expected wait for a place in the queue, from the rolling average of recent pickups. */
  async etaMinutes(position: number): Promise<number> {
    const average = (await this.deps.store.averagePickupMs()) ?? DEFAULT_PICKUP_MS;
    return Math.max(1, Math.ceil((position * average) / 60_000));
  }

  /** The customer left the queue ("cancel" while waiting). */
  async cancelByCustomer(handoffCase: HandoffCase): Promise<boolean> {
    const ended = await this.close(handoffCase, 'cancelledByCustomer', 'customer', 'cancelled');
    if (ended) this.updatePositionsLater(handoffCase.team);
    return ended;
  }

  /** Whether `channelId` is a Bot Framework channel whose agent hubs may send `handoff.status`. */
  acceptsHandoffEvents(channelId: string): boolean {
    return this.deps.announcesHandoff?.(channelId) ?? false;
  }

  /**
   * The customer's channel says the conversation cannot be reached any more (the customer
   * blocked the bot): an open case ends with `reason` and no message is sent to the customer.
   * @returns whether an open case was ended.
   */
  async customerUnreachable(conversationKey: string, reason: string): Promise<boolean> {
    const handoffCase = await this.deps.store.activeCase(conversationKey);
    if (!handoffCase) return false;
    if (
      !(await this.close(handoffCase, `customerUnreachable:${reason}`, 'customer', 'unreachable', { reason }))
    )
      return false;
    this.updatePositionsLater(handoffCase.team);
    return true;
  }

  /** A customer wrote while queued or with an agent (the transcript already has it). */
  customerWrote(handoffCase: HandoffCase, text: string): void {
    this.emit('customerMessage', { caseId: handoffCase.id, text });
  }

  /** Whether an agent may see and act on a case. */
  canSee(agent: AgentRef, handoffCase: HandoffCase): boolean {
    if (agent.role !== 'agent') return true;
    if (handoffCase.state === 'withAgent') return handoffCase.agentId === agent.id;
    return agent.teams.includes(handoffCase.team);
  }

  /** Cases an agent sees: the queues of their teams and the cases they hold. */
  async visibleCases(agent: AgentRef): Promise<HandoffCase[]> {
    const queued = (await this.deps.store.queued()).filter((c) => this.canSee(agent, c));
    const held = await this.deps.store.withAgent(agent.role === 'agent' ? agent.id : undefined);
    return [...queued, ...held];
  }

  /** Takes a queued case. Exactly one of two agents claiming at once gets `ok`; the other `conflict`. */
  async claim(caseId: number, agent: AgentRef): Promise<ActionResult> {
    const handoffCase = await this.deps.store.getCase(caseId);
    if (!handoffCase) return 'notFound';
    // Team membership, not current visibility: the loser of a claim race gets `conflict`.
    if (agent.role === 'agent' && !agent.teams.includes(handoffCase.team)) return 'forbidden';
    // The team checked is a condition of the claim: a case moved to another queue meanwhile
    // (on another instance, say) is not taken by an agent outside that team.
    const only = agent.role === 'agent' ? { team: handoffCase.team } : {};
    if (!(await this.deps.store.claim(caseId, agent.id, only))) return 'conflict';
    this.deps.store.audit(agent.id, 'claimed', caseId);
    this.emit('changed', caseId);
    await this.emitCaseOf('claimed', caseId);
    await this.deliver(handoffCase, async (context) => {
      setProactivePurpose(context, 'agentJoined');
      await context.sendActivity(localize(context)('handoff.agentJoined', { agentName: agent.name }));
    });
    await this.updatePositions(handoffCase.team);
    return 'ok';
  }

  /** Sends an agent's reply through the customer's own channel. */
  async reply(caseId: number, agent: AgentRef, text: string): Promise<ActionResult> {
    const handoffCase = await this.deps.store.getCase(caseId);
    if (!handoffCase) return 'notFound';
    if (handoffCase.state === 'ended') return 'conflict';
    if (handoffCase.state !== 'withAgent' || handoffCase.agentId !== agent.id) return 'forbidden';
    await this.deliver(handoffCase, async (context) => {
      setProactivePurpose(context, 'agentReply');
      const sender: OutgoingSender = {
        id: `${AGENT_SENDER_PREFIX}${agent.id}`,
        name: agent.name,
        // "Ana (agent): …" where the channel shows no sender per message (Telegram, WhatsApp).
        signedText: localize(context)('handoff.agentMessage', { agentName: firstName(agent.name), text }),
      };
      await context.sendActivity({
        type: ActivityTypes.Message,
        text,
        channelData: { [SENDER_CHANNEL_DATA_KEY]: sender },
      });
    });
    this.deps.store.audit(agent.id, 'replied', caseId);
    await this.emitCaseOf('replied', caseId);
    return 'ok';
  }

  /** Shows the agent typing, on channels that show it. */
  async typing(caseId: number, agent: AgentRef): Promise<ActionResult> {
    const handoffCase = await this.deps.store.getCase(caseId);
    if (!handoffCase) return 'notFound';
    if (handoffCase.state === 'ended') return 'conflict';
    if (handoffCase.agentId !== agent.id) return 'forbidden';
    await this.deliver(handoffCase, async (context) => {
      await context.sendActivity({ type: ActivityTypes.Typing });
    });
    return 'ok';
  }

  /** Passes a case to another agent, or back to a team's queue. */
  async transfer(
    caseId: number,
    agent: AgentRef,
    to: { agent: AgentRef } | { team: string },
  ): Promise<ActionResult> {
    const handoffCase = await this.deps.store.getCase(caseId);
    if (!handoffCase) return 'notFound';
    if (handoffCase.state === 'ended') return 'conflict';
    if (handoffCase.agentId !== agent.id) return 'forbidden';
    const moved =
      'agent' in to
        ? await this.deps.store.reassign(caseId, agent.id, to.agent.id)
        : this.deps.teams.teams.some((team) => team.id === to.team) &&
          (await this.deps.store.requeue(caseId, agent.id, to.team));
    if (!moved) return 'conflict';
    this.deps.store.audit(
      agent.id,
      'transferred',
      caseId,
      'agent' in to ? { toAgent: to.agent.id } : { toTeam: to.team },
    );
    this.emit('changed', caseId);
    await this.deliver(handoffCase, async (context) => {
      setProactivePurpose(context, 'other');
      await context.sendActivity(localize(context)('handoff.transferred'));
    });
    if ('team' in to) await this.updatePositions(to.team);
    return 'ok';
  }

  /**
   * Ends a case: the customer returns to the bot, which asks the satisfaction question and
   * then resumes the task that was interrupted.
   */
  async end(caseId: number, actor: AgentRef | 'external', disposition: string): Promise<ActionResult> {
    const handoffCase = await this.deps.store.getCase(caseId);
    if (!handoffCase) return 'notFound';
    if (handoffCase.state === 'ended') return 'conflict';
    if (actor !== 'external' && handoffCase.agentId !== actor.id && actor.role === 'agent')
      return 'forbidden';
    const actorId = actor === 'external' ? 'external' : actor.id;
    // An agent ends only a case they still hold: it may have been transferred meanwhile.
    const holder = actor !== 'external' && actor.role === 'agent' ? actor.id : undefined;
    if (!(await this.close(handoffCase, disposition, actorId, 'ended', { disposition }, holder)))
      return 'conflict';
    try {
      await this.signal(handoffCase, 'ended');
    } finally {
      // NOTE: the customers behind move up even when this customer's channel is down.
      await this.updatePositions(handoffCase.team);
    }
    return 'ok';
  }

  /** The digest of a case for its summary, when summaries are configured. */
  caseDigest(handoffCase: HandoffCase, transcript: readonly TranscriptLine[]): CaseDigest | undefined {
    return this.deps.summaries?.digest(handoffCase, transcript);
  }

  /**
   * An agent hub on a Bot Framework channel accepted the case (`handoff.status` accepted):
   * it is with an agent outside Switchboard, and the customers behind move up.
   */
  async acceptedByHub(handoffCase: HandoffCase): Promise<void> {
    if (await this.deps.store.claim(handoffCase.id, 'external')) {
      this.deps.store.audit('external', 'accepted', handoffCase.id);
      this.emit('changed', handoffCase.id);
      await this.emitCaseOf('claimed', handoffCase.id);
      await this.updatePositions(handoffCase.team);
    }
  }

  /**
   * An agent hub ended the case (`handoff.status` completed or failed) in the customer's own
   * turn: the turn tells the waiting dialog, so no bot run is started here.
   * @returns whether the case was open until now.
   */
  async endedByHub(
    handoffCase: HandoffCase,
    outcome: 'completed' | 'failed',
    message?: string,
  ): Promise<boolean> {
    const detail = outcome === 'failed' ? { message } : undefined;
    if (!(await this.close(handoffCase, outcome, 'external', outcome, detail))) return false;
    await this.updatePositions(handoffCase.team);
    return true;
  }

  /** Ends an open case in the store, audits and announces it; false when it had ended already. */
  private async close(
    handoffCase: HandoffCase,
    disposition: string,
    actor: string,
    action: string,
    detail?: Record<string, unknown>,
    holder?: string,
  ): Promise<boolean> {
    if (!(await this.deps.store.end(handoffCase.id, disposition, holder))) return false;
    this.deps.store.audit(actor, action, handoffCase.id, detail);
    this.emit('changed', handoffCase.id);
    await this.emitCaseOf('ended', handoffCase.id);
    return true;
  }

  private emitCase(event: CaseEvent): void {
    this.emit('case', event);
  }

  private async emitCaseOf(kind: 'claimed' | 'replied' | 'ended', caseId: number): Promise<void> {
    const handoffCase = await this.deps.store.getCase(caseId);
    if (handoffCase) this.emitCase({ kind, handoffCase });
  }

  /** Records the customer's 1–5 answer to the satisfaction question, on their last ended case. */
  async recordSatisfaction(conversationKey: string, rating: number): Promise<void> {
    const ended = await this.deps.store.lastEndedCase(conversationKey);
    if (!ended) return;
    await this.deps.store.recordSatisfaction(ended.id, rating);
    this.emitCase({ kind: 'rated', handoffCase: ended, rating });
  }

  /**
   * Appends lines to a conversation's transcript (already redacted), with the next batch of
   * appends (one transaction, off the reply path); every read of the transcript sees them.
   */
  recordTranscript(conversationKey: string, lines: readonly NewTranscriptLine[]): void {
    this.deps.store.appendTranscriptLines(conversationKey, lines);
  }

  /** Appends to the audit log what the console did that is not a case action (logins, tokens, reveals). */
  audit(actor: string, action: string, caseId?: number, detail?: Record<string, unknown>): void {
    this.deps.store.audit(actor, action, caseId, detail);
  }

  /**
   * Closes an open ticket for an agent, audits it and announces it.
   * @returns the closed ticket, or `conflict` when it was closed already.
   */
  async closeTicket(ticket: Ticket, agent: AgentRef): Promise<Ticket | 'conflict'> {
    if (!(await this.deps.store.closeTicket(ticket.id, agent.id))) return 'conflict';
    this.deps.store.audit(agent.id, 'ticketClosed', undefined, { ticket: ticket.id, team: ticket.team });
    this.emit('ticket', ticket.id);
    return (await this.deps.store.ticket(ticket.id)) ?? ticket;
  }

  /** Adds a canned reply for a lead; `conflict` when the name is taken for that locale and team. */
  async createCannedReply(
    reply: Pick<CannedReply, 'name' | 'locale' | 'team' | 'text'>,
    lead: AgentRef,
  ): Promise<CannedReply | 'conflict'> {
    const created = await this.deps.store.createCannedReply({ ...reply, updatedBy: lead.id });
    if (!created) return 'conflict';
    this.deps.store.audit(lead.id, 'cannedReplyCreated', undefined, { cannedReply: created.id });
    return created;
  }

  /** Changes a canned reply for a lead. */
  async updateCannedReply(
    id: number,
    reply: Pick<CannedReply, 'name' | 'locale' | 'team' | 'text'>,
    lead: AgentRef,
  ): Promise<CannedReply | 'notFound' | 'conflict'> {
    const updated = await this.deps.store.updateCannedReply(id, { ...reply, updatedBy: lead.id });
    if (typeof updated !== 'string')
      this.deps.store.audit(lead.id, 'cannedReplyChanged', undefined, { cannedReply: id });
    return updated;
  }

  /** Deletes a canned reply for a lead; false when there was none. */
  async deleteCannedReply(id: number, lead: AgentRef): Promise<boolean> {
    const deleted = await this.deps.store.deleteCannedReply(id);
    if (deleted) this.deps.store.audit(lead.id, 'cannedReplyDeleted', undefined, { cannedReply: id });
    return deleted;
  }

  /** Runs the bot in the case's conversation with a handoff signal (ended, failed, …). */
  async signal(handoffCase: HandoffCase, signal: HandoffSignal): Promise<void> {
    await this.deliver(handoffCase, async (context) => {
      // After an agent ends the case the bot asks the satisfaction question.
      setProactivePurpose(context, signal === 'ended' ? 'survey' : 'other');
      setHandoffSignal(context, signal);
      await this.deps.runBot(context);
    });
  }

  /** Leaves a message for a closed team; it becomes a ticket in the console, redacted like the transcript. */
  async leaveMessage(
    context: TurnContext,
    team: string,
    text: string,
    collected: Record<string, unknown>,
  ): Promise<Ticket> {
    const { locale } = turnLanguage(context);
    const redactor = this.deps.redactor ?? new LocalPiiRedactor();
    const ticket = await this.deps.store.createTicket({
      conversationKey: conversationKey(context),
      team,
      locale,
      text: await redactor.redact(text, locale),
      collected,
    });
    this.deps.store.audit('customer', 'ticketCreated', undefined, { ticket: ticket.id, team });
    this.emit('ticket', ticket.id);
    return ticket;
  }

  /**
   * Tells each waiting customer of a team their new place, when it changed and the last update
   * is older than the minimum interval. A failed delivery is logged and retried next time.
   */
  async updatePositions(team: string): Promise<void> {
    const now = this.now().getTime();
    for (const waiting of await this.deps.store.queued([team])) {
      const position = await this.deps.store.position(waiting);
      if (position === waiting.positionSent) continue;
      if (waiting.positionSentAt !== undefined && now - waiting.positionSentAt < this.positionUpdateMinMs)
        continue;
      try {
        await this.deliver(waiting, async (context) => {
          setProactivePurpose(context, 'queueUpdate');
          await context.sendActivity(
            localize(context)('handoff.position', { position, minutes: await this.etaMinutes(position) }),
          );
        });
        await this.deps.store.markPositionSent(waiting.id, position);
      } catch (error) {
        this.deps.logger.warn({ err: error, caseId: waiting.id }, 'queue position update not delivered');
      }
    }
  }

  /** {@link updatePositions} off the customer's turn; a failure (the database) is logged. */
  private updatePositionsLater(team: string): void {
    this.updatePositions(team).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, team }, 'queue positions not updated');
    });
  }

  private async deliver(
    handoffCase: HandoffCase,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const sender = this.deps.channels.get(handoffCase.channelId) ?? this.deps.channels.get('default');
    if (!sender)
      throw new Error(`HandoffDesk.deliver(): no adapter can reach channel ${handoffCase.channelId}`);
    // NOTE: the shared turn path recovers from a failed turn (the customer keeps their
    // conversation); a reply that did not reach the customer must still fail the delivery, so
    // the agent is told `delivered: false` instead of believing it went out.
    let failure: Error | undefined;
    await sender(handoffCase.reference, async (context) => {
      try {
        await logic(context);
      } catch (error) {
        if (!isDeliveryFailure(error)) throw error;
        failure = error as Error;
      }
    });
    if (failure !== undefined) throw failure;
  }
}
