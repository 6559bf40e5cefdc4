import type { SignInThrottle } from '../protocol/authorization/sign-in-throttle.js';
import type { ClientFailureThrottle } from './client-failure-throttle.js';
import type { ProtocolContext } from '../protocol/context.js';
import type { LogoutNotifier } from '../protocol/logout/backchannel-delivery.js';
import type { TokenEndpoint } from '../protocol/token/token-endpoint.js';
import type { CookieSettings } from './cookies.js';

/** What the routes share: the protocol context and the HTTP-only settings. */
export interface HttpDeps {
  readonly ctx: ProtocolContext;
  readonly cookies: CookieSettings;
  readonly tokenEndpoint: TokenEndpoint;
  /** Discovery document, serialised once. */
  readonly discoveryJson: string;
  /** Back-channel logout: who delivers logout tokens, and how long logout waits for the first attempts (ms). */
  readonly backchannel: { readonly notifier: LogoutNotifier; readonly waitMs: number };
  /** Throttling of failed sign-ins per account and address, on the shared rate limiter. */
  readonly signInThrottle: SignInThrottle;
  /** 429 after repeated invalid_client / invalid_grant answers to one client at one address. */
  readonly clientFailureThrottle: ClientFailureThrottle;
}
