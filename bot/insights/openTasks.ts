import type { Kysely } from 'kysely';
import type { InsightOpenTaskRow, InsightScope, InsightTables } from './events';

/** Rows per statement (PostgreSQL allows 65535 parameters per statement). */
const ROWS_PER_STATEMENT = 500;

/** What the open-task table is told; applied in order at the next flush. */
export type TaskOp =
  | { op: 'open'; conversationKey: string; task: string; at: number; scope: InsightScope }
  | { op: 'step'; conversationKey: string; instance: string; step: string; at: number }
  | { op: 'leave'; conversationKey: string; instance: string }
  | { op: 'touch'; conversationKey: string; at: number }
  | { op: 'hold'; conversationKey: string; held: boolean; at: number }
  | { op: 'close'; conversationKey: string };

/** Waterfalls a step stack keeps; deeper nesting than this does not happen in Switchboard's dialogs. */
const MAX_STACK = 20;

/** An open task as the flush changes it: its row, with the step stack parsed. */
interface OpenTask {
  row: InsightOpenTaskRow;
  stack: [instance: string, step: string][];
}

/**
 * Applies a batch's task operations: reads the open tasks they touch, changes them in memory in
 * order, and writes back each changed one once (or deletes it). NOTE: the step stack lets the
 * step of a waterfall that ended on another turn (a handoff on top of a task) give way to the
 * step below it again.
 */
export async function applyTaskOps(
  trx: Kysely<InsightTables>,
  ops: readonly [string, TaskOp][],
): Promise<void> {
  const conversations = [...new Set(ops.map(([conversation]) => conversation))];
  const tasks = new Map<string, OpenTask | undefined>();
  const existed = new Set<string>();
  for (let i = 0; i < conversations.length; i += ROWS_PER_STATEMENT) {
    const rows = await trx
      .selectFrom('insight_open_tasks')
      .selectAll()
      .where('conversation', 'in', conversations.slice(i, i + ROWS_PER_STATEMENT))
      .execute();
    for (const row of rows) {
      existed.add(row.conversation);
      tasks.set(row.conversation, {
        row: { ...row, started_at: Number(row.started_at), last_at: Number(row.last_at) },
        stack: parseStack(row.steps),
      });
    }
  }
  for (const [conversation, op] of ops) {
    const task = tasks.get(conversation);
    switch (op.op) {
      case 'open':
        tasks.set(conversation, {
          row: {
            conversation,
            task: op.task,
            started_at: op.at,
            step: '',
            steps: '[]',
            last_at: op.at,
            held: 0,
            ...op.scope,
          },
          stack: [],
        });
        break;
      case 'close':
        tasks.set(conversation, undefined);
        break;
      case 'step':
        if (!task) break;
        {
          const entry = task.stack.find(([instance]) => instance === op.instance);
          if (entry) entry[1] = op.step;
          else task.stack.push([op.instance, op.step]);
          if (task.stack.length > MAX_STACK) task.stack.shift();
        }
        task.row.last_at = Math.max(task.row.last_at, op.at);
        break;
      case 'leave':
        if (task) task.stack = task.stack.filter(([instance]) => instance !== op.instance);
        break;
      case 'touch':
        if (task) task.row.last_at = Math.max(task.row.last_at, op.at);
        break;
      case 'hold':
        if (!task) break;
        task.row.held = op.held ? 1 : 0;
        task.row.last_at = Math.max(task.row.last_at, op.at);
    }
  }
  const ended: string[] = [];
  const changed: InsightOpenTaskRow[] = [];
  for (const [conversation, task] of tasks) {
    if (!task) {
      if (existed.has(conversation)) ended.push(conversation);
      continue;
    }
    changed.push({
      ...task.row,
      step: task.stack[task.stack.length - 1]?.[1] ?? task.row.step,
      steps: JSON.stringify(task.stack),
    });
  }
  // NOTE: a few statements per batch rather than one per conversation: every statement is
  // compiled by Kysely and prepared by the driver anew, which cost more than the rows themselves.
  for (let i = 0; i < ended.length; i += ROWS_PER_STATEMENT)
    await trx
      .deleteFrom('insight_open_tasks')
      .where('conversation', 'in', ended.slice(i, i + ROWS_PER_STATEMENT))
      .execute();
  for (let i = 0; i < changed.length; i += ROWS_PER_STATEMENT)
    await trx
      .insertInto('insight_open_tasks')
      .values(changed.slice(i, i + ROWS_PER_STATEMENT))
      .onConflict((conflict) =>
        conflict.column('conversation').doUpdateSet((update) => ({
          task: update.ref('excluded.task'),
          started_at: update.ref('excluded.started_at'),
          step: update.ref('excluded.step'),
          steps: update.ref('excluded.steps'),
          last_at: update.ref('excluded.last_at'),
          held: update.ref('excluded.held'),
          channel: update.ref('excluded.channel'),
          locale: update.ref('excluded.locale'),
          team: update.ref('excluded.team'),
        })),
      )
      .execute();
}

function parseStack(json: string): [string, string][] {
  try {
    const parsed: unknown = JSON.parse(json);
    return Array.isArray(parsed)
      ? parsed.filter(
          (entry): entry is [string, string] =>
            Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'string',
        )
      : [];
  } catch {
    return [];
  }
}
