import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, parseConfig } from '../../bot/config';
import { auditedIdentity, parseCustomerIdentity } from '../../bot/privacy/customerIdentity';
import { cli } from './privacyFixture';

describe('cli customers', function () {
  this.timeout(60_000);
  let dataDir: string;

  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-customers-cli-'));
  });
  afterEach(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const usageCases: { name: string; args: string[]; says: RegExp }[] = [
    { name: 'no action', args: ['customers'], says: /name an action: export or erase/ },
    {
      name: 'an unknown action',
      args: ['customers', 'delete', '--email', 'a@b.co'],
      says: /export or erase/,
    },
    {
      name: 'no identity',
      args: ['customers', 'export'],
      says: /exactly one of --email, --phone or --channel-user/,
    },
    {
      name: 'two identities',
      args: ['customers', 'erase', '--email', 'a@b.co', '--phone', '+34600111222'],
      says: /exactly one of/,
    },
    {
      name: 'a bad email',
      args: ['customers', 'export', '--email', 'nobody'],
      says: /email must be an address/,
    },
    { name: 'a bad phone', args: ['customers', 'export', '--phone', '12ab'], says: /phone must be a number/ },
    {
      name: 'a channel user without a channel',
      args: ['customers', 'export', '--channel-user', 'tg42'],
      says: /CHANNEL:ID/,
    },
    {
      name: '--out with erase',
      args: ['customers', 'erase', '--email', 'a@b.co', '--out', 'x.json'],
      says: /--out is for export only/,
    },
  ];
  for (const { name, args, says } of usageCases) {
    it(`exits 2 with the usage for ${name}`, async () => {
      const result = await cli({ DATA_DIR: dataDir }, ...args);
      assert.equal(result.code, 2, result.stderr);
      assert.match(result.stderr, says);
      assert.match(result.stderr, /customers export --email E/, 'the usage follows');
      assert.equal(result.stdout, '');
      assert.deepEqual(fs.readdirSync(dataDir), [], 'nothing was opened or created');
    });
  }

  it('exits 1 without creating anything when DATA_DIR holds no server data', async () => {
    for (const action of ['export', 'erase']) {
      const result = await cli({ DATA_DIR: dataDir }, 'customers', action, '--email', 'ana@example.com');
      assert.equal(result.code, 1);
      assert.match(result.stderr, /there is no handoff database in .*DATA_DIR/);
      assert.deepEqual(fs.readdirSync(dataDir), []);
    }
  });

  it('exits 1 with STORAGE=memory, which keeps nothing to export', async () => {
    const result = await cli(
      { DATA_DIR: dataDir, STORAGE: 'memory' },
      'customers',
      'export',
      '--phone',
      '+34600111222',
    );
    assert.equal(result.code, 1);
    assert.match(result.stderr, /STORAGE=memory keeps nothing/);
  });
});

describe('parseCustomerIdentity()', () => {
  it('reads an email (lower-cased), a phone and CHANNEL:ID split at the first colon', () => {
    assert.deepEqual(parseCustomerIdentity({ email: ' Ana.Garcia@Example.com ' }), {
      kind: 'email',
      email: 'ana.garcia@example.com',
    });
    assert.deepEqual(parseCustomerIdentity({ phone: '+34 600 111 222' }), {
      kind: 'phone',
      phone: '+34 600 111 222',
    });
    assert.deepEqual(parseCustomerIdentity({ channelUser: 'telegram:tg:42' }), {
      kind: 'channelUser',
      channelId: 'telegram',
      userId: 'tg:42',
    });
  });

  it('refuses none, two, or values of the wrong form with a message', () => {
    for (const given of [
      {},
      { email: 'a@b.co', channelUser: 'x:y' },
      { email: 42 },
      { phone: '123' },
      { channelUser: ':x' },
      { channelUser: 'x:' },
    ]) {
      assert.equal(typeof parseCustomerIdentity(given), 'string', JSON.stringify(given));
    }
  });

  it('auditedIdentity() names the identity by kind and hash, never by value', () => {
    const audited = auditedIdentity({ kind: 'phone', phone: '+34 600 111 222' });
    assert.equal(audited.kind, 'phone');
    assert.match(audited.sha256, /^[0-9a-f]{64}$/);
    assert.deepEqual(
      auditedIdentity({ kind: 'phone', phone: '+34600111222' }),
      audited,
      'the same number, written alike',
    );
    assert.ok(!JSON.stringify(audited).includes('600'));
  });
});

describe('TRANSCRIPT_RETENTION_DAYS and TICKET_RETENTION_DAYS', () => {
  it('default to 90 and 365 days', () => {
    assert.deepEqual(parseConfig({}).retention, { transcriptDays: 90, ticketDays: 365 });
    assert.deepEqual(
      parseConfig({ TRANSCRIPT_RETENTION_DAYS: '30', TICKET_RETENTION_DAYS: '730' }).retention,
      {
        transcriptDays: 30,
        ticketDays: 730,
      },
    );
  });

  it('refuse what is not a whole number of days above 0, naming the variable', () => {
    for (const [name, value] of [
      ['TRANSCRIPT_RETENTION_DAYS', '0'],
      ['TRANSCRIPT_RETENTION_DAYS', 'ninety'],
      ['TICKET_RETENTION_DAYS', '1.5'],
      ['TICKET_RETENTION_DAYS', '-3'],
    ] as const) {
      assert.throws(
        () => parseConfig({ [name]: value }),
        (error: unknown) =>
          error instanceof ConfigError && error.message.includes(`${name} must be a whole number above 0`),
        `${name}=${value}`,
      );
    }
  });
});
