import assert from 'node:assert/strict';
import { digestConversation, trendOf } from '../../handoff/caseDigest';
import type { TranscriptLine } from '../../handoff/handoffStore';

let nextId = 1;
const line = (role: TranscriptLine['role'], text: string): TranscriptLine => ({
  id: nextId++,
  at: 0,
  role,
  agentId: undefined,
  text,
  redacted: false,
});

describe('digestConversation()', () => {
  it('takes the first message that says something as the reason, and the sentences the customer keeps coming back to', () => {
    const transcript = [
      line('customer', 'hi'),
      line('bot', 'Hello! How can I help?'),
      line('customer', 'My blue jacket from order SB-10004 arrived torn'),
      line('customer', 'The weather is nice today by the way.'),
      line('customer', 'The jacket is torn at the sleeve. I want a new jacket, not a refund.'),
      line('customer', 'agent'),
    ];
    assert.deepEqual(digestConversation(transcript, []), {
      contactReason: 'My blue jacket from order SB-10004 arrived torn',
      keySentences: ['The jacket is torn at the sleeve.', 'I want a new jacket, not a refund.'],
    });
  });

  it('picks Chinese sentences by shared character pairs', () => {
    const transcript = [
      line('customer', '我的订单一直没有到货'),
      line('customer', '今天天气很好。订单号是100234，订单还没到货。'),
      line('customer', '转人工'),
    ];
    const digest = digestConversation(transcript, []);
    assert.equal(digest.contactReason, '我的订单一直没有到货');
    assert.deepEqual(digest.keySentences[0], '订单号是100234，订单还没到货。');
  });

  it('has no reason when the customer only clicked and greeted', () => {
    assert.deepEqual(digestConversation([line('customer', 'hi'), line('customer', 'agent')], []), {
      keySentences: [],
    });
  });
});

describe('trendOf()', () => {
  it('says worsening, improving or steady from the first score to the last', () => {
    assert.deepEqual(trendOf([0.1, 0.5, 0.9]), { first: 0.1, last: 0.9, peak: 0.9, direction: 'worsening' });
    assert.deepEqual(trendOf([0.95, 0.2]), { first: 0.95, last: 0.2, peak: 0.95, direction: 'improving' });
    assert.equal(trendOf([0.3, 0.9, 0.4])?.direction, 'steady');
    assert.equal(trendOf([0.5]), undefined);
  });
});
