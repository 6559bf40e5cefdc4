import type { ScenarioId } from '../scenarios/scenarios.js';
import { withinTolerance } from './compare.js';
import { ratio } from './format.js';
import type { BenchReport, ScenarioReport, TargetSummary } from './report.js';

/** The goals the benchmark was set, as ratios within one run (absolute figures move between machines). */
export const GOALS = {
  /** Discovery and JWKS: the share of the bare node:http server's rate. */
  wellKnownShareOfBare: 0.6,
  /** The token scenarios: the share of their signing limit. */
  tokenShareOfLimit: 0.8,
  /** Authorization requests with a session: the ratio to node-oidc-provider. */
  authorizeRatioToPeer: 1.5,
  /** p99 latency of scenarios 1–6, at the run's concurrency. */
  p99Ms: 25,
  /** The server's resident set under load, scenarios 1–6 (150 MB, decimal). */
  peakRssBytes: 150_000_000,
} as const;

const WELL_KNOWN: readonly ScenarioId[] = ['discovery', 'jwks'];
const TOKEN: readonly ScenarioId[] = ['client-credentials', 'authorization-code', 'refresh-token'];
/** Scenarios 1–6 of the issue (its first scenario is discovery and JWKS together). */
const UNDER_LOAD: readonly ScenarioId[] = [...WELL_KNOWN, ...TOKEN, 'userinfo', 'authorize-session'];

export interface GoalCheck {
  readonly scenario: ScenarioId;
  /** The goal, in words. */
  readonly goal: string;
  /** The figure measured, formatted; `—` when the run has none. */
  readonly measured: string;
  /** Whether the goal is met; null when the run did not measure the figure. */
  readonly met: boolean | null;
  /**
   * What this run's own measurements say about the distance left, when a goal is missed: the CPU
   * a request may take on the event loop for a token scenario to reach its share, or the mean
   * latency that the concurrency alone implies.
   */
  readonly detail?: string;
}

/**
 * Checks Latchkey's figures of a run against the goals: the one-process server on an empty
 * database for the goals against the machine and the peer, and each variant that has a tolerance
 * (the seeded database) against its baseline.
 */
export function checkGoals(report: BenchReport): GoalCheck[] {
  const checks: GoalCheck[] = [];
  for (const scenario of report.scenarios) {
    const latchkey = scenario.targets.find((summary) => summary.target === 'latchkey' && summary.baseline === null);
    if (latchkey) checks.push(...scenarioGoals(report, scenario, latchkey));
    for (const variant of scenario.targets) {
      if (variant.target === 'latchkey') checks.push(...toleranceGoal(scenario.id, variant));
    }
  }
  return checks;
}

/**
 * A variant with a tolerance (the seeded database) against its baseline: its rate and, when
 * measured, its server CPU per success must both stay within 1 ± tolerance, each taken round by
 * round. A faster variant outside it counts as outside: only the machine's noise does that.
 */
function toleranceGoal(scenario: ScenarioId, variant: TargetSummary): GoalCheck[] {
  const { baseline, ratioToBaseline: rate, cpuRatioToBaseline: cpu } = variant;
  const tolerance = baseline?.tolerance;
  if (baseline === null || tolerance === undefined) return [];
  const within = (value: number) => withinTolerance(value, tolerance);
  return [
    {
      scenario,
      goal: `${baseline.meaning} within ${percent(tolerance)}, rate and CPU per success (each round against its own baseline)`,
      measured: cpu === null ? ratio(rate) : `${ratio(rate)} (CPU per success ${ratio(cpu)})`,
      met: rate === null ? null : within(rate) && (cpu === null || within(cpu)),
    },
  ];
}

function scenarioGoals(report: BenchReport, scenario: ScenarioReport, latchkey: TargetSummary): GoalCheck[] {
  const checks: GoalCheck[] = [];
  const id = scenario.id;
  if (WELL_KNOWN.includes(id)) {
    checks.push(atLeast(id, `rate ≥ ${percent(GOALS.wellKnownShareOfBare)} of the bare node:http server`, latchkey.ratioToLimit, GOALS.wellKnownShareOfBare));
  }
  if (TOKEN.includes(id)) {
    const check = atLeast(id, `rate ≥ ${percent(GOALS.tokenShareOfLimit)} of the signing limit`, latchkey.ratioToLimit, GOALS.tokenShareOfLimit);
    const detail = check.met === false ? eventLoopBudget(report, scenario, latchkey) : undefined;
    checks.push(detail === undefined ? check : { ...check, detail });
  }
  if (id === 'authorize-session') {
    checks.push(atLeast(id, `rate ≥ ${GOALS.authorizeRatioToPeer}× node-oidc-provider`, latchkey.ratioToPeer, GOALS.authorizeRatioToPeer));
  }
  if (UNDER_LOAD.includes(id)) {
    const p99 = latchkey.p99;
    const met = p99 === null ? null : p99 < GOALS.p99Ms;
    const detail = met === false ? concurrencyLatency(report, scenario, latchkey) : undefined;
    checks.push({
      scenario: id,
      goal: `p99 < ${GOALS.p99Ms} ms at ${report.settings.connections} connections`,
      measured: p99 === null ? '—' : `${p99} ms`,
      met,
      ...(detail !== undefined && { detail }),
    });
    const rss = latchkey.peakRssBytes;
    checks.push({
      scenario: id,
      goal: `peak RSS < ${GOALS.peakRssBytes / 1e6} MB`,
      measured: rss === null ? '—' : `${Math.round(rss / 1e6)} MB`,
      met: rss === null ? null : rss < GOALS.peakRssBytes,
    });
  }
  return checks;
}

