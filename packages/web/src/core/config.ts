import { ConfigurationError } from './errors.js';
import type { SessionStore } from './session/store.js';

/**
 * Allows an `http:` issuer that is not on a loopback address. Exported as a symbol so that no
 * configuration file or environment variable can switch it on by accident.
 */
export const allowInsecureIssuer: unique symbol = Symbol('@latchkey/web allowInsecureIssuer');

/** Parameters of the authorization request; spec names, any extra parameter passes through. */
export interface AuthorizationParameters {
  /** Default `openid profile email`; must contain `openid`. */
  scope?: string;
  /** The API identifier the access token is for (Auth0 and Latchkey). */
  audience?: string;
  /** `none`, `login`, `consent`, `select_account`. */
  prompt?: string;
  /** Seconds; when set, the ID token's `auth_time` is checked against it. */
  max_age?: number | string;
  /** `query` (default) or `form_post`. */
  response_mode?: 'query' | 'form_post';
  login_hint?: string;
  ui_locales?: string;
  acr_values?: string;
  [parameter: string]: string | number | undefined;
}

export interface RoutesOptions {
  /** Default `/login`; `false` to mount no login route. */
  login?: string | false;
  /** Default `/callback`; the redirect URI is `baseURL` + this path. */
  callback?: string;
  /** Default `/logout`; `false` to mount no logout route. */
  logout?: string | false;
}

export interface CookieOptions {
  domain?: string;
  /** Default `/`. */
  path?: string;
  /** Default: `true` when `baseURL` is `https:`. */
  secure?: boolean;
  /** Default `lax`, which lets the session cookie follow the redirect back from the provider. */
  sameSite?: 'lax' | 'strict' | 'none';
  /** Default `false`: the cookie gets `Expires`; `true` makes it a browser-session cookie. */
  transient?: boolean;
}

export interface SessionOptions {
  /** Cookie name, default `appSession`. `latchkey.*` names belong to the server and are refused. */
  name?: string;
  /** Default `true`: every request pushes the expiry `rollingDuration` seconds forward. */
  rolling?: boolean;
  /** Seconds of inactivity after which the session ends. Default 86400 (1 day). */
  rollingDuration?: number;
  /** Seconds after login at which the session ends whatever the activity. Default 604800 (7 days). */
  absoluteDuration?: number;
  /** Keep sessions server-side; the cookie then only holds an encrypted session id. */
  store?: SessionStore;
  cookie?: CookieOptions;
}

export interface TransactionOptions {
  /** Name of the cookie holding the login in progress. Default `appTransaction`. */
  name?: string;
  /** Seconds a login may take. Default 600. */
  maxAge?: number;
}

export interface WebAuthOptions {
  /** The provider's issuer URL, e.g. `https://login.example.com/`. */
  issuerBaseURL: string;
  /** This app's own public URL, e.g. `https://app.example.com/`. */
  baseURL: string;
  clientID: string;
  /** Needed for `client_secret_basic` / `client_secret_post`. */
  clientSecret?: string;
  /** Default `client_secret_basic` (RFC 6749 §2.3.1). */
  clientAuthMethod?: 'client_secret_basic' | 'client_secret_post';
  /**
   * At least 32 characters; the keys that encrypt the session and transaction cookies are derived
   * from it. An array allows rotation: the first encrypts, all decrypt.
   */
  secret: string | readonly string[];
  routes?: RoutesOptions;
  authorizationParams?: AuthorizationParameters;
  /** Default `true`: logout also ends the provider session (OpenID Connect RP-Initiated Logout). */
  idpLogout?: boolean;
  session?: SessionOptions;
  transaction?: TransactionOptions;
  /** Seconds before `expires_at` at which an access token counts as expired. Default 30. */
  accessTokenLeeway?: number;
  /** Seconds to wait for the provider on each request. Default 10. */
  httpTimeout?: number;
  /** Current time in milliseconds; inject a clock in tests. Default `Date.now`. */
  now?: () => number;
  [allowInsecureIssuer]?: boolean;
}

export interface ResolvedCookieOptions {
  domain: string | undefined;
  path: string;
  secure: boolean;
  sameSite: 'lax' | 'strict' | 'none';
  httpOnly: true;
  transient: boolean;
}

