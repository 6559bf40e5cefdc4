import { createHash, randomBytes } from 'node:crypto';
import type { WebAuthConfig } from '../config.js';
import {
  clearChunkedCookie,
  readChunkedCookie,
  writeChunkedCookie,
  type CookieWriteOptions,
  type RequestCookies,
  type ResponseCookies,
} from '../cookies.js';
import { CookieSealer } from './crypto.js';
import { isSessionData, type SessionData } from './session-data.js';

/** A session as read from the request: login time, last touch, end (seconds), and its tokens. */
export interface Session {
  /** Session id, only for server-side sessions. */
  readonly id: string | undefined;
  readonly iat: number;
  readonly uat: number;
  readonly exp: number;
  readonly data: SessionData;
}

/**
 * Reads and writes the session: the whole session sealed in the cookie, or, with a store, only a
 * sealed random id in the cookie and the session in the store.
 */
export class SessionManager {
  readonly #config: WebAuthConfig;
  readonly #sealer: CookieSealer;

  constructor(config: WebAuthConfig) {
    this.#config = config;
    this.#sealer = new CookieSealer(config.secrets, 'session');
  }

  async load(cookies: RequestCookies): Promise<Session | undefined> {
    const value = readChunkedCookie(cookies, this.#config.session.name);
    if (!value) return undefined;
    const now = this.#nowSeconds();
    const payload = await this.#sealer.open(value, now);
    if (!payload || typeof payload.iat !== 'number' || typeof payload.exp !== 'number') {
      return undefined;
    }
    if (payload.iat + this.#config.session.absoluteDuration <= now) return undefined;

    const store = this.#config.session.store;
    if (store) {
      if (typeof payload.sid !== 'string') return undefined;
      const stored = await store.get(storeKey(payload.sid));
      if (!stored || stored.exp <= now || !isSessionData(stored.data)) return undefined;
      return { id: payload.sid, iat: stored.iat, uat: stored.uat, exp: stored.exp, data: stored.data };
    }
    if (!isSessionData(payload.data) || typeof payload.uat !== 'number') return undefined;
    return { id: undefined, iat: payload.iat, uat: payload.uat, exp: payload.exp, data: payload.data };
  }

  /**
   * Writes the session with a new expiry. `previous` is the session this one replaces: a login
   * passes `undefined` and gets a fresh id (no session fixation); a refresh or a touch keeps it.
   */
  async save(
    response: ResponseCookies,
    cookies: RequestCookies,
    data: SessionData,
    previous: Session | undefined,
  ): Promise<Session> {
    const { session: options } = this.#config;
    const now = this.#nowSeconds();
    const iat = previous?.iat ?? now;
    const absoluteEnd = iat + options.absoluteDuration;
    const exp = options.rolling ? Math.min(now + options.rollingDuration, absoluteEnd) : absoluteEnd;

    let value: string;
    let id: string | undefined;
    if (options.store) {
      id = previous?.id ?? randomBytes(32).toString('base64url');
      await options.store.set(storeKey(id), { iat, uat: now, exp, data });
      value = await this.#sealer.seal({ sid: id }, iat, exp);
    } else {
      value = await this.#sealer.seal({ uat: now, data: { ...data } }, iat, exp);
    }
    writeChunkedCookie(response, cookies, options.name, value, this.#cookieOptions(exp));
    return { id, iat, uat: now, exp, data };
  }

  async destroy(
    response: ResponseCookies,
    cookies: RequestCookies,
    session: Session | undefined,
  ): Promise<void> {
    const { session: options } = this.#config;
    if (options.store && session?.id) await options.store.destroy(storeKey(session.id));
    clearChunkedCookie(response, cookies, options.name, this.#cookieOptions(undefined));
  }

  #cookieOptions(exp: number | undefined): CookieWriteOptions {
    const { cookie } = this.#config.session;
    return {
      domain: cookie.domain,
      path: cookie.path,
      secure: cookie.secure,
      sameSite: cookie.sameSite,
      httpOnly: cookie.httpOnly,
      expires: cookie.transient || exp === undefined ? undefined : new Date(exp * 1000),
    };
  }

  #nowSeconds(): number {
    return Math.floor(this.#config.now() / 1000);
  }
}

/** Stores see a hash of the session id, never the id that the cookie carries. */
export function storeKey(id: string): string {
  return createHash('sha256').update(id).digest('base64url');
}
