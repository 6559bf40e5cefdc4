import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { auth, claimCheck, claimEquals, requiredPermissions, requiredScopes } from '../src/express.js';
import type { AccessTokenVerifierOptions } from '../src/core/options.js';
import { adapterContract } from './helpers/adapter-contract.js';
import type { AppUnderTest } from './helpers/adapter-contract.js';

async function startExpressApp(options: AccessTokenVerifierOptions): Promise<AppUnderTest> {
  const app = express();
  const checkJwt = auth(options);

  app.get('/public', (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/private', checkJwt, (req, res) => {
    res.json({ sub: req.auth?.payload.sub });
  });
  app.get('/messages', checkJwt, requiredScopes('read:messages'), (_req, res) => {
    res.json({ messages: [{ id: 1, text: 'hello' }] });
  });
  app.get('/admin', checkJwt, requiredPermissions('delete:messages'), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/org', checkJwt, claimEquals('org_id', 'org_1'), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/staff', checkJwt, claimCheck((payload) => payload.sub === 'staff-1', 'Staff only'), (_req, res) => {
    res.json({ ok: true });
  });
  app.get('/maybe', auth({ ...options, authRequired: false }), (req, res) => {
    res.json({ sub: req.auth?.payload.sub ?? null });
  });
  // Would show any error the middleware passed on instead of answering itself.
  app.use((error: Error, _req: Request, res: Response, _next: NextFunction) => {
    res.status(500).json({ unexpected: error.message });
  });

  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

adapterContract('Express', startExpressApp);

describe('Express adapter', () => {
  it('refuses insecure algorithms when the middleware is created, not on the first request', () => {
    const options = { issuer: 'https://issuer.example/', jwksUri: 'https://issuer.example/jwks', audience: 'a' };
    assert.throws(() => auth({ ...options, algorithms: ['HS256'] as never }), TypeError);
    assert.throws(() => auth({ ...options, algorithms: ['none'] as never }), TypeError);
  });

  it('guards refuse with 401 when no auth() ran before them', async () => {
    const app = express();
    app.get('/messages', requiredScopes('read:messages'), (_req, res) => {
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const response = await fetch(`http://127.0.0.1:${port}/messages`);
      assert.equal(response.status, 401);
      assert.equal(response.headers.get('www-authenticate'), 'Bearer realm="api"');
    } finally {
      server.close();
    }
  });
});
