import type { ProtocolContext } from '../context.js';
import type { Client, User } from '../model.js';
import { recordEvent, type EventOrigin } from './record-event.js';

/** Logs a sign-in with a password (Auth0's `s`). */
export function recordLogin(ctx: ProtocolContext, client: Client, user: User, origin: EventOrigin = {}): Promise<void> {
  return recordEvent(ctx, { type: 's', client, user }, origin);
}

/**
 * Logs a sign-in refused by throttling, before any password check: `limit_wc` when the account
 * (or its trusted device) is locked, `limit_mu` when the address is. No lookup: the same for
 * accounts that exist and those that do not.
 */
export function recordBlockedLogin(
  ctx: ProtocolContext,
  client: Client,
  email: string,
  blocked: 'account' | 'address',
  origin: EventOrigin = {},
): Promise<void> {
  return recordEvent(ctx, { type: blocked === 'account' ? 'limit_wc' : 'limit_mu', client, userName: email.trim().slice(0, 320).toLowerCase() }, origin);
}

/**
 * Logs a failed sign-in: `fp` when the account exists (wrong password), `fu` when no account has
 * that email. The user still sees one message for both (ASVS 6.3.8); only the log tells them apart.
 */
export async function recordFailedLogin(ctx: ProtocolContext, client: Client, email: string, origin: EventOrigin = {}): Promise<void> {
  const trimmed = email.trim().slice(0, 320);
  const user = trimmed === '' ? undefined : await ctx.storage.users.findByEmail(trimmed);
  await recordEvent(
    ctx,
    user
      ? { type: 'fp', description: 'Wrong email or password', client, user }
      : { type: 'fu', description: 'Wrong email or password', client, userName: trimmed.toLowerCase() },
    origin,
  );
}
