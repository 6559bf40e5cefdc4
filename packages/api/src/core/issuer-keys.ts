import { createRemoteJWKSet } from 'jose';
import { discoverIssuer } from './discover-issuer.js';
import { IssuerUnavailableError } from './errors.js';
import type { ResolvedVerifierOptions } from './options.js';

export interface IssuerKeys {
  /** The exact `iss` value tokens must carry. */
  issuer: string;
  /** The issuer's signing keys, fetched and cached by jose. */
  keys: ReturnType<typeof createRemoteJWKSet>;
}

/** After a failed discovery, requests fail fast for this long before discovery is tried again. */
export const DISCOVERY_RETRY_DELAY = 5_000;

/**
 * Returns a function giving the issuer and its key set, discovering them once on first use.
 *
 * The key set is jose's remote JWKS: cached for `cacheMaxAge`, fetched again when a token names
 * an unknown `kid` (key rotation), but at most once per `cooldownDuration`, so a flood of tokens
 * with made-up `kid`s cannot make the API hammer the issuer. Concurrent discoveries share one
 * request, and a failed one is not retried for `DISCOVERY_RETRY_DELAY` for the same reason.
 */
export function createIssuerKeys(options: ResolvedVerifierOptions): () => Promise<IssuerKeys> {
  const remoteOptions = {
    cooldownDuration: options.cooldownDuration,
    cacheMaxAge: options.cacheMaxAge,
    timeoutDuration: options.timeoutDuration,
  };
  const { source } = options;

  if (source.kind === 'static') {
    const resolved: IssuerKeys = { issuer: source.issuer, keys: createRemoteJWKSet(source.jwksUri, remoteOptions) };
    return async () => resolved;
  }

  let resolved: IssuerKeys | undefined;
  let pending: Promise<IssuerKeys> | undefined;
  let lastFailure: { at: number; error: IssuerUnavailableError } | undefined;

  return async () => {
    if (resolved) return resolved;
    const now = options.clock().getTime();
    if (lastFailure && now < lastFailure.at + DISCOVERY_RETRY_DELAY) throw lastFailure.error;
    pending ??= discoverIssuer(source.discoveryUrl, source.acceptedIssuers, options.timeoutDuration)
      .then(({ issuer, jwksUri }) => {
        resolved = { issuer, keys: createRemoteJWKSet(jwksUri, remoteOptions) };
        lastFailure = undefined;
        return resolved;
      })
      .catch((error: unknown) => {
        const failure =
          error instanceof IssuerUnavailableError
            ? error
            : new IssuerUnavailableError("The authorization server's metadata could not be retrieved", { cause: error });
        lastFailure = { at: options.clock().getTime(), error: failure };
        throw failure;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}
