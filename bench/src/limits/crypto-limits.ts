import { runChild } from '../process/run-child.js';
import { median } from '../report/stats.js';
import type { Throughput } from './throughput.js';

export type SigningAlgorithm = 'RS256' | 'ES256' | 'EdDSA';

export interface CryptoLimitsInput {
  /** Seconds per measurement (each algorithm is measured sequentially and in parallel). */
  readonly seconds: number;
}

export interface CryptoLimits {
  /** JWTs signed per second with jose. */
  readonly signing: Readonly<Record<SigningAlgorithm, Throughput>>;
  /** argon2id verifications per second (Latchkey's parameters). */
  readonly argon2id: Throughput;
  /** libuv's thread pool size, which bounds the parallel figures. */
  readonly threadPoolSize: number;
}

export async function measureCryptoLimits(seconds: number): Promise<CryptoLimits> {
  return runChild<CryptoLimitsInput, CryptoLimits>('limits/limits-main', { seconds });
}

/**
 * The median of each figure over rounds. A shared machine's speed drifts over a run: limits
 * measured once, at the start, would be compared with rates measured minutes later.
 */
export function medianCryptoLimits(rounds: readonly CryptoLimits[]): CryptoLimits {
  if (rounds.length === 0) throw new Error('no crypto limits measured');
  const throughput = (pick: (limits: CryptoLimits) => Throughput): Throughput => ({
    sequential: median(rounds.map((r) => pick(r).sequential)),
    parallel: median(rounds.map((r) => pick(r).parallel)),
  });
  return {
    signing: {
      RS256: throughput((r) => r.signing.RS256),
      ES256: throughput((r) => r.signing.ES256),
      EdDSA: throughput((r) => r.signing.EdDSA),
    },
    argon2id: throughput((r) => r.argon2id),
    threadPoolSize: rounds[0]!.threadPoolSize,
  };
}
