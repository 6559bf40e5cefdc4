/**
 * Every failure of the SDK is a `WebAuthError` with a stable `code`, so an app's error handler can
 * `switch (err.code)` without parsing messages. Details from lower layers (openid-client, fetch)
 * go in `cause`. `status` is the HTTP status an adapter answers with when the app does not handle
 * the error itself (Express and Fastify both honour `status`/`statusCode`).
 */
export abstract class WebAuthError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }

  /** Fastify reads `statusCode`. */
  get statusCode(): number {
    return this.status;
  }
}

/** The options given to the SDK are invalid. */
export class ConfigurationError extends WebAuthError {
  readonly code = 'ERR_CONFIGURATION';
  readonly status = 500;
}

/**
 * The provider's metadata could not be fetched or is not valid.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig
 */
export class DiscoveryError extends WebAuthError {
  readonly code = 'ERR_DISCOVERY';
  readonly status = 502;

  constructor(
    readonly issuerBaseURL: string,
    options?: { cause?: unknown },
  ) {
    const reason = options?.cause === undefined ? '' : `: ${describe(options.cause)}`;
    super(
      `Could not discover the OpenID provider at ${issuerBaseURL} ` +
        `(GET ${wellKnown(issuerBaseURL)})${reason}`,
      options,
    );
  }
}

/**
 * The message of an error and of its causes: openid-client and fetch keep the actual reason
 * (connection refused, HTTP 404, issuer mismatch) in `cause`.
 */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error && cause.message !== error.message) {
    return `${error.message}: ${describe(cause)}`;
  }
  return error.message;
}

function wellKnown(issuer: string): string {
  try {
    const url = new URL(issuer);
    url.pathname = `${url.pathname}/.well-known/openid-configuration`.replace('//', '/');
    return url.href;
  } catch {
    return issuer;
  }
}

/** The callback was hit, but no login was started from this browser (or it expired). */
export class MissingTransactionError extends WebAuthError {
  readonly code = 'ERR_MISSING_TRANSACTION';
  readonly status = 400;
}

/**
 * The `state` of the authorization response is not the one this browser's login sent.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-10.12
 */
export class StateMismatchError extends WebAuthError {
  readonly code = 'ERR_STATE_MISMATCH';
  readonly status = 400;
}

/**
 * The provider answered the authorization request with `error=...`.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1
 */
export class AuthorizationError extends WebAuthError {
  readonly code = 'ERR_AUTHORIZATION';
  readonly status = 400;

  constructor(
    readonly error: string,
    readonly error_description: string | undefined,
    options?: { cause?: unknown },
  ) {
    super(
      `The provider returned error=${error}` +
        (error_description ? ` (${error_description})` : ''),
      options,
    );
  }
}

/**
 * The authorization response or the token response failed validation (issuer per RFC 9207,
 * ID token signature and claims, nonce, PKCE, or the code exchange itself).
 */
export class CallbackValidationError extends WebAuthError {
  readonly code = 'ERR_CALLBACK_VALIDATION';
  readonly status = 400;
}

/** A route needs a logged-in user and there is none. */
export class UnauthenticatedError extends WebAuthError {
  readonly code = 'ERR_UNAUTHENTICATED';
  readonly status = 401;
}

/** The session holds no access token (not logged in, or the provider did not issue one). */
export class NoAccessTokenError extends WebAuthError {
  readonly code = 'ERR_NO_ACCESS_TOKEN';
  readonly status = 401;
}

/** The access token expired and there is no refresh token to get a new one. */
export class AccessTokenExpiredError extends WebAuthError {
  readonly code = 'ERR_ACCESS_TOKEN_EXPIRED';
  readonly status = 401;
}

/**
 * The refresh token grant failed (revoked or expired refresh token, provider unreachable).
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 */
export class RefreshError extends WebAuthError {
  readonly code = 'ERR_REFRESH_FAILED';
  readonly status = 401;
}

/** The user info request failed. */
export class UserInfoError extends WebAuthError {
  readonly code = 'ERR_USERINFO';
  readonly status = 502;
}

/** Every `code` a {@link WebAuthError} can have, for exhaustive `switch` statements. */
export type WebAuthErrorCode =
  | ConfigurationError['code']
  | DiscoveryError['code']
  | MissingTransactionError['code']
  | StateMismatchError['code']
  | AuthorizationError['code']
  | CallbackValidationError['code']
  | UnauthenticatedError['code']
  | NoAccessTokenError['code']
  | AccessTokenExpiredError['code']
  | RefreshError['code']
  | UserInfoError['code'];
