import type { LoadResult } from '../load/jobs.js';
import type { CpuPerSuccess } from './report.js';
import { median } from './stats.js';

/** CPU per successful request or flow in one round; null when the round did not measure the server's. */
export function roundCpuPerSuccess(result: LoadResult): CpuPerSuccess | null {
  const { cpu, successes: n } = result;
  if (!cpu?.server || n <= 0) return null;
  return { eventLoopMs: cpu.server.eventLoopMs / n, otherThreadsMs: cpu.server.otherThreadsMs / n, loadGeneratorMs: cpu.loadGeneratorMs / n };
}

/** CPU per successful request or flow, the median of each part over the rounds that measured it. */
export function cpuPerSuccess(results: readonly LoadResult[]): CpuPerSuccess | null {
  const measured = results.flatMap((r) => roundCpuPerSuccess(r) ?? []);
  if (measured.length === 0) return null;
  return {
    eventLoopMs: median(measured.map((m) => m.eventLoopMs)),
    otherThreadsMs: median(measured.map((m) => m.otherThreadsMs)),
    loadGeneratorMs: median(measured.map((m) => m.loadGeneratorMs)),
  };
}
