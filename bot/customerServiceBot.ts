import { ActivityHandler, type TurnContext } from 'botbuilder';
import type { MainDialog } from '../dialogs/mainDialog';
import { handoffSignal } from '../handoff/handoffDesk';
import type { BotStateSet } from './state';

/**
 * The bot every channel adapter runs: hands customer messages and new members to the main
 * dialog, and saves conversation and user state at the end of every turn.
 */
export class CustomerServiceBot extends ActivityHandler {
  constructor(
    private readonly state: BotStateSet,
    private readonly mainDialog: MainDialog,
  ) {
    super();

    this.onMessage(async (context, next) => {
      const conversation = await this.state.conversation(context);
      conversation.turns += 1;
      await this.mainDialog.run(context, this.state.dialogState);
      await next();
    });

    // The human team's side of a handoff (agent ended, customer left the queue) comes as an
    // event turn carrying a signal for the handoff dialog waiting on the stack.
    this.onEvent(async (context, next) => {
      if (handoffSignal(context)) await this.mainDialog.run(context, this.state.dialogState);
      await next();
    });

    this.onMembersAdded(async (context, next) => {
      const customerJoined = (context.activity.membersAdded ?? []).some(
        (member) => member.id !== context.activity.recipient?.id,
      );
      // The welcome is sent once per conversation; MainDialog remembers it was shown.
      if (customerJoined) await this.mainDialog.run(context, this.state.dialogState);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.state.save(context);
  }
}
