import type { Generated } from 'kysely';

/**
 * The tables Switchboard keeps in its database, the same in SQLite and PostgreSQL. Columns use
 * types both dialects store alike: text, integer milliseconds since the epoch, JSON as text.
 */
export interface Tables {
  /** Bot Framework state (conversation and user state, dialog stacks, dedupe records). */
  state: StateTable;
  /** Secrets the bot generated for itself (link signing, Direct Line, transcript seal). */
  secret: SecretTable;
  /** Direct Line conversations, their activities in watermark order, and uploads. */
  dl_conversations: DirectLineConversationTable;
  dl_activities: DirectLineActivityTable;
  dl_uploads: DirectLineUploadTable;
  /** The support leads' edits of the shipped locale files, their history, and the unrecognized inbox. */
  content_override: ContentOverrideTable;
  content_change: ContentChangeTable;
  content_unrecognized: ContentUnrecognizedTable;
  /** The console's agent accounts and their sessions (cookies and bearer tokens). */
  agents: AgentTable;
  agent_sessions: AgentSessionTable;
  /** The embedded demo shop (services/demo): its seed, orders, returns, services and bookings. */
  shop_meta: ShopMetaTable;
  shop_customers: ShopCustomerTable;
  shop_orders: ShopOrderTable;
  shop_order_items: ShopOrderItemTable;
  shop_returns: ShopReturnTable;
  shop_return_items: ShopReturnItemTable;
  shop_services: ShopServiceTable;
  shop_opening_hours: ShopOpeningHoursTable;
  shop_holidays: ShopHolidayTable;
  shop_bookings: ShopBookingTable;
  /** Human handoff: cases and their queue, transcripts, pickup times, tickets, canned replies, audit log. */
  cases: HandoffCaseTable;
  transcript: HandoffTranscriptTable;
  pickups: HandoffPickupTable;
  tickets: HandoffTicketTable;
  canned_replies: HandoffCannedReplyTable;
  audit: HandoffAuditTable;
}

/**
 * NOTE: PostgreSQL returns `bigint` columns (the times) and counts as strings; the handoff store
 * reads them through `Number()`.
 */
export interface HandoffCaseTable {
  id: Generated<number>;
  conversation_key: string;
  /** `queued`, `withAgent` or `ended`. */
  state: string;
  channel_id: string;
  /** The conversation reference, as JSON. */
  reference: string;
  locale: string;
  customer_name: string | null;
  reason: string;
  topic: string;
  sentiment: number | null;
  /** JSON array. */
  tags: string;
  team: string;
  agent_id: string | null;
  boost_ms: number;
  /** JSON object. */
  collected: string;
  queued_at: number;
  assigned_at: number | null;
  ended_at: number | null;
  disposition: string | null;
  satisfaction: number | null;
  position_sent: number | null;
  position_sent_at: number | null;
}

export interface HandoffTranscriptTable {
  id: Generated<number>;
  conversation_key: string;
  at: number;
  /** `customer`, `bot`, `agent` or `system`. */
  role: string;
  agent_id: string | null;
  /** Redacted. */
  text: string;
  /** The sealed original of a redacted customer line. */
  original: string | null;
}

export interface HandoffPickupTable {
  at: number;
  wait_ms: number;
}

export interface HandoffTicketTable {
  id: Generated<number>;
  conversation_key: string;
  team: string;
  locale: string;
  text: string;
  /** JSON object. */
  collected: string;
  created_at: number;
  /** `open` or `closed`. */
  status: string;
  closed_by: string | null;
  closed_at: number | null;
}

export interface HandoffCannedReplyTable {
  id: Generated<number>;
  name: string;
  locale: string;
  team: string;
  text: string;
  updated_at: number;
  updated_by: string;
}

export interface HandoffAuditTable {
  id: Generated<number>;
  at: number;
  actor: string;
  action: string;
  case_id: number | null;
  /** JSON object. */
  detail: string | null;
}

export interface AgentTable {
  id: string;
  /** Unique whatever its case (`Ana` and `ana` are one account). */
  username: string;
  name: string;
  /** `agent`, `lead` or `admin`. */
  role: string;
  /** The team ids, as a JSON array. */
  teams: string;
  /** `scrypt$<salt>$<key>`, both base64. */
  password_hash: string;
  /** 1 when logins are refused. */
  disabled: Generated<number>;
  created_at: number;
}

