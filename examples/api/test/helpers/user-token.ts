/**
 * Gets a user's access token from a running Latchkey through the authorization code flow with
 * PKCE, over plain HTTP: /authorize, the login form (and the consent form if shown), the redirect
 * to the callback, then the token endpoint. A tiny cookie jar stands in for the browser.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface WebClient {
  id: string;
  secret: string;
  callback: string;
}

export interface UserCredentials {
  email: string;
  password: string;
}

interface Page {
  status: number;
  location: string | undefined;
  text: string;
}

class CookieJar {
  private readonly cookies = new Map<string, string>();

  async fetch(url: string, form?: Record<string, string>, origin?: string): Promise<Page> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (form) headers['content-type'] = 'application/x-www-form-urlencoded';
    if (origin) headers['origin'] = origin;
    const response = await fetch(url, {
      method: form ? 'POST' : 'GET',
      headers,
      ...(form && { body: new URLSearchParams(form) }),
      redirect: 'manual',
    });
    for (const line of response.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      const value = pair.slice(eq + 1).trim();
      if (value === '') this.cookies.delete(pair.slice(0, eq).trim());
      else this.cookies.set(pair.slice(0, eq).trim(), value);
    }
    return { status: response.status, location: response.headers.get('location') ?? undefined, text: await response.text() };
  }
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The action and hidden fields of the first form of a page. */
function readForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1] ?? '';
  const fields: Record<string, string> = {};
  for (const input of html.matchAll(/<input\b[^>]*>/g)) {
    const type = /\btype="([^"]*)"/.exec(input[0])?.[1];
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    const value = /\bvalue="([^"]*)"/.exec(input[0])?.[1];
    if (type === 'hidden' && name) fields[name] = decodeEntities(value ?? '');
  }
  return { action: decodeEntities(action), fields };
}

/** Runs the whole flow and returns the token endpoint's JSON answer (it throws when a step fails). */
export async function userAccessToken(
  issuer: string,
  client: WebClient,
  user: UserCredentials,
  params: { scope: string; audience: string },
): Promise<Record<string, unknown>> {
  const jar = new CookieJar();
  const origin = new URL(issuer).origin;
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

  let page = await jar.fetch(authorize.href);
  for (let step = 0; step < 6 && page.location && !page.location.startsWith(client.callback); step++) {
    const next = new URL(page.location, issuer).href;
    const shown = await jar.fetch(next);
    if (next.includes('/u/login')) {
      const { action, fields } = readForm(shown.text);
      page = await jar.fetch(new URL(action, next).href, { ...fields, email: user.email, password: user.password }, origin);
    } else if (next.includes('/u/consent')) {
      const { action, fields } = readForm(shown.text);
      page = await jar.fetch(new URL(action, next).href, { ...fields, action: 'accept' }, origin);
    } else {
      page = shown;
    }
  }
  if (!page.location?.startsWith(client.callback)) {
    throw new Error(`the authorization flow did not reach the callback (last status ${page.status})`);
  }
  const callback = new URL(page.location);
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
