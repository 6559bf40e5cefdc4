import { AuthorizationError } from '../errors.js';
import type { AuthorizationRequest, Client, Consent, LoginSession, ResourceServer } from '../model.js';
import { OIDC_SCOPES } from '../scope.js';

/** What the authorization endpoint does next for a valid request. */
export type AuthorizationStep =
  | { step: 'login' }
  | { step: 'consent'; missingScopes: string[] }
  | { step: 'issue' };

export interface AuthorizationState {
  /** The browser's live login session, if any (already checked for expiry). */
  session: LoginSession | undefined;
  /** The `sub` of a verified id_token_hint, if one was sent. */
  hintSubject?: string | undefined;
  /** Whether the user signed in during this very transaction (prompt=login and max_age are then met). */
  authenticatedInTransaction: boolean;
  consent: Consent | undefined;
  /** Whether the user already answered the consent page in this transaction. */
  consentedInTransaction: boolean;
  /** The API of the request's `audience`, whose settings say whether first-party clients skip consent. */
  resourceServer?: ResourceServer | undefined;
  now: number;
}

/**
 * Decides between asking the user to sign in, asking for consent, and answering at once
 * (OpenID Connect Core §3.1.2.3–3.1.2.4). With prompt=none, a needed page becomes an error
 * (Core §3.1.2.6).
 */
export function decideAuthorizationStep(
  request: AuthorizationRequest,
  client: Client,
  state: AuthorizationState,
): AuthorizationStep {
  const fail = (error: 'login_required' | 'consent_required', description: string) =>
    new AuthorizationError(error, description, {
      redirectUri: request.redirect_uri,
      state: request.state,
      responseMode: request.response_mode,
    });
  const interactive = !request.prompt.includes('none');

  if (!state.authenticatedInTransaction && needsLogin(request, state)) {
    if (!interactive) throw fail('login_required', 'the user must sign in');
    return { step: 'login' };
  }

  if (!state.consentedInTransaction) {
    const missingScopes = scopesNeedingConsent(request, client, state.consent, state.resourceServer);
    if (missingScopes.length > 0) {
      if (!interactive) throw fail('consent_required', 'the user must consent');
      return { step: 'consent', missingScopes };
    }
  }
  return { step: 'issue' };
}

function needsLogin(request: AuthorizationRequest, state: AuthorizationState): boolean {
  const { session } = state;
  if (!session) return true;
  if (request.prompt.includes('login')) return true;
  // Core §3.1.2.1: max_age is the allowable time since the user last actively authenticated.
  if (request.max_age !== undefined && state.now - session.auth_time > request.max_age) return true;
  // Core §3.1.2.1: a hint naming another user than the signed-in one cannot be answered silently.
  if (state.hintSubject !== undefined && state.hintSubject !== session.user_id) return true;
  return false;
}

/**
 * The scopes to ask the user for: those not yet granted to the client (consent is incremental),
 * or all of them again with prompt=consent. First-party clients (Auth0's is_first_party) skip
 * the page for OpenID Connect scopes, and for an API's scopes when the API allows it
 * (`skip_consent_for_verifiable_first_party_clients`, Auth0's semantics). Every client here is
 * registered by the operator, so first-party is "verifiable" by registration; Auth0's refusal to
 * skip consent for localhost callbacks is not applied, since loopback is how apps are developed.
 */
export function scopesNeedingConsent(
  request: AuthorizationRequest,
  client: Client,
  consent: Consent | undefined,
  api?: ResourceServer,
): string[] {
  if (request.prompt.includes('consent')) return [...request.scope];
  const granted = new Set(consent?.scopes ?? []);
  return request.scope.filter((s) => !granted.has(s) && !firstPartySkipsConsent(s, client, api));
}

const OIDC = new Set<string>(OIDC_SCOPES);

function firstPartySkipsConsent(scope: string, client: Client, api: ResourceServer | undefined): boolean {
  if (!client.is_first_party) return false;
  if (OIDC.has(scope) || api === undefined) return true;
  return api.skip_consent_for_verifiable_first_party_clients !== false;
}
