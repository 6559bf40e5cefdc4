import { IssuerUnavailableError } from './errors.js';

export interface DiscoveredIssuer {
  issuer: string;
  jwksUri: URL;
}

const UNAVAILABLE = "The authorization server's metadata could not be retrieved";
const UNUSABLE = "The authorization server's metadata does not match this API's configuration";

/**
 * Fetches the issuer's metadata and keeps the two values a resource server needs.
 *
 * The document's `issuer` must be one of `acceptedIssuers`, otherwise a document served from
 * somewhere else could make the API trust another issuer (OpenID Connect Discovery 1.0 §4.3,
 * RFC 8414 §3.3). Redirects are not followed, for the same reason.
 *
 * @see OpenID Connect Discovery 1.0 §4
 * @throws {IssuerUnavailableError} when the document cannot be fetched, parsed or trusted.
 */
export async function discoverIssuer(
  discoveryUrl: URL,
  acceptedIssuers: readonly string[],
  timeoutDuration: number,
): Promise<DiscoveredIssuer> {
  let metadata: unknown;
  try {
    const response = await fetch(discoveryUrl, {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutDuration),
    });
    if (response.status !== 200) {
      throw new Error(`discovery answered with HTTP ${response.status}`);
    }
    metadata = await response.json();
  } catch (cause) {
    throw new IssuerUnavailableError(UNAVAILABLE, { cause });
  }

  if (typeof metadata !== 'object' || metadata === null) {
    throw new IssuerUnavailableError(UNUSABLE, { cause: new Error('metadata is not a JSON object') });
  }
  const { issuer, jwks_uri: jwksUri } = metadata as Record<string, unknown>;
  if (typeof issuer !== 'string' || !acceptedIssuers.includes(issuer)) {
    throw new IssuerUnavailableError(UNUSABLE, {
      cause: new Error(`metadata issuer ${JSON.stringify(issuer)} is not ${acceptedIssuers.join(' or ')}`),
    });
  }
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri) || !/^https?:$/.test(new URL(jwksUri).protocol)) {
    throw new IssuerUnavailableError(UNUSABLE, { cause: new Error('metadata has no usable jwks_uri') });
  }
  return { issuer, jwksUri: new URL(jwksUri) };
}
