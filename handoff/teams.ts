import fs from 'node:fs';
import { DateTime } from 'luxon';

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
type WeekdayName = (typeof WEEKDAYS)[number];

/** One team of human agents, as support leads describe it in the teams file. */
export interface Team {
  id: string;
  /** Shown to agents in the console. */
  name: string;
  /** Locales the team answers (`*` = any). */
  locales: string[];
  /** Topics (intents such as `orderStatus`, or `none`) the team takes (`*` = any). */
  topics: string[];
  /** IANA timezone of the opening hours, e.g. `Europe/Madrid`. */
  timezone: string;
  /** Opening hours per weekday as `HH:mm-HH:mm` ranges; a missing day is closed. */
  hours: Partial<Record<WeekdayName, string[]>>;
  /** Closed days, `yyyy-MM-dd` in the team's timezone. */
  holidays: string[];
}

/** Routing and priority settings, read from `handoff/teams.json` or `HANDOFF_TEAMS_FILE`. */
export interface TeamsConfig {
  teams: Team[];
  priority: {
    /** A customer with negative sentiment counts as having waited this many minutes longer. */
    negativeSentimentMinutes: number;
    /** Extra minutes per customer tag, e.g. `{ "vip": 10 }`. */
    tags: Record<string, number>;
  };
}

/** Raised for a teams file that does not describe valid teams; names the file and the field. */
export class TeamsConfigError extends Error {}

function fail(source: string, message: string): never {
  throw new TeamsConfigError(`${source}: ${message}`);
}

const RANGE = /^([01]\d|2[0-3]):([0-5]\d)-(([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

function parseTeam(raw: unknown, index: number, source: string): Team {
  const where = `teams[${index}]`;
  if (typeof raw !== 'object' || raw === null) fail(source, `${where} must be an object`);
  const team = raw as Record<string, unknown>;
  const text = (field: string): string => {
    const value = team[field];
    if (typeof value !== 'string' || value === '')
      fail(source, `${where}.${field} must be a non-empty string`);
    return value;
  };
  const list = (field: string, fallback: string[]): string[] => {
    const value = team[field] ?? fallback;
    if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
      fail(source, `${where}.${field} must be a list of strings`);
    }
    return value as string[];
  };
  const timezone = text('timezone');
  if (!DateTime.now().setZone(timezone).isValid)
    fail(source, `${where}.timezone "${timezone}" is not an IANA timezone`);
  const hoursRaw = team.hours;
  if (typeof hoursRaw !== 'object' || hoursRaw === null)
    fail(source, `${where}.hours must map weekdays to ranges`);
  const hours: Team['hours'] = {};
  for (const [day, ranges] of Object.entries(hoursRaw)) {
    if (!(WEEKDAYS as readonly string[]).includes(day)) {
      fail(source, `${where}.hours.${day} is not a weekday (use ${WEEKDAYS.join(', ')})`);
    }
    if (!Array.isArray(ranges) || ranges.some((range) => typeof range !== 'string' || !RANGE.test(range))) {
      fail(source, `${where}.hours.${day} must be a list of "HH:mm-HH:mm" ranges`);
    }
    hours[day as WeekdayName] = ranges as string[];
  }
  const holidays = list('holidays', []);
  for (const day of holidays) {
    if (!DateTime.fromISO(day).isValid || !/^\d{4}-\d\d-\d\d$/.test(day)) {
      fail(source, `${where}.holidays has "${day}"; use yyyy-MM-dd`);
    }
  }
  return {
    id: text('id'),
    name: text('name'),
    locales: list('locales', ['*']),
    topics: list('topics', ['*']),
    timezone,
    hours,
    holidays,
  };
}

/** Validates a parsed teams file. */
export function parseTeamsConfig(raw: unknown, source = 'teams file'): TeamsConfig {
  if (typeof raw !== 'object' || raw === null) fail(source, 'must be a JSON object with "teams"');
  const config = raw as Record<string, unknown>;
  if (!Array.isArray(config.teams) || config.teams.length === 0)
    fail(source, '"teams" must list at least one team');
  const teams = config.teams.map((team, index) => parseTeam(team, index, source));
  const ids = new Set<string>();
  for (const team of teams) {
    if (ids.has(team.id)) fail(source, `team id "${team.id}" is used twice`);
    ids.add(team.id);
  }
  const priority = (config.priority ?? {}) as { negativeSentimentMinutes?: unknown; tags?: unknown };
  const negativeSentimentMinutes = priority.negativeSentimentMinutes ?? 5;
  if (typeof negativeSentimentMinutes !== 'number' || negativeSentimentMinutes < 0) {
    fail(source, 'priority.negativeSentimentMinutes must be a number of minutes');
  }
  const tags = priority.tags ?? {};
  if (typeof tags !== 'object' || tags === null || Object.values(tags).some((v) => typeof v !== 'number')) {
    fail(source, 'priority.tags must map tag names to minutes');
  }
  return { teams, priority: { negativeSentimentMinutes, tags: tags as Record<string, number> } };
}

/** Reads and validates a teams file. */
export function loadTeamsConfig(file: string): TeamsConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TeamsConfigError(
      `${file}: cannot be read as JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return parseTeamsConfig(raw, file);
}

const matches = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);

/**
 * The team for a conversation: the first that takes both its locale (or the locale's base
 * language) and its topic, else the first that takes the locale, else the first team.
 */
export function routeToTeam(config: TeamsConfig, locale: string, topic: string): Team {
  const base = locale.split('-')[0] ?? locale;
  const speaks = (team: Team) => matches(team.locales, locale) || matches(team.locales, base);
  const first = config.teams[0];
  if (!first) throw new TeamsConfigError('routeToTeam(): no teams configured');
  return (
    config.teams.find((team) => speaks(team) && matches(team.topics, topic)) ??
    config.teams.find(speaks) ??
    first
  );
}

function rangesOn(team: Team, day: DateTime): { start: DateTime; end: DateTime }[] {
  if (team.holidays.includes(day.toISODate() ?? '')) return [];
  const name = WEEKDAYS[day.weekday - 1];
  return (name ? (team.hours[name] ?? []) : []).map((range) => {
    const [from = '00:00', to = '00:00'] = range.split('-');
    const at = (hhmm: string) => {
      const [h = 0, m = 0] = hhmm.split(':').map(Number);
      return day.startOf('day').plus({ hours: h, minutes: m });
    };
    return { start: at(from), end: at(to) };
  });
}

/** Whether the team is open at `at`, in its own timezone and with its holidays. */
export function isTeamOpen(team: Team, at: Date): boolean {
  const local = DateTime.fromJSDate(at).setZone(team.timezone);
  return rangesOn(team, local).some((range) => local >= range.start && local < range.end);
}

/** When the team next opens after `at` (within two weeks), or undefined when it never does. */
export function nextOpening(team: Team, at: Date): Date | undefined {
  const local = DateTime.fromJSDate(at).setZone(team.timezone);
  for (let offset = 0; offset <= 14; offset += 1) {
    const day = local.plus({ days: offset });
    const start = rangesOn(team, day)
      .map((range) => range.start)
      .filter((start) => start > local)
      .sort((a, b) => a.toMillis() - b.toMillis())[0];
    if (start) return start.toJSDate();
  }
  return undefined;
}
