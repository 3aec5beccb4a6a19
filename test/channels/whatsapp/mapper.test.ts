import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { ConfigError, parseConfig } from '../../../bot/config';
import { validSignature } from '../../../channels/whatsapp/cloud';
import {
  mapInboundMessage,
  renderParts,
  templateMessage,
  templateParameter,
} from '../../../channels/whatsapp/cloud/mapper';
import { messageParts, pickChoice } from '../../../channels/whatsapp/outgoing';
import { localeForPhone } from '../../../channels/whatsapp/phoneLocale';
import { mapWebMessage } from '../../../channels/whatsapp/web/mapper';

const context = { phoneNumberId: '1', profileName: 'Ana', serviceUrl: 'https://graph.facebook.com' };
const choices = (titles: string[]) => titles.map((title) => ({ title, value: title }));

describe('WhatsApp Cloud mapper', () => {
  it('mapInboundMessage() reads text, the id of a chosen button or row, and names media it cannot read', () => {
    const text = mapInboundMessage(
      { id: 'w1', from: '34600111222', type: 'text', text: { body: 'hola' } },
      context,
    );
    assert.equal(text.kind === 'turn' && text.activity.text, 'hola');
    assert.equal(text.kind === 'turn' && text.activity.locale, 'es');
    assert.equal(text.kind === 'turn' && text.activity.conversation?.id, '34600111222');
    const button = mapInboundMessage(
      {
        id: 'w2',
        from: '1',
        type: 'interactive',
        interactive: { type: 'button_reply', button_reply: { id: 'Yes', title: 'Sí' } },
      },
      context,
    );
    assert.equal(button.kind === 'turn' && button.activity.text, 'Yes');
    const row = mapInboundMessage(
      {
        id: 'w3',
        from: '1',
        type: 'interactive',
        interactive: { type: 'list_reply', list_reply: { id: 'SB-1', title: 'x' } },
      },
      context,
    );
    assert.equal(row.kind === 'turn' && row.activity.text, 'SB-1');
    for (const type of ['image', 'audio', 'document', 'location', 'sticker', 'reaction']) {
      const media = mapInboundMessage({ id: `m-${type}`, from: '1', type }, context);
      assert.equal(media.kind === 'turn' && media.textOnly, true, type);
      assert.equal(media.kind === 'turn' && media.activity.attachments?.[0]?.name, type);
    }
  });

  it('renderParts() uses buttons up to 3 titles of 20, a list up to 10 of 24, else a numbered list', () => {
    const buttons = renderParts(
      { text: 'Pick', choices: choices(['Yes', 'No']), documents: [] },
      '1',
      'Choose',
    );
    assert.deepEqual(buttons[0]?.kind === 'message' && buttons[0].message.interactive, {
      type: 'button',
      body: { text: 'Pick' },
      action: {
        buttons: [
          { type: 'reply', reply: { id: 'Yes', title: 'Yes' } },
          { type: 'reply', reply: { id: 'No', title: 'No' } },
        ],
      },
    });
    const list = renderParts(
      { text: 'Pick', choices: choices(['a', 'b', 'c', 'd']), documents: [] },
      '1',
      'Choose',
    );
    assert.equal(
      list[0]?.kind === 'message' && (list[0].message.interactive as { type: string }).type,
      'list',
    );
    const long = renderParts(
      { text: 'Pick', choices: choices(['x'.repeat(25)]), documents: [] },
      '1',
      'Choose',
    );
    assert.deepEqual(long[0]?.kind === 'message' && long[0].message.text, {
      body: `Pick\n\n1. ${'x'.repeat(25)}`,
      preview_url: false,
    });
    assert.deepEqual(long[0]?.kind === 'message' && long[0].offered, choices(['x'.repeat(25)]));
    const eleven = renderParts(
      { text: 'Pick', choices: choices(Array.from({ length: 11 }, (_, i) => `o${i}`)), documents: [] },
      '1',
      'Choose',
    );
    assert.equal(eleven[0]?.kind === 'message' && eleven[0].message.type, 'text');
  });

  it('renderParts() splits text over 4096 characters', () => {
    const steps = renderParts(
      { text: `${'a'.repeat(4000)} ${'b'.repeat(200)}`, choices: [], documents: [] },
      '1',
      'Choose',
    );
    assert.equal(steps.length, 2);
  });

  it('templateParameter() flattens new lines and long runs of spaces, as Meta requires', () => {
    assert.equal(templateParameter('a\n\nb\tc     d'), 'a · b c d');
    assert.equal([...templateParameter('x'.repeat(2000))].length, 1024);
    assert.deepEqual(templateMessage('1', { name: 'reply', language: 'en_US' }, 'hi'), {
      to: '1',
      type: 'template',
      template: {
        name: 'reply',
        language: { code: 'en_US' },
        components: [{ type: 'body', parameters: [{ type: 'text', text: 'hi' }] }],
      },
    });
  });

  it('validSignature() accepts the HMAC of the exact bytes only', () => {
    const body = Buffer.from('{"a":1}');
    const good = `sha256=${createHmac('sha256', 's').update(body).digest('hex')}`;
    assert.equal(validSignature(good, body, 's'), true);
    assert.equal(validSignature(good, Buffer.from('{"a": 1}'), 's'), false);
    assert.equal(validSignature(good, body, 't'), false);
    assert.equal(validSignature(undefined, body, 's'), false);
    assert.equal(validSignature('sha1=abc', body, 's'), false);
  });
});

