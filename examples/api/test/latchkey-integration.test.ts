/**
 * End to end with the real authorization server: Latchkey runs in-process, a user gets an access
 * token through the authorization code flow and a machine-to-machine client through the
 * client_credentials grant, and the example API (on @latchkey/api), then Auth0's own
 * express-oauth2-jwt-bearer, accept or refuse them.
 */
import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { auth as auth0Auth, requiredScopes as auth0RequiredScopes } from 'express-oauth2-jwt-bearer';
import { startLatchkey } from '@latchkey/server';
import type { RunningLatchkey } from '@latchkey/server';
import { startApi } from '../src/app.js';
import type { RunningApi } from '../src/app.js';
import { userAccessToken } from './helpers/user-token.js';
import type { WebClient } from './helpers/user-token.js';

const AUDIENCE = 'https://api.example.test/';
const READER = { id: 'm2m-reader', secret: 'reader-secret-at-least-32-characters-long' };
const WRITER = { id: 'm2m-writer', secret: 'writer-secret-at-least-32-characters-long' };

const WEB: WebClient = {
  id: 'web-app',
  secret: 'web-app-secret-at-least-32-characters-long',
  callback: 'http://127.0.0.1:3000/callback',
};
const ALICE = { email: 'alice@example.test', password: 'correct horse battery staple' };

