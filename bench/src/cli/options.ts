import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SCENARIO_IDS } from '../scenarios/scenarios.js';
import type { ScenarioId } from '../scenarios/scenarios.js';
import type { SeedSize } from '../run-bench.js';
import { DEFAULT_POSTGRES_ADMIN_URL } from '../targets/postgres-database.js';
import type { TargetName } from '../targets/target.js';

export interface CliOptions {
  readonly rounds: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly connections: number;
  readonly flowConcurrency: number;
  readonly scenarios: readonly ScenarioId[];
  readonly targets: readonly TargetName[];
  readonly cryptoSeconds: number;
  /** Latchkey on PostgreSQL instead of SQLite (`--postgres`). */
  readonly database: 'sqlite' | 'postgres';
  readonly postgresAdminUrl: string;
  /** Worker counts run beside Latchkey's single process (`--workers 2`); empty: none. */
  readonly workers: readonly number[];
  /** The seeded-database comparison (`--seeded`) and its size; undefined: not run. */
  readonly seed: SeedSize | undefined;
  /** Where results go; undefined means bench/results. */
  readonly outDir: string | undefined;
  /** Absolute folder for the Latchkey servers' V8 CPU profiles (`--cpu-prof`); undefined: not profiled. */
  readonly cpuProfileDir: string | undefined;
  readonly help: boolean;
}

export const USAGE = `Usage: npm run bench -- [options]

  --rounds <n>            rounds per server, alternating who goes first (default 3)
  --duration <s>          measured seconds per scenario and round (default 10)
  --warmup <s>            unmeasured seconds before each measurement (default 1)
  --connections <n>       autocannon connections (default 32)
  --flow-concurrency <n>  concurrent users in the sign-in flow scenario (default 8)
  --only <list>           comma-separated scenarios, by name or number 1-7:
                          1 discovery,jwks  2 client-credentials  3 authorization-code
                          4 refresh-token  5 userinfo  6 authorize-session  7 sign-in-flow
  --targets <list>        latchkey,node-oidc-provider (default both)
  --crypto-seconds <s>    seconds per signing / argon2id measurement, in every round (default 2)
  --postgres              run Latchkey on PostgreSQL: a new database per server start,
                          created and dropped through --postgres-url
  --postgres-url <url>    (default ${DEFAULT_POSTGRES_ADMIN_URL})
  --workers <list>        also run Latchkey as \`latchkey serve --workers N\` for each N > 1
                          given (e.g. 2), beside the single process
  --seeded                also run Latchkey on a bulk-seeded SQLite database, beside the empty
                          one; the scenarios default to 2-6 and the targets to latchkey
  --seed-users <n>        users in the seeded database (default 1000000)
  --seed-clients <n>      clients in the seeded database (default 10000)
  --seed-refresh-tokens <n>  live refresh tokens in the seeded database (default 1000000)
  --out <dir>             results folder (default bench/results)
  --cpu-prof <dir>        run every Latchkey server under node --cpu-prof, its profiles in
                          <dir>/<scenario>-<server>-round<n>/ (Latchkey only: node-oidc-provider
                          is not profiled); the profiler slows the server, so rates are lower
  -h, --help              this text
`;

/** Scenario numbers as the benchmark's description numbers them. */
const BY_NUMBER: Readonly<Record<string, readonly ScenarioId[]>> = {
  '1': ['discovery', 'jwks'],
  '2': ['client-credentials'],
  '3': ['authorization-code'],
  '4': ['refresh-token'],
  '5': ['userinfo'],
  '6': ['authorize-session'],
  '7': ['sign-in-flow'],
};

const TARGET_NAMES: readonly TargetName[] = ['latchkey', 'node-oidc-provider'];

