/** The values of the JWT `typ` header an access token may carry (RFC 9068 §4). */
export type AccessTokenType = 'at+jwt' | 'application/at+jwt';

/** Asymmetric JWS algorithms (RFC 7518 §3.1, RFC 8037 §3.1); the only ones an access token may use. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256', 'RS384', 'RS512',
  'PS256', 'PS384', 'PS512',
  'ES256', 'ES384', 'ES512',
  'EdDSA', 'Ed25519',
] as const;

export type AsymmetricAlgorithm = (typeof ASYMMETRIC_ALGORITHMS)[number];

export interface AccessTokenVerifierOptions {
  /**
   * Base URL of the authorization server. Its metadata is discovered at
   * `<issuerBaseURL>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0 §4), whose
   * `issuer` must equal this URL (give or take a trailing slash) and is then the expected `iss`.
   * Use this, or `issuer`.
   */
  issuerBaseURL?: string;
  /**
   * The exact expected `iss` claim (RFC 9068 §4). Without `jwksUri` the keys are found through
   * discovery at `<issuer>.well-known/openid-configuration` (a `/` is added when missing), whose
   * `issuer` must equal this value exactly (OpenID Connect Discovery 1.0 §4.3).
   */
  issuer?: string;
  /** URL of the issuer's JSON Web Key Set; skips discovery. Only together with `issuer`. */
  jwksUri?: string;
  /** This API's identifier(s); the token's `aud` must contain one of them (RFC 9068 §4). Required. */
  audience: string | readonly string[];
  /**
   * Accepted JWS algorithms. Default `['RS256']` (RFC 9068 §2.1). `none` and the HMAC algorithms
   * (`HS*`) are refused when the options are read: an access token is verified with the issuer's
   * public key, and HMAC with a public key as the secret is the classic algorithm confusion attack.
   */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Seconds of leeway for `exp` and `nbf` (RFC 7519 §4.1.4). Default 5. */
  clockTolerance?: number;
  /** Accepted `typ` header values. Default `['at+jwt']`; add `'application/at+jwt'` to accept both. */
  tokenTypes?: readonly AccessTokenType[];
  /** Milliseconds after a key set fetch during which an unknown `kid` does not fetch again. Default 30000. */
  cooldownDuration?: number;
  /** Milliseconds the key set is cached before it is fetched again. Default 600000 (10 minutes). */
  cacheMaxAge?: number;
  /** Milliseconds to wait for the discovery document or the key set. Default 5000. */
  timeoutDuration?: number;
  /** The current time for the `exp`/`nbf` checks and the discovery retry delay. Default `() => new Date()`. */
  clock?: () => Date;
}

/** The options after validation: every default applied, frozen. */
export interface ResolvedVerifierOptions {
  /** Where the issuer and its keys come from. */
  source:
    | { kind: 'static'; issuer: string; jwksUri: URL }
    | { kind: 'discovery'; discoveryUrl: URL; acceptedIssuers: readonly string[] };
  audience: readonly string[];
  algorithms: readonly AsymmetricAlgorithm[];
  clockTolerance: number;
  tokenTypes: readonly AccessTokenType[];
  cooldownDuration: number;
  cacheMaxAge: number;
  timeoutDuration: number;
  clock: () => Date;
}

const DEFAULTS = {
  algorithms: ['RS256'],
  clockTolerance: 5,
  tokenTypes: ['at+jwt'],
  cooldownDuration: 30_000,
  cacheMaxAge: 600_000,
  timeoutDuration: 5_000,
} as const;

function fail(message: string): never {
  throw new TypeError(`@latchkey/api: ${message}`);
}

function httpUrl(value: unknown, name: string): URL {
  if (typeof value !== 'string' || !URL.canParse(value)) fail(`"${name}" must be an absolute URL`);
  const url = new URL(value);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') fail(`"${name}" must be an http(s) URL`);
  if (url.search || url.hash) fail(`"${name}" must not have a query or a fragment`);
  return url;
}

function duration(
  value: unknown,
  fallback: number,
  name: string,
  { integer = false, infinite = false }: { integer?: boolean; infinite?: boolean } = {},
): number {
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' &&
    value >= 0 &&
    (Number.isFinite(value) || (infinite && value === Infinity)) &&
    (!integer || Number.isInteger(value));
  if (!valid) fail(`"${name}" must be a non-negative ${integer ? 'integer' : 'number'}`);
  return value as number;
}

