import type { LoadResult } from '../load/jobs.js';
import type { CpuPerSuccess } from './report.js';
import { median } from './stats.js';

/** CPU per successful request or flow, the median of each part over the rounds that measured it. */
export function cpuPerSuccess(results: readonly LoadResult[]): CpuPerSuccess | null {
  const measured = results.flatMap((r) => (r.cpu?.server && r.successes > 0 ? [{ server: r.cpu.server, load: r.cpu.loadGeneratorMs, n: r.successes }] : []));
  if (measured.length === 0) return null;
  return {
    eventLoopMs: median(measured.map((m) => m.server.eventLoopMs / m.n)),
    otherThreadsMs: median(measured.map((m) => m.server.otherThreadsMs / m.n)),
    loadGeneratorMs: median(measured.map((m) => m.load / m.n)),
  };
}
