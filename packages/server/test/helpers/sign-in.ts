import type { RunningLatchkey } from '../../src/server.js';
import { authorizeInBrowser, Browser, pkcePair, readForm, type SignInOptions } from './browser.js';
import { basicAuth, decodeJwt, postToken } from './flows.js';
import { THIRD_PARTY_APP, WEB_APP } from './test-server.js';

export type TestClient = typeof WEB_APP | typeof THIRD_PARTY_APP;

export function authorizeParams(client: TestClient, params: Record<string, string>, challenge: string): Record<string, string> {
  return {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.callback,
    state: 'state-1',
    nonce: 'nonce-1',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...params,
  };
}

/** Redeems a code for the client (app1 authenticates with Basic, partner in the body). */
export function redeem(server: RunningLatchkey, client: TestClient, code: string, verifier: string) {
  const form = { grant_type: 'authorization_code', code, redirect_uri: client.callback, code_verifier: verifier };
  return client.client_id === WEB_APP.client_id
    ? postToken(server, form, { authorization: basicAuth(WEB_APP.client_id, WEB_APP.client_secret) })
    : postToken(server, { ...form, client_id: client.client_id, client_secret: client.client_secret });
}

export interface SignedInTokens {
  status: number;
  body: Record<string, unknown>;
  access: Record<string, unknown>;
  id: Record<string, unknown> | undefined;
}

/**
 * Signs a user in for a client through the pages (accepting consent unless told otherwise) and
 * redeems the code: the token response and the decoded access and ID token payloads.
 */
export async function signInForTokens(
  server: RunningLatchkey,
  client: TestClient,
  params: Record<string, string>,
  user: SignInOptions,
  browser = new Browser(),
): Promise<SignedInTokens> {
  const { verifier, challenge } = pkcePair();
  const final = await authorizeInBrowser(browser, server.issuer, authorizeParams(client, params, challenge), user);
  const location = final.location ? new URL(final.location) : undefined;
  const code = location?.searchParams.get('code');
  if (!code) throw new Error(`no code: ${final.status} ${final.location ?? final.text.slice(0, 300)}`);
  const tokens = await redeem(server, client, code, verifier);
  if (tokens.status !== 200) throw new Error(`token endpoint: ${tokens.status} ${JSON.stringify(tokens.body)}`);
  return {
    status: tokens.status,
    body: tokens.body,
    access: decodeJwt(tokens.body.access_token as string).payload,
    id: typeof tokens.body.id_token === 'string' ? decodeJwt(tokens.body.id_token).payload : undefined,
  };
}

/** Follows /authorize and the login page to the consent page, and returns its HTML and form (or undefined when there is none). */
export async function reachConsentPage(server: RunningLatchkey, browser: Browser, client: TestClient, params: Record<string, string>, user: SignInOptions) {
  const { challenge } = pkcePair();
  let response = await browser.get(`${server.issuer}authorize?${new URLSearchParams(authorizeParams(client, params, challenge))}`);
  const origin = new URL(server.issuer).origin;
  if (response.location?.includes('/u/login')) {
    const page = await browser.get(response.location);
    const { action, fields } = readForm(page.text);
    response = await browser.post(new URL(action, server.issuer).href, { ...fields, email: user.email, password: user.password, action: 'login' }, { origin });
  }
  if (!response.location?.includes('/u/consent')) return { page: undefined, response };
  const page = await browser.get(response.location);
  return { page, response, form: readForm(page.text) };
}
