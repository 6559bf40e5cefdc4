import type { CpuPerSuccess, TargetSummary } from './report.js';

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
 * Fills `ratioToBaseline` of every summary that names a baseline, from the summary of that
 * baseline in the same scenario; a baseline that produced no figure gives null.
 */
export function withBaselineRatios(summaries: readonly TargetSummary[]): TargetSummary[] {
  const byKey = new Map(summaries.map((summary) => [summary.key, summary]));
  return summaries.map((summary) => {
    if (summary.baseline === null) return summary;
    const baseline = byKey.get(summary.baseline.key);
    return {
      ...summary,
      ratioToBaseline: rateRatio(summary.rate, baseline?.rate ?? null),
      cpuRatioToBaseline: rateRatio(serverCpu(summary.cpuPerSuccess), serverCpu(baseline?.cpuPerSuccess ?? null)),
    };
  });
}

/** The server's CPU per success, all threads together; null when not measured. */
function serverCpu(cpu: CpuPerSuccess | null): number | null {
  return cpu === null ? null : cpu.eventLoopMs + cpu.otherThreadsMs;
}
