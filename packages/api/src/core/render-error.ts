import { InsufficientScopeError, type BearerError } from './errors.js';

/** The realm of every challenge this package sends. */
export const REALM = 'api';

export interface BearerErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: string; error_description: string; scope?: string };
}

/**
 * Keeps only the characters RFC 6750 §3 allows inside the quoted `error_description` and `scope`
 * attributes (%x20-21 / %x23-5B / %x5D-7E), so no value can break out of the quoted string.
 */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

/**
 * Turns an error into the status, headers and JSON body sent to the client; the one place where
 * errors are rendered, used by both the Express and the Fastify adapter.
 * @see RFC 6750 §3 (the `WWW-Authenticate: Bearer` challenge and its attributes)
 */
export function renderBearerError(error: BearerError): BearerErrorResponse {
  const headers: Record<string, string> = {
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
  };
  const body: BearerErrorResponse['body'] = {
    error: error.code,
    error_description: error.description,
  };

  if (error.status !== 503) {
    const params = [`realm="${REALM}"`];
    if (error.challengeHasError) {
      params.push(`error="${error.code}"`, `error_description="${quotable(error.description)}"`);
    }
    if (error instanceof InsufficientScopeError && error.scope) {
      params.push(`scope="${quotable(error.scope)}"`);
      body.scope = error.scope;
    }
    headers['www-authenticate'] = `Bearer ${params.join(', ')}`;
  }

  return { status: error.status, headers, body };
}
