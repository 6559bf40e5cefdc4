import { dummyPasswordHash, hashPassword, needsRehash, verifyPassword } from '../../crypto/passwords.js';
import type { ProtocolContext } from '../context.js';
import type { User } from '../model.js';

/**
 * Checks an email and password against the database connection. An unknown email is verified
 * against a dummy hash, so both failures take the same time and read the same (ASVS 6.3.8).
 * A hash made with older parameters is replaced once the password has been seen to match.
 */
export async function authenticateUser(ctx: ProtocolContext, email: string, password: string): Promise<User | undefined> {
  const user = email.length <= 320 ? await ctx.storage.users.findByEmail(email.trim()) : undefined;
  const hash = user?.password_hash ?? (await dummyPasswordHash());
  const ok = await verifyPassword(hash, password);
  if (!ok || !user?.password_hash) return undefined;
  if (needsRehash(user.password_hash)) {
    const upgraded = await hashPassword(password);
    if (await ctx.storage.users.replacePasswordHash(user.user_id, user.password_hash, upgraded)) return { ...user, password_hash: upgraded };
  }
  return user;
}
