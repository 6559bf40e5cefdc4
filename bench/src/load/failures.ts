import type { LoadResult } from './jobs.js';

const MAX_SAMPLES = 5;

/** Tallies what did not count as a success, keeping the first few reasons. */
export class FailureTally {
  readonly statuses: Record<string, number> = {};
  errors = 0;
  timeouts = 0;
  readonly samples: string[] = [];

  status(status: number, detail: string): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    this.sample(`${status} ${detail}`);
  }

  error(detail: string): void {
    this.errors++;
    this.sample(detail);
  }

  sample(detail: string): void {
    if (this.samples.length < MAX_SAMPLES) this.samples.push(detail.replace(/\s+/g, ' ').slice(0, 300));
  }

  get total(): number {
    return Object.values(this.statuses).reduce((sum, count) => sum + count, 0) + this.errors + this.timeouts;
  }

  summary() {
    return { total: this.total, statuses: { ...this.statuses }, errors: this.errors, timeouts: this.timeouts, samples: [...this.samples] };
  }
}

/** Failures of the warm-up are not measured but still worth seeing (it may use up the tokens). */
export function withWarmupFailures(result: LoadResult, warmup: LoadResult | undefined): LoadResult {
  if (warmup === undefined || warmup.failures.total === 0) return result;
  return {
    ...result,
    failures: { ...result.failures, samples: [...result.failures.samples, ...warmup.failures.samples.map((s) => `warm-up: ${s}`)] },
    notes: { ...result.notes, warmupFailures: warmup.failures.total },
  };
}
