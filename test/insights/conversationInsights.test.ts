import assert from 'node:assert/strict';
import sinon from 'sinon';
import type { InsightTables } from '../../bot/insights/events';
import type { InsightsReport } from '../../bot/insights';
import { AGENT, insightsBot, type InsightsBot } from './insightsFixture';
import { DIALECTS, insightsDatabase } from './insightsDatabases';
import { CLOSED_UNTIL_MONDAY_NINE } from '../support/handoffFixture';

const DAY = { from: Date.parse('2026-11-30T00:00:00Z'), to: Date.parse('2026-12-01T00:00:00Z') };
const MINUTE = 60_000;

async function eventRows(bot: InsightsBot) {
  await bot.insights.recorder.flush();
  const db = bot.insights.database.db.withTables<InsightTables>();
  return db.selectFrom('insight_events').selectAll().orderBy('at').execute();
}

async function dayReport(bot: InsightsBot): Promise<InsightsReport> {
  await bot.insights.recorder.flush();
  return bot.insights.figures.report({ ...DAY, groupBy: 'day' });
}

/** A customer asks for a person, waits `waitMinutes`, and an agent takes the case. */
async function handOff(bot: InsightsBot, conversationId: string, waitMinutes: number): Promise<number> {
  await bot.say(conversationId, 'agent');
  const queued = (await bot.store.queued()).find((c) => c.conversationKey === `test/${conversationId}`);
  assert.ok(queued, `${conversationId} is queued`);
  bot.clock.now += waitMinutes * MINUTE;
  assert.equal(await bot.desk.claim(queued.id, AGENT), 'ok');
  return queued.id;
}