const TENANT = {
  clients: [
    ...[READER, WRITER].map((client) => ({
      client_id: client.id,
      client_secret: client.secret,
      name: `Machine client ${client.id}`,
      app_type: 'non_interactive',
      grant_types: ['client_credentials'],
      token_endpoint_auth_method: 'client_secret_basic',
    })),
    {
      client_id: WEB.id,
      client_secret: WEB.secret,
      name: 'Web App',
      app_type: 'regular_web',
      callbacks: [WEB.callback],
      grant_types: ['authorization_code'],
      token_endpoint_auth_method: 'client_secret_basic',
      is_first_party: true,
    },
  ],
  users: [{ ...ALICE, email_verified: true, name: 'Alice' }],
  resourceServers: [
    {
      identifier: AUDIENCE,
      name: 'Example API',
      scopes: [
        { value: 'read:messages', description: 'Read messages' },
        { value: 'write:messages', description: 'Write messages' },
      ],
      token_lifetime: 3600,
    },
  ],
  clientGrants: [
    { client_id: READER.id, audience: AUDIENCE, scope: ['read:messages'] },
    { client_id: WRITER.id, audience: AUDIENCE, scope: ['write:messages'] },
  ],
};

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** RFC 6749 §4.4: client credentials grant, client authenticated with HTTP Basic (§2.3.1). */
async function clientCredentials(latchkey: RunningLatchkey, client: { id: string; secret: string }): Promise<TokenAnswer> {
  const basic = Buffer.from(`${encodeURIComponent(client.id)}:${encodeURIComponent(client.secret)}`).toString('base64');
  const response = await fetch(new URL('oauth/token', latchkey.url), {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', audience: AUDIENCE }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function accessToken(latchkey: RunningLatchkey, client: { id: string; secret: string }): Promise<string> {
  const answer = await clientCredentials(latchkey, client);
  assert.equal(answer.status, 200, `token endpoint answered ${answer.status} ${JSON.stringify(answer.body)}`);
  assert.equal(typeof answer.body['access_token'], 'string');
  return answer.body['access_token'] as string;
}


/** An Express app on Auth0's express-oauth2-jwt-bearer, unmodified, protecting the same route. */
async function startAuth0Api(issuer: string): Promise<{ url: string; close(): void }> {
  const app = express();
  // strict: the RFC 9068 profile (typ at+jwt and its required claims).
  const checkJwt = auth0Auth({ issuerBaseURL: issuer, audience: AUDIENCE, tokenSigningAlg: 'RS256', strict: true });
  app.get('/api/messages', checkJwt, auth0RequiredScopes('read:messages'), (req, res) => {
    res.json({ sub: req.auth?.payload.sub, client_id: req.auth?.payload['client_id'] });
  });
  app.use((error: { status?: number }, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.status ?? 500).json({ status: error.status });
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [header, payload] = token.split('.', 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
  return { header, payload };
}

describe('examples/api and express-oauth2-jwt-bearer with access tokens from Latchkey', () => {
  let latchkey: RunningLatchkey;
  let api: RunningApi;
  let auth0Api: { url: string; close(): void };

  before(async () => {
    latchkey = await startLatchkey({ port: 0, database: 'sqlite::memory:', tenant: TENANT });
    api = await startApi({ issuer: latchkey.issuer, audience: AUDIENCE });
    auth0Api = await startAuth0Api(latchkey.issuer);
  });
  after(async () => {
    auth0Api?.close();
    await api?.close();
    await latchkey?.close();
  });

  const get = (base: string, path: string, token?: string) =>
    fetch(new URL(path, base), { headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('401 without a token, from both middlewares', async () => {
    const ours = await get(api.url, '/api/messages');
    assert.equal(ours.status, 401);
    assert.equal(ours.headers.get('www-authenticate'), 'Bearer realm="api"');
    assert.equal((await get(auth0Api.url, '/api/messages')).status, 401);
  });

  describe('a user token (authorization code flow)', () => {
    const userToken = async (scope: string) =>
      (await userAccessToken(latchkey.issuer, WEB, ALICE, { scope, audience: AUDIENCE }))['access_token'] as string;

    it('is an RFC 9068 access token for the API', async () => {
      const { header, payload } = decodeJwt(await userToken('openid read:messages'));
      assert.equal(header['typ'], 'at+jwt');
      assert.equal(payload['iss'], latchkey.issuer);
      assert.ok([payload['aud']].flat().includes(AUDIENCE));
      assert.equal(payload['client_id'], WEB.id);
    });

    it('GET /api/messages: 200 with read:messages, 403 without, on examples/api', async () => {
      const ok = await get(api.url, '/api/messages', await userToken('openid read:messages'));
      assert.equal(ok.status, 200);
      assert.ok(((await ok.json()) as { messages: unknown[] }).messages.length > 0);

      const token = await userToken('openid');
      const refused = await get(api.url, '/api/messages', token);
      assert.equal(refused.status, 403);
      assert.match(refused.headers.get('www-authenticate')!, /error="insufficient_scope".*scope="read:messages"/);
      const priv = await get(api.url, '/api/private', token);
      assert.equal(priv.status, 200);
      assert.equal(((await priv.json()) as { client_id: string }).client_id, WEB.id);
    });

    it("GET /api/messages: 200 with read:messages, 403 without, on Auth0's middleware", async () => {
      const ok = await get(auth0Api.url, '/api/messages', await userToken('openid read:messages'));
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { client_id: string }).client_id, WEB.id);
      assert.equal((await get(auth0Api.url, '/api/messages', await userToken('openid'))).status, 403);
    });
  });

  describe('a machine token (client_credentials)', () => {
    it('is an RFC 9068 access token for the API', async () => {
      const { header, payload } = decodeJwt(await accessToken(latchkey, READER));
      assert.equal(header['typ'], 'at+jwt');
      assert.equal(header['alg'], 'RS256');
      assert.equal(payload['iss'], latchkey.issuer);
      assert.ok([payload['aud']].flat().includes(AUDIENCE));
      assert.equal(payload['client_id'], READER.id);
    });

    it('GET /api/messages: 200 with the read:messages client grant, on examples/api', async () => {
      const response = await get(api.url, '/api/messages', await accessToken(latchkey, READER));
      assert.equal(response.status, 200);
      assert.ok(((await response.json()) as { messages: unknown[] }).messages.length > 0);
    });

    it('GET /api/messages: 403 insufficient_scope with only write:messages, on examples/api', async () => {
      const token = await accessToken(latchkey, WRITER);
      const response = await get(api.url, '/api/messages', token);
      assert.equal(response.status, 403);
      assert.match(response.headers.get('www-authenticate')!, /error="insufficient_scope".*scope="read:messages"/);
      const priv = await get(api.url, '/api/private', token);
      assert.equal(priv.status, 200);
      assert.equal(((await priv.json()) as { client_id: string }).client_id, WRITER.id);
    });

    it("GET /api/messages: 200 with the scope, 403 without, on Auth0's middleware", async () => {
      const ok = await get(auth0Api.url, '/api/messages', await accessToken(latchkey, READER));
      assert.equal(ok.status, 200);
      assert.equal(((await ok.json()) as { client_id: string }).client_id, READER.id);
      assert.equal((await get(auth0Api.url, '/api/messages', await accessToken(latchkey, WRITER))).status, 403);
    });
  });
});
