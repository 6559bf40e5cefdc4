import { hashSecret } from '../../../crypto/random.js';
import type { ProtocolContext } from '../../context.js';
import { invalidGrant, invalidRequest, invalidScope } from '../../errors.js';
import type { Client, RefreshToken } from '../../model.js';
import type { Params } from '../../params.js';
import { parseScope } from '../../scope.js';
import { issueRefreshToken, refreshTokenSettings } from '../../tokens/refresh-tokens.js';
import { userTokenExtras } from '../../tokens/user-token-extras.js';
import { issueUserTokenResponse } from '../../tokens/user-token-response.js';
import type { GrantHandler, GrantResult } from './grant-handler.js';

/**
 * grant_type=refresh_token (RFC 6749 §6, OpenID Connect Core §12). Every use rotates the token;
 * presenting one that was already rotated revokes its whole family, the grant (RFC 9700 §4.14.2).
 */
export const refreshTokenGrant: GrantHandler = {
  grantType: 'refresh_token',
  async handle(ctx: ProtocolContext, client: Client, params: Params): Promise<GrantResult> {
    if (params.refresh_token === undefined) throw invalidRequest('missing refresh_token');
    const token = await ctx.storage.refreshTokens.findByHash(hashSecret(params.refresh_token));
    if (!token) throw invalidGrant('unknown refresh token');
    // RFC 6749 §6: bound to its client. Another client presenting it learns nothing and revokes nothing.
    if (token.client_id !== client.client_id) throw invalidGrant('the refresh token was issued to another client');
    const now = ctx.clock.now();
    const grant = await ctx.storage.grants.findById(token.grant_id);
    if (!grant || grant.revoked_at !== null) throw invalidGrant('the refresh token was revoked');
    if (token.expires_at !== null && token.expires_at <= now) throw invalidGrant('the refresh token expired');

    // RFC 6749 §6: a narrower scope is allowed, a wider one is not; the family keeps the full grant.
    const scope = params.scope === undefined ? grant.scope : parseScope(params.scope);
    if (scope.some((s) => !grant.scope.includes(s))) throw invalidScope('the requested scope exceeds the scope granted');

    // Everything that can fail without consuming the token is checked above: rotation comes last.
    await claimForRotation(ctx, client, token, now);

    const user = await ctx.storage.users.findById(grant.user_id);
    if (!user) throw invalidGrant('the user no longer exists');
    const resourceServer = grant.audience ? await ctx.storage.resourceServers.findByIdentifier(grant.audience) : undefined;

    // RBAC is checked again (a removed role takes effect here); the actions' claims are kept.
    const extras = await userTokenExtras(ctx, { api: resourceServer, userId: user.user_id, scope, customization: grant.customization });
    const response = await issueUserTokenResponse(ctx, {
      client,
      user,
      grant,
      scope,
      resourceServer,
      extras,
      nonce: null,
      refreshToken: () => issueRefreshToken(ctx, { client, grantId: grant.id, parent: token }),
    });
    return { response, userId: user.user_id };
  },
};

/**
 * Marks the token used, atomically, so that of two requests racing with one token only one
 * rotates it. A token used before is a replay (RFC 9700 §4.14.2): the family is revoked, unless
 * the client allows a reuse interval (Auth0's `leeway`) for retried requests and it has not passed.
 */
async function claimForRotation(ctx: ProtocolContext, client: Client, token: RefreshToken, now: number): Promise<void> {
  if (token.used_at === null && (await ctx.storage.refreshTokens.markUsed(token.token_hash, now))) return;
  const usedAt = token.used_at ?? (await ctx.storage.refreshTokens.findByHash(token.token_hash))?.used_at ?? now;
  if (now < usedAt + refreshTokenSettings(client).leeway) return;
  await ctx.storage.grants.revoke(token.grant_id, now);
  throw invalidGrant('refresh token reuse detected: every token of this grant is revoked');
}
