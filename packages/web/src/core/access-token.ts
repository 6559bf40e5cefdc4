import * as oidc from 'openid-client';
import { idTokenClaims } from './claims.js';
import { AccessTokenExpiredError, NoAccessTokenError, RefreshError, describe } from './errors.js';
import type { SessionData } from './session/session-data.js';
import { sessionDataFrom } from './tokens.js';
import type { WebAuth } from './web-auth.js';

/** An access token of the session, with the RFC 6749 §5.1 names. */
export interface AccessToken {
  readonly access_token: string;
  readonly token_type: string;
  /** Seconds since the epoch, when the provider said `expires_in`. */
  readonly expires_at: number | undefined;
  readonly scope: string | undefined;
}

export interface GetAccessTokenOptions {
  /** Use the refresh token even if the access token has not expired yet. */
  forceRefresh?: boolean;
}

export function isExpired(auth: WebAuth, data: SessionData): boolean {
  if (data.expires_at === undefined) return false;
  return data.expires_at - auth.config.accessTokenLeeway <= Math.floor(auth.config.now() / 1000);
}

/**
 * The session's access token, or the session data after a refresh token grant when it expired
 * (or `forceRefresh`). The caller persists the new session data.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export async function refreshIfNeeded(
  auth: WebAuth,
  data: SessionData,
  options: GetAccessTokenOptions = {},
): Promise<SessionData | undefined> {
  const expired = isExpired(auth, data);
  if (!data.access_token && !data.refresh_token) {
    throw new NoAccessTokenError('The session has no access token');
  }
  if (data.access_token && !expired && !options.forceRefresh) return undefined;
  if (!data.refresh_token) {
    throw new AccessTokenExpiredError(
      'The access token has expired and the session has no refresh token ' +
        '(ask for the offline_access scope to get one)',
    );
  }

  const configuration = await auth.client.configuration();
  let tokens: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
  try {
    tokens = await oidc.refreshTokenGrant(configuration, data.refresh_token);
  } catch (error) {
    throw new RefreshError(`The access token could not be refreshed: ${describe(error)}`, {
      cause: error,
    });
  }
  // OpenID Connect Core §12.2: a refreshed ID token must be about the same user.
  const claims = tokens.claims();
  if (claims && claims.sub !== idTokenClaims(data.id_token).sub) {
    throw new RefreshError('The ID token of the refresh response is about another subject');
  }
  const refreshed = sessionDataFrom(tokens, Math.floor(auth.config.now() / 1000), data);
  if (!refreshed?.access_token) {
    throw new RefreshError('The refresh token response has no access token');
  }
  return refreshed;
}

export function accessTokenOf(data: SessionData): AccessToken {
  if (!data.access_token) throw new NoAccessTokenError('The session has no access token');
  return Object.freeze({
    access_token: data.access_token,
    token_type: data.token_type ?? 'Bearer',
    expires_at: data.expires_at,
    scope: data.scope,
  });
}
