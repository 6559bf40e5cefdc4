import type { ProtocolContext } from '../context.js';
import type { OAuthError } from '../errors.js';
import type { Client } from '../model.js';
import { recordEvent, type EventOrigin } from './record-event.js';
import type { SecurityEventType } from './security-event.js';

/** Auth0's event types for each grant's exchange: [success, failure]. */
const EXCHANGE_EVENTS: Record<string, [SecurityEventType, SecurityEventType]> = {
  authorization_code: ['seacft', 'feacft'],
  refresh_token: ['sertft', 'fertft'],
  client_credentials: ['sccft', 'fccft'],
};

/** Logs a token endpoint exchange that succeeded (seacft, sertft, sccft). */
export async function recordTokenExchange(
  ctx: ProtocolContext,
  grantType: string,
  client: Client,
  userId: string | undefined,
  origin: EventOrigin,
): Promise<void> {
  const types = EXCHANGE_EVENTS[grantType];
  if (!types) return;
  await recordEvent(ctx, { type: types[0], client, userId, details: { grant_type: grantType } }, origin);
}

/** Logs a token endpoint exchange that failed (feacft, fertft, fccft), with the OAuth error. */
export async function recordFailedTokenExchange(
  ctx: ProtocolContext,
  grantType: string,
  client: Client | undefined,
  clientId: string | undefined,
  error: OAuthError,
  origin: EventOrigin,
): Promise<void> {
  const types = EXCHANGE_EVENTS[grantType];
  if (!types) return;
  await recordEvent(
    ctx,
    { type: types[1], description: error.description ?? error.error, client, clientId, details: { grant_type: grantType, error: error.error } },
    origin,
  );
}
