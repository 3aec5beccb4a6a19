import assert from 'node:assert/strict';
import sinon from 'sinon';
import { WebSocketServer } from 'ws';
import { upgradeRoutes } from '../../bot/upgrades';
import { outgoingSender } from '../../channels/messageParts';
import { summarizeCase, type CaseView } from '../../handoff/consoleApi';
import type { HandoffCase } from '../../handoff/handoffStore';
import {
  PASSWORD,
  login,
  postLogin,
  queueCase,
  startConsole,
  type ConsoleFixture,
  type ConsoleSession,
} from './consoleFixture';
import { EventSocket, eventually } from './eventSocket';

interface CaseAnswer {
  case: CaseView;
  delivered?: boolean;
  transcript?: { role: string; text: string; agentName?: string }[];
  collected?: Record<string, unknown>;
  sentiment?: number;
  summary?: string;
  code?: string;
  message?: string;
}

const queueIds = async (session: ConsoleSession): Promise<number[]> => {
  const { status, body } = await session.get<{ cases: CaseView[] }>('/api/console/queue');
  assert.equal(status, 200);
  return body.cases.map((c) => c.id).sort((a, b) => a - b);
};

const auditActions = async (fixture: ConsoleFixture): Promise<string[]> =>
  (await fixture.database.store.auditLog(1000)).map((entry) => `${entry.actor}:${entry.action}`);

