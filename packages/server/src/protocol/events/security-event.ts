/**
 * The security event log: who signed in, failed, exchanged a code or refresh token, or signed out,
 * from where. Type codes and field names are Auth0's (log event type codes and the log object of
 * the Management API), so tooling written for Auth0's logs reads these the same.
 * @see https://auth0.com/docs/deploy-monitor/logs/log-event-type-codes
 */
export const SECURITY_EVENT_TYPES = {
  s: 'Success Login',
  f: 'Failed Login',
  fp: 'Failed Login (Incorrect Password)',
  fu: 'Failed Login (Invalid Email/Username)',
  ssa: 'Success Silent Auth',
  fsa: 'Failed Silent Auth',
  seacft: 'Success Exchange (Authorization Code for Access Token)',
  feacft: 'Failed Exchange (Authorization Code for Access Token)',
  sertft: 'Success Exchange (Refresh Token for Access Token)',
  fertft: 'Failed Exchange (Refresh Token for Access Token)',
  sccft: 'Success Exchange (Client Credentials for Access Token)',
  fccft: 'Failed Exchange (Client Credentials for Access Token)',
  srrt: 'Success Revocation',
  slo: 'Success Logout',
  flo: 'Failed Logout',
  limit_wc: 'Blocked Account',
  limit_mu: 'Blocked IP Address',
} as const;

export type SecurityEventType = keyof typeof SECURITY_EVENT_TYPES;

export function isSecurityEventType(value: string): value is SecurityEventType {
  return Object.hasOwn(SECURITY_EVENT_TYPES, value);
}

/** One entry of the log (Auth0's log object, `log_id` → `id`, `date` in seconds). */
export interface SecurityEvent {
  id: string;
  /** Seconds since the epoch. */
  date: number;
  type: SecurityEventType;
  description: string | null;
  client_id: string | null;
  client_name: string | null;
  user_id: string | null;
  /** The email the user signed in with (or tried to). */
  user_name: string | null;
  ip: string | null;
  user_agent: string | null;
  /** Extra facts as JSON (an OAuth error code, a grant type); never a secret. */
  details: Record<string, unknown> | null;
}

export interface SecurityEventFilter {
  types?: readonly SecurityEventType[];
  /** Matches `user_id` or `user_name`. */
  user?: string;
  clientId?: string;
  ip?: string;
  /** Inclusive lower bound on `date`. */
  from?: number;
  /** Exclusive upper bound on `date`. */
  to?: number;
  /** Newest first; default 100, at most 1000. */
  limit?: number;
}
