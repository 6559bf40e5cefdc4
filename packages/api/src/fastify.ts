/**
 * Fastify 5 adapter: the `latchkeyAuth` plugin verifies the bearer token of every request in the
 * scope it is registered in and sets `request.auth`; `requiredScopes()`, `requiredPermissions()`,
 * `claimCheck()` and `claimEquals()` are hooks for single routes (`preHandler` or `onRequest`).
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authenticateRequest } from './core/authenticate-request.js';
import { BearerError, MissingTokenError } from './core/errors.js';
import { claimEqualsGuard, claimGuard, permissionsGuard, scopesGuard } from './core/guards.js';
import type { Guard } from './core/guards.js';
import type { AccessTokenVerifierOptions } from './core/options.js';
import { renderBearerError } from './core/render-error.js';
import { createAccessTokenVerifier } from './core/verify-access-token.js';
import type { AccessTokenPayload, VerifiedAccessToken } from './core/verify-access-token.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access token, set by the `latchkeyAuth` plugin; `null` before or without it. */
    auth: VerifiedAccessToken | null;
  }
}

export interface LatchkeyAuthOptions extends AccessTokenVerifierOptions {
  /**
   * Default `true`: a request without a token is refused with 401. When `false` it goes on with
   * `request.auth` null; a token that is present must still be valid.
   */
  authRequired?: boolean;
}

/** A hook usable as a route's `preHandler` or `onRequest`. */
export type GuardHook = (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined>;

function refuse(reply: FastifyReply, error: BearerError): FastifyReply {
  const { status, headers, body } = renderBearerError(error);
  return reply.code(status).headers(headers).send(body);
}

const plugin: FastifyPluginAsync<LatchkeyAuthOptions> = async (app, options) => {
  const verifier = createAccessTokenVerifier(options);
  const authRequired = options.authRequired ?? true;

  if (!app.hasRequestDecorator('auth')) app.decorateRequest('auth', null);

  app.addHook('onRequest', async (request, reply) => {
    let result: VerifiedAccessToken | undefined;
    try {
      result = await authenticateRequest(
        verifier,
        { authorization: request.raw.headersDistinct.authorization, url: request.url },
        authRequired,
      );
    } catch (error) {
      // Anything else is rethrown to Fastify's error handler, which answers 500 without details.
      if (error instanceof BearerError) return refuse(reply, error);
      throw error;
    }
    request.auth = result ?? null;
    return undefined;
  });
};

/**
 * Verifies the `Authorization: Bearer` access token of every request in the registering scope.
 * Register it inside an encapsulated plugin to protect only the routes there.
 */
export const latchkeyAuth = fp(plugin, { fastify: '5.x', name: '@latchkey/api' });

function guard(check: Guard): GuardHook {
  return async (request, reply) => {
    // A guard without a verified token (no plugin in scope, or `authRequired: false`) refuses.
    if (!request.auth) return refuse(reply, new MissingTokenError());
    try {
      check(request.auth.payload);
    } catch (error) {
      if (error instanceof BearerError) return refuse(reply, error);
      throw error;
    }
    return undefined;
  };
}

/** 403 `insufficient_scope` unless the token's `scope` claim has every one of `scopes`. */
export function requiredScopes(...scopes: string[]): GuardHook {
  return guard(scopesGuard(scopes));
}

/** 403 `insufficient_scope` unless the token's `permissions` claim has every one of `permissions`. */
export function requiredPermissions(...permissions: string[]): GuardHook {
  return guard(permissionsGuard(permissions));
}

/** 403 `insufficient_scope` unless `predicate(payload)` returns `true`. */
export function claimCheck(
  predicate: (payload: AccessTokenPayload) => boolean,
  description?: string,
): GuardHook {
  return guard(claimGuard(predicate, description));
}

/** 403 `insufficient_scope` unless claim `name` equals `value` (or, for an array claim, contains it). */
export function claimEquals(name: string, value: string | number | boolean): GuardHook {
  return guard(claimEqualsGuard(name, value));
}

export type { AccessTokenPayload, VerifiedAccessToken } from './core/verify-access-token.js';
