/**
 * Gets a user's access token from a running Latchkey through the authorization code flow with
 * PKCE, over plain HTTP: /authorize, the login form (and the consent form if shown), the redirect
 * to the callback, then the token endpoint. The test cookie-jar browser stands in for a browser.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Browser } from '@latchkey/testing';

export interface WebClient {
  id: string;
  secret: string;
  callback: string;
}

export interface UserCredentials {
  email: string;
  password: string;
}

/** Runs the whole flow and returns the token endpoint's JSON answer (it throws when a step fails). */
export async function userAccessToken(
  issuer: string,
  client: WebClient,
  user: UserCredentials,
  params: { scope: string; audience: string },
): Promise<Record<string, unknown>> {
  const browser = new Browser();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL('authorize', issuer);
  authorize.search = new URLSearchParams({
    response_type: 'code',
    client_id: client.id,
    redirect_uri: client.callback,
    scope: params.scope,
    audience: params.audience,
    state,
    nonce: randomBytes(16).toString('base64url'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  }).toString();

  const toCallback = (next: URL) => next.href.startsWith(client.callback);
  let page = await browser.navigate(authorize, { stopAt: toCallback });
  if (!page.stoppedAt && page.url.pathname === '/u/login') {
    page = await browser.submit(page, { email: user.email, password: user.password }, { stopAt: toCallback });
  }
  if (!page.stoppedAt && page.url.pathname === '/u/consent') {
    page = await browser.submit(page, { action: 'accept' }, { stopAt: toCallback });
  }
  const callback = page.stoppedAt;
  if (!callback) {
    throw new Error(`the authorization flow did not reach the callback (last status ${page.status} at ${page.url.pathname})`);
  }
  if (callback.searchParams.get('state') !== state) throw new Error('state mismatch');
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code in the callback: ${callback.search}`);

  const response = await fetch(new URL('oauth/token', issuer), {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.callback, code_verifier: verifier }),
  });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${JSON.stringify(body)}`);
  return body;
}
