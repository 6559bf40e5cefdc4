import type { RunningLatchkey } from '../../src/server.js';
import { ALICE, WEB_APP } from './test-server.js';
import { authorizeInBrowser, Browser, pkcePair, type SignInOptions } from './browser.js';

export function basicAuth(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

export interface CodeResult {
  code: string;
  location: URL;
  verifier: string;
  browser: Browser;
}

/** Signs alice in through the pages and returns the authorization code for app1 (with PKCE unless told otherwise). */
export async function obtainCode(
  server: RunningLatchkey,
  options: { params?: Record<string, string>; pkce?: boolean; browser?: Browser; user?: SignInOptions } = {},
): Promise<CodeResult> {
  const { verifier, challenge } = pkcePair();
  const params: Record<string, string> = {
    response_type: 'code',
    client_id: WEB_APP.client_id,
    redirect_uri: WEB_APP.callback,
    scope: 'openid profile email',
    state: 'state-1',
    nonce: 'nonce-1',
    ...(options.pkce === false ? {} : { code_challenge: challenge, code_challenge_method: 'S256' }),
    ...options.params,
  };
  const browser = options.browser ?? new Browser();
  const response = await authorizeInBrowser(browser, server.issuer, params, options.user ?? ALICE);
  if (!response.location) throw new Error(`no redirect to the client: ${response.status} ${response.text.slice(0, 300)}`);
  const location = new URL(response.location);
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${response.location}`);
  return { code, location, verifier, browser };
}

export interface TokenCall {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

/** POSTs to the token endpoint (form body by default). */
export async function postToken(
  server: RunningLatchkey,
  form: Record<string, string>,
  options: { authorization?: string; json?: boolean; path?: string } = {},
): Promise<TokenCall> {
  const headers: Record<string, string> = {
    'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
  };
  if (options.authorization) headers.authorization = options.authorization;
  const response = await fetch(`${server.issuer}${options.path ?? 'oauth/token'}`, {
    method: 'POST',
    headers,
    body: options.json ? JSON.stringify(form) : new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : {}, headers: response.headers };
}

/** Redeems a code for app1 with client_secret_basic. */
export function redeemCode(server: RunningLatchkey, result: CodeResult, extra: Record<string, string> = {}) {
  return postToken(
    server,
    { grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP.callback, code_verifier: result.verifier, ...extra },
    { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) },
  );
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()),
  };
}

export async function getUserinfo(server: RunningLatchkey, accessToken: string) {
  const response = await fetch(`${server.issuer}userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
  return { status: response.status, headers: response.headers, text: await response.text() };
}
