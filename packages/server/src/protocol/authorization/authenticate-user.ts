import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../../crypto/passwords.js';
import type { ProtocolContext } from '../context.js';
import type { User } from '../model.js';
import { PASSWORD_MAX_LENGTH } from '../users/password-policy.js';

/** UTF-16 units: PASSWORD_MAX_LENGTH code points take at most twice as many. */
const MAX_PASSWORD_INPUT = 2 * PASSWORD_MAX_LENGTH;

/**
 * Checks an email and password against the database connection. An unknown email is verified
 * against a dummy hash, so both failures take the same time and read the same (ASVS 6.3.8).
 * A hash made with older parameters is replaced once the password has been seen to match.
 */
export async function authenticateUser(ctx: ProtocolContext, email: string, password: string): Promise<User | undefined> {
  // Longer than any address (RFC 5321) or any password the policy lets be set: no lookup, but the
  // same hash work, so the answer and its time say nothing either way.
  const plausible = email.length <= 320 && password.length <= MAX_PASSWORD_INPUT;
  const user = plausible ? await ctx.storage.users.findByEmail(email.trim()) : undefined;
  const hash = user?.password_hash ?? (await dummyPasswordHash());
  const ok = await verifyPassword(hash, plausible ? password : '');
  if (!ok || !user?.password_hash) return undefined;
  if (needsRehash(user.password_hash)) {
    const upgraded = await hashPassword(password);
    if (await ctx.storage.users.replacePasswordHash(user.user_id, user.password_hash, upgraded)) return { ...user, password_hash: upgraded };
  }
  return user;
}
