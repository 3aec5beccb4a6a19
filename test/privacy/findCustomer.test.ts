import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Activity } from 'botbuilder';
import os from 'node:os';
import path from 'node:path';
import { SharedDatabase } from '../../bot/database';
import { customerPrivacy, type CustomerExport } from '../../bot/privacy';
import { SqliteStorage } from '../../bot/storage';
import { ConversationStore } from '../../channels/web/conversationStore';
import { DIRECT_LINE_MIGRATIONS } from '../../channels/web/migrations';
import { HandoffStore } from '../../handoff/handoffStore';
import { HANDOFF_MIGRATIONS } from '../../handoff/migrations';
import { TextSeal } from '../../handoff/sealedText';

const PHONE = '+371 2000 0000';
const WA = '37120000000';

describe('customers found by phone: a WhatsApp chat and a web chat the shop vouched for', () => {
  let dir: string;
  let state: SqliteStorage;
  let dlDatabase: SharedDatabase;
  let directLine: ConversationStore;
  let handoffDatabase: SharedDatabase;
  let handoff: HandoffStore;

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-find-'));
    state = new SqliteStorage(path.join(dir, 'state.sqlite'));
    dlDatabase = new SharedDatabase({ dialect: 'sqlite', file: path.join(dir, 'directline.sqlite') }, [
      DIRECT_LINE_MIGRATIONS,
    ]);
    directLine = new ConversationStore(dlDatabase);
    const key = randomBytes(32).toString('base64url');
    handoffDatabase = new SharedDatabase({ dialect: 'sqlite', file: path.join(dir, 'handoff.sqlite') }, [
      HANDOFF_MIGRATIONS,
    ]);
    handoff = new HandoffStore(handoffDatabase, Date.now, new TextSeal(() => key));

    // WhatsApp: the chat is the number; the bot keeps its state, the channel its per-chat records.
    await state.write({
      [`whatsapp/conversations/${WA}/`]: { conversationData: { turns: 2, caseFile: { rma: 'RMA-7' } } },
      [`whatsapp/users/wa:${WA}/`]: { customerProfile: { locale: 'lv' } },
      [`whatsapp/cloud/555/lastInbound/${WA}`]: { at: 1 },
      [`whatsapp/web/offeredChoices/${WA}`]: { choices: [] },
      [`verification/conversation/whatsapp/${WA}`]: { failures: [1] },
      'whatsapp/conversations/37129999999/': { conversationData: { turns: 1 } },
    });
    handoff.appendTranscriptLines(`whatsapp/${WA}`, [{ role: 'customer', text: 'labdien' }]);
    // The web chat: vouched for with the same number written otherwise, and a typed mention elsewhere.
    await directLine.createConversation('dl-1', 'shop-42', 'lv', { verified: { phone: '+371 20 000 000' } });
    await directLine.append(
      'dl-1',
      (seq) => ({ type: 'message', id: `dl-1|${seq}`, text: 'sveiki' }) as Activity,
    );
    handoff.appendTranscriptLines('test/bf-1', [
      { role: 'customer', text: 'my number is [phone]', original: `my number is ${WA}` },
    ]);
    handoff.appendTranscriptLines('test/bf-2', [{ role: 'customer', text: 'someone else' }]);
  });

  afterEach(async () => {
    state.close();
    await dlDatabase.close();
    await handoff.close();
    await handoffDatabase.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('export finds every channel of the number, erase removes exactly those records', async () => {
    const stores = customerPrivacy({ state, directLine: () => directLine, handoff });
    const document: CustomerExport = await stores.export({ kind: 'phone', phone: PHONE }, 'test');
    assert.deepEqual(document.found.conversations, ['directline/dl-1', 'test/bf-1', `whatsapp/${WA}`]);
    assert.ok(document.found.users.includes(`whatsapp/wa:${WA}`));
    assert.ok(document.found.users.includes('directline/shop-42'));
    assert.deepEqual(document.counts.botState, {
      userState: 1,
      conversationState: 1,
      verificationGuard: 1,
      channelState: 2,
    });
    assert.deepEqual(document.references.returns, ['RMA-7']);
    assert.equal(document.counts.directLine?.activities, 1);
    assert.equal(document.counts.handoff?.transcript, 2);

    const erasure = await stores.erase({ kind: 'phone', phone: WA }, 'test');
    assert.equal(erasure.total, document.total);
    assert.deepEqual(
      (await state.recordsOf({ keys: [{ prefix: '' }] })).map((record) => record.key),
      ['whatsapp/conversations/37129999999/'],
      "another customer's state stays",
    );
    assert.equal((await handoff.transcript('test/bf-2')).length, 1);
    assert.equal((await handoff.transcript('test/bf-1')).length, 0);
    assert.equal(await directLine.getConversation('dl-1'), undefined);
    assert.equal((await stores.erase({ kind: 'phone', phone: PHONE }, 'test')).total, 0);
  });

  it('audits an export that finds nothing', async () => {
    const privacy = customerPrivacy({ state, directLine: () => directLine, handoff });
    const document = await privacy.export({ kind: 'email', email: 'nobody@example.com' }, 'root');
    assert.equal(document.total, 0);
    const [entry] = await handoff.auditLog(1);
    assert.equal(entry?.actor, 'root');
    assert.equal(entry?.action, 'customerExported');
    assert.deepEqual((entry?.detail as { total: number }).total, 0);
  });
});
