import { timingSafeEqual } from 'node:crypto';
import * as oidc from 'openid-client';
import type { RequestCookies, ResponseCookies } from './cookies.js';
import {
  AuthorizationError,
  CallbackValidationError,
  MissingTransactionError,
  StateMismatchError,
  describe,
} from './errors.js';
import { absoluteOnOrigin, sameOriginPath } from './return-to.js';
import type { Session } from './session/session.js';
import { sessionDataFrom } from './tokens.js';
import type { WebAuth } from './web-auth.js';

export interface CallbackRequest {
  readonly method: string;
  /** Request target (path and query). */
  readonly url: string;
  /** The parsed form body of a `response_mode=form_post` callback. */
  readonly body?: unknown;
  readonly cookies: RequestCookies;
}

export interface CallbackResult {
  session: Session;
  returnTo: URL;
}

/**
 * Completes the login: finds the transaction, checks `state`, and lets openid-client validate
 * the rest (the `iss` response parameter of RFC 9207, the code exchange with the PKCE verifier,
 * the ID token's signature, `iss`, `aud`, `exp`, `nonce` and `auth_time`).
 * @see https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowSteps
 */
export async function completeLogin(
  auth: WebAuth,
  request: CallbackRequest,
  response: ResponseCookies,
  previous: Session | undefined,
): Promise<CallbackResult> {
  const { config } = auth;
  const transaction = await auth.transactions.read(request.cookies);
  // Single use, whatever the outcome.
  auth.transactions.clear(response, request.cookies, transaction);
  if (!transaction) {
    throw new MissingTransactionError(
      `No login is in progress: the ${config.transaction.name} cookie is missing or expired ` +
        `(logins must start at the login route and finish within ${config.transaction.maxAge}s)`,
    );
  }

  const params = responseParameters(request);
  const state = params.get('state');
  if (state === null || !constantTimeEqual(state, transaction.state)) {
    throw new StateMismatchError(
      state === null
        ? 'The authorization response has no state parameter'
        : 'The state of the authorization response does not match the login in progress',
    );
  }

  // The redirect URI openid-client sends to the token endpoint is this URL without its query,
  // so it is built from the configuration, never from the Host header.
  const currentUrl = new URL(config.redirectUri);
  for (const [name, value] of params) currentUrl.searchParams.append(name, value);

  const configuration = await auth.client.configuration();
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: transaction.code_verifier,
      expectedState: transaction.state,
      expectedNonce: transaction.nonce,
      idTokenExpected: true,
      ...(transaction.max_age === undefined ? {} : { maxAge: transaction.max_age }),
    });
  } catch (error) {
    if (error instanceof oidc.AuthorizationResponseError) {
      throw new AuthorizationError(error.error, error.error_description, { cause: error });
    }
    throw new CallbackValidationError(`The login could not be completed: ${describe(error)}`, {
      cause: error,
    });
  }

  const data = sessionDataFrom(tokens, Math.floor(config.now() / 1000));
  if (!data) throw new CallbackValidationError('The token response has no ID token');
  // A new login always gets a new session (and session id): no session fixation.
  if (previous) await auth.sessions.destroy(response, request.cookies, previous);
  const session = await auth.sessions.save(response, request.cookies, data, undefined);

  const path = sameOriginPath(transaction.returnTo, config.baseURL) ?? config.baseURL.pathname;
  return { session, returnTo: absoluteOnOrigin(path, config.baseURL) };
}

function responseParameters(request: CallbackRequest): URLSearchParams {
  if (request.method === 'POST') {
    if (request.body instanceof URLSearchParams) return request.body;
    const params = new URLSearchParams();
    if (request.body !== null && typeof request.body === 'object') {
      for (const [name, value] of Object.entries(request.body)) {
        // Repeated parameters stay repeated, so openid-client rejects them (RFC 6749 §3.1).
        for (const item of Array.isArray(value) ? value : [value]) {
          if (typeof item === 'string') params.append(name, item);
        }
      }
    }
    return params;
  }
  return new URL(request.url, 'http://localhost').searchParams;
}

function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
