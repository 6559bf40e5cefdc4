import * as oidc from 'openid-client';
import type { WebAuthConfig } from './config.js';
import { DiscoveryError } from './errors.js';

/**
 * The provider as openid-client sees it. Discovery happens once, at start-up when the app calls
 * `discover()` or else on first use; a failed discovery is not cached, so the next request tries
 * again once the provider is reachable.
 * @see https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfigurationRequest
 */
export class ProviderClient {
  readonly #config: WebAuthConfig;
  #configuration: Promise<oidc.Configuration> | undefined;

  constructor(config: WebAuthConfig) {
    this.#config = config;
  }

  configuration(): Promise<oidc.Configuration> {
    this.#configuration ??= this.#discover().catch((error: unknown) => {
      this.#configuration = undefined;
      throw error;
    });
    return this.#configuration;
  }

  async #discover(): Promise<oidc.Configuration> {
    const config = this.#config;
    const clientAuth =
      config.clientAuthMethod === 'client_secret_post'
        ? oidc.ClientSecretPost(config.clientSecret)
        : oidc.ClientSecretBasic(config.clientSecret);
    // resolveConfig only lets plain http through for loopback issuers or with allowInsecureIssuer.
    const execute = config.issuerBaseURL.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
    try {
      return await oidc.discovery(
        config.issuerBaseURL,
        config.clientID,
        { client_secret: config.clientSecret },
        clientAuth,
        { execute, timeout: config.httpTimeout },
      );
    } catch (cause) {
      throw new DiscoveryError(config.issuerBaseURL.href, { cause });
    }
  }
}
