import { hashSecret } from '../../crypto/random.js';
import type { ProtocolContext } from '../context.js';
import { invalidRequest, unauthorizedClient } from '../errors.js';
import type { Client } from '../model.js';
import { readParams } from '../params.js';
import { authenticateRequestClient } from '../token/client-authentication.js';
import { InvalidTokenError, verifyAccessToken } from '../tokens/verify-access-token.js';

/**
 * POST /oauth/revoke (RFC 7009 §2). A refresh token takes its whole family with it (the grant, and
 * so the access tokens issued from it, §2.1); an access token alone is put on the deny list until
 * it would expire. An unknown, invalid or expired token is not an error (§2.2).
 */
export async function revokeToken(ctx: ProtocolContext, body: unknown, authorization: string | undefined): Promise<void> {
  const params = readParams(body);
  const client = await authenticateRequestClient(ctx, params, authorization);
  if (params.token === undefined) throw invalidRequest('missing token');
  // §2.1: the hint only orders the lookups; a wrong hint still revokes.
  const order = params.token_type_hint === 'access_token' ? [revokeAccessToken, revokeRefreshToken] : [revokeRefreshToken, revokeAccessToken];
  for (const revoke of order) if (await revoke(ctx, client, params.token)) return;
}

async function revokeRefreshToken(ctx: ProtocolContext, client: Client, value: string): Promise<boolean> {
  const token = await ctx.storage.refreshTokens.findByHash(hashSecret(value));
  if (!token) return false;
  // §2.1: the token must have been issued to the client asking; otherwise it stays valid.
  if (token.client_id !== client.client_id) throw unauthorizedClient('the token was issued to another client');
  await ctx.storage.grants.revoke(token.grant_id, ctx.clock.now());
  return true;
}

async function revokeAccessToken(ctx: ProtocolContext, client: Client, value: string): Promise<boolean> {
  let payload;
  try {
    payload = await verifyAccessToken(ctx, value, undefined);
  } catch (error) {
    if (error instanceof InvalidTokenError) return false;
    throw error;
  }
  if (payload.client_id !== client.client_id) throw unauthorizedClient('the token was issued to another client');
  await ctx.storage.revokedAccessTokens.add(payload.jti!, payload.exp!);
  return true;
}
