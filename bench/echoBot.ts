import {
  ActivityHandler,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  MemoryStorage,
  MessageFactory,
  UserState,
  type TurnContext,
} from 'botbuilder';
import restify, { type Next, type Request, type Response } from 'restify';
import { MAX_ACTIVITY_BYTES } from '../channels/botframework';
import { reportToBenchmark } from './protocol';

/**
 * The Bot Framework's floor: the echo bot of the botbuilder samples (CloudAdapter, no
 * authentication, an ActivityHandler), with conversation and user state in MemoryStorage saved
 * every turn, behind the same restify server and body parser as Switchboard.
 */
class EchoBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly userState: UserState;

  constructor(storage: MemoryStorage) {
    super();
    this.conversationState = new ConversationState(storage);
    this.userState = new UserState(storage);
    const turns = this.conversationState.createProperty<number>('turns');
    this.onMessage(async (context, next) => {
      await turns.set(context, (await turns.get(context, 0)) + 1);
      await context.sendActivity(MessageFactory.text(`Echo: ${context.activity.text ?? ''}`));
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
    await this.userState.saveChanges(context, false);
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new EchoBot(new MemoryStorage());
const server = restify.createServer({ name: 'echo', handleUncaughtExceptions: false });
server.post(
  '/api/messages',
  restify.plugins.bodyParser({ maxBodySize: MAX_ACTIVITY_BYTES, mapParams: false, mapFiles: false }),
  async (req: Request, res: Response) => {
    await adapter.process(req, res, (context) => bot.run(context));
  },
);
server.get('/readyz', (_req: Request, res: Response, next: Next) => {
  res.send(200, { status: 'ready' });
  next();
});
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address();
  reportToBenchmark(`http://127.0.0.1:${port}`, () => {
    server.close(() => process.exit(0));
    server.server.closeAllConnections();
  });
});
