import fs from 'node:fs';
import path from 'node:path';
import { SUPPORTED_LOCALES, type Config } from './config';
import { SharedDatabase } from './database';
import { localesDir } from './i18n';
import {
  CONTENT_MIGRATIONS,
  ContentStore,
  mergeContent,
  nestTexts,
  openContentDatabase,
  readShippedContent,
  valueOf,
  type LocaleContent,
} from './content';
import { planImport, readContentFiles, writeContentFiles } from './content/contentImport';
import { STATE_DB_FILE } from './storage';

/** Who imports, in the content history. */
const IMPORT_ACTOR = 'cli import';

type ContentConfig = Pick<Config, 'storage' | 'dataDir' | 'database'>;

/** The content database the server of `config` uses, or undefined when there is none yet. */
function openExisting(config: ContentConfig): SharedDatabase | undefined {
  if (config.storage === 'postgres' && config.database) {
    return new SharedDatabase({ dialect: 'postgres', ...config.database }, [CONTENT_MIGRATIONS]);
  }
  if (config.storage === 'memory') return undefined;
  if (!fs.existsSync(path.join(config.dataDir, STATE_DB_FILE))) return undefined;
  return openContentDatabase(config).database;
}

async function currentContent(store: ContentStore | undefined): Promise<Record<string, LocaleContent>> {
  const shipped = readShippedContent(localesDir(), SUPPORTED_LOCALES);
  return store ? mergeContent(shipped, await store.overrides()) : shipped;
}

const where = (config: ContentConfig): string =>
  config.storage === 'postgres' ? 'the database at DATABASE_URL' : path.join(config.dataDir, STATE_DB_FILE);

/**
 * `content export --out DIR` writes the content the bot uses (shipped files and the leads'
 * edits) as locale files; `content import DIR` loads such files as a new version (one change per
 * key that differs, in the history; a running server picks it up within seconds). Exit codes: 0
 * done, 1 refused or failed, 2 usage.
 */
export async function contentCommand(
  args: string[],
  options: { out?: string },
  config: ContentConfig,
  io: { out: (text: string) => void; err: (text: string) => void },
): Promise<number> {
  const [action, dir, ...extra] = args;
  if (action === 'export' && dir === undefined && extra.length === 0 && options.out) {
    const database = openExisting(config);
    try {
      const content = await currentContent(database && new ContentStore(database));
      writeContentFiles(options.out, content, nestTexts);
      if (!database) io.err(`cli content: no edits yet (no ${where(config)}); exported the shipped files\n`);
      io.out(`exported ${Object.keys(content).join(', ')} to ${options.out}\n`);
      return 0;
    } finally {
      await database?.close();
    }
  }
  if (action === 'import' && dir !== undefined && extra.length === 0) {
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
      io.err(`cli content import: ${dir} is not a folder\n`);
      return 1;
    }
    const database = openExisting(config);
    if (!database) {
      io.err(
        `cli content import: there is no ${where(config)}; start the server once with this DATA_DIR (${config.dataDir}), or set STORAGE and DATA_DIR as the server has them\n`,
      );
      return 1;
    }
    try {
      const store = new ContentStore(database);
      const current = await currentContent(store);
      const read = readContentFiles(dir, current);
      const plan = read.problems.length > 0 ? { problems: read.problems } : planImport(current, read.content);
      if ('problems' in plan) {
        for (const problem of plan.problems) io.err(`${problem}\n`);
        io.err(`cli content import: nothing imported (${plan.problems.length} problem(s))\n`);
        return 1;
      }
      const shipped = readShippedContent(localesDir(), SUPPORTED_LOCALES);
      // One transaction: a running server never sees half an import.
      await store.changeAll(
        plan.changes.map((change) => {
          const base = shipped[change.locale];
          const shippedValue = base ? valueOf(base, change.kind, change.key) : undefined;
          return { ...change, actor: IMPORT_ACTOR, shipped: shippedValue ?? null };
        }),
        Date.now(),
      );
      io.out(`imported ${plan.changes.length} change(s) from ${dir}\n`);
      return 0;
    } finally {
      await database.close();
    }
  }
  io.err('cli content: use `content export --out DIR` or `content import DIR`\n');
  return 2;
}
