import { hashSecret, secretMatchesHash } from '../../crypto/random.js';
import { OAuthError, invalidRequest } from '../errors.js';
import type { Client, TokenEndpointAuthMethod } from '../model.js';
import type { Params } from '../params.js';

/** The credentials a request to the token endpoint carried, before they are checked. */
export interface PresentedCredentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  clientSecret?: string;
}

/** invalid_client (RFC 6749 §5.2); `basic` asks the HTTP layer for a WWW-Authenticate challenge. */
export class InvalidClientError extends OAuthError {
  readonly basic: boolean;
  constructor(description: string, basic: boolean) {
    super('invalid_client', description);
    this.name = 'InvalidClientError';
    this.basic = basic;
  }
}

/**
 * Reads client credentials from the Authorization header (client_secret_basic) or the body
 * (client_secret_post, or a bare client_id for public clients). RFC 6749 §2.3: a client MUST NOT
 * use more than one authentication method in a request.
 */
export function readClientCredentials(authorization: string | undefined, params: Params): PresentedCredentials {
  const bodySecret = params.client_secret;
  if (authorization !== undefined) {
    const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(authorization.trim());
    if (!match) throw new InvalidClientError('malformed Basic authorization header', true);
    if (bodySecret !== undefined) throw invalidRequest('use either HTTP Basic or client_secret in the body, not both');
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new InvalidClientError('malformed Basic credentials', true);
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    const clientId = formDecode(decoded.slice(0, colon));
    const clientSecret = formDecode(decoded.slice(colon + 1));
    if (clientId === undefined || clientSecret === undefined) throw new InvalidClientError('malformed Basic credentials', true);
    if (params.client_id !== undefined && params.client_id !== clientId) {
      throw invalidRequest('client_id in the body differs from the authenticated client');
    }
    return { method: 'client_secret_basic', clientId, clientSecret };
  }
  const clientId = params.client_id;
  if (clientId === undefined) throw new InvalidClientError('client authentication is required', false);
  if (bodySecret !== undefined) return { method: 'client_secret_post', clientId, clientSecret: bodySecret };
  return { method: 'none', clientId };
}

function formDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

// A stand-in hash to compare against when the client is unknown, so the answer takes as long.
const UNKNOWN_CLIENT_HASH = hashSecret('latchkey-unknown-client');

/**
 * Authenticates the client (RFC 6749 §3.2.1, OpenID Connect Core §9). The method used must be the
 * one the client registered; public clients (`none`) present no secret and confidential ones must.
 */
export function authenticateClient(client: Client | undefined, presented: PresentedCredentials): Client {
  const basic = presented.method === 'client_secret_basic';
  if (presented.method === 'none') {
    if (!client || client.token_endpoint_auth_method !== 'none') {
      throw new InvalidClientError('client authentication failed', false);
    }
    return client;
  }
  const secretOk = secretMatchesHash(presented.clientSecret ?? '', client?.client_secret_hash ?? UNKNOWN_CLIENT_HASH);
  if (!client || !client.client_secret_hash || !secretOk) throw new InvalidClientError('client authentication failed', basic);
  if (client.token_endpoint_auth_method !== presented.method) {
    throw new InvalidClientError(`the client is registered for ${client.token_endpoint_auth_method}`, basic);
  }
  return client;
}

/**
 * Reads and checks the client credentials of a request to the token, revocation or introspection
 * endpoint: the same methods everywhere (RFC 7009 §2.1, RFC 7662 §2.1).
 */
export async function authenticateRequestClient(
  ctx: { storage: { clients: { findById(clientId: string): Promise<Client | undefined> } } },
  params: Params,
  authorization: string | undefined,
): Promise<Client> {
  const presented = readClientCredentials(authorization, params);
  return authenticateClient(await ctx.storage.clients.findById(presented.clientId), presented);
}
