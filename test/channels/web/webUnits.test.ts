import assert from 'node:assert/strict';
import { LinkSigner } from '../../../bot/signedLinks';
import { fromBot, fromClient, type DirectLineParticipants } from '../../../channels/web/mapper';
import { acceptedLocales } from '../../../channels/web/page';
import { RateLimiter } from '../../../bot/rateLimiter';
import { DirectLineTokens } from '../../../channels/web/tokens';

const participants: DirectLineParticipants = {
  conversationId: 'conv',
  userId: 'dl_user',
  botId: 'switchboard',
  botName: 'Acme Helper',
  serviceUrl: 'https://bot.example',
};
const at = new Date('2026-11-20T10:00:00.000Z');

describe('Direct Line mapper', () => {
  it('fromClient() gives the server id, timestamp and roles, keeps clientActivityID and drops a posted name', () => {
    const activity = fromClient(
      {
        type: 'message',
        text: 'hi',
        locale: 'es-MX',
        channelData: { clientActivityID: 'abc' },
        from: { id: 'forged', name: 'Ana' },
        serviceUrl: 'https://evil.example',
        recipient: { id: 'someone', name: '' },
      },
      participants,
      'conv|0000001',
      at,
    );
    assert.deepEqual(JSON.parse(JSON.stringify(activity)), {
      type: 'message',
      text: 'hi',
      locale: 'es-MX',
      channelData: { clientActivityID: 'abc' },
      id: 'conv|0000001',
      timestamp: '2026-11-20T10:00:00.000Z',
      channelId: 'directline',
      serviceUrl: 'https://bot.example',
      conversation: { id: 'conv' },
      // Only a name the shop vouched for is the customer's (participants.userName).
      from: { id: 'dl_user', name: '', role: 'user' },
      recipient: { id: 'switchboard', name: 'Acme Helper', role: 'bot' },
    });
    assert.equal(
      fromClient({ type: 'message' }, { ...participants, userName: 'Ana García' }, 'conv|2', at).from.name,
      'Ana García',
    );
  });

  it('fromBot() addresses the reply from the bot to the customer and drops server-side fields', () => {
    const activity = fromBot(
      { type: 'message', text: 'hello', replyToId: 'conv|0000001', serviceUrl: 'x', deliveryMode: 'normal' },
      participants,
      'conv|0000002',
      at,
    );
    assert.equal(activity.from.role, 'bot');
    assert.equal(activity.recipient.id, 'dl_user');
    assert.equal(activity.replyToId, 'conv|0000001');
    assert.equal('serviceUrl' in activity, false);
    assert.equal('deliveryMode' in activity, false);
  });

  it("fromBot() keeps channel data for the client but none of Switchboard's internal keys", () => {
    const agentReply = fromBot(
      { type: 'message', text: 'Ana: hi', channelData: { switchboardAgent: { id: 'agent-7', text: 'hi' } } },
      participants,
      'conv|0000003',
      at,
    );
    assert.equal('channelData' in agentReply, false);
    const mixed = fromBot(
      { type: 'message', text: 'x', channelData: { switchboardAgent: { id: 'agent-7' }, notify: true } },
      participants,
      'conv|0000004',
      at,
    );
    assert.deepEqual(mixed.channelData, { notify: true });
  });

  it("fromBot() gives an agent's reply the agent as sender, with the text as the agent wrote it", () => {
    const reply = fromBot(
      {
        type: 'message',
        text: 'hi',
        channelData: {
          switchboardSender: { id: 'agent:7', name: 'Ana García', signedText: 'Ana (agent): hi' },
        },
      },
      participants,
      'conv|0000005',
      at,
    );
    assert.deepEqual(reply.from, { id: 'agent:7', name: 'Ana García', role: 'bot' });
    assert.equal(reply.text, 'hi');
    assert.equal('channelData' in reply, false);
  });
});

describe('DirectLineTokens', () => {
  const secret = 'a-direct-line-secret-for-tests';

  it('issues tokens that verify for their conversation and carry the user', () => {
    const tokens = new DirectLineTokens(secret);
    const { token, expiresIn } = tokens.issue('conv', 'dl_user');
    assert.equal(expiresIn, 1800);
    const claims = tokens.verify(token, 'conv');
    assert.ok(typeof claims === 'object');
    assert.equal(claims.user, 'dl_user');
    assert.equal(tokens.verify(token, 'other'), 'foreign');
  });

  it('refuses expired tokens, tampered tokens and tokens of another secret', () => {
    let now = Date.parse('2026-11-20T10:00:00Z');
    const tokens = new DirectLineTokens(secret, () => now);
    const { token } = tokens.issue('conv');
    now += 31 * 60 * 1000;
    assert.equal(tokens.verify(token), 'expired');
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ conv: 'conv', exp: 9e9, iat: 0 })).toString('base64url')}.${signature}`;
    assert.equal(tokens.verify(forged), 'unrecognized');
    assert.equal(
      new DirectLineTokens('another-secret-entirely').verify(
        new DirectLineTokens('x'.repeat(20)).issue('c').token,
      ),
      'unrecognized',
    );
    assert.equal(tokens.verify('not-a-token'), 'unrecognized');
  });

  it('isSecret() compares the whole secret', () => {
    const tokens = new DirectLineTokens(secret);
    assert.equal(tokens.isSecret(secret), true);
    assert.equal(tokens.isSecret(secret.slice(0, -1)), false);
    assert.equal(tokens.isSecret(''), false);
  });
});

describe('RateLimiter', () => {
  it('take() allows `limit` requests per window and key, then says how long to wait', () => {
    let now = 0;
    const limiter = new RateLimiter(2, 60_000, () => now);
    assert.equal(limiter.take('a'), true);
    assert.equal(limiter.take('a'), true);
    assert.deepEqual(limiter.take('a'), { retryAfterSeconds: 60 });
    assert.equal(limiter.take('b'), true);
    now = 45_000;
    assert.deepEqual(limiter.take('a'), { retryAfterSeconds: 15 });
    now = 60_000;
    assert.equal(limiter.take('a'), true);
  });

  it('forgets windows that have passed', () => {
    let now = 0;
    const limiter = new RateLimiter(1, 1000, () => now);
    for (let i = 0; i < 100; i += 1) limiter.take(`client-${i}`);
    now = 5000;
    limiter.take('late');
    assert.equal(limiter.size, 1);
  });
});

describe('acceptedLocales()', () => {
  it('orders the Accept-Language tags by preference', () => {
    assert.deepEqual(acceptedLocales('en;q=0.5, es-MX, zh-TW;q=0.8, *;q=0.1, fr;q=0'), [
      'es-MX',
      'zh-TW',
      'en',
    ]);
    assert.deepEqual(acceptedLocales(undefined), []);
  });
});

describe('LinkSigner', () => {
  it('signs a path for a time and refuses other paths, forged signatures and late use', () => {
    let now = 1_000_000;
    const signer = new LinkSigner('link-secret', () => now);
    const query = new URLSearchParams(signer.sign('/files/1', 60));
    assert.equal(signer.verify('/files/1', query.get('expires'), query.get('signature')), true);
    assert.equal(signer.verify('/files/2', query.get('expires'), query.get('signature')), 'invalid');
    assert.equal(signer.verify('/files/1', query.get('expires'), 'forged'), 'invalid');
    assert.equal(
      signer.verify('/files/1', String(Number(query.get('expires')) + 10), query.get('signature')),
      'invalid',
    );
    now += 61_000;
    assert.equal(signer.verify('/files/1', query.get('expires'), query.get('signature')), 'expired');
  });
});
