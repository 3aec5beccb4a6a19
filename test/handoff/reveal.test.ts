import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { REVEAL_SECONDS } from '../../handoff/consoleApi';
import type { HandoffCase } from '../../handoff/handoffStore';
import { IBANS, spaced } from '../support/plantedPii';
import { login, queueCase, startConsole, type ConsoleFixture, type ConsoleSession } from './consoleFixture';

/** The console's clock in these tests. */
const NOW = Date.parse('2026-03-02T10:00:00Z');

interface TranscriptAnswer {
  transcript: { id: number; role: string; text: string; redacted: boolean }[];
}

interface RevealAnswer {
  messageId?: number;
  text?: string;
  expiresAt?: string;
  code?: string;
}

interface AuditAnswer {
  entries: {
    at: string;
    actor: string;
    actorName?: string;
    action: string;
    caseId?: number;
    detail?: unknown;
  }[];
}

describe('POST /api/console/cases/:id/messages/:messageId/reveal', function () {
  this.timeout(30_000);
  let fixture: ConsoleFixture;
  let handoffCase: HandoffCase;
  let ana: ConsoleSession;
  /** The line where the customer gave a phone number on purpose, and a line with nothing redacted. */
  let phoneLine: number;
  let plainLine: number;
  const original = `call me on +34 612 345 678, refunds to ${spaced(IBANS.ES)}`;

  const reveal = (session: ConsoleSession, caseId: number, messageId: number | string) =>
    session.post<RevealAnswer>(`/api/console/cases/${caseId}/messages/${messageId}/reveal`);

  beforeEach(async () => {
    fixture = await startConsole({ now: () => NOW });
    handoffCase = await queueCase(fixture);
    fixture.database.store.appendTranscriptLines(handoffCase.conversationKey, [
      { role: 'customer', text: 'hello' },
      { role: 'customer', text: 'call me on [phone], refunds to [iban]', original },
    ]);
    const lines = await fixture.database.store.transcript(handoffCase.conversationKey);
    plainLine = lines[0]!.id;
    phoneLine = lines[1]!.id;
    ana = await login(fixture.url, 'ana');
    assert.equal((await ana.post(`/api/console/cases/${handoffCase.id}/claim`)).status, 200);
  });

  afterEach(async () => {
    await fixture.close();
  });

  it('gives the agent holding the case the original of that one message, expiring shortly, and audits it', async () => {
    const before = await ana.get<TranscriptAnswer>(`/api/console/cases/${handoffCase.id}`);
    assert.deepEqual(
      before.body.transcript.map((line) => [line.text, line.redacted]),
      [
        ['hello', false],
        ['call me on [phone], refunds to [iban]', true],
      ],
    );

    const revealed = await reveal(ana, handoffCase.id, phoneLine);
    assert.equal(revealed.status, 200);
    assert.equal(revealed.headers.get('cache-control'), 'no-store');
    assert.deepEqual(revealed.body, {
      messageId: phoneLine,
      text: original,
      expiresAt: new Date(NOW + REVEAL_SECONDS * 1000).toISOString(),
    });
    assert.equal(REVEAL_SECONDS, 60, 'shown for a minute only');

    // The reveal is for that answer only: the transcript stays redacted.
    const after = await ana.get<TranscriptAnswer>(`/api/console/cases/${handoffCase.id}`);
    assert.deepEqual(after.body, before.body);

    const entries = (await fixture.database.store.auditLog(10)).filter(
      (entry) => entry.action === 'revealed',
    );
    assert.deepEqual(
      entries.map(({ actor, caseId, detail }) => ({ actor, caseId, detail })),
      [{ actor: fixture.accounts.ana?.id, caseId: handoffCase.id, detail: { messageId: phoneLine } }],
    );
  });

  it('audits every reveal: looking again, once the first has expired, is a new entry', async () => {
    assert.equal((await reveal(ana, handoffCase.id, phoneLine)).status, 200);
    assert.equal((await reveal(ana, handoffCase.id, phoneLine)).status, 200);
    assert.equal(
      (await fixture.database.store.auditLog(10)).filter((entry) => entry.action === 'revealed').length,
      2,
    );
  });

  it('leads see reveals in the audit log, without the revealed text; agents may not read the log', async () => {
    assert.equal((await reveal(ana, handoffCase.id, phoneLine)).status, 200);
    const lena = await login(fixture.url, 'lena');
    const audit = await lena.get<AuditAnswer>('/api/console/audit');
    assert.equal(audit.status, 200);
    const entry = audit.body.entries.find((candidate) => candidate.action === 'revealed');
    assert.deepEqual(entry && { ...entry, at: undefined }, {
      at: undefined,
      actor: fixture.accounts.ana?.id,
      actorName: 'Ana García',
      action: 'revealed',
      caseId: handoffCase.id,
      detail: { messageId: phoneLine },
    });
    assert.ok(!Number.isNaN(Date.parse(entry?.at ?? '')), 'the entry says when');
    const serialized = JSON.stringify(audit.body);
    assert.ok(!serialized.includes('612 345 678') && !serialized.includes(IBANS.ES.slice(4, 12)), serialized);
    assert.equal((await ana.get('/api/console/audit')).status, 403);
  });

  it('refuses anyone but the holder: another agent of the team, a lead, and everyone once it ended', async () => {
    const bruno = await login(fixture.url, 'bruno');
    const lena = await login(fixture.url, 'lena');
    const carla = await login(fixture.url, 'carla');
    assert.equal((await reveal(bruno, handoffCase.id, phoneLine)).status, 403);
    assert.equal((await reveal(carla, handoffCase.id, phoneLine)).status, 403);
    const byLead = await reveal(lena, handoffCase.id, phoneLine);
    assert.equal(byLead.status, 403);
    assert.equal(byLead.body.code, 'NotYours');
    assert.equal(byLead.body.text, undefined);

    assert.equal(
      (await ana.post(`/api/console/cases/${handoffCase.id}/end`, { disposition: 'resolved' })).status,
      200,
    );
    const afterEnd = await reveal(ana, handoffCase.id, phoneLine);
    assert.equal(afterEnd.status, 409);
    assert.equal(afterEnd.body.code, 'ConversationEnded');
    assert.equal(
      (await fixture.database.store.auditLog(50)).filter((entry) => entry.action === 'revealed').length,
      0,
      'refused reveals reveal nothing and leave no reveal entry',
    );
  });

  it('refuses a queued case nobody holds, a message of another conversation and a line with nothing redacted', async () => {
    const other = await queueCase(fixture);
    fixture.database.store.appendTranscriptLines(other.conversationKey, [
      { role: 'customer', text: 'mine is [phone]', original: 'mine is +34 699 999 999' },
    ]);
    const otherLine = (await fixture.database.store.transcript(other.conversationKey))[0]!.id;
    assert.equal((await reveal(ana, other.id, otherLine)).status, 403, 'queued: claim it first');
    assert.equal((await reveal(ana, handoffCase.id, otherLine)).status, 404, 'not in this conversation');
    assert.equal((await reveal(ana, handoffCase.id, 'abc')).status, 404);
    const plain = await reveal(ana, handoffCase.id, plainLine);
    assert.equal(plain.status, 409);
    assert.equal(plain.body.code, 'NothingToReveal');
  });

  it('keeps what the customer said during an earlier case of the conversation sealed', async () => {
    const { store } = fixture.database;
    /** Waits until the clock has moved past `at`, so the next write is strictly later. */
    const after = async (at: number): Promise<void> => {
      while (Date.now() <= at) await new Promise((resolve) => setImmediate(resolve));
    };
    await after((await store.transcript(handoffCase.conversationKey)).at(-1)!.at);
    assert.equal(
      (await ana.post(`/api/console/cases/${handoffCase.id}/end`, { disposition: 'resolved' })).status,
      200,
    );
    await after((await store.getCase(handoffCase.id))!.endedAt!);
    const again = (await store.enqueue({ ...handoffCase, reason: 'customerAsked' })).handoffCase;
    store.appendTranscriptLines(handoffCase.conversationKey, [
      { role: 'customer', text: 'now [phone]', original: 'now +34 611 111 111' },
    ]);
    const newLine = (await store.transcript(handoffCase.conversationKey)).at(-1)!.id;
    assert.equal((await ana.post(`/api/console/cases/${again.id}/claim`)).status, 200);
    const earlier = await reveal(ana, again.id, phoneLine);
    assert.equal(earlier.status, 403);
    assert.equal(earlier.body.code, 'EarlierCase');
    const current = await reveal(ana, again.id, newLine);
    assert.equal(current.status, 200);
    assert.equal(current.body.text, 'now +34 611 111 111');
  });

  it('keeps the original sealed at rest: handoff.sqlite and its WAL hold no raw copy', () => {
    const files = fs.readdirSync(fixture.dataDir).filter((name) => name.startsWith('handoff.sqlite'));
    assert.ok(files.includes('handoff.sqlite'), files.join(', '));
    const bytes = Buffer.concat(files.map((name) => fs.readFileSync(path.join(fixture.dataDir, name))));
    assert.ok(bytes.includes('call me on [phone]'), 'the redacted text is stored');
    assert.ok(!bytes.includes('612 345 678'), 'the phone number is not');
    assert.ok(!bytes.includes(IBANS.ES.slice(4, 8) + ' ' + IBANS.ES.slice(8, 12)), 'the IBAN is not');
  });
});
