/**
 * One OAuth error model for every endpoint (RFC 6749 §4.1.2.1, §5.2; RFC 6750 §3.1;
 * OpenID Connect Core §3.1.2.6). The HTTP layer decides how to render it: a redirect to
 * a verified redirect_uri, a JSON body, a WWW-Authenticate header or an HTML page.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'slow_down'
  | 'request_not_supported'
  | 'request_uri_not_supported';

const defaultStatus: Record<OAuthErrorCode, number> = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  unsupported_response_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  server_error: 500,
  temporarily_unavailable: 503,
  login_required: 400,
  consent_required: 400,
  interaction_required: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  slow_down: 429,
  request_not_supported: 400,
  request_uri_not_supported: 400,
};

// RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
function safeDescription(text: string): string {
  return text.replace(/[^\x20-\x21\x23-\x5b\x5d-\x7e]/g, ' ').slice(0, 300);
}

export class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly description: string | undefined;
  readonly status: number;

  constructor(error: OAuthErrorCode, description?: string, options: { status?: number; cause?: unknown } = {}) {
    super(description ? `${error}: ${description}` : error, { cause: options.cause });
    this.name = 'OAuthError';
    this.error = error;
    this.description = description === undefined ? undefined : safeDescription(description);
    this.status = options.status ?? defaultStatus[error];
  }

  toJSON(): { error: OAuthErrorCode; error_description?: string } {
    return this.description === undefined
      ? { error: this.error }
      : { error: this.error, error_description: this.description };
  }
}

export const invalidRequest = (description: string) => new OAuthError('invalid_request', description);
export const invalidClient = (description: string) => new OAuthError('invalid_client', description);
export const invalidGrant = (description: string) => new OAuthError('invalid_grant', description);
export const invalidScope = (description: string) => new OAuthError('invalid_scope', description);
export const unauthorizedClient = (description: string) => new OAuthError('unauthorized_client', description);
export const accessDenied = (description: string) => new OAuthError('access_denied', description);

/**
 * An error found at the authorization endpoint. `redirectUri` is set only once the client and its
 * redirect_uri are verified (RFC 6749 §4.1.2.1): without it the error is shown on a page, never redirected.
 */
export class AuthorizationError extends OAuthError {
  readonly redirectUri: string | undefined;
  readonly state: string | undefined;
  readonly responseMode: 'query' | 'form_post';

  constructor(
    error: OAuthErrorCode,
    description: string,
    target?: { redirectUri: string; state: string | undefined; responseMode: 'query' | 'form_post' },
  ) {
    super(error, description);
    this.name = 'AuthorizationError';
    this.redirectUri = target?.redirectUri;
    this.state = target?.state;
    this.responseMode = target?.responseMode ?? 'query';
  }
}
