import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { SqliteStorage } from '../bot/storage';

/** A conversation as the bot stored it: its conversation row and, when it has one, its user row. */
export interface StoredConversation {
  conversationId: string;
  conversation: { key: string; value: string };
  user?: { key: string; value: string };
}

const CONVERSATION_KEY = /^([^/]+)\/conversations\/(.+)\/$/;

/**
 * Reads the conversations the bot stored in its state database (`DATA_DIR/state.sqlite`), with the
 * user row of each (the benchmark's customers have user id `user-<conversation id>`). The bot may
 * be running: the file is in WAL mode, so reading does not disturb it.
 */
export function readStoredConversations(file: string, limit: number): StoredConversation[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare<[number], { key: string; value: string }>(
        "SELECT key, value FROM state WHERE key LIKE '%/conversations/%' LIMIT ?",
      )
      .all(limit);
    const userRow = db.prepare<[string], { key: string; value: string }>(
      'SELECT key, value FROM state WHERE key = ?',
    );
    return rows.flatMap((row) => {
      const match = CONVERSATION_KEY.exec(row.key);
      if (!match?.[1] || !match[2]) return [];
      const [, channelId, conversationId] = match;
      const user = userRow.get(`${channelId}/users/user-${conversationId}/`);
      return [{ conversationId, conversation: row, ...(user ? { user } : {}) }];
    });
  } finally {
    db.close();
  }
}

/** A state row as the benchmark stores it. */
export interface StateRow {
  key: string;
  value: string;
}

/**
 * `count` conversations cloned in turn from `templates` (real rows the bot wrote) under new
 * conversation and user ids (`<idPrefix>-<i>`): their conversation row and, when the template
 * has one, their user row.
 */
export function* cloneConversations(
  templates: readonly StoredConversation[],
  count: number,
  idPrefix: string,
): Generator<StateRow> {
  if (templates.length === 0) throw new Error('cloneConversations(): no stored conversation to clone');
  for (let i = 0; i < count; i++) {
    const template = templates[i % templates.length] as StoredConversation;
    const id = `${idPrefix}-${i}`;
    for (const row of [template.conversation, ...(template.user ? [template.user] : [])]) {
      yield {
        key: row.key.replaceAll(template.conversationId, id),
        value: row.value.replaceAll(template.conversationId, id),
      };
    }
  }
}

/**
 * Stores `count` conversations in a state database (see {@link cloneConversations}), in one
 * transaction. Creates the database with the bot's own schema when missing. Returns the number
 * of rows the database then holds.
 */
export function prefillConversations(
  file: string,
  templates: readonly StoredConversation[],
  count: number,
  idPrefix: string,
): number {
  const rows = cloneConversations(templates, count, idPrefix);
  // The bot's storage class creates the file and its table exactly as the bot does.
  new SqliteStorage(file).close();
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare<[string, string, string, number]>(
      'INSERT INTO state (key, value, etag, updated_at) VALUES (?, ?, ?, ?)',
    );
    const now = Date.now();
    db.transaction(() => {
      for (const row of rows) insert.run(row.key, row.value, randomUUID(), now);
    })();
    return (db.prepare('SELECT COUNT(*) AS n FROM state').get() as { n: number }).n;
  } finally {
    db.close();
  }
}
