import * as oidc from 'openid-client';
import { resolveAuthorizationParams, type AuthorizationParameters } from './config.js';
import type { ResponseCookies } from './cookies.js';
import { sameOriginPath } from './return-to.js';
import type { Transaction } from './transaction.js';
import type { WebAuth } from './web-auth.js';

export interface LoginOptions {
  /** Same-origin path or URL to land on after the login; others fall back to `baseURL`. */
  returnTo?: string;
  /** Merged over the configured `authorizationParams` for this login only. */
  authorizationParams?: AuthorizationParameters;
}

/**
 * Starts the Authorization Code Flow: a fresh `state`, `nonce` and PKCE verifier go into the
 * transaction cookie, and the browser is sent to the authorization endpoint.
 * @see https://openid.net/specs/openid-connect-core-1_0.html#AuthRequest
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.3
 */
export async function startLogin(
  auth: WebAuth,
  response: ResponseCookies,
  options: LoginOptions = {},
): Promise<URL> {
  const { config } = auth;
  const params = resolveAuthorizationParams(options.authorizationParams ?? {}, config.authorizationParams);
  const configuration = await auth.client.configuration();

  const code_verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();

  const query: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) query[name] = String(value);
  }
  const url = oidc.buildAuthorizationUrl(configuration, {
    ...query,
    client_id: config.clientID,
    redirect_uri: config.redirectUri.href,
    response_type: 'code',
    code_challenge: await oidc.calculatePKCECodeChallenge(code_verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });

  const transaction: Transaction = {
    state,
    nonce,
    code_verifier,
    returnTo: sameOriginPath(options.returnTo, config.baseURL) ?? config.baseURL.pathname,
  };
  if (params.max_age !== undefined) transaction.max_age = Number(params.max_age);
  if (params.response_mode === 'form_post') transaction.response_mode = 'form_post';
  await auth.transactions.write(response, transaction);
  return url;
}
