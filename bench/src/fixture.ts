import { randomBytes } from 'node:crypto';

/** A confidential client registered the same way on every server under test. */
export interface ClientFixture {
  readonly client_id: string;
  readonly client_secret: string;
  readonly redirect_uri: string;
}

export interface UserFixture {
  readonly user_id: string;
  readonly email: string;
  readonly password: string;
  readonly name: string;
}

/** The tenant every server under test is configured with: same clients, API, user and secrets. */
export interface BenchFixture {
  /** The protected API (an Auth0 resource server, an RFC 8707 resource indicator). */
  readonly api: { readonly identifier: string; readonly scope: string };
  /** First-party regular web app: code redemption, refresh, userinfo, authorization with a session. */
  readonly webApp: ClientFixture;
  /** Third-party regular web app, so a sign-in flow goes through the consent page. */
  readonly thirdPartyApp: ClientFixture;
  /** Machine-to-machine client for client_credentials. */
  readonly machine: ClientFixture;
  readonly user: UserFixture;
}

/** Nothing ever listens on this callback: the bench reads the code from the redirect's Location. */
const CALLBACK = 'http://127.0.0.1:9/callback';

export function createFixture(): BenchFixture {
  const secret = () => randomBytes(32).toString('hex');
  return {
    api: { identifier: 'https://api.bench.test/', scope: 'read:messages' },
    webApp: { client_id: 'bench-web', client_secret: secret(), redirect_uri: CALLBACK },
    thirdPartyApp: { client_id: 'bench-third-party', client_secret: secret(), redirect_uri: CALLBACK },
    machine: { client_id: 'bench-m2m', client_secret: secret(), redirect_uri: CALLBACK },
    user: {
      user_id: 'bench-user',
      email: 'bench@example.test',
      password: 'correct horse battery staple',
      name: 'Bench User',
    },
  };
}

/** The fixture in Latchkey's tenant file format (Auth0 Management API names). */
export function latchkeyTenant(fixture: BenchFixture): object {
  const webClient = (client: ClientFixture, name: string, isFirstParty: boolean) => ({
    client_id: client.client_id,
    client_secret: client.client_secret,
    name,
    app_type: 'regular_web',
    callbacks: [client.redirect_uri],
    allowed_logout_urls: [],
    grant_types: ['authorization_code', 'refresh_token'],
    token_endpoint_auth_method: 'client_secret_basic',
    is_first_party: isFirstParty,
  });
  return {
    clients: [
      webClient(fixture.webApp, 'Bench web app', true),
      webClient(fixture.thirdPartyApp, 'Bench third-party app', false),
      {
        client_id: fixture.machine.client_id,
        client_secret: fixture.machine.client_secret,
        name: 'Bench machine client',
        app_type: 'non_interactive',
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        is_first_party: true,
      },
    ],
    resourceServers: [
      {
        identifier: fixture.api.identifier,
        name: 'Bench API',
        scopes: [{ value: fixture.api.scope, description: 'Read messages' }],
        allow_offline_access: true,
        token_lifetime: 86_400,
      },
    ],
    users: [
      {
        email: fixture.user.email,
        password: fixture.user.password,
        email_verified: true,
        name: fixture.user.name,
      },
    ],
    clientGrants: [
      { client_id: fixture.machine.client_id, audience: fixture.api.identifier, scope: [fixture.api.scope] },
    ],
  };
}
