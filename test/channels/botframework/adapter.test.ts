import assert from 'node:assert/strict';
import type { Activity, TurnContext } from 'botbuilder';
import { BotFrameworkAdapter, type BotFrameworkSettings } from '../../../channels/botframework';

const anonymous: BotFrameworkSettings = {
  appId: undefined,
  appPassword: undefined,
  appType: 'MultiTenant',
  tenantId: undefined,
  allowedServiceUrls: undefined,
  timeoutMs: 5000,
};

function message(conversationId: string, serviceUrl: string): Activity {
  return {
    type: 'message',
    id: `m-${conversationId}`,
    text: 'hello',
    channelId: 'test',
    serviceUrl,
    conversation: { id: conversationId },
    from: { id: 'customer' },
    recipient: { id: 'bot' },
    deliveryMode: 'expectReplies',
  } as Activity;
}

/** Runs one turn and returns the clients botbuilder put on its context. */
async function clientsOfTurn(
  adapter: BotFrameworkAdapter,
  activity: Activity,
): Promise<{ connector: unknown; userToken: unknown }> {
  let clients: { connector: unknown; userToken: unknown } | undefined;
  await adapter.processIncoming('', activity, (context: TurnContext) => {
    clients = {
      connector: context.turnState.get(adapter.ConnectorClientKey),
      userToken: context.turnState.get(adapter.UserTokenClientKey),
    };
    return Promise.resolve();
  });
  assert.ok(clients, 'the turn ran');
  return clients;
}

describe('BotFrameworkAdapter', () => {
  it('processIncoming() reuses the connector and user-token clients of a service URL across turns', async () => {
    const adapter = new BotFrameworkAdapter(anonymous);
    const first = await clientsOfTurn(adapter, message('c1', 'https://channel.example/a'));
    const second = await clientsOfTurn(adapter, message('c2', 'https://channel.example/a'));
    const other = await clientsOfTurn(adapter, message('c3', 'https://channel.example/b'));
    assert.ok(first.connector !== undefined && first.userToken !== undefined);
    assert.equal(second.connector, first.connector);
    assert.equal(second.userToken, first.userToken);
    assert.notEqual(other.connector, first.connector, 'another service URL gets its own client');
  });

  it('processIncoming() keeps at most 100 connector clients (callers choose the service URL)', async () => {
    const adapter = new BotFrameworkAdapter(anonymous);
    const oldest = await clientsOfTurn(adapter, message('c0', 'https://channel.example/0'));
    for (let i = 1; i <= 100; i++)
      await clientsOfTurn(adapter, message(`c${i}`, `https://channel.example/${i}`));
    const again = await clientsOfTurn(adapter, message('c0-again', 'https://channel.example/0'));
    assert.notEqual(again.connector, oldest.connector, 'the oldest client was dropped and built anew');
    const recent = await clientsOfTurn(adapter, message('c100-again', 'https://channel.example/100'));
    const recentAgain = await clientsOfTurn(adapter, message('c100-third', 'https://channel.example/100'));
    assert.equal(recentAgain.connector, recent.connector);
  });
});