export interface WebAuthConfig {
  readonly issuerBaseURL: URL;
  readonly baseURL: URL;
  readonly clientID: string;
  readonly clientSecret: string | undefined;
  readonly clientAuthMethod: 'client_secret_basic' | 'client_secret_post';
  readonly secrets: readonly string[];
  readonly routes: { login: string | false; callback: string; logout: string | false };
  readonly redirectUri: URL;
  readonly authorizationParams: Readonly<AuthorizationParameters> & { scope: string };
  readonly idpLogout: boolean;
  readonly session: {
    name: string;
    rolling: boolean;
    rollingDuration: number;
    absoluteDuration: number;
    store: SessionStore | undefined;
    cookie: ResolvedCookieOptions;
  };
  readonly transaction: { name: string; maxAge: number };
  readonly accessTokenLeeway: number;
  readonly httpTimeout: number;
  readonly now: () => number;
  readonly allowInsecureIssuer: boolean;
}

/** Parameters the SDK sets itself; an app cannot override them. */
const RESERVED_PARAMETERS = new Set([
  'client_id',
  'redirect_uri',
  'response_type',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

// RFC 6265 §4.1.1: a cookie name is an HTTP token.
const COOKIE_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const MIN_SECRET_LENGTH = 32;

/** Validates the options once, fills in the defaults and freezes the result. */
export function resolveConfig(options: WebAuthOptions): WebAuthConfig {
  if (options === null || typeof options !== 'object') {
    throw new ConfigurationError('options must be an object');
  }
  const issuerBaseURL = parseUrl('issuerBaseURL', options.issuerBaseURL);
  const baseURL = parseUrl('baseURL', options.baseURL);
  if (baseURL.search || baseURL.hash) {
    throw new ConfigurationError('baseURL must not have a query or a fragment');
  }
  if (!baseURL.pathname.endsWith('/')) baseURL.pathname += '/';

  const allowInsecure = options[allowInsecureIssuer] === true;
  if (issuerBaseURL.protocol === 'http:' && !isLoopback(issuerBaseURL) && !allowInsecure) {
    throw new ConfigurationError(
      `issuerBaseURL ${issuerBaseURL.href} is not https; ` +
        'pass [allowInsecureIssuer]: true to allow a plain-http provider that is not on this machine',
    );
  }

  if (typeof options.clientID !== 'string' || options.clientID === '') {
    throw new ConfigurationError('clientID is required');
  }
  if (options.clientSecret !== undefined && typeof options.clientSecret !== 'string') {
    throw new ConfigurationError('clientSecret must be a string');
  }
  const clientAuthMethod = options.clientAuthMethod ?? 'client_secret_basic';
  if (clientAuthMethod !== 'client_secret_basic' && clientAuthMethod !== 'client_secret_post') {
    throw new ConfigurationError(`clientAuthMethod ${String(clientAuthMethod)} is not supported`);
  }
  if (!options.clientSecret) {
    throw new ConfigurationError(`clientSecret is required for ${clientAuthMethod}`);
  }

  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new ConfigurationError('secret is required');
  }
  for (const secret of secrets) {
    if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigurationError(`secret must be at least ${MIN_SECRET_LENGTH} characters long`);
    }
  }

  const callback = routePath('routes.callback', options.routes?.callback, '/callback');
  if (callback === false) throw new ConfigurationError('routes.callback cannot be false');
  const routes = {
    login: routePath('routes.login', options.routes?.login, '/login'),
    callback,
    logout: routePath('routes.logout', options.routes?.logout, '/logout'),
  };
  // The callback path is relative to baseURL, so an app mounted under a path keeps working.
  const redirectUri = new URL(routes.callback.replace(/^\//, ''), baseURL);

  const authorizationParams = resolveAuthorizationParams(options.authorizationParams ?? {});

  const sessionName = options.session?.name ?? 'appSession';
  checkCookieName('session.name', sessionName);
  const transactionName = options.transaction?.name ?? 'appTransaction';
  checkCookieName('transaction.name', transactionName);
  if (transactionName === sessionName) {
    throw new ConfigurationError('transaction.name must differ from session.name');
  }

  const rolling = options.session?.rolling ?? true;
  const rollingDuration = positiveInteger(
    'session.rollingDuration',
    options.session?.rollingDuration,
    86_400,
  );
  const absoluteDuration = positiveInteger(
    'session.absoluteDuration',
    options.session?.absoluteDuration,
    604_800,
  );

  const cookie = options.session?.cookie ?? {};
  const sameSite = cookie.sameSite ?? 'lax';
  if (!['lax', 'strict', 'none'].includes(sameSite)) {
    throw new ConfigurationError('session.cookie.sameSite must be lax, strict or none');
  }
  const secure = cookie.secure ?? baseURL.protocol === 'https:';
  if (sameSite === 'none' && !secure) {
    throw new ConfigurationError('session.cookie.sameSite none requires secure cookies');
  }
  if (baseURL.protocol === 'https:' && cookie.secure === false) {
    throw new ConfigurationError('session.cookie.secure cannot be false when baseURL is https');
  }

  const store = options.session?.store;
  if (
    store !== undefined &&
    (typeof store.get !== 'function' ||
      typeof store.set !== 'function' ||
      typeof store.destroy !== 'function')
  ) {
    throw new ConfigurationError('session.store must implement get, set and destroy');
  }

  const config: WebAuthConfig = {
    issuerBaseURL,
    baseURL,
    clientID: options.clientID,
    clientSecret: options.clientSecret,
    clientAuthMethod,
    secrets: Object.freeze([...secrets]),
    routes: Object.freeze(routes),
    redirectUri,
    authorizationParams: Object.freeze(authorizationParams),
    idpLogout: options.idpLogout ?? true,
    session: Object.freeze({
      name: sessionName,
      rolling,
      rollingDuration,
      absoluteDuration,
      store,
      cookie: Object.freeze({
        domain: cookie.domain,
        path: cookie.path ?? '/',
        secure,
        sameSite,
        httpOnly: true as const,
        transient: cookie.transient ?? false,
      }),
    }),
    transaction: Object.freeze({
      name: transactionName,
      maxAge: positiveInteger('transaction.maxAge', options.transaction?.maxAge, 600),
    }),
    accessTokenLeeway: nonNegativeInteger('accessTokenLeeway', options.accessTokenLeeway, 30),
    httpTimeout: positiveInteger('httpTimeout', options.httpTimeout, 10),
    now: options.now ?? Date.now,
    allowInsecureIssuer: allowInsecure,
  };
  return Object.freeze(config);
}

/** Merges login-time parameters over the configured ones and checks them. */
export function resolveAuthorizationParams(
  params: AuthorizationParameters,
  defaults?: Readonly<AuthorizationParameters>,
): AuthorizationParameters & { scope: string } {
  const merged: AuthorizationParameters = { ...defaults };
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (RESERVED_PARAMETERS.has(name)) {
      throw new ConfigurationError(`authorizationParams.${name} is set by the SDK and cannot be given`);
    }
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new ConfigurationError(`authorizationParams.${name} must be a string or a number`);
    }
    merged[name] = value;
  }
  const scope = merged.scope ?? 'openid profile email';
  if (typeof scope !== 'string' || !scope.split(' ').includes('openid')) {
    throw new ConfigurationError('authorizationParams.scope must include openid');
  }
  const responseMode = merged.response_mode;
  if (responseMode !== undefined && responseMode !== 'query' && responseMode !== 'form_post') {
    throw new ConfigurationError('authorizationParams.response_mode must be query or form_post');
  }
  if (merged.max_age !== undefined && !/^\d+$/.test(String(merged.max_age))) {
    throw new ConfigurationError('authorizationParams.max_age must be a non-negative integer');
  }
  return { ...merged, scope };
}

