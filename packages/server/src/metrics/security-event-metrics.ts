import type { SecurityEvent } from '../protocol/events/security-event.js';
import { securityEvents, signIns, tokensIssued } from './metrics.js';

const GRANT_OF_EXCHANGE: Partial<Record<SecurityEvent['type'], string>> = {
  seacft: 'authorization_code',
  sertft: 'refresh_token',
  sccft: 'client_credentials',
};

/**
 * Counts what the security event log records: sign-ins by result and tokens issued by grant type
 * come from the same events, so the metrics and the log never disagree.
 */
export function countSecurityEvent(event: SecurityEvent): void {
  securityEvents.inc({ type: event.type });
  if (event.type === 's') signIns.inc({ result: 'succeeded' });
  else if (event.type === 'f' || event.type === 'fp' || event.type === 'fu') signIns.inc({ result: 'failed' });
  const grantType = GRANT_OF_EXCHANGE[event.type];
  if (grantType) tokensIssued.inc({ grant_type: grantType });
}
