import { MissingTokenError } from './errors.js';
import { extractBearerToken } from './extract-bearer-token.js';
import type { BearerRequest } from './extract-bearer-token.js';
import type { AccessTokenVerifier, VerifiedAccessToken } from './verify-access-token.js';

/**
 * The whole check an adapter runs per request: find the bearer token, then verify it.
 * Resolves to `undefined` only when the request has no token and `authRequired` is false.
 * @throws {BearerError} for every refusal, ready for `renderBearerError`.
 */
export async function authenticateRequest(
  verifier: AccessTokenVerifier,
  request: BearerRequest,
  authRequired: boolean,
): Promise<VerifiedAccessToken | undefined> {
  const token = extractBearerToken(request);
  if (token === undefined) {
    if (authRequired) throw new MissingTokenError();
    return undefined;
  }
  return verifier.verify(token);
}