function atLeast(scenario: ScenarioId, goal: string, value: number | null, threshold: number): GoalCheck {
  return { scenario, goal, measured: ratio(value), met: value === null ? null : value >= threshold };
}

/**
 * The event-loop CPU per request the token goal leaves, from the run's own CPU figures: at the
 * goal's rate the machine's cores give `cores ÷ rate` of CPU per request; the other threads (the
 * signatures on libuv's pool) and the load generator take what they took in the run, and the rest
 * is the event loop's, beside what the bare node:http server takes to answer at all. Undefined when
 * the run read no CPU figures.
 */
function eventLoopBudget(report: BenchReport, scenario: ScenarioReport, latchkey: TargetSummary): string | undefined {
  const cpu = latchkey.cpuPerSuccess;
  if (!scenario.limit || !cpu) return undefined;
  const goalRate = GOALS.tokenShareOfLimit * scenario.limit.rate;
  const perRequestMs = (report.machine.cores * 1000) / goalRate;
  const left = perRequestMs - cpu.otherThreadsMs - cpu.loadGeneratorMs;
  const head =
    `${percent(GOALS.tokenShareOfLimit)} of the limit (${Math.round(goalRate).toLocaleString('en-US')}/s) leaves ${ms(perRequestMs)} of CPU ` +
    `per request on ${report.machine.cores} cores; the other threads took ${ms(cpu.otherThreadsMs)} and the load generator ${ms(cpu.loadGeneratorMs)}`;
  const bare = report.limits.bare.cpuPerSuccess;
  const bareNote = bare ? `; a bare node:http answer alone takes ${ms(bare.eventLoopMs + bare.otherThreadsMs)}` : '';
  return left > 0
    ? `${head}, so the event loop may take ${ms(left)} (it took ${ms(cpu.eventLoopMs)}${bareNote})`
    : `${head}: nothing is left for the event loop`;
}

/**
 * With every connection's request always in flight, the mean latency is connections ÷ rate
 * (Little's law), whatever the server does: at the measured rate, and at the scenario's limit,
 * the best any server can do on this machine.
 */
function concurrencyLatency(report: BenchReport, scenario: ScenarioReport, latchkey: TargetSummary): string | undefined {
  if (latchkey.rate === null || latchkey.rate <= 0) return undefined;
  const { connections } = report.settings;
  const meanMs = (rate: number) => (connections * 1000) / rate;
  let text = `with ${connections} requests always in flight the mean latency is ${connections} ÷ rate (Little's law): ${ms(meanMs(latchkey.rate))} at this rate`;
  if (scenario.limit) {
    const floor = meanMs(scenario.limit.rate);
    text += `, ${ms(floor)} even at the scenario's limit`;
    if (floor >= GOALS.p99Ms) text += `, above the goal on this machine`;
  }
  return text;
}

/** One line per goal, and its detail under it. */
export function formatGoals(checks: readonly GoalCheck[]): string[] {
  if (checks.length === 0) return [];
  const lines = ['', 'Goals (Latchkey, ratios within this run):'];
  const width = Math.max(...checks.map((check) => check.scenario.length));
  for (const check of checks) {
    const verdict = check.met === null ? 'no figure' : check.met ? 'met' : 'MISSED';
    lines.push(`  ${verdict.padEnd(9)}  ${check.scenario.padEnd(width)}  ${check.goal}: ${check.measured}`);
    if (check.detail !== undefined) lines.push(`  ${' '.repeat(9)}  ${' '.repeat(width)}    ${check.detail}`);
  }
  return lines;
}

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

function ms(value: number): string {
  return `${value >= 10 ? value.toFixed(0) : value.toFixed(2)} ms`;
}
