import assert from 'node:assert/strict';
import { KnownPiiMemory } from '../../bot/language/knownPiiMemory';
import { LocalPiiRedactor, redactPii } from '../../bot/language/pii';
import { statedPersonalDetails } from '../../bot/language/personalDetails';
import { PII_KINDS, plantedLeaks, plantedPersonalData } from '../support/plantedPersonalData';

describe('LocalPiiRedactor on the planted personal data', () => {
  const planted = plantedPersonalData();

  it('the planted set holds at least 30 items of each kind across the five locales', () => {
    for (const kind of PII_KINDS) {
      const items = planted.filter((item) => item.kind === kind);
      assert.ok(items.length >= 30, `${kind}: ${items.length}`);
      assert.deepEqual([...new Set(items.map((item) => item.locale))].sort(), [
        'en',
        'es',
        'lv',
        'zh-CN',
        'zh-TW',
      ]);
    }
  });

  for (const kind of PII_KINDS) {
    it(`redact() replaces every planted ${kind} by [${kind}] and keeps the words around it`, async () => {
      const redactor = new LocalPiiRedactor();
      const wrong: string[] = [];
      for (const item of planted.filter((candidate) => candidate.kind === kind)) {
        const redacted = await redactor.redact(item.message, item.locale);
        if (redacted !== item.message.replace(item.value, `[${kind}]`))
          wrong.push(`${item.message} => ${redacted}`);
        wrong.push(...plantedLeaks([item], redacted));
      }
      assert.deepEqual(wrong, []);
    });
  }
});

describe('redactPii() for names and addresses', () => {
  const kept = [
    'I am waiting for my order SB-10004',
    'I am in London next week',
    'Soy cliente desde 2019',
    '我是想问一下订单',
    'Es esmu ļoti dusmīgs',
    'my postcode is 28013',
    'Quiero ir a la calle',
    'i am john', // lower case is not taken for a name: too many false alarms ("i am done")
  ];
  for (const text of kept) {
    it(`leaves "${text}" as it is`, () => {
      assert.equal(redactPii(text), text);
    });
  }

  it('redacts a known name and address wherever they appear, as whole words', () => {
    assert.equal(
      redactPii('Ana here again, still at Calle Luna 7? Anabel is my sister', {
        names: ['Ana'],
        addresses: ['Calle Luna 7'],
      }),
      '[name] here again, still at [address]? Anabel is my sister',
    );
    assert.equal(redactPii('王小明又来了', { names: ['王小明'] }), '[name]又来了');
  });

  it('redacts an e-mail address whole even when it holds a known name', () => {
    assert.equal(redactPii('ana.perez@example.com', { names: ['Ana'] }), '[email]');
  });

  it('statedPersonalDetails() returns the stated name, its parts and the address', () => {
    assert.deepEqual(statedPersonalDetails('my name is Ana Pérez and I live at 5 High Street'), {
      names: ['Ana Pérez', 'Ana', 'Pérez'],
      addresses: ['5 High Street'],
    });
    assert.deepEqual(statedPersonalDetails('我叫王小明，我住在北京市朝阳区建国路88号'), {
      names: ['王小明'],
      addresses: ['北京市朝阳区建国路88号'],
    });
  });
});

describe('KnownPiiMemory', () => {
  it('learn() remembers what a conversation stated and the profile name, per conversation', () => {
    const memory = new KnownPiiMemory();
    memory.learn('web/1', 'me llamo Lucía Gómez', 'Lucy Dale');
    const known = memory.learn('web/1', 'where is my order?');
    assert.deepEqual(known.names, ['Lucy Dale', 'Lucía Gómez', 'Lucía', 'Gómez']);
    assert.equal(redactPii('Lucía otra vez', known), '[name] otra vez');
    assert.deepEqual(memory.known('web/2'), {});
  });

  it('learn() ignores profile names that are ids or the generic "User"', () => {
    const memory = new KnownPiiMemory();
    assert.deepEqual(memory.learn('web/1', 'hello', 'User').names, []);
    assert.deepEqual(memory.learn('web/2', 'hello', 'dl_8f3a9c0e').names, []);
  });

  it('forget() drops a conversation', () => {
    const memory = new KnownPiiMemory();
    memory.learn('web/1', 'my name is Ann Lee');
    memory.forget('web/1');
    assert.deepEqual(memory.known('web/1'), {});
  });
});
