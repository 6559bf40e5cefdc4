import type { LoadResult } from '../../src/load/jobs.js';

export interface ResultCpu {
  readonly eventLoopMs: number;
  readonly otherThreadsMs: number;
  readonly loadGeneratorMs: number;
}

/** A load run without failures: `successes` over `seconds`, with the CPU milliseconds it measured, if given. */
export function loadResult(successes: number, seconds: number, cpu?: ResultCpu): LoadResult {
  return {
    rate: successes / seconds,
    successes,
    seconds,
    latency: { p50: 1, p99: 1, mean: 1 },
    failures: { total: 0, statuses: {}, errors: 0, timeouts: 0, samples: [] },
    exhausted: false,
    notes: {},
    ...(cpu && { cpu: { server: { eventLoopMs: cpu.eventLoopMs, otherThreadsMs: cpu.otherThreadsMs }, loadGeneratorMs: cpu.loadGeneratorMs } }),
  };
}
