import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(__dirname, '..', '..');

describe('bot/main.ts (npm start)', () => {
  it('stops at start-up naming each bad variable, without printing secrets', async () => {
    const secret = 'a-very-secret-password-value';
    const failure = await run(
      process.execPath,
      ['--import', 'tsx', '--disable-warning=DEP0111', 'bot/main.ts'],
      {
        cwd: root,
        env: {
          ...process.env,
          STORAGE: 'mongo',
          PORT: 'eighty',
          MicrosoftAppPassword: secret,
          MicrosoftAppType: 'Nope',
        },
      },
    ).then(
      () => assert.fail('the process started with an invalid configuration'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /STORAGE must be one of sqlite, memory, postgres \(received "mongo"\)/);
    assert.match(failure.stderr, /PORT must be a whole number from 0 to 65535 \(received "eighty"\)/);
    assert.ok(!failure.stderr.includes(secret), 'the secret was printed');
  });
});
