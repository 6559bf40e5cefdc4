/** RFC 6749 §3.3: scope is a space-delimited, case-sensitive list of strings; order does not matter. */
export function parseScope(scope: string | undefined): string[] {
  if (!scope) return [];
  return [...new Set(scope.split(' ').filter((s) => s.length > 0))];
}

export function formatScope(scopes: Iterable<string>): string {
  return [...scopes].join(' ');
}

/** The standard OpenID Connect scopes this server understands (Core §5.4, §11). */
export const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'] as const;

// RFC 6749 Appendix A.4: scope-token = 1*( %x21 / %x23-5B / %x5D-7E )
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;
export function isValidScopeToken(token: string): boolean {
  return SCOPE_TOKEN.test(token);
}
