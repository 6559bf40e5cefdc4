import type { LoadResult } from '../load/jobs.js';
import { roundCpuPerSuccess } from './cpu-per-success.js';
import type { RoundResult, TargetSummary } from './report.js';
import { median } from './stats.js';

/** `rate ÷ baseline`, or null when either is unknown or the baseline is not positive. */
export function rateRatio(rate: number | null, baseline: number | null): number | null {
  if (rate === null || baseline === null || !Number.isFinite(rate) || !Number.isFinite(baseline) || baseline <= 0) return null;
  return rate / baseline;
}

/** Whether a ratio is within 1 ± tolerance (the "within 15 %" is a tolerance of 0.15). */
export function withinTolerance(ratio: number, tolerance: number): boolean {
  // Rounded to a hundredth of a percent, so 0.85 exactly counts as within 15 %.
  return Math.round(Math.abs(1 - ratio) * 10_000) <= Math.round(tolerance * 10_000);
}

/**
 * Fills `ratioToBaseline` and `cpuRatioToBaseline` of every summary that names a baseline: the
 * median over the rounds of this variant's figure divided by its baseline's in the same round.
 * The two run back to back in every round, so pairing them cancels the machine's drift from one
 * round to the next: a shared virtual machine's speed moves by tens of percent over a run (the
 * thread pool's CPU per RS256 signature, the same work every time, measured 0.365 and 0.478 ms in
 * two rounds of one run). A baseline that produced no figure in any round gives null.
 */
export function withBaselineRatios(summaries: readonly TargetSummary[]): TargetSummary[] {
  const byKey = new Map(summaries.map((summary) => [summary.key, summary]));
  return summaries.map((summary) => {
    if (summary.baseline === null) return summary;
    const pairs = pairedResults(summary.rounds, byKey.get(summary.baseline.key)?.rounds ?? []);
    return {
      ...summary,
      ratioToBaseline: medianRatio(pairs.map(([variant, base]) => rateRatio(variant.rate, base.rate))),
      cpuRatioToBaseline: medianRatio(pairs.map(([variant, base]) => rateRatio(serverCpu(variant), serverCpu(base)))),
    };
  });
}

/** The results of the rounds in which both the variant and its baseline produced one. */
function pairedResults(variant: readonly RoundResult[], baseline: readonly RoundResult[]): [LoadResult, LoadResult][] {
  const baseByRound = new Map(baseline.flatMap((r) => (r.result ? [[r.round, r.result] as const] : [])));
  return variant.flatMap((r) => {
    const base = baseByRound.get(r.round);
    return r.result && base ? [[r.result, base] as [LoadResult, LoadResult]] : [];
  });
}

function medianRatio(ratios: readonly (number | null)[]): number | null {
  const known = ratios.filter((ratio): ratio is number => ratio !== null);
  return known.length > 0 ? median(known) : null;
}

/** The server's CPU per success in one round, all threads together; null when not measured. */
function serverCpu(result: LoadResult): number | null {
  const cpu = roundCpuPerSuccess(result);
  return cpu === null ? null : cpu.eventLoopMs + cpu.otherThreadsMs;
}
