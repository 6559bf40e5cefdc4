import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { claimCheck, claimEquals, latchkeyAuth, requiredPermissions, requiredScopes } from '../src/fastify.js';
import type { AccessTokenVerifierOptions } from '../src/core/options.js';
import { adapterContract } from './helpers/adapter-contract.js';
import type { AppUnderTest } from './helpers/adapter-contract.js';

async function startFastifyApp(options: AccessTokenVerifierOptions): Promise<AppUnderTest> {
  const app = Fastify();

  app.get('/public', async () => ({ ok: true }));

  // Only the routes of this encapsulated plugin are protected.
  await app.register(async (api) => {
    await api.register(latchkeyAuth, options);
    api.get('/private', async (request) => ({ sub: request.auth?.payload.sub }));
    api.get('/messages', { preHandler: requiredScopes('read:messages') }, async () => ({
      messages: [{ id: 1, text: 'hello' }],
    }));
    api.get('/admin', { preHandler: requiredPermissions('delete:messages') }, async () => ({ ok: true }));
    api.get('/org', { preHandler: claimEquals('org_id', 'org_1') }, async () => ({ ok: true }));
    api.get('/staff', { onRequest: claimCheck((payload) => payload.sub === 'staff-1', 'Staff only') }, async () => ({
      ok: true,
    }));
  });
  await app.register(async (optional) => {
    await optional.register(latchkeyAuth, { ...options, authRequired: false });
    optional.get('/maybe', async (request) => ({ sub: request.auth?.payload.sub ?? null }));
  });

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url: `${url}/`, close: () => app.close() };
}

adapterContract('Fastify', startFastifyApp);

describe('Fastify adapter', () => {
  it('refuses insecure algorithms when the plugin is registered', async () => {
    const app = Fastify();
    const options = { issuer: 'https://issuer.example/', jwksUri: 'https://issuer.example/jwks', audience: 'a' };
    await assert.rejects(async () => {
      await app.register(latchkeyAuth, { ...options, algorithms: ['HS256'] as never });
      await app.ready();
    }, TypeError);
    await app.close();
  });

  it('guards refuse with 401 when the plugin is not in scope', async () => {
    const app = Fastify();
    app.get('/messages', { preHandler: requiredScopes('read:messages') }, async () => ({ ok: true }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${url}/messages`);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="api"');
    } finally {
      await app.close();
    }
  });
});
