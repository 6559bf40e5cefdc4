import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The parts of V8's `.cpuprofile` (the DevTools protocol's Profiler.Profile) read here; times in µs. */
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly startTime: number;
  readonly endTime: number;
  /** The node on top of the stack at each sample. */
  readonly samples: readonly number[];
  /** Microseconds from the previous sample (from startTime for the first). */
  readonly timeDeltas: readonly number[];
}

export interface ProfileNode {
  readonly id: number;
  /** The nodes this one calls: the stack of a sample is its node and the node's ancestors. */
  readonly children?: readonly number[];
  readonly callFrame: {
    readonly functionName: string;
    readonly url: string;
    /** 0-based. */
    readonly lineNumber: number;
  };
}

export interface FunctionTime {
  /** `(anonymous)` for a function without a name; V8's own entries keep theirs: `(garbage collector)`, `(idle)`, `(program)`. */
  readonly name: string;
  /** `file:line` (1-based), relative to `base` when under it; empty for V8's own entries. */
  readonly location: string;
  readonly selfMicros: number;
}

export interface SelfTimeSummary {
  /** The time the summary covers: the whole profile, or from the sample `from` picked to its end. */
  readonly totalMicros: number;
  /** The function whose first sample the summary starts from, if any (SelfTimeOptions.from). */
  readonly from?: string;
  /** Every function with self time, the most first. */
  readonly functions: readonly FunctionTime[];
}

export interface SelfTimeOptions {
  /** Locations under this folder are shown relative to it; default the working directory. */
  readonly base?: string;
  /**
   * Count only from the first sample whose stack holds a function of this name: a name the load
   * calls (`tokenEndpoint`) skips the start-up and the scenario's preparation.
   */
  readonly from?: string;
}

/**
 * Self time by function: each sample counts for the time until the next one (the last until the
 * profile's end), as Chrome DevTools counts it, and the nodes of one function (it has one per call
 * path) are added up.
 */
export function selfTimeByFunction(profile: CpuProfile, { base = process.cwd(), from }: SelfTimeOptions = {}): SelfTimeSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const nodeOf = (id: number, sample: number) => {
    const node = nodes.get(id);
    if (node === undefined) throw new Error(`sample ${sample} names node ${id}, which the profile does not have`);
    return node;
  };
  let timestamp = profile.startTime;
  const timestamps = profile.timeDeltas.map((delta) => (timestamp += delta));
  const first = from === undefined ? 0 : firstSampleCalling(profile, from);
  if (first === undefined) throw new Error(`no sample has ${from} on its stack`);
  const byFunction = new Map<string, { name: string; location: string; selfMicros: number }>();
  profile.samples.forEach((id, i) => {
    const node = nodeOf(id, i);
    if (i < first) return;
    const until = timestamps[i + 1] ?? profile.endTime;
    const name = node.callFrame.functionName || '(anonymous)';
    const location = describeLocation(node.callFrame.url, node.callFrame.lineNumber, base);
    const key = `${name}\u0000${location}`;
    const entry = byFunction.get(key) ?? { name, location, selfMicros: 0 };
    entry.selfMicros += Math.max(0, until - (timestamps[i] ?? profile.startTime));
    byFunction.set(key, entry);
  });
  return {
    totalMicros: profile.endTime - (from === undefined ? profile.startTime : timestamps[first]!),
    ...(from === undefined ? {} : { from }),
    functions: [...byFunction.values()].filter((f) => f.selfMicros > 0).sort((a, b) => b.selfMicros - a.selfMicros),
  };
}

/** The index of the first sample with a function named `name` on its stack, or undefined. */
function firstSampleCalling(profile: CpuProfile, name: string): number | undefined {
  const children = new Map(profile.nodes.map((node) => [node.id, node.children ?? []]));
  // A node of that function, and every node it calls, has it on its stack.
  const calling = new Set<number>();
  const pending = profile.nodes.filter((node) => node.callFrame.functionName === name).map((node) => node.id);
  for (let id; (id = pending.pop()) !== undefined; ) {
    calling.add(id);
    pending.push(...(children.get(id) ?? []));
  }
  const index = profile.samples.findIndex((id) => calling.has(id));
  return index === -1 ? undefined : index;
}

function describeLocation(url: string, lineNumber: number, base: string): string {
  if (url === '') return '';
  const path = url.startsWith('file://') ? fileURLToPath(url) : url;
  const shown = path.startsWith(`${base}/`) ? relative(base, path) : path;
  return `${shown}:${lineNumber + 1}`;
}

/** A plain-text table of the `top` functions with the most self time. */
export function formatSelfTime(summary: SelfTimeSummary, top = 30): string {
  const ms = (micros: number) => (micros / 1000).toFixed(1);
  const share = (micros: number) => (summary.totalMicros > 0 ? `${((100 * micros) / summary.totalMicros).toFixed(1)} %` : '-');
  const rows = summary.functions.slice(0, top).map((f) => [ms(f.selfMicros), share(f.selfMicros), f.name, f.location]);
  const header = ['self ms', 'share', 'function', 'location'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, column) => (column < 2 ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
      .join('  ')
      .trimEnd();
  return [
    `${ms(summary.totalMicros)} ms profiled${summary.from === undefined ? '' : ` from the first sample in ${summary.from}`}; the ${rows.length} functions with the most self time:`,
    line(header),
    ...rows.map(line),
  ].join('\n');
}
