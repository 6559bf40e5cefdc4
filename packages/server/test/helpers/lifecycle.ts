import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, pkcePair } from './browser.js';
import { basicAuth, postToken, type TokenCall } from './flows.js';
import { ALICE, API, PUBLIC_APP, testTenant, WEB_APP } from './test-server.js';

/** A machine-to-machine client with a client grant for the test API. */
export const M2M = { client_id: 'm2m', client_secret: 'm2m-secret-at-least-32-characters-long' } as const;
/** A machine-to-machine client without any client grant. */
export const M2M_NO_GRANT = { client_id: 'm2m-nogrant', client_secret: 'm2m-nogrant-secret-at-least-32-chars!' } as const;
/** A first-party web app that may not use refresh tokens. */
export const NO_REFRESH_APP = {
  client_id: 'no-refresh',
  client_secret: 'no-refresh-secret-at-least-32-chars!!',
  callback: 'http://127.0.0.1:3001/callback',
} as const;
/** An API that does not allow offline access (no refresh tokens for it). */
export const ONLINE_API = 'https://online-only.example.test/';

/**
 * The test tenant, with what the token lifecycle needs: machine-to-machine clients and their
 * grants, a client without the refresh_token grant, and an API without offline access. `app1`
 * may be given Auth0's refresh_token settings and a backchannel_logout_uri.
 */
export function lifecycleTenant(options: { refreshToken?: Record<string, unknown>; backchannelLogoutUri?: string } = {}) {
  const tenant = testTenant();
  const clients: Record<string, unknown>[] = tenant.clients.map((client) =>
    client.client_id === WEB_APP.client_id
      ? {
          ...client,
          ...(options.refreshToken && { refresh_token: options.refreshToken }),
          ...(options.backchannelLogoutUri && { backchannel_logout_uri: options.backchannelLogoutUri }),
        }
      : client,
  );
  clients.push(
    { client_id: M2M.client_id, client_secret: M2M.client_secret, name: 'Worker', app_type: 'non_interactive' },
    { client_id: M2M_NO_GRANT.client_id, client_secret: M2M_NO_GRANT.client_secret, name: 'Other worker', app_type: 'non_interactive' },
    {
      client_id: NO_REFRESH_APP.client_id,
      client_secret: NO_REFRESH_APP.client_secret,
      name: 'No refresh',
      callbacks: [NO_REFRESH_APP.callback],
      grant_types: ['authorization_code'],
    },
  );
  return {
    ...tenant,
    clients,
    resourceServers: [
      ...tenant.resourceServers,
      { identifier: ONLINE_API, name: 'Online API', scopes: [{ value: 'read:stuff', description: 'Read' }], allow_offline_access: false },
    ],
    clientGrants: [{ client_id: M2M.client_id, audience: API, scope: ['read:messages', 'write:messages'] }],
  };
}

export const webAppAuth = () => basicAuth(WEB_APP.client_id, WEB_APP.client_secret);
export const m2mAuth = () => basicAuth(M2M.client_id, M2M.client_secret);

export interface SignedIn {
  tokens: Record<string, unknown>;
  browser: Browser;
  accessToken: string;
  refreshToken: string | undefined;
  idToken: string | undefined;
}

/**
 * Signs alice in to a client through the pages and redeems the code: the tokens of a fresh grant.
 * Defaults: app1, `openid profile offline_access read:messages` for the test API.
 */
export async function signInForTokens(
  server: RunningLatchkey,
  options: {
    scope?: string;
    audience?: string | null;
    client?: { client_id: string; client_secret?: string; callback: string };
    browser?: Browser;
  } = {},
): Promise<SignedIn> {
  const client = options.client ?? WEB_APP;
  const { verifier, challenge } = pkcePair();
  const audience = options.audience === undefined ? API : options.audience;
  const browser = options.browser ?? new Browser();
  const response = await authorizeInBrowser(
    browser,
    server.issuer,
    {
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: client.callback,
      scope: options.scope ?? 'openid profile offline_access read:messages',
      state: 'st',
      nonce: 'n-0S6_WzA2Mj',
      code_challenge: challenge,
      code_challenge_method: 'S256',
      ...(audience !== null && { audience }),
    },
    ALICE,
  );
  const code = response.location ? new URL(response.location).searchParams.get('code') : null;
  if (!code) throw new Error(`no code: ${response.status} ${response.location ?? response.text.slice(0, 300)}`);
  const form: Record<string, string> = { grant_type: 'authorization_code', code, redirect_uri: client.callback, code_verifier: verifier };
  const call = client.client_secret === undefined
    ? await postToken(server, { ...form, client_id: client.client_id })
    : await postToken(server, form, { authorization: basicAuth(client.client_id, client.client_secret) });
  if (call.status !== 200) throw new Error(`code redemption failed: ${call.status} ${JSON.stringify(call.body)}`);
  return {
    tokens: call.body,
    browser,
    accessToken: call.body.access_token as string,
    refreshToken: call.body.refresh_token as string | undefined,
    idToken: call.body.id_token as string | undefined,
  };
}

export const SPA = { client_id: PUBLIC_APP.client_id, callback: PUBLIC_APP.callback } as const;

/** grant_type=refresh_token for app1 (Basic), or for a public client by client_id. */
export function refresh(server: RunningLatchkey, refreshToken: string, extra: Record<string, string> = {}, clientId?: string): Promise<TokenCall> {
  const form = { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra };
  return clientId === undefined
    ? postToken(server, form, { authorization: webAppAuth() })
    : postToken(server, { ...form, client_id: clientId });
}

/** POSTs a form to one of the token-like endpoints (revoke, introspect) and reads the JSON answer, if any. */
export async function postForm(server: RunningLatchkey, path: string, form: Record<string, string>, authorization?: string) {
  const response = await fetch(`${server.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization && { authorization }) },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

export const introspect = (server: RunningLatchkey, token: string, authorization = webAppAuth(), extra: Record<string, string> = {}) =>
  postForm(server, 'oauth/introspect', { token, ...extra }, authorization);

export const revoke = (server: RunningLatchkey, token: string, authorization = webAppAuth(), extra: Record<string, string> = {}) =>
  postForm(server, 'oauth/revoke', { token, ...extra }, authorization);
