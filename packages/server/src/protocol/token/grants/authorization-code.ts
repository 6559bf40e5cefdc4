import { hashSecret, timeOrderedId } from '../../../crypto/random.js';
import type { ProtocolContext } from '../../context.js';
import { invalidGrant, invalidRequest } from '../../errors.js';
import type { AuthorizationCode, Client, Grant } from '../../model.js';
import type { Params } from '../../params.js';
import { verifyS256 } from '../../pkce.js';
import { userTokenExtras } from '../../tokens/user-token-extras.js';
import { issueRefreshToken, mayIssueRefreshToken } from '../../tokens/refresh-tokens.js';
import { issueUserTokenResponse } from '../../tokens/user-token-response.js';
import type { GrantHandler, GrantResult } from './grant-handler.js';

/** grant_type=authorization_code (RFC 6749 §4.1.3, OpenID Connect Core §3.1.3). */
export const authorizationCodeGrant: GrantHandler = {
  grantType: 'authorization_code',
  async handle(ctx: ProtocolContext, client: Client, params: Params): Promise<GrantResult> {
    if (params.code === undefined) throw invalidRequest('missing code');
    const codeHash = hashSecret(params.code);
    const code = await ctx.storage.authorizationCodes.findByHash(codeHash);
    if (!code) throw invalidGrant('unknown authorization code');

    // Every check that proves the caller holds the code legitimately comes before the replay check:
    // a replay with a wrong client or verifier must not revoke the first redemption's tokens.
    checkBinding(code, client, params, ctx.clock.now());

    // The grant is a row of a table that only grows: a time-ordered key keeps its inserts on the index's last page.
    const grantId = timeOrderedId(Date.now());
    if (code.consumed_at !== null || !(await ctx.storage.authorizationCodes.consume(codeHash, grantId, ctx.clock.now()))) {
      // RFC 6749 §4.1.2: a code used twice is refused, and the tokens issued from it SHOULD be revoked.
      const used = await ctx.storage.authorizationCodes.findByHash(codeHash);
      if (used?.grant_id) await ctx.storage.grants.revoke(used.grant_id, ctx.clock.now());
      throw invalidGrant('authorization code already used');
    }

    const user = await ctx.storage.users.findById(code.user_id);
    if (!user) throw invalidGrant('the user no longer exists');
    const resourceServer = code.audience ? await ctx.storage.resourceServers.findByIdentifier(code.audience) : undefined;
    const extras = await userTokenExtras(ctx, { api: resourceServer, userId: user.user_id, scope: code.scope, customization: code.customization });

    const grant: Grant = {
      id: grantId,
      client_id: client.client_id,
      user_id: user.user_id,
      scope: code.scope,
      audience: code.audience,
      session_sid: code.session_sid,
      auth_time: code.auth_time,
      created_at: ctx.clock.now(),
      revoked_at: null,
      customization: code.customization ?? null,
    };
    await ctx.storage.grants.create(grant);

    const response = await issueUserTokenResponse(ctx, {
      client,
      user,
      grant,
      scope: code.scope,
      resourceServer,
      extras,
      nonce: code.nonce,
      // The grant is the refresh token family: reuse of any member, or of the code, revokes it all.
      refreshToken: mayIssueRefreshToken(client, code.scope, resourceServer) ? () => issueRefreshToken(ctx, { client, grantId }) : undefined,
    });
    return { response, userId: user.user_id };
  },
};

function checkBinding(code: AuthorizationCode, client: Client, params: Params, now: number): void {
  // OpenID Connect Core §3.1.3.2: the code was issued to the authenticated client.
  if (code.client_id !== client.client_id) throw invalidGrant('the code was issued to another client');
  if (code.expires_at <= now) throw invalidGrant('authorization code expired');
  // RFC 6749 §4.1.3: redirect_uri must be identical when the authorization request included it.
  if (params.redirect_uri !== undefined ? params.redirect_uri !== code.redirect_uri : code.redirect_uri_required) {
    throw invalidGrant('redirect_uri does not match the authorization request');
  }
  // RFC 7636 §4.6 and RFC 9700 §4.8.2: a code bound to a challenge needs its verifier, and a code
  // issued without one refuses a verifier (PKCE downgrade).
  if (code.code_challenge !== null) {
    if (params.code_verifier === undefined) throw invalidGrant('missing code_verifier');
    if (!verifyS256(params.code_verifier, code.code_challenge)) throw invalidGrant('code_verifier does not match');
  } else if (params.code_verifier !== undefined) {
    throw invalidGrant('code_verifier sent for a code issued without code_challenge');
  }
}
