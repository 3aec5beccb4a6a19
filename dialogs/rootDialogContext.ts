import { DialogContext, DialogEvents, DialogSet, type DialogState } from 'botbuilder-dialogs';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';

/**
 * The dialog context a turn starts from (what `DialogSet.createContext()` returns), except that
 * it does not raise botbuilder's `activityReceived` dialog event.
 *
 * NOTE: `DialogContext.continueDialog()` raises `activityReceived` once per turn from the leaf of
 * the dialog stack, for adaptive dialogs to queue interruptions. Reaching the leaf builds a
 * DialogContext for every level (each with its own DialogStateManager), a prompt at the leaf
 * recognizes the answer (`Prompt.onPreBubbleEvent()`), and the event bubbles back up through
 * every level; then `continueDialog()` builds the same contexts again and the prompt recognizes
 * the same answer once more, and the event's outcome is discarded. Switchboard has no adaptive
 * dialogs and none of its dialogs handles dialog events (interruptions are the task dialogs'
 * `onContinueDialog`, see interruptibleDialog.ts), so the event only cost CPU: about a tenth of
 * a turn's (docs/performance.md). Every other event is raised as before; inner dialog contexts
 * are botbuilder's own and see the event as raised already.
 */
export class RootDialogContext extends DialogContext {
  /** The root context of `dialogs` (a set bound to `dialogState`) for this turn, as `DialogSet.createContext()` builds it. */
  static async of(
    dialogs: DialogSet,
    context: TurnContext,
    dialogState: StatePropertyAccessor<DialogState>,
  ): Promise<RootDialogContext> {
    const state = await dialogState.get(context, { dialogStack: [] });
    return new RootDialogContext(dialogs, context, state);
  }

  override emitEvent(name: string, value?: unknown, bubble?: boolean, fromLeaf?: boolean): Promise<boolean> {
    if (name === DialogEvents.activityReceived) return Promise.resolve(false);
    return super.emitEvent(name, value, bubble, fromLeaf);
  }
}