export function parseOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      rounds: { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      'flow-concurrency': { type: 'string' },
      only: { type: 'string' },
      targets: { type: 'string' },
      'crypto-seconds': { type: 'string' },
      out: { type: 'string' },
      'cpu-prof': { type: 'string' },
      postgres: { type: 'boolean' },
      'postgres-url': { type: 'string' },
      workers: { type: 'string' },
      seeded: { type: 'boolean' },
      'seed-users': { type: 'string' },
      'seed-clients': { type: 'string' },
      'seed-refresh-tokens': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const seeded = values.seeded ?? false;
  if (seeded && values.postgres) throw new Error('--seeded runs on SQLite only (the bulk seed writes SQLite files): leave out --postgres');
  for (const flag of ['seed-users', 'seed-clients', 'seed-refresh-tokens'] as const) {
    if (values[flag] !== undefined && !seeded) throw new Error(`--${flag} sizes the seeded database: add --seeded`);
  }
  if (values['postgres-url'] !== undefined && !values.postgres) throw new Error('--postgres-url is for --postgres');
  const targets = values.targets === undefined ? (seeded ? ['latchkey' as const] : TARGET_NAMES) : targetList(values.targets);
  if (seeded && !targets.includes('latchkey')) throw new Error('--seeded compares Latchkey with itself: --targets must include latchkey');
  if (values.workers !== undefined && !targets.includes('latchkey')) throw new Error('--workers is for Latchkey: --targets must include latchkey');
  if (values['cpu-prof'] !== undefined && !targets.includes('latchkey')) throw new Error('--cpu-prof profiles Latchkey: --targets must include latchkey');
  if (values['cpu-prof'] === '') throw new Error('--cpu-prof needs a folder');
  return {
    rounds: number('--rounds', values.rounds, 3, { integer: true, min: 1 }),
    durationSeconds: number('--duration', values.duration, 10, { min: 0.5 }),
    warmupSeconds: number('--warmup', values.warmup, 1, { min: 0 }),
    connections: number('--connections', values.connections, 32, { integer: true, min: 1 }),
    flowConcurrency: number('--flow-concurrency', values['flow-concurrency'], 8, { integer: true, min: 1 }),
    scenarios: values.only !== undefined ? scenarioList(values.only) : seeded ? scenarioList('2,3,4,5,6') : SCENARIO_IDS,
    targets,
    cryptoSeconds: number('--crypto-seconds', values['crypto-seconds'], 2, { min: 0.1 }),
    database: values.postgres ? 'postgres' : 'sqlite',
    postgresAdminUrl: values['postgres-url'] ?? DEFAULT_POSTGRES_ADMIN_URL,
    workers: values.workers === undefined ? [] : workerList(values.workers),
    seed: seeded
      ? {
          users: number('--seed-users', values['seed-users'], 1_000_000, { integer: true, min: 1 }),
          clients: number('--seed-clients', values['seed-clients'], 10_000, { integer: true, min: 1 }),
          refreshTokens: number('--seed-refresh-tokens', values['seed-refresh-tokens'], 1_000_000, { integer: true, min: 0 }),
        }
      : undefined,
    outDir: values.out,
    // Absolute: each server runs in the bench's temporary folder, and node resolves --cpu-prof-dir there.
    cpuProfileDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
    help: values.help ?? false,
  };
}

function number(flag: string, text: string | undefined, fallback: number, rule: { integer?: boolean; min: number }): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < rule.min || (rule.integer && !Number.isInteger(value))) {
    throw new Error(`${flag} must be ${rule.integer ? 'an integer' : 'a number'} ≥ ${rule.min}, not ${JSON.stringify(text)}`);
  }
  return value;
}

function scenarioList(text: string): ScenarioId[] {
  const chosen = new Set<ScenarioId>();
  for (const item of text.split(',').map((part) => part.trim()).filter(Boolean)) {
    const byNumber = BY_NUMBER[item];
    if (byNumber) byNumber.forEach((id) => chosen.add(id));
    else if ((SCENARIO_IDS as readonly string[]).includes(item)) chosen.add(item as ScenarioId);
    else throw new Error(`unknown scenario ${JSON.stringify(item)}; known: ${SCENARIO_IDS.join(', ')} or 1-7`);
  }
  if (chosen.size === 0) throw new Error('--only names no scenario');
  return SCENARIO_IDS.filter((id) => chosen.has(id));
}

function targetList(text: string): TargetName[] {
  const names = text.split(',').map((part) => part.trim()).filter(Boolean);
  for (const name of names) {
    if (!(TARGET_NAMES as readonly string[]).includes(name)) throw new Error(`unknown target ${JSON.stringify(name)}; known: ${TARGET_NAMES.join(', ')}`);
  }
  if (names.length === 0) throw new Error('--targets names no server');
  return TARGET_NAMES.filter((name) => names.includes(name));
}

/** `--workers 2` or `--workers 2,4`: counts of `latchkey serve --workers N`, each beside the single process. */
function workerList(text: string): number[] {
  const counts = text.split(',').map((part) => part.trim()).filter(Boolean).map((part) => number('--workers', part, 1, { integer: true, min: 1 }));
  if (counts.length === 0) throw new Error('--workers names no worker count');
  if (counts.every((n) => n === 1)) throw new Error('--workers compares N > 1 workers with the single process, which always runs: give N ≥ 2');
  return [...new Set(counts.filter((n) => n > 1))].sort((a, b) => a - b);
}
