import type { ProtocolContext } from '../context.js';
import type { ResourceServer, TokenCustomization } from '../model.js';
import { customizedAccessTokenScope } from '../actions/token-customization.js';
import { effectiveScopes } from '../rbac/effective-scopes.js';

export interface UserTokenExtras {
  /** The access token's `scope` (and the token response's). */
  accessTokenScope: string[];
  accessTokenClaims: Record<string, unknown>;
  idTokenClaims: Record<string, unknown>;
}

/**
 * What tokens minted for a user carry besides the standard content, at every minting (code
 * redemption, refresh):
 * - RBAC is checked again against the user's permissions now, so a removed role takes effect at
 *   the next refresh;
 * - `access_token_authz` APIs get a `permissions` claim: every permission the user holds for the
 *   API, whatever was requested (Auth0's dialect);
 * - the post-login actions' custom claims and scope changes, kept with the code and the grant.
 */
export async function userTokenExtras(
  ctx: ProtocolContext,
  input: { api: ResourceServer | undefined; userId: string; scope: readonly string[]; customization: TokenCustomization | null | undefined },
): Promise<UserTokenExtras> {
  const { api } = input;
  const needsPermissions = api !== undefined && (api.enforce_policies === true || api.token_dialect === 'access_token_authz');
  const permissions = needsPermissions ? await ctx.storage.permissions.ofUser(input.userId, api.identifier) : [];
  const granted = api?.enforce_policies ? effectiveScopes(input.scope, api, permissions) : [...input.scope];

  const accessTokenClaims: Record<string, unknown> = { ...input.customization?.access_token_claims };
  if (api?.token_dialect === 'access_token_authz') {
    const defined = new Set(api.scopes.map((s) => s.value));
    accessTokenClaims.permissions = [...new Set(permissions.map((p) => p.permission_name).filter((p) => defined.has(p)))].sort();
  }
  return {
    accessTokenScope: customizedAccessTokenScope(granted, input.customization),
    accessTokenClaims,
    idTokenClaims: { ...input.customization?.id_token_claims },
  };
}
