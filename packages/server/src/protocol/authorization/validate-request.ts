import { AuthorizationError, type OAuthErrorCode } from '../errors.js';
import type { AuthorizationRequest, Client, Prompt, ResourceServer, ResponseMode } from '../model.js';
import { MAX_PARAMETER_LENGTH } from '../params.js';
import { isValidCodeChallenge } from '../pkce.js';
import { isValidScopeToken, OIDC_SCOPES, parseScope } from '../scope.js';

export interface AuthorizationLookups {
  findClient(clientId: string): Promise<Client | undefined>;
  findResourceServer(identifier: string): Promise<ResourceServer | undefined>;
}

type Raw = Record<string, unknown>;

/**
 * Validates an authorization request (RFC 6749 §4.1.1, OpenID Connect Core §3.1.2.1–3.1.2.2).
 *
 * Until the client and its redirect_uri are verified, every error is shown on a page and never
 * redirected (RFC 6749 §4.1.2.1, RFC 9700 §4.11); after that, errors go back to the client.
 */
export async function validateAuthorizationRequest(raw: Raw, lookups: AuthorizationLookups): Promise<AuthorizationRequest> {
  const clientId = singleForPage(raw, 'client_id');
  if (!clientId) throw pageError('invalid_request', 'missing client_id');
  const client = await lookups.findClient(clientId);
  if (!client) throw pageError('invalid_request', 'unknown client_id');

  const { redirectUri, given } = verifyRedirectUri(client, singleForPage(raw, 'redirect_uri'));

  // From here on the redirect_uri is the client's own; the response mode decides how errors travel.
  const stateValue = raw.state;
  const state = typeof stateValue === 'string' && stateValue !== '' ? stateValue : undefined;
  const modeValue = raw.response_mode;
  const responseMode: ResponseMode = modeValue === 'form_post' ? 'form_post' : 'query';
  const fail = (error: OAuthErrorCode, description: string) =>
    new AuthorizationError(error, description, { redirectUri, state, responseMode });

  const params = readRemainingParams(raw, fail);

  if (params.response_mode !== undefined && params.response_mode !== 'query' && params.response_mode !== 'form_post') {
    throw fail('invalid_request', 'unsupported response_mode');
  }
  if (params.request !== undefined) throw fail('request_not_supported', 'request objects are not supported');
  if (params.request_uri !== undefined) {
    throw fail('request_uri_not_supported', 'request_uri is not supported');
  }

  const responseType = params.response_type;
  if (responseType === undefined) throw fail('invalid_request', 'missing response_type');
  if (responseType !== 'code' && responseType !== 'id_token') {
    // Implicit and hybrid flows are not offered (RFC 9700 §2.1.2).
    throw fail('unsupported_response_type', 'only response_type=code (and id_token with form_post) is supported');
  }
  if (responseType === 'id_token' && responseMode !== 'form_post') {
    // RFC 9700 §2.1.2: tokens never travel in a URL.
    throw fail('invalid_request', 'response_type=id_token requires response_mode=form_post');
  }
  if (!client.grant_types.includes('authorization_code') && responseType === 'code') {
    throw fail('unauthorized_client', 'the client may not use the authorization code grant');
  }
  if (client.app_type === 'non_interactive') {
    throw fail('unauthorized_client', 'machine-to-machine clients cannot sign users in');
  }

  const requestedScopes = parseScope(params.scope);
  if (requestedScopes.some((s) => !isValidScopeToken(s))) throw fail('invalid_scope', 'malformed scope');

  let resourceServer: ResourceServer | undefined;
  if (params.audience !== undefined) {
    resourceServer = await lookups.findResourceServer(params.audience);
    if (!resourceServer) throw fail('invalid_request', 'unknown audience');
  }
  // Unknown scopes are dropped, not refused (RFC 6749 §3.3): the granted scope is returned with the tokens.
  const known = new Set<string>([...OIDC_SCOPES, ...(resourceServer?.scopes.map((s) => s.value) ?? [])]);
  const scope = requestedScopes.filter((s) => known.has(s));

  if (responseType === 'id_token') {
    if (!scope.includes('openid')) throw fail('invalid_scope', 'response_type=id_token requires the openid scope');
    if (params.nonce === undefined) throw fail('invalid_request', 'response_type=id_token requires a nonce');
  }

  const pkce = validatePkce(client, params, fail);
  const prompt = validatePrompt(params.prompt, fail);
  const maxAge = validateMaxAge(params.max_age, fail);

  return {
    client_id: client.client_id,
    redirect_uri: redirectUri,
    redirect_uri_given: given,
    response_type: responseType,
    response_mode: responseMode,
    scope,
    prompt,
    ...(state !== undefined && { state }),
    ...(params.nonce !== undefined && { nonce: params.nonce }),
    ...pkce,
    ...(maxAge !== undefined && { max_age: maxAge }),
    ...(params.login_hint !== undefined && { login_hint: params.login_hint }),
    ...(params.id_token_hint !== undefined && { id_token_hint: params.id_token_hint }),
    ...(resourceServer && { audience: resourceServer.identifier }),
  };
}

