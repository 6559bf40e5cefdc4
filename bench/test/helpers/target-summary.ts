import type { TargetSummary } from '../../src/report/report.js';

/** A Latchkey summary with no figures, but the fields given. */
export function targetSummary(fields: Partial<TargetSummary> = {}): TargetSummary {
  return {
    target: 'latchkey',
    key: 'latchkey',
    label: 'Latchkey (SQLite)',
    baseline: null,
    rounds: [],
    rate: null,
    p50: null,
    p99: null,
    failures: 0,
    failuresByKind: {},
    peakRssBytes: null,
    ratioToPeer: null,
    ratioToLimit: null,
    ratioToBaseline: null,
    cpuRatioToBaseline: null,
    exhaustedRounds: 0,
    notes: {},
    cpuPerSuccess: null,
    ...fields,
  };
}
