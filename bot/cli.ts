import { parseArgs } from 'node:util';
import { SUPPORTED_LOCALES } from './config';
import { bundleProblems, localesDir } from './i18n';
import { KeywordRecognizer } from './language/recognizer';

const USAGE = `Usage: npm run --silent cli -- <command>

Commands:
  recognize <text> [--locale <locale>]   the intent the bot reads in <text> (JSON)
  locales                                check every locale bundle against English
`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { locale: { type: 'string', short: 'l', default: 'en' }, help: { type: 'boolean', short: 'h' } },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(USAGE);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'recognize': {
      const text = rest.join(' ');
      if (!text) {
        process.stderr.write(
          'cli recognize: give the text to recognize, e.g. recognize "where is my order"\n',
        );
        return 2;
      }
      const recognizer = KeywordRecognizer.fromLocalesDir(localesDir(), SUPPORTED_LOCALES);
      const result = await recognizer.recognize(text, values.locale);
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return 0;
    }
    case 'locales': {
      const problems = bundleProblems();
      for (const problem of problems) process.stdout.write(`${problem}\n`);
      process.stdout.write(
        problems.length === 0
          ? `locales ${SUPPORTED_LOCALES.join(', ')}: complete\n`
          : `${problems.length} problem(s) found\n`,
      );
      return problems.length === 0 ? 0 : 1;
    }
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
