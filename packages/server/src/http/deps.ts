import type { ProtocolContext } from '../protocol/context.js';
import type { TokenEndpoint } from '../protocol/token/token-endpoint.js';
import type { CookieSettings } from './cookies.js';

/** What the routes share: the protocol context and the HTTP-only settings. */
export interface HttpDeps {
  readonly ctx: ProtocolContext;
  readonly cookies: CookieSettings;
  readonly tokenEndpoint: TokenEndpoint;
  /** Discovery document, serialised once. */
  readonly discoveryJson: string;
}
