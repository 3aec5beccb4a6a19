import assert from 'node:assert/strict';
import sinon from 'sinon';
import { PASSWORD, postLogin, login } from '../handoff/consoleFixture';
import { removeDataDir, startServer, type RunningServer } from '../support/testServer';

/** Status of `POST /api/directline/token` as sent with `X-Forwarded-For: forwardedFor`. */
async function tokenStatus(url: string, forwardedFor: string): Promise<number> {
  const response = await fetch(`${url}/api/directline/token`, {
    method: 'POST',
    headers: { 'x-forwarded-for': forwardedFor },
  });
  await response.body?.cancel();
  return response.status;
}

interface AuditAnswer {
  entries: { actor: string; action: string; detail?: { address?: string } }[];
}

describe('client addresses behind a proxy (TRUST_PROXY)', function () {
  // Password hashing (scrypt) makes logins take tens of milliseconds each.
  this.timeout(30_000);
  let server: RunningServer;
  let sandbox: sinon.SinonSandbox;

  const boot = async (env: Record<string, string>): Promise<void> => {
    server = await startServer({ DIRECTLINE_TOKEN_RATE_LIMIT: '2', ...env });
    for (const [username, role] of [
      ['ana', 'agent'],
      ['lena', 'lead'],
    ] as const) {
      await server.app.handoff.agents.create({
        username,
        name: username,
        role,
        teams: [],
        password: PASSWORD,
      });
    }
  };

  /** Ten wrong passwords for `username`, each answered 401. */
  const failTenTimes = async (username: string, headers: Record<string, string> = {}): Promise<void> => {
    for (let attempt = 1; attempt <= 10; attempt += 1) {
      const { status } = await postLogin(server.url, username, 'wrong password', headers);
      assert.equal(status, 401, `attempt ${attempt}`);
    }
  };

  const auditAddresses = async (action: string): Promise<(string | undefined)[]> => {
    const lena = await login(server.url, 'lena');
    const { status, body } = await lena.get<AuditAnswer>('/api/console/audit?limit=1000');
    assert.equal(status, 200);
    return body.entries.filter((entry) => entry.action === action).map((entry) => entry.detail?.address);
  };

  beforeEach(() => {
    sandbox = sinon.createSandbox();
  });

  afterEach(async () => {
    sandbox.restore();
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  describe('without TRUST_PROXY', () => {
    beforeEach(() => boot({}));

    it('POST /api/directline/token ignores X-Forwarded-For: a forged header does not dodge the limit', async () => {
      const statuses = [];
      for (const forged of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        statuses.push(await tokenStatus(server.url, forged));
      }
      assert.deepEqual(statuses, [200, 200, 429]);
    });

    it('POST /login ignores X-Forwarded-For for the limit and the audit log', async () => {
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        const forged = { 'x-forwarded-for': `198.51.100.${attempt}` };
        assert.equal((await postLogin(server.url, 'ana', 'wrong password', forged)).status, 401);
      }
      const limited = await postLogin(server.url, 'ana', PASSWORD, { 'x-forwarded-for': '198.51.100.99' });
      assert.equal(limited.status, 429);
      assert.equal(
        limited.body.message,
        'too many failed logins for this account from this address; try again later',
      );
      const addresses = await auditAddresses('loginFailed');
      assert.equal(addresses.length, 10);
      assert.deepEqual(new Set(addresses), new Set(['127.0.0.1']));
    });
  });

  describe('with TRUST_PROXY=127.0.0.1', () => {
    beforeEach(() => boot({ TRUST_PROXY: '127.0.0.1' }));

    it('POST /api/directline/token limits each forwarded client separately', async () => {
      const first = [];
      for (let i = 0; i < 3; i += 1) first.push(await tokenStatus(server.url, '203.0.113.1'));
      assert.deepEqual(first, [200, 200, 429]);
      assert.equal(await tokenStatus(server.url, '203.0.113.2'), 200);
      // The address the trusted proxy appended counts, not what the client wrote before it.
      assert.equal(await tokenStatus(server.url, '203.0.113.2, 203.0.113.1'), 429);
    });

    it('POST /login limits each forwarded client separately and audits the forwarded address', async () => {
      await failTenTimes('ana', { 'x-forwarded-for': '203.0.113.1' });
      const limited = await postLogin(server.url, 'ana', PASSWORD, { 'x-forwarded-for': '203.0.113.1' });
      assert.equal(limited.status, 429);
      const elsewhere = await postLogin(server.url, 'ana', PASSWORD, { 'x-forwarded-for': '203.0.113.2' });
      assert.equal(elsewhere.status, 200);
      assert.deepEqual(await auditAddresses('loginFailed'), Array(10).fill('203.0.113.1'));
      assert.ok((await auditAddresses('login')).includes('203.0.113.2'));
    });
  });
});
