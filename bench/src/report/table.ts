import { ratio } from './format.js';
import { checkGoals, formatGoals } from './goals.js';
import type { BenchReport, CpuPerSuccess, TargetSummary } from './report.js';

const MiB = 1024 * 1024;

function integer(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A rate with three significant digits at least (flows/s are small numbers). */
function rate(value: number | null): string {
  if (value === null) return '—';
  return value >= 100 ? integer(value) : value.toFixed(value >= 10 ? 1 : 2);
}

function ms(value: number | null): string {
  if (value === null) return '—';
  if (value === 0) return '<1'; // autocannon's latencies have a 1 ms resolution
  return value >= 100 ? integer(value) : value.toFixed(value >= 10 ? 1 : 2);
}

/** Server CPU per success: event loop + other threads, in ms. */
function cpu(value: CpuPerSuccess | null): string {
  return value === null ? '—' : `${value.eventLoopMs.toFixed(2)}+${value.otherThreadsMs.toFixed(2)}`;
}

function failures(summary: TargetSummary): string {
  if (summary.rate === null) return 'failed';
  if (summary.failures === 0) return '0';
  const kinds = Object.entries(summary.failuresByKind).map(([kind, count]) => `${kind}×${count}`);
  return `${summary.failures} (${kinds.join(' ')})`;
}

/** The machine, settings and limits: the header of the table. */
export function describeRun(report: BenchReport): string[] {
  const { machine, settings, limits } = report;
  const { signing, argon2id } = limits.crypto;
  const perSecond = (t: { sequential: number; parallel: number }) => `${integer(t.sequential)}/s sequential, ${integer(t.parallel)}/s parallel`;
  return [
    `Latchkey benchmark, ${report.startedAt}`,
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 1024 ** 3).toFixed(1)} GiB, Node ${machine.node}, ${machine.os}`,
    `Load: autocannon, ${settings.connections} connections, ${settings.durationSeconds} s after a ${settings.warmupSeconds} s warm-up, ` +
      `${settings.rounds} round${settings.rounds === 1 ? '' : 's'} (medians); sign-in flows by ${settings.flowConcurrency} concurrent users`,
    `Limits: bare node:http ${rate(limits.bare.rate)} req/s (p50 ${ms(limits.bare.p50)} ms, p99 ${ms(limits.bare.p99)} ms, ` +
      `CPU ${cpu(limits.bare.cpuPerSuccess)} ms/req); ` +
      `libuv thread pool ${limits.crypto.threadPoolSize}`,
    `  jose signing, medians of ${limits.cryptoRounds.length} round${limits.cryptoRounds.length === 1 ? '' : 's'}: RS256 ${perSecond(signing.RS256)}; ES256 ${perSecond(signing.ES256)}; EdDSA ${perSecond(signing.EdDSA)}`,
    `  argon2id verify (m=19 MiB, t=2, p=1): ${perSecond(argon2id)}`,
    ...latchkeySetup(report),
  ];
}

/** What the CPU column holds, and what the load generator cost beside it. */
function cpuLegend(report: BenchReport): string[] {
  const loads = report.scenarios.flatMap((s) => s.targets.flatMap((t) => (t.cpuPerSuccess ? [t.cpuPerSuccess.loadGeneratorMs] : [])));
  if (loads.length === 0) return [];
  return [
    '',
    `CPU ms: the server's CPU per success, event loop + other threads (libuv's pool signs and runs argon2id), medians. ` +
      `The load generator took ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} ms per request or flow, on the same ${report.machine.cores} cores.`,
  ];
}

/** Latchkey's storage, the seed and the worker counts, when they differ from one process on empty SQLite. */
function latchkeySetup(report: BenchReport): string[] {
  const { settings } = report;
  const lines: string[] = [];
  if (settings.latchkeyDatabase === 'postgres') lines.push('Latchkey storage: PostgreSQL, a new database per server start');
  if (settings.seed) {
    const { seed } = settings;
    lines.push(
      `Seeded database: ${integer(seed.users)} users, ${integer(seed.clients)} clients, ${integer(seed.refreshTokens)} live refresh tokens ` +
        `(bulk seed in ${seed.seconds.toFixed(1)} s), a fresh copy per server start, beside an empty database`,
    );
  }
  const workers = settings.latchkeyWorkers.filter((n) => n > 1);
  if (workers.length > 0) {
    lines.push(
      `Workers: latchkey serve --workers ${workers.join(', ')} beside one process. The load generator shares the machine's ` +
        `${report.machine.cores} cores with the workers, so a worker count above the cores left to the server cannot scale.`,
    );
  }
  if (settings.latchkeyCpuProfiled) {
    lines.push('Latchkey ran under the V8 CPU profiler (--cpu-prof): its rates are lower than without it, not comparable with other runs');
  }
  return lines;
}

