import assert from 'node:assert/strict';
import { createI18n, translator } from '../../bot/i18n';
import { REMEMBERED_ACTIVITY_IDS } from '../../bot/middleware/redeliveredActivities';
import type { ConversationData } from '../../bot/state';
import {
  customerMessage,
  postActivity,
  removeDataDir,
  startServer,
  type RunningServer,
} from '../support/testServer';

const en = translator(createI18n(['en']), 'en');

/** The texts of the replies to one activity sent to /api/messages with expectReplies. */
async function replies(server: RunningServer, activity: object): Promise<string[]> {
  const { status, body } = await postActivity(server.url, activity);
  assert.equal(status, 200, JSON.stringify(body));
  return ((body as { activities: { type: string; text: string }[] }).activities ?? [])
    .filter((reply) => reply.type === 'message')
    .map((reply) => reply.text);
}

describe('RedeliveredActivities (POST /api/messages)', () => {
  let server: RunningServer;

  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server.app.close();
    removeDataDir(server.dataDir);
  });

  it('runs a message that arrives again under the same id once: no reply, no step taken', async () => {
    await replies(server, customerMessage('again', 'where is my order'));
    const number = customerMessage('again', 'SB-10001');
    assert.deepEqual(await replies(server, number), [en('verification.ask')]);
    assert.deepEqual(await replies(server, number), []);
    // Still at the proof step: the repeat was not taken as a (wrong) answer to it.
    assert.deepEqual(await replies(server, customerMessage('again', 'SB-10001')), [
      en('verification.failed'),
      en('orders.askNumber'),
    ]);
  });

  it('runs a repeat once while the customer waits for a person too (the bot itself does not run then)', async () => {
    const queued = await replies(server, customerMessage('waiting', 'agent'));
    assert.equal(queued.at(-1), en('handoff.queued', { position: 1, minutes: 3 }));
    const waiting = customerMessage('waiting', 'are you there?');
    assert.deepEqual(await replies(server, waiting), [
      en('handoff.stillWaiting', { position: 1, minutes: 3 }),
    ]);
    assert.deepEqual(await replies(server, waiting), []);
  });

  it('remembers the latest ids of a conversation only, in its state', async () => {
    for (let turn = 0; turn < REMEMBERED_ACTIVITY_IDS + 2; turn += 1) {
      await replies(server, customerMessage('many', 'help', { id: `many-${turn}` }));
    }
    const items = await server.app.stateStore.storage.read(['test/conversations/many/']);
    const data = (items['test/conversations/many/'] as { conversationData: ConversationData })
      .conversationData;
    assert.equal(data.recentActivityIds?.length, REMEMBERED_ACTIVITY_IDS);
    assert.equal(data.recentActivityIds?.at(-1), `many-${REMEMBERED_ACTIVITY_IDS + 1}`);
    // The oldest id is forgotten, so it runs again; an id of another conversation is its own.
    assert.notDeepEqual(await replies(server, customerMessage('many', 'help', { id: 'many-0' })), []);
    assert.notDeepEqual(await replies(server, customerMessage('other', 'help', { id: 'many-5' })), []);
  });
});
