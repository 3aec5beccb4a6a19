import { ConfigError } from './config';
import { start } from './server';

// Entry point of `npm start`. Configuration problems end the process with a message naming
// each bad variable; anything else is logged by the server's logger.
start().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error('Switchboard failed to start:', error);
  }
  process.exit(1);
});
