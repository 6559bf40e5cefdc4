import type { CryptoLimits } from '../limits/crypto-limits.js';
import type { ScenarioLimit } from '../limits/scenario-limit.js';
import type { LoadResult } from '../load/jobs.js';
import type { MachineDescription } from '../machine.js';
import type { ScenarioId } from '../scenarios/scenarios.js';
import type { SeedSummary } from '../seed/bulk-seed.js';
import type { Baseline, TargetName } from '../targets/target.js';

// The shape of bench/results/*.json.

export interface RoundResult {
  readonly round: number;
  readonly result?: LoadResult;
  readonly peakRssBytes?: number;
  /** Why the round produced no figure (the server failed to start or the scenario could not be prepared). */
  readonly error?: string;
}

export interface TargetSummary {
  /** The product. */
  readonly target: TargetName;
  /** The product and its variant (storage, workers), unique within the scenario. */
  readonly key: string;
  readonly label: string;
  /** The variant this one is compared with, if any. */
  readonly baseline: Baseline | null;
  readonly rounds: readonly RoundResult[];
  /** Medians over the rounds that produced a figure; null when none did. */
  readonly rate: number | null;
  readonly p50: number | null;
  readonly p99: number | null;
  /** Failed requests or flows over all rounds, and by kind (HTTP status, `error`, `timeout`). */
  readonly failures: number;
  readonly failuresByKind: Readonly<Record<string, number>>;
  /** The largest resident set of the server over the rounds. */
  readonly peakRssBytes: number | null;
  /** Latchkey's median rate divided by node-oidc-provider's (only on Latchkey's line). */
  readonly ratioToPeer: number | null;
  readonly ratioToLimit: number | null;
  /**
   * This variant's rate divided by its baseline's (e.g. seeded ÷ empty database) in the same
   * round, the median over the rounds (see withBaselineRatios).
   */
  readonly ratioToBaseline: number | null;
  /**
   * Likewise for the server's CPU per success: the cost itself, which the machine's noise moves
   * far less than the rate.
   */
  readonly cpuRatioToBaseline: number | null;
  /** Rounds that ran out of pre-minted codes or tokens before the end. */
  readonly exhaustedRounds: number;
  readonly notes: Readonly<Record<string, number>>;
  /** CPU milliseconds per successful request or flow, medians over the rounds; null without /proc. */
  readonly cpuPerSuccess: CpuPerSuccess | null;
}

/**
 * Where a request's CPU went: the server's event loop, its other threads (signing and argon2id
 * on libuv's pool), and the load generator. Their sum times the rate, against the machine's
 * cores, tells whether a figure is bound by the event loop or by the whole machine.
 */
export interface CpuPerSuccess {
  readonly eventLoopMs: number;
  readonly otherThreadsMs: number;
  readonly loadGeneratorMs: number;
}

export interface ScenarioReport {
  readonly id: ScenarioId;
  readonly title: string;
  readonly unit: 'req/s' | 'flows/s';
  readonly signatures: number;
  readonly passwordChecks: number;
  readonly limit: ScenarioLimit | null;
  readonly targets: readonly TargetSummary[];
}

export interface BenchReport {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineDescription;
  readonly settings: {
    readonly rounds: number;
    readonly durationSeconds: number;
    readonly warmupSeconds: number;
    readonly connections: number;
    readonly flowConcurrency: number;
    readonly latchkeyDatabase: 'sqlite' | 'postgres';
    /** The worker counts Latchkey ran with (`latchkey serve --workers N`; 1 is one process). */
    readonly latchkeyWorkers: readonly number[];
    /** Whether Latchkey ran under node --cpu-prof (`--cpu-prof`), which lowers its rates. */
    readonly latchkeyCpuProfiled: boolean;
    /** The bulk seed of the seeded-database variant, when it ran. */
    readonly seed: SeedSummary | null;
  };
  readonly limits: {
    readonly bare: {
      readonly rate: number | null;
      readonly p50: number | null;
      readonly p99: number | null;
      readonly cpuPerSuccess: CpuPerSuccess | null;
      readonly rounds: readonly RoundResult[];
    };
    /** Medians over the rounds. */
    readonly crypto: CryptoLimits;
    /** Each round's measurement. */
    readonly cryptoRounds: readonly CryptoLimits[];
  };
  readonly scenarios: readonly ScenarioReport[];
}
