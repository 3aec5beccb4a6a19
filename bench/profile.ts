import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { table } from './stats';

/** The parts of a V8 `.cpuprofile` (as `node --cpu-prof` writes it) used here. */
interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  timeDeltas: number[];
}
type CallFrame = CpuProfile['nodes'][number]['callFrame'];

const PROJECT_ROOT = path.resolve(__dirname, '..');

/** Where a function lives: a package under node_modules, a file of ours, node itself or V8. */
function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const file = url.startsWith('file://') ? fileURLToPath(url) : url;
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file);
  if (inModules?.[1]) return inModules[1];
  if (file.startsWith('node:') || !path.isAbsolute(file)) return 'node internals';
  return path.relative(PROJECT_ROOT, file);
}

/** A function by name and place. Line numbers of our files are tsx's output, so they are left out. */
function functionKey(frame: CallFrame): string {
  const area = areaOf(frame);
  const line = area.endsWith('.ts') || !frame.url ? '' : `:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'} ${area}${line}`;
}

/** Samples under module loading are start-up, not turns. */
function isModuleLoading(frame: CallFrame): boolean {
  return frame.url.startsWith('node:internal/modules/');
}

function top(totals: Map<string, number>, count: number, all: number): string[][] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, micros]) => [name, (micros / 1000).toFixed(0), ((micros / all) * 100).toFixed(1)]);
}

/** A run of consecutive samples on one stack: one synchronous call that held the thread. */
interface Stall {
  micros: number;
  /** Samples in the run: one long sample is the process not being scheduled, not a long call. */
  samples: number;
  leaf: string;
  caller: string;
}

/** The longest runs of consecutive samples on the same node of one profile (idle left out). */
function longestStalls(
  profile: CpuProfile,
  byId: Map<number, CpuProfile['nodes'][number]>,
  parent: Map<number, number>,
): Stall[] {
  const runs: { id: number; micros: number; samples: number }[] = [];
  let current: { id: number; micros: number; samples: number } | undefined;
  profile.samples.forEach((id, i) => {
    const micros = profile.timeDeltas[i + 1] ?? 0;
    if (current?.id === id) {
      current.micros += micros;
      current.samples += 1;
      return;
    }
    if (current) runs.push(current);
    current = { id, micros, samples: 1 };
  });
  if (current) runs.push(current);
  return runs
    .filter((run) => {
      const name = byId.get(run.id)?.callFrame.functionName;
      if (name === '(idle)' || name === '(program)') return false;
      for (let at: number | undefined = run.id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (frame && isModuleLoading(frame)) return false;
      }
      return true;
    })
    .sort((a, b) => b.micros - a.micros)
    .slice(0, 12)
    .map((run) => {
      const node = byId.get(run.id);
      const callers: string[] = [];
      for (let at = parent.get(run.id); at !== undefined && callers.length < 3; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (frame && frame.functionName && !frame.functionName.startsWith('('))
          callers.push(functionKey(frame));
      }
      return {
        micros: run.micros,
        samples: run.samples,
        leaf: node ? functionKey(node.callFrame) : String(run.id),
        caller: callers.join(' < '),
      };
    });
}

/**
 * Lists where the time of the main thread went, from the `.cpuprofile` files `node --cpu-prof`
 * wrote in `dir` (thread 0 of each process; tsx's loader thread is left out): self time by
 * package or file, self time by function, and time including callees for this repository's
 * functions. Idle time and module loading (start-up) are left out of the percentages.
 */
export function summarizeProfile(dir: string): string {
  // Node names them CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile.
  const files = fs.readdirSync(dir).filter((file) => /\.\d+\.0\.\d+\.cpuprofile$/.test(file));
  if (files.length === 0) return `no CPU profile of a main thread in ${dir}`;
  const selfByArea = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const totalByOwnFunction = new Map<string, number>();
  let busy = 0;
  let loading = 0;
  const stalls: Stall[] = [];
  const add = (map: Map<string, number>, key: string, micros: number): void => {
    map.set(key, (map.get(key) ?? 0) + micros);
  };
  for (const file of files) {
    const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const parent = new Map<number, number>();
    for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
    stalls.push(...longestStalls(profile, byId, parent));
    profile.samples.forEach((id, i) => {
      // Each delta is the time since the previous sample; it belongs to that sample.
      const micros = profile.timeDeltas[i + 1] ?? 0;
      const node = byId.get(id);
      if (!node || node.callFrame.functionName === '(idle)') return;
      const stack: CallFrame[] = [];
      for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
        const frame = byId.get(at)?.callFrame;
        if (frame) stack.push(frame);
      }
      if (stack.some(isModuleLoading)) {
        loading += micros;
        return;
      }
      busy += micros;
      add(selfByArea, areaOf(node.callFrame), micros);
      add(selfByFunction, functionKey(node.callFrame), micros);
      const seen = new Set<string>();
      for (const frame of stack) {
        if (!areaOf(frame).endsWith('.ts')) continue;
        const key = functionKey(frame);
        if (!seen.has(key)) add(totalByOwnFunction, key, micros);
        seen.add(key);
      }
    });
  }
  const header = (name: string): string[] => [name, 'ms', '% of busy'];
  return [
    `CPU profile of the full bot's main thread: ${(busy / 1000).toFixed(0)} ms busy, not counting idle time and ${(loading / 1000).toFixed(0)} ms of module loading.`,
    'Time including callees is cut short by async functions: an `await` starts a new stack.',
    '',
    'Self time by package or file:',
    table(header('where'), top(selfByArea, 20, busy)),
    '',
    'Self time by function:',
    table(header('function'), top(selfByFunction, 25, busy)),
    '',
    "Time including callees, this repository's functions:",
    table(header('function'), top(totalByOwnFunction, 25, busy)),
    '',
    'Longest stretches in one function without a return to the event loop (consecutive samples with',
    'the same stack; the synchronous calls behind the longest event-loop pauses). A run of one or two',
    'samples spanning many ms is the process waiting for a CPU (a busy machine), not a long call:',
    table(
      ['ms', 'samples', 'function', 'called from'],
      stalls
        .sort((a, b) => b.micros - a.micros)
        .slice(0, 12)
        .map((stall) => [(stall.micros / 1000).toFixed(1), String(stall.samples), stall.leaf, stall.caller]),
      [2, 3],
    ),
  ].join('\n');
}
