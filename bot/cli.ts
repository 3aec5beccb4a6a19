import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AGENT_ROLES, generatePassword, type AgentAccount, type AgentRole } from '../handoff/agentDirectory';
import { HANDOFF_DATABASE_FILE, openHandoffDatabase, type HandoffDatabase } from '../handoff';
import { loadTeamsConfig } from '../handoff/teams';
import { SUPPORTED_LOCALES, loadConfig } from './config';
import { localesDir } from './i18n';
import { LocalLanguageDetector } from './language/languageDetection';
import { TrainedRecognizer } from './language/trainedRecognizer';
import { checkLocales } from './localeCheck';
import { customersCommand } from './privacy/customersCommand';
import { contentCommand } from './contentCommand';
import { openSharedDeps } from './sharedDeps';
import {
  defaultLocaleFromEnv,
  readPhraseRequests,
  recognizePhrase,
  type PhraseRequest,
} from './recognizeCommand';

const USAGE = `Usage: npm run --silent cli -- <command>

Commands:
  recognize [--locale <locale>] <text>   the intent the bot reads in <text>: one JSON object
                                         {text, locale, detectedLocale, intent, score, entities}
  recognize --jsonl <file>               the same for each line {"text": "...", "locale": "es"}
                                         of <file> (locale optional: detected), one per line
  locales check                          every locale bundle against English: missing and extra
                                         keys, placeholders, plural forms (errors) and texts
                                         identical to English (warnings)

Content (what support leads edit in the console's studio; with the server's DATA_DIR and STORAGE):
  content export --out <dir>             the texts, intent examples and FAQ the bot uses now (the
                                         shipped files with the leads' edits) as locale files
  content import <dir>                   loads such files as a new version: one change per key
                                         that differs, in the history; refused when a file breaks
                                         a rule of locales check; live within seconds

Agent console accounts (in DATA_DIR/handoff.sqlite, which the server creates on its first
start: run these with the server's DATA_DIR, e.g. DATA_DIR=/srv/switchboard/data; with
STORAGE=postgres in the database at DATABASE_URL, which every instance shares):
  agents add <username> --name "Full Name" --role agent|lead|admin --teams support,orders-es
                                         create an account; prints its password once
  agents list                            every account with role, teams and status
  agents passwd <username>               a new generated password (ends the account's sessions)
  agents disable <username>              refuse logins and end the account's sessions
  agents enable <username>               allow logins again
  agents token <username>                a bearer token for another help desk (valid 12 hours)

Customer data (GDPR articles 15 and 17; with the server's DATA_DIR and STORAGE/DATABASE_URL):
  customers export --email E | --phone P | --channel-user CHANNEL:ID [--out FILE]
                                         everything Switchboard holds about the customer, as one
                                         JSON document (exit 1 when it holds nothing)
  customers erase --email E | --phone P | --channel-user CHANNEL:ID
                                         delete it from every store; prints {erased: {store: n}};
                                         erasing again removes nothing (both are audited)
`;

/** Who changes accounts from the command line, in the audit log. */
const CLI_ACTOR = 'cli';

function describeAccount(account: AgentAccount): string {
  const teams = account.teams.length > 0 ? account.teams.join(',') : '-';
  return `${account.username}\t${account.name}\t${account.role}\t${teams}\t${account.disabled ? 'disabled' : 'active'}`;
}

