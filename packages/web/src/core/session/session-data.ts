/**
 * What a session keeps: the tokens of the last token response (RFC 6749 §5.1 names).
 * `expires_at` is seconds since the epoch, computed from `expires_in` when the tokens arrived.
 */
export interface SessionData {
  id_token: string;
  access_token?: string;
  token_type?: string;
  expires_at?: number;
  scope?: string;
  refresh_token?: string;
}

export function isSessionData(value: unknown): value is SessionData {
  if (value === null || typeof value !== 'object') return false;
  const data = value as Record<string, unknown>;
  return (
    typeof data.id_token === 'string' &&
    optional(data.access_token, 'string') &&
    optional(data.token_type, 'string') &&
    optional(data.expires_at, 'number') &&
    optional(data.scope, 'string') &&
    optional(data.refresh_token, 'string')
  );
}

function optional(value: unknown, type: 'string' | 'number'): boolean {
  return value === undefined || typeof value === type;
}
