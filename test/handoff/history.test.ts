import assert from 'node:assert/strict';
import type { CaseView } from '../../handoff/consoleApi';
import { login, queueCase, startConsole, type ConsoleFixture } from './consoleFixture';

interface HistoryCase extends CaseView {
  collected: Record<string, unknown>;
  openTickets: { id: number; team: string }[];
}
interface HistoryAnswer {
  cases: HistoryCase[];
  total: number;
  page: number;
  pageSize: number;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('GET /api/console/cases/history', () => {
  let fixture: ConsoleFixture;

  beforeEach(async () => {
    fixture = await startConsole();
  });

  afterEach(async () => {
    await fixture.close();
  });

  /** Queues a case, lets `agent` take it (when given) and ends it with `outcome`. */
  const endedCase = async (
    overrides: Parameters<typeof queueCase>[1],
    outcome: string,
    agent?: 'ana' | 'bruno' | 'carla',
  ) => {
    const handoffCase = await queueCase(fixture, overrides);
    const lena = fixture.accounts.lena!;
    if (agent) assert.equal(await fixture.desk.claim(handoffCase.id, fixture.accounts[agent]!), 'ok');
    assert.equal(await fixture.desk.end(handoffCase.id, lena, outcome), 'ok');
    return handoffCase;
  };

  const seed = async () => ({
    maria: await endedCase(
      { customerName: 'María López', collected: { orderNumber: 'SB-10042' } },
      'resolved',
      'ana',
    ),
    bob: await endedCase(
      { customerName: 'Bob Stone', channelId: 'telegram', collected: { rma: 'RMA-JKKSHQD3' } },
      'notResolved',
      'bruno',
    ),
    li: await endedCase(
      { customerName: 'Li Wei', channelId: 'whatsapp', collected: { bookingReference: 'BK-7Q4M2X' } },
      'spam',
    ),
    pedro: await endedCase(
      { customerName: 'Pedro Ruiz', team: 'orders-es', locale: 'es', collected: { orderNumber: 'SB-20001' } },
      'resolved',
      'carla',
    ),
  });

  it('finds ended cases by customer name, order number, RMA and booking reference, newest first', async () => {
    const cases = await seed();
    await queueCase(fixture, { customerName: 'María Queued' });
    const lena = await login(fixture.url, 'lena');
    const ids = async (query: string) => {
      const answer = await lena.get<HistoryAnswer>(`/api/console/cases/history${query}`);
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
      return answer.body.cases.map((c) => c.id);
    };
    assert.deepEqual(await ids(''), [cases.pedro.id, cases.li.id, cases.bob.id, cases.maria.id]);
    assert.deepEqual(await ids('?q=mar'), [cases.maria.id], 'the queued María is not history');
    assert.deepEqual(await ids('?q=sb-10042'), [cases.maria.id]);
    assert.deepEqual(await ids('?q=RMA-JKKSHQD3'), [cases.bob.id]);
    assert.deepEqual(await ids('?q=7q4m2x'), [cases.li.id]);
    assert.deepEqual(await ids('?q=SB-'), [cases.pedro.id, cases.maria.id]);
    assert.deepEqual(await ids(`?q=${encodeURIComponent('%')}`), [], 'LIKE wildcards are literal');
    assert.deepEqual(await ids('?channel=telegram'), [cases.bob.id]);
    assert.deepEqual(await ids('?agent=ana'), [cases.maria.id]);
    assert.deepEqual(await ids('?outcome=resolved'), [cases.pedro.id, cases.maria.id]);
    assert.deepEqual(await ids('?outcome=resolved&q=pedro'), [cases.pedro.id]);
    const today = day(Date.now());
    const tomorrow = day(Date.now() + 86_400_000);
    assert.equal((await ids(`?from=${today}&to=${today}`)).length, 4);
    assert.deepEqual(await ids(`?from=${tomorrow}`), []);
    assert.deepEqual(await ids(`?to=${day(Date.now() - 86_400_000)}`), []);
  });

  it('pages through the results and says how many there are', async () => {
    const cases = await seed();
    const lena = await login(fixture.url, 'lena');
    const first = await lena.get<HistoryAnswer>('/api/console/cases/history?pageSize=3');
    assert.deepEqual(
      { total: first.body.total, page: first.body.page, ids: first.body.cases.map((c) => c.id) },
      { total: 4, page: 1, ids: [cases.pedro.id, cases.li.id, cases.bob.id] },
    );
    const second = await lena.get<HistoryAnswer>('/api/console/cases/history?pageSize=3&page=2');
    assert.deepEqual(
      second.body.cases.map((c) => c.id),
      [cases.maria.id],
    );
  });

  it('shows an agent the cases of their teams and the ones they held, a lead every case', async () => {
    const cases = await seed();
    const carla = await login(fixture.url, 'carla');
    const mine = await carla.get<HistoryAnswer>('/api/console/cases/history');
    assert.deepEqual(
      mine.body.cases.map((c) => c.id),
      [cases.pedro.id],
    );
    const ana = await login(fixture.url, 'ana');
    const support = await ana.get<HistoryAnswer>('/api/console/cases/history?q=pedro');
    assert.deepEqual(support.body.cases, [], 'another team’s case is not found');
    assert.equal(support.body.total, 0);
  });

  it('links the open tickets of the conversation, and the case page shows its own transcript only', async () => {
    const maria = await queueCase(fixture, { customerName: 'María López' });
    fixture.database.store.appendTranscript(maria.conversationKey, 'customer', 'where is my parcel?');
    await fixture.desk.end(maria.id, fixture.accounts.lena!, 'resolved');
    fixture.database.store.appendTranscript(maria.conversationKey, 'customer', 'said after the case');
    // Written after the case ended, in the same millisecond at worst: moved a little later.
    await fixture.database.store.flushWrites();
    await fixture.database.database.db
      .updateTable('transcript')
      .set((eb) => ({ at: eb('at', '+', 1000) }))
      .where('text', '=', 'said after the case')
      .execute();
    const ticket = await fixture.database.store.createTicket({
      conversationKey: maria.conversationKey,
      team: 'support',
      locale: 'en',
      text: 'call me back please',
      collected: {},
    });
    const lena = await login(fixture.url, 'lena');
    const history = await lena.get<HistoryAnswer>('/api/console/cases/history');
    assert.deepEqual(
      history.body.cases[0]?.openTickets.map((t) => t.id),
      [ticket.id],
    );
    const detail = await lena.get<{ transcript: { text: string }[]; openTickets: { id: number }[] }>(
      `/api/console/cases/${maria.id}`,
    );
    assert.deepEqual(
      detail.body.transcript.map((line) => line.text),
      ['where is my parcel?'],
    );
    assert.deepEqual(
      detail.body.openTickets.map((t) => t.id),
      [ticket.id],
    );
  });

  it('answers bad searches with 400 JSON naming the parameter, and 401 without a session', async () => {
    const lena = await login(fixture.url, 'lena');
    for (const [query, code, word] of [
      ['?from=yesterday', 'BadArgument', 'from'],
      ['?to=2026-13-45', 'BadArgument', 'to'],
      ['?from=2026-12-02&to=2026-12-01', 'BadArgument', 'from'],
      ['?page=0', 'BadArgument', 'page'],
      ['?pageSize=101', 'BadArgument', 'pageSize'],
      ['?agent=nobody', 'UnknownAgent', 'nobody'],
      ['?channel=web%20chat', 'BadArgument', 'channel'],
      [`?q=${'x'.repeat(101)}`, 'BadArgument', 'q'],
      ['?q=a&q=b', 'BadArgument', 'q'],
    ] as const) {
      const answer = await lena.get<{ code: string; message: string }>(`/api/console/cases/history${query}`);
      assert.equal(answer.status, 400, query);
      assert.equal(answer.body.code, code, query);
      assert.match(answer.body.message, new RegExp(word), query);
    }
    const anonymous = await fetch(`${fixture.url}/api/console/cases/history`);
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { code: string }).code, 'Unauthorized');
  });
});
