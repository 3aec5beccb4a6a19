import { ensureFirstAdmin, FIRST_ADMIN_USERNAME } from '../handoff';
import { ConfigError } from './config';
import { start } from './server';

// Entry point of `npm start`. Configuration problems end the process with a message naming
// each bad variable; anything else is logged by the server's logger.
async function main(): Promise<void> {
  const app = await start();
  const password = await ensureFirstAdmin(app.handoff.agents, app.logger);
  if (password) {
    // Shown once, on the terminal only: it is not written to the structured log.
    process.stderr.write(
      `\nFirst start: created the console account "${FIRST_ADMIN_USERNAME}" with the one-time password\n\n    ${password}\n\n` +
        `Sign in at /console and add agents with: npm run --silent cli -- agents add <username> --role agent --teams support\n` +
        `Set a new password with: npm run --silent cli -- agents passwd ${FIRST_ADMIN_USERNAME}\n\n`,
    );
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? error.message
      : `Switchboard failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${message}
`);
  process.exit(1);
});
