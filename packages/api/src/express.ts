/**
 * Express 5 adapter: `auth()` verifies the bearer token and sets `req.auth`; `requiredScopes()`,
 * `requiredPermissions()`, `claimCheck()` and `claimEquals()` guard single routes. Refusals are
 * answered right here (status, `WWW-Authenticate`, JSON body); anything unexpected goes to
 * `next(error)`.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { authenticateRequest } from './core/authenticate-request.js';
import { BearerError, MissingTokenError } from './core/errors.js';
import { claimEqualsGuard, claimGuard, permissionsGuard, scopesGuard } from './core/guards.js';
import type { Guard } from './core/guards.js';
import type { AccessTokenVerifierOptions } from './core/options.js';
import { renderBearerError } from './core/render-error.js';
import { createAccessTokenVerifier } from './core/verify-access-token.js';
import type { AccessTokenPayload, VerifiedAccessToken } from './core/verify-access-token.js';

declare global {
  // Express types its request through this global namespace; augmenting it is the documented way.
  namespace Express {
    interface Request {
      /** The verified access token, set by `auth()`. */
      auth?: VerifiedAccessToken;
    }
  }
}

export interface AuthOptions extends AccessTokenVerifierOptions {
  /**
   * Default `true`: a request without a token is refused with 401. When `false` it goes on with
   * `req.auth` unset; a token that is present must still be valid.
   */
  authRequired?: boolean;
}

function refuse(res: Response, error: BearerError): void {
  const { status, headers, body } = renderBearerError(error);
  res.status(status).set(headers).json(body);
}

/** Middleware that verifies the `Authorization: Bearer` access token and sets `req.auth`. */
export function auth(options: AuthOptions): RequestHandler {
  const verifier = createAccessTokenVerifier(options);
  const authRequired = options.authRequired ?? true;

  return async (req: Request, res: Response, next: NextFunction) => {
    let result: VerifiedAccessToken | undefined;
    try {
      result = await authenticateRequest(
        verifier,
        { authorization: req.headersDistinct.authorization, url: req.originalUrl },
        authRequired,
      );
    } catch (error) {
      if (error instanceof BearerError) return refuse(res, error);
      return next(error);
    }
    if (result) req.auth = result;
    next();
  };
}

function guard(check: Guard): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    // A guard without a verified token (no `auth()` before it, or `authRequired: false`) refuses.
    if (!req.auth) return refuse(res, new MissingTokenError());
    try {
      check(req.auth.payload);
    } catch (error) {
      if (error instanceof BearerError) return refuse(res, error);
      return next(error);
    }
    next();
  };
}

/** 403 `insufficient_scope` unless the token's `scope` claim has every one of `scopes`. */
export function requiredScopes(...scopes: string[]): RequestHandler {
  return guard(scopesGuard(scopes));
}

/** 403 `insufficient_scope` unless the token's `permissions` claim has every one of `permissions`. */
export function requiredPermissions(...permissions: string[]): RequestHandler {
  return guard(permissionsGuard(permissions));
}

/** 403 `insufficient_scope` unless `predicate(payload)` returns `true`. */
export function claimCheck(
  predicate: (payload: AccessTokenPayload) => boolean,
  description?: string,
): RequestHandler {
  return guard(claimGuard(predicate, description));
}

/** 403 `insufficient_scope` unless claim `name` equals `value` (or, for an array claim, contains it). */
export function claimEquals(name: string, value: string | number | boolean): RequestHandler {
  return guard(claimEqualsGuard(name, value));
}

export type { AccessTokenPayload, VerifiedAccessToken } from './core/verify-access-token.js';
