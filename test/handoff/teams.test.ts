import assert from 'node:assert/strict';
import path from 'node:path';
import {
  TeamsConfigError,
  isTeamOpen,
  loadTeamsConfig,
  nextOpening,
  parseTeamsConfig,
  routeToTeam,
} from '../../handoff/teams';

const example = loadTeamsConfig(path.resolve(__dirname, '..', '..', 'handoff', 'teams.example.json'));
const team = (id: string) => {
  const found = example.teams.find((t) => t.id === id);
  assert.ok(found, id);
  return found;
};

describe('teams', () => {
  it('the shipped teams files are valid', () => {
    const shipped = loadTeamsConfig(path.resolve(__dirname, '..', '..', 'handoff', 'teams.json'));
    assert.equal(shipped.teams.length, 1);
    assert.equal(example.teams.length, 3);
  });

  const routes: [locale: string, topic: string, team: string][] = [
    ['es', 'orderStatus', 'orders-es'],
    ['es-MX', 'returnItem', 'orders-es'],
    ['es', 'appointment', 'support-es'],
    ['en', 'orderStatus', 'support-en'],
    ['lv', 'none', 'support-en'],
  ];
  for (const [locale, topic, expected] of routes) {
    it(`routeToTeam() sends ${locale}/${topic} to ${expected}`, () => {
      assert.equal(routeToTeam(example, locale, topic).id, expected);
    });
  }

  it("isTeamOpen() follows the hours in the team's timezone, with split shifts and holidays", () => {
    const orders = team('orders-es');
    // Monday 2026-11-23: 09:00-14:00 and 16:00-19:00 Madrid (UTC+1).
    assert.equal(isTeamOpen(orders, new Date('2026-11-23T07:59:00Z')), false);
    assert.equal(isTeamOpen(orders, new Date('2026-11-23T08:00:00Z')), true);
    assert.equal(isTeamOpen(orders, new Date('2026-11-23T13:30:00Z')), false);
    assert.equal(isTeamOpen(orders, new Date('2026-11-23T15:00:00Z')), true);
    assert.equal(isTeamOpen(orders, new Date('2026-11-21T10:00:00Z')), false, 'Saturday');
    assert.equal(isTeamOpen(orders, new Date('2026-12-08T10:00:00Z')), false, 'holiday');
  });

  it('nextOpening() finds the next start after the gap, the weekend and holidays', () => {
    const orders = team('orders-es');
    assert.equal(
      nextOpening(orders, new Date('2026-11-23T13:30:00Z'))?.toISOString(),
      '2026-11-23T15:00:00.000Z',
    );
    assert.equal(
      nextOpening(orders, new Date('2026-11-21T10:00:00Z'))?.toISOString(),
      '2026-11-23T08:00:00.000Z',
    );
    assert.equal(
      nextOpening(orders, new Date('2026-12-07T19:00:00Z'))?.toISOString(),
      '2026-12-09T08:00:00.000Z',
    );
  });

  it('an always-open team is open at midnight and on Sunday', () => {
    const support = loadTeamsConfig(path.resolve(__dirname, '..', '..', 'handoff', 'teams.json')).teams[0]!;
    assert.equal(isTeamOpen(support, new Date('2026-11-22T23:30:00Z')), true);
  });

  const invalid: [unknown, RegExp][] = [
    [{ teams: [] }, /"teams" must list at least one team/],
    [
      { teams: [{ id: 'a', name: 'A', timezone: 'Mars/Olympus', hours: {} }] },
      /teams\[0\]\.timezone "Mars\/Olympus"/,
    ],
    [
      { teams: [{ id: 'a', name: 'A', timezone: 'UTC', hours: { mon: ['9-5'] } }] },
      /teams\[0\]\.hours\.mon must be a list of "HH:mm-HH:mm"/,
    ],
    [
      { teams: [{ id: 'a', name: 'A', timezone: 'UTC', hours: { monday: [] } }] },
      /hours\.monday is not a weekday/,
    ],
    [
      { teams: [{ id: 'a', name: 'A', timezone: 'UTC', hours: {}, holidays: ['25/12'] }] },
      /holidays has "25\/12"/,
    ],
    [
      {
        teams: [
          { id: 'a', name: 'A', timezone: 'UTC', hours: {} },
          { id: 'a', name: 'B', timezone: 'UTC', hours: {} },
        ],
      },
      /team id "a" is used twice/,
    ],
  ];
  for (const [raw, message] of invalid) {
    it(`parseTeamsConfig() names the problem: ${String(message)}`, () => {
      assert.throws(
        () => parseTeamsConfig(raw, 'teams.json'),
        (error: unknown) => error instanceof TeamsConfigError && message.test(error.message),
      );
    });
  }
});
