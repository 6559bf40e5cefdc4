import { ProviderClient } from './client.js';
import { resolveConfig, type WebAuthConfig, type WebAuthOptions } from './config.js';
import { AuthContext, type HttpExchange } from './context.js';
import { SessionManager } from './session/session.js';
import { TransactionCookie } from './transaction.js';

/**
 * The SDK without a web framework: the resolved configuration and the provider, shared by all
 * requests. Adapters create one per app and an {@link AuthContext} per request.
 */
export class WebAuth {
  readonly config: WebAuthConfig;
  readonly client: ProviderClient;
  readonly sessions: SessionManager;
  readonly transactions: TransactionCookie;

  constructor(options: WebAuthOptions) {
    this.config = resolveConfig(options);
    this.client = new ProviderClient(this.config);
    this.sessions = new SessionManager(this.config);
    this.transactions = new TransactionCookie(this.config);
  }

  /** Fetches the provider metadata now, so a wrong `issuerBaseURL` fails at start-up. */
  async discover(): Promise<void> {
    await this.client.configuration();
  }

  /** Reads the session of a request. */
  context(exchange: HttpExchange): Promise<AuthContext> {
    return AuthContext.load(this, exchange);
  }
}

export function createWebAuth(options: WebAuthOptions): WebAuth {
  return new WebAuth(options);
}
