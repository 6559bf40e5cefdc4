/**
 * argon2id with the parameters Latchkey hashes passwords with (OWASP Password Storage Cheat
 * Sheet: m=19 MiB, t=2, p=1), so the peer's sign-in and the argon2 limit do the same work.
 */
export const ARGON2ID_OPTIONS = {
  // Algorithm.Argon2id of @node-rs/argon2 (an ambient const enum, so spelled out here).
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;
