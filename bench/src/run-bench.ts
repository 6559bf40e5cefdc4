import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFixture } from './fixture.js';
import type { BenchFixture } from './fixture.js';
import { measureCryptoLimits, medianCryptoLimits } from './limits/crypto-limits.js';
import type { CryptoLimits } from './limits/crypto-limits.js';
import { scenarioLimit } from './limits/scenario-limit.js';
import type { LoadResult } from './load/jobs.js';
import { runLoad } from './load/run-load.js';
import { describeMachine } from './machine.js';
import { cpuProfileFolder, missingProfileWarning } from './process/cpu-profile.js';
import { rateRatio, withBaselineRatios } from './report/compare.js';
import { cpuPerSuccess } from './report/cpu-per-success.js';
import type { BenchReport, RoundResult, ScenarioReport, TargetSummary } from './report/report.js';
import { median } from './report/stats.js';
import { SCENARIOS } from './scenarios/scenarios.js';
import { seedLatchkeyDatabase } from './seed/bulk-seed.js';
import type { SeedSummary } from './seed/bulk-seed.js';
import type { Scenario, ScenarioId, ScenarioSettings } from './scenarios/scenarios.js';
import { startBareServer } from './targets/bare-server.js';
import { DEFAULT_POSTGRES_ADMIN_URL } from './targets/postgres-database.js';
import type { RunningTarget, Target, TargetName } from './targets/target.js';
import { benchTargets } from './targets/variants.js';
import type { LatchkeyOptions } from './targets/variants.js';

export interface BenchOptions extends ScenarioSettings {
  readonly rounds: number;
  readonly scenarios: readonly ScenarioId[];
  readonly targets: readonly TargetName[];
  /** Seconds per cryptographic limit measurement. */
  readonly cryptoSeconds: number;
  /** Latchkey's database and the variants compared with it; by default one process on SQLite. */
  readonly latchkey?: Partial<Omit<LatchkeyOptions, 'seedTemplate'>>;
  /** Runs Latchkey on a bulk-seeded SQLite copy beside the empty database (`--seeded`). */
  readonly seed?: SeedSize;
  /**
   * Runs every Latchkey server under node --cpu-prof, its profiles in
   * `<dir>/<scenario>-<server key>-round<n>/` (`--cpu-prof`); node-oidc-provider is not profiled.
   */
  readonly cpuProfileDir?: string;
  /** Progress lines (to stderr by default). */
  readonly log: (line: string) => void;
}

export interface SeedSize {
  readonly users: number;
  readonly clients: number;
  readonly refreshTokens: number;
}

/**
 * Measures the limits, then runs every scenario against a freshly started server of each target,
 * round after round, alternating which target goes first, and summarizes with medians.
 */
