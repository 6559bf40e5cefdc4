import type { ClientFixture, UserFixture } from '../fixture.js';
import { authorizationUrl, tokenRequest } from '../oidc/client.js';
import type { TokenResponse } from '../oidc/client.js';
import { CookieJar } from '../oidc/cookie-jar.js';
import { authorize } from '../oidc/user-agent.js';

/** Runs `count` tasks, `concurrency` at a time, and returns their results in order. */
export async function inParallel<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

export interface SignedIn {
  readonly jar: CookieJar;
  /** The code of the sign-in itself, still unused. */
  readonly code: string;
}

/**
 * Walks an authorization request through the server's own pages (login and consent as they come)
 * with the given browser, by default a new one, and returns the browser and the code.
 */
export async function signIn(
  endpoint: string,
  params: Readonly<Record<string, string>>,
  client: ClientFixture,
  user: UserFixture,
  jar = new CookieJar(),
): Promise<SignedIn> {
  const { code } = await authorize({ url: authorizationUrl(endpoint, params), redirectUri: client.redirect_uri, user, jar });
  return { jar, code };
}

/**
 * Authorization codes from requests made with a signed-in session and `prompt=none` (OpenID
 * Connect Core §3.1.2.1): each answers 302 to the redirect_uri with a fresh code.
 */
export async function mintCodes(url: string, jar: CookieJar, redirectUri: string, count: number): Promise<string[]> {
  const cookie = jar.header() ?? '';
  return inParallel(count, 16, async () => {
    const response = await fetch(url, { headers: { cookie }, redirect: 'manual' });
    const location = response.headers.get('location');
    await response.body?.cancel();
    const target = location === null ? undefined : new URL(location, url);
    const code = target?.href.startsWith(redirectUri) ? target.searchParams.get('code') : null;
    if (code === null || code === undefined) {
      throw new Error(`authorization with a session answered ${response.status} ${location ?? ''}`.trim());
    }
    return code;
  });
}

/** Redeems a code (RFC 6749 §4.1.3) with PKCE's verifier (RFC 7636 §4.5). */
export function redeemCode(tokenEndpoint: string, client: ClientFixture, code: string, codeVerifier: string): Promise<TokenResponse> {
  return tokenRequest(tokenEndpoint, client, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: client.redirect_uri,
    code_verifier: codeVerifier,
  });
}
