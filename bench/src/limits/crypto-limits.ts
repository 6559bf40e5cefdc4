import { runChild } from '../process/run-child.js';
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
