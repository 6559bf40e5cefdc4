import { existsSync, readFileSync } from 'node:fs';

/**
 * The password rules (ASVS 5 §6.2, NIST SP 800-63B §3.1.1.2): a length between 8 and 256
 * characters counted as Unicode code points, any character allowed, no composition rules, and none
 * of the common passwords of the list shipped in `resources/common-passwords.txt` (its header
 * names the source). Checked wherever a password is set: the tenant file, `latchkey users create`,
 * and user registration.
 */
export const PASSWORD_MIN_LENGTH = 8;
/** ASVS 6.2.9 asks that at least 64 be allowed; the login form accepts the same. */
export const PASSWORD_MAX_LENGTH = 256;

export type PasswordProblem = 'too_short' | 'too_long' | 'common' | 'same_as_email';

const MESSAGES: Record<PasswordProblem, string> = {
  too_short: `must be at least ${PASSWORD_MIN_LENGTH} characters`,
  too_long: `must be at most ${PASSWORD_MAX_LENGTH} characters`,
  common: 'is one of the most common passwords; choose another',
  same_as_email: 'must not be the email address',
};

/** What is wrong with a new password, or undefined when it may be used. */
export function checkPassword(password: string, context: { email?: string | undefined } = {}): PasswordProblem | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return 'too_short';
  if (length > PASSWORD_MAX_LENGTH) return 'too_long';
  const normalised = normalise(password);
  if (commonPasswords().has(normalised)) return 'common';
  if (context.email !== undefined && normalised === normalise(context.email.trim())) return 'same_as_email';
  return undefined;
}

/** The problem as the end of a sentence about the password ("password must be …"). */
export function describePasswordProblem(problem: PasswordProblem): string {
  return MESSAGES[problem];
}

function normalise(value: string): string {
  return value.normalize('NFKC').toLowerCase();
}

/** The deny list: how many passwords it holds, and whether it holds one (normalised). */
export interface DenyList {
  readonly size: number;
  has(password: string): boolean;
}

let common: DenyList | undefined;

/**
 * The deny list, read once: one password per line, `#` starts a comment line. It stays one string
 * with a newline around each password (170 KB) rather than a Set of 18,000 strings (1.2 MB of heap
 * for as long as the server runs); a lookup scans it in about 40 µs, and lookups happen only when
 * a password is chosen, next to an argon2id hash that takes tens of milliseconds.
 */
export function commonPasswords(): DenyList {
  if (common) return common;
  const entries = readFileSync(denyListPath(), 'utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#'));
  const joined = `\n${entries.join('\n')}\n`;
  common = {
    size: entries.length,
    // A password with a newline cannot be on the list, and must not match across two lines.
    has: (password) => !password.includes('\n') && joined.includes(`\n${password}\n`),
  };
  return common;
}

// The file sits at the package root: three folders up from src/protocol/users, four from dist/src/….
function denyListPath(): URL {
  for (const up of ['../../../', '../../../../']) {
    const url = new URL(`${up}resources/common-passwords.txt`, import.meta.url);
    if (existsSync(url)) return url;
  }
  throw new Error('resources/common-passwords.txt is missing from the package');
}
