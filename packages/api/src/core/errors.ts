/**
 * Errors a protected resource answers with. One class per outcome, each with a stable `code`
 * a `switch` can narrow on and the HTTP status it maps to.
 *
 * The `description` is always a fixed sentence written here: it never contains the access token
 * or any other request input, so it is safe to send to the client. The underlying reason (a jose
 * error, a network error) goes in `cause`, which is never rendered.
 *
 * @see RFC 6750 §3.1 (error codes of the Bearer scheme)
 */

export type BearerErrorCode =
  | 'unauthorized'
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'temporarily_unavailable';

export abstract class BearerError extends Error {
  abstract readonly code: BearerErrorCode;
  abstract readonly status: 400 | 401 | 403 | 503;
  /** Whether the `WWW-Authenticate` challenge carries `error=` (RFC 6750 §3: not when no token was sent). */
  abstract readonly challengeHasError: boolean;

  constructor(
    readonly description: string,
    options?: { cause?: unknown },
  ) {
    super(description, options);
    this.name = new.target.name;
  }
}

/**
 * The request carried no bearer token at all.
 * @see RFC 6750 §3.1 ("If the request lacks any authentication information ... SHOULD NOT include
 * an error code or other error information" in the challenge)
 */
export class MissingTokenError extends BearerError {
  readonly code = 'unauthorized';
  readonly status = 401;
  readonly challengeHasError = false;

  constructor(description = 'An access token is required') {
    super(description);
  }
}

/**
 * The request is malformed: a broken `Authorization: Bearer` header, several of them, or a token
 * sent another way than the header (the query string is never accepted).
 * @see RFC 6750 §3.1 (invalid_request), §2.1, §5.3 ("Don't pass bearer tokens in page URLs")
 */
export class InvalidRequestError extends BearerError {
  readonly code = 'invalid_request';
  readonly status = 400;
  readonly challengeHasError = true;
}

/**
 * The token is expired, malformed, not signed by the issuer, meant for another audience, etc.
 * @see RFC 6750 §3.1 (invalid_token), RFC 9068 §4
 */
export class InvalidTokenError extends BearerError {
  readonly code = 'invalid_token';
  readonly status = 401;
  readonly challengeHasError = true;
}

/**
 * The token is valid but does not grant what the route needs.
 * @see RFC 6750 §3.1 (insufficient_scope; the `scope` attribute lists the scopes needed)
 */
export class InsufficientScopeError extends BearerError {
  readonly code = 'insufficient_scope';
  readonly status = 403;
  readonly challengeHasError = true;

  constructor(
    description: string,
    /** Space-separated scopes to put in the challenge's `scope` attribute, when scopes were missing. */
    readonly scope?: string,
  ) {
    super(description);
  }
}

/**
 * The issuer's metadata or signing keys could not be fetched (network error, timeout, non-200,
 * not JSON). The token cannot be judged, so this is answered with 503 rather than 401: a 401
 * `invalid_token` would tell the client to throw away a token that may well be valid.
 */
export class IssuerUnavailableError extends BearerError {
  readonly code = 'temporarily_unavailable';
  readonly status = 503;
  readonly challengeHasError = false;
}
