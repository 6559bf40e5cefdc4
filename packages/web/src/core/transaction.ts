import type { WebAuthConfig } from './config.js';
import type { CookieWriteOptions, RequestCookies, ResponseCookies } from './cookies.js';
import { CookieSealer } from './session/crypto.js';

/**
 * A login in progress, kept in its own short-lived sealed cookie between the redirect to the
 * provider and the callback: what is needed to check the response (RFC 6749 §10.12 `state`,
 * OpenID Connect Core §3.1.2.1 `nonce`, RFC 7636 `code_verifier`) and where to go afterwards.
 */
export interface Transaction {
  state: string;
  nonce: string;
  code_verifier: string;
  /** Same-origin path (with query and fragment) to return to after the login. */
  returnTo: string;
  /** Seconds, when `max_age` was sent; the ID token's `auth_time` is then checked. */
  max_age?: number;
  response_mode?: 'query' | 'form_post';
}

export class TransactionCookie {
  readonly #config: WebAuthConfig;
  readonly #sealer: CookieSealer;

  constructor(config: WebAuthConfig) {
    this.#config = config;
    this.#sealer = new CookieSealer(config.secrets, 'transaction');
  }

  async write(response: ResponseCookies, transaction: Transaction): Promise<void> {
    const now = Math.floor(this.#config.now() / 1000);
    const exp = now + this.#config.transaction.maxAge;
    const value = await this.#sealer.seal({ ...transaction }, now, exp);
    response.set(this.#config.transaction.name, value, {
      ...this.#cookieOptions(transaction.response_mode),
      expires: new Date(exp * 1000),
    });
  }

  async read(cookies: RequestCookies): Promise<Transaction | undefined> {
    const value = cookies[this.#config.transaction.name];
    if (!value) return undefined;
    const payload = await this.#sealer.open(value, Math.floor(this.#config.now() / 1000));
    if (
      !payload ||
      typeof payload.state !== 'string' ||
      typeof payload.nonce !== 'string' ||
      typeof payload.code_verifier !== 'string' ||
      typeof payload.returnTo !== 'string'
    ) {
      return undefined;
    }
    const transaction: Transaction = {
      state: payload.state,
      nonce: payload.nonce,
      code_verifier: payload.code_verifier,
      returnTo: payload.returnTo,
    };
    if (typeof payload.max_age === 'number') transaction.max_age = payload.max_age;
    if (payload.response_mode === 'form_post') transaction.response_mode = 'form_post';
    return transaction;
  }

  clear(response: ResponseCookies, cookies: RequestCookies, transaction?: Transaction): void {
    if (cookies[this.#config.transaction.name] === undefined) return;
    response.clear(this.#config.transaction.name, this.#cookieOptions(transaction?.response_mode));
  }

  #cookieOptions(responseMode: Transaction['response_mode']): CookieWriteOptions {
    const { cookie } = this.#config.session;
    // Only sent to the callback. A form_post response is a cross-site POST, which carries the
    // cookie only when it is SameSite=None (and so Secure).
    const formPost = responseMode === 'form_post';
    return {
      domain: cookie.domain,
      path: this.#config.redirectUri.pathname,
      secure: formPost || cookie.secure,
      sameSite: formPost ? 'none' : 'lax',
      httpOnly: true,
    };
  }
}
