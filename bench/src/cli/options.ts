import { parseArgs } from 'node:util';
import { SCENARIO_IDS } from '../scenarios/scenarios.js';
import type { ScenarioId } from '../scenarios/scenarios.js';
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
  /** Where results go; undefined means bench/results. */
  readonly outDir: string | undefined;
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
  --crypto-seconds <s>    seconds per signing / argon2id measurement (default 2)
  --out <dir>             results folder (default bench/results)
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
      postgres: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.postgres) throw new Error('--postgres is not available yet: Latchkey is benchmarked on SQLite');
  return {
    rounds: number('--rounds', values.rounds, 3, { integer: true, min: 1 }),
    durationSeconds: number('--duration', values.duration, 10, { min: 0.5 }),
    warmupSeconds: number('--warmup', values.warmup, 1, { min: 0 }),
    connections: number('--connections', values.connections, 32, { integer: true, min: 1 }),
    flowConcurrency: number('--flow-concurrency', values['flow-concurrency'], 8, { integer: true, min: 1 }),
    scenarios: values.only === undefined ? SCENARIO_IDS : scenarioList(values.only),
    targets: values.targets === undefined ? TARGET_NAMES : targetList(values.targets),
    cryptoSeconds: number('--crypto-seconds', values['crypto-seconds'], 2, { min: 0.1 }),
    outDir: values.out,
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