/** `agents …`: manages console accounts. Exit codes: 0 done, 1 failed, 2 usage. */
async function agentsCommand(
  args: string[],
  options: { name?: string; role?: string; teams?: string },
): Promise<number> {
  const [action, username, ...extra] = args;
  const usage = (message: string): number => {
    process.stderr.write(`cli agents: ${message}\n\n${USAGE}`);
    return 2;
  };
  if (action === undefined) return usage('name an action: add, list, passwd, disable, enable or token');
  if (!['add', 'list', 'passwd', 'disable', 'enable', 'token'].includes(action)) {
    return usage(`unknown action "${action}"`);
  }
  if (action !== 'list' && username === undefined) return usage(`${action} needs a username`);
  if (extra.length > 0) return usage(`unexpected arguments: ${extra.join(' ')}`);

  const config = loadConfig();
  // With STORAGE=postgres the accounts, sessions and the audit log are the shared database's,
  // as the servers'.
  let shared: Awaited<ReturnType<typeof openSharedDeps>> = {};
  if (config.storage === 'postgres') {
    try {
      shared = await openSharedDeps(config);
    } catch (error) {
      throw new Error(
        `cannot open the database at DATABASE_URL (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
  // NOTE: opening would create an empty database wherever DATA_DIR happens to point (./data
  // when unset): accounts added there would never reach the running server.
  const file = path.join(config.dataDir, HANDOFF_DATABASE_FILE);
  if (!shared.database && !fs.existsSync(file)) {
    const where =
      process.env.DATA_DIR === undefined || process.env.DATA_DIR === ''
        ? `DATA_DIR is not set, so ${config.dataDir}`
        : `DATA_DIR=${process.env.DATA_DIR}, that is ${config.dataDir}`;
    process.stderr.write(
      `cli agents ${action}: there is no handoff database in ${config.dataDir} (${where}).
` +
        `The CLI changes the accounts of a server's database and does not create one: run it with the
` +
        `server's DATA_DIR, e.g. DATA_DIR=/srv/switchboard/data npm run --silent cli -- agents ${action}
` +
        `(the server creates ${HANDOFF_DATABASE_FILE} on its first start), or with its STORAGE=postgres
` +
        `and DATABASE_URL.
`,
    );
    return 1;
  }
  let database: HandoffDatabase;
  try {
    database = openHandoffDatabase(config.dataDir, shared.secrets, shared.database);
    await database.ready;
  } catch (error) {
    await shared.database?.close();
    throw new Error(
      `cannot open the handoff database in ${config.dataDir} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const { agents, store } = database;
  const missing = (): number => {
    process.stderr.write(`cli agents ${action}: no account named "${username}"\n`);
    return 1;
  };
  try {
    switch (action) {
      case 'add': {
        const name = username as string;
        const role = (options.role ?? 'agent') as AgentRole;
        if (!AGENT_ROLES.includes(role)) return usage(`--role must be one of ${AGENT_ROLES.join(', ')}`);
        const teams = (options.teams ?? '')
          .split(',')
          .map((team) => team.trim())
          .filter(Boolean);
        if (role === 'agent' && teams.length === 0) {
          return usage('an agent needs --teams (the queues they work), e.g. --teams support');
        }
        const known = loadTeamsConfig(config.handoff.teamsFile).teams.map((team) => team.id);
        const unknown = teams.filter((team) => !known.includes(team));
        if (unknown.length > 0) {
          return usage(
            `--teams: ${unknown.map((team) => `"${team}"`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in ` +
              `the teams file ${config.handoff.teamsFile} (HANDOFF_TEAMS_FILE); its teams: ${known.join(', ')}`,
          );
        }
        const password = generatePassword();
        let account: AgentAccount;
        try {
          account = await agents.create({
            username: name,
            name: options.name ?? name,
            role,
            teams,
            password,
          });
        } catch (error) {
          process.stderr.write(`cli agents add: ${error instanceof Error ? error.message : String(error)}\n`);
          return 1;
        }
        store.audit(CLI_ACTOR, 'agentCreated', undefined, { agent: account.id, role, teams });
        process.stdout.write(
          `created ${account.role} "${account.username}" (${account.name})` +
            `${teams.length > 0 ? `, teams ${teams.join(', ')}` : ''}\n` +
            `password (shown only now; hand it over privately): ${password}\n`,
        );
        return 0;
      }
      case 'list': {
        const accounts = await agents.list();
        process.stdout.write('username\tname\trole\tteams\tstatus\n');
        for (const account of accounts) process.stdout.write(`${describeAccount(account)}\n`);
        return 0;
      }
      case 'passwd': {
        const account = await agents.find(username as string);
        if (!account) return missing();
        const password = generatePassword();
        await agents.setPassword(account.id, password);
        store.audit(CLI_ACTOR, 'passwordReset', undefined, { agent: account.id });
        process.stdout.write(
          `new password for "${account.username}" (shown only now; its sessions have ended): ${password}\n`,
        );
        return 0;
      }
      case 'disable':
      case 'enable': {
        const account = await agents.find(username as string);
        if (!account) return missing();
        await agents.setDisabled(account.id, action === 'disable');
        store.audit(CLI_ACTOR, action === 'disable' ? 'agentDisabled' : 'agentEnabled', undefined, {
          agent: account.id,
        });
        process.stdout.write(
          `"${account.username}" is ${action === 'disable' ? 'disabled; its sessions have ended' : 'enabled'}\n`,
        );
        return 0;
      }
      default: {
        // token
        const account = await agents.find(username as string);
        if (!account) return missing();
        if (account.disabled) {
          process.stderr.write(`cli agents token: "${account.username}" is disabled; enable it first\n`);
          return 1;
        }
        const { token, session } = await agents.startSession(account, 'bearer');
        store.audit(CLI_ACTOR, 'tokenIssued', undefined, { agent: account.id, expiresAt: session.expiresAt });
        process.stdout.write(`${token}\n`);
        process.stderr.write(
          `bearer token for "${account.username}", valid until ${new Date(session.expiresAt).toISOString()}; ` +
            'send it as "Authorization: Bearer <token>" to /api/console/…\n',
        );
        return 0;
      }
    }
  } finally {
    await database.close();
    await shared.database?.close();
  }
}

/** `recognize …`: prints what the bot reads in phrases. Exit codes: 0 done, 1 bad file, 2 usage. */
async function recognizeCommand(text: string, options: { locale?: string; jsonl?: string }): Promise<number> {
  let requests: PhraseRequest[];
  if (options.jsonl !== undefined) {
    if (text) {
      process.stderr.write('cli recognize: give either a text or --jsonl <file>, not both\n');
      return 2;
    }
    try {
      requests = readPhraseRequests(options.jsonl);
    } catch (error) {
      process.stderr.write(`cli recognize: ${error instanceof Error ? error.message : String(error)}\n`);
      return 1;
    }
  } else if (text) {
    requests = [{ text, ...(options.locale === undefined ? {} : { locale: options.locale }) }];
  } else {
    process.stderr.write('cli recognize: give the text to recognize, e.g. recognize "where is my order"\n');
    return 2;
  }
  const defaultLocale = defaultLocaleFromEnv();
  const deps = {
    recognizer: TrainedRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES),
    detector: await LocalLanguageDetector.load(SUPPORTED_LOCALES, defaultLocale),
    defaultLocale,
  };
  for (const request of requests) {
    process.stdout.write(`${JSON.stringify(await recognizePhrase(request, deps))}\n`);
  }
  return 0;
}

/** `locales check`: problems of every bundle; exit 1 when there are errors, warnings alone pass. */
function localesCommand(args: string[]): number {
  const [action = 'check', ...extra] = args;
  if (action !== 'check' || extra.length > 0) {
    process.stderr.write(`cli locales: unknown action "${args.join(' ')}"; try: locales check\n\n${USAGE}`);
    return 2;
  }
  const problems = checkLocales();
  for (const problem of problems) {
    process.stdout.write(`${problem.locale}: ${problem.severity}: ${problem.message}\n`);
  }
  const errors = problems.filter((problem) => problem.severity === 'error').length;
  const warnings = problems.length - errors;
  process.stdout.write(
    errors === 0
      ? `locales ${SUPPORTED_LOCALES.join(', ')}: complete${warnings > 0 ? ` (${warnings} warning(s))` : ''}\n`
      : `${errors} error(s), ${warnings} warning(s)\n`,
  );
  return errors === 0 ? 0 : 1;
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      locale: { type: 'string', short: 'l' },
      jsonl: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      name: { type: 'string' },
      role: { type: 'string' },
      teams: { type: 'string' },
      email: { type: 'string' },
      phone: { type: 'string' },
      'channel-user': { type: 'string' },
      out: { type: 'string' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'recognize':
      return recognizeCommand(rest.join(' '), values);
    case 'locales':
      return localesCommand(rest);
    case 'agents':
      return agentsCommand(rest, values);
    case 'customers':
      return customersCommand(rest, values, USAGE);
    case 'content':
      return contentCommand(rest, values, loadConfig(), {
        out: (text) => process.stdout.write(text),
        err: (text) => process.stderr.write(text),
      });
    default:
      process.stderr.write(`cli: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`cli: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
