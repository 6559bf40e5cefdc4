import { createHash, randomBytes } from 'node:crypto';
import type { ClientFixture } from '../fixture.js';

/** The endpoints the bench uses, from the server's discovery document (OpenID Connect Discovery 1.0 §3). */
export interface ServerMetadata {
  readonly issuer: string;
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly userinfo_endpoint: string;
  readonly jwks_uri: string;
}

export async function discover(issuer: string): Promise<ServerMetadata> {
  const base = issuer.endsWith('/') ? issuer : `${issuer}/`;
  const response = await fetch(new URL('.well-known/openid-configuration', base));
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const metadata = (await response.json()) as Partial<ServerMetadata>;
  for (const field of ['issuer', 'authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri'] as const) {
    if (typeof metadata[field] !== 'string') throw new Error(`discovery document lacks ${field}`);
  }
  return metadata as ServerMetadata;
}

/** A PKCE pair (RFC 7636 §4.1, §4.2, S256). One pair may serve every request of a run. */
export function pkcePair(): { readonly verifier: string; readonly challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** HTTP Basic client authentication (RFC 6749 §2.3.1: both parts form-urlencoded first). */
export function basicAuthorization(client: ClientFixture): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(client.client_id)}:${encode(client.client_secret)}`).toString('base64')}`;
}

export function authorizationUrl(endpoint: string, params: Readonly<Record<string, string>>): string {
  const url = new URL(endpoint);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
}

export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly expires_in?: number;
  readonly scope?: string;
}

/** A token request with client_secret_basic (RFC 6749 §4.1.3, §6, §4.4). Throws unless 200. */
export async function tokenRequest(
  tokenEndpoint: string,
  client: ClientFixture,
  params: Readonly<Record<string, string>>,
): Promise<TokenResponse> {
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: basicAuthorization(client),
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    },
    body: new URLSearchParams(params).toString(),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}: ${text.slice(0, 300)}`);
  const body = JSON.parse(text) as TokenResponse;
  if (typeof body.access_token !== 'string') throw new Error(`token response without access_token: ${text.slice(0, 300)}`);
  return body;
}
