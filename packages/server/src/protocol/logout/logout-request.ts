import type { ProtocolContext } from '../context.js';
import { OAuthError } from '../errors.js';
import type { Client, LoginSession } from '../model.js';
import type { Params } from '../params.js';
import { verifyIdTokenHint } from '../authorization/id-token-hint.js';

/** A logout request that cannot be honoured: shown on a page, never redirected (RP-Initiated Logout §3). */
export class LogoutRequestError extends OAuthError {
  constructor(description: string) {
    super('invalid_request', description);
    this.name = 'LogoutRequestError';
  }
}

/** A logout request once checked. */
export interface VerifiedLogout {
  client: Client | undefined;
  /** A post_logout_redirect_uri registered for the client, by exact match; absent: the signed-out page. */
  redirectUri: string | undefined;
  state: string | undefined;
  /**
   * Whether the user must confirm first: always without a valid id_token_hint, and when the hint
   * names another user than the signed-in one (so no page can sign a user out behind their back).
   */
  needsConfirmation: boolean;
}

/**
 * Checks an RP-Initiated Logout 1.0 request (§2): `id_token_hint` verified with our keys only
 * (alg none, HMAC, foreign keys and access tokens are refused), `client_id` consistent with it,
 * and `post_logout_redirect_uri` one of the client's `allowed_logout_urls` exactly (§3).
 */
export async function verifyLogoutRequest(
  ctx: ProtocolContext,
  params: Params,
  session: LoginSession | undefined,
): Promise<VerifiedLogout> {
  let hint: { sub: string; aud: string[] } | undefined;
  if (params.id_token_hint !== undefined) {
    hint = await verifyIdTokenHint(ctx.keys, params.id_token_hint, { issuer: ctx.settings.issuer });
    if (!hint) throw new LogoutRequestError('id_token_hint is not a valid ID token of this server');
    if (params.client_id !== undefined && !hint.aud.includes(params.client_id)) {
      throw new LogoutRequestError('client_id does not match the id_token_hint');
    }
  }

  const clientId = params.client_id ?? hint?.aud[0];
  const client = clientId === undefined ? undefined : await ctx.storage.clients.findById(clientId);
  if (clientId !== undefined && !client) throw new LogoutRequestError('unknown client_id');

  const redirectUri = params.post_logout_redirect_uri;
  if (redirectUri !== undefined) {
    if (!client) throw new LogoutRequestError('post_logout_redirect_uri needs an id_token_hint or a client_id');
    if (!client.allowed_logout_urls.includes(redirectUri)) {
      throw new LogoutRequestError('post_logout_redirect_uri is not registered for this application');
    }
  }

  return {
    client,
    redirectUri,
    state: params.state,
    needsConfirmation: hint === undefined || (session !== undefined && session.user_id !== hint.sub),
  };
}

/** Where the browser goes after logout: the verified URI with `state` added to its query (§3). */
export function postLogoutRedirect(logout: VerifiedLogout): string | undefined {
  if (logout.redirectUri === undefined) return undefined;
  if (logout.state === undefined) return logout.redirectUri;
  const url = new URL(logout.redirectUri);
  url.searchParams.append('state', logout.state);
  return url.href;
}
