import { hashSecret, randomToken } from '../../crypto/random.js';
import type { ProtocolContext } from '../context.js';
import type { LoginSession } from '../model.js';

/**
 * The login session of a browser at the authorization server. The cookie carries a 256-bit random
 * value; storage keeps only its hash. Sessions end after a time without use (idle) and after an
 * absolute lifetime, whichever comes first (ASVS 7.3.1–7.3.2).
 */
export async function findLiveSession(ctx: ProtocolContext, cookieValue: string | undefined): Promise<LoginSession | undefined> {
  if (!cookieValue || cookieValue.length > 128) return undefined;
  const idHash = hashSecret(cookieValue);
  const session = await ctx.storage.sessions.findByHash(idHash);
  if (!session) return undefined;
  const now = ctx.clock.now();
  if (now >= session.expires_at || now - session.last_active_at >= ctx.settings.sessionIdleTtl) {
    await ctx.storage.sessions.delete(idHash);
    return undefined;
  }
  return session;
}

/** Marks the session used now, so the idle timeout starts again; skipped when used within the last minute. */
export async function touchSession(ctx: ProtocolContext, session: LoginSession): Promise<void> {
  const now = ctx.clock.now();
  if (now - session.last_active_at >= 60) await ctx.storage.sessions.touch(session.id_hash, now);
}

/**
 * Starts a new session after a successful sign-in. The previous session of the browser, if any,
 * is deleted: a new identifier at every sign-in prevents session fixation (ASVS 7.2.4).
 */
export async function startSession(
  ctx: ProtocolContext,
  userId: string,
  previousCookie: string | undefined,
): Promise<{ cookieValue: string; session: LoginSession }> {
  if (previousCookie) await ctx.storage.sessions.delete(hashSecret(previousCookie));
  const now = ctx.clock.now();
  const cookieValue = randomToken(32);
  const session: LoginSession = {
    id_hash: hashSecret(cookieValue),
    sid: randomToken(16),
    user_id: userId,
    auth_time: now,
    created_at: now,
    last_active_at: now,
    expires_at: now + ctx.settings.sessionAbsoluteTtl,
  };
  await ctx.storage.sessions.create(session);
  return { cookieValue, session };
}

export async function endSession(ctx: ProtocolContext, cookieValue: string | undefined): Promise<LoginSession | undefined> {
  const session = await findLiveSession(ctx, cookieValue);
  if (cookieValue) await ctx.storage.sessions.delete(hashSecret(cookieValue));
  return session;
}
