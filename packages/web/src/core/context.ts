import type { JWTPayload } from 'jose';
import * as oidc from 'openid-client';
import {
  accessTokenOf,
  refreshIfNeeded,
  type AccessToken,
  type GetAccessTokenOptions,
} from './access-token.js';
import { completeLogin } from './callback.js';
import { idTokenClaims, userClaims, type Claims } from './claims.js';
import { parseCookies, ResponseCookies, type RequestCookies } from './cookies.js';
import { UnauthenticatedError, UserInfoError, describe } from './errors.js';
import { startLogin, type LoginOptions } from './login.js';
import { logout, type LogoutOptions } from './logout.js';
import type { Session } from './session/session.js';
import type { WebAuth } from './web-auth.js';

/** What an adapter tells the core about the current HTTP exchange. */
export interface HttpExchange {
  readonly method: string;
  /** Request target as received: path and query. */
  readonly url: string;
  readonly cookieHeader: string | undefined;
  /** Replaces the `Set-Cookie` headers this SDK put on the response before. */
  setCookies(headers: readonly string[]): void;
}

/**
 * The authentication state of one request (`req.oidc`): the session read from its cookies, and
 * the operations that change it. Every change is written to the response's cookies at once.
 */
export class AuthContext {
  readonly #auth: WebAuth;
  readonly #exchange: HttpExchange;
  readonly #cookies: RequestCookies;
  readonly #response: ResponseCookies;
  #session: Session | undefined;
  #claims: JWTPayload | undefined;
  #refreshing: Promise<AccessToken> | undefined;

  private constructor(auth: WebAuth, exchange: HttpExchange) {
    this.#auth = auth;
    this.#exchange = exchange;
    this.#cookies = parseCookies(exchange.cookieHeader);
    this.#response = new ResponseCookies((headers) => exchange.setCookies(headers));
  }

  /** Reads the session of the request; a rolling session gets its new expiry right away. */
  static async load(auth: WebAuth, exchange: HttpExchange): Promise<AuthContext> {
    const context = new AuthContext(auth, exchange);
    const name = auth.config.session.name;
    const hasCookie = Object.keys(context.#cookies).some(
      (cookie) => cookie === name || cookie.startsWith(`${name}.`),
    );
    if (!hasCookie) return context;
    const session = await auth.sessions.load(context.#cookies);
    if (!session) {
      // Tampered, expired, or sealed with a retired secret: logged out, and the cookie goes.
      await auth.sessions.destroy(context.#response, context.#cookies, undefined);
      return context;
    }
    context.#setSession(session);
    if (auth.config.session.rolling) await context.#save(session.data);
    return context;
  }

  isAuthenticated(): boolean {
    return this.#session !== undefined;
  }

  /** The user's claims from the ID token, without the protocol claims (`iss`, `aud`, `nonce`...). */
  get user(): Claims | undefined {
    return this.#claims && userClaims(this.#claims);
  }

  /** All claims of the ID token. */
  get idTokenClaims(): Readonly<JWTPayload> | undefined {
    return this.#claims;
  }

  get idToken(): string | undefined {
    return this.#session?.data.id_token;
  }

  get refreshToken(): string | undefined {
    return this.#session?.data.refresh_token;
  }

  /**
   * The access token; when it has expired and there is a refresh token, a new one is fetched and
   * kept in the session. Concurrent calls in one request share one refresh.
   */
  async getAccessToken(options: GetAccessTokenOptions = {}): Promise<AccessToken> {
    const session = this.#requireSession();
    this.#refreshing ??= (async () => {
      const refreshed = await refreshIfNeeded(this.#auth, session.data, options);
      if (!refreshed) return accessTokenOf(session.data);
      await this.#save(refreshed);
      return accessTokenOf(refreshed);
    })().finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /**
   * Claims from the provider's UserInfo endpoint, with the session's access token.
   * @see https://openid.net/specs/openid-connect-core-1_0.html#UserInfo
   */
  async fetchUserInfo(): Promise<Claims> {
    const { access_token } = await this.getAccessToken();
    const configuration = await this.#auth.client.configuration();
    const subject = this.#claims?.sub;
    try {
      return await oidc.fetchUserInfo(
        configuration,
        access_token,
        typeof subject === 'string' ? subject : oidc.skipSubjectCheck,
      );
    } catch (error) {
      throw new UserInfoError(`The user info request failed: ${describe(error)}`, { cause: error });
    }
  }

  /** Starts a login; returns the URL of the provider's authorization endpoint to redirect to. */
  login(options: LoginOptions = {}): Promise<URL> {
    return startLogin(this.#auth, this.#response, options);
  }

  /** Finishes a login at the callback route; returns where to redirect the browser. */
  async callback(body?: unknown): Promise<URL> {
    const { session, returnTo } = await completeLogin(
      this.#auth,
      { method: this.#exchange.method, url: this.#exchange.url, body, cookies: this.#cookies },
      this.#response,
      this.#session,
    );
    this.#setSession(session);
    return returnTo;
  }

  /** Ends the session; returns where to redirect the browser (the provider, or `returnTo`). */
  async logout(options: LogoutOptions = {}): Promise<URL> {
    const session = this.#session;
    this.#setSession(undefined);
    return logout(this.#auth, this.#cookies, this.#response, session, options);
  }

  #requireSession(): Session {
    if (!this.#session) throw new UnauthenticatedError('No user is logged in');
    return this.#session;
  }

  async #save(data: Session['data']): Promise<void> {
    const session = await this.#auth.sessions.save(this.#response, this.#cookies, data, this.#session);
    this.#setSession(session);
  }

  #setSession(session: Session | undefined): void {
    this.#session = session;
    this.#claims = session && idTokenClaims(session.data.id_token);
  }
}
