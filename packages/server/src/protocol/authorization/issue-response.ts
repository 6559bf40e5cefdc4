import { hashSecret, randomToken } from '../../crypto/random.js';
import type { ProtocolContext } from '../context.js';
import type { AuthorizationRequest, Client, TokenCustomization, User } from '../model.js';
import { issueIdToken } from '../tokens/issue-tokens.js';

/** Where and how the browser is sent back to the client. */
export interface AuthorizationResponse {
  redirectUri: string;
  responseMode: 'query' | 'form_post';
  params: Record<string, string>;
}

export interface AuthenticatedUser {
  user: User;
  sid: string | null;
  authTime: number;
}

/**
 * The successful authorization response (RFC 6749 §4.1.2): a code for response_type=code, or an
 * ID token posted by form for sign-in-only apps (OpenID Connect Core §3.2, Form Post Response Mode).
 * Every response carries `iss` (RFC 9207 §2) against mix-up attacks.
 */
export async function issueAuthorizationResponse(
  ctx: ProtocolContext,
  request: AuthorizationRequest,
  client: Client,
  authenticated: AuthenticatedUser,
  /** What post-login actions add to the tokens (kept with the code). */
  customization: TokenCustomization | null = null,
): Promise<AuthorizationResponse> {
  const params: Record<string, string> = {};
  if (request.response_type === 'code') {
    const code = randomToken(32);
    const now = ctx.clock.now();
    await ctx.storage.authorizationCodes.create({
      code_hash: hashSecret(code),
      client_id: client.client_id,
      user_id: authenticated.user.user_id,
      redirect_uri: request.redirect_uri,
      redirect_uri_required: request.redirect_uri_given,
      scope: request.scope,
      audience: request.audience ?? null,
      nonce: request.nonce ?? null,
      code_challenge: request.code_challenge ?? null,
      code_challenge_method: request.code_challenge_method ?? null,
      auth_time: authenticated.authTime,
      session_sid: authenticated.sid,
      created_at: now,
      expires_at: now + ctx.settings.authorizationCodeTtl,
      consumed_at: null,
      grant_id: null,
      customization,
    });
    params.code = code;
  } else {
    params.id_token = await issueIdToken(ctx, {
      client,
      user: authenticated.user,
      scope: request.scope,
      authTime: authenticated.authTime,
      nonce: request.nonce,
      sid: authenticated.sid,
      ...(customization && { extraClaims: customization.id_token_claims }),
    });
  }
  if (request.state !== undefined) params.state = request.state;
  params.iss = ctx.settings.issuer;
  if (client.backchannel_logout_uri && authenticated.sid) {
    // Back-Channel Logout 1.0 §2.5: remember that this session signed in to the client, to tell it at logout.
    await ctx.storage.sessionClients.add(authenticated.sid, client.client_id, ctx.clock.now());
  }
  return { redirectUri: request.redirect_uri, responseMode: request.response_mode, params };
}
