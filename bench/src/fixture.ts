import { randomBytes } from 'node:crypto';
import { hash } from '@node-rs/argon2';
import { ARGON2ID_OPTIONS } from './argon2-params.js';

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

/**
 * The users of the sign-in flow scenario: many accounts, each flow signing in the next one, as
 * real traffic is many users signing in. One account signed in by every flow would measure the
 * per-account brute-force throttle instead (Latchkey counts every attempt before checking the
 * password, so 8 concurrent sign-ins of one account exceed its 5 a minute).
 */
export interface UserPool {
  /** Users 0 … size − 1, described by poolUser(). */
  readonly size: number;
  /** Every user of the pool has this password. */
  readonly password: string;
  /**
   * The password's argon2id hash (Latchkey's parameters), made once and given to every server
   * for every user: verifying it costs what any user's hash costs, while hashing thousands of
   * passwords at each server start would take minutes.
   */
  readonly passwordHash: string;
}

/** The tenant every server under test is configured with: same clients, API, users and secrets. */
export interface BenchFixture {
  /** The protected API (an Auth0 resource server, an RFC 8707 resource indicator). */
  readonly api: { readonly identifier: string; readonly scope: string };
  /** First-party regular web app: code redemption, refresh, userinfo, authorization with a session. */
  readonly webApp: ClientFixture;
  /** Third-party regular web app, so a sign-in flow goes through the consent page. */
  readonly thirdPartyApp: ClientFixture;
  /** Machine-to-machine client for client_credentials. */
  readonly machine: ClientFixture;
  /** The user of every scenario but the sign-in flows. */
  readonly user: UserFixture;
  /** The users of the sign-in flows (scenario 7). */
  readonly flowUsers: UserPool;
}

/** Nothing ever listens on this callback: the bench reads the code from the redirect's Location. */
const CALLBACK = 'http://127.0.0.1:9/callback';

/**
 * Users in the sign-in flows' pool: a user's turn comes again after 4,095 other flows, every 40 s
 * even at 100 flows/s, well under the per-account throttle (5 a minute), and the flows in progress
 * at once (--flow-concurrency) are always of different users.
 */
export const FLOW_USER_POOL_SIZE = 4096;

const FLOW_USER_PASSWORD = 'a bench user passphrase';

export async function createFixture(): Promise<BenchFixture> {
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
    flowUsers: {
      size: FLOW_USER_POOL_SIZE,
      password: FLOW_USER_PASSWORD,
      passwordHash: await hash(FLOW_USER_PASSWORD, ARGON2ID_OPTIONS),
    },
  };
}

/** User `index` of the pool (taken modulo its size, so a long run starts over at user 0). */
export function poolUser(pool: UserPool, index: number): UserFixture {
  const n = index % pool.size;
  return { user_id: `bench-flow-user-${n}`, email: `flow-user-${n}@bench.test`, password: pool.password, name: `Flow User ${n}` };
}

/** Every user of the pool. */
export function poolUsers(pool: UserPool): UserFixture[] {
  return Array.from({ length: pool.size }, (_, index) => poolUser(pool, index));
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
      // Given as their hash (Auth0's custom_password_hash): importing thousands of passwords
      // would hash each one at every start.
      ...poolUsers(fixture.flowUsers).map((user) => ({
        email: user.email,
        custom_password_hash: { algorithm: 'argon2', hash: { value: fixture.flowUsers.passwordHash, encoding: 'utf8' } },
        email_verified: true,
        name: user.name,
      })),
    ],
    clientGrants: [
      { client_id: fixture.machine.client_id, audience: fixture.api.identifier, scope: [fixture.api.scope] },
    ],
  };
}
