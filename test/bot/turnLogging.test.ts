import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { TestAdapter, type Activity } from 'botbuilder';
import { createLogger } from '../../bot/logger';
import { TurnLogging } from '../../bot/middleware';
import { logCapture } from '../support/logCapture';

type Line = Record<string, unknown>;

describe('TurnLogging', () => {
  it('every line logged during a turn, by any logger of the process, carries its conversation and channel', async () => {
    const { stream, lines } = logCapture();
    const logger = createLogger('info', stream);
    const component = logger.child({ component: 'dialogs' });
    const adapter = new TestAdapter(async (context) => {
      // Turns of two conversations interleave: each line keeps its own turn's fields.
      await tick();
      component.info({ step: context.activity.text }, 'inside the turn');
      await tick();
      logger.warn('a warning inside the turn');
    });
    adapter.use(new TurnLogging(logger));
    const message = (conversation: string, text: string): Partial<Activity> => ({
      type: 'message',
      text,
      channelId: 'telegram',
      conversation: { id: conversation } as Activity['conversation'],
    });
    await Promise.all([
      adapter.receiveActivity(message('chat-1', 'one')),
      adapter.receiveActivity(message('chat-2', 'two')),
      adapter.receiveActivity(message('chat-1', 'three')),
    ]);
    logger.info('outside any turn');

    const entries = lines.map((line) => JSON.parse(line) as Line);
    const inside = entries.filter((entry) => entry.msg === 'inside the turn');
    assert.deepEqual(
      inside.map((entry) => [entry.step, entry.conversationId, entry.channelId, entry.component]).sort(),
      [
        ['one', 'chat-1', 'telegram', 'dialogs'],
        ['three', 'chat-1', 'telegram', 'dialogs'],
        ['two', 'chat-2', 'telegram', 'dialogs'],
      ],
    );
    const warnings = entries.filter((entry) => entry.msg === 'a warning inside the turn');
    assert.deepEqual(warnings.map((entry) => entry.conversationId).sort(), ['chat-1', 'chat-1', 'chat-2']);
    const outside = entries.find((entry) => entry.msg === 'outside any turn');
    assert.equal(outside?.conversationId, undefined);
    assert.equal(outside?.channelId, undefined);
    assert.equal(entries.filter((entry) => entry.msg === 'turn done').length, 3);
    assert.ok(!lines.some((line) => line.includes('"text"')), 'no message text at info level');
  });

  it('the turn fields are redacted like everything else (a conversation id can be an address)', async () => {
    const { stream, lines } = logCapture();
    const logger = createLogger('info', stream);
    const adapter = new TestAdapter(async () => {
      logger.info('inside');
    });
    adapter.use(new TurnLogging(logger));
    await adapter.receiveActivity({
      type: 'message',
      text: 'hi',
      channelId: 'email',
      conversation: { id: 'ana.garcia@example.com' } as Activity['conversation'],
    });
    const inside = lines.map((line) => JSON.parse(line) as Line).find((entry) => entry.msg === 'inside');
    assert.equal(inside?.conversationId, '[email]');
    assert.ok(!lines.some((line) => line.includes('ana.garcia@example.com')));
  });
});
