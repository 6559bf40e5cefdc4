import { hash, verify } from '@node-rs/argon2';

// Algorithm.Argon2id of @node-rs/argon2 (an ambient const enum, so spelled out here).
const ARGON2ID = 2;
// Argon2 version 1.3 (0x13), the only one @node-rs/argon2 writes.
const ARGON2_VERSION = 19;

/**
 * argon2id with the OWASP Password Storage Cheat Sheet parameters (m=19 MiB, t=2, p=1).
 */
const ARGON2_OPTIONS = {
  algorithm: ARGON2ID,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/**
 * Whether a stored hash was made with other parameters than today's (an older cost, another
 * algorithm): it is replaced at the user's next successful sign-in, when the password is known
 * (OWASP Password Storage Cheat Sheet, "upgrading the work factor").
 */
export function needsRehash(storedHash: string): boolean {
  const match = /^\$argon2id\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(storedHash);
  if (!match) return true;
  const [version, memoryCost, timeCost, parallelism] = match.slice(1).map(Number);
  return (
    version !== ARGON2_VERSION ||
    memoryCost !== ARGON2_OPTIONS.memoryCost ||
    timeCost !== ARGON2_OPTIONS.timeCost ||
    parallelism !== ARGON2_OPTIONS.parallelism
  );
}

export async function verifyPassword(storedHash: string, password: string): Promise<boolean> {
  try {
    return await verify(storedHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/**
 * A hash to verify against when the account does not exist, so an unknown email takes as long as a
 * wrong password and the answer does not reveal which accounts exist.
 */
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword('latchkey-dummy-password-for-timing');
  return dummyHash;
}
