import assert from 'node:assert/strict';
import { createLogger } from '../../bot/logger';
import { logCapture } from '../support/logCapture';
import { IBANS, ibanFragments, spaced } from '../support/plantedPii';

function assertNoIban(lines: string[]): void {
  const leaked = ibanFragments().filter((fragment) => lines.some((line) => line.includes(fragment)));
  assert.deepEqual(leaked, [], lines.join('\n'));
}

describe('createLogger()', () => {
  it('redacts personal data in fields, nested values and arrays at debug level', () => {
    const { stream, lines } = logCapture();
    const logger = createLogger('debug', stream);
    logger.debug(
      { text: `my IBAN is ${IBANS.DE}`, nested: { list: [spaced(IBANS.ES), { deep: IBANS.GB }] } },
      'turn received',
    );
    assert.equal(lines.length, 1);
    assertNoIban(lines);
    const entry = JSON.parse(lines[0] ?? '{}') as {
      text: string;
      nested: { list: [string, { deep: string }] };
    };
    assert.equal(entry.text, 'my IBAN is [iban]');
    assert.deepEqual(entry.nested, { list: ['[iban]', { deep: '[iban]' }] });
  });

  it('redacts the message, format arguments and errors whose message or stack quote the customer', () => {
    const { stream, lines } = logCapture();
    const logger = createLogger('trace', stream);
    const quoting = new Error(`cannot parse "${spaced(IBANS.FR)}"`, {
      cause: new Error(`about ${IBANS.NL}`),
    });
    logger.error({ err: quoting }, 'turn failed');
    logger.warn(quoting);
    logger.info(`customer wrote ${IBANS.DE}`);
    logger.info('customer wrote %s', spaced(IBANS.GB));
    assert.equal(lines.length, 4);
    assertNoIban(lines);
    const first = JSON.parse(lines[0] ?? '{}') as { err: { type: string; message: string; stack: string } };
    assert.equal(first.err.type, 'Error', 'errors keep their type');
    assert.match(first.err.message, /cannot parse "\[iban\]"/);
    assert.match(first.err.stack, /logger\.test\.ts/, 'the stack stays useful');
  });

  it('redacts object keys, card numbers sent as JSON numbers and buffers, keeping times and counts', () => {
    const lines: string[] = [];
    const logger = createLogger('debug', { write: (line: string) => lines.push(line) });
    logger.child({ component: 'test' }).debug(
      {
        'ana@example.com': true,
        card: 4111111111111111,
        at: 1796117297560,
        count: 3,
        body: Buffer.from('ana@example.com'),
      },
      'x',
    );
    const line = lines.join('');
    assert.ok(!line.includes('ana@example.com'), line);
    assert.ok(!line.includes('4111111111111111'), line);
    const parsed = JSON.parse(line) as Record<string, unknown>;
    assert.equal(parsed.body, '[15 bytes]');
    assert.equal(parsed['[email]'], true);
    assert.equal(parsed.card, '[card]');
    assert.equal(parsed.at, 1796117297560);
    assert.equal(parsed.count, 3);
  });

  it('still censors secrets by name', () => {
    const { stream, lines } = logCapture();
    createLogger('info', stream).info({ config: { botFramework: { appPassword: 'hunter2' } } }, 'config');
    assert.equal(lines.length, 1);
    assert.doesNotMatch(lines[0] ?? '', /hunter2/);
    assert.match(lines[0] ?? '', /\[redacted\]/);
  });
});
