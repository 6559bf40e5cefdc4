import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseTenant } from '../../src/tenant/import-tenant.js';

describe('tenant file hardening', () => {
  const client = (fields: Record<string, unknown>) => ({
    clients: [{ client_id: 'a', client_secret: 'x'.repeat(32), name: 'A', callbacks: ['https://rp.test/cb'], ...fields }],
  });

  it('refuses client secrets shorter than 32 characters', () => {
    assert.throws(() => parseTenant(client({ client_secret: 'x'.repeat(31) })), /clients\[0\]\.client_secret: must be at least 32 characters/);
    assert.equal(parseTenant(client({})).clients[0]!.client_secret, 'x'.repeat(32));
  });

  it('B3.1 refuses callbacks and logout URLs a browser would run instead of visit, and callbacks with a fragment', () => {
    for (const url of ['javascript:alert(1)', 'JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd']) {
      assert.throws(() => parseTenant(client({ callbacks: [url] })), /clients\[0\]\.callbacks\[0\]/, url);
      assert.throws(() => parseTenant(client({ allowed_logout_urls: [url] })), /clients\[0\]\.allowed_logout_urls\[0\]/, url);
    }
    assert.throws(() => parseTenant(client({ callbacks: ['https://rp.test/cb#frag'] })), /must not contain a fragment/);
    assert.deepEqual(parseTenant(client({ callbacks: ['com.example.app:/callback', 'http://127.0.0.1:8080/cb'] })).clients[0]!.callbacks, ['com.example.app:/callback', 'http://127.0.0.1:8080/cb']);
  });
});
