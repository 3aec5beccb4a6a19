import assert from 'node:assert/strict';
import { SharedDatabase } from '../../bot/database';
import { CONTENT_MIGRATIONS, UnrecognizedInbox } from '../../bot/content';

describe('unrecognized inbox', () => {
  let database: SharedDatabase;
  let inbox: UnrecognizedInbox;
  beforeEach(() => {
    database = new SharedDatabase({ dialect: 'sqlite', file: ':memory:' }, [CONTENT_MIGRATIONS]);
    inbox = new UnrecognizedInbox(database);
  });
  afterEach(() => database.close());

  it('counts repeats that differ in case, accents and punctuation as one, keeping the last wording', async () => {
    await inbox.record('Kur ir mans čeks?', 'lv', 1_000);
    await inbox.record('kur ir mans ceks', 'lv', 2_000);
    await inbox.record('kur ir mans ceks', 'en', 3_000);
    await inbox.record('   ', 'lv', 4_000);
    const items = await inbox.open({ limit: 10 });
    assert.deepEqual(
      items.map(({ text, locale, count, lastSeen }) => ({ text, locale, count, lastSeen })),
      [
        { text: 'kur ir mans ceks', locale: 'lv', count: 2, lastSeen: 2_000 },
        { text: 'kur ir mans ceks', locale: 'en', count: 1, lastSeen: 3_000 },
      ],
    );
  });

  it('expires messages last written before the cutoff, whatever their status', async () => {
    await inbox.record('old question', 'en', 1_000);
    await inbox.record('dismissed question', 'en', 1_500);
    await inbox.record('new question', 'en', 9_000);
    const [, dismissed] = await inbox.open({ limit: 10 });
    await inbox.close(dismissed!.id, 'dismissed');
    assert.equal(await inbox.expire(5_000), 2);
    assert.deepEqual(
      (await inbox.open({ limit: 10 })).map((item) => item.text),
      ['new question'],
    );
    assert.equal(await inbox.expire(5_000), 0);
  });
});
