import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { randomToken } from '../../crypto/random.js';
import type { RateLimit, RateLimiter, RateLimitState } from '../../limits/rate-limiter.js';
import type { Clock } from '../context.js';

/**
 * Sign-in attempts allowed per window. Each tier whose count is exceeded refuses further attempts
 * until enough of its window has slid past, so the wait grows with the attempts (a minute, then a
 * quarter of an hour, then an hour) and no lock is permanent (ASVS 6.3.1, OWASP Authentication
 * Cheat Sheet "Account Lockout"). A successful sign-in clears the account's (or device's) count.
 */
export interface SignInThrottleSettings {
  /** Per account (the email as typed, known or not, so the answer reveals nothing about it). */
  readonly account: readonly RateLimit[];
  /** Failures per client IP (IPv6 per /64): password spraying across many accounts. */
  readonly ip: readonly RateLimit[];
  /** Per trusted device: a browser where the account signed in before, which skips the two above. */
  readonly device: readonly RateLimit[];
  /** Seconds a device stays trusted after a successful sign-in. */
  readonly deviceTtl: number;
}

export const DEFAULT_SIGN_IN_THROTTLE: SignInThrottleSettings = {
  account: [
    { limit: 5, window: 60 },
    { limit: 10, window: 15 * 60 },
    { limit: 20, window: 60 * 60 },
  ],
  ip: [
    { limit: 30, window: 60 },
    { limit: 100, window: 60 * 60 },
  ],
  device: [
    { limit: 5, window: 60 },
    { limit: 10, window: 15 * 60 },
    { limit: 20, window: 60 * 60 },
  ],
  deviceTtl: 90 * 86_400,
};

/** Who is trying: the keys the attempts count against. */
export interface SignInAttempt {
  readonly account: string;
  readonly ip: string;
  /** Set when the browser presented a valid device cookie for this very account. */
  readonly device: string | undefined;
}

export type ThrottleDecision =
  | { readonly allowed: true }
  /** `blocked`: what the lock is on — the account (or its trusted device), or the client's address. */
  | { readonly allowed: false; readonly retryAfter: number; readonly blocked: 'account' | 'address' };

/**
 * Throttling of the password check, on the shared rate limiter (one process, or every instance
 * through Redis). An attacker hammering an account from elsewhere locks that account for browsers
 * without history, but not its owner's browser: a successful sign-in leaves a signed device cookie
 * naming the account (OWASP "Slow Down Online Guessing Attacks with Device Cookies"), and attempts
 * that carry it are counted per device instead of per account and IP.
 */
