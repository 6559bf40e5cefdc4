import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isInsecureIssuer, loadConfig } from '../../src/config/config.js';
import { parseTenant, TenantFileError } from '../../src/tenant/import-tenant.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 4000);
    assert.equal(config.issuer, 'http://localhost:4000/');
    assert.equal(config.database, 'sqlite:./data/latchkey.db');
    assert.equal(config.tenantFile, undefined);
    assert.ok(Object.isFrozen(config));
  });
  it('derives the default issuer from PORT, and flags win over the environment', () => {
    assert.equal(loadConfig({ PORT: '4100' }).issuer, 'http://localhost:4100/');
    assert.equal(loadConfig({ PORT: '4100' }, { port: '4200' }).port, 4200);
  });
  it('names the setting that is wrong', () => {
    assert.throws(() => loadConfig({ LATCHKEY_ISSUER: 'https://id.example.com' }), /LATCHKEY_ISSUER: must end with a trailing slash/);
    assert.throws(() => loadConfig({ LATCHKEY_ISSUER: 'https://id.example.com/?a=1' }), /LATCHKEY_ISSUER/);
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ LATCHKEY_DATABASE: 'mysql://x' }), /LATCHKEY_DATABASE/);
  });
  it('flags plain http issuers outside loopback', () => {
    assert.equal(isInsecureIssuer('http://localhost:4000/'), false);
    assert.equal(isInsecureIssuer('http://auth.example.com/'), true);
    assert.equal(isInsecureIssuer('https://auth.example.com/'), false);
  });
});

describe('parseTenant', () => {
  const client = { client_id: 'a', client_secret: 'x'.repeat(32), name: 'A', callbacks: ['https://a.test/cb'] };

  it('names the field of the first problem', () => {
    assert.throws(() => parseTenant({ clients: [{ ...client, client_secret: 'short' }] }), (e: TenantFileError) => /clients\[0\]\.client_secret: must be at least 32 characters/.test(e.message));
    assert.throws(() => parseTenant({ users: [{ email: 'not-an-email' }] }), /users\[0\]\.email/);
    assert.throws(() => parseTenant({ clients: [{ ...client, callbacks: ['https://a.test/cb#x'] }] }), /clients\[0\]\.callbacks\[0\]/);
    assert.throws(() => parseTenant({ clients: [{ ...client, colour: 'red' }] }), /clients\[0\]/);
    assert.throws(() => parseTenant({ clients: [client, client] }), /clients\[1\]\.client_id: duplicate/);
    assert.throws(() => parseTenant({ clients: [{ ...client, client_secret: undefined }] }), /client_secret: is required/);
  });

  it('fills Auth0 defaults', () => {
    const tenant = parseTenant({ clients: [client], resourceServers: [{ identifier: 'https://api/', name: 'API' }] });
    assert.equal(tenant.clients[0]!.app_type, 'regular_web');
    assert.equal(tenant.clients[0]!.token_endpoint_auth_method, 'client_secret_basic');
    assert.equal(tenant.resourceServers[0]!.token_lifetime, 86_400);
  });
});
