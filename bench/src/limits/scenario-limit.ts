import type { Scenario } from '../scenarios/scenarios.js';
import type { CryptoLimits } from './crypto-limits.js';

export interface ScenarioLimit {
  /** Requests (or flows) per second no server can exceed on this machine. */
  readonly rate: number;
  /** What bounds it, for the reader. */
  readonly basis: string;
}

/**
 * The ceiling of a scenario on this machine: the bare node:http rate (divided by the HTTP
 * requests per flow), or the cryptography it needs from libuv's thread pool (k RS256 signatures
 * and argon2id checks per request, at the measured parallel rates), whichever is lower.
 */
export function scenarioLimit(scenario: Scenario, bareRate: number, crypto: CryptoLimits): ScenarioLimit {
  const http: ScenarioLimit = {
    rate: bareRate / scenario.httpRequests,
    basis: scenario.httpRequests === 1 ? 'bare node:http' : `bare node:http ÷ ${scenario.httpRequests} requests`,
  };
  let poolSeconds = 0;
  const parts: string[] = [];
  if (scenario.signatures > 0) {
    poolSeconds += scenario.signatures / crypto.signing.RS256.parallel;
    parts.push(`${scenario.signatures} × RS256`);
  }
  if (scenario.passwordChecks > 0) {
    poolSeconds += scenario.passwordChecks / crypto.argon2id.parallel;
    parts.push(`${scenario.passwordChecks} × argon2id`);
  }
  if (poolSeconds === 0) return http;
  const cryptoLimit: ScenarioLimit = { rate: 1 / poolSeconds, basis: parts.join(' + ') };
  return cryptoLimit.rate < http.rate ? cryptoLimit : http;
}
