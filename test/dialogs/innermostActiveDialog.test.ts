import assert from 'node:assert/strict';
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogInstance,
} from 'botbuilder-dialogs';
import { innermostActiveDialog } from '../../dialogs/interruptibleDialog';

/** What botbuilder's own walk reaches. */
function byChildContexts(dc: DialogContext): DialogInstance | undefined {
  let current = dc;
  while (current.child) current = current.child;
  return current.activeDialog;
}

/** A component with a waterfall that asks `prompt`, or begins `inner` first when given. */
function component(id: string, prompt: string, inner?: ComponentDialog): ComponentDialog {
  const dialog = new ComponentDialog(id);
  dialog.addDialog(
    new WaterfallDialog(`${id}.waterfall`, [
      async (step) => (inner ? step.beginDialog(inner.id) : step.next()),
      async (step) => step.prompt(`${id}.prompt`, prompt),
      async (step) => step.endDialog(),
    ]),
  );
  dialog.addDialog(new TextPrompt(`${id}.prompt`));
  if (inner) dialog.addDialog(inner);
  return dialog;
}

describe('innermostActiveDialog()', () => {
  it('finds what dc.child reaches, before a dialog runs and at every depth', async () => {
    const state = new ConversationState(new MemoryStorage());
    const dialogs = new DialogSet(state.createProperty('dialogState'));
    dialogs.add(component('outer', 'outer?', component('middle', 'middle?', component('inner', 'inner?'))));
    const seen: (string | undefined)[] = [];
    const adapter = new TestAdapter(async (context: TurnContext) => {
      const dc = await dialogs.createContext(context);
      const found = innermostActiveDialog(dc);
      assert.deepEqual(found, byChildContexts(dc));
      seen.push(found?.id);
      const result = await dc.continueDialog();
      if (result.status === 'empty') await dc.beginDialog('outer');
      await state.saveChanges(context);
    });
    let failure: unknown;
    adapter.onTurnError = async (_context, error) => {
      failure = error;
    };
    await adapter
      .send('start')
      .assertReply('inner?')
      .send('a')
      .assertReply('middle?')
      .send('b')
      .assertReply('outer?')
      .send('c');
    assert.equal(failure, undefined);
    assert.deepEqual(seen, [undefined, 'inner.prompt', 'middle.prompt', 'outer.prompt']);
  });
});