/** The results as a plain-text table, one line per scenario and server. */
export function formatTable(report: BenchReport): string {
  const compared = report.scenarios.some((scenario) => scenario.targets.some((summary) => summary.baseline !== null));
  const header = ['Scenario', 'Server', 'rate', 'p50 ms', 'p99 ms', 'errors', 'vs peer', ...(compared ? ['vs base'] : []), 'vs limit', 'limit', 'peak RSS', 'CPU ms'];
  const rows: string[][] = [];
  for (const scenario of report.scenarios) {
    scenario.targets.forEach((summary, index) => {
      rows.push([
        index === 0 ? scenario.id : '',
        summary.label,
        summary.rate === null ? '—' : `${rate(summary.rate)} ${scenario.unit}`,
        ms(summary.p50),
        ms(summary.p99),
        failures(summary),
        ratio(summary.ratioToPeer),
        ...(compared ? [ratio(summary.ratioToBaseline)] : []),
        ratio(summary.ratioToLimit),
        index === 0 && scenario.limit ? `${rate(scenario.limit.rate)} (${scenario.limit.basis})` : '',
        summary.peakRssBytes === null ? '—' : `${integer(summary.peakRssBytes / MiB)} MiB`,
        cpu(summary.cpuPerSuccess),
      ]);
    });
  }
  const numeric = new Set(compared ? [2, 3, 4, 6, 7, 8, 10, 11] : [2, 3, 4, 6, 7, 9, 10]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, column) => (numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  const lines = [...describeRun(report), '', line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];

  lines.push(...cpuLegend(report), ...comparisons(report), ...formatGoals(checkGoals(report)));

  const notes: string[] = [];
  for (const scenario of report.scenarios) {
    for (const summary of scenario.targets) {
      const errors = summary.rounds.flatMap((r) => (r.error ? [`round ${r.round}: ${r.error.split('\n')[0]}`] : []));
      const samples = [...new Set(summary.rounds.flatMap((r) => r.result?.failures.samples ?? []))].slice(0, 3);
      const extra = Object.entries(summary.notes).map(([name, value]) => `${name} ${value.toFixed(2)}`);
      if (summary.exhaustedRounds > 0) extra.push(`ran out of pre-minted codes/tokens in ${summary.exhaustedRounds} round(s)`);
      if (errors.length + samples.length + extra.length === 0) continue;
      notes.push(`${scenario.id} on ${summary.target}:`);
      for (const text of [...extra, ...errors, ...samples.map((s) => `failure: ${s}`)]) notes.push(`  ${text}`);
    }
  }
  if (notes.length > 0) lines.push('', 'Notes:', ...notes);
  return lines.join('\n');
}

/** One line per variant and scenario: its ratios to its baseline (the Goals lines judge them). */
function comparisons(report: BenchReport): string[] {
  const lines: string[] = [];
  for (const scenario of report.scenarios) {
    for (const summary of scenario.targets) {
      const { baseline } = summary;
      if (baseline === null) continue;
      const base = scenario.targets.find((other) => other.key === baseline.key);
      let line = `  ${scenario.id}: ${baseline.meaning} = ${ratio(summary.ratioToBaseline)} (medians ${rate(summary.rate)} / ${rate(base?.rate ?? null)} ${scenario.unit})`;
      if (summary.cpuRatioToBaseline !== null) line += `; CPU per success ${ratio(summary.cpuRatioToBaseline)}`;
      lines.push(line);
    }
  }
  return lines.length > 0 ? ['', 'vs base (each round against its own baseline, medians over the rounds: the rate, and the server CPU each success cost):', ...lines] : [];
}
