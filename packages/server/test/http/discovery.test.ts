import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RunningLatchkey } from '../../src/server.js';
import { startTestServer } from '../helpers/test-server.js';

describe('discovery and JWKS', () => {
  let server: RunningLatchkey;
  let metadata: Record<string, unknown>;
  before(async () => {
    server = await startTestServer();
    metadata = await (await fetch(`${server.issuer}.well-known/openid-configuration`)).json() as Record<string, unknown>;
  });
  after(() => server.close());

  it('A5.1 serves the issuer byte for byte as configured', () => {
    assert.equal(metadata.issuer, server.issuer);
  });

  it('A5.2 lists the required and recommended metadata', () => {
    for (const field of ['authorization_endpoint', 'token_endpoint', 'jwks_uri', 'userinfo_endpoint', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported', 'scopes_supported']) {
      assert.ok(metadata[field], `${field} present`);
    }
    assert.ok((metadata.response_types_supported as string[]).includes('code'));
    assert.ok((metadata.id_token_signing_alg_values_supported as string[]).includes('RS256'));
    assert.ok((metadata.scopes_supported as string[]).includes('openid'));
  });

  it('A5.3 offers S256 only, iss in responses, and the RFC 8414 document has the same issuer', async () => {
    assert.deepEqual(metadata.code_challenge_methods_supported, ['S256']);
    assert.equal(metadata.authorization_response_iss_parameter_supported, true);
    const rfc8414 = await (await fetch(`${server.issuer}.well-known/oauth-authorization-server`)).json() as Record<string, unknown>;
    assert.equal(rfc8414.issuer, server.issuer);
  });

  it('publishes only endpoints that answer', async () => {
    for (const field of ['authorization_endpoint', 'token_endpoint', 'userinfo_endpoint', 'jwks_uri']) {
      const url = metadata[field] as string;
      assert.ok(url.startsWith(server.issuer), `${field} derives from the issuer`);
      const response = await fetch(url, { redirect: 'manual' });
      assert.notEqual(response.status, 404, `${field} is served`);
      await response.body?.cancel();
    }
  });

  it('A5.4 publishes a JWK Set with unique kids and no private members', async () => {
    const response = await fetch(`${server.issuer}.well-known/jwks.json`);
    assert.equal(response.status, 200);
    const { keys } = await response.json() as { keys: Record<string, unknown>[] };
    assert.ok(keys.length >= 1);
    assert.equal(new Set(keys.map((k) => k.kid)).size, keys.length);
    for (const key of keys) {
      assert.equal(typeof key.kid, 'string');
      for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[member], undefined, `no ${member}`);
    }
  });

  it('keeps the same signing key across restarts of the same database', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-keys-'));
    try {
      const database = `sqlite:${join(dir, 'db.sqlite')}`;
      const first = await startTestServer({ database });
      const kids1 = await (await fetch(`${first.issuer}.well-known/jwks.json`)).text();
      await first.close();
      const second = await startTestServer({ database });
      const kids2 = await (await fetch(`${second.issuer}.well-known/jwks.json`)).text();
      await second.close();
      assert.equal(kids2, kids1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
