import assert from 'node:assert/strict';
import { createI18n, translator } from '../../bot/i18n';
import { queueCase, startConsole, type ConsoleFixture } from './consoleFixture';

const t = translator(createI18n(), 'en');

describe('HandoffDesk', () => {
  let fixture: ConsoleFixture;

  beforeEach(async () => {
    fixture = await startConsole();
  });

  afterEach(async () => {
    await fixture.close();
  });

  /** What the fake channel delivered to one conversation, as texts. */
  const textsTo = (conversationId: string | undefined): string[] =>
    fixture.deliveries
      .filter((delivery) => delivery.conversationId === conversationId)
      .map((delivery) => delivery.activity.text ?? '');

  const positionText = async (position: number) =>
    t('handoff.position', { position, minutes: await fixture.desk.etaMinutes(position) });

  for (const outcome of ['completed', 'failed'] as const) {
    it(`endedByHub() (${outcome}) ends the case, audits it and tells the next customer their new place`, async () => {
      const first = await queueCase(fixture);
      const second = await queueCase(fixture);
      const changed: number[] = [];
      fixture.desk.on('changed', (id: number) => changed.push(id));

      assert.equal(
        await fixture.desk.endedByHub(first, outcome, outcome === 'failed' ? 'hub down' : undefined),
        true,
      );

      assert.equal((await fixture.desk.records.getCase(first.id))?.state, 'ended');
      assert.equal((await fixture.desk.records.getCase(first.id))?.disposition, outcome);
      assert.deepEqual(changed, [first.id]);
      const [entry] = await fixture.desk.records.auditLog(1);
      assert.deepEqual(
        { actor: entry?.actor, action: entry?.action, caseId: entry?.caseId },
        { actor: 'external', action: outcome, caseId: first.id },
      );
      assert.deepEqual(textsTo(second.reference.conversation?.id), [await positionText(1)]);
      // A second report of the same end changes nothing.
      assert.equal(await fixture.desk.endedByHub(first, outcome), false);
    });
  }

  it('acceptedByHub() takes the case out of the queue and tells the next customer their new place', async () => {
    const first = await queueCase(fixture);
    const second = await queueCase(fixture);

    await fixture.desk.acceptedByHub(first);

    assert.equal((await fixture.desk.records.getCase(first.id))?.state, 'withAgent');
    assert.equal((await fixture.desk.records.getCase(first.id))?.agentId, 'external');
    assert.deepEqual(textsTo(second.reference.conversation?.id), [await positionText(1)]);
  });

  it('recordSatisfaction() rates the last ended case of the conversation', async () => {
    const handoffCase = await queueCase(fixture);
    await fixture.desk.endedByHub(handoffCase, 'completed');
    await fixture.desk.recordSatisfaction(handoffCase.conversationKey, 4);
    assert.equal((await fixture.desk.records.getCase(handoffCase.id))?.satisfaction, 4);
  });
});
