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
