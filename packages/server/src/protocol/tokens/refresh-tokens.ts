import { hashSecret, randomToken } from '../../crypto/random.js';
import type { ProtocolContext } from '../context.js';
import type { Client, RefreshToken, RefreshTokenSettings, ResourceServer } from '../model.js';

/** Auth0's defaults for rotating refresh tokens: 30 days absolute, 15 days idle, no reuse leeway. */
export const DEFAULT_REFRESH_TOKEN_SETTINGS: Readonly<RefreshTokenSettings> = Object.freeze({
  rotation_type: 'rotating',
  expiration_type: 'expiring',
  leeway: 0,
  token_lifetime: 2_592_000,
  idle_token_lifetime: 1_296_000,
  infinite_token_lifetime: false,
  infinite_idle_token_lifetime: false,
});

export function refreshTokenSettings(client: Client): RefreshTokenSettings {
  return client.refresh_token ?? DEFAULT_REFRESH_TOKEN_SETTINGS;
}

/**
 * Whether an authorization gets a refresh token (as Auth0 decides): `offline_access` was granted
 * (OpenID Connect Core §11), the client may use the refresh_token grant, and the API, if any,
 * allows offline access.
 */
export function mayIssueRefreshToken(client: Client, scope: readonly string[], api: ResourceServer | undefined): boolean {
  return scope.includes('offline_access') && client.grant_types.includes('refresh_token') && (api === undefined || api.allow_offline_access);
}

/**
 * Issues a refresh token of the grant's family: an opaque 256-bit value, stored as its hash. The
 * absolute expiry is set by the first token and carried by its descendants; the idle expiry starts
 * again with every token.
 */
export async function issueRefreshToken(
  ctx: ProtocolContext,
  input: { client: Client; grantId: string; parent?: RefreshToken },
): Promise<string> {
  const now = ctx.clock.now();
  const settings = refreshTokenSettings(input.client);
  const nonExpiring = settings.expiration_type === 'non-expiring';
  const absolute = input.parent
    ? input.parent.absolute_expires_at
    : nonExpiring || settings.infinite_token_lifetime ? null : now + settings.token_lifetime;
  const idle = nonExpiring || settings.infinite_idle_token_lifetime ? null : now + settings.idle_token_lifetime;
  const ends = [absolute, idle].filter((t): t is number => t !== null);

  const value = randomToken(32);
  await ctx.storage.refreshTokens.create({
    token_hash: hashSecret(value),
    grant_id: input.grantId,
    client_id: input.client.client_id,
    parent_hash: input.parent?.token_hash ?? null,
    created_at: now,
    used_at: null,
    expires_at: ends.length > 0 ? Math.min(...ends) : null,
    absolute_expires_at: absolute,
  });
  return value;
}
