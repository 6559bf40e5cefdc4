import { readFileSync } from 'node:fs';

/**
 * The resident set of a process in bytes, from Linux's /proc/<pid>/status: the larger of the
 * high-water mark (VmHWM) and the current size (VmRSS). Undefined where /proc is not available.
 */
export function readPeakRss(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  let peak: number | undefined;
  for (const field of ['VmHWM', 'VmRSS']) {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    if (match?.[1] !== undefined) peak = Math.max(peak ?? 0, Number(match[1]) * 1024);
  }
  return peak;
}

/** The direct children of a process (Linux: /proc/<pid>/task/<tid>/children), or none without /proc. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** A server and its direct children (the workers of `latchkey serve --workers N`). */
export function serverProcesses(pid: number): number[] {
  return [pid, ...childPids(pid)];
}

/**
 * Polls the resident set of a process and of its direct children (the workers of
 * `latchkey serve --workers N`) until stopped. The peak is the sum of each process's own peak:
 * for one process, its peak; for a cluster, at most the sum of what each held at its worst.
 */
export class RssMonitor {
  readonly #peaks = new Map<number, number>();
  readonly #timer: NodeJS.Timeout;

  constructor(readonly pid: number, intervalMs = 100) {
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  sample(): void {
    for (const pid of serverProcesses(this.pid)) {
      const value = readPeakRss(pid);
      if (value !== undefined) this.#peaks.set(pid, Math.max(this.#peaks.get(pid) ?? 0, value));
    }
  }

  /** Samples one last time and stops polling. */
  stop(): number | undefined {
    this.sample();
    clearInterval(this.#timer);
    if (this.#peaks.size === 0) return undefined;
    return [...this.#peaks.values()].reduce((sum, value) => sum + value, 0);
  }
}
