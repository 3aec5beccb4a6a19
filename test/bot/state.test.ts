import assert from 'node:assert/strict';
import { MemoryStorage, TestAdapter, type StoreItems, type TurnContext } from 'botbuilder';
import { ComponentDialog, DialogSet, TextPrompt, WaterfallDialog } from 'botbuilder-dialogs';
import { DialogMemoryConfiguration } from '../../bot/middleware/dialogMemoryConfiguration';
import { BotStateSet } from '../../bot/state';
import { SqliteStorage } from '../../bot/storage';

/** MemoryStorage that records the keys of every write. */
class RecordingStorage extends MemoryStorage {
  readonly writes: string[][] = [];

  override write(changes: StoreItems): Promise<void> {
    this.writes.push(Object.keys(changes));
    return super.write(changes);
  }
}

/** The server's SQLite store, recording the keys of every write. */
class RecordingSqliteStorage extends SqliteStorage {
  readonly writes: string[][] = [];

  override write(changes: StoreItems): Promise<void> {
    this.writes.push(Object.keys(changes));
    return super.write(changes);
  }
}

/** A turn that runs `change` on the state, then saves it as the bot does. */
async function turn(
  state: BotStateSet,
  change: (context: TurnContext) => Promise<void>,
  conversation = 'c1',
): Promise<void> {
  const adapter = new TestAdapter(
    async (context) => {
      await change(context);
      await state.save(context);
    },
    { conversation: { id: conversation, isGroup: false, conversationType: '', name: '' } },
  );
  await adapter.send('hi');
}

const stores = [
  ['MemoryStorage', () => new RecordingStorage()],
  ['SqliteStorage', () => new RecordingSqliteStorage(':memory:', { rememberRows: true })],
] as const;

describe('BotStateSet', () => {
  for (const [name, open] of stores)
    it(`save() writes a state only when the turn changed it (${name})`, async () => {
      const storage = open();
      const state = new BotStateSet(storage);
      await turn(state, async (context) => {
        (await state.conversation(context)).turns += 1;
        await state.profile.get(context);
      });
      assert.deepEqual(storage.writes, [['test/conversations/c1/']], 'the profile was read, not changed');

      await turn(state, async (context) => {
        await state.conversation(context);
        await state.profile.get(context);
      });
      assert.equal(storage.writes.length, 1, 'nothing changed, nothing written');

      await turn(state, async (context) => {
        const profile = await state.profile.get(context, {});
        profile.locale = 'es';
        await state.profile.set(context, profile);
      });
      assert.deepEqual(storage.writes[1], ['test/users/user1/']);

      await turn(state, async (context) => {
        (await state.conversation(context)).notUnderstoodInARow += 1;
      });
      await turn(state, async (context) => {
        assert.equal((await state.conversation(context)).notUnderstoodInARow, 1, 'the change was stored');
        assert.equal((await state.profile.get(context, {})).locale, 'es');
      });
      assert.equal(storage.writes.length, 3);
    });

  it('save() writes a cleared state and reads what was stored in an earlier turn', async () => {
    const storage = new RecordingStorage();
    const state = new BotStateSet(storage);
    await turn(state, async (context) => {
      (await state.conversation(context)).welcomed = true;
    });
    await turn(state, async (context) => {
      await state.conversationState.clear(context);
    });
    assert.equal(storage.writes.length, 2, 'a cleared state is written even if it was empty before');
    await turn(state, async (context) => {
      assert.equal((await state.conversation(context)).welcomed, false);
    });
  });

  it('save() refuses an activity without a conversation, as botbuilder does', async () => {
    const state = new BotStateSet(new MemoryStorage());
    const adapter = new TestAdapter(async (context) => {
      context.activity.conversation = undefined as never;
      await state.conversation(context);
    });
    await assert.rejects(async () => {
      await adapter.send('hi');
    }, /did not return a key|conversation/);
  });
});

describe('DialogMemoryConfiguration', () => {
  it('onTurn() hands the dialog memory configuration of the first turn to later turns, and dialogs still run', async () => {
    const state = new BotStateSet(new MemoryStorage());
    const inner = new ComponentDialog('inner');
    inner.addDialog(
      new WaterfallDialog('steps', [
        (step) => step.prompt('ask', 'name?'),
        async (step) => {
          await step.context.sendActivity(`hi ${String(step.result)}`);
          return step.endDialog();
        },
      ]),
    );
    inner.addDialog(new TextPrompt('ask'));
    const dialogs = new DialogSet(state.dialogState).add(inner);
    const configurations: unknown[] = [];
    const adapter = new TestAdapter(async (context) => {
      const dc = await dialogs.createContext(context);
      const result = await dc.continueDialog();
      if (result.status === 'empty') await dc.beginDialog('inner');
      configurations.push(context.turnState.get('DialogStateManagerConfiguration'));
      await state.save(context);
    });
    adapter.use(new DialogMemoryConfiguration());
    await adapter.send('start').assertReply('name?');
    await adapter.send('Ana').assertReply('hi Ana');
    assert.equal(configurations.length, 2);
    assert.ok(configurations[0] !== undefined, 'the first turn built a configuration');
    assert.equal(configurations[1], configurations[0], 'the second turn got the same one');
  });
});