for (const dialect of DIALECTS) {
  describe(`insights along conversations through the real MainDialog (${dialect})`, function () {
    const databases = insightsDatabase(dialect);
    let bot: InsightsBot;

    before(async function () {
      await databases.before(this);
    });
    beforeEach(async () => {
      await databases.reset();
      const database = databases.database();
      bot = insightsBot(database ? { database } : {});
    });
    afterEach(async () => {
      await bot.close();
    });
    after(async () => {
      await databases.after();
    });

    it('a day of conversations adds up to known containment, handoff, task, wait and CSAT figures', async () => {
      // c1 completes an order-status task with the bot alone.
      await bot.say('c1', 'where is my order');
      await bot.say('c1', 'SB-10001');
      await bot.say('c1', 'Ana.Garcia@Example.com');
      // c2 gives up at the verification question.
      await bot.say('c2', 'where is my order');
      await bot.say('c2', 'SB-10001');
      // c3 asks for a person, waits 2 minutes, gets an answer a minute later, rates 4.
      await bot.say('c3', 'hello');
      const c3 = await handOff(bot, 'c3', 2);
      bot.clock.now += MINUTE;
      assert.equal(await bot.desk.reply(c3, AGENT, 'Hello, how can I help?'), 'ok');
      assert.equal(await bot.desk.end(c3, AGENT, 'resolved'), 'ok');
      await bot.say('c3', '4');
      // c4 cancels at the order number.
      await bot.say('c4', 'where is my order');
      await bot.say('c4', 'cancel');
      // c5 switches to Spanish.
      await bot.say('c5', 'language');
      await bot.say('c5', 'Español');
      // c6 waits 10 minutes for a person, who ends without writing; the survey is skipped.
      const c6 = await handOff(bot, 'c6', 10);
      assert.equal(await bot.desk.end(c6, AGENT, 'noResponse'), 'ok');

      assert.equal(await bot.insights.recorder.sweepAbandoned(), 0, 'nobody is idle yet');
      bot.clock.now += 31 * MINUTE;
      assert.equal(await bot.insights.recorder.sweepAbandoned(), 1, 'c2 is idle for more than 30 minutes');
      assert.equal(await bot.insights.recorder.sweepAbandoned(), 0, 'an abandoned task is counted once');

      const report = await dayReport(bot);
      assert.equal(report.series.length, 1);
      const [day] = report.series;
      assert.deepEqual(day, { ...report.totals, period: '2026-11-30' });
      assert.equal(day?.start, '2026-11-30');
      assert.equal(day?.conversations, 6);
      assert.deepEqual(day?.containment, {
        contained: 4,
        rate: 0.6667,
        completedTask: 1,
        completedTaskRate: 0.25,
      });
      assert.deepEqual(day?.handoff, {
        conversations: 2,
        rate: 0.3333,
        reachedAgent: 2,
        requests: 2,
        reasons: { customerAsked: 2 },
      });
      assert.deepEqual(day?.tasks, {
        started: 3,
        completed: 1,
        cancelled: 1,
        handedOff: 0,
        abandoned: 1,
        abandonedAt: [{ task: 'orderStatus', step: 'orderLookupDialog.askNumber/askContactStep', count: 1 }],
      });
      assert.deepEqual(day?.queueWait, { count: 2, medianSeconds: 120, p90Seconds: 600 });
      assert.deepEqual(day?.firstAgentReply, { count: 1, medianSeconds: 180, p90Seconds: 180 });
      assert.deepEqual(day?.csat, {
        count: 1,
        average: 4,
        distribution: { '1': 0, '2': 0, '3': 0, '4': 1, '5': 0 },
      });
      // 3 + 2 + 3 + 2 + 2 + 1 customer messages; the desk's own turns are not messages.
      assert.equal(day?.messages.total, 13);
      assert.equal(day?.languageSwitches, 1);

      const cancelled = (await eventRows(bot)).find((row) => row.kind === 'taskCancelled');
      assert.equal(cancelled?.step, 'orderLookupDialog.askNumber/askReferenceStep', 'where c4 cancelled');
      const switched = (await eventRows(bot)).find((row) => row.kind === 'languageSwitched');
      assert.deepEqual([switched?.name, switched?.locale], ['en', 'es']);
    });

    it('a task under a handoff is not abandoned while the customer is with the team, and is after they return and go quiet', async () => {
      await bot.say('c1', 'where is my order');
      const id = await handOff(bot, 'c1', 1);
      bot.clock.now += 120 * MINUTE;
      assert.equal(await bot.insights.recorder.sweepAbandoned(), 0, 'held by the human team');
      assert.equal(await bot.desk.end(id, AGENT, 'resolved'), 'ok');
      assert.equal(await bot.insights.recorder.sweepAbandoned(), 0, 'the end of the case counts as activity');
      await bot.say('c1', '5');
      bot.clock.now += 31 * MINUTE;
      assert.equal(await bot.insights.recorder.sweepAbandoned(), 1);
      const report = await dayReport(bot);
      assert.deepEqual(report.totals.tasks.abandonedAt, [
        { task: 'orderStatus', step: 'orderLookupDialog.askNumber/askReferenceStep', count: 1 },
      ]);
      assert.equal(report.totals.csat.average, 5);
      assert.equal(report.totals.containment.contained, 0);
    });

    it('a task that ends handing over is counted as handed off, at the step where the person was accepted', async () => {
      for (const text of ['where is my order', 'no idea', 'no idea', 'no idea', 'yes'])
        await bot.say('c1', text);
      const report = await dayReport(bot);
      assert.equal(report.totals.tasks.handedOff, 1);
      assert.deepEqual(report.totals.handoff.reasons, { notUnderstood: 1 });
      const handedOff = (await eventRows(bot)).find((row) => row.kind === 'taskHandedOff');
      assert.equal(handedOff?.step, 'offerPersonDialog.waterfall/answerStep');
      assert.equal(
        await bot.insights.recorder.sweepAbandoned(bot.clock.now + 60 * MINUTE),
        0,
        'an ended task is not open',
      );
    });

    it('a request when the team is closed counts as a handoff asked for, not queued nor reaching an agent', async () => {
      await bot.close();
      const database = databases.database();
      bot = insightsBot({
        ...(database ? { database } : {}),
        teams: CLOSED_UNTIL_MONDAY_NINE,
        start: Date.parse('2026-11-21T10:00:00Z'),
      });
      await bot.say('c1', 'hello');
      await bot.say('c1', 'agent');
      await bot.say('c1', 'no');
      await bot.insights.recorder.flush();
      const report = await bot.insights.figures.report({
        from: Date.parse('2026-11-21T00:00:00Z'),
        to: Date.parse('2026-11-22T00:00:00Z'),
        groupBy: 'day',
      });
      assert.deepEqual(report.totals.handoff, {
        conversations: 1,
        rate: 1,
        reachedAgent: 0,
        requests: 1,
        reasons: { customerAsked: 1 },
      });
      assert.equal(report.totals.containment.contained, 0);
      const requested = (await eventRows(bot)).filter((row) => row.kind.startsWith('handoff'));
      assert.deepEqual(
        requested.map((row) => [row.kind, row.step, row.team]),
        [['handoffRequested', 'closed', 'weekdays']],
      );
    });

    it('records what the routing step read, FAQ answers and their ratings, by their allow-listed properties only', async () => {
      // Two Spanish customers ask what shipping costs; one finds the answer helpful, one not.
      await bot.say('c1', '¿cuánto cuesta el envío?', 'es-ES');
      await bot.say('c1', 'sí', 'es-ES');
      await bot.say('c2', '¿cuánto cuesta el envío?', 'es-ES');
      await bot.say('c2', 'no', 'es-ES');
      await bot.say('c2', 'no', 'es-ES');
      // An English customer writes something the bot does not understand.
      await bot.say('c3', 'mumble secret words');
      const report = await dayReport(bot);
      assert.deepEqual(
        report.totals.intents.map(({ intent, count }) => ({ intent, count })),
        [
          { intent: 'shipping-costs', count: 2 },
          { intent: 'None', count: 1 },
        ],
      );
      assert.deepEqual(report.totals.faq, { answered: 2, rated: 2, helpful: 1 });
      assert.equal(report.totals.messages.notUnderstood, 1);
      const es = await bot.insights.figures.report({ ...DAY, groupBy: 'day', locale: 'es' });
      assert.equal(es.totals.faq.answered, 2, "an event's own locale is kept");
      for (const row of await eventRows(bot)) {
        assert.doesNotMatch(JSON.stringify(row), /mumble|cuesta|secret/, 'no message text in an event');
      }
    });

    it('a failing recorder never fails a turn: the customer gets the same answers', async () => {
      const expected = [await bot.say('c1', 'where is my order'), await bot.say('c1', 'SB-10001')];
      const sandbox = sinon.createSandbox();
      try {
        sandbox.stub(bot.insights.recorder, 'record').throws(new Error('insights are down'));
        sandbox.stub(bot.insights.recorder, 'stepTask').throws(new Error('insights are down'));
        const actual = [await bot.say('c2', 'where is my order'), await bot.say('c2', 'SB-10001')];
        assert.deepEqual(actual, expected);
      } finally {
        sandbox.restore();
      }
    });

    it('unlinking a conversation for an erasure keeps every figure and leaves no event with its id', async () => {
      await bot.say('c1', 'where is my order');
      await bot.say('c1', 'SB-10001');
      await bot.say('c1', 'Ana.Garcia@Example.com');
      await handOff(bot, 'c2', 2);
      const before = await dayReport(bot);
      const id = await bot.insights.recorder.idOf('test/c1');
      const count = (await eventRows(bot)).filter((row) => row.conversation === id).length;
      assert.ok(count > 0);
      assert.equal(await bot.insights.recorder.unlinkConversation('test/c1'), count);
      assert.equal((await eventRows(bot)).filter((row) => row.conversation === id).length, 0);
      assert.deepEqual(await dayReport(bot), before);
      assert.equal(
        await bot.insights.recorder.unlinkConversation('test/c1'),
        0,
        'a second time finds nothing',
      );
    });

    it('stores no message text, names, user ids or conversation ids', async () => {
      await bot.say('c-34600111222', 'where is my order');
      await bot.say('c-34600111222', 'SB-10001');
      await bot.say('c-34600111222', 'Ana.Garcia@Example.com');
      await handOff(bot, 'c-34600111222', 1);
      const stored = JSON.stringify(await eventRows(bot));
      for (const secret of [
        '34600111222',
        'user-',
        'Zelda',
        'Quince',
        'SB-10001',
        'Ana',
        'Garcia',
        'where is my order',
      ]) {
        assert.ok(!stored.includes(secret), `${secret} is not stored`);
      }
      const ids = new Set((await eventRows(bot)).map((row) => row.conversation));
      assert.deepEqual([...ids], [await bot.insights.recorder.idOf('test/c-34600111222')]);
      assert.match([...ids][0] ?? '', /^[0-9a-f]{32}$/);
    });
  });
}