export async function runBench(options: BenchOptions): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const workDir = await mkdtemp(join(tmpdir(), 'latchkey-bench-'));
  try {
    const { log } = options;
    const machine = describeMachine();
    const fixture = await createFixture();
    const scenarios = SCENARIOS.filter((scenario) => options.scenarios.includes(scenario.id));
    const database = options.latchkey?.database ?? 'sqlite';
    const workers = [1, ...(options.latchkey?.workers ?? []).filter((n) => n > 1)];
    let seed: SeedSummary | null = null;
    let seedTemplate: string | undefined;
    if (options.seed && options.targets.includes('latchkey')) {
      if (database !== 'sqlite') throw new Error('the seeded comparison runs on SQLite only: the bulk seed writes SQLite files');
      seedTemplate = join(workDir, 'seed-template.db');
      const { users, clients, refreshTokens } = options.seed;
      log(`seeding ${users} users, ${clients} clients, ${refreshTokens} refresh tokens into a template database`);
      seed = await seedLatchkeyDatabase({
        file: seedTemplate,
        ...options.seed,
        secret: randomBytes(24).toString('base64url'),
        log: (line) => log(`  ${line}`),
      });
      log(`  seeded in ${seed.seconds.toFixed(1)} s`);
    }
    const targets = benchTargets(options.targets, {
      database,
      postgresAdminUrl: options.latchkey?.postgresAdminUrl ?? DEFAULT_POSTGRES_ADMIN_URL,
      workers,
      ...(seedTemplate !== undefined && { seedTemplate }),
    });

    const bareRounds: RoundResult[] = [];
    const rounds = new Map<string, RoundResult[]>();
    const key = (scenario: Scenario, target: Target) => `${scenario.id}/${target.key}`;

    const cryptoRounds: CryptoLimits[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      // The limits are measured in every round, beside the servers, and their medians used.
      log(`round ${round}/${options.rounds}: signing and argon2id throughput (${options.cryptoSeconds} s each)`);
      cryptoRounds.push(await measureCryptoLimits(options.cryptoSeconds));
      const crypto = medianCryptoLimits(cryptoRounds);
      log(`round ${round}/${options.rounds}: bare node:http`);
      bareRounds.push(await measureBare(round, options, workDir));
      const bareRate = median(bareRounds.flatMap((r) => (r.result ? [r.result.rate] : [])));
      const order = round % 2 === 1 ? targets : [...targets].reverse();
      for (const scenario of scenarios) {
        const limit = scenarioLimit(scenario, bareRate, crypto);
        for (const target of order) {
          const previous = (rounds.get(key(scenario, target)) ?? []).flatMap((r) => (r.result ? [r.result.rate] : []));
          // Mint for the limit, or for 1.5 × what this server did last round if that is less.
          const expectedRate = previous.length > 0 ? Math.min(limit.rate, 1.5 * Math.max(...previous)) : limit.rate;
          log(`round ${round}/${options.rounds}: ${scenario.id} on ${target.label}`);
          const result = await measureScenario(round, scenario, target, { fixture, workDir, expectedRate, options });
          log(`  ${result.result ? `${result.result.rate.toFixed(1)} ${scenario.unit}, ${result.result.failures.total} failed` : `error: ${firstLine(result.error)}`}`);
          rounds.set(key(scenario, target), [...(rounds.get(key(scenario, target)) ?? []), result]);
        }
      }
    }

    const bareRate = median(bareRounds.flatMap((r) => (r.result ? [r.result.rate] : [])));
    const crypto = medianCryptoLimits(cryptoRounds);
    const scenarioReports: ScenarioReport[] = scenarios.map((scenario) => {
      const limit = Number.isFinite(bareRate) ? scenarioLimit(scenario, bareRate, crypto) : null;
      const summaries = targets.map((target) => summarize(target, rounds.get(key(scenario, target)) ?? [], limit?.rate));
      const peer = summaries.find((s) => s.target === 'node-oidc-provider');
      const withPeer = withBaselineRatios(
        summaries.map((summary) => (summary.target === 'latchkey' ? { ...summary, ratioToPeer: rateRatio(summary.rate, peer?.rate ?? null) } : summary)),
      );
      return {
        id: scenario.id,
        title: scenario.title,
        unit: scenario.unit,
        signatures: scenario.signatures,
        passwordChecks: scenario.passwordChecks,
        limit,
        targets: withPeer,
      };
    });

    return {
      version: 1,
      startedAt,
      finishedAt: new Date().toISOString(),
      machine,
      settings: {
        rounds: options.rounds,
        durationSeconds: options.durationSeconds,
        warmupSeconds: options.warmupSeconds,
        connections: options.connections,
        flowConcurrency: options.flowConcurrency,
        latchkeyDatabase: database,
        latchkeyWorkers: workers,
        latchkeyCpuProfiled: options.cpuProfileDir !== undefined,
        seed,
      },
      limits: {
        bare: {
          rate: finite(bareRate),
          p50: finite(median(bareRounds.flatMap((r) => (r.result ? [r.result.latency.p50] : [])))),
          p99: finite(median(bareRounds.flatMap((r) => (r.result ? [r.result.latency.p99] : [])))),
          cpuPerSuccess: cpuPerSuccess(bareRounds.flatMap((r) => (r.result ? [r.result] : []))),
          rounds: bareRounds,
        },
        crypto,
        cryptoRounds,
      },
      scenarios: scenarioReports,
    };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function measureBare(round: number, settings: ScenarioSettings, workDir: string): Promise<RoundResult> {
  const server = await startBareServer(workDir);
  try {
    const result = await runLoad({
      type: 'autocannon',
      origin: server.origin,
      connections: settings.connections,
      durationSeconds: settings.durationSeconds,
      warmupSeconds: settings.warmupSeconds,
      plan: { kind: 'fixed', method: 'GET', path: '/', headers: {} },
      expect: { type: 'status', status: 200 },
      serverPid: server.pid,
    });
    const peakRssBytes = await server.stop();
    return { round, result, ...(peakRssBytes === undefined ? {} : { peakRssBytes }) };
  } catch (error) {
    await server.stop();
    return { round, error: describeError(error) };
  }
}

interface MeasureContext {
  readonly fixture: BenchFixture;
  readonly workDir: string;
  readonly expectedRate: number;
  readonly options: BenchOptions;
}

async function measureScenario(round: number, scenario: Scenario, target: Target, context: MeasureContext): Promise<RoundResult> {
  const { cpuProfileDir } = context.options;
  const profileFolder = cpuProfileDir !== undefined && target.name === 'latchkey' ? cpuProfileFolder(cpuProfileDir, scenario.id, target.key, round) : undefined;
  let running: RunningTarget;
  try {
    running = await target.start(context.fixture, context.workDir, profileFolder === undefined ? {} : { cpuProfileDir: profileFolder });
  } catch (error) {
    return { round, error: `${target.label} did not start: ${describeError(error)}` };
  }
  const server = { ...running, stop: () => stopAndCheckProfile(running, profileFolder, context.options.log) };
  let result: LoadResult;
  try {
    const job = await scenario.prepare({
      target,
      server,
      fixture: context.fixture,
      settings: context.options,
      expectedRate: context.expectedRate,
    });
    result = await runLoad({ ...job, serverPid: server.pid });
  } catch (error) {
    await server.stop();
    return { round, error: describeError(error) };
  }
  const peakRssBytes = await server.stop();
  return { round, result, ...(peakRssBytes === undefined ? {} : { peakRssBytes }) };
}

/** Stops the server, then says so if it wrote no profile (it was killed, or exited before the profiler wrote). */
async function stopAndCheckProfile(server: RunningTarget, profileFolder: string | undefined, log: (line: string) => void): Promise<number | undefined> {
  const peakRssBytes = await server.stop();
  const warning = profileFolder === undefined ? undefined : await missingProfileWarning(profileFolder);
  if (warning !== undefined) log(`  ${warning}`);
  return peakRssBytes;
}

function summarize(target: Target, rounds: readonly RoundResult[], limit: number | undefined): TargetSummary {
  const results = rounds.flatMap((r) => (r.result ? [r.result] : []));
  const rate = finite(median(results.map((r) => r.rate)));
  const failuresByKind: Record<string, number> = {};
  const add = (kind: string, count: number) => {
    if (count > 0) failuresByKind[kind] = (failuresByKind[kind] ?? 0) + count;
  };
  for (const result of results) {
    for (const [status, count] of Object.entries(result.failures.statuses)) add(status, count);
    add('error', result.failures.errors);
    add('timeout', result.failures.timeouts);
  }
  const noteNames = [...new Set(results.flatMap((r) => Object.keys(r.notes)))];
  const rss = rounds.flatMap((r) => (r.peakRssBytes === undefined ? [] : [r.peakRssBytes]));
  return {
    target: target.name,
    key: target.key,
    label: target.label,
    baseline: target.baseline ?? null,
    rounds,
    rate,
    p50: finite(median(results.map((r) => r.latency.p50))),
    p99: finite(median(results.map((r) => r.latency.p99))),
    failures: results.reduce((sum, r) => sum + r.failures.total, 0),
    failuresByKind,
    peakRssBytes: rss.length > 0 ? Math.max(...rss) : null,
    ratioToPeer: null,
    ratioToLimit: rate !== null && limit ? rate / limit : null,
    ratioToBaseline: null,
    cpuRatioToBaseline: null,
    exhaustedRounds: results.filter((r) => r.exhausted).length,
    notes: Object.fromEntries(noteNames.map((name) => [name, median(results.map((r) => r.notes[name] ?? 0))])),
    cpuPerSuccess: cpuPerSuccess(results),
  };
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0] ?? '';
}
