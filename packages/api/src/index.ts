export { authenticateRequest } from './core/authenticate-request.js';
export {
  BearerError,
  InsufficientScopeError,
  InvalidRequestError,
  InvalidTokenError,
  IssuerUnavailableError,
  MissingTokenError,
} from './core/errors.js';
export type { BearerErrorCode } from './core/errors.js';
export { extractBearerToken } from './core/extract-bearer-token.js';
export type { BearerRequest } from './core/extract-bearer-token.js';
export { claimEqualsGuard, claimGuard, permissionsGuard, scopesGuard } from './core/guards.js';
export type { Guard } from './core/guards.js';
export { ASYMMETRIC_ALGORITHMS } from './core/options.js';
export type { AccessTokenType, AccessTokenVerifierOptions, AsymmetricAlgorithm } from './core/options.js';
export { REALM, renderBearerError } from './core/render-error.js';
export type { BearerErrorResponse } from './core/render-error.js';
export { createAccessTokenVerifier } from './core/verify-access-token.js';
export type { AccessTokenPayload, AccessTokenVerifier, VerifiedAccessToken } from './core/verify-access-token.js';
