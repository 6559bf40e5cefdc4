import type { ProtocolContext } from '../context.js';
import type { Client, User } from '../model.js';
import { eventId } from './event-id.js';
import { SECURITY_EVENT_TYPES, type SecurityEventType } from './security-event.js';

/** Where a request came from, as the HTTP layer tells it (the client IP honours `trust proxy`). */
export interface EventOrigin {
  ip?: string | undefined;
  user_agent?: string | undefined;
}

export interface EventInput {
  type: SecurityEventType;
  /** Defaults to the type's description. */
  description?: string | undefined;
  client?: Pick<Client, 'client_id' | 'name'> | undefined;
  /** Used when the client record is unknown (e.g. an unknown client_id was presented). */
  clientId?: string | undefined;
  user?: Pick<User, 'user_id' | 'email'> | undefined;
  userId?: string | undefined;
  userName?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** Longest user agent and names kept: the log must not become a place to store arbitrary input. */
const MAX_TEXT = 512;
const clip = (value: string | undefined | null) => (value === undefined || value === null ? null : value.slice(0, MAX_TEXT));

/**
 * Appends one entry to the security event log. Secrets never go in: callers pass records and
 * error codes, not request bodies.
 */
export async function recordEvent(ctx: ProtocolContext, input: EventInput, origin: EventOrigin = {}): Promise<void> {
  await ctx.storage.securityEvents.record({
    id: eventId(Date.now()),
    date: ctx.clock.now(),
    type: input.type,
    description: clip(input.description ?? SECURITY_EVENT_TYPES[input.type]),
    client_id: clip(input.client?.client_id ?? input.clientId),
    client_name: clip(input.client?.name),
    user_id: clip(input.user?.user_id ?? input.userId),
    user_name: clip(input.user?.email ?? input.userName),
    ip: clip(origin.ip),
    user_agent: clip(origin.user_agent),
    details: input.details ?? null,
  });
}
