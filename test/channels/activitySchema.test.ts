import assert from 'node:assert/strict';
import {
  BOT_FRAMEWORK_FIELD_CHECKS,
  MAX_FIELD_LENGTH,
  MAX_TEXT_LENGTH,
  botFrameworkActivityProblem,
  botFrameworkActivitySchema,
  clientActivityProblem,
  plainlyValidBotFrameworkActivity,
} from '../../channels/activitySchema';

const NOT_AN_OBJECT = 'the body must be a JSON object (an activity) sent as application/json';
const botFramework = {
  type: 'message',
  channelId: 'msteams',
  conversation: { id: 'c1' },
  from: { id: 'u1', name: 'Ana' },
};

describe('botFrameworkActivityProblem()', () => {
  const rows: [name: string, body: unknown, problem: string | undefined][] = [
    ['a minimal activity', botFramework, undefined],
    [
      'unknown fields, a JSON value and typed optional fields',
      {
        ...botFramework,
        text: 'hi',
        locale: 'es-MX',
        id: 'a1',
        serviceUrl: 'https://smba.example',
        attachments: [{ contentType: 'image/png', contentUrl: 'https://x.example/a.png' }],
        membersAdded: [{ id: 'u1' }],
        value: { action: 'submit', rating: [1, 2, null] },
        channelData: 'anything',
        semanticAction: { id: 'x' },
      },
      undefined,
    ],
    ['null', null, NOT_AN_OBJECT],
    ['an array', [], NOT_AN_OBJECT],
    ['a string', 'message', NOT_AN_OBJECT],
    ['no type', { ...botFramework, type: undefined }, 'activity.type is required'],
    ['an empty channelId', { ...botFramework, channelId: '' }, 'activity.channelId is required'],
    ['no conversation', { ...botFramework, conversation: undefined }, 'activity.conversation is required'],
    ['no conversation.id', { ...botFramework, conversation: {} }, 'activity.conversation.id is required'],
    [
      'a numeric conversation.id',
      { ...botFramework, conversation: { id: 7 } },
      'activity.conversation.id must be a string',
    ],
    ['no from', { ...botFramework, from: undefined }, 'activity.from is required'],
    ['a numeric from.id', { ...botFramework, from: { id: 7 } }, 'activity.from.id must be a string'],
    ['a locale object', { ...botFramework, locale: { x: 1 } }, 'activity.locale must be a string'],
    ['a numeric text', { ...botFramework, text: 12345 }, 'activity.text must be a string'],
    ['a null text', { ...botFramework, text: null }, 'activity.text must be a string'],
    ['a text of 20,000 characters', { ...botFramework, text: 'x'.repeat(20_000) }, undefined],
    [
      'a text over 20,000 characters',
      { ...botFramework, text: 'x'.repeat(20_001) },
      'activity.text must be at most 20000 characters',
    ],
    [
      'a locale of 3,000 characters',
      { ...botFramework, locale: 'e'.repeat(3000) },
      'activity.locale must be at most 2048 characters',
    ],
    [
      'attachments as an object',
      { ...botFramework, attachments: {} },
      'activity.attachments must be an array',
    ],
    [
      'an attachment that is a number',
      { ...botFramework, attachments: [5] },
      'activity.attachments[0] must be an object',
    ],
    [
      'an attachment name that is a number',
      { ...botFramework, attachments: [{ contentType: 'text/plain' }, { name: 3 }] },
      'activity.attachments[1].name must be a string',
    ],
    [
      'a member without id',
      { ...botFramework, membersAdded: [{}] },
      'activity.membersAdded[0].id is required',
    ],
  ];
  for (const [name, body, problem] of rows) {
    it(`${name}: ${problem ?? 'no problem'}`, () => {
      assert.equal(botFrameworkActivityProblem(body), problem);
    });
  }
});

describe('clientActivityProblem()', () => {
  const rows: [name: string, body: unknown, problem: string | undefined][] = [
    ['a message without channel, conversation or sender', { type: 'message', text: 'x' }, undefined],
    ['a sender name', { type: 'message', from: { name: 'Ana' } }, undefined],
    ['null', null, NOT_AN_OBJECT],
    ['an array', [], NOT_AN_OBJECT],
    ['no type', { text: 'x' }, 'activity.type is required'],
    ['a numeric text', { type: 'message', text: 5 }, 'activity.text must be a string'],
    [
      'attachments as an object',
      { type: 'message', attachments: {} },
      'activity.attachments must be an array',
    ],
    ['a locale object', { type: 'message', locale: { x: 1 } }, 'activity.locale must be a string'],
    ['a numeric from.name', { type: 'message', from: { name: 5 } }, 'activity.from.name must be a string'],
  ];
  for (const [name, body, problem] of rows) {
    it(`${name}: ${problem ?? 'no problem'}`, () => {
      assert.equal(clientActivityProblem(body), problem);
    });
  }
});

describe('plainlyValidBotFrameworkActivity()', () => {
  it('checks exactly the fields of the zod schema', () => {
    assert.deepEqual(
      Object.keys(BOT_FRAMEWORK_FIELD_CHECKS).sort(),
      Object.keys(botFrameworkActivitySchema.shape).sort(),
    );
  });

  it('passes nothing zod refuses, and the usual message without zod', () => {
    const message = {
      type: 'message',
      id: 'a1',
      channelId: 'emulator',
      serviceUrl: 'http://localhost:1/',
      conversation: { id: 'c1', isGroup: false },
      from: { id: 'u1', name: 'Ana', role: 'user' },
      recipient: { id: 'bot', name: 'Switchboard' },
      text: 'where is my order',
      locale: 'es-ES',
      localTimezone: 'Europe/Madrid',
      timestamp: '2025-06-13T10:00:00Z',
      channelData: { clientActivityID: 'x' },
      value: { any: ['thing'] },
    };
    assert.equal(plainlyValidBotFrameworkActivity(message), true);
    // Every field of the schema and a few more, each given values of every kind.
    const values: unknown[] = [
      undefined,
      null,
      '',
      'x',
      'x'.repeat(MAX_FIELD_LENGTH),
      'x'.repeat(MAX_FIELD_LENGTH + 1),
      'x'.repeat(MAX_TEXT_LENGTH + 1),
      0,
      true,
      [],
      [{ id: 'm' }],
      {},
      { id: '' },
      { id: 'x' },
      { id: 'x', name: 5 },
      { id: 'x', name: 'N' },
      { id: 7 },
    ];
    let checked = 0;
    for (const field of [...Object.keys(botFrameworkActivitySchema.shape), 'extra', 'timestamp']) {
      for (const value of values) {
        const body: Record<string, unknown> = { ...message, [field]: value };
        if (value === undefined) delete body[field];
        const zodAccepts = botFrameworkActivitySchema.safeParse(body).success;
        if (plainlyValidBotFrameworkActivity(body))
          assert.equal(zodAccepts, true, `${field} = ${JSON.stringify(value)?.slice(0, 40)}`);
        // And the route's answer is zod's, whichever way it was reached.
        assert.equal(botFrameworkActivityProblem(body) === undefined, zodAccepts);
        checked += 1;
      }
    }
    for (const body of [null, [], 'message', 5, {}])
      assert.equal(plainlyValidBotFrameworkActivity(body), false);
    assert.ok(checked > 300);
  });
});
