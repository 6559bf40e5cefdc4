import type { Permission, ResourceServer } from '../model.js';
import { OIDC_SCOPES } from '../scope.js';
import type { Storage } from '../../storage/storage.js';

const OIDC = new Set<string>(OIDC_SCOPES);

/**
 * The scopes a user is granted among those requested (Auth0's RBAC semantics, RFC 6749 §3.3: the
 * server may grant fewer scopes than requested and says so in the token response):
 * - OpenID Connect scopes are not API permissions and pass through;
 * - with the API's `enforce_policies` on, an API scope only when the user holds it as a
 *   permission, directly or through a role (and the API still defines it);
 * - with it off, every requested scope the API defines.
 */
export function effectiveScopes(
  requested: readonly string[],
  api: ResourceServer | undefined,
  userPermissions: readonly Permission[],
): string[] {
  const defined = new Set(api?.scopes.map((s) => s.value) ?? []);
  const held = new Set(
    userPermissions.filter((p) => p.resource_server_identifier === api?.identifier).map((p) => p.permission_name),
  );
  return requested.filter((scope) => {
    if (OIDC.has(scope)) return true;
    if (!defined.has(scope)) return false;
    return api?.enforce_policies === true ? held.has(scope) : true;
  });
}

/** {@link effectiveScopes} for a stored user: reads the user's permissions only when RBAC needs them. */
export async function scopesForUser(
  storage: Storage,
  requested: readonly string[],
  api: ResourceServer | undefined,
  userId: string,
): Promise<string[]> {
  const permissions = api?.enforce_policies ? await storage.permissions.ofUser(userId, api.identifier) : [];
  return effectiveScopes(requested, api, permissions);
}

