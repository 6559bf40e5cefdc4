import { hashSecret } from '../../crypto/random.js';
import type { ProtocolContext } from '../context.js';
import { invalidRequest } from '../errors.js';
import type { Client } from '../model.js';
import { readParams } from '../params.js';
import { formatScope } from '../scope.js';
import { authenticateRequestClient, InvalidClientError } from '../token/client-authentication.js';
import { InvalidTokenError, verifyAccessToken } from '../tokens/verify-access-token.js';

/** RFC 7662 §2.2: an inactive token is `{"active":false}` and nothing else. */
export type IntrospectionResponse = { active: false } | ({ active: true } & Record<string, unknown>);

/**
 * POST /oauth/introspect (RFC 7662 §2). Only clients that authenticate with a secret may ask
 * (§2.1); a public client proves nothing. Access tokens of any client are described (they are
 * JWTs any holder can read already); a refresh token only to the client it was issued to.
 */
export async function introspectToken(
  ctx: ProtocolContext,
  body: unknown,
  authorization: string | undefined,
): Promise<IntrospectionResponse> {
  const params = readParams(body);
  const client = await authenticateRequestClient(ctx, params, authorization);
  if (client.token_endpoint_auth_method === 'none') throw new InvalidClientError('a public client cannot introspect tokens', false);
  if (params.token === undefined) throw invalidRequest('missing token');
  const order = params.token_type_hint === 'refresh_token' ? [describeRefreshToken, describeAccessToken] : [describeAccessToken, describeRefreshToken];
  for (const describe of order) {
    const found = await describe(ctx, client, params.token);
    if (found) return found;
  }
  return { active: false };
}

async function describeAccessToken(ctx: ProtocolContext, _client: Client, value: string): Promise<IntrospectionResponse | undefined> {
  let payload;
  try {
    payload = await verifyAccessToken(ctx, value, undefined);
  } catch (error) {
    if (error instanceof InvalidTokenError) return undefined;
    throw error;
  }
  return {
    active: true,
    token_type: 'Bearer',
    scope: payload.scope,
    client_id: payload.client_id,
    sub: payload.sub,
    aud: payload.aud,
    iss: payload.iss,
    exp: payload.exp,
    iat: payload.iat,
    jti: payload.jti,
    ...(payload.gty !== undefined && { gty: payload.gty }),
  };
}

async function describeRefreshToken(ctx: ProtocolContext, client: Client, value: string): Promise<IntrospectionResponse | undefined> {
  const token = await ctx.storage.refreshTokens.findByHash(hashSecret(value));
  if (!token || token.client_id !== client.client_id) return undefined;
  const now = ctx.clock.now();
  const grant = await ctx.storage.grants.findById(token.grant_id);
  // A rotated token is spent: it is no longer active, even inside a reuse leeway.
  if (!grant || grant.revoked_at !== null || token.used_at !== null || (token.expires_at !== null && token.expires_at <= now)) {
    return { active: false };
  }
  return {
    active: true,
    token_type: 'refresh_token',
    scope: formatScope(grant.scope),
    client_id: token.client_id,
    sub: grant.user_id,
    ...(grant.audience !== null && { aud: grant.audience }),
    iss: ctx.settings.issuer,
    iat: token.created_at,
    ...(token.expires_at !== null && { exp: token.expires_at }),
  };
}
