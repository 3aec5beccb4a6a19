import { sql, type Kysely } from 'kysely';
import { schemaReady, type SharedDatabase } from '../bot/database';
import type { MigrationSet } from '../bot/database/migrations';

/**
 * The agent directory's schema versions (see bot/database/migrations.ts for the rules): the
 * console's accounts and their sessions, in the handoff database (DATA_DIR/handoff.sqlite) or
 * the shared PostgreSQL database, so a session one instance starts is valid on every other.
 */
export const AGENT_MIGRATIONS: MigrationSet = {
  store: 'agents',
  migrations: {
    '0001_agents': {
      async up(db: Kysely<unknown>): Promise<void> {
        // NOTE: `IF NOT EXISTS` throughout: a handoff.sqlite from before migrations already has
        // both tables, in this shape (its `username` also `UNIQUE COLLATE NOCASE`), and keeps its rows.
        await db.schema
          .createTable('agents')
          .ifNotExists()
          .addColumn('id', 'text', (column) => column.primaryKey())
          .addColumn('username', 'text', (column) => column.notNull())
          .addColumn('name', 'text', (column) => column.notNull())
          .addColumn('role', 'text', (column) => column.notNull())
          .addColumn('teams', 'text', (column) => column.notNull())
          .addColumn('password_hash', 'text', (column) => column.notNull())
          .addColumn('disabled', 'integer', (column) => column.notNull().defaultTo(0))
          .addColumn('created_at', 'bigint', (column) => column.notNull())
          .execute();
        // Usernames are unique whatever their case, in both dialects: lookups compare `lower()`.
        // They are ASCII (AgentDirectory.create() checks), where both dialects' lower() agree.
        await sql`create unique index if not exists agents_username_lower on agents (lower(username))`.execute(
          db,
        );
        await db.schema
          .createTable('agent_sessions')
          .ifNotExists()
          .addColumn('token_hash', 'text', (column) => column.primaryKey())
          .addColumn('agent_id', 'text', (column) => column.notNull())
          .addColumn('csrf_token', 'text', (column) => column.notNull())
          .addColumn('kind', 'text', (column) => column.notNull())
          .addColumn('expires_at', 'bigint', (column) => column.notNull())
          .execute();
        // Ending an account's sessions (disable, new password) and sweeping expired ones.
        await db.schema
          .createIndex('agent_sessions_agent')
          .ifNotExists()
          .on('agent_sessions')
          .column('agent_id')
          .execute();
        await db.schema
          .createIndex('agent_sessions_expiry')
          .ifNotExists()
          .on('agent_sessions')
          .column('expires_at')
          .execute();
      },
      async down(db: Kysely<unknown>): Promise<void> {
        for (const table of ['agent_sessions', 'agents']) await db.schema.dropTable(table).execute();
      },
    },
  },
};

/** Settles when `database` holds the agent tables (see {@link schemaReady}). */
export function agentsSchemaReady(database: SharedDatabase): Promise<void> {
  return schemaReady(database, AGENT_MIGRATIONS);
}
