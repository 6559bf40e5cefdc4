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

/** Polls a process's resident set until stopped and keeps the largest value seen. */
export class RssMonitor {
  #peak: number | undefined;
  readonly #timer: NodeJS.Timeout;

  constructor(readonly pid: number, intervalMs = 100) {
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
  }

  sample(): void {
    const value = readPeakRss(this.pid);
    if (value !== undefined) this.#peak = Math.max(this.#peak ?? 0, value);
  }

  /** Samples one last time and stops polling. */
  stop(): number | undefined {
    this.sample();
    clearInterval(this.#timer);
    return this.#peak;
  }
}