function parseUrl(name: string, value: unknown): URL {
  if (typeof value !== 'string' || value === '') {
    throw new ConfigurationError(`${name} is required`);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch (cause) {
    throw new ConfigurationError(`${name} is not a valid URL: ${value}`, { cause });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new ConfigurationError(`${name} must be an http(s) URL: ${value}`);
  }
  return url;
}

export function isLoopback(url: URL): boolean {
  return (
    url.hostname === 'localhost' ||
    url.hostname === '[::1]' ||
    /^127(?:\.\d{1,3}){3}$/.test(url.hostname)
  );
}

function routePath(name: string, value: string | false | undefined, fallback: string): string | false {
  if (value === undefined) return fallback;
  if (value === false) return false;
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//')) {
    throw new ConfigurationError(`${name} must be a path starting with /`);
  }
  return value;
}

function checkCookieName(name: string, value: string): void {
  if (typeof value !== 'string' || !COOKIE_NAME.test(value)) {
    throw new ConfigurationError(`${name} is not a valid cookie name`);
  }
  // The authorization server's cookies are latchkey.*; sharing a host must never mix them up.
  if (value.toLowerCase().startsWith('latchkey.')) {
    throw new ConfigurationError(`${name} must not start with latchkey. (reserved for the server)`);
  }
}

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new ConfigurationError(`${name} must be a positive integer`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new ConfigurationError(`${name} must be a non-negative integer`);
  }
  return value;
}