function algorithmsOf(value: unknown): AsymmetricAlgorithm[] {
  if (value === undefined) return [...DEFAULTS.algorithms];
  if (!Array.isArray(value) || value.length === 0) fail('"algorithms" must be a non-empty array');
  for (const alg of value as unknown[]) {
    if (typeof alg !== 'string') fail('"algorithms" must contain strings');
    // RFC 8725 §3.1 and §2.1: never accept unsigned tokens, never let a public key act as an HMAC secret.
    if (alg.toLowerCase() === 'none') fail('"none" is never accepted: access tokens must be signed');
    if (/^HS/i.test(alg)) {
      fail(`"${alg}" is refused: access tokens are verified with the issuer's public key, never with HMAC`);
    }
    if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
      fail(`"${alg}" is not a supported asymmetric JWS algorithm (${ASYMMETRIC_ALGORITHMS.join(', ')})`);
    }
  }
  return [...new Set(value as AsymmetricAlgorithm[])];
}

function audienceOf(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) fail('"audience" is required (a string or an array of strings)');
  for (const aud of list as unknown[]) {
    if (typeof aud !== 'string' || aud === '') fail('"audience" must contain non-empty strings');
  }
  return [...(list as string[])];
}

function tokenTypesOf(value: unknown): AccessTokenType[] {
  if (value === undefined) return [...DEFAULTS.tokenTypes];
  if (!Array.isArray(value) || value.length === 0) fail('"tokenTypes" must be a non-empty array');
  for (const typ of value as unknown[]) {
    if (typ !== 'at+jwt' && typ !== 'application/at+jwt') {
      fail('"tokenTypes" may contain only "at+jwt" and "application/at+jwt" (RFC 9068 §4)');
    }
  }
  return [...(value as AccessTokenType[])];
}

function sourceOf(options: AccessTokenVerifierOptions): ResolvedVerifierOptions['source'] {
  const { issuerBaseURL, issuer, jwksUri } = options;
  if (issuerBaseURL !== undefined) {
    if (issuer !== undefined || jwksUri !== undefined) {
      fail('use either "issuerBaseURL", or "issuer" (with an optional "jwksUri"), not both');
    }
    const base = httpUrl(issuerBaseURL, 'issuerBaseURL').href;
    const withSlash = base.endsWith('/') ? base : `${base}/`;
    return {
      kind: 'discovery',
      discoveryUrl: new URL('.well-known/openid-configuration', withSlash),
      acceptedIssuers: [...new Set([issuerBaseURL, withSlash, withSlash.slice(0, -1)])],
    };
  }
  if (issuer === undefined) fail('"issuerBaseURL" or "issuer" is required');
  const issuerUrl = httpUrl(issuer, 'issuer');
  if (jwksUri !== undefined) {
    return { kind: 'static', issuer, jwksUri: httpUrl(jwksUri, 'jwksUri') };
  }
  const withSlash = issuerUrl.href.endsWith('/') ? issuerUrl.href : `${issuerUrl.href}/`;
  return {
    kind: 'discovery',
    discoveryUrl: new URL('.well-known/openid-configuration', withSlash),
    acceptedIssuers: [issuer],
  };
}

/**
 * Validates the options once, applies the defaults and freezes the result. Misconfiguration
 * throws a `TypeError` here, at start-up, rather than on the first request.
 */
export function resolveVerifierOptions(options: AccessTokenVerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== 'object' || options === null) fail('options are required');
  const clock = options.clock ?? (() => new Date());
  if (typeof clock !== 'function') fail('"clock" must be a function returning a Date');
  return Object.freeze({
    source: Object.freeze(sourceOf(options)),
    audience: Object.freeze(audienceOf(options.audience)),
    algorithms: Object.freeze(algorithmsOf(options.algorithms)),
    clockTolerance: duration(options.clockTolerance, DEFAULTS.clockTolerance, 'clockTolerance'),
    tokenTypes: Object.freeze(tokenTypesOf(options.tokenTypes)),
    cooldownDuration: duration(options.cooldownDuration, DEFAULTS.cooldownDuration, 'cooldownDuration'),
    cacheMaxAge: duration(options.cacheMaxAge, DEFAULTS.cacheMaxAge, 'cacheMaxAge', { infinite: true }),
    timeoutDuration: duration(options.timeoutDuration, DEFAULTS.timeoutDuration, 'timeoutDuration', { integer: true }),
    clock,
  });
}
