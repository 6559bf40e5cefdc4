import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey } from 'jose';
import { startApi } from '../src/app.js';
import type { RunningApi } from '../src/app.js';
import { loadApiConfig } from '../src/config.js';

const AUDIENCE = 'https://api.example.test/';

describe('example API with a stand-in issuer', () => {
  let issuerServer: Server;
  let issuer: string;
  let privateKey: CryptoKey;
  let kid: string;
  let api: RunningApi;

  const token = (claims: Record<string, unknown> = {}) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      iss: issuer, sub: 'm2m@clients', aud: AUDIENCE, client_id: 'm2m',
      iat: now, exp: now + 300, jti: randomUUID(), scope: 'read:messages', ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid })
      .sign(privateKey);
  };
  const get = (path: string, accessToken?: string) =>
    fetch(new URL(path, api.url), { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });

  before(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    kid = randomUUID();
    const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'RS256', use: 'sig' }] };
    issuerServer = createServer((req, res) => {
      const body =
        req.url === '/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}jwks.json` }
        : req.url === '/jwks.json' ? jwks
        : undefined;
      res.writeHead(body ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(body ?? {}));
    }).listen(0, '127.0.0.1');
    await once(issuerServer, 'listening');
    issuer = `http://127.0.0.1:${(issuerServer.address() as AddressInfo).port}/`;
    api = await startApi({ issuer, audience: AUDIENCE });
  });
  after(async () => {
    await api.close();
    issuerServer.close();
  });

  it('GET /api/public needs no token', async () => {
    const response = await get('/api/public');
    assert.equal(response.status, 200);
    assert.match(((await response.json()) as { message: string }).message, /Public/);
  });

  it('GET /api/private: 401 without a token, 200 with one', async () => {
    const refused = await get('/api/private');
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('www-authenticate'), 'Bearer realm="api"');
    const ok = await get('/api/private', await token({ scope: '' }));
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), {
      message: 'Private endpoint: your access token is valid.',
      sub: 'm2m@clients',
      client_id: 'm2m',
    });
  });

  it('GET /api/messages: 200 with read:messages, 403 without', async () => {
    const ok = await get('/api/messages', await token());
    assert.equal(ok.status, 200);
    const { messages } = (await ok.json()) as { messages: unknown[] };
    assert.equal(messages.length, 2);
    const refused = await get('/api/messages', await token({ scope: 'write:messages' }));
    assert.equal(refused.status, 403);
    assert.match(refused.headers.get('www-authenticate')!, /error="insufficient_scope".*scope="read:messages"/);
  });

  it('refuses a token for another API', async () => {
    const response = await get('/api/private', await token({ aud: 'https://other.example.test/' }));
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate')!, /error="invalid_token"/);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const response = await get('/api/nope');
    assert.equal(response.status, 404);
    assert.equal(((await response.json()) as { error: string }).error, 'not_found');
  });
});

describe('loadApiConfig', () => {
  it('has the documented defaults', () => {
    assert.deepEqual(loadApiConfig({}), {
      port: 3010,
      issuer: 'http://localhost:4000/',
      audience: 'https://api.example.test/',
    });
  });

  it('reads PORT, LATCHKEY_ISSUER and API_AUDIENCE', () => {
    assert.deepEqual(loadApiConfig({ PORT: '0', LATCHKEY_ISSUER: 'https://id.example/', API_AUDIENCE: 'urn:api' }), {
      port: 0,
      issuer: 'https://id.example/',
      audience: 'urn:api',
    });
    assert.throws(() => loadApiConfig({ PORT: 'eighty' }), /PORT/);
  });
});
