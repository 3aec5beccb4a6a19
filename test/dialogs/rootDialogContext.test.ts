import assert from 'node:assert/strict';
import { ConversationState, MemoryStorage, TestAdapter, type TurnContext } from 'botbuilder';
import {
  ComponentDialog,
  DialogSet,
  Prompt,
  TextPrompt,
  WaterfallDialog,
  type DialogContext,
  type DialogEvent,
  type PromptOptions,
  type PromptRecognizerResult,
} from 'botbuilder-dialogs';
import { RootDialogContext } from '../../dialogs/rootDialogContext';

/** A prompt for any text that counts its recognitions, with botbuilder's own `onPreBubbleEvent` (as ChoicePrompt's). */
class CountingPrompt extends Prompt<string> {
  recognitions = 0;

  constructor(dialogId: string) {
    super(dialogId);
  }

  protected override async onPrompt(
    context: TurnContext,
    _state: object,
    options: PromptOptions,
  ): Promise<void> {
    if (options.prompt) await context.sendActivity(options.prompt);
  }

  protected override onRecognize(context: TurnContext): Promise<PromptRecognizerResult<string>> {
    this.recognitions++;
    const text = context.activity.text ?? '';
    return Promise.resolve(text ? { succeeded: true, value: text } : { succeeded: false });
  }
}

/** The same with TextPrompt's, which does not handle the event. */
class CountingTextPrompt extends TextPrompt {
  recognitions = 0;

  protected override onRecognize(
    context: TurnContext,
    state: object,
    options: PromptOptions,
  ): Promise<PromptRecognizerResult<string>> {
    this.recognitions++;
    return super.onRecognize(context, state, options);
  }
}

/** Two components, one inside the other, the inner one asking two questions; the outer one hears dialog events. */
function dialogTree(
  prompt: CountingPrompt | CountingTextPrompt,
  heard: string[],
): { dialogs: DialogSet; state: ConversationState } {
  const inner = new ComponentDialog('inner');
  inner.addDialog(
    new WaterfallDialog('inner.waterfall', [
      async (step) => step.prompt(prompt.id, 'first?'),
      async (step) => {
        // A dialog event of a step bubbles to the outer component as before.
        await step.context.sendActivity(`got ${String(step.result)}`);
        await step.parent?.emitEvent('custom', step.result, true, false);
        return step.prompt(prompt.id, 'second?');
      },
      async (step) => step.endDialog(`done ${String(step.result)}`),
    ]),
  );
  inner.addDialog(prompt);
  class Outer extends ComponentDialog {
    protected override onPreBubbleEvent(_dc: DialogContext, event: DialogEvent): Promise<boolean> {
      heard.push(event.name);
      return Promise.resolve(false);
    }
  }
  const outer = new Outer('outer');
  outer.addDialog(
    new WaterfallDialog('outer.waterfall', [
      async (step) => step.beginDialog('inner'),
      async (step) => {
        await step.context.sendActivity(String(step.result));
        return step.endDialog();
      },
    ]),
  );
  outer.addDialog(inner);
  const state = new ConversationState(new MemoryStorage());
  const dialogs = new DialogSet(state.createProperty('dialogState'));
  dialogs.add(outer);
  return { dialogs, state };
}

/** Runs the conversation with root contexts from `rootOf`; what the bot said and the recognitions per answer. */
async function converse(
  rootOf: (dialogs: DialogSet, context: TurnContext, state: ConversationState) => Promise<DialogContext>,
  kind: 'prompt' | 'textPrompt' = 'prompt',
): Promise<{ replies: string[]; recognitions: number; heard: string[] }> {
  const prompt =
    kind === 'prompt' ? new CountingPrompt('inner.prompt') : new CountingTextPrompt('inner.prompt');
  const heard: string[] = [];
  const { dialogs, state } = dialogTree(prompt, heard);
  const replies: string[] = [];
  const adapter = new TestAdapter(async (context: TurnContext) => {
    const dc = await rootOf(dialogs, context, state);
    const result = await dc.continueDialog();
    if (result.status === 'empty') await dc.beginDialog('outer');
    await state.saveChanges(context);
  });
  let failure: unknown;
  adapter.onTurnError = async (_context, error) => {
    failure = error;
  };
  for (const text of ['start', 'a', 'b']) {
    await adapter.send(text).startTest();
  }
  assert.equal(failure, undefined);
  for (const activity of adapter.activeQueue.splice(0)) replies.push(activity.text ?? '');
  return { replies, recognitions: prompt.recognitions, heard };
}

describe('RootDialogContext', () => {
  it('continueDialog() answers as botbuilder’s root context does, recognizing each answer once instead of twice', async () => {
    const botbuilders = await converse((dialogs, context) => dialogs.createContext(context));
    const ours = await converse((dialogs, context, state) =>
      RootDialogContext.of(dialogs, context, state.createProperty('dialogState')),
    );
    assert.deepEqual(botbuilders.replies, ['first?', 'got a', 'second?', 'done b']);
    assert.deepEqual(ours.replies, botbuilders.replies);
    // Two answers: botbuilder's activityReceived event had the prompt recognize each one twice.
    assert.equal(botbuilders.recognitions, 4);
    assert.equal(ours.recognitions, 2);
  });

  it('raises every other dialog event as before: a step’s event bubbles to the outer dialog', async () => {
    // A TextPrompt leaves botbuilder's event unhandled: it bubbled through every level, for nothing.
    const botbuilders = await converse((dialogs, context) => dialogs.createContext(context), 'textPrompt');
    const ours = await converse(
      (dialogs, context, state) =>
        RootDialogContext.of(dialogs, context, state.createProperty('dialogState')),
      'textPrompt',
    );
    assert.deepEqual(botbuilders.heard, ['activityReceived', 'custom', 'activityReceived']);
    assert.deepEqual(ours.heard, ['custom']);
    assert.deepEqual(ours.replies, botbuilders.replies);
    assert.equal(ours.recognitions, botbuilders.recognitions);
  });
});