function pageError(error: OAuthErrorCode, description: string): AuthorizationError {
  return new AuthorizationError(error, description);
}

/** A parameter that decides where errors may go: anything odd about it is a page error. */
function singleForPage(raw: Raw, name: string): string | undefined {
  const value = raw[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw pageError('invalid_request', `parameter ${name} is repeated or malformed`);
  if (value.length > MAX_PARAMETER_LENGTH) throw pageError('invalid_request', `parameter ${name} is too long`);
  return value;
}

/**
 * RFC 9700 §4.1.3 and RFC 6749 §3.1.2.3: the redirect_uri must equal a registered one by simple
 * string comparison; it may be left out only when the client registered exactly one.
 */
function verifyRedirectUri(client: Client, redirectUri: string | undefined): { redirectUri: string; given: boolean } {
  if (redirectUri === undefined) {
    if (client.callbacks.length === 1) return { redirectUri: client.callbacks[0]!, given: false };
    throw pageError('invalid_request', 'missing redirect_uri');
  }
  if (!client.callbacks.includes(redirectUri)) throw pageError('invalid_request', 'redirect_uri is not registered for this client');
  return { redirectUri, given: true };
}

function readRemainingParams(
  raw: Raw,
  fail: (error: OAuthErrorCode, description: string) => AuthorizationError,
): Record<string, string | undefined> {
  const params: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(raw)) {
    // RFC 6749 §3.1: request parameters MUST NOT be included more than once.
    if (Array.isArray(value)) throw fail('invalid_request', `parameter ${name.slice(0, 40)} is repeated`);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value !== 'string') throw fail('invalid_request', `parameter ${name.slice(0, 40)} is malformed`);
    if (value.length > MAX_PARAMETER_LENGTH) throw fail('invalid_request', `parameter ${name.slice(0, 40)} is too long`);
    if (value.includes('\u0000')) throw fail('invalid_request', `parameter ${name.slice(0, 40)} contains a NUL character`);
    params[name] = value;
  }
  return params;
}

/**
 * RFC 7636 and RFC 9700 §2.1.1: S256 only (plain is refused); required for public clients, and
 * for confidential ones whenever they send a challenge.
 */
function validatePkce(
  client: Client,
  params: Record<string, string | undefined>,
  fail: (error: OAuthErrorCode, description: string) => AuthorizationError,
): { code_challenge?: string; code_challenge_method?: 'S256' } {
  const challenge = params.code_challenge;
  const method = params.code_challenge_method;
  if (challenge === undefined) {
    if (method !== undefined) throw fail('invalid_request', 'code_challenge_method without code_challenge');
    if (client.token_endpoint_auth_method === 'none') throw fail('invalid_request', 'PKCE is required for public clients');
    return {};
  }
  // Without a method the challenge would be 'plain' (RFC 7636 §4.3), which is not accepted.
  if (method !== 'S256') throw fail('invalid_request', 'code_challenge_method must be S256');
  if (!isValidCodeChallenge(challenge)) throw fail('invalid_request', 'malformed code_challenge');
  return { code_challenge: challenge, code_challenge_method: 'S256' };
}

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);

/** OpenID Connect Core §3.1.2.1: `none` must not be combined with any other value. */
function validatePrompt(
  value: string | undefined,
  fail: (error: OAuthErrorCode, description: string) => AuthorizationError,
): Prompt[] {
  const values = parseScope(value);
  if (values.some((v) => !PROMPTS.has(v))) throw fail('invalid_request', 'unsupported prompt value');
  if (values.includes('none') && values.length > 1) throw fail('invalid_request', 'prompt=none cannot be combined');
  // select_account: one account per session here, so it means signing in again.
  return [...new Set(values.map((v) => (v === 'select_account' ? 'login' : v)))] as Prompt[];
}

function validateMaxAge(
  value: string | undefined,
  fail: (error: OAuthErrorCode, description: string) => AuthorizationError,
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,10}$/.test(value)) throw fail('invalid_request', 'max_age must be a non-negative integer');
  return Number(value);
}
