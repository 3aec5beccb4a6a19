import assert from 'node:assert/strict';
import { TurnSlot } from '../../bot/turnScope';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('TurnSlot', () => {
  it('run() makes the values of a turn visible to everything it awaits, and to no other turn', async () => {
    const fields = new TurnSlot<string>('fields');
    const record = new TurnSlot<string>('record');
    const seen: string[] = [];
    const turn = async (name: string): Promise<void> => {
      const context = { name };
      await fields.run(context, `fields of ${name}`, () =>
        record.run(context, `record of ${name}`, async () => {
          await tick();
          seen.push(`${name}: ${fields.get()} / ${record.get()}`);
        }),
      );
    };
    await Promise.all([turn('a'), turn('b')]);
    assert.deepEqual(seen.sort(), ['a: fields of a / record of a', 'b: fields of b / record of b']);
    assert.equal(fields.get(), undefined);
    assert.equal(record.get(), undefined);
  });

  it('run() inside another turn opens a scope of its own that keeps the outer values it does not set', async () => {
    const fields = new TurnSlot<string>('fields');
    const record = new TurnSlot<string>('record');
    const outer = {};
    const inner = {};
    await fields.run(outer, 'outer fields', () =>
      record.run(outer, 'outer record', async () => {
        await record.run(inner, 'inner record', async () => {
          await tick();
          assert.equal(record.get(), 'inner record');
          assert.equal(fields.get(), 'outer fields');
        });
        assert.equal(record.get(), 'outer record');
        // The same slot set again for the same turn does not change what the caller sees after.
        await fields.run(outer, 'again', async () => assert.equal(fields.get(), 'again'));
        assert.equal(fields.get(), 'outer fields');
      }),
    );
  });
});
