import { decodeProtectedHeader, errors, jwtVerify } from 'jose';
import type { JWTHeaderParameters, JWTPayload, JWTVerifyGetKey } from 'jose';
import { BearerError, InvalidTokenError, IssuerUnavailableError } from './errors.js';
import { createIssuerKeys } from './issuer-keys.js';
import { resolveVerifierOptions } from './options.js';
import type { AccessTokenType, AccessTokenVerifierOptions } from './options.js';

/** Claims of an RFC 9068 access token, plus the `permissions` claim of role-based access control. */
export interface AccessTokenPayload extends JWTPayload {
  client_id?: string;
  /** Space-separated scopes granted (RFC 9068 §2.2.3, RFC 8693 §4.2). */
  scope?: string;
  /** Permissions granted to the subject, when the API enables role-based access control. */
  permissions?: string[];
}

/** What a verified request carries: `req.auth` in Express, `request.auth` in Fastify. */
export interface VerifiedAccessToken {
  payload: AccessTokenPayload;
  header: JWTHeaderParameters;
  token: string;
}

export interface AccessTokenVerifier {
  /**
   * Verifies a JWT access token.
   * @throws {InvalidTokenError} when the token is not acceptable.
   * @throws {IssuerUnavailableError} when the issuer's metadata or keys cannot be fetched.
   */
  verify(token: string): Promise<VerifiedAccessToken>;
}

/** Claims RFC 9068 §2.2 makes mandatory in every JWT access token. */
const REQUIRED_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'] as const;

const KEYS_UNAVAILABLE = "The authorization server's signing keys could not be retrieved";
const ALG_REFUSED = 'The access token is signed with an algorithm this API does not accept';

/**
 * Errors of jose's remote key set that mean the keys could not be fetched (network failure,
 * timeout, non-200, not a JWK Set), as opposed to a token naming a key the set does not have.
 */
function isKeyFetchFailure(error: unknown): boolean {
  if (!(error instanceof errors.JOSEError)) return true;
  return (
    error.code === errors.JOSEError.code ||
    error.code === errors.JWKSTimeout.code ||
    error.code === errors.JWKSInvalid.code
  );
}

/** RFC 9068 §4: the `typ` header must say this is an access token, so an ID token is never taken for one. */
function checkTokenType(header: JWTHeaderParameters, accepted: readonly AccessTokenType[]): void {
  const typ = typeof header.typ === 'string' ? header.typ.toLowerCase() : undefined;
  // Media types are case-insensitive (RFC 7515 §4.1.9, RFC 2045 §5.1).
  if (typ === undefined || !(accepted as readonly string[]).includes(typ)) {
    throw new InvalidTokenError(`The token is not an access token (typ must be ${accepted.join(' or ')})`);
  }
}

/**
 * A fixed description per failure. jose's own messages are never passed on: the client learns
 * what is wrong without any token content being echoed back.
 */
function describe(error: unknown): string {
  if (!(error instanceof errors.JOSEError)) return 'The access token is invalid';
  switch (error.code) {
    case errors.JWTExpired.code:
      return 'The access token expired';
    case errors.JWTClaimValidationFailed.code: {
      const { claim, reason } = error as errors.JWTClaimValidationFailed;
      if (reason === 'missing' && (REQUIRED_CLAIMS as readonly string[]).includes(claim)) {
        return `The access token lacks the ${claim} claim`;
      }
      switch (claim) {
        case 'iss':
          return 'The access token was not issued by the expected issuer';
        case 'aud':
          return 'The access token is not meant for this API';
        case 'nbf':
          return 'The access token is not valid yet';
        default:
          return 'The access token has an invalid claim';
      }
    }
    case errors.JOSEAlgNotAllowed.code:
      return ALG_REFUSED;
    case errors.JWSSignatureVerificationFailed.code:
      return 'The access token signature is invalid';
    case errors.JWKSNoMatchingKey.code:
    case errors.JWKSMultipleMatchingKeys.code:
      return "The access token is not signed with one of the issuer's keys";
    case errors.JWSInvalid.code:
    case errors.JWTInvalid.code:
      return 'The access token is malformed';
    default:
      return 'The access token is invalid';
  }
}

/**
 * Creates a verifier of JWT access tokens for one API: signature with the issuer's keys and an
 * allowed asymmetric algorithm, `typ`, `iss`, `aud`, `exp`/`nbf` with the clock tolerance, and the
 * claims the profile requires.
 *
 * @see RFC 9068 §4 (validating JWT access tokens), RFC 8725 (JWT best current practices)
 * @throws {TypeError} right away when the options are invalid.
 */
export function createAccessTokenVerifier(options: AccessTokenVerifierOptions): AccessTokenVerifier {
  const config = resolveVerifierOptions(options);
  const issuerKeys = createIssuerKeys(config);

  return {
    async verify(token) {
      // Refuse what can be refused from the header alone before the issuer is contacted, so
      // garbage, unsigned or HMAC tokens never cause a discovery or key set request.
      let header: JWTHeaderParameters;
      try {
        header = decodeProtectedHeader(token) as JWTHeaderParameters;
      } catch (cause) {
        throw new InvalidTokenError('The access token is malformed', { cause });
      }
      if (typeof header.alg !== 'string' || !(config.algorithms as readonly string[]).includes(header.alg)) {
        throw new InvalidTokenError(ALG_REFUSED);
      }
      checkTokenType(header, config.tokenTypes);

      const { issuer, keys } = await issuerKeys();

      const getKey: JWTVerifyGetKey = async (verifiedHeader, jws) => {
        try {
          return await keys(verifiedHeader, jws);
        } catch (error) {
          if (isKeyFetchFailure(error)) throw new IssuerUnavailableError(KEYS_UNAVAILABLE, { cause: error });
          throw error;
        }
      };

      try {
        const { payload, protectedHeader } = await jwtVerify<AccessTokenPayload>(token, getKey, {
          issuer,
          audience: [...config.audience],
          algorithms: [...config.algorithms],
          clockTolerance: config.clockTolerance,
          currentDate: config.clock(),
          requiredClaims: [...REQUIRED_CLAIMS],
        });
        return { payload, header: protectedHeader, token };
      } catch (error) {
        if (error instanceof BearerError) throw error;
        throw new InvalidTokenError(describe(error), { cause: error });
      }
    },
  };
}
