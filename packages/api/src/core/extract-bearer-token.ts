import { InvalidRequestError } from './errors.js';

/** What the token extraction needs from an HTTP request, whatever the framework. */
export interface BearerRequest {
  /**
   * Every `Authorization` header of the request: Node keeps only the first one in
   * `req.headers`, so pass `req.headersDistinct.authorization` to see duplicates.
   */
  authorization: string | readonly string[] | undefined;
  /** The request target (path and query string), e.g. `/api/messages?page=2`. */
  url: string;
}

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token; b64token = 1*( ALPHA / DIGIT / "-" / "." /
// "_" / "~" / "+" / "/" ) *"=". Anchored and without nested quantifiers, so linear on any input.
const SCHEME = /^\S+/;
const CREDENTIALS = /^ +([A-Za-z0-9\-._~+/]+=*)$/;

/**
 * Returns the bearer token of a request, or `undefined` when it carries none.
 *
 * Only the `Authorization: Bearer` header is read (RFC 6750 §2.1). A token in the query string
 * (§2.3) is refused outright, even alongside a header: URLs end up in logs and browser history
 * (§5.3), and more than one method per request is `invalid_request` (§3.1). A header with another
 * scheme (e.g. `Basic`) is not a bearer token, so it counts as none.
 *
 * @throws {InvalidRequestError} for a malformed or repeated header, or a token in the query string.
 */
export function extractBearerToken(request: BearerRequest): string | undefined {
  const query = request.url.indexOf('?');
  if (query !== -1 && new URLSearchParams(request.url.slice(query + 1)).has('access_token')) {
    throw new InvalidRequestError('Access tokens are accepted only in the Authorization header');
  }

  let header = request.authorization;
  if (Array.isArray(header)) {
    if (header.length > 1) {
      throw new InvalidRequestError('The request has more than one Authorization header');
    }
    header = header[0];
  }
  if (typeof header !== 'string' || header.trim() === '') return undefined;

  const value = header.trim();
  const scheme = SCHEME.exec(value)![0];
  if (scheme.toLowerCase() !== 'bearer') return undefined;

  const credentials = CREDENTIALS.exec(value.slice(scheme.length));
  if (!credentials) {
    throw new InvalidRequestError('The Authorization header is not of the form Bearer <token>');
  }
  return credentials[1]!;
}
