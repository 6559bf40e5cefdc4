export { WebAuth, createWebAuth } from './core/web-auth.js';
export { AuthContext, type HttpExchange } from './core/context.js';
export {
  allowInsecureIssuer,
  type AuthorizationParameters,
  type CookieOptions,
  type RoutesOptions,
  type SessionOptions,
  type TransactionOptions,
  type WebAuthConfig,
  type WebAuthOptions,
} from './core/config.js';
export type { AccessToken, GetAccessTokenOptions } from './core/access-token.js';
export type { Claims } from './core/claims.js';
export type { LoginOptions } from './core/login.js';
export type { LogoutOptions } from './core/logout.js';
export type { SessionData } from './core/session/session-data.js';
export type { SessionStore, StoredSession } from './core/session/store.js';
export { MemoryStore, type MemoryStoreOptions } from './core/session/memory-store.js';
export { shouldRedirectToLogin } from './core/requires-auth.js';
export {
  AccessTokenExpiredError,
  AuthorizationError,
  CallbackValidationError,
  ConfigurationError,
  DiscoveryError,
  MissingTransactionError,
  NoAccessTokenError,
  RefreshError,
  StateMismatchError,
  UnauthenticatedError,
  UserInfoError,
  WebAuthError,
  type WebAuthErrorCode,
} from './core/errors.js';
