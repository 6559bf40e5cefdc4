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
  readonly totalMicros: number;
  /** Every function with self time, the most first. */
  readonly functions: readonly FunctionTime[];
}

/**
 * Self time by function: each sample counts for the time until the next one (the last until the
 * profile's end), as Chrome DevTools counts it, and the nodes of one function (it has one per call
 * path) are added up.
 */
export function selfTimeByFunction(profile: CpuProfile, base = process.cwd()): SelfTimeSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byFunction = new Map<string, { name: string; location: string; selfMicros: number }>();
  let timestamp = profile.startTime;
  const timestamps = profile.timeDeltas.map((delta) => (timestamp += delta));
  profile.samples.forEach((id, i) => {
    const node = nodes.get(id);
    if (node === undefined) throw new Error(`sample ${i} names node ${id}, which the profile does not have`);
    const until = timestamps[i + 1] ?? profile.endTime;
    const name = node.callFrame.functionName || '(anonymous)';
    const location = describeLocation(node.callFrame.url, node.callFrame.lineNumber, base);
    const key = `${name}\u0000${location}`;
    const entry = byFunction.get(key) ?? { name, location, selfMicros: 0 };
    entry.selfMicros += Math.max(0, until - (timestamps[i] ?? profile.startTime));
    byFunction.set(key, entry);
  });
  return {
    totalMicros: profile.endTime - profile.startTime,
    functions: [...byFunction.values()].filter((f) => f.selfMicros > 0).sort((a, b) => b.selfMicros - a.selfMicros),
  };
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
    `${ms(summary.totalMicros)} ms profiled; the ${rows.length} functions with the most self time:`,
    line(header),
    ...rows.map(line),
  ].join('\n');
}
