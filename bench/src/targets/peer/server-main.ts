// node-oidc-provider configured like Latchkey's bench tenant, run as its own process.
// Input: BENCH_PEER_CONFIG (JSON: { port, fixture }). Prints `listening on http://...` when ready.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { hash } from '@node-rs/argon2';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { errors } from 'oidc-provider';
import type { ClientMetadata } from 'oidc-provider';
import { ARGON2ID_OPTIONS } from '../../argon2-params.js';
import { poolUsers } from '../../fixture.js';
import type { BenchFixture, ClientFixture } from '../../fixture.js';
import { interactionHandler } from './interactions.js';
import type { PeerAccount } from './interactions.js';
import { MapAdapter } from './map-adapter.js';

const config = JSON.parse(process.env['BENCH_PEER_CONFIG'] ?? '') as { port: number; fixture: BenchFixture };
const { fixture } = config;
const issuer = `http://127.0.0.1:${config.port}`;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingKey = { ...(await exportJWK(privateKey)), kid: randomBytes(8).toString('hex'), alg: 'RS256', use: 'sig' };

// The scenarios' user, and the pool the sign-in flows take turns with (given as its hash).
const users = [
  { ...fixture.user, passwordHash: await hash(fixture.user.password, ARGON2ID_OPTIONS) },
  ...poolUsers(fixture.flowUsers).map((user) => ({ ...user, passwordHash: fixture.flowUsers.passwordHash })),
];
const usersById = new Map(users.map((user) => [user.user_id, user]));
const accounts = new Map<string, PeerAccount>(
  users.map((user) => [user.email, { accountId: user.user_id, email: user.email, passwordHash: user.passwordHash }]),
);

const webClient = (client: ClientFixture): ClientMetadata => ({
  client_id: client.client_id,
  client_secret: client.client_secret,
  redirect_uris: [client.redirect_uri],
  grant_types: ['authorization_code', 'refresh_token'],
  response_types: ['code'],
  token_endpoint_auth_method: 'client_secret_basic',
});

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [
    webClient(fixture.webApp),
    webClient(fixture.thirdPartyApp),
    {
      client_id: fixture.machine.client_id,
      client_secret: fixture.machine.client_secret,
      redirect_uris: [],
      grant_types: ['client_credentials'],
      response_types: [],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  jwks: { keys: [signingKey] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(_ctx, id) {
    const user = usersById.get(id);
    if (user === undefined) return undefined;
    return {
      accountId: id,
      claims: () => ({ sub: id, email: user.email, email_verified: true, name: user.name }),
    };
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // JWT access tokens (RS256) for the API, as Latchkey issues for an `audience`.
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx, _client, oneOf) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo(_ctx, resourceIndicator) {
        if (resourceIndicator !== fixture.api.identifier) throw new errors.InvalidTarget();
        return {
          scope: fixture.api.scope,
          audience: fixture.api.identifier,
          accessTokenTTL: 86_400,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        };
      },
    },
  },
  pkce: { required: () => true },
  // Every refresh rotates, as Latchkey's refresh tokens do.
  rotateRefreshToken: () => true,
  ttl: {
    AccessToken: 86_400,
    AuthorizationCode: 600,
    ClientCredentials: 86_400,
    IdToken: 3_600,
    Interaction: 3_600,
    Grant: 14 * 86_400,
    RefreshToken: 30 * 86_400,
    Session: 14 * 86_400,
  },
});

const oidc = provider.callback();
const interactions = interactionHandler(provider, accounts);
const server = createServer((req, res) => {
  if (req.url?.startsWith('/interaction/')) {
    interactions(req, res).catch((error: unknown) => {
      console.error(error);
      if (!res.headersSent) res.writeHead(500).end('server error');
    });
    return;
  }
  oidc(req, res);
});
server.listen(config.port, '127.0.0.1', () => console.log(`node-oidc-provider listening on ${issuer}/`));
process.once('SIGTERM', () => process.exit(0));
