import Provider, { type Configuration } from 'oidc-provider';
import { listen, type Browser, type Page } from '@latchkey/testing';

export const CLIENT_ID = 'web-app';
export const CLIENT_SECRET = 'a-client-secret-of-the-test-web-app';

export interface TestProvider {
  /** Issuer, `http://127.0.0.1:<port>` (no trailing slash, as oidc-provider spells it). */
  issuer: string;
  provider: Provider;
  close(): Promise<void>;
}

/**
 * node-oidc-provider (a certified OpenID Provider) on an ephemeral port, with its development
 * login and consent pages, one confidential client whose redirect URI is `appOrigin/callback`,
 * and refresh tokens for every login.
 */
export async function startProvider(
  appOrigin: string,
  overrides: Partial<Configuration> = {},
): Promise<TestProvider> {
  const listening = await listen();
  const configuration: Configuration = {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${appOrigin}/callback`],
        post_logout_redirect_uris: [`${appOrigin}/`],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    async findAccount(_ctx, id) {
      return {
        accountId: id,
        async claims() {
          return { sub: id, email: `${id}@example.test`, email_verified: true, name: `User ${id}` };
        },
      };
    },
    // Scope claims in the ID token too, not only at the UserInfo endpoint.
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['cookie signing key of the test provider'] },
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    ...overrides,
  };
  const provider = new Provider(listening.origin, configuration);
  listening.server.on('request', provider.callback());
  return { issuer: listening.origin, provider, close: listening.close };
}

/**
 * Drives the provider's own login and consent pages over HTTP, from a page of the provider to
 * the redirect back to the app, which is returned without being followed.
 */
export async function signInAtProvider(
  browser: Browser,
  loginPage: Page,
  appOrigin: string,
  login = 'alice',
): Promise<URL> {
  const toApp = (next: URL) => next.origin === appOrigin;
  let page: Page & { stoppedAt?: URL } = await browser.submit(
    loginPage,
    { login, password: 'any password' },
    { stopAt: toApp },
  );
  if (page.stoppedAt) return page.stoppedAt;
  // Consent page for the first login of this user with this client.
  page = await browser.submit(page, {}, { stopAt: toApp });
  if (!page.stoppedAt) throw new Error(`expected a redirect to the app, got ${page.status}: ${page.body.slice(0, 500)}`);
  return page.stoppedAt;
}