describe('WhatsApp shared parts', () => {
  it("messageParts() signs an agent's reply with the agent's name, WhatsApp having no sender per message", () => {
    assert.equal(
      messageParts({
        type: 'message',
        text: 'hi',
        channelData: {
          switchboardSender: { id: 'agent:7', name: 'Ana García', signedText: 'Ana (agent): hi' },
        },
      })?.text,
      'Ana (agent): hi',
    );
  });

  it('messageParts() turns suggested actions into choices and a link into text, dropping channelData', () => {
    const parts = messageParts({
      type: 'message',
      text: 'Hi',
      channelData: { switchboardAgent: { id: 'a' } },
      suggestedActions: {
        to: [],
        actions: [
          { type: 'imBack', title: 'Yes', value: 'yes' },
          { type: 'openUrl', title: 'Track', value: 'https://t.example/1' },
        ],
      },
    });
    assert.deepEqual(parts, {
      text: 'Hi\n\nTrack: https://t.example/1',
      choices: [{ title: 'Yes', value: 'yes' }],
      documents: [],
    });
  });

  it('pickChoice() picks by number or by title, ignoring case and accents', () => {
    const offered = [
      { title: 'Sí', value: 'yes' },
      { title: 'No', value: 'no' },
    ];
    assert.equal(pickChoice('1', offered), 'yes');
    assert.equal(pickChoice(' 2. ', offered), 'no');
    assert.equal(pickChoice('si', offered), 'yes');
    assert.equal(pickChoice('3', offered), undefined);
    assert.equal(pickChoice('maybe', offered), undefined);
  });

  it('localeForPhone() hints Spanish for Spanish-speaking countries and English for English-speaking ones', () => {
    assert.equal(localeForPhone('+34 600 111 222'), 'es');
    assert.equal(localeForPhone('5215512345678'), 'es');
    assert.equal(localeForPhone('18095551234'), 'es');
    assert.equal(localeForPhone('12025550143'), 'en');
    assert.equal(localeForPhone('447700900123'), 'en');
    assert.equal(localeForPhone('8613800138000'), undefined);
  });

  it('mapWebMessage() proves the phone of …@c.us ids only', () => {
    const base = {
      id: { _serialized: 'x' },
      fromMe: false,
      isStatus: false,
      type: 'chat',
      body: 'hi',
      timestamp: 1,
    };
    const direct = mapWebMessage({ ...base, from: '34600111222@c.us' }, { allowGroups: false });
    assert.equal(direct.kind === 'turn' && direct.activity.from?.name, '+34600111222');
    const lid = mapWebMessage({ ...base, from: '123456789012345@lid' }, { allowGroups: false });
    assert.equal(lid.kind === 'turn' && lid.activity.locale, undefined);
    const group = mapWebMessage(
      { ...base, from: '1203630@g.us', author: '34600111222@c.us' },
      { allowGroups: true },
    );
    assert.equal(group.kind === 'turn' && group.activity.conversation?.isGroup, true);
  });
});

describe('parseConfig() WHATSAPP_*', () => {
  const problems = (env: Record<string, string>): string[] => {
    try {
      parseConfig(env, '/srv/bot');
    } catch (error) {
      assert.ok(error instanceof ConfigError);
      return error.problems;
    }
    assert.fail('accepted');
  };

  it('names every missing Cloud API variable', () => {
    const found = problems({ WHATSAPP_MODE: 'cloud' });
    for (const name of [
      'WHATSAPP_CLOUD_TOKEN',
      'WHATSAPP_CLOUD_APP_SECRET',
      'WHATSAPP_CLOUD_VERIFY_TOKEN',
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
    ]) {
      assert.ok(
        found.some((problem) => problem.startsWith(name)),
        name,
      );
    }
  });

  it('names bad values', () => {
    const found = problems({
      WHATSAPP_MODE: 'business',
      WHATSAPP_CLOUD_API_VERSION: '23',
      WHATSAPP_CLOUD_TEMPLATES: '{"agentReply":{"en":"Bad Name"}}',
      WHATSAPP_CLOUD_PHONE_NUMBER_ID: '+34 600',
      WHATSAPP_WEB_CHAT_MESSAGES_PER_MINUTE: '0',
      WHATSAPP_WEB_ALLOW_GROUPS: 'yes',
    });
    for (const name of [
      'WHATSAPP_MODE',
      'WHATSAPP_CLOUD_API_VERSION',
      'WHATSAPP_CLOUD_TEMPLATES',
      'WHATSAPP_CLOUD_PHONE_NUMBER_ID',
      'WHATSAPP_WEB_CHAT_MESSAGES_PER_MINUTE',
      'WHATSAPP_WEB_ALLOW_GROUPS',
    ]) {
      assert.ok(
        found.some((problem) => problem.startsWith(name)),
        `${name}: ${found.join(' | ')}`,
      );
    }
    assert.ok(problems({ WHATSAPP_CLOUD_TEMPLATES: 'nope' })[0]?.includes('not valid JSON'));
    assert.ok(
      problems({ WHATSAPP_CLOUD_TEMPLATES: '{"greeting":{"en":"x"}}' })[0]?.includes('unknown purpose'),
    );
  });

  it('reads templates as a name per purpose and locale, with an optional language code', () => {
    const config = parseConfig(
      {
        WHATSAPP_CLOUD_TEMPLATES:
          '{"agentReply":{"en":"support_reply","es":{"name":"respuesta","language":"es_ES"}}}',
      },
      '/srv/bot',
    );
    assert.deepEqual(config.whatsapp.cloud.templates, {
      agentReply: {
        en: { name: 'support_reply', language: 'en' },
        es: { name: 'respuesta', language: 'es_ES' },
      },
    });
  });
});
