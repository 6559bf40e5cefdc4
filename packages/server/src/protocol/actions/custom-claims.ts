/**
 * Claims an action may not set without a namespace: the registered JWT claims (RFC 7519 §4.1),
 * the ID token and standard claims of OpenID Connect (Core §2, §5.1), and those this server or
 * Auth0 give a meaning to (RFC 9068 §2.2, RFC 8693 §4, RFC 7800 §3). A namespaced claim, an
 * http(s) URL such as `https://example.com/roles`, is always allowed (as in Auth0).
 */
const RESTRICTED_CLAIMS = new Set([
  'iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti',
  'azp', 'nonce', 'auth_time', 'at_hash', 'c_hash', 'acr', 'amr', 'sid', 'sub_jwk', 'cnf', 'events',
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
  'website', 'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number',
  'phone_number_verified', 'address', 'updated_at',
  'client_id', 'scope', 'permissions', 'roles', 'groups', 'entitlements', 'gty', 'act', 'may_act', 'org_id', 'org_name', 'typ',
]);

/** Why a custom claim name is refused, or undefined when it is allowed. */
export function customClaimProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || name.length === 0 || name.length > 512) return 'a claim name must be a string of 1 to 512 characters';
  if (/^https?:\/\//i.test(name)) {
    try {
      new URL(name);
      return undefined;
    } catch {
      return `${name} is not a valid URL namespace`;
    }
  }
  if (RESTRICTED_CLAIMS.has(name)) {
    return `${name} is a registered or reserved claim: use a namespaced name such as https://example.com/${name}`;
  }
  return undefined;
}
