import type { ResourceServer } from '../model.js';

/** What the consent page says of each OpenID Connect scope (Core §5.4). */
const OIDC_SCOPE_DESCRIPTIONS: Record<string, string> = {
  openid: 'Sign you in with your account',
  profile: 'Read your profile: name, nickname and picture',
  email: 'Read your email address',
  offline_access: 'Stay signed in when you are away (refresh tokens)',
};

/** Each requested scope with the text shown to the user: the API's own description for its permissions. */
export function describeScopes(scopes: readonly string[], api: ResourceServer | undefined): { value: string; description: string }[] {
  return scopes.map((value) => ({
    value,
    description:
      OIDC_SCOPE_DESCRIPTIONS[value] ?? (api?.scopes.find((s) => s.value === value)?.description || value),
  }));
}