describe('console API', function () {
  // Password hashing (scrypt) makes logins take tens of milliseconds each.
  this.timeout(30_000);
  let fixture: ConsoleFixture;
  let sandbox: sinon.SinonSandbox;

  beforeEach(async () => {
    sandbox = sinon.createSandbox();
    fixture = await startConsole();
  });

  afterEach(async () => {
    sandbox.restore();
    await fixture.close();
  });

  describe('login, sessions and tokens', () => {
    it('POST /login answers the agent and a CSRF token and sets an httpOnly SameSite=Strict cookie', async () => {
      const result = await postLogin(fixture.url, 'ana', PASSWORD);
      assert.equal(result.status, 200);
      assert.deepEqual(result.body.agent, {
        id: fixture.accounts.ana?.id,
        username: 'ana',
        name: 'Ana García',
        role: 'agent',
        teams: ['support'],
      });
      assert.match(String(result.body.csrfToken), /^[\w-]{20,}$/);
      const attributes = (result.setCookie ?? '').split(';').map((part) => part.trim());
      assert.match(attributes[0] ?? '', /^sb_console=[\w-]{40,}$/);
      assert.ok(attributes.includes('HttpOnly'), result.setCookie);
      assert.ok(attributes.includes('SameSite=Strict'), result.setCookie);
      assert.ok(attributes.includes('Path=/'), result.setCookie);
      assert.ok(!attributes.includes('Secure'), 'plain http gets no Secure flag');
      assert.ok((await auditActions(fixture)).includes(`${fixture.accounts.ana?.id}:login`));
    });

    it('POST /login marks the cookie Secure behind an https proxy', async () => {
      const result = await postLogin(fixture.url, 'ana', PASSWORD, { 'x-forwarded-proto': 'https' });
      assert.equal(result.status, 200);
      assert.ok(
        result.setCookie
          ?.split(';')
          .map((part) => part.trim())
          .includes('Secure'),
        result.setCookie,
      );
    });

    it('POST /login refuses a wrong password, an unknown user and a disabled account with 401', async () => {
      await fixture.database.agents.setDisabled('bruno', true);
      for (const [username, password] of [
        ['ana', 'not the password'],
        ['nobody', PASSWORD],
        ['bruno', PASSWORD],
      ] as const) {
        const result = await postLogin(fixture.url, username, password);
        assert.equal(result.status, 401, username);
        assert.equal(result.body.code, 'InvalidCredentials');
        assert.equal(result.setCookie, undefined);
      }
      assert.ok((await auditActions(fixture)).includes(`${fixture.accounts.ana?.id}:loginFailed`));
    });

    it("POST /login refuses a form post (login CSRF) and another site's Origin", async () => {
      const form = await fetch(`${fixture.url}/api/console/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `username=ana&password=${encodeURIComponent(PASSWORD)}`,
      });
      assert.equal(form.status, 415);
      const foreign = await postLogin(fixture.url, 'ana', PASSWORD, { origin: 'https://evil.example' });
      assert.equal(foreign.status, 403);
      assert.equal(foreign.body.code, 'OriginRejected');
      assert.equal(foreign.setCookie, undefined);
    });

    it('POST /login answers 429 with Retry-After after 10 failed attempts for one username from one address, until the window ends', async () => {
      await fixture.close();
      let clock = Date.now();
      fixture = await startConsole({ now: () => clock });
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        assert.equal(
          (await postLogin(fixture.url, 'ana', 'wrong password')).status,
          401,
          `attempt ${attempt}`,
        );
      }
      const limited = await postLogin(fixture.url, 'ana', 'wrong password');
      assert.equal(limited.status, 429);
      assert.equal(limited.body.code, 'TooManyRequests');
      assert.equal(limited.headers.get('retry-after'), String(15 * 60));
      // Even the right password waits: otherwise the 429 would not stop guessing.
      const right = await postLogin(fixture.url, 'ana', PASSWORD);
      assert.equal(right.status, 429);
      clock += 15 * 60 * 1000;
      assert.equal((await postLogin(fixture.url, 'ana', PASSWORD)).status, 200);
    });

    it("POST /login: ten bad passwords for one agent from one address do not block another agent's login", async () => {
      for (let attempt = 1; attempt <= 10; attempt += 1) {
        assert.equal(
          (await postLogin(fixture.url, 'ana', 'wrong password')).status,
          401,
          `attempt ${attempt}`,
        );
      }
      assert.equal((await postLogin(fixture.url, 'ana', PASSWORD)).status, 429);
      assert.equal((await postLogin(fixture.url, 'bruno', PASSWORD)).status, 200);
      assert.equal((await postLogin(fixture.url, 'lena', 'wrong password')).status, 401);
    });

    it('POST /login caps failures per address across usernames (password spraying)', async () => {
      await fixture.close();
      fixture = await startConsole({ loginLimit: { attemptsPerAddress: 4 } });
      for (const username of ['nobody1', 'nobody2', 'nobody3', 'ana']) {
        assert.equal((await postLogin(fixture.url, username, 'Summer2026!')).status, 401, username);
      }
      const sprayed = await postLogin(fixture.url, 'nobody5', 'Summer2026!');
      assert.equal(sprayed.status, 429);
      assert.equal(sprayed.body.message, 'too many failed logins from this address; try again later');
      assert.equal((await postLogin(fixture.url, 'bruno', PASSWORD)).status, 429);
    });

    it('POST /login: 20 parallel wrong passwords get exactly 10 answers of 401, the rest 429', async () => {
      const statuses = await Promise.all(
        Array.from({ length: 20 }, () =>
          postLogin(fixture.url, 'ana', 'wrong password').then((r) => r.status),
        ),
      );
      assert.deepEqual(
        [
          statuses.filter((status) => status === 401).length,
          statuses.filter((status) => status === 429).length,
        ],
        [10, 10],
      );
    });

    it('successful logins do not count against the limit', async () => {
      for (let attempt = 0; attempt < 12; attempt += 1) {
        assert.equal((await postLogin(fixture.url, 'ana', PASSWORD)).status, 200);
      }
    });

    it("GET /me answers the session's agent and CSRF token; 401 without a session", async () => {
      const ana = await login(fixture.url, 'ana');
      const me = await ana.get('/api/console/me');
      assert.equal(me.status, 200);
      assert.equal((me.body.agent as { username: string }).username, 'ana');
      assert.equal(me.body.csrfToken, ana.csrfToken);
      const anonymous = await fetch(`${fixture.url}/api/console/me`);
      assert.equal(anonymous.status, 401);
      assert.equal(((await anonymous.json()) as { code: string }).code, 'Unauthorized');
    });

    it('POST /logout ends the session and clears the cookie; it needs the CSRF token', async () => {
      const ana = await login(fixture.url, 'ana');
      const forged = await ana.post('/api/console/logout', undefined, { 'x-csrf-token': 'forged' });
      assert.equal(forged.status, 403);
      assert.equal((await ana.get('/api/console/me')).status, 200);
      const out = await ana.post('/api/console/logout');
      assert.equal(out.status, 204);
      assert.match(out.headers.get('set-cookie') ?? '', /^sb_console=;.*Max-Age=0/);
      assert.equal((await ana.get('/api/console/me')).status, 401);
      assert.ok((await auditActions(fixture)).includes(`${fixture.accounts.ana?.id}:logout`));
    });

    it('POST /tokens issues a bearer token that works without cookie or CSRF token; a token cannot mint tokens', async () => {
      const ana = await login(fixture.url, 'ana');
      const issued = await ana.post<{ token: string; expiresAt: string }>('/api/console/tokens');
      assert.equal(issued.status, 200);
      assert.ok(Date.parse(issued.body.expiresAt) > Date.now());
      assert.ok((await auditActions(fixture)).includes(`${fixture.accounts.ana?.id}:tokenIssued`));
      const handoffCase = await queueCase(fixture);
      const headers = { authorization: `Bearer ${issued.body.token}` };
      const claim = await fetch(`${fixture.url}/api/console/cases/${handoffCase.id}/claim`, {
        method: 'POST',
        // Another help desk's server: no CSRF token, and its own Origin.
        headers: { ...headers, origin: 'https://helpdesk.example' },
      });
      assert.equal(claim.status, 200);
      assert.equal((await fixture.database.store.getCase(handoffCase.id))?.agentId, fixture.accounts.ana?.id);
      const again = await fetch(`${fixture.url}/api/console/tokens`, { method: 'POST', headers });
      assert.equal(again.status, 403);
      const wrong = await fetch(`${fixture.url}/api/console/queue`, {
        headers: { authorization: 'Bearer nope' },
      });
      assert.equal(wrong.status, 401);
    });
  });

  describe('CSRF and access rules', () => {
    it('a cookie request that changes state without X-CSRF-Token is refused with 403 and changes nothing', async () => {
      const ana = await login(fixture.url, 'ana');
      const handoffCase = await queueCase(fixture);
      const response = await fetch(`${fixture.url}/api/console/cases/${handoffCase.id}/claim`, {
        method: 'POST',
        headers: { cookie: ana.cookie },
      });
      assert.equal(response.status, 403);
      assert.equal(((await response.json()) as { code: string }).code, 'CsrfRejected');
      const wrong = await ana.post(`/api/console/cases/${handoffCase.id}/claim`, undefined, {
        'x-csrf-token': 'x',
      });
      assert.equal(wrong.status, 403);
      assert.equal((await fixture.database.store.getCase(handoffCase.id))?.state, 'queued');
    });

    it('a cookie request from another Origin is refused with 403 even with the CSRF token', async () => {
      const ana = await login(fixture.url, 'ana');
      const handoffCase = await queueCase(fixture);
      const foreign = await ana.post(`/api/console/cases/${handoffCase.id}/claim`, undefined, {
        origin: 'https://evil.example',
      });
      assert.equal(foreign.status, 403);
      assert.equal(foreign.body.code, 'OriginRejected');
      assert.equal((await fixture.database.store.getCase(handoffCase.id))?.state, 'queued');
      const own = await ana.post(`/api/console/cases/${handoffCase.id}/claim`, undefined, {
        origin: fixture.url,
      });
      assert.equal(own.status, 200);
    });

    it('answers 401 without a session, 403 for a case of another team (without its data), 404 for an unknown case', async () => {
      const spanish = await queueCase(fixture, {
        team: 'orders-es',
        locale: 'es',
        customerName: 'Secret Name',
      });
      assert.equal((await fetch(`${fixture.url}/api/console/queue`)).status, 401);
      assert.equal((await fetch(`${fixture.url}/api/console/cases/${spanish.id}`)).status, 401);
      const ana = await login(fixture.url, 'ana');
      const foreign = await ana.get(`/api/console/cases/${spanish.id}`);
      assert.equal(foreign.status, 403);
      assert.deepEqual(Object.keys(foreign.body).sort(), ['code', 'message']);
      assert.doesNotMatch(JSON.stringify(foreign.body), /Secret Name/);
      assert.equal((await ana.get('/api/console/cases/9999')).status, 404);
      assert.equal((await ana.get('/api/console/cases/abc')).status, 404);
      assert.equal((await ana.post(`/api/console/cases/${spanish.id}/claim`)).status, 403);
    });
  });

  describe('queue and case', () => {
    it('GET /queue shows each agent the queues of their teams and what they hold; leads see everything', async () => {
      const english = await queueCase(fixture);
      const spanish = await queueCase(fixture, { team: 'orders-es', locale: 'es' });
      const [ana, bruno, carla, lena] = await Promise.all(
        ['ana', 'bruno', 'carla', 'lena'].map((name) => login(fixture.url, name)),
      );
      assert.deepEqual(await queueIds(ana!), [english.id]);
      assert.deepEqual(await queueIds(carla!), [spanish.id]);
      assert.deepEqual(await queueIds(lena!), [english.id, spanish.id]);
      assert.equal((await ana!.post(`/api/console/cases/${english.id}/claim`)).status, 200);
      assert.deepEqual(await queueIds(ana!), [english.id]);
      assert.deepEqual(await queueIds(bruno!), []);
      assert.deepEqual(await queueIds(lena!), [english.id, spanish.id]);
    });

    it('GET /queue describes each case: state, team, channel, locale, topic, reason, name, waiting time, position', async () => {
      await fixture.close();
      let clock = Date.now();
      fixture = await startConsole({ now: () => clock });
      const first = await queueCase(fixture, { customerName: 'First' });
      const second = await queueCase(fixture, {
        customerName: 'Second',
        channelId: 'telegram',
        topic: 'returnItem',
      });
      clock = second.queuedAt + 5 * 60 * 1000;
      const ana = await login(fixture.url, 'ana');
      const { body } = await ana.get<{ cases: CaseView[] }>('/api/console/queue');
      const view = body.cases.find((c) => c.id === second.id);
      assert.deepEqual(
        {
          state: view?.state,
          team: view?.team,
          channel: view?.channel,
          locale: view?.locale,
          topic: view?.topic,
          reason: view?.reason,
          customerName: view?.customerName,
          waitingSeconds: view?.waitingSeconds,
          position: view?.position,
          agentId: view?.agentId,
        },
        {
          state: 'queued',
          team: 'support',
          channel: 'telegram',
          locale: 'en',
          topic: 'returnItem',
          reason: 'customerAsked',
          customerName: 'Second',
          waitingSeconds: 300,
          position: 2,
          agentId: undefined,
        },
      );
      assert.equal(body.cases.find((c) => c.id === first.id)?.position, 1);
      assert.ok(!('reference' in (view ?? {})), 'the conversation reference stays on the server');
    });

    it('GET /cases/:id answers the transcript, the collected data, sentiment and a summary', async () => {
      const handoffCase = await queueCase(fixture, {
        reason: 'backendDown',
        topic: 'returnItem',
        sentiment: 0.8,
        collected: { orderNumber: 'A-1001', orderVerified: true, verifiedBy: 'email', rma: 'RMA-77' },
      });
      const { store } = fixture.database;
      store.appendTranscript(handoffCase.conversationKey, 'customer', 'I want to return my shoes');
      store.appendTranscript(handoffCase.conversationKey, 'bot', 'Sorry, I cannot reach the shop right now.');
      store.appendTranscript(handoffCase.conversationKey, 'customer', 'Then get me a person please');
      const ana = await login(fixture.url, 'ana');
      const { status, body } = await ana.get<CaseAnswer>(`/api/console/cases/${handoffCase.id}`);
      assert.equal(status, 200);
      assert.equal(body.case.id, handoffCase.id);
      assert.deepEqual(
        body.transcript?.map((line) => [line.role, line.text]),
        [
          ['customer', 'I want to return my shoes'],
          ['bot', 'Sorry, I cannot reach the shop right now.'],
          ['customer', 'Then get me a person please'],
        ],
      );
      assert.deepEqual(body.collected, handoffCase.collected);
      assert.equal(body.sentiment, 0.8);
      const summary = body.summary ?? '';
      assert.match(summary, /Handed over because the shop's systems could not be reached\./);
      assert.match(summary, /Topic: a return\./);
      assert.match(summary, /Order: A-1001 \(ownership verified by email\)\./);
      assert.match(summary, /Return \(RMA\): RMA-77\./);
      assert.match(summary, /seems upset/);
      assert.match(summary, /Last customer message: "Then get me a person please"/);
    });
  });

  describe('claim', () => {
    it('two agents claiming at once: exactly one gets 200, the other 409 AlreadyClaimed', async () => {
      const handoffCase = await queueCase(fixture);
      const [ana, bruno] = await Promise.all([login(fixture.url, 'ana'), login(fixture.url, 'bruno')]);
      const results = await Promise.all([
        ana.post(`/api/console/cases/${handoffCase.id}/claim`),
        bruno.post(`/api/console/cases/${handoffCase.id}/claim`),
      ]);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
      const lost = results.find((r) => r.status === 409);
      assert.equal(lost?.body.code, 'AlreadyClaimed');
      const winner = results[0]?.status === 200 ? fixture.accounts.ana : fixture.accounts.bruno;
      assert.equal((await fixture.database.store.getCase(handoffCase.id))?.agentId, winner?.id);
      assert.equal((await auditActions(fixture)).filter((action) => action.endsWith(':claimed')).length, 1);
      // The customer heard about one agent joining, not two.
      assert.equal(fixture.deliveries.length, 1);
    });

    it('claim of an ended case answers 409 ConversationEnded', async () => {
      const handoffCase = await queueCase(fixture);
      await fixture.database.store.end(handoffCase.id, 'cancelledByCustomer');
      const ana = await login(fixture.url, 'ana');
      const result = await ana.post(`/api/console/cases/${handoffCase.id}/claim`);
      assert.equal(result.status, 409);
      assert.equal(result.body.code, 'ConversationEnded');
    });

    it('claim stands when the customer cannot be told: 200 with delivered false', async () => {
      const handoffCase = await queueCase(fixture);
      fixture.channel.failing = true;
      const ana = await login(fixture.url, 'ana');
      const result = await ana.post<CaseAnswer>(`/api/console/cases/${handoffCase.id}/claim`);
      assert.equal(result.status, 200);
      assert.equal(result.body.delivered, false);
      assert.equal(result.body.case.state, 'withAgent');
    });
  });

  describe('messages, typing, transfer, end', () => {
    let handoffCase: HandoffCase;
    let ana: ConsoleSession;

    beforeEach(async () => {
      handoffCase = await queueCase(fixture);
      ana = await login(fixture.url, 'ana');
      assert.equal((await ana.post(`/api/console/cases/${handoffCase.id}/claim`)).status, 200);
      fixture.deliveries.length = 0;
    });

    it("POST /messages delivers the reply through the customer's channel", async () => {
      const result = await ana.post(`/api/console/cases/${handoffCase.id}/messages`, {
        text: '  Your parcel left today.  ',
      });
      assert.equal(result.status, 200);
      assert.equal(fixture.deliveries.length, 1);
      const [delivery] = fixture.deliveries;
      assert.equal(delivery?.conversationId, handoffCase.reference.conversation?.id);
      assert.equal(delivery?.activity.text, 'Your parcel left today.');
      // Who wrote it, for channels to show: by name on web chat, signed in the text elsewhere.
      assert.deepEqual(outgoingSender(delivery?.activity ?? {}), {
        id: `agent:${fixture.accounts.ana?.id}`,
        name: 'Ana García',
        signedText: 'Ana (agent): Your parcel left today.',
      });
      assert.ok((await auditActions(fixture)).includes(`${fixture.accounts.ana?.id}:replied`));
    });

    it('POST /messages refuses empty and over-long text with 400', async () => {
      for (const body of [{ text: '   ' }, {}, { text: 42 }, { text: 'x'.repeat(4001) }]) {
        const result = await ana.post(`/api/console/cases/${handoffCase.id}/messages`, body);
        assert.equal(result.status, 400, JSON.stringify(body).slice(0, 40));
      }
      assert.equal(
        (await ana.post(`/api/console/cases/${handoffCase.id}/messages`, { text: 'x'.repeat(4000) })).status,
        200,
      );
      assert.equal(fixture.deliveries.length, 1);
    });

    it('POST /messages answers 403 to an agent who does not hold the case, 409 once the conversation ended', async () => {
      const lena = await login(fixture.url, 'lena');
      const bruno = await login(fixture.url, 'bruno');
      assert.equal(
        (await lena.post(`/api/console/cases/${handoffCase.id}/messages`, { text: 'hi' })).status,
        403,
      );
      assert.equal(
        (await bruno.post(`/api/console/cases/${handoffCase.id}/messages`, { text: 'hi' })).status,
        403,
      );
      assert.equal(
        (await ana.post(`/api/console/cases/${handoffCase.id}/end`, { disposition: 'resolved' })).status,
        200,
      );
      const late = await ana.post(`/api/console/cases/${handoffCase.id}/messages`, {
        text: 'one more thing',
      });
      assert.equal(late.status, 409);
      assert.equal(late.body.code, 'ConversationEnded');
      assert.ok(!fixture.deliveries.some((d) => outgoingSender(d.activity) !== undefined));
    });

    it('POST /messages answers 502 when the channel cannot be reached', async () => {
      const audit = sandbox.spy(fixture.database.store, 'audit');
      fixture.channel.failing = true;
      const result = await ana.post(`/api/console/cases/${handoffCase.id}/messages`, { text: 'Hello?' });
      assert.equal(result.status, 502);
      assert.equal(result.body.code, 'DeliveryFailed');
      assert.equal(audit.getCalls().filter((call) => call.args[1] === 'replied').length, 0);
      assert.equal(fixture.deliveries.length, 0);
    });

    it('POST /typing shows the agent typing to the customer', async () => {
      const result = await ana.post(`/api/console/cases/${handoffCase.id}/typing`);
      assert.equal(result.status, 204);
      assert.deepEqual(
        fixture.deliveries.map((d) => d.activity.type),
        ['typing'],
      );
    });

    it("POST /transfer to a team puts the case back in that team's queue", async () => {
      const result = await ana.post<CaseAnswer>(`/api/console/cases/${handoffCase.id}/transfer`, {
        team: 'orders-es',
      });
      assert.equal(result.status, 200);
      assert.equal(result.body.case.state, 'queued');
      assert.equal(result.body.case.team, 'orders-es');
      const carla = await login(fixture.url, 'carla');
      assert.deepEqual(await queueIds(carla), [handoffCase.id]);
      assert.deepEqual(await queueIds(ana), []);
      // The customer is told first; then, back in a queue, of their place in it.
      assert.deepEqual(
        fixture.deliveries.map((d) => [d.conversationId, d.activity.type]),
        [
          [handoffCase.reference.conversation?.id, 'message'],
          [handoffCase.reference.conversation?.id, 'message'],
        ],
      );
    });

    it('POST /transfer to an agent hands the case over directly', async () => {
      const result = await ana.post<CaseAnswer>(`/api/console/cases/${handoffCase.id}/transfer`, {
        agent: 'bruno',
      });
      assert.equal(result.status, 200);
      assert.equal(result.body.case.agentId, fixture.accounts.bruno?.id);
      const bruno = await login(fixture.url, 'bruno');
      assert.equal((await bruno.get(`/api/console/cases/${handoffCase.id}`)).status, 200);
      assert.equal((await ana.get(`/api/console/cases/${handoffCase.id}`)).status, 403);
    });

    it('POST /transfer refuses a bad body, an unknown team or agent, and a case that is not yours', async () => {
      const post = (body: unknown) => ana.post(`/api/console/cases/${handoffCase.id}/transfer`, body);
      assert.equal((await post({})).status, 400);
      assert.equal((await post({ team: 'support', agent: 'bruno' })).status, 400);
      const team = await post({ team: 'billing' });
      assert.equal(team.status, 400);
      assert.equal(team.body.code, 'UnknownTeam');
      const agent = await post({ agent: 'ghost' });
      assert.equal(agent.status, 400);
      assert.equal(agent.body.code, 'UnknownAgent');
      const lena = await login(fixture.url, 'lena');
      assert.equal(
        (await lena.post(`/api/console/cases/${handoffCase.id}/transfer`, { team: 'support' })).status,
        403,
      );
      assert.equal((await fixture.database.store.getCase(handoffCase.id))?.agentId, fixture.accounts.ana?.id);
    });

    it('POST /end with a disposition outside the list answers 400 and leaves the case open', async () => {
      for (const body of [{ disposition: 'done' }, {}, { disposition: 1 }]) {
        const result = await ana.post(`/api/console/cases/${handoffCase.id}/end`, body);
        assert.equal(result.status, 400);
      }
      assert.equal((await fixture.database.store.getCase(handoffCase.id))?.state, 'withAgent');
    });

    it('POST /end ends the case and hands the customer back to the bot', async () => {
      const bruno = await login(fixture.url, 'bruno');
      assert.equal(
        (await bruno.post(`/api/console/cases/${handoffCase.id}/end`, { disposition: 'spam' })).status,
        403,
      );
      const result = await ana.post<CaseAnswer>(`/api/console/cases/${handoffCase.id}/end`, {
        disposition: 'resolved',
      });
      assert.equal(result.status, 200);
      assert.equal(result.body.case.state, 'ended');
      assert.equal(result.body.case.disposition, 'resolved');
      assert.deepEqual(fixture.signals, ['ended']);
      const again = await ana.post(`/api/console/cases/${handoffCase.id}/end`, { disposition: 'resolved' });
      assert.equal(again.status, 409);
    });
  });

  describe('tickets, teams and audit', () => {
    it("GET /tickets lists the tickets of the agent's teams; POST /tickets/:id/close closes one once", async () => {
      const { store } = fixture.database;
      const english = await store.createTicket({
        conversationKey: 'whatsapp/34600000000',
        team: 'support',
        locale: 'en',
        text: 'Call me back please',
        collected: { orderNumber: 'A-1' },
      });
      const spanish = await store.createTicket({
        conversationKey: 'telegram/42',
        team: 'orders-es',
        locale: 'es',
        text: '¿Dónde está mi pedido?',
        collected: {},
      });
      const ana = await login(fixture.url, 'ana');
      const open = await ana.get<{ tickets: { id: number; channel: string }[] }>(
        '/api/console/tickets?status=open',
      );
      assert.equal(open.status, 200);
      assert.deepEqual(
        open.body.tickets.map((t) => t.id),
        [english.id],
      );
      assert.equal(open.body.tickets[0]?.channel, 'whatsapp');
      assert.doesNotMatch(
        JSON.stringify(open.body),
        /34600000000/,
        'no phone number from the conversation key',
      );
      assert.equal((await ana.get('/api/console/tickets?status=pending')).status, 400);
      assert.equal((await ana.post(`/api/console/tickets/${spanish.id}/close`)).status, 403);
      const closed = await ana.post<{ ticket: { status: string; closedBy: string } }>(
        `/api/console/tickets/${english.id}/close`,
      );
      assert.equal(closed.status, 200);
      assert.deepEqual(closed.body.ticket.status, 'closed');
      assert.equal(closed.body.ticket.closedBy, fixture.accounts.ana?.id);
      assert.equal((await ana.post(`/api/console/tickets/${english.id}/close`)).status, 409);
      assert.equal((await ana.post('/api/console/tickets/999/close')).status, 404);
      const closedList = await ana.get<{ tickets: { id: number }[] }>('/api/console/tickets?status=closed');
      assert.deepEqual(
        closedList.body.tickets.map((t) => t.id),
        [english.id],
      );
      assert.ok((await auditActions(fixture)).includes(`${fixture.accounts.ana?.id}:ticketClosed`));
    });

    it('GET /teams lists the teams for the transfer choice', async () => {
      const ana = await login(fixture.url, 'ana');
      const { status, body } = await ana.get<{ teams: { id: string; name: string; open: boolean }[] }>(
        '/api/console/teams',
      );
      assert.equal(status, 200);
      assert.deepEqual(
        body.teams.map((t) => [t.id, t.name, t.open]),
        [
          ['support', 'Customer support', true],
          ['orders-es', 'Pedidos', true],
        ],
      );
    });

    it('GET /audit is for leads and admins only', async () => {
      const handoffCase = await queueCase(fixture);
      const ana = await login(fixture.url, 'ana');
      await ana.post(`/api/console/cases/${handoffCase.id}/claim`);
      assert.equal((await ana.get('/api/console/audit')).status, 403);
      const lena = await login(fixture.url, 'lena');
      const { status, body } = await lena.get<{
        entries: { actor: string; actorName?: string; action: string; caseId?: number }[];
      }>('/api/console/audit');
      assert.equal(status, 200);
      const claimed = body.entries.find((entry) => entry.action === 'claimed');
      assert.deepEqual(claimed, {
        at: (claimed as { at?: string } | undefined)?.at,
        actor: fixture.accounts.ana?.id,
        actorName: 'Ana García',
        action: 'claimed',
        caseId: handoffCase.id,
      });
      assert.ok(
        body.entries.some((entry) => entry.action === 'login' && entry.actor === fixture.accounts.lena?.id),
      );
      assert.equal((await lena.get('/api/console/audit?limit=0')).status, 400);
    });
  });

  describe('event stream', () => {
    const eventsUrl = () => `${fixture.url.replace('http', 'ws')}/api/console/events`;

    it('pushes changed after a claim to agents who see the case, not to an agent of another team', async () => {
      const english = await queueCase(fixture);
      const [ana, bruno, carla] = await Promise.all(
        ['ana', 'bruno', 'carla'].map((name) => login(fixture.url, name)),
      );
      const anaEvents = await EventSocket.open(eventsUrl(), { cookie: ana!.cookie });
      const carlaEvents = await EventSocket.open(eventsUrl(), { cookie: carla!.cookie });
      assert.equal((await bruno!.post(`/api/console/cases/${english.id}/claim`)).status, 200);
      assert.deepEqual(await anaEvents.next(), { type: 'changed', caseId: english.id });
      // Carla's first event is one of her own team: she never heard of the English case.
      const spanish = await queueCase(fixture, { team: 'orders-es', locale: 'es' });
      fixture.desk.emit('changed', spanish.id);
      assert.deepEqual(await carlaEvents.next(), { type: 'changed', caseId: spanish.id });
      await Promise.all([anaEvents.close(), carlaEvents.close()]);
    });

    it('pushes customer messages and tickets to the agents who may see them', async () => {
      const handoffCase = await queueCase(fixture);
      const ana = await login(fixture.url, 'ana');
      const events = await EventSocket.open(eventsUrl(), { cookie: ana.cookie });
      fixture.desk.customerWrote(handoffCase, 'are you there?');
      assert.deepEqual(await events.next(), {
        type: 'customerMessage',
        caseId: handoffCase.id,
        text: 'are you there?',
      });
      const hidden = await fixture.database.store.createTicket({
        conversationKey: 'telegram/1',
        team: 'orders-es',
        locale: 'es',
        text: 'hola',
        collected: {},
      });
      fixture.desk.emit('ticket', hidden.id);
      const visible = await fixture.database.store.createTicket({
        conversationKey: 'telegram/2',
        team: 'support',
        locale: 'en',
        text: 'hello',
        collected: {},
      });
      fixture.desk.emit('ticket', visible.id);
      assert.deepEqual(await events.next(), { type: 'ticket', ticketId: visible.id });
      await events.close();
    });

    it("accepts a bearer token in ?token=; refuses no session (401) and another site's Origin (403)", async () => {
      const ana = await login(fixture.url, 'ana');
      const { body } = await ana.post<{ token: string }>('/api/console/tokens');
      const withToken = await EventSocket.open(`${eventsUrl()}?token=${encodeURIComponent(body.token)}`);
      await withToken.close();
      await assert.rejects(EventSocket.open(eventsUrl()), /refused 401/);
      await assert.rejects(EventSocket.open(`${eventsUrl()}?token=forged`), /refused 401/);
      await assert.rejects(
        EventSocket.open(eventsUrl(), { cookie: ana.cookie, origin: 'https://evil.example' }),
        /refused 403/,
      );
    });

    it('detaches from the desk when the last socket closes', async () => {
      const ana = await login(fixture.url, 'ana');
      assert.equal(fixture.desk.listenerCount('changed'), 0);
      const first = await EventSocket.open(eventsUrl(), { cookie: ana.cookie });
      const second = await EventSocket.open(eventsUrl(), { cookie: ana.cookie });
      await eventually(() => fixture.consoleApi.socketCount() === 2, 'two sockets registered');
      assert.equal(fixture.desk.listenerCount('changed'), 1);
      await first.close();
      await eventually(() => fixture.consoleApi.socketCount() === 1, 'one socket left');
      assert.equal(fixture.desk.listenerCount('changed'), 1);
      await second.close();
      await eventually(() => fixture.consoleApi.socketCount() === 0, 'no socket left');
      assert.deepEqual(
        ['changed', 'customerMessage', 'ticket'].map((name) => fixture.desk.listenerCount(name)),
        [0, 0, 0],
      );
    });

    it("close() closes every socket with 1001; logout closes that session's sockets with 4401", async () => {
      const [ana, bruno] = await Promise.all([login(fixture.url, 'ana'), login(fixture.url, 'bruno')]);
      const anaEvents = await EventSocket.open(eventsUrl(), { cookie: ana.cookie });
      const brunoEvents = await EventSocket.open(eventsUrl(), { cookie: bruno.cookie });
      await eventually(() => fixture.consoleApi.socketCount() === 2, 'two sockets registered');
      assert.equal((await ana.post('/api/console/logout')).status, 204);
      assert.equal(await anaEvents.closed, 4401);
      fixture.consoleApi.close();
      assert.equal(await brunoEvents.closed, 1001);
      assert.equal(fixture.desk.listenerCount('changed'), 0);
    });

    it('refuses new sockets while the server shuts down', async () => {
      await fixture.close();
      fixture = await startConsole({ isClosing: () => true });
      const ana = await login(fixture.url, 'ana');
      await assert.rejects(EventSocket.open(eventsUrl(), { cookie: ana.cookie }), /refused 503/);
    });

    it('leaves WebSocket upgrades of other claimed paths to their own endpoint', async () => {
      const other = new WebSocketServer({ noServer: true });
      upgradeRoutes(fixture.server).claim('/other/stream', (req, socket, head) =>
        other.handleUpgrade(req, socket, head, (ws) => ws.send('{"hello":"other"}')),
      );
      const socket = await EventSocket.open(`${fixture.url.replace('http', 'ws')}/other/stream`);
      assert.deepEqual(await socket.next(), { hello: 'other' });
      await socket.close();
      other.close();
      await assert.rejects(EventSocket.open(`${fixture.url.replace('http', 'ws')}/unclaimed`), /refused 404/);
    });
  });
});

describe('summarizeCase()', () => {
  const base: HandoffCase = {
    id: 7,
    conversationKey: 'telegram/1',
    state: 'queued',
    channelId: 'telegram',
    reference: {},
    locale: 'es',
    customerName: undefined,
    reason: 'notUnderstood',
    topic: 'orderStatus',
    sentiment: undefined,
    tags: [],
    team: 'orders-es',
    agentId: undefined,
    boostMs: 0,
    collected: {},
    queuedAt: 0,
    assignedAt: undefined,
    endedAt: undefined,
    disposition: undefined,
    satisfaction: undefined,
    positionSent: undefined,
    positionSentAt: undefined,
  };

  const table: { name: string; handoffCase: HandoffCase; lines: string[] }[] = [
    {
      name: 'a queued case with nothing collected',
      handoffCase: base,
      lines: [
        'The customer (telegram, es) has waited 3 minutes in the orders-es queue.',
        'Handed over because the bot did not understand the customer after several tries.',
        'Topic: order status.',
        'The customer has not written anything yet.',
      ],
    },
    {
      name: 'an unverified order, a booking, extra facts and an unknown reason',
      handoffCase: {
        ...base,
        state: 'withAgent',
        customerName: 'Ana',
        reason: 'vipCustomer',
        topic: 'appointment',
        tags: ['vip'],
        collected: {
          orderNumber: 'A-9',
          bookingReference: 'BK-3',
          store: 'Madrid',
          nested: { a: 1 },
          verifiedOrders: ['A-1'],
        },
      },
      lines: [
        'Ana (telegram, es) is talking to an agent of orders-es.',
        'Handed over because of "vipCustomer".',
        'Topic: an appointment.',
        'Order: A-9 (ownership not verified).',
        'Booking: BK-3.',
        'Also collected: store Madrid.',
        'Tags: vip.',
        'The customer has not written anything yet.',
      ],
    },
  ];

  for (const row of table) {
    it(`summarizes ${row.name}`, () => {
      assert.equal(summarizeCase(row.handoffCase, [], 3 * 60 * 1000 + 5_000), row.lines.join('\n'));
    });
  }

  it('quotes the last customer message, shortened past 300 characters', () => {
    const long = 'a'.repeat(350);
    const summary = summarizeCase(
      base,
      [
        { id: 1, at: 0, role: 'customer', agentId: undefined, text: 'first', redacted: false },
        { id: 2, at: 1, role: 'customer', agentId: undefined, text: long, redacted: false },
        { id: 3, at: 2, role: 'bot', agentId: undefined, text: 'bot line', redacted: false },
      ],
      0,
    );
    assert.ok(summary.endsWith(`Last customer message: "${'a'.repeat(300)}…"`), summary);
  });
});
