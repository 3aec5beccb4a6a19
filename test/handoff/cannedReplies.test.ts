import assert from 'node:assert/strict';
import { fillCannedReply, unknownPlaceholders } from '../../handoff/cannedReplies';
import { login, queueCase, startConsole, type ConsoleFixture } from './consoleFixture';

interface CannedReplyBody {
  id: number;
  name: string;
  locale: string;
  team: string;
  text: string;
}

const greeting = {
  name: 'hello',
  locale: 'en',
  team: 'support',
  text: 'Hi {{customerName}}, I am {{agentName}}. I am looking at order {{orderNumber}} now.',
};

describe('canned replies', () => {
  describe('placeholders', () => {
    it('unknownPlaceholders() lists each unknown name once, and accepts spaces inside the braces', () => {
      assert.deepEqual(unknownPlaceholders('{{ customerName }} {{order}} {{order}} {{RMA}} {{rma}}'), [
        'order',
        'RMA',
      ]);
    });

    it('fillCannedReply() fills what it knows and leaves (and names) what the case lacks', () => {
      assert.deepEqual(fillCannedReply('Hi {{customerName}}, RMA {{ rma }}', { customerName: 'Bob' }), {
        text: 'Hi Bob, RMA {{ rma }}',
        missing: ['rma'],
      });
    });
  });

  describe('/api/console/canned-replies', () => {
    let fixture: ConsoleFixture;

    beforeEach(async () => {
      fixture = await startConsole();
    });

    afterEach(async () => {
      await fixture.close();
    });

    it('a lead creates, changes and deletes one; agents read those of their teams', async () => {
      const lena = await login(fixture.url, 'lena');
      const created = await lena.post<{ cannedReply: CannedReplyBody }>(
        '/api/console/canned-replies',
        greeting,
      );
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const { id } = created.body.cannedReply;
      await lena.post('/api/console/canned-replies', {
        ...greeting,
        team: 'orders-es',
        locale: 'es',
        text: 'Hola',
      });

      const ana = await login(fixture.url, 'ana');
      const read = await ana.get<{ cannedReplies: CannedReplyBody[]; placeholders: string[] }>(
        '/api/console/canned-replies',
      );
      assert.equal(read.status, 200);
      assert.deepEqual(
        read.body.cannedReplies.map((r) => [r.name, r.team]),
        [['hello', 'support']],
        'not the other team’s',
      );
      assert.ok(read.body.placeholders.includes('bookingReference'));

      const changed = await fetch(`${fixture.url}/api/console/canned-replies/${id}`, {
        method: 'PUT',
        headers: { cookie: lena.cookie, 'x-csrf-token': lena.csrfToken, 'content-type': 'application/json' },
        body: JSON.stringify({ ...greeting, text: 'Hello {{customerName}}!' }),
      });
      assert.equal(changed.status, 200);
      assert.equal(
        ((await changed.json()) as { cannedReply: CannedReplyBody }).cannedReply.text,
        'Hello {{customerName}}!',
      );

      const deleted = await fetch(`${fixture.url}/api/console/canned-replies/${id}`, {
        method: 'DELETE',
        headers: { cookie: lena.cookie, 'x-csrf-token': lena.csrfToken },
      });
      assert.equal(deleted.status, 204);
      const again = await fetch(`${fixture.url}/api/console/canned-replies/${id}`, {
        method: 'DELETE',
        headers: { cookie: lena.cookie, 'x-csrf-token': lena.csrfToken },
      });
      assert.equal(again.status, 404);
      assert.equal(((await again.json()) as { code: string }).code, 'NotFound');
      const actions = (await fixture.database.store.auditLog(20))
        .map((entry) => entry.action)
        .filter((action) => action.startsWith('canned'));
      assert.deepEqual(actions, [
        'cannedReplyDeleted',
        'cannedReplyChanged',
        'cannedReplyCreated',
        'cannedReplyCreated',
      ]);
    });

    it('agents may not write them (403), nor without the CSRF token (403)', async () => {
      const ana = await login(fixture.url, 'ana');
      const refused = await ana.post<{ code: string }>('/api/console/canned-replies', greeting);
      assert.equal(refused.status, 403);
      assert.equal(refused.body.code, 'Forbidden');
      const lena = await login(fixture.url, 'lena');
      const noCsrf = await lena.post<{ code: string }>('/api/console/canned-replies', greeting, {
        'x-csrf-token': 'wrong',
      });
      assert.equal(noCsrf.status, 403);
      assert.equal(noCsrf.body.code, 'CsrfRejected');
      assert.deepEqual(await fixture.database.store.cannedReplies(), []);
    });

    it('refuses unknown placeholders with 422 listing them, and bad fields with 400', async () => {
      const lena = await login(fixture.url, 'lena');
      const unknown = await lena.post<{ code: string; message: string; placeholders: string[] }>(
        '/api/console/canned-replies',
        { ...greeting, text: 'Hi {{firstName}}, about {{order}} and {{customerName}}' },
      );
      assert.equal(unknown.status, 422);
      assert.equal(unknown.body.code, 'UnknownPlaceholder');
      assert.deepEqual(unknown.body.placeholders, ['firstName', 'order']);
      assert.match(unknown.body.message, /\{\{firstName\}\}, \{\{order\}\}/);
      for (const [body, code] of [
        [{ ...greeting, name: 'Hello There' }, 'BadArgument'],
        [{ ...greeting, locale: 'fr' }, 'BadArgument'],
        [{ ...greeting, team: 'nobody' }, 'UnknownTeam'],
        [{ ...greeting, text: '   ' }, 'BadArgument'],
        [{ ...greeting, text: 'x'.repeat(4001) }, 'BadArgument'],
      ] as const) {
        const answer = await lena.post<{ code: string }>('/api/console/canned-replies', body);
        assert.equal(answer.status, 400, JSON.stringify(body).slice(0, 80));
        assert.equal(answer.body.code, code);
      }
      assert.equal((await lena.post('/api/console/canned-replies', greeting)).status, 201);
      const twice = await lena.post<{ code: string }>('/api/console/canned-replies', greeting);
      assert.equal(twice.status, 409);
      assert.equal(twice.body.code, 'Conflict');
      const notJson = await fetch(`${fixture.url}/api/console/canned-replies`, {
        method: 'POST',
        headers: { cookie: lena.cookie, 'x-csrf-token': lena.csrfToken, 'content-type': 'text/plain' },
        body: 'hello',
      });
      assert.equal(notJson.status, 415);
      assert.equal(((await notJson.json()) as { code: string }).code, 'UnsupportedMediaType');
    });

    it('GET /cases/:id/canned-replies gives the case’s locale and team, filled with its data', async () => {
      const lena = await login(fixture.url, 'lena');
      await lena.post('/api/console/canned-replies', greeting);
      await lena.post('/api/console/canned-replies', {
        ...greeting,
        name: 'rma',
        text: 'Your RMA is {{rma}}.',
      });
      await lena.post('/api/console/canned-replies', {
        ...greeting,
        locale: 'es',
        text: 'Hola {{customerName}}',
      });
      const handoffCase = await queueCase(fixture, {
        customerName: 'Maria Lopez',
        collected: { orderNumber: 'SB-10042' },
      });
      const ana = await login(fixture.url, 'ana');
      const filled = await ana.get<{ cannedReplies: { name: string; text: string; missing: string[] }[] }>(
        `/api/console/cases/${handoffCase.id}/canned-replies`,
      );
      assert.equal(filled.status, 200);
      assert.deepEqual(
        filled.body.cannedReplies.map(({ name, text, missing }) => ({ name, text, missing })),
        [
          {
            name: 'hello',
            text: 'Hi Maria Lopez, I am Ana García. I am looking at order SB-10042 now.',
            missing: [],
          },
          { name: 'rma', text: 'Your RMA is {{rma}}.', missing: ['rma'] },
        ],
      );
      const carla = await login(fixture.url, 'carla');
      const other = await carla.get<{ code: string }>(`/api/console/cases/${handoffCase.id}/canned-replies`);
      assert.equal(other.status, 403);
      assert.equal(other.body.code, 'Forbidden');
      assert.equal((await ana.get('/api/console/cases/999999/canned-replies')).status, 404);
    });
  });
});