export interface AgentSessionTable {
  /** SHA-256 (hex) of the cookie or bearer value; the value itself is never stored. */
  token_hash: string;
  agent_id: string;
  csrf_token: string;
  /** `cookie` or `bearer`. */
  kind: string;
  expires_at: number;
}

// ---- the demo shop (services/demo/migrations.ts); instants are ISO strings in UTC, dates ISO dates

export interface ShopMetaTable {
  /** `seededAt`: when the shop was seeded (the seed's dates count from it). */
  key: string;
  value: string;
}

export interface ShopCustomerTable {
  id: string;
  name: string;
  email: string;
  phone: string;
  postcode: string;
}

export interface ShopOrderTable {
  number: string;
  customer_id: string;
  status: string;
  placed_at: string;
  carrier: string | null;
  tracking_number: string | null;
  /** An ISO date. */
  expected_delivery: string | null;
  delivered_at: string | null;
}

export interface ShopOrderItemTable {
  order_number: string;
  sku: string;
  name: string;
  category: string;
  quantity: number;
  /** The item's name by locale, as JSON; `{}` for none. */
  names_json: Generated<string>;
  /** The item's place in its order. */
  position: Generated<number>;
}

export interface ShopReturnTable {
  rma: string;
  idempotency_key: string;
  order_number: string;
  reason: string;
  refund_method: string;
  created_at: string;
}

/** An order item in a return; its primary key (order_number, sku) keeps it in one return only. */
export interface ShopReturnItemTable {
  order_number: string;
  sku: string;
  rma: string;
  position: Generated<number>;
}

export interface ShopServiceTable {
  id: string;
  name: string;
  names_json: string;
  duration_minutes: number;
  /** Bookings one slot takes. */
  capacity: number;
  position: Generated<number>;
}

export interface ShopOpeningHoursTable {
  /** 1 (Monday) to 7. */
  weekday: number;
  /** Local `HH:mm` in the shop's timezone. */
  open: string;
  close: string;
}

export interface ShopHolidayTable {
  date: string;
  name: string;
}

export interface ShopBookingTable {
  reference: string;
  idempotency_key: string | null;
  service_id: string;
  start: string;
  end: string;
  /** `confirmed` or `cancelled`. */
  status: string;
  email: string | null;
  phone: string | null;
  created_at: string;
}
// ---- end of the demo shop

export interface ContentOverrideTable {
  locale: string;
  /** `text`, `intent` or `faq`. */
  kind: string;
  /** The dotted text key, the intent name or the FAQ id. */
  key: string;
  /** The value as JSON; `null` removes a shipped entry. */
  value: string;
  updated_at: number;
  updated_by: string;
}

export interface ContentChangeTable {
  id: Generated<number>;
  at: number;
  actor: string;
  locale: string;
  kind: string;
  key: string;
  /** JSON of the value before and after; null where there was none (a new or a removed FAQ entry). */
  before: string | null;
  after: string | null;
  /** The change this one undid. */
  revert_of: number | null;
}

export interface ContentUnrecognizedTable {
  id: Generated<number>;
  locale: string;
  /** The redacted text, normalized, by which repeats are counted together. */
  normalized: string;
  /** The redacted text as a customer last wrote it. */
  text: string;
  count: number;
  first_seen: number;
  last_seen: number;
  /** `open`, `assigned` or `dismissed`. */
  status: string;
}

export interface DirectLineConversationTable {
  id: string;
  user_id: string;
  locale: string | null;
  /** What the shop's server vouched for about the customer, as JSON. */
  customer: string | null;
  created_at: number;
  last_activity_at: number;
  /** The watermark of the newest activity. */
  last_seq: number;
}

export interface DirectLineActivityTable {
  conversation_id: string;
  seq: number;
  type: string;
  client_activity_id: string | null;
  json: string;
  created_at: number;
}

export interface DirectLineUploadTable {
  id: string;
  conversation_id: string;
  name: string;
  content_type: string;
  data: Buffer;
  created_at: number;
}

export interface SecretTable {
  name: string;
  value: string;
  created_at: number;
}

export interface StateTable {
  key: string;
  /** The item as JSON, without its eTag. */
  value: string;
  etag: string;
  updated_at: number;
}

/** A column the database fills itself; exported so later tables can use it. */
export type AutoIncrement = Generated<number>;
