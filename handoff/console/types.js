// @ts-check
/**
 * The shapes of the console API's answers, as the page uses them (see handoff/README.md).
 * Types only: nothing imports this file at run time.
 */

/**
 * @typedef {'agent' | 'lead' | 'admin'} Role
 * @typedef {{ id: number, username: string, name: string, role: Role, teams: string[] }} Agent
 * @typedef {{ agent: Agent, csrfToken: string }} Session
 * @typedef {{ id: string, name: string, open: boolean }} Team
 *
 * @typedef {object} CaseItem
 * @property {number} id
 * @property {'queued' | 'withAgent' | 'ended'} state
 * @property {string | null} [customerName]
 * @property {string} topic
 * @property {string} team
 * @property {string} channel
 * @property {string} [channelName]
 * @property {string} locale
 * @property {number} waitingSeconds
 * @property {number} [position]
 * @property {number | null} [agentId]
 * @property {string | null} [agentName]
 * @property {string} [reason]
 * @property {string} [reasonText]
 * @property {string | null} [disposition]
 * @property {string | null} [dispositionText]
 * @property {string[]} [tags]
 * @property {string | null} [endedAt]
 * @property {Record<string, unknown>} [collected]
 * @property {{ id: number }[]} [openTickets]
 *
 * @typedef {{ id: number, role: string, text: string, at: string, agentName?: string, redacted?: boolean }} TranscriptLine
 * @typedef {{ status: string, at: string, problem?: string }} DeliveryReport
 * @typedef {{ id: number, team: string }} TicketLink
 *
 * @typedef {object} CaseDetail
 * @property {CaseItem} case
 * @property {string} summary
 * @property {number} [sentiment]
 * @property {Record<string, unknown>} [collected]
 * @property {TranscriptLine[]} transcript
 * @property {DeliveryReport[]} [delivery]
 * @property {TicketLink[]} [openTickets]
 *
 * @typedef {object} Ticket
 * @property {number} id
 * @property {string} team
 * @property {string} channel
 * @property {string} locale
 * @property {string} text
 * @property {'open' | 'closed'} status
 * @property {string} createdAt
 * @property {Record<string, unknown>} [collected]
 *
 * @typedef {{ id: number, name: string, locale: string, team: string, text: string, missing?: string[] }} CannedReply
 * @typedef {{ name: string, ready: boolean, checks?: Record<string, { state?: string, problem?: string }>, linkQrSvg?: string }} ChannelStatus
 *
 * @typedef {{ id: string, questions: string[], answer: string }} FaqEntry
 * @typedef {object} Content
 * @property {string} locale
 * @property {Record<string, string>} texts
 * @property {Record<string, string[]>} intents
 * @property {FaqEntry[]} faq
 * @property {{ texts: string[], intents: string[], faq: string[] }} [changed] keys that differ from the shipped files
 * @typedef {{ id: number, at: string, actor: string, locale: string, kind: 'text' | 'intent' | 'faq', key: string, before: unknown, after: unknown, revertOf?: number }} ContentChange
 * @typedef {{ id: number, text: string, locale: string, count: number, lastSeen: string }} Unrecognized
 * @typedef {{ text: string, locale: string, detectedLocale?: string, intent: string, score: number, entities?: unknown }} Recognition
 */

export {};