export class SignInThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly clock: Clock,
    private readonly deviceKey: string,
    private readonly settings: SignInThrottleSettings = DEFAULT_SIGN_IN_THROTTLE,
  ) {}

  /** The keys of an attempt; the device cookie counts only if it is ours, unexpired, and for this account. */
  attempt(email: string, ip: string, deviceCookie: string | undefined): SignInAttempt {
    const account = accountHash(email);
    return { account, ip: ipBucket(ip), device: this.verifyDevice(deviceCookie, account) };
  }

  /**
   * Counts the attempt against the account (or the trusted device) before the password is checked,
   * so a burst of parallel guesses at one account is counted in full, and tells whether the
   * password may be checked; when not, the seconds until it may.
   */
  async begin(attempt: SignInAttempt): Promise<ThrottleDecision> {
    const [account, address] = await Promise.all([
      Promise.all(this.attemptCounters(attempt).map(([key, limit]) => this.limiter.hit(key, limit))),
      Promise.all(this.failureCounters(attempt).map(([key, limit]) => this.limiter.peek(key, limit))),
    ]);
    const wait = (states: RateLimitState[]) => Math.max(0, ...states.filter((state) => !state.allowed).map((state) => state.retryAfter));
    const [accountWait, addressWait] = [wait(account), wait(address)];
    if (accountWait === 0 && addressWait === 0) return { allowed: true };
    return { allowed: false, retryAfter: Math.max(accountWait, addressWait), blocked: accountWait >= addressWait ? 'account' : 'address' };
  }

  /** A wrong password: counted against the client's address too. */
  async failed(attempt: SignInAttempt): Promise<void> {
    await Promise.all(this.failureCounters(attempt).map(([key, limit]) => this.limiter.hit(key, limit)));
  }

  /**
   * The owner got in: their earlier attempts are forgiven (the account's, or the device's, count;
   * never the address's), and the browser gets a fresh device cookie.
   */
  async succeeded(attempt: SignInAttempt): Promise<{ cookie: string; maxAge: number }> {
    await Promise.all(this.attemptCounters(attempt).map(([key, limit]) => this.limiter.reset(key, limit)));
    return { cookie: this.signDevice(attempt.account), maxAge: this.settings.deviceTtl };
  }

  /** Every attempt counts against these: the device's when it is trusted, else the account's. */
  private attemptCounters(attempt: SignInAttempt): Array<readonly [string, RateLimit]> {
    return attempt.device !== undefined
      ? this.settings.device.map((limit) => [`signin:device:${attempt.device}:${limit.window}`, limit] as const)
      : this.settings.account.map((limit) => [`signin:account:${attempt.account}:${limit.window}`, limit] as const);
  }

  /**
   * Failed attempts count against the address (not successful ones, so an office behind one
   * address is not locked by its own sign-ins); trusted devices are exempt.
   */
  private failureCounters(attempt: SignInAttempt): Array<readonly [string, RateLimit]> {
    return attempt.device !== undefined ? [] : this.settings.ip.map((limit) => [`signin:ip:${attempt.ip}:${limit.window}`, limit] as const);
  }

  // Device cookie: v1.<account hash>.<device id>.<expiry>.<HMAC-SHA256 of the rest>.
  private signDevice(account: string): string {
    const payload = `v1.${account}.${randomToken(16)}.${this.clock.now() + this.settings.deviceTtl}`;
    return `${payload}.${this.mac(payload)}`;
  }

  private verifyDevice(cookie: string | undefined, account: string): string | undefined {
    if (cookie === undefined || cookie.length > 200) return undefined;
    const parts = cookie.split('.');
    if (parts.length !== 5 || parts[0] !== 'v1') return undefined;
    const [, cookieAccount, deviceId, expiry, mac] = parts as [string, string, string, string, string];
    const expected = Buffer.from(this.mac(parts.slice(0, 4).join('.')));
    const presented = Buffer.from(mac);
    if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
    if (cookieAccount !== account || !(Number(expiry) > this.clock.now())) return undefined;
    return deviceId;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.deviceKey).update(payload).digest('base64url');
  }
}

/** The account as counted: a hash of the normalised email, so no address is stored in the limiter. */
function accountHash(email: string): string {
  return createHash('sha256').update(`account:${email.trim().toLowerCase()}`).digest('base64url');
}

/**
 * The unit an IP is counted in: an IPv4 address (also when IPv4-mapped), or an IPv6 /64, the
 * smallest block one subscriber usually holds, so rotating addresses inside it gains nothing.
 */
export function ipBucket(ip: string): string {
  // An IPv4 address (the common case, and every request to the token endpoint asks) has no colon.
  if (!ip.includes(':')) return ip;
  if (ip.toLowerCase().startsWith('::ffff:') && isIPv4(ip.slice(7))) return ip.slice(7);
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const split = (part: string) => (part === '' ? [] : part.split(':'));
  const [before, after] = [split(head), split(tail)];
  // An embedded IPv4 address at the end takes two groups.
  const width = (groups: string[]) => groups.reduce((n, group) => n + (group.includes('.') ? 2 : 1), 0);
  const groups = ip.includes('::') ? [...before, ...Array<string>(Math.max(0, 8 - width(before) - width(after))).fill('0'), ...after] : before;
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(':')}::/64`;
}
